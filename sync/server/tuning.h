// The tuning constants of the county server (its listener, the merge, snapshot pages, what it keeps), each with what
// it trades off and its default. What both ends agree on is in sync/protocol/tuning.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sync/protocol/tuning.h"

namespace tongdang::tuning {

// ---- the merge and what the server keeps ----

// How long the server keeps tombstones and per-change history before a long-offline station must resync a scope
// (after pushing everything it has). Default: two years.
inline constexpr int kTombstoneHorizonDays = 730;
// Files a duplicate candidate (one per ID number) lists by name; more are only counted. Twenty is far more than a
// real mistake produces (two or three registrations); a cap keeps a mass registration of one number from making
// every further registration rewrite, and send to every township, an ever longer record.
inline constexpr int kDuplicateGroupMaxFiles = 20;
// Longest text the server accepts in a reported audit row's fields (time, user, action, record ids), in bytes:
// longer is not a row this program wrote.
inline constexpr std::size_t kAuditReportTextMax = 256;

// Largest transfer bundle (county_transfer.h) the server opens, in bytes. A child's whole file with years of visits
// is well under a megabyte; a cap keeps a wrong or hostile file from being read and decrypted whole into memory.
// Default 64 MiB.
inline constexpr std::size_t kMaxBundleBytes = 64 * 1024 * 1024;

// ---- snapshot pages ----

// The most children the server puts in one snapshot page, whatever the station asks.
inline constexpr int kSnapshotPageMaxChildren = 5000;
// zlib level of snapshot pages. A page is several MB of rows that compress about tenfold at any level; level 1
// takes a third of the time of the default level for a few percent more bytes, and the snapshot is paced by the
// server's CPU on a fast link.
inline constexpr int kSnapshotGzipLevel = 1;

// ---- the listener (sync/server/http_server.cc; docs/design.md "HTTP listener") ----

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
// The most bytes read and discarded after an early answer (see kServerLingerMs).
inline constexpr std::int64_t kServerLingerBytes = 4 * 1024 * 1024;
// On SIGTERM: how long requests in flight may take to finish before their connections are closed.
inline constexpr int kServerStopGraceSeconds = 10;
// Requests one kept-alive connection may carry before the server closes it. A sync is a handful of requests per
// page; a higher count saves TLS handshakes, a lower one spreads long syncs over fresh connections.
inline constexpr int kServerKeepAliveRequests = 100;
// How long the server keeps an idle connection open for the next request. A sync sends its pages back to back, so
// a short wait suffices; it also bounds how long a graceful shutdown (SIGTERM) waits for idle connections.
inline constexpr int kServerKeepAliveTimeoutSeconds = 2;

// SQLite page cache of the central store's connection, in KiB (at least kSyncCacheKiB, which a push or pull page
// needs). The console's reads touch every file of the county and its relatives (a search by digits, the audit
// page's names): on a province-sized store those are scattered over ~70 MiB of pages, and with 64 MiB each search
// read them all from the file again (docs/benchmarks.md "County console (issue 16)"). Memory is not short on a
// county server.
inline constexpr int kCentralCacheKiB = 256 * 1024;

// The county's console (web/county): the newest events a file's page lists. A file has a few dozen events a year;
// more are on the station, where the whole history is.
inline constexpr int kConsoleHistoryRows = 200;
// The open duplicate candidates the console's /review reads (it shows a page of them, and counts these). A county
// has a handful open at a time; this bounds the read if a bulk import ever opened thousands.
inline constexpr std::size_t kConsoleDuplicatesRead = 2000;

// The longest station name a hello may report (bytes; about 30 Chinese characters). A longer one is not shown.
inline constexpr std::size_t kStationNameMaxBytes = 96;

}  // namespace tongdang::tuning
