// The station's sync state, kept in its meta table: where the sync stands (cursor, snapshot position, the audit
// row reported up to) and what it remembers (server, token, the server's id). Private to sync/station.
#pragma once

#include <string_view>

#include "core/store/station_health.h"

namespace tongdang::sync::meta {

inline constexpr std::string_view kServer = "sync.server";
inline constexpr std::string_view kToken = "sync.token";
inline constexpr std::string_view kCaCert = "sync.ca_cert";
inline constexpr std::string_view kCursor = "sync.cursor";
inline constexpr std::string_view kServerId = "sync.server_id";
inline constexpr std::string_view kLastSuccess = kMetaLastSync;  // read by station_health
inline constexpr std::string_view kClockAhead = "sync.clock_ahead_ms";
// The position of the next township snapshot page while a snapshot is being loaded (empty otherwise).
inline constexpr std::string_view kSnapshot = "sync.snapshot";
// The station's audit row up to which reads that matter have been answered by the server (POST /v1/sync/audit).
inline constexpr std::string_view kAuditSent = "sync.audit_sent";

// The day acknowledged changes older than tuning::kSentChangesKeptDays were last forgotten (sent_changes).
inline constexpr std::string_view kSentPrunedOn = "sync.sent_pruned_on";

}  // namespace tongdang::sync::meta
