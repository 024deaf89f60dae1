// `tongdang`: the station command for children's directors, supervisors and the county. Thin: parse, call core
// or sync, print. Exit codes (docs/user-guide.md): 0 done, 2 usage or invalid input, 3 refused by a rule,
// 4 not found, 5 not signed in (a wrong or missing password, a lapsed session), 1 anything else.
#include <curl/curl.h>

#include <cstdlib>
#include <iostream>

#include "command_line.h"
#include "context.h"
#include "file_commands.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/db/sqlite.h"
#include "terminal_text.h"

int main(int argc, char** argv) {
  using namespace tongdang;
  using i18n::edge::tr;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  // Nothing printed from stored data reaches the terminal as a control sequence (terminal_text.h).
  cli::TerminalSafeOutput safe_out(std::cout);
  cli::TerminalSafeOutput safe_err(std::cerr);
  cli::Context context;
  if (const char* db = std::getenv("TONGDANG_DB"); db && *db) context.db_path = db;
  if (const char* user = std::getenv("TONGDANG_USER"); user && *user) context.as_user = user;
  if (const char* password = std::getenv("TONGDANG_PASSWORD"); password && *password) context.env_password = password;
  unsetenv("TONGDANG_PASSWORD");  // read once; nothing this process starts inherits it
  // Before the App is built: CLI11 writes its help from the descriptions given below.
  cli::choose_language(argc, argv);

  CLI::App app{tr("童档 tongdang — 困境儿童一人一档（站点）", "tongdang — one file per child in difficulty (station)"),
               "tongdang"};
  cli::localize(app);
  app.require_subcommand(1);
  app.fallthrough();
  app.option_defaults()->always_capture_default();
  app.add_option("--db", context.db_path,
                 tr("站点数据库文件（环境变量 TONGDANG_DB；默认 tongdang.db）",
                    "station database file (TONGDANG_DB; default tongdang.db)"));
  app.add_option("--as", context.as_user,
                 tr("以该用户身份执行（环境变量 TONGDANG_USER；默认建站时的用户）",
                    "act as this user (TONGDANG_USER; default the user created at init)"));
  cli::one_of_option(
      app.add_option("--lang", context.lang,
                     tr("标签和消息的语言：zh 或 en（默认取 TONGDANG_LANG，再取 LANG）",
                        "language of labels and messages: zh or en (default from TONGDANG_LANG, then LANG)")),
      {"zh", "en"})
      ->each([](const std::string& value) { i18n::set_language(i18n::language_from(value)); });
  app.add_flag("--json", context.json, tr("标准输出只输出 JSON", "machine-readable JSON on stdout"));
  app.add_flag("--password-stdin", context.password_stdin,
               tr("从标准输入读取密码，每行一个：先是执行用户的密码（已有 TONGDANG_PASSWORD 或登录会话时不读），"
                  "再是新密码（init、user add、user passwd）",
                  "read passwords from standard input, one a line: the acting user's (unless TONGDANG_PASSWORD or a "
                  "login session gives it), then the new one (init, user add, user passwd)"));

  cli::register_station_commands(app, context);
  cli::register_sign_in_commands(app, context);
  cli::register_child_commands(app, context);
  cli::register_transfer_commands(app, context);
  cli::register_ledger_commands(app, context);
  cli::register_workflow_commands(app, context);
  cli::register_sync_commands(app, context);
  cli::register_file_commands(app, context);
  cli::register_report_commands(app, context);
  cli::register_audit_commands(app, context);
  cli::register_choices_commands(app, context);
  cli::register_serve_command(app, context);

  int code = 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::CallForHelp& help) {
    code = app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    code = app.exit(help);
  } catch (const CLI::ParseError& error) {
    code = cli::report_parse_error(app, error, std::cerr);
  } catch (const cli::CommandFailed& failed) {
    std::cerr << tr("错误：", "error: ");
    const std::string& field = failed.status.field();
    if (!field.empty()) {
      const std::string shown = i18n::label(field);
      std::cerr << (shown == field ? field : shown + " (" + field + ")") << ": ";
    }
    std::cerr << failed.status.message() << "\n";
    code = exit_code(failed.status.code());
  } catch (const db::DbError& error) {
    std::cerr << tr("数据库错误：", "database error: ") << error.what() << "\n";
    code = exit_code(Code::Internal);
  } catch (const std::exception& error) {
    std::cerr << tr("错误：", "error: ") << error.what() << "\n";
    code = exit_code(Code::Internal);
  }
  curl_global_cleanup();
  return code;
}
