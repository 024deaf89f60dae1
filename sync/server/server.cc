#include "sync/server/server.h"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <tuple>
#include <ctime>
#include <iostream>

#include <fmt/format.h>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "sync/protocol/tuning.h"
#include "sync/server/tuning.h"
#include "core/base/untrusted_json.h"
#include "core/db/schema.h"
#include "core/db/sqlite.h"
#include "sync/protocol/protocol.h"
#include "sync/protocol/tokens.h"
#include "sync/server/server_merge.h"

namespace tongdang::sync {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

struct SyncService::Outcome {
  int status = 200;
  json body;
  std::string raw_body;  // when set, sent as is (a pull page assembled from stored op texts, a snapshot page)
  std::string content_type = "application/json";
  json counts = json::object();
};

namespace {

SyncService::Outcome error_outcome(int status, std::string_view code, const std::string& message) {
  SyncService::Outcome out;
  out.status = status;
  out.body = {{"error", code}, {"message", message}};
  return out;
}

std::string iso_utc(std::int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03}Z", text, ms % 1000);
}

// A township token reads and writes only its township; a county token every township of its county.
bool in_scope(const Principal& principal, std::string_view township) {
  return access::covers_township({principal.role, principal.county, principal.township, {}}, township);
}

bool is_hash(const std::string& text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A text member of a reported audit row: present, bounded, free of control characters. Empty when fine, else why.
std::string check_row_text(const json& row, const char* name, std::string& out, bool may_be_empty) {
  auto member = row.find(name);
  if (member == row.end() || !member->is_string()) return trf("缺少 {}", "{} is missing", name);
  out = member->get<std::string>();
  if (out.empty() && !may_be_empty) return trf("{} 为空", "{} is empty", name);
  if (out.size() > tuning::kAuditReportTextMax)
    return trf("{} 超过 {} 字节", "{} is longer than {} bytes", name, tuning::kAuditReportTextMax);
  for (unsigned char c : out)
    if (c < 0x20 || c == 0x7f) return trf("{} 含控制字符", "{} holds a control character", name);
  return {};
}

// A reported row as it is kept with a refusal: its scalar members only, texts cut to the limit. The row itself is
// never serialised again, as an untrusted tree may nest deep enough to exhaust the stack of a recursive dump.
json reported_row_summary(const json& row) {
  json out = json::object();
  if (!row.is_object()) return out;
  for (const char* name : {"seq", "hash", "at", "actor", "action", "entity", "entity_id"}) {
    auto member = row.find(name);
    if (member == row.end()) continue;
    if (member->is_number_integer()) out[name] = member->get<std::int64_t>();
    else if (member->is_string()) out[name] = member->get<std::string>().substr(0, tuning::kAuditReportTextMax);
  }
  return out;
}

// Reads what a station says about one of its audit rows into `opening` (what and when; never who or where).
// Empty when the row is well formed and one of the reported reads, else the reason it is refused.
std::string read_reported_row(const json& row, StationOpening& opening) {
  if (!row.is_object()) return tr("不是 JSON 对象", "not a JSON object");
  auto seq = row.find("seq");
  if (seq == row.end() || !seq->is_number_integer() || seq->get<std::int64_t>() < 1)
    return tr("seq 应为正整数", "seq must be a positive integer");
  opening.station_seq = seq->get<std::int64_t>();
  auto hash = row.find("hash");
  if (hash == row.end() || !hash->is_string() || !is_hash(hash->get<std::string>()))
    return tr("hash 应为 64 位十六进制", "hash must be 64 hex digits");
  opening.station_hash = hash->get<std::string>();
  const std::tuple<const char*, std::string*, bool> texts[] = {{"at", &opening.at, false},
                                                                 {"actor", &opening.actor, false},
                                                                 {"action", &opening.action, false},
                                                                 {"entity", &opening.entity, false},
                                                                 {"entity_id", &opening.entity_id, true}};
  for (const auto& [name, out, may_be_empty] : texts)
    if (auto reason = check_row_text(row, name, *out, may_be_empty); !reason.empty()) return reason;
  if (std::find(std::begin(kReportedReads), std::end(kReportedReads), opening.action) == std::end(kReportedReads))
    return trf("{} 不是需要上报的查阅记录", "{} is not a reported read", opening.action);
  const bool opens_a_file = opening.action == "file.open_red" || opening.action == "file.open_full_id";
  if (opens_a_file && (opening.entity != "child" || opening.entity_id.empty()))
    return tr("打开档案的记录须指明儿童", "an opening must name the child");
  return {};
}

}  // namespace

SyncService::SyncService(CentralStore& store, const Clock& clock, LogSink log)
    : store_(store), clock_(clock), log_(std::move(log)), identity_(store.identity()) {
  if (!log_) log_ = [](const std::string& line) { std::cerr << line << std::endl; };
}

ServiceResponse SyncService::handle(const ServiceRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  Outcome outcome;
  std::optional<Principal> principal;
  try {
    if (auto refused = refuse_caller(request, principal)) {
      outcome = std::move(*refused);
    } else if (request.path == kHelloPath && request.method == "POST") {
      outcome = hello(*principal, request);
    } else if (request.path == kPushPath && request.method == "POST") {
      outcome = push(*principal, request);
    } else if (request.path == kPullPath && request.method == "GET") {
      outcome = pull(*principal, request);
    } else if (request.path == kSnapshotPath && request.method == "GET") {
      outcome = snapshot(*principal, request);
    } else if (request.path == kAuditPath && request.method == "POST") {
      outcome = audit(*principal, request);
    } else {
      outcome = error_outcome(404, "not_found", "no such endpoint");
    }
  } catch (const nlohmann::json::exception& error) {
    // A member of the wrong type in a request: the client's fault, and retrying will not help.
    outcome = error_outcome(400, "invalid", error.what());
  } catch (const std::exception& error) {
    // Unexpected (a database error, a full disk): the station retries the page later; nothing was committed.
    outcome = error_outcome(500, "internal", error.what());
  }
  return answer(request, principal, std::move(outcome), started);
}

std::optional<SyncService::Outcome> SyncService::refuse_caller(const ServiceRequest& request,
                                                               std::optional<Principal>& principal) {
  const std::string bearer = "Bearer ";
  if (request.authorization.rfind(bearer, 0) != 0)
    return error_outcome(401, "unauthenticated", tr("缺少令牌", "a bearer token is required"));
  if (!(principal = store_.find_token(tokens::hash(request.authorization.substr(bearer.size())))))
    return error_outcome(401, "unauthenticated", tr("令牌无效或已吊销", "the token is unknown or revoked"));
  if (!looks_like_uuid(request.station_id))
    return error_outcome(400, "invalid", tr("缺少站点编号（X-Tongdang-Station）", "the X-Tongdang-Station header "
                                                                              "must carry the station id"));
  if (principal->kind == TokenKind::Station && !principal->station_id.empty() &&
      principal->station_id != request.station_id)
    return error_outcome(403, "forbidden", tr("该站点令牌属于另一个站点", "this station token belongs to another "
                                                                          "station"));
  // Every request but hello comes from a station bound to this very token (finding 9), so what it writes is
  // recorded against its own station only; checked here, before the listener reads any body.
  if (request.path != kHelloPath)
    if (auto bound = store_.check_station(*principal, request.station_id); !bound)
      return error_outcome(403, "forbidden", bound.message());
  return std::nullopt;
}

std::optional<ServiceResponse> SyncService::check_caller(const ServiceRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  std::optional<Principal> principal;
  std::optional<Outcome> refused;
  try {
    refused = refuse_caller(request, principal);
  } catch (const std::exception& error) {
    refused = error_outcome(500, "internal", error.what());
  }
  if (!refused) return std::nullopt;
  return answer(request, principal, std::move(*refused), started);
}

ServiceResponse SyncService::answer(const ServiceRequest& request, const std::optional<Principal>& principal,
                                    Outcome outcome, std::chrono::steady_clock::time_point started) {
  double duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  RequestRecord record;
  record.at = iso_utc(clock_.now_ms());
  record.token_id = principal ? principal->token_id : 0;
  record.principal = principal ? principal->name : "";
  record.station_id = request.station_id;
  record.endpoint = request.method + " " + request.path;
  record.http_status = outcome.status;
  record.counts = outcome.counts;
  record.duration_ms = duration_ms;
  record.remote = request.remote;
  try {
    store_.audit_request(record);
  } catch (const std::exception& error) {
    log_(json{{"level", "error"}, {"msg", "request audit failed"}, {"error", error.what()}}.dump());
  }
  json line = {{"ts", record.at},           {"station", record.station_id}, {"user", record.principal},
               {"endpoint", record.endpoint}, {"status", record.http_status},  {"counts", record.counts},
               {"ms", std::round(duration_ms * 10) / 10}};
  if (outcome.status >= 400 && outcome.body.is_object()) line["error"] = outcome.body.value("message", "");
  log_(line.dump(-1, ' ', false, json::error_handler_t::replace));
  ServiceResponse response;
  response.status = outcome.status;
  response.body = outcome.raw_body.empty() ? outcome.body.dump(-1, ' ', false, json::error_handler_t::replace)
                                           : std::move(outcome.raw_body);
  response.content_type = outcome.content_type;
  return response;
}

SyncService::Outcome SyncService::hello(const Principal& principal, const ServiceRequest& request) {
  auto parsed = parse_untrusted_json(request.body, "body");
  if (!parsed) return error_outcome(400, "invalid", parsed.status().to_string());
  json in = std::move(parsed).value();
  if (!in.is_object()) return error_outcome(400, "invalid", "the body is not a JSON object");
  std::string station_id = in.value("station_id", "");
  std::string township = in.value("township", "");
  if (station_id != request.station_id) return error_outcome(400, "invalid", "station_id differs from the header");
  if (in.value("protocol", 0) != kProtocolVersion)
    return error_outcome(400, "protocol", trf("协议版本 {} 不受支持（服务器为 {}）", "protocol version {} is not "
                                              "supported (the server speaks {})", in.value("protocol", 0),
                                              kProtocolVersion));
  if (!in_scope(principal, township))
    return error_outcome(403, "forbidden", trf("令牌不能用于乡镇 {}", "the token may not be used for township {}", township));
  const std::string now = iso_utc(clock_.now_ms());
  if (auto bound = store_.bind_station(principal, station_id, township, now); !bound)
    return error_outcome(403, "forbidden", bound.message());
  // What the station says of itself, for the county's console: shown, never trusted for anything else. A name
  // too long or a count that is not one is dropped, not refused (an older station sends neither).
  {
    const json& waiting = in.contains("waiting") && in["waiting"].is_object() ? in["waiting"] : json::object();
    std::string name = in.contains("name") && in["name"].is_string() ? in["name"].get<std::string>() : std::string();
    if (name.size() > tuning::kStationNameMaxBytes) name.clear();
    const std::int64_t changes =
        waiting.contains("changes") && waiting["changes"].is_number_unsigned() ? waiting["changes"].get<std::int64_t>() : -1;
    std::string oldest =
        waiting.contains("oldest") && waiting["oldest"].is_string() ? waiting["oldest"].get<std::string>() : std::string();
    if (oldest.size() > 40) oldest.clear();
    store_.record_hello(station_id, name, changes, oldest, now);
  }

  Outcome out;
  std::int64_t ahead = 0;
  Hlc server_hlc;
  std::string policy;
  {
    auto tx = store_.begin();
    policy = tx->policy_fingerprint();
    Hlc clock = tx->clock();
    auto station_hlc = Hlc::parse(in.value("hlc", ""));
    std::int64_t now_ms = clock_.now_ms();
    if (station_hlc && station_hlc->physical_ms - now_ms > tuning::kMaxClockAheadMs) {
      ahead = station_hlc->physical_ms - now_ms;
      tx->flag_station_clock(station_id, ahead, now);
      clock = hlc_tick(clock, now_ms);
    } else if (station_hlc) {
      clock = hlc_receive(clock, *station_hlc, now_ms);
    } else {
      clock = hlc_tick(clock, now_ms);
    }
    tx->set_clock(clock);
    tx->commit();
    server_hlc = clock;
  }
  if (ahead == 0) ahead = store_.station_clock_ahead_ms(station_id);
  json scopes = json::array();
  if (principal.township.empty()) scopes.push_back({{"county", principal.county}, {"role", to_string(principal.role)}});
  else scopes.push_back({{"township", principal.township}, {"role", to_string(principal.role)}});
  out.body = {{"server_id", identity_.server_id},
              {"county", identity_.county},
              {"name", identity_.name},
              {"protocol", kProtocolVersion},
              {"server_hlc", server_hlc.to_string()},
              {"scopes", scopes},
              {"limits", {{"push_max", tuning::kPushPageMax}, {"pull_max", tuning::kPullPageMax}}},
              {"clock", {{"ahead_ms", ahead}, {"flagged", ahead > tuning::kMaxClockAheadMs}}},
              // A station that has never synced may ask for a snapshot of its township instead of the whole log;
              // the derived rows come with it when its policy has this fingerprint and its schema this version.
              // And it reports the reads that matter from its audit after each push (POST /v1/sync/audit).
              {"features", json::array({kFeatureSnapshot, kFeatureAudit})},
              {"schema_version", schema::latest_version()},
              {"policy", policy}};
  if (!identity_.restored_from.empty())
    out.body["restored"] = {{"from", identity_.restored_from}, {"backup_hlc", identity_.restored_backup_hlc}};
  return out;
}

SyncService::Outcome SyncService::push(const Principal& principal, const ServiceRequest& request) {
  auto parsed = parse_untrusted_json(request.body, "body");
  if (!parsed) return error_outcome(400, "invalid", parsed.status().to_string());
  json in = std::move(parsed).value();
  if (!in.is_object() || !in.contains("changes") || !in["changes"].is_array())
    return error_outcome(400, "invalid", "the body must be {batch_id, changes: [...]}");
  const json& changes = in["changes"];
  if (changes.size() > static_cast<std::size_t>(tuning::kPushPageMax))
    return error_outcome(413, "too_large", fmt::format("at most {} changes per page", tuning::kPushPageMax));

  PushContext context{principal, request.station_id, clock_.now_ms(), iso_utc(clock_.now_ms()), {}, 0};
  json results = json::array();
  int applied = 0, duplicates = 0, conflicts = 0, rejected = 0;
  auto tx = store_.begin();
  context.clock = tx->clock();
  for (const json& raw : changes) {
    ChangeResult result = apply_pushed_change(*tx, context, raw);
    switch (result.status) {
      case ChangeStatus::Applied: ++applied; break;
      case ChangeStatus::Duplicate: ++duplicates; break;
      case ChangeStatus::Conflict: ++conflicts; break;
      case ChangeStatus::Rejected: ++rejected; break;
    }
    results.push_back(result.to_json());
  }
  if (context.clock_ahead_ms > 0) tx->flag_station_clock(request.station_id, context.clock_ahead_ms, context.now_iso);
  tx->set_clock(context.clock);
  tx->commit();

  Outcome out;
  out.body = {{"results", results}, {"server_hlc", context.clock.to_string()}};
  if (context.clock_ahead_ms > 0) out.body["clock"] = {{"ahead_ms", context.clock_ahead_ms}, {"flagged", true}};
  out.counts = {{"changes", changes.size()}, {"applied", applied}, {"duplicate", duplicates},
                {"conflict", conflicts}, {"rejected", rejected}};
  return out;
}

SyncService::Outcome SyncService::pull(const Principal& principal, const ServiceRequest& request) {
  auto cursor_text = request.query.count("cursor") ? request.query.at("cursor") : std::string();
  auto cursor = Cursor::decode(cursor_text);
  if (!cursor) return error_outcome(400, "invalid", cursor.status().to_string());
  int limit = tuning::kPullPageMax;
  if (request.query.count("limit")) {
    try {
      limit = std::clamp(std::stoi(request.query.at("limit")), 1, tuning::kPullPageMax);
    } catch (const std::exception&) {
      return error_outcome(400, "invalid", "limit must be a number");
    }
  }
  Outcome out;
  if (!cursor->server_id.empty() && cursor->server_id != identity_.server_id) {
    // A cursor from another server (or from before a restore): the station must start its scope again.
    Cursor fresh{identity_.server_id, {}};
    out.body = {{"ops", json::array()}, {"cursor", fresh.encode()}, {"has_more", true}, {"reset_required", true}};
    out.counts = {{"ops", 0}, {"reset", true}};
    return out;
  }
  Cursor next = cursor.value();
  next.server_id = identity_.server_id;
  std::string ops = "[";
  int count = 0;
  bool has_more = false;
  {
    auto tx = store_.begin();
    // Scope of the read: the token's township, or every township of its county. Logs are kept per township, so
    // each op read here belongs to a township the token may read.
    std::vector<std::string> townships =
        principal.township.empty() ? tx->townships_of(principal.county) : std::vector<std::string>{principal.township};
    for (const auto& township : townships) {
      if (!in_scope(principal, township)) continue;
      std::int64_t position = next.position(township);
      if (count < limit) {
        auto rows = tx->read_ops(township, position, limit - count);
        for (const auto& [seq, text] : rows) {
          if (count++ > 0) ops += ",";
          ops += text;
          position = seq;
        }
        if (!rows.empty()) next.set(township, position);
      }
      if (tx->last_seq(township) > position) has_more = true;
    }
  }
  ops += "]";
  out.raw_body = fmt::format(R"({{"ops":{},"cursor":{},"has_more":{}}})", ops, json(next.encode()).dump(),
                             has_more ? "true" : "false");
  out.counts = {{"ops", count}, {"has_more", has_more}};
  return out;
}

SyncService::Outcome SyncService::snapshot(const Principal& principal, const ServiceRequest& request) {
  auto param = [&](const char* key) { return request.query.count(key) ? request.query.at(key) : std::string(); };
  const std::string township = param("township");
  if (!in_scope(principal, township))
    return error_outcome(403, "forbidden", trf("令牌不能读取乡镇 {}", "the token may not read township {}", township));
  int schema_version = 0;
  int limit = tuning::kSnapshotPageChildren;
  try {
    schema_version = std::stoi(param("schema"));
    if (!param("children").empty())
      limit = std::clamp(std::stoi(param("children")), 1, tuning::kSnapshotPageMaxChildren);
  } catch (const std::exception&) {
    return error_outcome(400, "invalid", "schema and children must be numbers");
  }
  // Rows are copied table to table: only between the same schema. Another version replays the log instead.
  if (schema_version != schema::latest_version())
    return error_outcome(409, "snapshot_unavailable",
                         trf("站点数据库结构版本 {} 与服务器的 {} 不同，改为逐条同步", "the station's schema version {} "
                             "differs from the server's {}; replay the change log instead", schema_version,
                             schema::latest_version()));
  SnapshotPosition position{identity_.server_id, township, 0, ""};
  if (!param("position").empty()) {
    auto decoded = SnapshotPosition::decode(param("position"));
    if (!decoded) return error_outcome(400, "invalid", decoded.status().to_string());
    // From another server (or before a restore), or for another township: the station starts again.
    if (decoded->server_id != identity_.server_id || decoded->township != township)
      return error_outcome(409, "snapshot_reset", tr("快照位置无效，需要重新开始", "the snapshot position is not "
                                                     "valid here; start the snapshot again"));
    position = decoded.value();
  }
  snapshot::PageRows rows;
  bool derived = false;
  {
    auto tx = store_.begin();  // one read: every child of the page is consistent with its rows
    if (param("position").empty()) position.seq = tx->last_seq(township);
    derived = !param("policy").empty() && param("policy") == tx->policy_fingerprint();
    // A station from before transfers does not ask with history=1 and would refuse a transferred file's history
    // (rows of the township it came from): it replays the log, which it reads without refusing anything.
    if (param("history") != "1" && tx->holds_transferred_files(township))
      return error_outcome(409, "snapshot_unavailable",
                           tr("本乡镇有从其他乡镇转入的档案，改为逐条同步", "the township holds files transferred "
                              "from another township; replay the change log instead"));
    // Nor does one from before merges across townships take another township's merge events (merges=1).
    if (param("merges") != "1" && tx->holds_merges_from_other_townships(township))
      return error_outcome(409, "snapshot_unavailable",
                           tr("本乡镇有其他乡镇合并来的档案，改为逐条同步", "files of other townships were merged into "
                              "this township's; replay the change log instead"));
    // A station that takes them (merged_files=1) gets the merged-away files themselves among its pages'
    // children, as a replay of the log gives them; asked only of a township that holds such a merge, so the
    // others' pages are read as before.
    if (param("merged_files") == "1" && tx->holds_merges_from_other_townships(township))
      rows = tx->snapshot_rows_with_merged_files(township, position.after_child, limit, derived);
    else
      rows = tx->snapshot_rows(township, position.after_child, limit, derived);
  }  // rolled back: nothing was written
  Cursor cursor{identity_.server_id, {}};
  cursor.set(township, position.seq);
  SnapshotPosition next = position;
  next.after_child = rows.last_child;
  json header = {{"township", township},
                 {"after", position.after_child},
                 {"upto", rows.last_child.empty() ? position.after_child : rows.last_child},
                 {"done", rows.done},
                 {"derived", derived},
                 {"cursor", cursor.encode()},
                 {"next", rows.done ? std::string() : next.encode()},
                 {"schema_version", schema::latest_version()}};
  Outcome out;
  out.raw_body = snapshot::encode_page(std::move(header), rows);
  out.content_type = std::string(kSnapshotContentType);
  out.counts = {{"children", rows.children}, {"rows", rows.rows}, {"done", rows.done}, {"derived", derived}};
  return out;
}

// Reads that matter reported by a station (docs/sync-protocol.md, POST /v1/sync/audit). Everything the server
// vouches for comes from the token: the principal, the station it is bound to, and the township — the child's
// township as the server holds it, which must be in the token's scope. Each row is answered on its own (stored,
// duplicate or rejected), so one bad row never holds the station's queue.
SyncService::Outcome SyncService::audit(const Principal& principal, const ServiceRequest& request) {
  auto parsed = parse_untrusted_json(request.body, "body");
  if (!parsed) return error_outcome(400, "invalid", parsed.status().to_string());
  const json in = std::move(parsed).value();
  if (!in.is_object() || !in.contains("rows") || !in["rows"].is_array())
    return error_outcome(400, "invalid", "the body must be {station_id, rows: [...]}");
  const json& rows = in["rows"];
  if (rows.size() > static_cast<std::size_t>(tuning::kAuditReportPageMax))
    return error_outcome(413, "too_large", fmt::format("at most {} rows per page", tuning::kAuditReportPageMax));
  // The station header is bound to this token (handle() refused it otherwise: check_station), so it names the
  // station the rows come from; nothing in the body does.
  const std::string& station_id = request.station_id;
  const std::string now = iso_utc(clock_.now_ms());
  json results = json::array();
  int stored = 0, duplicates = 0, rejected = 0;
  auto tx = store_.begin();
  for (const json& row : rows) {
    StationOpening opening;
    std::string reason = read_reported_row(row, opening);
    if (reason.empty() && opening.entity == "child" && !opening.entity_id.empty()) {
      auto location = tx->locate("child", opening.entity_id);
      if (!location)
        reason = trf("服务器没有儿童 {}", "the server holds no child {}", opening.entity_id);
      else if (!in_scope(principal, location->township))
        reason = trf("儿童 {} 属于乡镇 {}，不在该令牌的范围内", "child {} belongs to township {}, outside the token's "
                     "scope", opening.entity_id, location->township);
      else {
        opening.township = location->township;
        opening.child_id = location->child_id;
      }
    } else if (reason.empty()) {
      opening.township = principal.township.empty() ? principal.county : principal.township;
    }
    const json summary = reported_row_summary(row);
    json result = {{"seq", summary.value("seq", json())}};
    if (!reason.empty()) {
      tx->save_rejection(fmt::format("audit:{}", opening.station_seq), principal, station_id, reason, summary);
      result["status"] = "rejected";
      result["reason"] = reason;
      ++rejected;
    } else {
      opening.station_id = station_id;
      opening.token_id = principal.token_id;
      opening.principal = principal.name;
      opening.received_at = now;
      const bool is_new = tx->save_opening(opening);
      result["status"] = is_new ? "stored" : "duplicate";
      ++(is_new ? stored : duplicates);
    }
    results.push_back(std::move(result));
  }
  tx->commit();
  Outcome out;
  out.body = {{"results", results}};
  out.counts = {{"rows", rows.size()}, {"stored", stored}, {"duplicate", duplicates}, {"rejected", rejected}};
  return out;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  in_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) != 1) return false;
  return (ntohl(address.s_addr) >> 24) == 127;
}

}  // namespace tongdang::sync
