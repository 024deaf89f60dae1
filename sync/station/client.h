// The station's side of sync: `tongdang sync` (hello, push the outbox in pages, report the reads that matter from
// the audit, on a station that has never synced load a snapshot of its township, pull the township's change log in
// pages), and what a station shows about it (status, conflicts, duplicate candidates, rejected changes) and the
// supervisor's resolution of a conflict.
//
// Invariants the client keeps (design §3):
// - an outbox row leaves the queue only when the server has answered for it (applied, duplicate, conflict or
//   rejected); a rejected change moves to the visible rejected list, so it never blocks the queue;
// - a pulled page and the cursor after it are written in one transaction, so an interrupted sync resumes where it
//   stopped and applying a page twice changes nothing;
// - a pulled value for a field with an unsent local edit is kept as server state (sync_shadow) and shown only
//   once the push of that edit is answered.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/store/station.h"
#include "sync/protocol/transport.h"

namespace tongdang::sync {

// Where a sync stands, for progress reports on long syncs.
struct SyncProgress {
  std::string phase;        // "push", "snapshot" or "pull"
  int pages = 0;
  std::int64_t changes_up = 0;
  std::int64_t outbox_left = 0;
  std::int64_t ops_down = 0;
  std::int64_t snapshot_children = 0;  // child files loaded by a township snapshot so far
};

struct SyncOptions {
  int push_page = 0;  // 0: the server's limit (at most tuning::kPushPageMax)
  std::int64_t push_page_bytes = 0;  // most bytes of JSON per push page; 0: tuning::kPushPageBytes (at most that)
  int pull_page = 0;  // 0: tuning::kPullPageRequest
  int snapshot_page = 0;  // children per snapshot page; 0: tuning::kSnapshotPageChildren
  bool snapshot = true;   // false: never ask for a snapshot, replay the change log (as an older station does)
  // Waits between retries of a transient failure; tests pass a function that does not sleep.
  std::function<void(int milliseconds)> sleep;
  std::function<void(const SyncProgress&)> progress;
  std::uint32_t jitter_seed = 0;  // 0: from the random device
};

struct SyncSummary {
  std::int64_t pushed = 0;            // changes the server answered for
  std::int64_t applied = 0;
  std::int64_t duplicates = 0;        // already known to the server (a replayed page)
  std::int64_t conflicts_opened = 0;  // by this station's pushes
  std::int64_t rejected = 0;
  std::int64_t pulled = 0;            // ops applied from the server
  int push_pages = 0;
  int pull_pages = 0;
  int retries = 0;
  std::int64_t clock_ahead_ms = 0;    // > 0: the server flagged this station's clock as running ahead
  int snapshot_pages = 0;             // township snapshot pages loaded (a new station's first sync)
  std::int64_t snapshot_children = 0;
  std::int64_t snapshot_rows = 0;
  std::int64_t reads_reported = 0;    // reads that matter from this station's audit, now held by the county
  std::int64_t reads_rejected = 0;    // reported reads the county refused (e.g. a child outside the township)
  double duration_ms = 0;

  nlohmann::json to_json() const;
};

// Runs one sync. A transient failure (network, 5xx, 429/503) is retried with capped, jittered backoff; if it
// persists, the sync stops with what it did so far committed (Internal). A refused token is Refused.
Result<SyncSummary> run_sync(Station& station, Transport& transport, const SyncOptions& options = {});

// Remembered server and token (meta keys), and the last successful sync.
struct SyncSettings {
  std::string server_url;
  std::string token;
  std::string ca_cert;
};
SyncSettings load_sync_settings(Station& station);
void save_sync_settings(Station& station, const SyncSettings& settings);

struct SyncStatusReport {
  std::string server_url;
  std::string last_success;  // ISO time, empty if never
  std::int64_t outbox = 0;
  std::int64_t open_conflicts = 0;
  std::int64_t open_duplicates = 0;
  std::vector<nlohmann::json> rejected;  // change_id, entity, entity_id, op, reason, rejected_at
  std::int64_t clock_ahead_ms = 0;
  nlohmann::json to_json() const;
};
SyncStatusReport sync_status(Station& station);

// Conflicts synced down from the server (open first); duplicate candidates.
std::vector<nlohmann::json> list_conflicts(Station& station, bool include_resolved);
std::vector<nlohmann::json> list_duplicates(Station& station);

// Resolves a conflict (supervisor or county): keeps "mine" (this station's value), "theirs" (the other station's)
// or the given VALUE, as a new change that syncs like any other. `id` may be a unique prefix of at least 4.
Status resolve_conflict(Station& station, std::string_view id, std::string_view keep);

}  // namespace tongdang::sync
