// `tongdang-server county-key init | show | trust | list` and `tongdang-server transfer export | import`
// (county_commands.cc): handing a file to another county (docs/operations.md "把档案移交外县"). Registered from main.cc
// with one call; the work is sync/server/county_transfer.h's.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/base/status.h"

namespace tongdang::server_cli {

// `db_path` and `as_json` are main's global options (read when the command runs); `check` fails the command
// with a Status the way main's other commands do.
void register_county_commands(CLI::App& app, const std::string& db_path, const bool& as_json,
                              const std::function<void(const Status&)>& check);

}  // namespace tongdang::server_cli
