// `tongdang`: the station command for children's directors, supervisors and the county. Thin: parse, call core
// or sync, print. Exit codes (docs/user-guide.md): 0 done, 2 usage or invalid input, 3 refused by a rule,
// 4 not found, 5 not signed in (a wrong or missing password, a lapsed session), 1 anything else.
#include <curl/curl.h>

#include <cstdlib>
#include <iostream>

#include "context.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/db/sqlite.h"
#include "terminal_text.h"

int main(int argc, char** argv) {
  using namespace tongdang;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  // Nothing printed from stored data reaches the terminal as a control sequence (terminal_text.h).
  cli::TerminalSafeOutput safe_out(std::cout);
  cli::TerminalSafeOutput safe_err(std::cerr);
  cli::Context context;
  if (const char* db = std::getenv("TONGDANG_DB"); db && *db) context.db_path = db;
  if (const char* user = std::getenv("TONGDANG_USER"); user && *user) context.as_user = user;
  if (const char* password = std::getenv("TONGDANG_PASSWORD"); password && *password) context.env_password = password;
  unsetenv("TONGDANG_PASSWORD");  // read once; nothing this process starts inherits it
  const char* lang_env = std::getenv("LANG");
  i18n::set_language(i18n::language_from(lang_env ? lang_env : ""));

  CLI::App app{"童档 tongdang — 困境儿童一人一档 (station)", "tongdang"};
  app.require_subcommand(1);
  app.fallthrough();
  app.option_defaults()->always_capture_default();
  app.add_option("--db", context.db_path, "station database file (TONGDANG_DB; default tongdang.db)");
  app.add_option("--as", context.as_user, "act as this user (TONGDANG_USER; default the user created at init)");
  app.add_option("--lang", context.lang, "language of labels and messages: zh or en (default from LANG)")
      ->check(CLI::IsMember({"zh", "en"}))
      ->each([](const std::string& value) { i18n::set_language(i18n::language_from(value)); });
  app.add_flag("--json", context.json, "machine-readable JSON on stdout");
  app.add_flag("--password-stdin", context.password_stdin,
               "read passwords from standard input, one a line: the acting user's (unless TONGDANG_PASSWORD or a "
               "login session gives it), then the new one (init, user add, user passwd)");

  cli::register_station_commands(app, context);
  cli::register_sign_in_commands(app, context);
  cli::register_child_commands(app, context);
  cli::register_ledger_commands(app, context);
  cli::register_workflow_commands(app, context);
  cli::register_sync_commands(app, context);
  cli::register_report_commands(app, context);
  cli::register_audit_commands(app, context);
  cli::register_serve_command(app, context);

  int code = 0;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    code = app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    code = app.exit(help);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    code = exit_code(Code::InvalidInput);
  } catch (const cli::CommandFailed& failed) {
    std::cerr << (i18n::language() == i18n::Lang::Zh ? "错误：" : "error: ");
    const std::string& field = failed.status.field();
    if (!field.empty()) {
      const std::string shown = i18n::label(field);
      std::cerr << (shown == field ? field : shown + " (" + field + ")") << ": ";
    }
    std::cerr << failed.status.message() << "\n";
    code = exit_code(failed.status.code());
  } catch (const db::DbError& error) {
    std::cerr << (i18n::language() == i18n::Lang::Zh ? "数据库错误：" : "database error: ") << error.what() << "\n";
    code = exit_code(Code::Internal);
  } catch (const std::exception& error) {
    std::cerr << (i18n::language() == i18n::Lang::Zh ? "错误：" : "error: ") << error.what() << "\n";
    code = exit_code(Code::Internal);
  }
  curl_global_cleanup();
  return code;
}
