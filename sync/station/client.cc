#include "sync/station/client.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "sync/protocol/tuning.h"
#include "sync/station/tuning.h"
#include "core/base/untrusted_json.h"
#include "core/db/schema.h"
#include "sync/protocol/protocol.h"
#include "sync/protocol/snapshot.h"
#include "sync/station/outbox.h"
#include "core/store/station_health.h"
#include "sync/station/snapshot_load.h"
#include "sync/station/status.h"
#include "sync/station/station_merge.h"
#include "sync/station/sync_meta.h"

namespace tongdang::sync {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

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
                    {"hlc", station_.meta("hlc").value_or("")},
                    // What the county's console shows of this station: its name and what it has waiting to send.
                    {"name", station_.name()},
                    {"waiting", {{"changes", sync_status(station_).outbox},
                                 {"oldest", station_health(station_).oldest_unsent.value_or("")}}}};
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
    return station_.write([&](WriteContext& w) {
      // A station whose clock runs behind catches up with the server's clock here.
      if (server_hlc) {
        Hlc local = Hlc::parse(station_.meta("hlc").value_or("")).value_or(Hlc{});
        station_.set_meta("hlc", hlc_receive(local, *server_hlc, station_.clock().now_ms()).to_string());
      }
      const std::string known_server = station_.meta(meta::kServerId).value_or("");
      if (known_server != server_id) {
        // Another server (or a new one): read its logs from the start. Replaying is harmless (idempotent).
        // A server restored from a backup of the one this station knew names that one and the clock of its backup:
        // what it acknowledged since then is lost there, so it goes up again (docs/sync-protocol.md "A restored
        // server").
        const json restored = body.value("restored", json::object());
        if (!known_server.empty() && restored.is_object() && restored.value("from", "") == known_server)
          summary_.resent = requeue_sent_since(w, restored.value("backup_hlc", ""));
        station_.set_meta(meta::kServerId, server_id);
        station_.set_meta(meta::kCursor, "");
        station_.set_meta(meta::kSnapshot, "");
        station_.set_meta(meta::kAuditSent, "");  // the new server gets every reported read (a resent one is a duplicate)
      }
      station_.set_meta(meta::kClockAhead, std::to_string(summary_.clock_ahead_ms));
      // Acknowledged changes are kept for a server restored from a backup; the old ones are forgotten once a day.
      const std::string today = station_.clock().today().to_string();
      if (station_.meta(meta::kSentPrunedOn).value_or("") != today) {
        prune_sent(w, station_.clock().today().plus_days(-tuning::kSentChangesKeptDays).to_string());
        station_.set_meta(meta::kSentPrunedOn, today);
      }
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
      apply_push_results(station_, rows, body["results"], body.value("server_hlc", ""), summary_);
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
      const std::int64_t after = std::strtoll(station_.meta(meta::kAuditSent).value_or("0").c_str(), nullptr, 10);
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
          station_.set_meta(meta::kAuditSent, std::to_string(upto));
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
        station_.set_meta(meta::kAuditSent, last);
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
    std::string position = station_.meta(meta::kSnapshot).value_or("");
    if (position.empty() && (!station_.meta(meta::kCursor).value_or("").empty() || !fresh())) return Status::ok();
    const std::string policy = snapshot::policy_fingerprint(station_.db());
    const int children = options_.snapshot_page > 0 ? options_.snapshot_page : tuning::kSnapshotPageChildren;
    auto fetch = [this, policy, children](const std::string& at) {
      HttpCall request{"GET", std::string(kSnapshotPath),
                       // history=1: this station takes a transferred file's history (rows of the township it
                       // came from) in a page; merges=1: the merge events of other townships' files merged into
                       // this township's (the old id finds the survivor through them); merged_files=1: those
                       // files themselves while their merge stands, rows of the other township (the survivor's
                       // history reads through them, as after a replay of the log).
                       fmt::format("township={}&schema={}&policy={}&children={}&position={}&history=1&merges=1"
                                   "&merged_files=1",
                                   station_.township(),
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
          station_.set_meta(meta::kSnapshot, "");
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
          station_.set_meta(meta::kCursor, header.value("cursor", ""));
          station_.set_meta(meta::kSnapshot, "");
        } else {
          station_.set_meta(meta::kSnapshot, following);
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
      std::string cursor = station_.meta(meta::kCursor).value_or("");
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
        station_.set_meta(meta::kCursor, body["cursor"].get<std::string>());
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
          {"snapshot_rows", snapshot_rows}, {"reads_reported", reads_reported}, {"reads_rejected", reads_rejected},
          {"resent", resent}};
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
  station.set_meta(meta::kLastSuccess, station.clock().now_iso());
  summary.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace tongdang::sync
