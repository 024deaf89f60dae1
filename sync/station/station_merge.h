// The station's half of the merge (private to sync/station): what it does with the server's state of a record —
// from a pulled op or from the answer to its own push — and with pulled events, conflicts and duplicate
// candidates. A pulled value of a field the user has an unsent edit of is kept as server state (sync_shadow) and
// shown only once the push of that edit is answered (merge.h, merge_pulled_field).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/db/sqlite.h"
#include "core/store/station.h"
#include "sync/station/client.h"
#include "sync/station/outbox.h"

namespace tongdang::sync {

// Whether the station holds the child or relative `id`.
bool row_exists(db::Database& db, std::string_view entity, std::string_view id);

// Applies one pulled op (profile, event, conflict, duplicate) inside the caller's write. Unknown op types come from a
// newer server: skipped.
Status apply_op(Station& station, const nlohmann::json& op);

// Writes the server's answers for one pushed page, in one transaction: answered changes leave the outbox (refused
// ones into the rejected list, the others into sent_changes with `acked_hlc`, the server clock of the reply), and each answered field shows the server's state unless another edit of it is
// still unsent. Counts the answers into `summary`.
void apply_push_results(Station& station, const std::vector<OutboxRow>& rows, const nlohmann::json& results,
                        const std::string& acked_hlc, SyncSummary& summary);

}  // namespace tongdang::sync
