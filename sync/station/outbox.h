// What the station sends and what was refused: the outbox read in push order, the changes refused for good (kept
// in the rejected list a person reviews), and the reads that matter the county is told of. Private to sync/station.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/db/sqlite.h"
#include "core/store/station.h"
#include "sync/protocol/protocol.h"

namespace tongdang::sync {

// One captured change waiting to be pushed.
struct OutboxRow {
  std::int64_t seq = 0;
  WireChange change;
};

// The oldest `limit` changes of the outbox, in capture order.
std::vector<OutboxRow> read_outbox(db::Database& db, int limit);

// A change refused for good (by the server, or here before sending): out of the queue, into the rejected list a
// person reviews (`tongdang sync status`), audited as sync.rejected. The reason is kept as code and arguments
// (Message::to_json) and rendered when it is shown, in the reader's language (shown_reason). A refused conflict
// resolution reopens its conflict here, as it still is on the server.
void keep_rejected(WriteContext& w, const WireChange& change, const Message& reason);

// A change the server acknowledged (applied, duplicate or in conflict): out of the queue, into sent_changes with
// the server's clock of the reply (`acked_hlc`, empty when the server gave none), so a server restored from an older
// backup can be sent it again (requeue_sent_since).
void keep_sent(WriteContext& w, const WireChange& change, const std::string& acked_hlc);

// A server restored from a backup taken at server clock `backup_hlc`: every kept change it acknowledged after
// that clock (or with no clock) goes back into the outbox, in capture order, unless it is there already. Returns
// how many. The restored server answers "duplicate" to any it does hold.
std::int64_t requeue_sent_since(WriteContext& w, const std::string& backup_hlc);

// Forgets acknowledged changes acknowledged before `cutoff_iso` (this station's time).
void prune_sent(WriteContext& w, const std::string& cutoff_iso);

// A kept rejection's reason in the reader's language: a message (keep_rejected) rendered from the wire catalogue,
// or the text itself for a row kept before reasons were messages.
std::string shown_reason(const std::string& stored);

// The station's audit rows the county is told of (protocol.h kReportedReads) in (after_seq, upto_seq], oldest
// first, at most `limit`: what the server needs to attribute and scope them, and each row's hash (its link in this
// station's chain).
nlohmann::json reported_reads(db::Database& db, std::int64_t after_seq, std::int64_t upto_seq, int limit);

}  // namespace tongdang::sync
