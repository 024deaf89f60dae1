// The wire protocol between a station and the county server (docs/sync-protocol.md is the reference, with
// examples). JSON over HTTPS, gzip both ways. HLCs and versions travel as JSON strings or small integers (never a
// 64-bit number that JavaScript tooling would round). This header is the durable format: change it only by adding
// optional members, and bump kProtocolVersion for anything else.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"

namespace tongdang::sync {

inline constexpr int kProtocolVersion = 1;
inline constexpr std::string_view kHelloPath = "/v1/sync/hello";
inline constexpr std::string_view kPushPath = "/v1/sync/push";
inline constexpr std::string_view kPullPath = "/v1/sync/pull";
// A township snapshot for a station that has never synced (snapshot.h). Offered by servers that list
// kFeatureSnapshot in their hello answer; a station that does not ask for it replays the change log instead.
inline constexpr std::string_view kSnapshotPath = "/v1/sync/snapshot";
inline constexpr std::string_view kFeatureSnapshot = "snapshot";
// A snapshot page is a compact row stream (snapshot.h), not JSON; errors about it are JSON as usual.
inline constexpr std::string_view kSnapshotContentType = "application/x-tongdang-snapshot";
// Every request names the station it comes from (a station token is bound to one station id on first use).
inline constexpr std::string_view kStationHeader = "X-Tongdang-Station";
// Reads that matter, recorded in a station's audit (red files opened, full ID numbers shown or exported), reported
// to the county after each push. Offered by servers that list kFeatureAudit in their hello answer.
inline constexpr std::string_view kAuditPath = "/v1/sync/audit";
inline constexpr std::string_view kFeatureAudit = "audit";
// The station audit actions that are reported, and the only ones the server stores. A ledger export is reported
// only when it showed full ID numbers (its audit row's after.full_id).
inline constexpr std::string_view kReportedReads[] = {"file.open_red", "file.open_full_id", "file.list_full_id",
                                                     "ledger.export"};

// One captured change as pushed (an outbox row).
struct WireChange {
  std::string change_id;
  std::string entity;     // child | relative | event
  std::string entity_id;
  std::string child_id;   // empty for a lead not tied to a child
  std::string op;         // create | update | event
  std::string hlc;
  std::string actor;
  std::string actor_role;
  nlohmann::json base = nlohmann::json::object();  // field -> server version last seen (profile changes)
  nlohmann::json fields = nlohmann::json::object();  // profile changes: field -> value
  nlohmann::json event;   // event changes: Event::to_json()

  nlohmann::json to_json() const;
  static Result<WireChange> from_json(const nlohmann::json& json);
};

// The limits a change must meet to be pushed (docs/security.md, findings 7 and 10): at most tuning::kMaxChangeBytes
// encoded (`encoded_bytes`: the size of its JSON), and an event's text within check_event_text (text_limits.h).
// A profile change's values are checked field by field by normalize_field on the server. The station checks
// this before sending and rejects a failing change itself; the server refuses it for good.
Status check_change_limits(const WireChange& change, std::size_t encoded_bytes);
// The size of a change's JSON as sent (compact, no gzip).
std::size_t encoded_size(const nlohmann::json& change);

// What the server did with one pushed change.
enum class ChangeStatus { Applied, Duplicate, Conflict, Rejected };
std::string_view to_string(ChangeStatus status);
std::optional<ChangeStatus> parse_change_status(std::string_view text);

struct ChangeResult {
  std::string change_id;
  ChangeStatus status = ChangeStatus::Applied;
  // For Rejected (and informative for Conflict). On the wire as "message" (code and arguments, messages.h), which
  // a station renders in its own language, and as "reason", the text in the server's language that stations from
  // before message codes show.
  Message reason;
  nlohmann::json state = nlohmann::json::object();  // profile changes: field -> {value, version} now on the server
  std::vector<std::string> conflicts;               // conflict ids opened by this change

  nlohmann::json to_json() const;
  static Result<ChangeResult> from_json(const nlohmann::json& json);
};

// Opaque to stations: where a reader stands in each township's change log, and which server issued it (a cursor
// from another server, or from before a restore, is refused with reset_required).
struct Cursor {
  std::string server_id;
  std::vector<std::pair<std::string, std::int64_t>> positions;  // township -> last seq read, sorted by township

  std::int64_t position(std::string_view township) const;
  void set(std::string_view township, std::int64_t seq);
  std::string encode() const;
  // An empty text is the start of every log. Malformed text is an InvalidInput.
  static Result<Cursor> decode(std::string_view text);
};

// Where a township snapshot stands between pages: opaque to stations (base64url JSON), like the cursor. `seq` is the
// township log position the snapshot was started at (the station pulls from there once the last page is in);
// `after_child` the last child id already delivered (pages go in child id order).
struct SnapshotPosition {
  std::string server_id;
  std::string township;
  std::int64_t seq = 0;
  std::string after_child;

  std::string encode() const;
  static Result<SnapshotPosition> decode(std::string_view text);
};

// gzip (RFC 1952) with zlib, for request bodies (libcurl compresses only what it receives) and snapshot pages.
// `level`: zlib's 1 (fastest) … 9 (smallest); -1 its default (6).
std::string gzip_compress(std::string_view data, int level = -1);
// Inflates gzip or zlib data; InvalidInput if corrupt or larger than `max_bytes` once inflated.
Result<std::string> gzip_decompress(std::string_view data, std::size_t max_bytes);

}  // namespace tongdang::sync
