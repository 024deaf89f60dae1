// Running the built binaries as a user would: a command line in, stdout, stderr and the exit code out.
// Each test gets its own scratch directory (removed afterwards) so databases never leak between tests.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tongdang::test {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `program` with `args` (no shell: arguments pass through unchanged), in `cwd`, with extra environment
// entries "KEY=VALUE" added to this process's environment (a later entry for a key replaces an earlier one), and
// `input` on its standard input (empty: /dev/null). Blocks until it exits.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd, const std::vector<std::string>& env = {},
                      const std::string& input = {});

// What a person typing at a terminal does: wait until `expect` has been printed, then type `type` (a line ends with
// "\n"). An empty `expect` types at once.
struct TerminalStep {
  std::string expect;
  std::string type;
};
// Runs `program` on a new pseudo-terminal (its standard input, output and error; its controlling terminal), going
// through `steps`, then reads what it prints until it exits. `out` holds everything the terminal showed (stdout and
// stderr together, as a person sees them); a step whose text never appears within 20 s fails with exit_code -1.
RunResult run_on_terminal(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& cwd, const std::vector<std::string>& env,
                          const std::vector<TerminalStep>& steps);

// A scratch directory under the system temp folder, removed on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The password of every user the CLI tests create (tests about passwords choose their own).
inline constexpr const char* kTestPassword = "test-password-1";

// `tongdang` with the environment the CLI tests share: a fixed date (TONGDANG_NOW=2026-11-28, so ages and due
// dates do not drift), no TONGDANG_DB/TONGDANG_USER/TONGDANG_PASSWORD leaking in from the caller, and the given
// language. Every user signs in with kTestPassword (TONGDANG_PASSWORD; a test's own `env` entry replaces it, and
// "TONGDANG_PASSWORD=" removes it). `init` and `user add` given no `input` and no --password-stdin get
// --password-stdin and kTestPassword on standard input, as a script would give the new user's password.
class Tongdang {
 public:
  explicit Tongdang(const ScratchDir& dir, std::string now = "2026-11-28") : dir_(dir), now_(std::move(now)) {}
  RunResult operator()(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                       const std::optional<std::string>& input = std::nullopt) const;
  // The same on a pseudo-terminal (run_on_terminal), for what a person types: prompts, passwords without echo.
  RunResult on_terminal(const std::vector<std::string>& args, const std::vector<TerminalStep>& steps,
                        const std::vector<std::string>& env = {}) const;
  // `tongdang login` (as `user`, or the default user): the commands after it as that user use the session. Tests
  // with many commands sign in this way, as a person would: each command given a password instead costs an
  // argon2id verification (about 0.1 s of CPU and 64 MiB).
  RunResult login(const std::string& user = {}) const;
  std::string db() const { return dir_.file("tongdang.db"); }

 private:
  const ScratchDir& dir_;
  std::string now_;
};

}  // namespace tongdang::test
