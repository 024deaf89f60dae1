// Merging duplicate files and undoing a merge (`tongdang duplicates merge | unmerge`), the county's decision on a
// duplicate candidate (docs/design.md "Transfers, duplicates, deletion"; core/store/file_merge.h for what a merge
// is). The station records the decision as one event on the merged-away file and applies it at once (the file
// leaves lists, the work list and the report; lookups find the survivor); the county server, which holds both files
// whatever their townships, checks it again with the token's authority and carries out the profile fields taken
// from the merged-away file, which reach the stations with the next sync.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/store/station.h"

namespace tongdang {

struct MergeRequest {
  std::string candidate;  // the duplicate candidate's id (whole, or a unique short piece)
  std::string keep;       // the survivor: one of the candidate's files (id or short id)
  std::string other;      // the file merged away; may be empty when the candidate has exactly two open files
  std::string reason;
  // Profile fields that differ, chosen by the county user: field -> "other" (take the merged-away file's value) or
  // "kept" (the survivor's, the default for every field not named).
  std::map<std::string, std::string> take;
};

struct MergeDone {
  std::string merge_id;  // the file.merge event's id: what `unmerge` takes
  std::string survivor;
  std::string merged;
};

// Records a merge (county only). Refused, writing nothing: another role; no reason; a candidate, survivor or other
// file that is not one of the candidate's open files; a field that may not be taken; a survivor of a lower colour
// than the merged-away file when this station holds both (safety first: keep the higher-graded file).
Result<MergeDone> merge_duplicates(Station& station, const MergeRequest& request);

// Undoes a merge (county only): `ref` is the merge's id (or a unique short piece of it) or the merged-away file's.
// Both files come back as they were: the merged-away file reopens with the status it had, and the server gives the
// survivor back the values it had before the merge (a field edited since keeps the later edit).
Result<MergeDone> unmerge_duplicates(Station& station, std::string_view ref, std::string_view reason);

}  // namespace tongdang
