// Running the built binaries as a user would: a command line in, stdout, stderr and the exit code out.
// Each test gets its own scratch directory (removed afterwards) so databases never leak between tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tongdang::test {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `program` with `args` (no shell: arguments pass through unchanged), in `cwd`, with extra environment
// entries "KEY=VALUE" added to this process's environment (an entry replaces the variable's value; of two entries
// for one variable, the later). TONGDANG_DB, TONGDANG_USER, TONGDANG_NOW and TONGDANG_LANG never come from this
// process. Blocks until it exits.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd, const std::vector<std::string>& env = {});

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

// `tongdang` with the environment the CLI tests share: a fixed date (TONGDANG_NOW=2026-11-28, so ages and due
// dates do not drift), no TONGDANG_DB/TONGDANG_USER leaking in from the caller, and the given language.
class Tongdang {
 public:
  explicit Tongdang(const ScratchDir& dir, std::string now = "2026-11-28") : dir_(dir), now_(std::move(now)) {}
  RunResult operator()(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) const;
  std::string db() const { return dir_.file("tongdang.db"); }

 private:
  const ScratchDir& dir_;
  std::string now_;
};

}  // namespace tongdang::test
