#include "support/server_process.h"

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
#include <curl/curl.h>

extern char** environ;

namespace tongdang::test {

using nlohmann::json;

std::string slurp_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

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
  return json::parse(issued.out)["token"];
}

ServerProcess::ServerProcess(const ScratchDir& dir, const std::vector<std::string>& serve_args,
                             const std::vector<std::string>& env)
    : log_(dir.file("server.log")) {
  std::vector<std::string> args{TONGDANG_SERVER_CLI, "--db", dir.file("central.db"), "serve"};
  args.insert(args.end(), serve_args.begin(), serve_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  // `env` entries replace inherited ones of the same name (a process reads the first entry of a name).
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const auto& extra : env) replaced = replaced || extra.rfind(name, 0) == 0;
    if (!replaced) environment.push_back(entry);
  }
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
    std::string first = slurp_file(log_);
    auto end = first.find('\n');
    if (end == std::string::npos) continue;
    json line = json::parse(first.substr(0, end), nullptr, false);
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

bool ServerProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  pid_ = 0;
  exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return false;
}

namespace {
size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}
}  // namespace

RawReply send_raw(const std::string& base_url, const RawRequest& request, const std::string& ca_cert,
                  long timeout_ms) {
  RawReply reply;
  CURL* curl = curl_easy_init();
  REQUIRE(curl != nullptr);
  const std::string url = base_url + request.path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Expect:");
  for (const auto& header : request.headers) headers = curl_slist_append(headers, header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (!ca_cert.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_cert.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
  } else {
    reply.error = curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return reply;
}

std::string ServerProcess::log() const { return slurp_file(log_); }

std::int64_t ServerProcess::memory_kib(const std::string& field) const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    return std::stoll(line.substr(field.size() + 1));  // "VmHWM:\t  12345 kB"
  }
  return -1;
}

void make_test_certificate(const ScratchDir& dir) {
  auto made = run_program("/usr/bin/openssl",
                          {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", "key.pem", "-out",
                           "cert.pem", "-subj", "/CN=localhost", "-addext",
                           "subjectAltName=DNS:localhost,IP:127.0.0.1"},
                          dir.path());
  REQUIRE(made.exit_code == 0);
}

}  // namespace tongdang::test
