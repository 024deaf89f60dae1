// The county's casework done at the county's server (the console's /review, web/county): confirming screenings,
// deciding colour review items, merging or dismissing duplicate candidates. Each decision is planned by the rule
// that owns it — core/workflow's confirmation_events, colour_change_event, keep_colour_event, file_merge's
// merge_event, the same functions a county user's station calls — from facts read in the server's database, then
// written as the signed-in officer's own changes through the push path (server_merge.h apply_pushed_change): the
// same scope, permission and payload checks as a station's push, the events in each township's change log, so the
// stations take them with their next pull like any other change. A decision is one transaction: a refusal of any
// of its changes writes nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/base/status.h"
#include "core/workflow/screening.h"
#include "sync/server/central_store.h"

namespace tongdang::sync::casework {

// Who decides: a signed-in console user (the console's users are county users), and when.
struct Officer {
  std::string name;
  std::int64_t now_ms = 0;
  std::string now_iso;
  Date today;  // the business date of the decision (China Standard Time)
};

// One file of a duplicate candidate, as the county compares them side by side.
struct CandidateFile {
  std::string child_id, township, village;
  nlohmann::json fields = nlohmann::json::object();  // the compared profile fields (ID number masked)
  std::optional<Colour> colour;
  std::string status, closed_reason;
  bool merged_away = false;  // closed as merged while its merge stands
};
struct Candidate {
  std::string id;
  std::string id_number;  // masked
  std::string opened_at;
  std::vector<CandidateFile> files;
  std::vector<std::string> differing;  // compared fields whose values are not all the same
};

// The profile fields shown side by side (a merge may take the takeable ones from the merged-away file).
const std::vector<std::string>& compared_fields();

// The county's queue (core county_queue) and the open duplicate candidates with their files.
struct Casework {
  ReviewQueue queue;
  std::vector<Candidate> duplicates;
  std::size_t duplicates_total = 0;  // open candidates; `duplicates` holds at most `limit` of them, oldest first
};
Result<Casework> read_casework(CentralStore& store, const Officer& officer, std::size_t limit);

// Step 3b of the screening (confirm_screening's rule): the child's categories and colour.
Status confirm_screening(CentralStore& store, const Officer& officer, const std::string& child_id,
                         const Confirmation& confirmation);
// A colour review item decided: lowered to `to` (the colour rule decides whether it applies: red only after a clear
// reassessment; the answer says whether it did), or the colour kept and the child's open items closed.
Result<bool> lower_colour(CentralStore& store, const Officer& officer, const std::string& child_id, Colour to,
                    const std::string& reason);
Status keep_colour(CentralStore& store, const Officer& officer, const std::string& child_id, const std::string& reason);
// A duplicate candidate merged: `merged` becomes an alias of `survivor`, taking the fields `take` from it.
Status merge_duplicate(CentralStore& store, const Officer& officer, const std::string& candidate_id,
                       const std::string& survivor, const std::string& merged, const std::vector<std::string>& take,
                       const std::string& reason);
// A duplicate candidate dismissed (twins, two children with one number by a registry error): its status becomes
// "dismissed", with who, when and why, and every township of its files is told. A file joining the group later opens
// it again (server_merge.cc join_duplicate_group).
Status dismiss_duplicate(CentralStore& store, const Officer& officer, const std::string& candidate_id,
                         const std::string& reason);

}  // namespace tongdang::sync::casework
