#include "support/cli_harness.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace tongdang::test {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd, const std::vector<std::string>& env) {
  static int counter = 0;
  const auto out_path = cwd / (".out" + std::to_string(++counter));
  const auto err_path = cwd / (".err" + std::to_string(counter));

  // An entry of `env` replaces the same variable from this process, and a later entry of `env` an earlier one
  // (getenv() would read the first of two).
  auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> given;
  for (auto e = env.rbegin(); e != env.rend(); ++e)
    if (std::find_if(given.begin(), given.end(), [&](const std::string& g) { return name_of(g) == name_of(*e); }) ==
        given.end())
      given.insert(given.begin(), *e);
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    // The tests decide these; the caller's shell must not leak in.
    if (entry.rfind("TONGDANG_DB=", 0) == 0 || entry.rfind("TONGDANG_USER=", 0) == 0 ||
        entry.rfind("TONGDANG_NOW=", 0) == 0 || entry.rfind("TONGDANG_LANG=", 0) == 0)
      continue;
    if (std::find_if(given.begin(), given.end(), [&](const std::string& g) { return name_of(g) == name_of(entry); }) !=
        given.end())
      continue;
    environment.push_back(entry);
  }
  for (const auto& e : given) environment.push_back(e);
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return result;
}

ScratchDir::ScratchDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() / ("tongdang-test-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

RunResult Tongdang::operator()(const std::vector<std::string>& args, const std::vector<std::string>& env) const {
  std::vector<std::string> environment{"TONGDANG_NOW=" + now_, "LANG=zh_CN.UTF-8"};
  environment.insert(environment.end(), env.begin(), env.end());
  return run_program(TONGDANG_CLI, args, dir_.path(), environment);
}

}  // namespace tongdang::test
