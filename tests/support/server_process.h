// `tongdang-server` as a county runs it, for tests that go through the real binary: a central database made with
// `init`, tokens issued with the CLI, `serve` in the background (stopped with SIGTERM), and raw HTTP requests sent
// to it as a station — or a hostile client — would send them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

namespace tongdang::test {

std::string slurp_file(const std::string& path);

// `tongdang-server --db DIR/central.db ARGS…` with the CLI tests' fixed date.
RunResult server_cli(const ScratchDir& dir, const std::vector<std::string>& args);
// Issues a token with `tongdang-server --json ARGS…` (e.g. {"station", "add", "--township", T}); returns it.
std::string issue_token(const ScratchDir& dir, const std::vector<std::string>& args);
// A self-signed certificate for localhost and 127.0.0.1: DIR/cert.pem and DIR/key.pem.
void make_test_certificate(const ScratchDir& dir);

// One HTTP request exactly as given (method, path, headers, body bytes), through libcurl; nothing added but Host and
// Content-Length. For hostile requests a well-behaved client would never send.
struct RawRequest {
  std::string method = "POST";
  std::string path;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
};
struct RawReply {
  int status = 0;        // 0: no answer (connection refused, reset, timed out)
  std::string body;
  std::string error;     // curl's error when status is 0
};
// `base_url` e.g. "http://127.0.0.1:PORT" or "https://localhost:PORT" (then `ca_cert` is trusted).
RawReply send_raw(const std::string& base_url, const RawRequest& request, const std::string& ca_cert = "",
                  long timeout_ms = 10000);

// `tongdang-server serve` in the background; the port is read from its first log line.
class ServerProcess {
 public:
  ServerProcess(const ScratchDir& dir, const std::vector<std::string>& serve_args,
                const std::vector<std::string>& env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  // SIGTERM, then waits; returns the exit code (128 + signal if killed). Idempotent.
  int stop();
  std::string log() const;
  // True while the process has not exited.
  bool alive();
  pid_t pid() const { return pid_; }
  // A "Vm…" line of /proc/PID/status (VmHWM: peak resident memory, VmRSS: now), in KiB; -1 if unreadable.
  std::int64_t memory_kib(const std::string& field) const;

  int port = 0;
  nlohmann::json first_line;
  int exit_code = -1;

 private:
  std::string log_;
  pid_t pid_ = 0;
};

}  // namespace tongdang::test
