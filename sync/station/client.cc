#include "sync/station/client.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/base/tuning.h"
#include "core/base/untrusted_json.h"
#include "core/db/schema.h"
#include "core/store/events.h"
#include "core/store/profile.h"
#include "core/store/profile_edit.h"
#include "core/store/record_ref.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/protocol.h"
#include "sync/protocol/snapshot.h"

namespace tongdang::sync {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

constexpr std::string_view kMetaServer = "sync.server";
constexpr std::string_view kMetaToken = "sync.token";
constexpr std::string_view kMetaCaCert = "sync.ca_cert";
constexpr std::string_view kMetaCursor = "sync.cursor";
constexpr std::string_view kMetaServerId = "sync.server_id";
constexpr std::string_view kMetaLastSuccess = "sync.last_success";
constexpr std::string_view kMetaClockAhead = "sync.clock_ahead_ms";
// The position of the next township snapshot page while a snapshot is being loaded (empty otherwise).
constexpr std::string_view kMetaSnapshot = "sync.snapshot";
// The station's audit row up to which reads that matter have been answered by the server (POST /v1/sync/audit).
constexpr std::string_view kMetaAuditSent = "sync.audit_sent";

// ---- station-side state ----

bool unsent_edit(db::Database& db, std::string_view entity, std::string_view id, std::string_view field) {
  auto query = db.cached(
      "SELECT 1 FROM outbox WHERE entity = ?1 AND entity_id = ?2 AND op != 'event'"
      " AND EXISTS (SELECT 1 FROM json_each(outbox.fields) WHERE key = ?3) LIMIT 1");
  query->bind_all(entity, id, field);
  return query->step();
}

void set_local_version(db::Database& db, std::string_view entity, std::string_view id, std::string_view field,
                       std::int64_t version) {
  auto upsert = db.cached(
      "INSERT INTO field_versions(entity, entity_id, field, version) VALUES(?1, ?2, ?3, ?4)"
      " ON CONFLICT(entity, entity_id, field) DO UPDATE SET version = excluded.version");
  upsert->bind(1, entity).bind(2, id).bind(3, field).bind(4, version).run();
}

bool row_exists(db::Database& db, std::string_view entity, std::string_view id) {
  auto query = entity == "child" ? db.cached("SELECT 1 FROM children WHERE id = ?1")
                                 : db.cached("SELECT 1 FROM relatives WHERE id = ?1");
  query->bind(1, id);
  return query->step();
}

// Server state for fields of a record that were answered or pulled: shown unless a local edit is still unsent
// (then kept in sync_shadow). `values`: field -> {value, version}.
void take_server_state(Station& station, std::string_view entity, std::string_view id, const json& values,
                       const json& extra_on_create) {
  db::Database& db = station.db();
  // Two cheap questions per record spare most per-field queries on a first sync (no edits pending, no shadows).
  auto pending_query = db.cached(
      "SELECT 1 FROM outbox WHERE entity = ?1 AND entity_id = ?2 AND op != 'event' LIMIT 1");
  pending_query->bind_all(entity, id);
  const bool any_pending = pending_query->step();
  pending_query->reset();
  auto shadow_query = db.cached("SELECT 1 FROM sync_shadow WHERE entity = ?1 AND entity_id = ?2 LIMIT 1");
  shadow_query->bind_all(entity, id);
  const bool any_shadow = shadow_query->step();
  shadow_query->reset();
  json to_write = json::object();
  for (const auto& [field, entry] : values.items()) {
    if (!entry.is_object()) continue;
    std::int64_t version = entry.value("version", std::int64_t{0});
    json value = entry.value("value", json());
    if (any_shadow) {
      // The newest server state known: the one given, or a shadow kept while an edit was unsent.
      auto shadow = db.cached(
          "SELECT value, version FROM sync_shadow WHERE entity = ?1 AND entity_id = ?2 AND field = ?3");
      shadow->bind_all(entity, id, field);
      if (shadow->step() && shadow->get_int(1) > version) {
        version = shadow->get_int(1);
        value = json::parse(shadow->get_text(0));
      }
    }
    bool pending = any_pending && unsent_edit(db, entity, id, field);
    switch (merge_pulled_field(field_version(db, entity, id, field), version, pending)) {
      case PulledField::Apply: {
        to_write[field] = value;
        set_local_version(db, entity, id, field, version);
        if (any_shadow) {
          auto drop = db.cached("DELETE FROM sync_shadow WHERE entity = ?1 AND entity_id = ?2 AND field = ?3");
          drop->bind_all(entity, id, field);
          drop->run();
        }
        break;
      }
      case PulledField::Shadow: {
        auto keep = db.cached(
            "INSERT INTO sync_shadow(entity, entity_id, field, value, version) VALUES(?1, ?2, ?3, ?4, ?5)"
            " ON CONFLICT(entity, entity_id, field) DO UPDATE SET value = excluded.value, version = excluded.version"
            " WHERE excluded.version > sync_shadow.version");
        keep->bind(1, entity).bind(2, id).bind(3, field).bind(4, value.dump()).bind(5, version).run();
        break;
      }
      case PulledField::Stale: break;
    }
  }
  if (to_write.empty()) return;
  if (!row_exists(db, entity, id)) {
    for (const auto& [key, value] : extra_on_create.items()) to_write[key] = value;
  } else {
    // A value the station already shows (its own edit, answered by the server) is not written again: only its
    // version was new. On a holder's first push this spares rewriting every field of every file it registered.
    std::vector<std::string> names;
    for (const auto& [field, value] : to_write.items()) names.push_back(field);
    const json shown = read_profile(db, entity, id, names);
    for (const auto& name : names)
      if (shown.is_object() && shown.contains(name) && shown[name] == to_write[name]) to_write.erase(name);
    if (to_write.empty()) return;
  }
  upsert_profile(db, entity, id, to_write, station.clock().now_iso());
}

// Upserts a conflict or duplicate record pulled from the server unless the station holds a newer revision.
void save_conflict(db::Database& db, const json& record) {
  auto upsert = db.cached(
      "INSERT INTO conflicts(id, township, child_id, entity, entity_id, field, status, revision, body, opened_at)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO UPDATE SET status = excluded.status,"
      " revision = excluded.revision, body = excluded.body WHERE excluded.revision >= conflicts.revision");
  upsert->bind(1, record.value("id", "")).bind(2, record.value("township", "")).bind(3, record.value("child_id", ""));
  upsert->bind(4, record.value("entity", "")).bind(5, record.value("entity_id", "")).bind(6, record.value("field", ""));
  upsert->bind(7, record.value("status", "open")).bind(8, record.value("revision", std::int64_t{1}));
  upsert->bind(9, record.dump()).bind(10, record.value("opened_at", "")).run();
}

void save_duplicate(db::Database& db, const json& record) {
  auto upsert = db.cached(
      "INSERT INTO duplicate_candidates(id, id_number, status, revision, body, opened_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT(id) DO UPDATE SET status = excluded.status, revision = excluded.revision, body = excluded.body"
      " WHERE excluded.revision >= duplicate_candidates.revision");
  upsert->bind(1, record.value("id", "")).bind(2, record.value("id_number", "")).bind(3, record.value("status", "open"));
  upsert->bind(4, record.value("revision", std::int64_t{1})).bind(5, record.dump());
  upsert->bind(6, record.value("opened_at", "")).run();
}

Status apply_op(Station& station, const json& op) {
  db::Database& db = station.db();
  const std::string type = op.value("type", "");
  if (type == "profile") {
    json extra = json::object();
    if (op.value("create", false) && op.contains("created_by")) extra["created_by"] = op["created_by"];
    take_server_state(station, op.value("entity", ""), op.value("entity_id", ""), op.value("fields", json::object()),
                      extra);
  } else if (type == "event") {
    auto event = Event::from_json(op.value("event", json()));
    if (!event) return event.status();
    apply_event(db, event.value());
  } else if (type == "conflict") {
    save_conflict(db, op.value("conflict", json::object()));
  } else if (type == "duplicate") {
    save_duplicate(db, op.value("duplicate", json::object()));
  }
  // Unknown op types come from a newer server: skipped, so an older station keeps working.
  return Status::ok();
}

struct OutboxRow {
  std::int64_t seq = 0;
  WireChange change;
};

std::vector<OutboxRow> read_outbox(db::Database& db, int limit) {
  auto query = db.cached(
      "SELECT seq, change_id, entity, entity_id, child_id, op, fields, base, hlc, actor, actor_role FROM outbox"
      " ORDER BY seq LIMIT ?1");
  query->bind(1, limit);
  std::vector<OutboxRow> rows;
  while (query->step()) {
    OutboxRow row;
    row.seq = query->get_int(0);
    WireChange& c = row.change;
    c.change_id = query->get_text(1);
    c.entity = query->get_text(2);
    c.entity_id = query->get_text(3);
    c.child_id = query->get_optional_text(4).value_or("");
    c.op = query->get_text(5);
    json fields = json::parse(query->get_text(6));
    if (c.op == "event") c.event = std::move(fields);
    else c.fields = std::move(fields);
    c.base = json::parse(query->get_text(7));
    c.hlc = query->get_text(8);
    c.actor = query->get_text(9);
    c.actor_role = query->get_text(10);
    rows.push_back(std::move(row));
  }
  return rows;
}

// A change refused for good (by the server, or here before sending): out of the queue, into the rejected list a
// person reviews (`tongdang sync status`), audited as sync.rejected. The reason is kept as code and arguments
// (Message::to_json) and rendered when it is shown, in the reader's language (shown_reason).
void keep_rejected(WriteContext& w, const WireChange& change, const Message& reason) {
  const std::string stored = reason.to_json().dump();
  db::Database& db = w.db();
  auto remove = db.cached("DELETE FROM outbox WHERE change_id = ?1");
  remove->bind(1, change.change_id);
  remove->run();
  auto keep = db.cached(
      "INSERT INTO rejected_changes(change_id, entity, entity_id, child_id, op, fields, hlc, actor, reason,"
      " rejected_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(change_id) DO NOTHING");
  keep->bind(1, change.change_id).bind(2, change.entity).bind(3, change.entity_id);
  if (change.child_id.empty()) keep->bind_null(4); else keep->bind(4, change.child_id);
  keep->bind(5, change.op)
      .bind(6, (change.op == "event" ? change.event : change.fields).dump(-1, ' ', false, json::error_handler_t::replace));
  keep->bind(7, change.hlc).bind(8, change.actor).bind(9, stored);
  keep->bind(10, w.now_iso()).run();
  w.audit("sync.rejected", change.entity, change.entity_id, json(), {{"change_id", change.change_id},
                                                                       {"reason", reason.to_json()}});
  if (change.op == "event" && change.event.value("kind", "") == "conflict.resolve") {
    // The resolution did not take: the conflict is open again here, as it still is on the server.
    auto reopen = db.cached("UPDATE conflicts SET status = 'open' WHERE id = ?1");
    reopen->bind(1, change.event.value("payload", json::object()).value("conflict_id", ""));
    reopen->run();
  }
}

// A kept rejection's reason in the reader's language: a message (keep_rejected) rendered from the wire catalogue,
// or the text itself for a row kept before reasons were messages.
std::string shown_reason(const std::string& stored) {
  if (stored.empty() || stored.front() != '{') return stored;
  auto parsed = json::parse(stored, nullptr, /*allow_exceptions=*/false);
  auto message = Message::from_json(parsed, messages::find);
  return message ? message->str() : stored;
}

// The station's audit rows the county is told of (protocol.h kReportedReads), after `after_seq`, oldest first: what
// the server needs to attribute and scope them, and the row's hash (its link in this station's chain).
json reported_reads(db::Database& db, std::int64_t after_seq, std::int64_t upto_seq, int limit) {
  static const std::string sql = [] {
    std::string actions;
    for (std::string_view action : kReportedReads) {
      if (!actions.empty()) actions += " OR ";
      // An export is a read that matters only when it showed full ID numbers.
      actions += action == "ledger.export" ? "(action = 'ledger.export' AND after ->> '$.full_id' = 1)"
                                           : fmt::format("action = '{}'", action);
    }
    return "SELECT seq, hash, at, actor, action, entity, coalesce(entity_id, '') FROM audit WHERE seq > ?1 AND seq <= ?3 AND (" +
           actions + ") ORDER BY seq LIMIT ?2";
  }();
  auto query = db.cached(sql);
  query->bind(1, after_seq).bind(2, limit).bind(3, upto_seq);
  json rows = json::array();
  while (query->step())
    rows.push_back({{"seq", query->get_int(0)}, {"hash", query->get_optional_text(1).value_or("")},
                    {"at", query->get_text(2)}, {"actor", query->get_text(3)}, {"action", query->get_text(4)},
                    {"entity", query->get_text(5)}, {"entity_id", query->get_text(6)}});
  return rows;
}

// Writes the server's answers for one pushed page, in one transaction.
void apply_push_results(Station& station, const std::vector<OutboxRow>& rows, const json& results, SyncSummary& summary) {
  Status written = station.write([&](WriteContext& w) {
    db::Database& db = w.db();
    for (const json& raw : results) {
      auto result = ChangeResult::from_json(raw);
      if (!result) continue;
      auto row = std::find_if(rows.begin(), rows.end(),
                              [&](const OutboxRow& r) { return r.change.change_id == result->change_id; });
      if (row == rows.end()) continue;
      const WireChange& change = row->change;
      ++summary.pushed;
      switch (result->status) {
        case ChangeStatus::Applied: ++summary.applied; break;
        case ChangeStatus::Duplicate: ++summary.duplicates; break;
        case ChangeStatus::Conflict: summary.conflicts_opened += static_cast<std::int64_t>(result->conflicts.size()); break;
        case ChangeStatus::Rejected: ++summary.rejected; break;
      }
      if (result->status == ChangeStatus::Rejected) {
        keep_rejected(w, change, result->reason);
      } else {
        auto remove = db.cached("DELETE FROM outbox WHERE change_id = ?1");
        remove->bind(1, change.change_id);
        remove->run();
      }
      if (change.op != "event") {
        // Show the server's state of each field (or a newer shadow), unless another edit of it is still unsent.
        json state = result->state;
        for (const auto& [field, value] : change.fields.items())
          if (!state.contains(field)) state[field] = {{"value", nullptr}, {"version", 0}};
        take_server_state(station, change.entity, change.entity_id, state, json::object());
      }
    }
    return Status::ok();
  });
  (void)written;  // the body cannot fail; a database error throws
}

// ---- talking to the server ----

bool transient(const HttpReply& reply) {
  if (!reply.transport_error.empty()) return !reply.permanent;
  return reply.status == 429 || reply.status == 500 || reply.status == 502 || reply.status == 503 ||
         reply.status == 504 || reply.status == 0;
}

Status http_failure(const HttpReply& reply) {
  if (reply.permanent)
    return Status::refused(trf("无法安全连接服务器：{}（县中心的自签名证书请用 --ca-cert 指定）",
                               "cannot connect to the server securely: {} (give a county's self-signed certificate "
                               "with --ca-cert)", reply.transport_error));
  if (!reply.transport_error.empty())
    return Status::internal(trf("无法连接服务器：{}", "cannot reach the server: {}", reply.transport_error));
  auto body = parse_untrusted_json(reply.body, "answer");
  std::string message = body && body->is_object() && body->contains("message") && (*body)["message"].is_string()
                            ? (*body)["message"].get<std::string>()
                            : std::string();
  if (reply.status == 401)
    return Status::refused(trf("服务器拒绝了令牌：{}", "the server refused the token: {}", message));
  if (reply.status == 403) return Status::refused(trf("服务器拒绝：{}", "refused by the server: {}", message));
  if (reply.status >= 400 && reply.status < 500)
    return Status::invalid("sync", trf("服务器拒绝请求（{}）：{}", "the server refused the request ({}): {}", reply.status,
                                       message));
  return Status::internal(trf("服务器错误（{}）：{}", "server error ({}): {}", reply.status, message));
}

class Session {
 public:
  Session(Station& station, Transport& transport, const SyncOptions& options, SyncSummary& summary)
      : station_(station), transport_(transport), options_(options), summary_(summary),
        random_(options.jitter_seed ? options.jitter_seed : std::random_device{}()) {}

  // Sends `call`, retrying transient failures. `complete` says whether a 2xx body arrived whole (a truncated body is
  // as transient as a dropped connection). Returns the 2xx reply, or a 409 for the caller to read, or the failure.
  Result<HttpReply> exchange(const HttpCall& call, const std::function<bool(const std::string&)>& complete) {
    for (int attempt = 0;; ++attempt) {
      HttpReply reply = transport_.send(call);
      if (reply.transport_error.empty() && reply.status >= 200 && reply.status < 300) {
        if (complete(reply.body)) return reply;
        reply.status = 0;
        reply.transport_error = "malformed response";
      }
      if (reply.transport_error.empty() && reply.status == 409) return reply;
      if (!transient(reply) || attempt + 1 >= tuning::kRetryMaxAttempts) return http_failure(reply);
      // Capped exponential backoff with full jitter: spreads the retries of many stations after an outage.
      int cap = std::min(tuning::kRetryMaxDelayMs, tuning::kRetryBaseDelayMs << std::min(attempt, 16));
      int delay = std::uniform_int_distribution<int>(0, cap)(random_);
      ++summary_.retries;
      if (options_.sleep) options_.sleep(delay);
      else std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
  }

  Result<json> call(const HttpCall& call) {
    json body;
    auto reply = exchange(call, [&body](const std::string& text) {
      auto parsed = parse_untrusted_json(text, "answer");
      if (!parsed) return false;
      body = std::move(parsed).value();
      return true;
    });
    if (!reply) return reply.status();
    if (reply->status == 409) return http_failure(reply.value());
    return body;
  }

  Status hello() {
    json request = {{"protocol", kProtocolVersion},
                    {"station_id", station_.station_id()},
                    {"township", station_.township()},
                    {"app_version", "0.1.0"},
                    {"schema_version", schema::latest_version()},
                    {"hlc", station_.meta("hlc").value_or("")}};
    auto reply = call({"POST", std::string(kHelloPath), "", request.dump()});
    if (!reply) return reply.status();
    const json& body = reply.value();
    push_max_ = std::clamp(body.value("limits", json::object()).value("push_max", tuning::kPushPageMax), 1,
                           tuning::kPushPageMax);
    summary_.clock_ahead_ms = body.value("clock", json::object()).value("ahead_ms", std::int64_t{0});
    if (summary_.clock_ahead_ms <= tuning::kMaxClockAheadMs) summary_.clock_ahead_ms = 0;
    auto server_hlc = Hlc::parse(body.value("server_hlc", ""));
    std::string server_id = body.value("server_id", "");
    const json features = body.value("features", json::array());
    snapshot_offered_ = std::find(features.begin(), features.end(), json(kFeatureSnapshot)) != features.end() &&
                        body.value("schema_version", 0) == schema::latest_version();
    audit_offered_ = std::find(features.begin(), features.end(), json(kFeatureAudit)) != features.end();
    return station_.write([&](WriteContext&) {
      // A station whose clock runs behind catches up with the server's clock here.
      if (server_hlc) {
        Hlc local = Hlc::parse(station_.meta("hlc").value_or("")).value_or(Hlc{});
        station_.set_meta("hlc", hlc_receive(local, *server_hlc, station_.clock().now_ms()).to_string());
      }
      if (station_.meta(kMetaServerId).value_or("") != server_id) {
        // Another server (or a new one): read its logs from the start. Replaying is harmless (idempotent).
        station_.set_meta(kMetaServerId, server_id);
        station_.set_meta(kMetaCursor, "");
        station_.set_meta(kMetaSnapshot, "");
        station_.set_meta(kMetaAuditSent, "");  // the new server gets every reported read (a resent one is a duplicate)
      }
      station_.set_meta(kMetaClockAhead, std::to_string(summary_.clock_ahead_ms));
      return Status::ok();
    });
  }

  Status push() {
    int page = options_.push_page > 0 ? std::min(options_.push_page, push_max_) : push_max_;
    const auto page_bytes = static_cast<std::size_t>(
        options_.push_page_bytes > 0 ? std::min(options_.push_page_bytes, tuning::kPushPageBytes) : tuning::kPushPageBytes);
    std::int64_t total = outbox_size();
    for (;;) {
      auto rows = read_outbox(station_.db(), page);
      if (rows.empty()) return Status::ok();
      // A page holds at most `page` changes and `page_bytes` of JSON. A change the server would refuse
      // for its size or text (check_change_limits) is rejected here, so it never fails a page or holds up the
      // changes after it (finding 7). Each change is encoded once, straight into the request body.
      const std::string head = json{{"batch_id", station_.new_id()}, {"station_id", station_.station_id()}}.dump();
      std::string request = head.substr(0, head.size() - 1) + R"(,"changes":[)";
      std::vector<std::pair<const WireChange*, Message>> refused;
      std::size_t in_page = 0;
      for (const auto& row : rows) {
        std::string encoded = row.change.to_json().dump(-1, ' ', false, json::error_handler_t::replace);
        if (auto limited = check_change_limits(row.change, encoded.size()); !limited) {
          refused.emplace_back(&row.change, limited.reason());
          continue;
        }
        if (in_page > 0 && request.size() + encoded.size() + 3 > page_bytes) break;
        if (in_page > 0) request += ',';
        request += encoded;
        ++in_page;
      }
      request += "]}";
      if (!refused.empty()) reject_here(refused);
      if (in_page == 0) continue;  // every change read was refused here: read the next ones
      auto reply = call({"POST", std::string(kPushPath), "", std::move(request)});
      if (!reply) return reply.status();
      const json& body = reply.value();
      if (!body.contains("results") || !body["results"].is_array())
        return Status::internal(tr("服务器回复缺少 results", "the server's reply has no results"));
      std::int64_t before = summary_.pushed;
      apply_push_results(station_, rows, body["results"], summary_);
      if (body.contains("clock") && body["clock"].value("flagged", false))
        summary_.clock_ahead_ms = std::max(summary_.clock_ahead_ms, body["clock"].value("ahead_ms", std::int64_t{0}));
      ++summary_.push_pages;
      if (summary_.pushed == before)
        return Status::internal(tr("服务器没有确认任何变更", "the server acknowledged none of the changes"));
      report("push", total);
    }
  }

  // The reads that matter (red files opened, full ID numbers shown or exported) go to the county after the push,
  // oldest first, in pages. The last row the server answered for (stored, duplicate or rejected: each answer is
  // final) is kept in meta, so an interrupted report resumes after it and a row sent again is a duplicate there.
  // A server that does not list the feature is not asked.
  Status report_reads() {
    if (!audit_offered_) return Status::ok();
    for (;;) {
      const std::int64_t after = std::strtoll(station_.meta(kMetaAuditSent).value_or("0").c_str(), nullptr, 10);
      // Rows up to the last one now in the audit; when none of them is a read that matters, the mark moves past
      // them, so the next sync does not scan them again (a station's audit grows with every write: scanning it
      // from the start made an incremental sync grow with the township).
      auto last_row = station_.db().cached("SELECT coalesce(max(seq), 0) FROM audit");
      last_row->step();
      const std::int64_t upto = last_row->get_int(0);
      last_row->reset();
      json rows = reported_reads(station_.db(), after, upto, tuning::kAuditReportPageMax);
      if (rows.empty()) {
        if (upto <= after) return Status::ok();
        return station_.write([&](WriteContext&) {
          station_.set_meta(kMetaAuditSent, std::to_string(upto));
          return Status::ok();
        });
      }
      json request = {{"station_id", station_.station_id()}, {"rows", rows}};
      auto reply = call({"POST", std::string(kAuditPath), "", request.dump()});
      if (!reply) return reply.status();
      const json& body = reply.value();
      if (!body.contains("results") || !body["results"].is_array() || body["results"].size() != rows.size())
        return Status::internal(tr("服务器没有逐条答复上报的查阅记录", "the server did not answer every reported read"));
      for (const json& result : body["results"]) {
        const std::string status = result.is_object() ? result.value("status", "") : std::string();
        if (status == "rejected") ++summary_.reads_rejected;
        else ++summary_.reads_reported;
      }
      const std::string last = std::to_string(rows.back()["seq"].get<std::int64_t>());
      Status saved = station_.write([&](WriteContext&) {
        station_.set_meta(kMetaAuditSent, last);
        return Status::ok();
      });
      if (!saved) return saved;
      if (rows.size() < static_cast<std::size_t>(tuning::kAuditReportPageMax)) return Status::ok();
    }
  }

  // A station that has never synced loads the current rows of its township in a few large pages (snapshot.h)
  // instead of replaying the whole change log; an interrupted snapshot resumes at its next page. Afterwards pull()
  // goes on from the log position the snapshot was taken at. Nothing happens (and pull() replays the log) when the
  // server does not offer snapshots, runs another schema version, or the station already holds records.
  Status snapshot() {
    if (!snapshot_offered_ || !options_.snapshot) return Status::ok();
    std::string position = station_.meta(kMetaSnapshot).value_or("");
    if (position.empty() && (!station_.meta(kMetaCursor).value_or("").empty() || !fresh())) return Status::ok();
    const std::string policy = snapshot::policy_fingerprint(station_.db());
    const int children = options_.snapshot_page > 0 ? options_.snapshot_page : tuning::kSnapshotPageChildren;
    auto fetch = [this, policy, children](const std::string& at) {
      HttpCall request{"GET", std::string(kSnapshotPath),
                       fmt::format("township={}&schema={}&policy={}&children={}&position={}", station_.township(),
                                   schema::latest_version(), policy, children, at),
                       ""};
      return exchange(request, [](const std::string& body) { return snapshot::decode_page(body).is_ok(); });
    };
    // The next page is fetched while this one is loaded: the server reads and compresses page k + 1 while the
    // station writes page k. (Only the fetching thread uses the transport; only this one the station.)
    std::future<Result<HttpReply>> next = std::async(std::launch::async, fetch, position);
    for (;;) {
      auto reply = next.get();
      if (!reply) return reply.status();
      if (reply->status == 409) {
        auto error = parse_untrusted_json(reply->body, "answer");
        const bool reset = error && error->is_object() && error->contains("error") &&
                           (*error)["error"] == "snapshot_reset";
        (void)station_.write([&](WriteContext&) {
          station_.set_meta(kMetaSnapshot, "");
          return Status::ok();
        });
        // A position the server no longer knows: start again while nothing is loaded, else replay the log (every
        // op is idempotent over what the pages already loaded). Any other refusal: replay the log.
        if (reset && !position.empty() && fresh()) {
          position.clear();
          next = std::async(std::launch::async, fetch, position);
          continue;
        }
        return Status::ok();
      }
      auto page = snapshot::decode_page(reply->body);
      if (!page) return page.status();
      const json& header = page->header;
      const bool done = header.value("done", false);
      const std::string following = header.value("next", "");
      if (!done && following.empty())
        return Status::internal(tr("服务器的快照页缺少下一页位置", "the server's snapshot page has no next position"));
      if (!done) next = std::async(std::launch::async, fetch, following);
      std::int64_t rows = 0;
      Status loaded = station_.write([&](WriteContext& w) {
        auto stats = snapshot::load_page(w.db(), page.value(), station_.township(), w.now_iso());
        if (!stats) return stats.status();
        rows = stats->rows;
        if (done) {
          station_.set_meta(kMetaCursor, header.value("cursor", ""));
          station_.set_meta(kMetaSnapshot, "");
        } else {
          station_.set_meta(kMetaSnapshot, following);
        }
        w.audit("sync.snapshot", "station", station_.station_id(), json(),
                {{"children", stats->children}, {"rows", stats->rows}, {"derived", header.value("derived", false)}});
        return Status::ok();
      });
      if (!loaded) {
        (void)station_.write([&](WriteContext& w) {
          w.audit("sync.snapshot_refused", "station", station_.station_id(), json(), {{"reason", loaded.message()}});
          return Status::ok();
        });
        return loaded;
      }
      summary_.snapshot_children += header.value("children", 0);
      summary_.snapshot_rows += rows;
      ++summary_.snapshot_pages;
      report("snapshot", 0);
      if (done) return Status::ok();
      position = following;
    }
  }

  // Changes refused before sending (check_change_limits): kept as rejected, exactly as a server refusal is.
  void reject_here(const std::vector<std::pair<const WireChange*, Message>>& refused) {
    Status written = station_.write([&](WriteContext& w) {
      for (const auto& [change, reason] : refused) keep_rejected(w, *change, reason);
      return Status::ok();
    });
    (void)written;  // the body cannot fail; a database error throws
    summary_.rejected += static_cast<std::int64_t>(refused.size());
  }

  Status pull() {
    int limit = options_.pull_page > 0 ? std::min(options_.pull_page, tuning::kPullPageMax) : tuning::kPullPageRequest;
    for (;;) {
      std::string cursor = station_.meta(kMetaCursor).value_or("");
      auto reply = call({"GET", std::string(kPullPath), fmt::format("cursor={}&limit={}", cursor, limit), ""});
      if (!reply) return reply.status();
      const json& body = reply.value();
      if (!body.contains("ops") || !body["ops"].is_array() || !body.contains("cursor"))
        return Status::internal(tr("服务器回复格式不对", "the server's reply is malformed"));
      Status applied = station_.write([&](WriteContext& w) {
        for (const json& op : body["ops"]) {
          // Every op must be in this station's township; anything else is ignored and audited.
          if (op.value("township", "") != station_.township()) {
            w.audit("sync.out_of_scope", "op", op.value("type", ""), json(), {{"township", op.value("township", "")}});
            continue;
          }
          if (auto status = apply_op(station_, op); !status) return status;
        }
        station_.set_meta(kMetaCursor, body["cursor"].get<std::string>());
        if (!body["ops"].empty())
          w.audit("sync.pull", "station", station_.station_id(), json(), {{"ops", body["ops"].size()}});
        return Status::ok();
      });
      if (!applied) return applied;
      summary_.pulled += static_cast<std::int64_t>(body["ops"].size());
      ++summary_.pull_pages;
      report("pull", 0);
      if (!body.value("has_more", false)) return Status::ok();
    }
  }

 private:
  // Nothing to lose by loading rows wholesale: no records, no unsent changes.
  bool fresh() {
    auto query = station_.db().cached(
        "SELECT NOT EXISTS (SELECT 1 FROM children) AND NOT EXISTS (SELECT 1 FROM events)"
        " AND NOT EXISTS (SELECT 1 FROM outbox)");
    return query->step() && query->get_int(0) == 1;
  }

  std::int64_t outbox_size() {
    auto query = station_.db().cached("SELECT count(*) FROM outbox");
    return query->step() ? query->get_int(0) : 0;
  }

  void report(const char* phase, std::int64_t) {
    if (!options_.progress) return;
    SyncProgress progress;
    progress.phase = phase;
    progress.pages = summary_.push_pages + summary_.snapshot_pages + summary_.pull_pages;
    progress.changes_up = summary_.pushed;
    progress.outbox_left = outbox_size();
    progress.ops_down = summary_.pulled;
    progress.snapshot_children = summary_.snapshot_children;
    options_.progress(progress);
  }

  Station& station_;
  Transport& transport_;
  const SyncOptions& options_;
  SyncSummary& summary_;
  std::mt19937 random_;
  int push_max_ = tuning::kPushPageMax;
  bool snapshot_offered_ = false;
  bool audit_offered_ = false;
};

}  // namespace

json SyncSummary::to_json() const {
  return {{"pushed", pushed},         {"applied", applied},       {"duplicates", duplicates},
          {"conflicts_opened", conflicts_opened}, {"rejected", rejected}, {"pulled", pulled},
          {"push_pages", push_pages}, {"pull_pages", pull_pages}, {"retries", retries},
          {"clock_ahead_ms", clock_ahead_ms}, {"duration_ms", duration_ms},
          {"snapshot_pages", snapshot_pages}, {"snapshot_children", snapshot_children},
          {"snapshot_rows", snapshot_rows}, {"reads_reported", reads_reported}, {"reads_rejected", reads_rejected}};
}

Result<SyncSummary> run_sync(Station& station, Transport& transport, const SyncOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  SyncSummary summary;
  station.db().exec(fmt::format("PRAGMA cache_size = -{}", tuning::kSyncCacheKiB));
  Session session(station, transport, options, summary);
  if (auto hello = session.hello(); !hello) return hello;
  if (auto pushed = session.push(); !pushed) return pushed;
  if (auto reported = session.report_reads(); !reported) return reported;
  if (auto loaded = session.snapshot(); !loaded) return loaded;
  if (auto pulled = session.pull(); !pulled) return pulled;
  station.set_meta(kMetaLastSuccess, station.clock().now_iso());
  summary.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

SyncSettings load_sync_settings(Station& station) {
  return {station.meta(kMetaServer).value_or(""), station.meta(kMetaToken).value_or(""),
          station.meta(kMetaCaCert).value_or("")};
}

void save_sync_settings(Station& station, const SyncSettings& settings) {
  Status written = station.write([&](WriteContext& w) {
    station.set_meta(kMetaServer, settings.server_url);
    station.set_meta(kMetaToken, settings.token);
    station.set_meta(kMetaCaCert, settings.ca_cert);
    w.audit("sync.settings", "station", station.station_id(), json(), {{"server", settings.server_url}});
    return Status::ok();
  });
  (void)written;
}

json SyncStatusReport::to_json() const {
  return {{"server", server_url},           {"last_success", last_success.empty() ? json(nullptr) : json(last_success)},
          {"outbox", outbox},               {"open_conflicts", open_conflicts},
          {"open_duplicates", open_duplicates}, {"rejected", rejected},
          {"clock_ahead_ms", clock_ahead_ms}};
}

SyncStatusReport sync_status(Station& station) {
  SyncStatusReport report;
  db::Database& db = station.db();
  report.server_url = station.meta(kMetaServer).value_or("");
  report.last_success = station.meta(kMetaLastSuccess).value_or("");
  auto count = [&db](const char* sql) {
    auto query = db.prepare(sql);
    return query.step() ? query.get_int(0) : std::int64_t{0};
  };
  report.outbox = count("SELECT count(*) FROM outbox");
  report.open_conflicts = count("SELECT count(*) FROM conflicts WHERE status = 'open'");
  report.open_duplicates = count("SELECT count(*) FROM duplicate_candidates WHERE status = 'open'");
  auto rejected = db.prepare(
      "SELECT change_id, entity, entity_id, op, reason, rejected_at, actor FROM rejected_changes ORDER BY rejected_at");
  while (rejected.step())
    report.rejected.push_back({{"change_id", rejected.get_text(0)}, {"entity", rejected.get_text(1)},
                               {"entity_id", rejected.get_text(2)}, {"op", rejected.get_text(3)},
                               {"reason", shown_reason(rejected.get_text(4))}, {"rejected_at", rejected.get_text(5)},
                               {"actor", rejected.get_text(6)}});
  report.clock_ahead_ms = std::stoll(station.meta(kMetaClockAhead).value_or("0"));
  return report;
}

std::vector<json> list_conflicts(Station& station, bool include_resolved) {
  auto query = station.db().prepare(
      "SELECT body, status FROM conflicts WHERE status = 'open' OR ?1 ORDER BY status DESC, opened_at, id");
  query.bind(1, include_resolved ? 1 : 0);
  std::vector<json> out;
  while (query.step()) {
    json body = json::parse(query.get_text(0));
    body["status"] = query.get_text(1);
    out.push_back(std::move(body));
  }
  return out;
}

std::vector<json> list_duplicates(Station& station) {
  auto query = station.db().prepare("SELECT body, status FROM duplicate_candidates ORDER BY status DESC, opened_at, id");
  std::vector<json> out;
  while (query.step()) {
    json body = json::parse(query.get_text(0));
    body["status"] = query.get_text(1);
    out.push_back(std::move(body));
  }
  return out;
}

Status resolve_conflict(Station& station, std::string_view id, std::string_view keep) {
  const User& actor = station.actor();
  if (actor.role != Role::Supervisor && actor.role != Role::County)
    return Status::refused(trf("{}（{}）不能处理冲突；需要督导员或县级用户", "{} ({}) may not resolve conflicts; a "
                               "supervisor or the county must", actor.name, i18n::term(to_string(actor.role))));
  auto found = resolve_record_ref(station.db(), "conflicts", id, "id", "冲突", "conflict");
  if (!found) return found.status();
  auto query = station.db().prepare("SELECT body, status FROM conflicts WHERE id = ?1");
  query.bind(1, found.value());
  if (!query.step()) return Status::not_found(trf("找不到冲突 {}", "no conflict {}", id));
  json record = json::parse(query.get_text(0));
  std::string status = query.get_text(1);
  query.reset();
  if (status != "open") return Status::refused(tr("该冲突已处理", "the conflict is already resolved"));

  const std::string entity = record.value("entity", "");
  const std::string entity_id = record.value("entity_id", "");
  const std::string field = record.value("field", "");
  const json values = record.value("values", json::array());
  json chosen;
  if (keep == "mine" || keep == "theirs") {
    int mine = -1;
    for (int i = 0; i < static_cast<int>(values.size()); ++i)
      if (values[i].value("station_id", "") == station.station_id()) mine = i;
    if (mine < 0 || values.size() != 2 || values[0].value("station_id", "") == values[1].value("station_id", ""))
      return Status::invalid("keep", tr("两个值都不是（或都是）本站写的；请直接给出要保留的值",
                                        "neither value (or both) came from this station; give the value to keep"));
    chosen = values[keep == "mine" ? mine : 1 - mine].value("value", json());
  } else {
    const auto& specs = entity == "child" ? child_fields() : relative_fields();
    const FieldSpec* spec = find_field(specs, field);
    if (!spec) return Status::internal("unknown field " + field);
    auto normalized = normalize_field(*spec, keep);
    if (!normalized) return normalized.status();
    chosen = normalized.value();
  }
  if (auto kept = check_not_emptied(entity, {{field, chosen}}); !kept) return kept;
  if (!row_exists(station.db(), entity, entity_id))
    return Status::not_found(tr("本站没有该记录", "this station does not hold the record"));

  return station.write([&](WriteContext& w) {
    db::Database& db = w.db();
    const json fields = {{field, chosen}};
    const std::string child_id = record.value("child_id", "");
    write_profile_fields(w, {entity, entity_id, child_id, fields});
    Event event;
    event.child_id = record.value("child_id", "");
    if (event.child_id->empty()) event.child_id.reset();
    event.township = record.value("township", station.township());
    event.kind = "conflict.resolve";
    event.payload = {{"conflict_id", record.value("id", "")}, {"entity", entity}, {"entity_id", entity_id},
                     {"field", field}, {"value", chosen}};
    record_event(w, event);
    auto update = db.cached("UPDATE conflicts SET status = 'resolved' WHERE id = ?1");
    update->bind(1, record.value("id", ""));
    update->run();
    return Status::ok();
  });
}

}  // namespace tongdang::sync
