// Duplicate files merged by the county, and merges undone (docs/design.md "Transfers, duplicates, deletion").
//
// A merge is one event, `file.merge`, on the file that becomes an alias (the merged-away file): its payload names
// the survivor, the survivor's township, the duplicate candidate and the profile fields taken from the merged-away
// file. An unmerge is a `file.unmerge` event on the same file naming the merge. Nothing is deleted and no event is
// rewritten: the merged-away file stays, closed with the reason "merged" while its merge stands, so it leaves every
// list, the work list and the report; its events keep their ids and are read as part of the survivor's history.
// Both the station and the county server answer "is this file merged, into what" from the events alone, with the
// functions below, so the rule lives in one place.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/db/sqlite.h"
#include "core/store/events.h"

namespace tongdang::file_merge {

inline constexpr std::string_view kMergeKind = "file.merge";
inline constexpr std::string_view kUnmergeKind = "file.unmerge";
// A file arriving from another county (docs/design.md "Leaving the county"): it opens the file, whatever closed it
// in the county it left, and places it in its payload's to_township and to_village, as a transfer does.
inline constexpr std::string_view kImportKind = "file.import";
// The closing reason a merged-away file shows while its merge stands.
inline constexpr std::string_view kMergedReason = "merged";

// A merge that stands (not undone).
struct StandingMerge {
  std::string merge_id;   // the file.merge event's id
  std::string merged;     // the merged-away file
  std::string survivor;   // the file it is an alias of
  std::string survivor_township;
  std::string candidate;  // the duplicate candidate it decided
  std::vector<std::string> taken;  // profile fields taken from the merged-away file
};

// The merge of `child` that stands (the latest file.merge of it not undone by a file.unmerge), if any.
std::optional<StandingMerge> standing_merge(db::Database& db, std::string_view child);
// The merge with this id (a file.merge event), standing or not; `standing` tells which.
struct MergeRecord {
  StandingMerge merge;
  bool standing = false;
};
std::optional<MergeRecord> find_merge(db::Database& db, std::string_view merge_id);
// The files merged into `survivor` whose merge stands, directly or through a chain of merges, oldest first.
std::vector<std::string> merged_into(db::Database& db, std::string_view survivor);
// The file `child` stands for now: itself, or the end of its chain of standing merges (at most a few links).
std::string survivor_of(db::Database& db, std::string_view child);

// The survivor's history: its own events and those of every file merged into it (their ids unchanged), in
// (hlc, id) order. For a history view (`child history`): a file's history is history_events(survivor_of(file)).
std::vector<Event> history_events(db::Database& db, std::string_view survivor);

// The file.merge event (not yet stamped) of the county's decision on a duplicate candidate: `merged` becomes an
// alias of `survivor`, taking the fields `take`. Written by a county user's station (core/workflow/merge.h) and by the
// county console (sync/server/county_casework.h); the server checks it against its own files either way.
struct MergeDecision {
  std::string merged, merged_township;
  std::string survivor, survivor_township;
  std::string candidate;
  std::string reason;
  std::vector<std::string> take;
};
Event merge_event(const MergeDecision& decision);

// Whether a profile field of the child may be taken from the merged-away file: editable fields that describe the
// child, not where the file lives (village, township) nor its key (the ID number is the same by construction).
bool takeable_field(std::string_view field);

// The closing reason a file.close gives its file (children.closed_reason, a Vocabulary::CloseReason code): a closing
// by `tongdang child close` carries the code as its reason; a move out of the county carries the person's words as
// its reason and the code as its kind (core/workflow/transfer.cc), so the kind wins when there is one.
std::string closing_reason(const nlohmann::json& payload);

// The status a file's close, reopen, merge and unmerge events give it, in (hlc, id) order, with merges that were
// undone left out as if they had never happened (so an unmerge restores exactly the status before the merge), and
// a close that a reopen names (payload "closes") undone whatever the order of their stamps. Writes
// children.status, closed_reason and closed_on of `child` when its row exists (open when it has none left: a close
// the server refused is taken back).
// The one fold of a file's status: the projections call it for every file an event or a loaded row touched.
void refresh_file_status(db::Database& db, std::string_view child);

}  // namespace tongdang::file_merge
