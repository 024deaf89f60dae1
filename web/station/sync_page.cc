// `/sync` — 同步: the station's sync settings as the CLI keeps them (sync/station/settings.h; the token is never
// shown back), 立即同步 (POST /sync) running sync/station's run_sync over the curl transport on a thread of its own
// with its own Station handle (the pages stay usable meanwhile), `/sync/progress` (JSON, polled by app.js), and what
// `tongdang sync status` shows: the last success, the outbox, the rejected changes with their reasons, the conflicts.
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/store/record_ref.h"
#include "sync/station/client.h"
#include "sync/station/curl_transport.h"
#include "sync/station/settings.h"
#include "sync/station/status.h"
#include "web/station/app_impl.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

// One sync at a time, on its own thread, opened on the station's file (a Station belongs to one thread): what it
// reports as it goes is kept here under its own lock, never the app's, so a page can read it while the sync runs.
struct SyncJob {
  std::mutex mutex;
  std::thread thread;
  bool running = false;
  bool ran = false;  // a sync has run since the app started (its outcome below)
  std::string user;  // who started it
  std::string started_at, finished_at;
  sync::SyncProgress progress;
  std::optional<sync::SyncSummary> summary;  // the last sync's, when it succeeded
  std::optional<Status> failure;             // the last sync's, when it failed

  ~SyncJob() {
    if (thread.joinable()) thread.join();  // the app ends only after the sync has committed or stopped
  }
};

namespace {

// What the page reads of the job, copied under its lock.
struct SyncSnapshot {
  bool running = false;
  bool ran = false;
  std::string user, started_at, finished_at;
  sync::SyncProgress progress;
  std::optional<sync::SyncSummary> summary;
  std::optional<Status> failure;
};

SyncSnapshot snapshot_of(const std::shared_ptr<SyncJob>& job) {
  SyncSnapshot out;
  if (!job) return out;
  std::lock_guard lock(job->mutex);
  out = {job->running, job->ran, job->user, job->started_at, job->finished_at, job->progress, job->summary,
         job->failure};
  return out;
}

// The sync itself, on the job's thread: its own Station on the same file, acting as the user who started it.
void run_job(SyncJob& job, const std::string& db_path, const Clock& clock, const std::string& user,
             const sync::SyncSettings& settings) {
  auto finish = [&job, &clock](std::optional<sync::SyncSummary> summary, std::optional<Status> failure) {
    std::lock_guard lock(job.mutex);
    job.running = false;
    job.summary = std::move(summary);
    job.failure = std::move(failure);
    job.finished_at = clock.now_iso();
  };
  try {
    auto opened = Station::open(db_path, clock);
    if (!opened) return finish(std::nullopt, opened.status());
    Station& station = *opened.value();
    if (Status acting = station.act_as(user); !acting) return finish(std::nullopt, acting);
    auto transport =
        sync::make_curl_transport({settings.server_url, settings.token, station.station_id(), settings.ca_cert});
    sync::SyncOptions options;
    options.progress = [&job](const sync::SyncProgress& p) {
      std::lock_guard lock(job.mutex);
      job.progress = p;
    };
    auto result = sync::run_sync(station, *transport, options);
    if (!result) return finish(std::nullopt, result.status());
    finish(std::move(result).value(), std::nullopt);
  } catch (const std::exception& error) {
    finish(std::nullopt, Status::internal(error.what()));
  }
}

std::string phase_text(const std::string& phase) {
  if (phase == "push") return tr("上传本站修改", "sending this station's changes");
  if (phase == "snapshot") return tr("载入本乡镇档案", "loading the township's files");
  if (phase == "pull") return tr("下载县中心的修改", "receiving the county's changes");
  return tr("连接县中心", "connecting to the county");
}

// One line saying where the sync stands or how the last one ended, in the reader's language.
std::string state_text(Page& page, const SyncSnapshot& s) {
  if (s.running) {
    const sync::SyncProgress& p = s.progress;
    return trf("正在同步：{}（第 {} 页；已上传 {}，待上传 {}，已下载 {}，已载入档案 {}）",
               "syncing: {} (page {}; {} sent, {} left, {} received, {} files loaded)", phase_text(p.phase), p.pages,
               p.changes_up, p.outbox_left, p.ops_down, p.snapshot_children);
  }
  if (s.failure)
    return trf("上次同步未完成：{}。本地修改仍在待上传队列中，下次同步继续。",
               "the last sync did not finish: {}. Local changes stay queued; the next sync resumes.",
               page.text(s.failure->reason()));
  if (s.summary)
    return trf("同步完成：上传 {}（冲突 {}，被拒 {}），下载 {}，用时 {:.0f} 毫秒",
               "synced: sent {} (conflicts {}, refused {}), received {}, in {:.0f} ms", s.summary->pushed,
               s.summary->conflicts_opened, s.summary->rejected, s.summary->pulled, s.summary->duration_ms);
  return tr("本次启动后尚未同步。", "No sync since the station was started.");
}

Response json_response(const json& body) {
  Response response = Response::plain(200, body.dump());
  response.content_type = "application/json; charset=utf-8";
  return response;
}

// ---- the page ----

void settings_form(Html& h, Page& page, const sync::SyncSettings& settings, const FormErrors& errors, bool failed) {
  const bool may_configure = access::may(page.station.actor().role, access::Action::ConfigureSync);
  h(R"(<h2>{}</h2>)", tr("同步设置", "Sync settings"));
  if (!may_configure) {
    h(R"(<dl class="facts"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>)", tr("县中心地址", "County server"),
      settings.server_url.empty() ? tr("未设置", "not set") : settings.server_url, tr("令牌", "Token"),
      settings.token.empty() ? tr("未设置", "not set") : tr("已设置（不显示）", "set (not shown)"));
    h(R"(<p class="muted">{}</p>)", tr("同步设置由督导员或县级用户填写。", "A supervisor or the county sets these."));
    return;
  }
  const Request& request = page.request;
  h(R"(<form class="card" method="post" action="/sync/settings">{}{})", csrf_field(page.csrf), form_errors(errors));
  h("{}", input_field("server", tr("县中心地址", "County server"), failed ? request.param("server") : settings.server_url,
                      errors, {.type = "text", .required = true, .hint = tr("例如 https://county.example:8443",
                                                                             "e.g. https://county.example:8443"),
                               .autocomplete = "off"}));
  // The token is a credential: never written into a page. Left empty, the one kept stays.
  h("{}", input_field("token", tr("令牌", "Token"), "", errors,
                      {.type = "password",
                       .hint = settings.token.empty() ? tr("县中心发放的令牌", "the token the county issued")
                                                      : tr("已设置（不显示）；留空则保持不变",
                                                           "set (not shown); leave empty to keep it"),
                       .autocomplete = "off"}));
  h("{}", input_field("ca_cert", tr("CA 证书路径", "CA certificate path"),
                      failed ? request.param("ca_cert") : settings.ca_cert, errors,
                      {.type = "text", .hint = tr("县中心使用自签名证书时填写（PEM 文件在本机上的路径）",
                                                  "for a county's self-signed certificate: the PEM file's path on "
                                                  "this computer")}));
  h(R"(<div class="actions"><button type="submit" id="save">{}</button></div></form>)", tr("保存设置", "Save"));
}

void rejected_list(Html& h, const sync::SyncStatusReport& report) {
  h(R"(<h2 id="rejected">{} <span class="muted">({})</span></h2>)", tr("被县中心拒绝的修改", "Changes the county refused"),
    report.rejected.size());
  if (report.rejected.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有被拒绝的修改。", "No change was refused."));
    return;
  }
  h(R"(<table class="rejected"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("时间", "When"), tr("记录", "Record"), tr("操作人", "By"), tr("原因", "Reason"));
  for (const json& r : report.rejected)
    h("<tr><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>", r.value("rejected_at", ""),
      i18n::label(r.value("entity", "")), short_record_id(r.value("entity_id", "")), r.value("actor", ""),
      r.value("reason", ""));
  h("</tbody></table>");
}

Response sync_page(Page& page, const FormErrors& errors, bool settings_failed) {
  const sync::SyncSettings settings = sync::load_sync_settings(page.station);
  const sync::SyncStatusReport report = sync::sync_status(page.station);
  const SyncSnapshot job = snapshot_of(page.app.sync_job);
  Html h;
  h(R"(<h1>{}</h1>)", tr("与县中心同步", "Sync with the county"));
  if (!settings_failed) h("{}", form_errors(errors));
  h(R"(<section class="card"><p id="sync-progress" data-sync-progress data-running="{}" aria-live="polite">{}</p>)",
    job.running ? "1" : "0", state_text(page, job));
  if (job.ran && !job.started_at.empty())
    h(R"(<p class="muted">{}</p>)", trf("{} 于 {} 开始", "started by {} at {}", job.user, job.started_at));
  h(R"(<form method="post" action="/sync">{}<button type="submit" id="sync-now"{}>{}</button></form>)",
    csrf_field(page.csrf), job.running ? Markup::literal(" disabled") : Markup(), tr("立即同步", "Sync now"));
  h(R"(<dl class="facts" id="sync-status"><dt>{}</dt><dd id="last-success">{}</dd><dt>{}</dt><dd id="outbox">{}</dd>)",
    tr("上次成功同步", "Last successful sync"), report.last_success.empty() ? tr("从未", "never") : report.last_success,
    tr("待上传修改", "Changes waiting to be sent"), report.outbox);
  h(R"(<dt>{}</dt><dd id="open-conflicts">{} <a href="/review#conflicts">{}</a></dd><dt>{}</dt><dd>{}</dd></dl>)",
    tr("待处理冲突", "Open conflicts"), report.open_conflicts, tr("去处理", "resolve"),
    tr("疑似重复档案", "Duplicate candidates"), report.open_duplicates);
  if (report.clock_ahead_ms > 0)
    h(R"(<div class="alert warn">{}</div>)", trf("本机时钟比县中心快 {} 分钟；请校准时间",
                                                 "this computer's clock runs {} minutes ahead of the county; please "
                                                 "set the time", report.clock_ahead_ms / 60000));
  h("</section>");
  rejected_list(h, report);
  settings_form(h, page, settings, settings_failed ? errors : FormErrors{}, settings_failed);
  return render(page, tr("同步", "Sync"), std::move(h).markup(), Nav::Sync, errors.any() ? 400 : 200);
}

Response show_sync(Page& page, const std::vector<std::string>&) { return sync_page(page, {}, false); }

Response progress(Page& page, const std::vector<std::string>&) {
  const SyncSnapshot job = snapshot_of(page.app.sync_job);
  const sync::SyncStatusReport report = sync::sync_status(page.station);
  const sync::SyncProgress& p = job.progress;
  json body = {{"running", job.running},
               {"phase", job.running ? json(p.phase) : json(nullptr)},
               {"counts",
                {{"pages", p.pages}, {"changes_up", p.changes_up}, {"outbox_left", p.outbox_left},
                 {"ops_down", p.ops_down}, {"snapshot_children", p.snapshot_children}}},
               {"error", job.failure ? json(page.text(job.failure->reason())) : json(nullptr)},
               {"summary", job.summary ? job.summary->to_json() : json(nullptr)},
               {"last_success", report.last_success.empty() ? json(nullptr) : json(report.last_success)},
               {"outbox", report.outbox},
               {"open_conflicts", report.open_conflicts},
               {"text", state_text(page, job)}};
  return json_response(body);
}

Response start_sync(Page& page, const std::vector<std::string>&) {
  if (!access::may(page.station.actor().role, access::Action::WriteFiles))
    return refused_page(page, Status::refused(i18n::tr("查看者不能同步", "a viewer may not sync")));
  const sync::SyncSettings settings = sync::load_sync_settings(page.station);
  FormErrors errors;
  if (settings.server_url.empty())
    errors.add(Status::invalid("server", i18n::tr("第一次同步前须先在下面填写县中心地址",
                                                  "the first sync needs the county server's address (below)")));
  else if (settings.token.empty())
    errors.add(Status::invalid("token", i18n::tr("第一次同步前须先在下面填写县中心发放的令牌",
                                                 "the first sync needs the token the county issued (below)")));
  if (errors.any()) return sync_page(page, errors, false);

  auto& job = page.app.sync_job;
  if (!job) job = std::make_shared<SyncJob>();
  {
    std::lock_guard lock(job->mutex);
    if (job->running) return Response::redirect("/sync");  // one sync at a time: the running one is shown
  }
  if (job->thread.joinable()) job->thread.join();  // the last one has finished (running is false)
  {
    std::lock_guard lock(job->mutex);
    job->running = true;
    job->ran = true;
    job->user = page.station.actor().name;
    job->started_at = page.station.clock().now_iso();
    job->finished_at.clear();
    job->progress = {};
    job->summary.reset();
    job->failure.reset();
  }
  job->thread = std::thread(run_job, std::ref(*job), page.options.db_path, std::cref(page.station.clock()),
                            page.station.actor().name, settings);
  return Response::redirect("/sync");
}

Response save_settings(Page& page, const std::vector<std::string>&) {
  if (!access::may(page.station.actor().role, access::Action::ConfigureSync))
    return refused_page(page, Status::refused(i18n::trf("{}不能更改同步设置；由督导员或县级用户设置",
                                                        "{} may not change the sync settings; a supervisor or the "
                                                        "county does", page.station.actor().name)));
  sync::SyncSettings settings = sync::load_sync_settings(page.station);
  const std::string server = page.request.param("server");
  const std::string token = page.request.param("token");
  const std::string ca_cert = page.request.param("ca_cert");
  FormErrors errors;
  const std::vector<std::string> fields = {"server", "token", "ca_cert"};
  if (server.rfind("https://", 0) != 0 && server.rfind("http://", 0) != 0)
    errors.add(Status::invalid("server", i18n::tr("应为 https:// 开头的地址", "must be an address starting with https://")),
               fields);
  if (!ca_cert.empty() && !std::filesystem::is_regular_file(ca_cert))
    errors.add(Status::invalid("ca_cert", i18n::tr("本机上找不到该证书文件", "no such certificate file on this computer")),
               fields);
  if (token.empty() && settings.token.empty())
    errors.add(Status::invalid("token", i18n::tr("需要县中心发放的令牌", "the token the county issued is needed")),
               fields);
  if (errors.any()) return sync_page(page, errors, true);
  settings.server_url = server;
  if (!token.empty()) settings.token = token;
  settings.ca_cert = ca_cert;
  sync::save_sync_settings(page.station, settings);
  return Response::redirect("/sync?saved=1");
}

}  // namespace

void add_sync_routes(Routes& routes) {
  routes.get("/sync", show_sync);
  routes.post("/sync", start_sync);
  routes.get("/sync/progress", progress);
  routes.post("/sync/settings", save_settings);
}

}  // namespace tongdang::web::station
