// The whole file of one child (一人一档) as the file page and its print view show it (docs/domain.md "The child
// file"): the profile with its family, categories, the colour with its history, screening, visits, care, open
// review items and the change history. One call, one access check, one audit row when a red file is opened.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/store/station.h"

namespace tongdang {

struct ChildFile {
  nlohmann::json child;                  // show_child's view: profile, memberships, categories, colour, relatives
  nlohmann::json colour;                 // colour_history's: colour, since, open_reviews, history (each step's breakdown)
  nlohmann::json state;                  // the derived row: last_home_visit, next_visit_due, next_reassessment_due,
                                         // case_worker, last_score … (null before the child is screened or graded)
  std::vector<nlohmann::json> screening; // the leads this file came from or was attached to, with their steps
  std::vector<nlohmann::json> visits;    // newest first: visit_on, kind, with, notes, key_event, actor
  std::vector<nlohmann::json> care;      // list_care_measures's rows, oldest first
  std::vector<nlohmann::json> reviews;   // open colour review items: from, proposed, why, opened_on, opened_by
  std::vector<nlohmann::json> history;   // audit rows of the child, its relatives and its events, newest first
                                         // (tuning::kChildHistoryRows at most): at, actor, action, entity, fields
};

// Opens a file for the acting user, as show_child does (scope, full_id for roles that may, audited; a red file's
// opening audited once). The history names the fields a change touched, never their values (they hold names and
// full ID numbers).
Result<ChildFile> open_child_file(Station& station, std::string_view ref, bool full_id);

}  // namespace tongdang
