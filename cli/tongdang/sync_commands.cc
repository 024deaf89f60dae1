// tongdang sync [status], tongdang conflicts [list|resolve], tongdang duplicates [list|merge|unmerge].
#include <filesystem>
#include <iostream>

#include "command_line.h"
#include "context.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/store/record_ref.h"
#include "core/workflow/merge.h"
#include "sync/station/client.h"
#include "sync/station/conflicts.h"
#include "sync/station/settings.h"
#include "sync/station/status.h"
#include "sync/station/curl_transport.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

std::string show_value(const json& value) {
  if (value.is_null()) return label("none");
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return label(value.get<bool>() ? "yes" : "no");
  return value.dump();
}

// Ids are time-ordered UUIDs: records made in the same millisecond share their first 12 hex digits, so lists show
// the whole id (a unique prefix of it is accepted wherever an id is typed).
std::string short_id(const std::string& id) { return short_record_id(id); }

std::string status_label(const std::string& status) {
  return status == "open" ? tr("待处理", "open") : status == "resolved" ? tr("已处理", "resolved") : status;
}

void run_sync_command(Context& context, const std::string& server, const std::string& token, const std::string& ca_cert) {
  Station& station = context.open();
  sync::SyncSettings settings = sync::load_sync_settings(station);
  bool changed = false;
  if (!server.empty() && server != settings.server_url) settings.server_url = server, changed = true;
  // The certificate is remembered as an absolute path: the next sync may run from another folder.
  if (!ca_cert.empty()) {
    std::error_code error;
    const std::string absolute = std::filesystem::absolute(ca_cert, error).lexically_normal().string();
    if (error || !std::filesystem::is_regular_file(absolute, error))
      context.check(Status::invalid("ca-cert", trf("找不到证书文件 {}", "no certificate file {}", ca_cert)));
    if (absolute != settings.ca_cert) settings.ca_cert = absolute, changed = true;
  }
  if (settings.server_url.empty())
    context.check(Status::invalid("server", tr("第一次同步需要 --server（服务器地址）", "the first sync needs --server URL")));
  if (settings.token.empty() && token.empty())
    context.check(Status::invalid("token", tr("第一次同步需要 --token（县中心发放的令牌）",
                                              "the first sync needs --token (issued by the county)")));
  if (changed) sync::save_sync_settings(station, settings);
  // A new token is used for this sync and remembered only once a sync with it has worked: a mistyped one never
  // replaces the good one.
  const bool new_token = !token.empty() && token != settings.token;
  const std::string token_in_use = new_token ? token : settings.token;

  auto transport = sync::make_curl_transport({settings.server_url, token_in_use, station.station_id(), settings.ca_cert});
  sync::SyncOptions options;
  const bool quiet = context.json;
  options.progress = [quiet](const sync::SyncProgress& p) {
    if (quiet || p.pages < 3) return;  // a short sync (one page each way) needs no progress lines
    if (p.phase == "snapshot") {
      std::cerr << trf("  第 {} 页：已载入本乡镇档案 {} 份\n", "  page {}: {} files of the township loaded\n", p.pages,
                       p.snapshot_children);
      return;
    }
    std::cerr << trf("  第 {} 页：已上传 {}（待上传 {}），已下载 {}\n", "  page {}: {} up ({} left), {} down\n", p.pages,
                     p.changes_up, p.outbox_left, p.ops_down);
  };
  auto result = sync::run_sync(station, *transport, options);
  if (!result) {
    auto status = sync::sync_status(station);
    context.warn(trf("同步未完成；本地修改仍在待上传队列中（{} 条），下次同步继续",
                     "the sync did not finish; local changes stay queued ({}) and the next sync resumes",
                     status.outbox));
  }
  if (!result && new_token && !settings.token.empty())
    context.warn(tr("新令牌未能完成同步，仍记住原来的令牌", "the new token did not complete a sync; the old one is kept"));
  sync::SyncSummary summary = context.take(std::move(result));
  if (new_token) {
    settings.token = token;
    sync::save_sync_settings(station, settings);
  }
  if (context.json) {
    context.print_json(summary.to_json());
    return;
  }
  std::cout << trf("同步完成：上传 {}（冲突 {}，被拒 {}），下载 {}，用时 {:.0f} 毫秒\n",
                   "synced: pushed {} (conflicts {}, rejected {}), pulled {}, in {:.0f} ms\n", summary.pushed,
                   summary.conflicts_opened, summary.rejected, summary.pulled, summary.duration_ms);
  if (summary.snapshot_pages > 0)
    std::cout << trf("首次同步：从县中心载入本乡镇档案 {} 份（{} 页）\n",
                     "first sync: {} files of the township loaded from the county ({} pages)\n",
                     summary.snapshot_children, summary.snapshot_pages);
  if (summary.resent > 0)
    std::cout << trf("县中心已从备份恢复：本站重新上传了备份之后已上传的 {} 条更改\n",
                     "the county server was restored from a backup: {} changes uploaded since were uploaded again\n",
                     summary.resent);
  if (summary.conflicts_opened > 0)
    std::cout << tr("有新的冲突，请督导员处理：tongdang conflicts\n",
                    "new conflicts for a supervisor to resolve: tongdang conflicts\n");
  if (summary.rejected > 0)
    std::cout << tr("有修改被服务器拒绝：tongdang sync status\n", "some changes were refused: tongdang sync status\n");
  if (summary.clock_ahead_ms > 0)
    context.warn(trf("本机时钟比服务器快 {} 分钟；请校准时间", "this computer's clock runs {} minutes ahead of the "
                     "server; please set the time", summary.clock_ahead_ms / 60000));
}

void print_conflicts(Context& context, Station& station, bool all) {
  auto conflicts = sync::list_conflicts(station, all);
  auto duplicates = sync::list_duplicates(station);
  if (context.json) {
    context.print_json({{"conflicts", conflicts}, {"duplicates", duplicates}});
    return;
  }
  if (conflicts.empty()) {
    std::cout << tr("没有待处理的冲突\n", "no open conflicts\n");
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : conflicts) {
      const json values = c.value("values", json::array());
      auto side = [&](int i) {
        if (i >= static_cast<int>(values.size())) return std::string();
        const json& v = values[i];
        std::string who = v.value("station_id", "") == station.station_id() ? tr("本站", "this station") : tr("他站", "other");
        return fmt::format("{} ({} {})", show_value(v.value("value", json())), v.value("actor", ""), who);
      };
      int shown = c.value("shown", 0);
      rows.push_back({c.value("id", ""), c.value("child_id", ""), label(c.value("field", "")),
                      side(shown), side(1 - shown), status_label(c.value("status", "open"))});
    }
    print_table(std::cout, {tr("冲突", "conflict"), tr("儿童", "child"), tr("字段", "field"), tr("当前显示", "shown"),
                            tr("另一值", "other value"), label("status")},
                rows);
  }
  if (!duplicates.empty()) {
    std::cout << "\n" << tr("疑似重复档案（同一身份证号，由县级处理）：\n", "duplicate candidates (same ID number; the "
                            "county decides):\n");
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : duplicates) {
      std::string files;
      for (const auto& f : d.value("files", json::array()))
        files += (files.empty() ? "" : " / ") + short_id(f.value("child_id", "")) + "@" + f.value("township", "");
      if (auto unlisted = d.value("file_count", std::size_t{0}) - std::min(d.value("file_count", std::size_t{0}),
                                                                           d.value("files", json::array()).size()))
        files += trf(" 等，另有 {} 份", " and {} more", unlisted);
      rows.push_back({short_id(d.value("id", "")), d.value("id_number", ""), files, status_label(d.value("status", ""))});
    }
    print_table(std::cout, {tr("编号", "id"), label("id_number"), tr("档案", "files"), label("status")}, rows);
  }
}

// sync status: what waits, what was refused, when the station last synced.
CLI::App* add_sync_status(CLI::App& sync, Context& context) {
  auto* status = sync.add_subcommand("status", tr("待上传的修改、最近同步、未处理冲突、被拒绝的变更",
                                                  "outbox, last sync, open conflicts, rejected changes"));
  status->callback([&context] {
    Station& station = context.open();
    auto report = sync::sync_status(station);
    if (context.json) {
      context.print_json(report.to_json());
      return;
    }
    std::cout << trf("服务器：{}\n", "server: {}\n", report.server_url.empty() ? label("none") : report.server_url);
    std::cout << trf("上次成功同步：{}\n", "last successful sync: {}\n",
                     report.last_success.empty() ? tr("从未", "never") : report.last_success);
    std::cout << trf("待上传修改：{}\n", "changes waiting to be sent: {}\n", report.outbox);
    std::cout << trf("待处理冲突：{}；疑似重复档案：{}\n", "open conflicts: {}; duplicate candidates: {}\n",
                     report.open_conflicts, report.open_duplicates);
    if (report.clock_ahead_ms > 0)
      context.warn(trf("本机时钟比服务器快 {} 分钟", "this clock runs {} minutes ahead of the server",
                       report.clock_ahead_ms / 60000));
    std::cout << trf("被服务器拒绝的修改：{}\n", "changes refused by the server: {}\n", report.rejected.size());
    if (!report.rejected.empty()) {
      std::vector<std::vector<std::string>> rows;
      for (const auto& r : report.rejected)
        rows.push_back({short_id(r.value("change_id", "")), r.value("entity", "") + " " + short_id(r.value("entity_id", "")),
                        r.value("actor", ""), r.value("reason", "")});
      print_table(std::cout, {tr("修改", "change"), tr("记录", "record"), label("user"), label("reason")}, rows);
    }
  });
  return status;
}

// sync [status]: without `status`, runs a sync.
void add_sync(CLI::App& app, Context& context) {
  auto* sync = app.add_subcommand("sync", tr("与县中心同步", "sync with the county server"));
  auto server = std::make_shared<std::string>();
  auto token = std::make_shared<std::string>();
  auto ca_cert = std::make_shared<std::string>();
  sync->add_option("--server", *server,
                   tr("服务器地址，如 https://county.example:8443（会记住）",
                      "server URL, e.g. https://county.example:8443 (remembered)"));
  sync->add_option("--token", *token, tr("县中心发放的令牌（会记住）", "the token issued by the county (remembered)"));
  sync->add_option(
      "--ca-cert", *ca_cert,
      tr("信任的 PEM 证书（县中心的自签名证书）", "PEM certificate to trust (a county's self-signed certificate)"));
  auto* status = add_sync_status(*sync, context);
  sync->callback([&context, status, server, token, ca_cert] {
    if (status->parsed()) return;
    run_sync_command(context, *server, *token, *ca_cert);
  });
}

CLI::App* add_conflicts_resolve(CLI::App& conflicts, Context& context) {
  auto* resolve = conflicts.add_subcommand(
      "resolve", tr("处理一个冲突（督导员或县级）", "resolve a conflict (supervisor or county)"));
  auto id = std::make_shared<std::string>();
  auto keep = std::make_shared<std::string>();
  resolve->add_option("id", *id, tr("冲突编号（或其前 8 位）", "conflict id (or its first 8 characters)"))->required();
  resolve
      ->add_option("--keep", *keep,
                   tr("保留哪一个：本站（mine，本站的值）、他站（theirs，另一方的值），或直接写要保留的值",
                      "mine (本站), theirs (他站), or the value to keep"))
      ->required();
  resolve->callback([&context, id, keep] {
    Station& station = context.open();
    context.check(sync::resolve_conflict(station, *id, *keep));
    if (context.json) context.print_json({{"resolved", *id}});
    else std::cout << trf("已处理冲突 {}；下次同步时上传\n", "resolved conflict {}; it is sent with the next sync\n", *id);
  });
  return resolve;
}

// conflicts [list|resolve]: without a subcommand, lists.
void add_conflicts(CLI::App& app, Context& context) {
  auto* conflicts = app.add_subcommand(
      "conflicts", tr("同步冲突：留给督导员处理的同时修改", "concurrent edits kept for a supervisor"));
  auto all = std::make_shared<bool>(false);
  auto* list = conflicts->add_subcommand(
      "list", tr("列出未处理的冲突和疑似重复（默认）", "list open conflicts and duplicate candidates (default)"));
  list->add_flag("--all", *all, tr("包括已处理的冲突", "include resolved conflicts"));
  auto* resolve = add_conflicts_resolve(*conflicts, context);
  conflicts->callback([&context, resolve, all] {
    if (resolve->parsed()) return;
    print_conflicts(context, context.open(), *all);
  });
}

void print_duplicates(Context& context, Station& station) {
  auto list_of = sync::list_duplicates(station);
  if (context.json) {
    context.print_json(list_of);
    return;
  }
  if (list_of.empty()) std::cout << tr("没有疑似重复档案\n", "no duplicate candidates\n");
  for (const auto& d : list_of) {
    const std::string status = d.value("status", "");
    std::cout << short_id(d.value("id", "")) << "  " << d.value("id_number", "") << "  "
              << (status == "merged" ? tr("已合并", "merged") : status_label(status));
    for (const auto& f : d.value("files", json::array()))
      std::cout << "  " << short_id(f.value("child_id", "")) << "@" << f.value("township", "");
    std::cout << "\n";
    for (const auto& m : d.value("merges", json::array()))
      std::cout << "    " << trf("合并 {}：{} 并入 {}（{}，{}）{}", "merge {}: {} into {} ({}, {}){}", short_id(m.value("id", "")),
                                 short_id(m.value("merged", "")), short_id(m.value("survivor", "")), m.value("by", ""),
                                 m.value("at", "").substr(0, 10),
                                 m.value("status", "") == "unmerged" ? tr("，已撤销", ", undone") : "")
                << "\n";
  }
}

CLI::App* add_duplicates_merge(CLI::App& duplicates, Context& context) {
  auto* merge = duplicates.add_subcommand(
      "merge", tr("合并重复档案（县级）：另一份档案成为保留档案的别名，可撤销",
                  "merge duplicate files (county): the other file becomes an alias of the survivor; reversible"));
  auto request = std::make_shared<MergeRequest>();
  auto takes = std::make_shared<std::vector<std::string>>();
  merge->add_option("candidate", request->candidate, tr("疑似重复记录的编号", "the duplicate candidate's id"))->required();
  merge->add_option("--keep", request->keep, tr("保留的档案（儿童编号）", "the file to keep (child id)"))->required();
  merge->add_option("--other", request->other,
                    tr("并入的档案（该记录有两份以上档案时必填）", "the file merged away (needed when the candidate has more "
                       "than two files)"));
  merge->add_option("--reason", request->reason, tr("合并原因", "why the files are one child"))->required();
  merge->add_option("--take", *takes,
                    tr("字段=other 取并入档案的值（默认保留档案的值），可重复，如 --take school=other",
                       "FIELD=other takes the merged-away file's value (default: the survivor's), repeatable, e.g. "
                       "--take school=other"));
  merge->callback([&context, request, takes] {
    Station& station = context.open();
    for (const auto& take : *takes) {
      auto eq = take.find('=');
      if (eq == std::string::npos || eq == 0)
        context.check(Status::invalid("take", i18n::trf("--take 应写成 字段=other 或 字段=kept，而不是“{}”",
                                                  "--take is FIELD=other or FIELD=kept, not \"{}\"", take)));
      request->take[take.substr(0, eq)] = take.substr(eq + 1);
    }
    MergeDone done = context.take(merge_duplicates(station, *request));
    if (context.json) {
      context.print_json({{"merge", done.merge_id}, {"survivor", done.survivor}, {"merged", done.merged}});
      return;
    }
    std::cout << trf("已合并：档案 {} 并入 {}；合并编号 {}（撤销：tongdang duplicates unmerge {}）；下次同步时上传\n",
                     "merged: file {} into {}; merge id {} (to undo: tongdang duplicates unmerge {}); it is sent with "
                     "the next sync\n",
                     short_id(done.merged), short_id(done.survivor), done.merge_id, done.merge_id);
  });
  return merge;
}

CLI::App* add_duplicates_unmerge(CLI::App& duplicates, Context& context) {
  auto* unmerge = duplicates.add_subcommand(
      "unmerge", tr("撤销一次合并（县级）：两份档案恢复原样", "undo a merge (county): both files come back as they were"));
  auto ref = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  unmerge->add_option("merge", *ref, tr("合并编号，或被并入档案的儿童编号", "the merge's id, or the merged-away file's id"))
      ->required();
  unmerge->add_option("--reason", *reason, tr("撤销原因", "why the merge is undone"));
  unmerge->callback([&context, ref, reason] {
    Station& station = context.open();
    MergeDone done = context.take(unmerge_duplicates(station, *ref, *reason));
    if (context.json) {
      context.print_json({{"unmerged", done.merge_id}, {"survivor", done.survivor}, {"merged", done.merged}});
      return;
    }
    std::cout << trf("已撤销合并 {}：档案 {} 与 {} 恢复为两份；下次同步时上传\n",
                     "undid merge {}: files {} and {} are two files again; it is sent with the next sync\n",
                     done.merge_id, short_id(done.merged), short_id(done.survivor));
  });
  return unmerge;
}

// duplicates [list|merge|unmerge]: without a subcommand, lists.
void add_duplicates(CLI::App& app, Context& context) {
  auto* duplicates = app.add_subcommand(
      "duplicates", tr("疑似重复：同一身份证号有两个档案；县级合并或撤销合并",
                       "duplicate candidates: one ID number, two files; the county merges or undoes a merge"));
  duplicates->add_subcommand("list", tr("列出疑似重复档案（默认）", "list duplicate candidates (default)"));
  auto* merge = add_duplicates_merge(*duplicates, context);
  auto* unmerge = add_duplicates_unmerge(*duplicates, context);
  duplicates->callback([&context, merge, unmerge] {
    if (merge->parsed() || unmerge->parsed()) return;
    print_duplicates(context, context.open());
  });
}

}  // namespace

void register_sync_commands(CLI::App& app, Context& context) {
  add_sync(app, context);
  add_conflicts(app, context);
  add_duplicates(app, context);
}

}  // namespace tongdang::cli
