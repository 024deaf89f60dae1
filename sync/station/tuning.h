// The tuning constants of the station's sync client (retries, libcurl timeouts, what it asks for per page), each with
// what it trades off and its default. What both ends agree on is in sync/protocol/tuning.h.
#pragma once

#include "sync/protocol/tuning.h"

namespace tongdang::tuning {

// Retry of transient sync failures (network, 5xx, 429/503): capped exponential backoff with full jitter.
inline constexpr int kRetryMaxAttempts = 6;
// The first retry waits up to this long; each later one doubles it, up to kRetryMaxDelayMs.
inline constexpr int kRetryBaseDelayMs = 200;
// The longest wait between two retries.
inline constexpr int kRetryMaxDelayMs = 10'000;
// libcurl timeouts: connecting, and a transfer making no progress.
inline constexpr long kConnectTimeoutSeconds = 10;
// A transfer that makes no progress for this long is dropped and retried.
inline constexpr long kLowSpeedTimeSeconds = 30;
// Total time one sync request may take (libcurl CURLOPT_TIMEOUT). A pull page of kPullPageMax ops takes well under
// a second on a county server; a minute covers a slow township link without hanging a sync for ever.
inline constexpr long kRequestTimeoutSeconds = 60;
// Ops the client asks for per pull page (at most kPullPageMax, the server's cap).
inline constexpr int kPullPageRequest = kPullPageMax;

// Days an acknowledged change is kept after it leaves the outbox, to be sent again to a county server restored from
// a backup taken since (docs/sync-protocol.md "A restored server"). A county restores last night's backup, rarely
// one older than a few weeks; a year covers any backup a county keeps, for a few MB per township.
inline constexpr int kSentChangesKeptDays = 366;

}  // namespace tongdang::tuning
