// Where the CLI reads passwords from: typed on the terminal without echo, or one a line from standard input
// (--password-stdin) for scripts. Never from the command line, which `ps` and the shell's history would show.
// TONGDANG_PASSWORD (the acting user's, for scripts) is read by the context, not here.
#pragma once

#include <optional>
#include <string>

#include "core/base/status.h"

namespace tongdang::cli {

class PasswordInput {
 public:
  explicit PasswordInput(bool from_stdin) : from_stdin_(from_stdin) {}

  // --password-stdin: each password asked for is the next line of standard input.
  bool from_stdin() const { return from_stdin_; }
  // Whether a person can type one: standard input is a terminal and --password-stdin was not given.
  bool can_prompt() const;

  // The next password: the next line of standard input without its line ending (\n or \r\n) under
  // --password-stdin, otherwise typed on the terminal after `prompt` (printed on stderr) with echo off. nullopt
  // when there is none: the input ended (Ctrl-D), or neither source is available.
  std::optional<std::string> next(const std::string& prompt);

 private:
  bool from_stdin_;
};

// A new password for `user`, for both programs: the next line of standard input under --password-stdin
// (`from_stdin`), else typed twice on the terminal. Checked by sign_in::check_new_password; InvalidInput on the field
// "password" with the reason when there is none, it is refused, or the two typed differ.
Result<std::string> read_new_password(const std::string& user, bool from_stdin);

}  // namespace tongdang::cli
