// `tongdang-server`: the county's central server. init, station add, user add, token list|revoke, show, audit
// list|verify, serve.
// Every command takes --db FILE (TONGDANG_SERVER_DB; default tongdang-server.db). Tokens are printed once and
// stored only as a hash. Exit codes as for `tongdang`: 0 done, 2 invalid, 3 refused, 4 not found, 1 other.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/base/date.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/base/text_list.h"
#include "core/base/tuning.h"
#include "core/db/audit_chain.h"
#include "core/db/sqlite.h"
#include "core/model/division.h"
#include "core/store/record_ref.h"
#include "report_commands.h"
#include "sync/protocol/tokens.h"
#include "sync/server/server.h"
#include "sync/server/sqlite/sqlite_central_store.h"
#include "terminal_text.h"

namespace {

using namespace tongdang;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

struct Failed {
  Status status;
};

void check(const Status& status) {
  if (!status) throw Failed{status};
}

template <typename T>
T take(Result<T> result) {
  check(result.status());
  return std::move(result).value();
}

std::unique_ptr<sync::CentralStore> open_store(const std::string& path) { return take(sync::open_sqlite_store(path)); }

void print_token(const std::string& token, std::int64_t id, bool as_json) {
  if (as_json) {
    std::cout << json{{"token_id", id}, {"token", token}}.dump() << "\n";
    return;
  }
  std::cout << trf("令牌编号 {}\n令牌（只显示这一次，请妥善转交）：\n{}\n", "token id {}\ntoken (shown only now; hand it "
                   "over safely):\n{}\n", id, token);
}

Status check_township_in(const std::string& township, const std::string& county, bool required) {
  if (township.empty())
    return required ? Status::invalid("township", tr("必填：9位乡镇代码", "required: a 9-digit township code")) : Status::ok();
  auto checked = check_township_code(township, "township");
  if (!checked) return checked.status();
  if (township.substr(0, 6) != county)
    return Status::invalid("township", trf("{} 不属于本县 {}", "{} is not in this county {}", township, county));
  return Status::ok();
}

int serve(const std::string& db_path, const std::string& listen, const std::string& cert, const std::string& key,
          bool insecure) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) check(Status::invalid("listen", tr("应为 地址:端口", "must be HOST:PORT")));
  sync::HttpServer::Options options;
  options.host = listen.substr(0, colon);
  try {
    options.port = std::stoi(listen.substr(colon + 1));
  } catch (const std::exception&) {
    check(Status::invalid("listen", tr("端口不是数字", "the port is not a number")));
  }
  options.tls_cert = cert;
  options.tls_key = key;
  options.insecure = insecure;
  // For tests of the header deadline (docs/sync-protocol.md "Limits and deadlines"), which must not wait 10 s.
  if (const char* env = std::getenv("TONGDANG_SERVER_HEADER_DEADLINE_MS"); env && *env) {
    try {
      options.header_deadline_ms = std::max(1, std::stoi(env));
    } catch (const std::exception&) {
      check(Status::invalid("TONGDANG_SERVER_HEADER_DEADLINE_MS", tr("不是毫秒数", "not a number of milliseconds")));
    }
  }
  auto store = open_store(db_path);

  // SIGTERM/SIGINT are taken by one thread (sigwait), which stops the listener; blocked in every other thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  sync::SyncService service(*store, process_clock());
  sync::HttpServer server(service, options);
  int port = take(server.start());
  json first = {{"level", "info"}, {"msg", "listening"}, {"listen", fmt::format("{}:{}", options.host, port)},
                {"tls", !insecure}, {"county", store->identity().county}, {"db", db_path}};
  if (insecure) first["warning"] = "plain HTTP without TLS (--insecure), loopback only: for tests and demos";
  std::cerr << first.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;

  std::thread watcher([&server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    std::cerr << json{{"level", "info"}, {"msg", "stopping"}, {"signal", received}}.dump() << std::endl;
    server.stop();
  });
  server.wait();
  watcher.join();
  std::cerr << json{{"level", "info"}, {"msg", "stopped"}}.dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing printed from stored data reaches the terminal as a control sequence (terminal_text.h).
  tongdang::cli::TerminalSafeOutput safe_out(std::cout);
  tongdang::cli::TerminalSafeOutput safe_err(std::cerr);
  const char* lang_env = std::getenv("LANG");
  i18n::set_language(i18n::language_from(lang_env ? lang_env : ""));
  std::string db_path = "tongdang-server.db";
  if (const char* env = std::getenv("TONGDANG_SERVER_DB"); env && *env) db_path = env;
  bool as_json = false;

  CLI::App app{"童档 tongdang-server — 县级中心服务器 (county server)", "tongdang-server"};
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--db", db_path, "central database file (TONGDANG_SERVER_DB; default tongdang-server.db)");
  app.add_flag("--json", as_json, "machine-readable JSON on stdout");
  app.add_option_function<std::string>("--lang", [](const std::string& v) { i18n::set_language(i18n::language_from(v)); },
                                       "zh or en");

  std::string county, name;
  auto* init = app.add_subcommand("init", "create the central database");
  init->add_option("--county", county, "6-digit county code, e.g. 320324")->required();
  init->add_option("--name", name, "e.g. 睢宁县未保中心")->required();
  init->callback([&] {
    auto store = take(sync::create_sqlite_store(db_path, county, name, process_clock().now_iso()));
    if (as_json) std::cout << json{{"county", county}, {"name", name}, {"db", db_path}}.dump() << "\n";
    else std::cout << trf("已建立县中心数据库 {}（{} {}）\n", "created the central database {} ({} {})\n", db_path, county, name);
  });

  std::string township;
  auto* station = app.add_subcommand("station", "station tokens");
  station->require_subcommand(1);
  auto* station_add = station->add_subcommand("add", "issue a token for a township station (printed once)");
  station_add->add_option("--township", township, "9-digit township code")->required();
  station_add->callback([&] {
    auto store = open_store(db_path);
    check(check_township_in(township, store->identity().county, true));
    std::string token = sync::tokens::generate();
    sync::NewToken spec{sync::TokenKind::Station, "station " + township, Role::Supervisor, township, {}};
    auto id = take(store->add_token(spec, sync::tokens::hash(token), process_clock().now_iso()));
    print_token(token, id, as_json);
  });

  std::string user_name, role_text, villages;
  auto* user = app.add_subcommand("user", "user tokens");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "issue a token for a person (printed once)");
  user_add->add_option("name", user_name, "the user's name")->required();
  user_add->add_option("--role", role_text, "director, supervisor or county")->required();
  user_add->add_option("--township", township, "9-digit township code (not for county users)");
  user_add->add_option("--villages", villages, "a director's villages, comma-separated 12-digit codes");
  user_add->callback([&] {
    auto store = open_store(db_path);
    auto role = parse_role(role_text);
    if (!role || *role == Role::Viewer)
      check(Status::invalid("role", tr("应为 director、supervisor 或 county", "must be director, supervisor or county")));
    sync::NewToken spec{sync::TokenKind::User, user_name, *role, township, split_list(villages)};
    check(check_township_in(township, store->identity().county, *role != Role::County));
    if (*role == Role::Director && spec.villages.empty())
      check(Status::invalid("villages", tr("儿童主任需要指定负责的村(居)", "a director needs villages")));
    for (const auto& village : spec.villages) {
      check(check_village_code(village, "villages").status());
      if (village.substr(0, 9) != township)
        check(Status::invalid("villages", trf("{} 不属于乡镇 {}", "{} is not in township {}", village, township)));
    }
    std::string token = sync::tokens::generate();
    auto id = take(store->add_token(spec, sync::tokens::hash(token), process_clock().now_iso()));
    print_token(token, id, as_json);
  });

  std::int64_t token_id = 0;
  auto* token = app.add_subcommand("token", "list or revoke tokens");
  token->require_subcommand(1);
  auto* revoke = token->add_subcommand("revoke", "revoke a token (by its id)");
  revoke->add_option("id", token_id, "token id")->required();
  revoke->callback([&] {
    auto store = open_store(db_path);
    check(store->revoke_token(token_id, process_clock().now_iso()));
    std::cout << trf("已吊销令牌 {}\n", "revoked token {}\n", token_id);
  });
  auto* token_list = token->add_subcommand("list", "list tokens (never the tokens themselves)");
  token_list->callback([&] {
    auto store = open_store(db_path);
    json out = json::array();
    for (const auto& t : store->tokens())
      out.push_back({{"id", t.principal.token_id}, {"kind", t.principal.kind == sync::TokenKind::Station ? "station" : "user"},
                     {"name", t.principal.name}, {"role", to_string(t.principal.role)},
                     {"township", t.principal.township}, {"villages", t.principal.villages},
                     {"station_id", t.principal.station_id}, {"created_at", t.created_at},
                     {"revoked_at", t.revoked_at}, {"last_used_at", t.last_used_at}});
    if (as_json) {
      std::cout << out.dump(2) << "\n";
      return;
    }
    for (const auto& t : out)
      std::cout << fmt::format("{:>3}  {:<7}  {:<20}  {:<10}  {:<9}  {}\n", t["id"].get<std::int64_t>(),
                               t["kind"].get<std::string>(), t["name"].get<std::string>(), t["role"].get<std::string>(),
                               t["township"].get<std::string>(),
                               t["revoked_at"].get<std::string>().empty() ? "" : "revoked");
  });

  auto* show = app.add_subcommand("show", "what the server holds for a township (or the county)");
  show->add_option("--township", township, "9-digit township code (default: the whole county)");
  show->callback([&] {
    auto store = open_store(db_path);
    json overview = store->overview(township);
    if (as_json) {
      std::cout << overview.dump(2) << "\n";
      return;
    }
    std::cout << trf("{}（{}）：{} 名儿童，{} 个待处理冲突，{} 个疑似重复，变更日志 {} 条\n",
                     "{} ({}): {} children, {} conflicts, {} duplicate candidates, {} ops in the change logs\n",
                     overview["name"].get<std::string>(), township.empty() ? overview["county"].get<std::string>() : township,
                     overview["children"].size(), overview["conflicts"].size(), overview["duplicates"].size(),
                     overview["change_log_ops"].get<std::int64_t>());
    for (const auto& c : overview["children"])
      std::cout << fmt::format("  {}  {}  {}  {}\n", c["id"].get<std::string>(), c["village"].get<std::string>(),
                               c["name"].get<std::string>(),
                               c["colour"].is_null() ? i18n::label("ungraded") : i18n::label(c["colour"].get<std::string>()));
    for (const auto& c : overview["conflicts"]) {
      const json& values = c["values"];
      std::cout << fmt::format("  {} {} {}: {} / {} ({})\n", tr("冲突", "conflict"), c["id"].get<std::string>(),
                               c["field"].get<std::string>(), values[0]["value"].dump(), values[1]["value"].dump(),
                               c["status"].get<std::string>());
    }
  });

  tongdang::server_cli::register_report_commands(app, db_path, as_json, check);  // report_commands.cc

  auto* audit = app.add_subcommand("audit", "the server's audit trail: reads reported by stations, chain check");
  audit->require_subcommand(1);
  sync::OpeningFilter opening_filter;
  opening_filter.limit = tuning::kAuditListDefault;
  auto* audit_list = audit->add_subcommand(
      "list", "reads that matter reported by stations (red files opened, full ID numbers shown), newest first");
  audit_list->add_option("--action", opening_filter.action, "only this action, e.g. file.open_red");
  audit_list->add_option("--township", opening_filter.township, "only this township (9 digits)");
  audit_list->add_option("--limit", opening_filter.limit, "how many rows (default 50)")->check(CLI::Range(1, 1000000));
  audit_list->callback([&] {
    auto store = open_store(db_path);
    auto rows = store->openings(opening_filter);
    if (as_json) {
      std::cout << json(rows).dump(2) << "\n";
      return;
    }
    if (rows.empty()) std::cout << tr("没有站点上报的查阅记录\n", "no reads reported by stations\n");
    // Who and where are the server's (the token and its station); the station user is as the station reported.
    for (const auto& r : rows)
      std::cout << fmt::format("{}  {}  {}  {}  {}（{}）  {}  {}\n", r["at"].get<std::string>(),
                               r["township"].get<std::string>(), r["action"].get<std::string>(),
                               r["child_name"].get<std::string>().empty() ? r["entity_id"].get<std::string>()
                                                                          : r["child_name"].get<std::string>(),
                               r["principal"].get<std::string>(), short_record_id(r["station_id"].get<std::string>()),
                               tr("站点用户", "station user"), r["actor"].get<std::string>());
  });
  auto* audit_verify = audit->add_subcommand(
      "verify", "walk every audit hash chain: exit 0 if whole, 1 naming the first altered, deleted or inserted row");
  audit_verify->callback([&] {
    auto store = open_store(db_path);
    auto checked = store->verify_audit();
    json out = json::array();
    std::vector<std::string> broken;
    for (const auto& c : checked) {
      json entry = {{"table", c.table}, {"rows", c.rows}, {"whole", !c.broken},
                    {"head", {{"seq", c.head.key}, {"hash", c.head.hash}}}};
      if (c.broken) {
        entry["broken"] = {{"seq", c.broken->key}, {"at", c.broken->at}, {"action", c.broken->action}};
        broken.push_back(audit_chain::describe(*c.broken));
      } else if (!as_json) {
        std::cout << trf("审计链完整：{} 表共 {} 行；链头为第 {} 行，哈希 {}\n",
                         "audit chain whole: table {}, {} rows; head row {}, hash {}\n", c.table, c.rows, c.head.key,
                         c.head.hash);
      }
      out.push_back(std::move(entry));
    }
    if (as_json) std::cout << out.dump(2) << "\n";
    if (broken.empty()) return;
    std::string message;
    for (const auto& line : broken) message += (message.empty() ? "" : "\n") + line;
    check(Status::internal(message));
  });

  std::string listen = "127.0.0.1:8443", cert, key;
  bool insecure = false;
  int serve_code = 0;
  auto* serve_cmd = app.add_subcommand("serve", "serve stations over HTTPS");
  serve_cmd->add_option("--listen", listen, "HOST:PORT (default 127.0.0.1:8443; port 0 picks a free one)");
  serve_cmd->add_option("--tls-cert", cert, "PEM certificate");
  serve_cmd->add_option("--tls-key", key, "PEM private key");
  serve_cmd->add_flag("--insecure", insecure, "plain HTTP, allowed only on a loopback address (tests, demos)");
  serve_cmd->callback([&] { serve_code = serve(db_path, listen, cert, key, insecure); });

  try {
    app.parse(argc, argv);
    return serve_code;
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return exit_code(Code::InvalidInput);
  } catch (const Failed& failed) {
    std::cerr << tr("错误：", "error: ") << failed.status.to_string() << "\n";
    return exit_code(failed.status.code());
  } catch (const std::exception& error) {
    std::cerr << tr("错误：", "error: ") << error.what() << "\n";
    return exit_code(Code::Internal);
  }
}
