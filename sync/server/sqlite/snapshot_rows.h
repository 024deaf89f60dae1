// The server's side of a township snapshot (sync/protocol/snapshot.h): the rows of one page, read from the SQLite
// central store. A page's children drive every read, so a page costs the same whatever the size of the county.
#pragma once

#include <string_view>

#include "core/db/sqlite.h"
#include "sync/protocol/snapshot.h"

namespace tongdang::sync::snapshot {

// The children of `township` with id > `after_child` (at most `limit`) and every row hanging off them; once that
// exhausts the township, the township-level rows too (leads, lead events, conflicts, duplicates). `derived`:
// include the derived tables (the station runs the same county policy). `db` holds the core schema and the
// server's field_registers.
// `merged_files`: the page's children are the township's and the files of other townships merged into its own
// while the merge stands (kStandingMergesIntoTownship), in one id order; those files' rows keep their township.
PageRows read_rows(db::Database& db, std::string_view township, std::string_view after_child, int limit,
                   bool derived, bool merged_files);

// The merge events (file.merge, file.unmerge) of other townships' files whose survivor is in township ?1: the
// township-level rows of its snapshot carry them, so the merged-away file's old id finds the survivor there.
inline constexpr const char* kMergesFromOtherTownships =
    "SELECT * FROM events WHERE kind IN ('file.merge', 'file.unmerge') AND township <> ?1"
    " AND json_extract(payload, '$.survivor_township') = ?1";

// The files of other townships merged into one of township ?1's while the merge stands (no unmerge names it): a
// station of the survivor's township holds them since the merge (server_merge.cc sent them whole), so a snapshot
// of that township carries them among its children.
inline constexpr const char* kStandingMergesIntoTownship =
    "SELECT e.child_id FROM events e WHERE e.kind = 'file.merge' AND e.township <> ?1"
    " AND json_extract(e.payload, '$.survivor_township') = ?1 AND NOT EXISTS (SELECT 1 FROM events u"
    " WHERE u.child_id = e.child_id AND u.kind = 'file.unmerge' AND json_extract(u.payload, '$.merge_id') = e.id)";

}  // namespace tongdang::sync::snapshot
