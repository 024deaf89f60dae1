// What every `tongdang` command shares: the global options, opening the station as the acting user, printing in
// the chosen language or as JSON, and turning a Status into the documented exit code.
#pragma once

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/store/station.h"
#include "terminal_width.h"

namespace tongdang::cli {

// Thrown by a command to stop with a Status; caught in main() and turned into a message and an exit code.
struct CommandFailed {
  Status status;
};

struct Context {
  std::string db_path = "tongdang.db";
  std::string as_user;   // --as or TONGDANG_USER; empty = the user created at init (or the one signed in by login)
  std::string lang;      // --lang zh|en
  bool json = false;     // --json: machine-readable output on stdout, nothing else there
  // --password-stdin: passwords are read from standard input, one a line, in the order they are needed: the acting
  // user's (unless a login session or TONGDANG_PASSWORD gives it), then the new one (init, user add, user passwd).
  bool password_stdin = false;
  std::string env_password;  // TONGDANG_PASSWORD: the acting user's password, for scripts
  std::unique_ptr<Station> station;
  // Whether the station acts as a signed-in user: set by open() once the password or session checked out, and by
  // init, whose first user has just chosen the password.
  bool signed_in = false;
  std::string policy_file_for_init;  // init --policy FILE

  // Runs before init creates a station: checks what init was given beyond the station itself (the policy file).
  void before_init();
  // Runs after a station is created by init (the workflow area loads the county policy here).
  void after_init();

  // Opens the station (once) and signs in as the chosen user (docs/security.md "Signing in"): a live
  // `tongdang login` session for that user, else the user's password (TONGDANG_PASSWORD, --password-stdin, or
  // typed on the terminal). Fails the command with Unauthenticated (exit 5) otherwise; nothing is done.
  Station& open();
  // The same, but always with the password, never a kept session (`tongdang login`).
  Station& open_with_password();
  // Opens the station without signing anyone in: for what needs no user (`tongdang logout` ends a session by its
  // token) and for the first password of a station nobody can sign in to yet (`user passwd`).
  Station& open_unsigned();
  // A new password for `user` (init, user add, user passwd): the next line of standard input under
  // --password-stdin, else typed twice on the terminal. Checked by sign_in::check_new_password; fails the command
  // (InvalidInput on "password", nothing written) when it is missing, refused or the two do not match.
  std::string new_password(const std::string& user);
  // The settle step of the station's day, once someone has signed in: closes the files of their scope whose last
  // category ended at its age limit (settle_aged_out), and says so on stderr.
  void settle_day();
  // Fails the command unless `status` is ok.
  void check(const Status& status) const;
  template <typename T>
  T take(Result<T> result) const {
    check(result.status());
    return std::move(result).value();
  }
  // Prints a JSON document on stdout (for --json).
  void print_json(const nlohmann::json& value) const;
  // Prints a warning on stderr (never on stdout, so --json stays clean).
  void warn(const std::string& message) const;
};

// Prints rows under headers as an aligned table; East Asian wide characters count as two columns.
void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows);

// Parses "FIELD=VALUE" items (from --set) into a map; a malformed item fails the command.
std::map<std::string, std::string> parse_assignments(const std::vector<std::string>& items);

// Each command group registers its subcommands (one file each).
void register_station_commands(CLI::App& app, Context& context);   // init, user
void register_child_commands(CLI::App& app, Context& context);     // child, relative
void register_transfer_commands(CLI::App& app, Context& context);  // child set-id, transfer (after child)
void register_ledger_commands(CLI::App& app, Context& context);    // import, export
void register_workflow_commands(CLI::App& app, Context& context);  // policy … case-worker (workflow_commands.h)
void register_sync_commands(CLI::App& app, Context& context);      // sync, conflicts
void register_report_commands(CLI::App& app, Context& context);    // report
void register_audit_commands(CLI::App& app, Context& context);     // audit list|verify
void register_choices_commands(CLI::App& app, Context& context);   // choices
void register_serve_command(CLI::App& app, Context& context);      // serve (the station in a browser)
// login, logout, user passwd (after register_station_commands, which makes `user`)
void register_sign_in_commands(CLI::App& app, Context& context);

}  // namespace tongdang::cli
