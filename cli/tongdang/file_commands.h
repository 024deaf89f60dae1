// The whole file of a child and what waits on it, for the CLI (file_commands.cc): `child show`, `child history`,
// `visit list`, `referral add|update|list`, `review`.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "context.h"

namespace tongdang::cli {

// The child a person typed (pick_child, core/workflow/search.h: an id, an ID number, or a name unique in scope).
// When the text matches several children, prints them (a table, or {"matches": …} under --json) and fails the
// command (InvalidInput on "child").
std::string pick_child_or_fail(Context& context, Station& station, const std::string& typed);

// `child show`: the whole file (open_child_file) with its referrals and open conflicts; `print_card` prints the
// profile part (child_commands.cc owns that view). Under --json: show_child's view with the rest under "file".
void show_child_file(Context& context, const std::string& ref, bool full_id,
                     const std::function<void(const nlohmann::json&)>& print_card);

// child history, visit list (after the commands that make `child` and `visit`), referral, review.
void register_file_commands(CLI::App& app, Context& context);

}  // namespace tongdang::cli
