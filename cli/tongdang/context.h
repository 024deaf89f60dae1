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
  std::string as_user;   // --as or TONGDANG_USER; empty = the user created at init
  std::string lang;      // --lang zh|en
  bool json = false;     // --json: machine-readable output on stdout, nothing else there
  std::unique_ptr<Station> station;
  std::string policy_file_for_init;  // init --policy FILE

  // Runs before init creates a station: checks what init was given beyond the station itself (the policy file).
  void before_init();
  // Runs after a station is created by init (the workflow area loads the county policy here).
  void after_init();

  // Opens the station (once) and acts as the chosen user; fails the command otherwise.
  Station& open();
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
void register_ledger_commands(CLI::App& app, Context& context);    // import, export
void register_workflow_commands(CLI::App& app, Context& context);  // policy … case-worker (workflow_commands.h)
void register_sync_commands(CLI::App& app, Context& context);      // sync, conflicts
void register_report_commands(CLI::App& app, Context& context);    // report
void register_audit_commands(CLI::App& app, Context& context);     // audit list|verify
void register_choices_commands(CLI::App& app, Context& context);   // choices
void register_serve_command(CLI::App& app, Context& context);      // serve (the station in a browser)

}  // namespace tongdang::cli
