#include "server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

extern char** environ;

namespace tongdang::test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

RunResult server_cli(const ScratchDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> full{"--db", dir.file("central.db")};
  full.insert(full.end(), args.begin(), args.end());
  return run_program(TONGDANG_SERVER_CLI, full, dir.path(), {"TONGDANG_NOW=2026-11-28", "LANG=C.UTF-8"});
}

std::string issue_token(const ScratchDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> full{"--json"};
  full.insert(full.end(), args.begin(), args.end());
  auto issued = server_cli(dir, full);
  REQUIRE(issued.exit_code == 0);
  return nlohmann::json::parse(issued.out)["token"];
}

void make_test_certificate(const ScratchDir& dir) {
  auto made = run_program("/usr/bin/openssl",
                          {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", "key.pem", "-out",
                           "cert.pem", "-subj", "/CN=localhost", "-addext",
                           "subjectAltName=DNS:localhost,IP:127.0.0.1"},
                          dir.path());
  REQUIRE(made.exit_code == 0);
}

ServerProcess::ServerProcess(const ScratchDir& dir, const std::vector<std::string>& serve_args,
                             const std::vector<std::string>& env)
    : log_(dir.file("server.log")) {
  std::vector<std::string> args{TONGDANG_SERVER_CLI, "--db", dir.file("central.db"), "serve"};
  args.insert(args.end(), serve_args.begin(), serve_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) environment.emplace_back(*e);
  environment.insert(environment.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), envp.data()) == 0);
  posix_spawn_file_actions_destroy(&actions);
  for (int i = 0; i < 500 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::string first = slurp(log_);
    auto end = first.find('\n');
    if (end == std::string::npos) continue;
    nlohmann::json line = nlohmann::json::parse(first.substr(0, end), nullptr, false);
    if (line.is_object() && line.value("msg", "") == "listening") {
      std::string listen = line["listen"];
      port = std::stoi(listen.substr(listen.rfind(':') + 1));
      first_line = line;
    }
  }
  REQUIRE(port != 0);
}

ServerProcess::~ServerProcess() { stop(); }

int ServerProcess::stop() {
  if (pid_ <= 0) return exit_code;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = 0;
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code;
}

std::string ServerProcess::log() const { return slurp(log_); }

std::int64_t ServerProcess::memory_kib(const std::string& field) const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    return std::stoll(line.substr(field.size() + 1));  // "VmHWM:\t  12345 kB"
  }
  return -1;
}

}  // namespace tongdang::test
