#include "support/cli_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
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

// The environment a test's program runs with: this process's, less what the tests decide, plus `env` (a later
// entry for a key replaces an earlier one).
std::vector<std::string> program_environment(const std::vector<std::string>& env) {
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    // The tests decide these; the caller's shell must not leak in.
    if (entry.rfind("TONGDANG_DB=", 0) == 0 || entry.rfind("TONGDANG_USER=", 0) == 0 ||
        entry.rfind("TONGDANG_NOW=", 0) == 0 || entry.rfind("TONGDANG_PASSWORD=", 0) == 0 ||
        entry.rfind("TONGDANG_LANG=", 0) == 0)
      continue;
    environment.push_back(entry);
  }
  for (const auto& e : env) {
    const std::string key = e.substr(0, e.find('=') + 1);
    std::erase_if(environment, [&](const std::string& existing) { return existing.rfind(key, 0) == 0; });
    environment.push_back(e);
  }
  return environment;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& cwd, const std::vector<std::string>& env, const std::string& input) {
  static int counter = 0;
  const auto out_path = cwd / (".out" + std::to_string(++counter));
  const auto err_path = cwd / (".err" + std::to_string(counter));
  const auto in_path = cwd / (".in" + std::to_string(counter));
  if (!input.empty()) std::ofstream(in_path, std::ios::binary) << input;

  std::vector<std::string> environment = program_environment(env);
  std::vector<char*> envp = pointers(environment);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv = pointers(argv_strings);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input.empty() ? "/dev/null" : in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
  RunResult result;
  result.exit_code = wait_exit_code(pid);
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  std::filesystem::remove(in_path);
  return result;
}

RunResult run_on_terminal(const std::string& program, const std::vector<std::string>& args,
                          const std::filesystem::path& cwd, const std::vector<std::string>& env,
                          const std::vector<TerminalStep>& steps) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) throw std::runtime_error("no pseudo-terminal");
  const std::string terminal = ptsname(master);

  std::vector<std::string> environment = program_environment(env);
  std::vector<char*> envp = pointers(environment);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv = pointers(argv_strings);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // A session of its own, so the terminal opened below becomes its controlling terminal (glibc makes the new
  // session before it runs the file actions).
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, terminal.c_str(), O_RDWR, 0);
  posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = 0;
  int rc = posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    close(master);
    throw std::runtime_error("cannot start " + program);
  }

  RunResult result;
  // Reads what the terminal shows for up to `timeout_ms`; false once the program has closed it.
  const auto read_some = [&](int timeout_ms) {
    pollfd ready{master, POLLIN, 0};
    if (poll(&ready, 1, timeout_ms) <= 0) return true;
    char buffer[4096];
    const ssize_t got = read(master, buffer, sizeof buffer);
    if (got <= 0) return false;  // EIO: every descriptor of the terminal's other side is closed
    result.out.append(buffer, static_cast<std::size_t>(got));
    return true;
  };
  bool open = true;
  bool stuck = false;
  std::size_t seen = 0;
  for (const TerminalStep& step : steps) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (open && result.out.find(step.expect, seen) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
      open = read_some(100);
    const std::size_t at = result.out.find(step.expect, seen);
    if (at == std::string::npos) {
      stuck = true;
      break;
    }
    seen = at + step.expect.size();
    if (write(master, step.type.data(), step.type.size()) != static_cast<ssize_t>(step.type.size())) break;
  }
  if (stuck) kill(pid, SIGKILL);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (open && std::chrono::steady_clock::now() < deadline) open = read_some(100);
  if (open) kill(pid, SIGKILL);
  close(master);
  result.exit_code = wait_exit_code(pid);
  if (stuck) result.exit_code = -1;
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

namespace {

// Whether `args` run `init` or `user add`: the first word after the global options (and their values).
bool creates_a_user(const std::vector<std::string>& args) {
  static const std::vector<std::string> kWithValue = {"--db", "--as", "--lang"};
  std::size_t i = 0;
  while (i < args.size() && args[i].rfind("--", 0) == 0)
    i += std::find(kWithValue.begin(), kWithValue.end(), args[i]) != kWithValue.end() ? 2 : 1;
  if (i >= args.size()) return false;
  return args[i] == "init" || (args[i] == "user" && i + 1 < args.size() && args[i + 1] == "add");
}

}  // namespace

RunResult Tongdang::operator()(const std::vector<std::string>& args, const std::vector<std::string>& env,
                               const std::optional<std::string>& input) const {
  std::vector<std::string> environment{"TONGDANG_NOW=" + now_, "LANG=zh_CN.UTF-8",
                                       std::string("TONGDANG_PASSWORD=") + kTestPassword};
  environment.insert(environment.end(), env.begin(), env.end());
  if (input) return run_program(TONGDANG_CLI, args, dir_.path(), environment, *input);
  const bool reads_stdin = std::find(args.begin(), args.end(), "--password-stdin") != args.end();
  if (!reads_stdin && creates_a_user(args)) {
    std::vector<std::string> with_password = args;
    with_password.push_back("--password-stdin");
    return run_program(TONGDANG_CLI, with_password, dir_.path(), environment, std::string(kTestPassword) + "\n");
  }
  return run_program(TONGDANG_CLI, args, dir_.path(), environment);
}

RunResult Tongdang::login(const std::string& user) const {
  return user.empty() ? (*this)({"login"}) : (*this)({"--as", user, "login"});
}

RunResult Tongdang::on_terminal(const std::vector<std::string>& args, const std::vector<TerminalStep>& steps,
                                const std::vector<std::string>& env) const {
  std::vector<std::string> environment{"TONGDANG_NOW=" + now_, "LANG=zh_CN.UTF-8"};
  environment.insert(environment.end(), env.begin(), env.end());
  return run_on_terminal(TONGDANG_CLI, args, dir_.path(), environment, steps);
}

}  // namespace tongdang::test
