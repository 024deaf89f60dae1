// `tongdang-server report coverage | rebuild` (report_commands.cc): the county's coverage report from the central
// store, with each station's last successful sync. Registered from main.cc with one call.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/base/status.h"

namespace tongdang::server_cli {

// `db_path` and `as_json` are main's global options (read when the command runs); `check` fails the command
// with a Status the way main's other commands do.
void register_report_commands(CLI::App& app, const std::string& db_path, const bool& as_json,
                              const std::function<void(const Status&)>& check);

}  // namespace tongdang::server_cli
