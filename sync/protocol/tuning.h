// The tuning constants both ends of sync agree on (page sizes, body limits, the clock bound, the sync page cache),
// each with what it trades off and its default. The station's client and the server have their own headers beside
// their code (sync/station/tuning.h, sync/server/tuning.h); core's are in core/base/tuning.h.
#pragma once

#include <cstdint>

#include "core/base/tuning.h"

namespace tongdang::tuning {

// Largest number of changes a station sends in one push page. Larger pages mean fewer round trips and fewer
// server commits (each rewrites the log's and the registers' index pages: a holder's first push of 20,000 changes
// took a third less time in pages of 2,000 than of 500); smaller ones lose less work when a connection drops
// mid-page. 2,000 changes are about 1 MiB of JSON. The server may lower it (hello's limits.push_max).
inline constexpr int kPushPageMax = 2000;
// Largest number of ops the server returns in one pull page (same trade-off as kPushPageMax).
inline constexpr int kPullPageMax = 1000;
// Upper bound on a request or response body, in bytes (about 1 MiB of changes per page, gzip'd). The server holds
// a request body to it twice: as sent (a chunked body is cut there too) and once inflated, so a small gzip body
// cannot grow into gigabytes.
inline constexpr std::int64_t kMaxBodyBytes = 16 * 1024 * 1024;
// Most bytes of JSON (before gzip) a station puts in one push page: a page ends before the next change would
// pass it, whatever kPushPageMax allows. Well under kMaxBodyBytes even for text gzip cannot shrink, so a page of
// long notes is never refused for its size; large enough that ordinary pages (2,000 changes, about 1 MiB) are
// limited by count, not bytes. Default 4 MiB.
inline constexpr std::int64_t kPushPageBytes = 4 * 1024 * 1024;
static_assert(kMaxChangeBytes <= kPushPageBytes, "every push page must hold at least one change");

// A station HLC more than this far ahead of the server's clock is re-stamped by the server for ordering and the
// station is flagged (a laptop whose clock is a year ahead must not win every later merge).
inline constexpr std::int64_t kMaxClockAheadMs = 5LL * 60 * 1000;
// SQLite page cache of the central store and of a station while it syncs, in KiB. A push or pull page touches
// several tables and indexes in one transaction; a cache smaller than that spills dirty pages to the WAL in the
// middle of the transaction (many small writes). 64 MiB per connection is small for a county server.
inline constexpr int kSyncCacheKiB = 64 * 1024;
// Children per township snapshot page (a new station's first sync; sync/snapshot.h), with every row that hangs off
// them: about 2.5 KB of rows per child before gzip. Larger pages mean fewer commits on the station and fewer
// round trips; smaller ones lose less when a slow link drops mid-page and bound the server's memory per request.
inline constexpr int kSnapshotPageChildren = 2500;
// Station audit rows reported to the county per POST /v1/sync/audit page (red files opened, full ID numbers shown;
// docs/sync-protocol.md). A row is about 300 bytes of JSON; a station reports a few a day, so one page almost
// always carries them all, and a larger backlog (after months offline) still goes in a few small requests.
inline constexpr int kAuditReportPageMax = 500;

}  // namespace tongdang::tuning
