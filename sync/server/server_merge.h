// The server's half of the merge (private to sync/): applying one pushed change inside a push page's transaction —
// scope and permission checks, validation, the per-field rule of merge.h, events through core's apply_event, and
// the ops appended to each township's change log.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/hlc.h"
#include "sync/protocol/protocol.h"
#include "sync/server/central_store.h"

namespace tongdang::sync {

struct PushContext {
  const Principal& principal;
  std::string station_id;
  std::int64_t now_ms = 0;
  std::string now_iso;
  Hlc clock;                     // the server's HLC, advanced as changes arrive
  std::int64_t clock_ahead_ms = 0;  // largest lead of a stamp re-stamped in this page (0: none)
};

// Appends the whole file as the server holds it to `township`'s change log: the child's profile op (every field
// with a register, its value now, `create: true`), each relative's, and every event of the child — what a station
// of that township needs to hold the file after its next pull. A transfer sends it to the receiving township; a
// file imported from another county (county_transfer.h), to the township it arrives in.
void send_whole_file(StoreTransaction& tx, const std::string& township, const std::string& child_id);

// Puts `file` (its township, village and id) in the duplicate candidate of `id_number`, opening the candidate with
// every other file of the county that holds the number (closed ones too: the county decides) when there is none;
// the candidate goes to every township of its files. Nothing when no other file holds the number. A pushed new
// child, an ID number correction and a file imported from another county (county_transfer.h) all join this way.
void join_duplicate_group(StoreTransaction& tx, const EntityLocation& file, const std::string& id_number,
                          std::int64_t now_ms, const std::string& now_iso);

// Applies (or rejects) one change; records its result for idempotency. Constraint failures reject the change
// alone; any other database failure throws (the page is rolled back and the station retries).
ChangeResult apply_pushed_change(StoreTransaction& tx, PushContext& context, const nlohmann::json& raw_change);

}  // namespace tongdang::sync
