// `tongdang-server`: the county's central server. init, station add, user add|passwd, token list|revoke, show, audit
// list|verify, report, county-key and transfer (county_commands.cc), backup and restore (backup_commands.cc), serve
// (the sync API and the county's console, web/county).
// Every command takes --db FILE (TONGDANG_SERVER_DB; default tongdang-server.db). Tokens are printed once and
// stored only as a hash. Exit codes as for `tongdang`: 0 done, 2 invalid, 3 refused, 4 not found, 1 other.
#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/access/access.h"
#include "core/base/date.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/base/text_list.h"
#include "core/base/tuning.h"
#include "core/db/audit_chain.h"
#include "core/model/division.h"
#include "core/store/record_ref.h"
#include "core/store/sign_in.h"
#include "command_line.h"
#include "backup_commands.h"
#include "county_commands.h"
#include "password_input.h"
#include "report_commands.h"
#include "sync/protocol/tokens.h"
#include "sync/server/token_issue.h"
#include "sync/server/console_sign_in.h"
#include "sync/server/server.h"
#include "sync/server/sqlite/sqlite_central_store.h"
#include "web/county/console.h"
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

int serve(const std::string& db_path, const std::string& listen, const std::string& cert, const std::string& key,
          bool insecure, int per_address) {
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
  options.max_connections_per_address = per_address;
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
  // The county's console on the same listener: every path outside the sync API (web/county).
  web::county::CountyConsole console(*store);
  options.pages = web::county::page_handler(console);
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

// The global options every subcommand reads when it runs.
struct Globals {
  std::string db_path = "tongdang-server.db";
  bool as_json = false;
};

void add_init(CLI::App& app, const Globals& g) {
  struct Args {
    std::string county, name;
  };
  auto args = std::make_shared<Args>();
  auto* init = app.add_subcommand("init", tr("建立县中心数据库", "create the central database"));
  init->add_option("--county", args->county, tr("6 位县级代码，如 320324", "6-digit county code, e.g. 320324"))
      ->required();
  init->add_option("--name", args->name, tr("名称，如 睢宁县未保中心", "its name, e.g. 睢宁县未保中心"))->required();
  init->callback([&g, args] {
    auto store = take(sync::create_sqlite_store(g.db_path, args->county, args->name, process_clock().now_iso()));
    if (g.as_json) std::cout << json{{"county", args->county}, {"name", args->name}, {"db", g.db_path}}.dump() << "\n";
    else
      std::cout << trf("已建立县中心数据库 {}（{} {}）\n", "created the central database {} ({} {})\n", g.db_path,
                       args->county, args->name);
  });
}

// Issues a token for `spec` (checked by the rule the console shares), stores its hash and prints it once.
void issue_token(const Globals& g, sync::CentralStore& store, const sync::NewToken& spec) {
  const sync::tokens::Issued issued = take(sync::tokens::issue(store, spec, process_clock().now_iso()));
  print_token(issued.token, issued.id, g.as_json);
}

void add_station(CLI::App& app, const Globals& g) {
  auto township = std::make_shared<std::string>();
  auto* station = app.add_subcommand("station", tr("站点令牌", "station tokens"));
  station->require_subcommand(1);
  auto* station_add = station->add_subcommand(
      "add", tr("为乡镇站点发放令牌（只显示一次）", "issue a token for a township station (printed once)"));
  station_add->add_option("--township", *township, tr("9 位乡镇代码", "9-digit township code"))->required();
  station_add->callback([&g, township] {
    auto store = open_store(g.db_path);
    issue_token(g, *store, {sync::TokenKind::Station, "station " + *township, access::kStationTokenRole, *township, {}});
  });
}

void add_user(CLI::App& app, const Globals& g) {
  struct Args {
    std::string name, role, township, villages;
    bool password_stdin = false;
  };
  auto args = std::make_shared<Args>();
  auto* user = app.add_subcommand("user", tr("用户令牌；县级控制台的用户和密码", "user tokens; the console's users and "
                                                                          "passwords"));
  user->require_subcommand(1);
  auto* user_add =
      user->add_subcommand("add", tr("为个人发放令牌（只显示一次）", "issue a token for a person (printed once)"));
  user_add->add_option("name", args->name, tr("用户姓名", "the user's name"))->required();
  cli::choice_option(
      user_add->add_option("--role", args->role,
                           tr("角色：儿童主任、儿童督导员或县级", "role: director, supervisor or county")),
      Vocabulary::Role)
      ->required();
  user_add->add_option("--township", args->township,
                       tr("9 位乡镇代码（县级用户不填）", "9-digit township code (not for county users)"));
  user_add->add_option(
      "--villages", args->villages,
      tr("儿童主任负责的村(居)，逗号分隔的 12 位代码", "a director's villages, comma-separated 12-digit codes"));
  user_add->add_flag("--password-stdin", args->password_stdin,
                     tr("建立县级控制台用户（不发令牌），密码从标准输入读取一行",
                        "create a user of the county's console (no token), the password read as one line of "
                        "standard input"));
  user_add->callback([&g, args] {
    auto store = open_store(g.db_path);
    if (args->password_stdin) {
      auto role = parse_role(args->role);
      if (!role) check(Status::invalid("role", tr("应为县级（county）", "must be county")));
      const std::string password = take(cli::read_new_password(args->name, true));
      check(sync::console::add_user(*store, args->name, *role, password, sign_in::real_clock()));
      if (g.as_json) std::cout << json{{"console_user", args->name}, {"role", to_string(*role)}}.dump() << "\n";
      else
        std::cout << trf("已建立县级控制台用户 {}；用浏览器打开本服务器地址登录\n",
                         "created the console user {}; open this server's address in a browser to sign in\n",
                         args->name);
      return;
    }
    auto role = parse_role(args->role);
    // A token writes: a viewer (aggregate reports only) holds none (tokens::check_new_token says so too).
    if (!role)
      check(Status::invalid("role",
                            tr("应为儿童主任（director）、儿童督导员（supervisor）或县级（county）；查看者没有令牌",
                               "must be director, supervisor or county; a viewer holds no token")));
    issue_token(g, *store, {sync::TokenKind::User, args->name, *role, args->township, split_list(args->villages)});
  });

  auto passwd_args = std::make_shared<Args>();
  auto* user_passwd = user->add_subcommand(
      "passwd", tr("设置县级控制台用户的密码（结束其所有登录）", "set a console user's password (ending their sessions)"));
  user_passwd->add_option("name", passwd_args->name, tr("用户姓名", "the user's name"))->required();
  user_passwd->add_flag("--password-stdin", passwd_args->password_stdin,
                        tr("从标准输入读取一行作为密码（否则在终端上输入两次）",
                           "read the password as one line of standard input (else type it twice on the terminal)"));
  user_passwd->callback([&g, passwd_args] {
    auto store = open_store(g.db_path);
    if (!store->console_user(passwd_args->name))
      check(Status::not_found(trf("没有控制台用户 {}", "no console user {}", passwd_args->name)));
    const std::string password = take(cli::read_new_password(passwd_args->name, passwd_args->password_stdin));
    check(sync::console::set_password(*store, passwd_args->name, password, sign_in::real_clock()));
    std::cout << trf("已设置 {} 的密码；其原有登录已结束\n", "set the password of {}; their sessions have ended\n",
                     passwd_args->name);
  });
}

void print_tokens(const Globals& g, sync::CentralStore& store) {
  json out = json::array();
  for (const auto& t : store.tokens())
    out.push_back({{"id", t.principal.token_id}, {"kind", t.principal.kind == sync::TokenKind::Station ? "station" : "user"},
                   {"name", t.principal.name}, {"role", to_string(t.principal.role)},
                   {"township", t.principal.township}, {"villages", t.principal.villages},
                   {"station_id", t.principal.station_id}, {"created_at", t.created_at},
                   {"revoked_at", t.revoked_at}, {"last_used_at", t.last_used_at}});
  if (g.as_json) {
    std::cout << out.dump(2) << "\n";
    return;
  }
  for (const auto& t : out)
    std::cout << fmt::format("{:>3}  {:<7}  {:<20}  {:<10}  {:<9}  {}\n", t["id"].get<std::int64_t>(),
                             t["kind"].get<std::string>(), t["name"].get<std::string>(), t["role"].get<std::string>(),
                             t["township"].get<std::string>(),
                             t["revoked_at"].get<std::string>().empty() ? "" : "revoked");
}

void add_token(CLI::App& app, const Globals& g) {
  auto token_id = std::make_shared<std::int64_t>(0);
  auto* token = app.add_subcommand("token", tr("列出或吊销令牌", "list or revoke tokens"));
  token->require_subcommand(1);
  auto* revoke = token->add_subcommand("revoke", tr("吊销一个令牌（按编号）", "revoke a token (by its id)"));
  revoke->add_option("id", *token_id, tr("令牌编号", "token id"))->required();
  revoke->callback([&g, token_id] {
    auto store = open_store(g.db_path);
    check(store->revoke_token(*token_id, process_clock().now_iso()));
    std::cout << trf("已吊销令牌 {}\n", "revoked token {}\n", *token_id);
  });
  auto* token_list =
      token->add_subcommand("list", tr("列出令牌（从不显示令牌本身）", "list tokens (never the tokens themselves)"));
  token_list->callback([&g] { print_tokens(g, *open_store(g.db_path)); });
}

void print_overview(const json& overview, const std::string& township) {
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
}

void add_show(CLI::App& app, const Globals& g) {
  auto township = std::make_shared<std::string>();
  auto* show = app.add_subcommand(
      "show", tr("服务器上某乡镇（或全县）的数据", "what the server holds for a township (or the county)"));
  show->add_option("--township", *township,
                   tr("9 位乡镇代码（默认全县）", "9-digit township code (default: the whole county)"));
  show->callback([&g, township] {
    json overview = open_store(g.db_path)->overview(*township);
    if (g.as_json) std::cout << overview.dump(2) << "\n";
    else print_overview(overview, *township);
  });
}

void print_openings(const std::vector<json>& rows) {
  if (rows.empty()) std::cout << tr("没有站点上报的查阅记录\n", "no reads reported by stations\n");
  // Who and where are the server's (the token and its station); the station user is as the station reported.
  for (const auto& r : rows)
    std::cout << fmt::format("{}  {}  {}  {}  {}（{}）  {}  {}\n", r["at"].get<std::string>(),
                             r["township"].get<std::string>(), r["action"].get<std::string>(),
                             r["child_name"].get<std::string>().empty() ? r["entity_id"].get<std::string>()
                                                                        : r["child_name"].get<std::string>(),
                             r["principal"].get<std::string>(), short_record_id(r["station_id"].get<std::string>()),
                             tr("站点用户", "station user"), r["actor"].get<std::string>());
}

// Walks every audit chain; fails naming each first altered, deleted or inserted row.
void verify_audit(const Globals& g, sync::CentralStore& store) {
  json out = json::array();
  std::vector<std::string> broken;
  for (const auto& c : store.verify_audit()) {
    json entry = {{"table", c.table}, {"rows", c.rows}, {"whole", !c.broken},
                  {"head", {{"seq", c.head.key}, {"hash", c.head.hash}}}};
    if (c.broken) {
      entry["broken"] = {{"seq", c.broken->key}, {"at", c.broken->at}, {"action", c.broken->action}};
      broken.push_back(audit_chain::describe(*c.broken));
    } else if (!g.as_json) {
      std::cout << trf("审计链完整：{} 表共 {} 行；链头为第 {} 行，哈希 {}\n",
                       "audit chain whole: table {}, {} rows; head row {}, hash {}\n", c.table, c.rows, c.head.key,
                       c.head.hash);
    }
    out.push_back(std::move(entry));
  }
  if (g.as_json) std::cout << out.dump(2) << "\n";
  if (broken.empty()) return;
  std::string message;
  for (const auto& line : broken) message += (message.empty() ? "" : "\n") + line;
  check(Status::internal(message));
}

void add_audit(CLI::App& app, const Globals& g) {
  auto* audit = app.add_subcommand("audit", tr("服务器的审计记录：站点报送的查阅，以及哈希链检查",
                                               "the server's audit trail: reads reported by stations, chain check"));
  audit->require_subcommand(1);
  auto filter = std::make_shared<sync::OpeningFilter>();
  filter->limit = tuning::kAuditListDefault;
  auto* audit_list = audit->add_subcommand(
      "list", tr("站点报送的重要查阅（打开红色档案、显示完整身份证号），新的在前",
                 "reads that matter reported by stations (red files opened, full ID numbers shown), newest first"));
  audit_list->add_option("--action", filter->action,
                         tr("只列该操作，如 file.open_red", "only this action, e.g. file.open_red"));
  audit_list->add_option("--township", filter->township, tr("只列该乡镇（9 位）", "only this township (9 digits)"));
  cli::range_option(
      audit_list->add_option("--limit", filter->limit, tr("列出多少条（默认 50）", "how many rows (default 50)")), 1,
      1000000);
  audit_list->callback([&g, filter] {
    auto rows = open_store(g.db_path)->openings(*filter);
    if (g.as_json) std::cout << json(rows).dump(2) << "\n";
    else print_openings(rows);
  });
  auto* audit_verify = audit->add_subcommand(
      "verify",
      tr("检查每条审计哈希链：完整时退出码 0；否则为 1，并指出第一条被改动、删除或插入的记录",
         "walk every audit hash chain: exit 0 if whole, 1 naming the first altered, deleted or inserted row"));
  audit_verify->callback([&g] { verify_audit(g, *open_store(g.db_path)); });
}

void add_serve(CLI::App& app, const Globals& g, int& serve_code) {
  struct Args {
    std::string listen = "127.0.0.1:8443", cert, key;
    int per_address = tuning::kServerMaxConnectionsPerAddress;
    bool insecure = false;
  };
  auto args = std::make_shared<Args>();
  auto* serve_cmd = app.add_subcommand("serve", tr("通过 HTTPS 为各站点提供同步服务", "serve stations over HTTPS"));
  serve_cmd->add_option("--listen", args->listen,
                        tr("地址:端口（默认 127.0.0.1:8443；端口 0 自动选一个空闲端口）",
                           "HOST:PORT (default 127.0.0.1:8443; port 0 picks a free one)"));
  serve_cmd->add_option("--tls-cert", args->cert, tr("PEM 证书", "PEM certificate"));
  serve_cmd->add_option("--tls-key", args->key, tr("PEM 私钥", "PEM private key"));
  serve_cmd->add_flag("--insecure", args->insecure,
                      tr("不加密的 HTTP，只允许在本机回环地址上使用（测试、演示）",
                         "plain HTTP, allowed only on a loopback address (tests, demos)"));
  cli::range_option(
      serve_cmd->add_option("--max-connections-per-address", args->per_address,
                            trf("同一来源地址同时可占用的连接数（默认 {}；各乡镇站点经同一 NAT 或 VPN 地址接入时调大）",
                                "connections one source address may hold at once (default {}; raise it when the "
                                "stations reach the server through one NAT or VPN address)",
                                tuning::kServerMaxConnectionsPerAddress)),
      1, tuning::kServerMaxConnections);
  serve_cmd->callback([&g, &serve_code, args] {
    serve_code = serve(g.db_path, args->listen, args->cert, args->key, args->insecure, args->per_address);
  });
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing printed from stored data reaches the terminal as a control sequence (terminal_text.h).
  tongdang::cli::TerminalSafeOutput safe_out(std::cout);
  tongdang::cli::TerminalSafeOutput safe_err(std::cerr);
  // Before the App is built: CLI11 writes its help from the descriptions given below.
  cli::choose_language(argc, argv);
  Globals g;
  if (const char* env = std::getenv("TONGDANG_SERVER_DB"); env && *env) g.db_path = env;

  CLI::App app{tr("童档 tongdang-server — 县级中心服务器", "tongdang-server — the county's central server"),
               "tongdang-server"};
  cli::localize(app);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--db", g.db_path,
                 tr("县中心数据库文件（环境变量 TONGDANG_SERVER_DB；默认 tongdang-server.db）",
                    "central database file (TONGDANG_SERVER_DB; default tongdang-server.db)"));
  app.add_flag("--json", g.as_json, tr("标准输出只输出 JSON", "machine-readable JSON on stdout"));
  cli::one_of_option(app.add_option_function<std::string>(
                         "--lang", [](const std::string& v) { i18n::set_language(i18n::language_from(v)); },
                         tr("标签和消息的语言：zh 或 en（默认取 TONGDANG_LANG，再取 LANG）",
                            "language of labels and messages: zh or en (default from TONGDANG_LANG, then LANG)")),
                     {"zh", "en"});
  int serve_code = 0;
  add_init(app, g);
  add_station(app, g);
  add_user(app, g);
  add_token(app, g);
  add_show(app, g);
  tongdang::server_cli::register_report_commands(app, g.db_path, g.as_json, check);  // report_commands.cc
  tongdang::server_cli::register_county_commands(app, g.db_path, g.as_json, check);  // county_commands.cc
  add_audit(app, g);
  tongdang::server_cli::register_backup_commands(app, g.db_path, g.as_json, check);  // backup_commands.cc
  add_serve(app, g, serve_code);

  try {
    app.parse(argc, argv);
    return serve_code;
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    return cli::report_parse_error(app, error, std::cerr);
  } catch (const Failed& failed) {
    std::cerr << tr("错误：", "error: ") << failed.status.to_string() << "\n";
    return exit_code(failed.status.code());
  } catch (const std::exception& error) {
    std::cerr << tr("错误：", "error: ") << error.what() << "\n";
    return exit_code(Code::Internal);
  }
}
