// Every tuning constant of tongdang in one place, each with what it trades off and its default.
// Policy numbers a county may change (visit intervals, instrument points) are not here: they live in the
// county policy file (fixtures/policy/default.json).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tongdang::tuning {

// How long a writer waits for another process holding the station database before failing. Long enough for a
// ledger import or a sync page in another window to finish; short enough that a stuck process is noticed.
inline constexpr int kBusyTimeoutMs = 10'000;
// SQLite page size of a new database file (station or server), in bytes; an existing file keeps its own. Larger
// pages: fewer, shallower index levels for the 36-character ids and a quarter of the WAL system calls of SQLite's
// default 4096 (a 2,000-row import: 16,700 -> 5,200 calls, about 15 % less CPU); each small commit writes whole
// pages to the WAL, so much larger would waste more on one-visit writes.
inline constexpr int kPageSizeBytes = 16 * 1024;

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
// Most bytes one change (a profile change or an event, encoded as JSON) may take. Text limits (text_limits.h)
// keep real changes under a few tens of KB; a change over this one (an older program's, or one written by SQL)
// is rejected for good — on the station before it is sent, and by the server — rather than failing its page, so
// it can never stop the queue behind it. At most kPushPageBytes, so every page holds at least one change.
// Default 1 MiB.
inline constexpr std::int64_t kMaxChangeBytes = 1024 * 1024;

// Retry of transient sync failures (network, 5xx, 429/503): capped exponential backoff with full jitter.
inline constexpr int kRetryMaxAttempts = 6;
inline constexpr int kRetryBaseDelayMs = 200;
inline constexpr int kRetryMaxDelayMs = 10'000;
// libcurl timeouts: connecting, and a transfer making no progress.
inline constexpr long kConnectTimeoutSeconds = 10;
inline constexpr long kLowSpeedTimeSeconds = 30;

// A station HLC more than this far ahead of the server's clock is re-stamped by the server for ordering and the
// station is flagged (a laptop whose clock is a year ahead must not win every later merge).
inline constexpr std::int64_t kMaxClockAheadMs = 5LL * 60 * 1000;

// How long the server keeps tombstones and per-change history before a long-offline station must resync a scope
// (after pushing everything it has). Default: two years.
inline constexpr int kTombstoneHorizonDays = 730;

// Files a duplicate candidate (one per ID number) lists by name; more are only counted. Twenty is far more than a
// real mistake produces (two or three registrations); a cap keeps a mass registration of one number from making
// every further registration rewrite, and send to every township, an ever longer record.
inline constexpr int kDuplicateGroupMaxFiles = 20;

// ---- server listener (sync/server/http_server.cc; docs/design.md "HTTP listener") ----

// Threads doing the listener's I/O (TLS, parsing, gzip of nothing: no blocking work runs there). Connections are
// asynchronous, so a slow or idle one costs memory, not a thread; two keep both cores busy with TLS handshakes.
inline constexpr int kServerIoThreads = 2;
// Threads running requests against the central store (blocking SQLite work, gzip of answers). The store takes one
// writer at a time, so more threads would only queue on its lock; four let token checks, reads and a snapshot
// page's gzip go on while one push commits.
inline constexpr int kServerWorkerThreads = 4;
// Time from a connection's accept (TLS handshake included) or a request's first byte until its whole header has
// arrived. A station sends its header in one packet; a client dribbling bytes is cut here, not per byte received.
inline constexpr int kServerHeaderDeadlineMs = 10'000;
// Time for a request body, once the header is read. Matches the station's whole-request timeout
// (kRequestTimeoutSeconds): a body that slow would fail on the station anyway.
inline constexpr int kServerBodyDeadlineSeconds = 60;
// Time to write one answer to a client that reads slowly (a snapshot page is a few MB).
inline constexpr int kServerWriteDeadlineSeconds = 60;
// Largest request header (request line and fields), in bytes. A station's is under 1 KiB.
inline constexpr int kServerMaxHeaderBytes = 16 * 1024;
// Connections one peer address may hold at once; connection N+1 is closed at accept. A station syncs over one
// connection; a township behind one NAT address has a handful of laptops. Low enough that one address cannot take
// a meaningful share of kServerMaxConnections.
inline constexpr int kServerMaxConnectionsPerAddress = 32;
// Connections the server holds at once, from all addresses (each costs a socket and some tens of KiB). A county
// has some dozens of stations; beyond this, connections are closed at accept rather than exhausting descriptors.
inline constexpr int kServerMaxConnections = 2000;
// The refused connections of one address are logged at most once per this interval (with their count), so a
// flood of connections cannot flood the log.
inline constexpr int kServerRefusalLogIntervalSeconds = 5;
// After an early answer (401 before the body, 413 at the limit) the server reads and discards what the client
// still sends, for at most this long and this many bytes, so the client reads the answer instead of a reset.
inline constexpr int kServerLingerMs = 1000;
inline constexpr std::int64_t kServerLingerBytes = 4 * 1024 * 1024;
// On SIGTERM: how long requests in flight may take to finish before their connections are closed.
inline constexpr int kServerStopGraceSeconds = 10;

// ---- sync (owned by the sync area) ----

// Requests one kept-alive connection may carry before the server closes it. A sync is a handful of requests per
// page; a higher count saves TLS handshakes, a lower one spreads long syncs over fresh connections.
inline constexpr int kServerKeepAliveRequests = 100;
// How long the server keeps an idle connection open for the next request. A sync sends its pages back to back, so
// a short wait suffices; it also bounds how long a graceful shutdown (SIGTERM) waits for idle connections.
inline constexpr int kServerKeepAliveTimeoutSeconds = 2;
// Total time one sync request may take (libcurl CURLOPT_TIMEOUT). A pull page of kPullPageMax ops takes well under
// a second on a county server; a minute covers a slow township link without hanging a sync for ever.
inline constexpr long kRequestTimeoutSeconds = 60;
// SQLite page cache of the central store and of a station while it syncs, in KiB. A push or pull page touches
// several tables and indexes in one transaction; a cache smaller than that spills dirty pages to the WAL in the
// middle of the transaction (many small writes). 64 MiB per connection is small for a county server.
inline constexpr int kSyncCacheKiB = 64 * 1024;
// Ops the client asks for per pull page (at most kPullPageMax, the server's cap).
inline constexpr int kPullPageRequest = kPullPageMax;
// Children per township snapshot page (a new station's first sync; sync/snapshot.h), with every row that hangs off
// them: about 2.5 KB of rows per child before gzip. Larger pages mean fewer commits on the station and fewer
// round trips; smaller ones lose less when a slow link drops mid-page and bound the server's memory per request.
inline constexpr int kSnapshotPageChildren = 2500;
// The most children the server puts in one snapshot page, whatever the station asks.
inline constexpr int kSnapshotPageMaxChildren = 5000;
// zlib level of snapshot pages. A page is several MB of rows that compress about tenfold at any level; level 1
// takes a third of the time of the default level for a few percent more bytes, and the snapshot is paced by the
// server's CPU on a fast link.
inline constexpr int kSnapshotGzipLevel = 1;

// Station audit rows reported to the county per POST /v1/sync/audit page (red files opened, full ID numbers shown;
// docs/sync-protocol.md). A row is about 300 bytes of JSON; a station reports a few a day, so one page almost
// always carries them all, and a larger backlog (after months offline) still goes in a few small requests.
inline constexpr int kAuditReportPageMax = 500;
// Longest text the server accepts in a reported audit row's fields (time, user, action, record ids), in bytes:
// longer is not a row this program wrote.
inline constexpr std::size_t kAuditReportTextMax = 256;
// Rows shown by `tongdang audit list` and `tongdang-server audit list` unless --limit says otherwise.
inline constexpr int kAuditListDefault = 50;

// ID numbers in lists and exports: how many leading and trailing characters stay visible (docs/domain.md "ID numbers").
inline constexpr int kIdMaskKeepHead = 6;
inline constexpr int kIdMaskKeepTail = 4;

// ---- untrusted input (core/untrusted_json.h) ----

// Deepest nesting of arrays and objects accepted in JSON another machine sent (request bodies on the server,
// answers and snapshot page headers on a station, pull cursors and snapshot positions). Deeper documents are
// refused before a tree is built, so the recursive code that copies, compares and dumps trees stays within a small
// stack. The deepest legitimate document is a pull page or push body carrying an event payload (about 7 levels:
// body, changes, change, event, payload, answers, a list); 32 leaves room for richer payloads.
inline constexpr int kMaxJsonDepth = 32;

// ---- ledger import (core/ledger/ledger.cc) ----

// SQLite page cache, in KiB, while a ledger is imported. A 2,000-row ledger writes about 12 MB (profiles,
// memberships, relatives, their audit and outbox rows) in one transaction; with SQLite's default 2 MB cache the
// transaction spills pages to the WAL and reads them back, which made the import about 3x slower. Memory is given
// back when the import ends.
inline constexpr int kImportCacheKiB = 64 * 1024;

}  // namespace tongdang::tuning

// ---- workflow (docs/workflow.md) ----
namespace tongdang::tuning {

// `tongdang due` lists, for every child, the items falling due within this many days of the as-of date (and all
// overdue ones), so a director can plan the week's visits; larger values make the list longer, not more urgent.
inline constexpr int kDueHorizonDays = 7;

// ---- coverage reports (report.h) ----

// The visit-coverage target drawn on the report's chart when the county policy sets none (report.coverage_target):
// the share of graded children visited within their colour's interval a county aims at.
inline constexpr double kCoverageTarget = 0.95;
// Weekly points of the overdue trend (the last is the report's day): eight weeks show a direction without
// crowding a printed page.
inline constexpr int kReportTrendPoints = 8;

}  // namespace tongdang::tuning
