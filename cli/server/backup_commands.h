// `tongdang-server backup | restore` (backup_commands.cc): a copy of the central database taken while the server
// runs, and a restore that stations follow (docs/operations.md "Backups"). Registered from main.cc with one call.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/base/status.h"

namespace tongdang::server_cli {

// As register_report_commands: main's global options, read when the command runs, and its way to fail.
void register_backup_commands(CLI::App& app, const std::string& db_path, const bool& as_json,
                              const std::function<void(const Status&)>& check);

}  // namespace tongdang::server_cli
