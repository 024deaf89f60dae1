// `tongdang-server` as the CLI tests run it: its subcommands on a scratch central database, and `serve` in the
// background (stopped with SIGTERM), with its log, its port and its memory as /proc shows it.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_harness.h"

namespace tongdang::test {

// `tongdang-server --db DIR/central.db ARGS…` with a fixed date.
RunResult server_cli(const ScratchDir& dir, const std::vector<std::string>& args);
// Issues a token with `args` (e.g. {"station", "add", "--township", "320324102"}) and returns it.
std::string issue_token(const ScratchDir& dir, const std::vector<std::string>& args);
// A self-signed certificate for localhost and 127.0.0.1: DIR/cert.pem and DIR/key.pem.
void make_test_certificate(const ScratchDir& dir);

class ServerProcess {
 public:
  // Starts `tongdang-server serve SERVE_ARGS…` with extra environment entries "KEY=VALUE"; waits for its
  // "listening" line.
  ServerProcess(const ScratchDir& dir, const std::vector<std::string>& serve_args,
                const std::vector<std::string>& env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // SIGTERM, then waits; returns the exit code. Idempotent.
  int stop();
  std::string log() const;
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
