// The station's side of sync, one session of `tongdang sync`: hello, push the outbox in pages, report the reads
// that matter from the audit, on a station that has never synced load a snapshot of its township, pull the
// township's change log in pages. What the station remembers is in settings.h, what it shows in status.h and
// conflicts.h; how it applies the server's state in station_merge.h.
//
// Invariants the client keeps (docs/sync-protocol.md):
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
  std::int64_t resent = 0;            // acknowledged changes queued again for a server restored from a backup
  double duration_ms = 0;

  nlohmann::json to_json() const;
};

// Runs one sync. A transient failure (network, 5xx, 429/503) is retried with capped, jittered backoff; if it
// persists, the sync stops with what it did so far committed (Internal). A refused token is Refused.
Result<SyncSummary> run_sync(Station& station, Transport& transport, const SyncOptions& options = {});

}  // namespace tongdang::sync
