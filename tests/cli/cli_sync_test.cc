// Sync through the real binaries, as a county and two township stations run it: `tongdang-server` over TLS with a
// self-signed certificate, `tongdang sync`, conflicts shown and resolved, a revoked token, graceful SIGTERM.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "support/server_process.h"

using tongdang::test::issue_token;
using tongdang::test::RunResult;
using tongdang::test::ScratchDir;
using tongdang::test::server_cli;
using tongdang::test::ServerProcess;
using tongdang::test::Tongdang;
using nlohmann::json;

namespace {

std::string slurp(const std::string& path) { return tongdang::test::slurp_file(path); }

}  // namespace

TEST_CASE("CLI sync: two stations and a county server over TLS with a self-signed certificate", "[sync][cli]") {
  ScratchDir dir;
  auto cert = tongdang::test::run_program(
      "/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", "key.pem", "-out",
                           "cert.pem", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"},
      dir.path());
  REQUIRE(cert.exit_code == 0);
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  std::string token_a = issue_token(dir, {"station", "add", "--township", "320324102"});
  std::string token_b = issue_token(dir, {"station", "add", "--township", "320324102"});
  CHECK(token_a.rfind("tdk_", 0) == 0);
  CHECK(slurp(dir.file("central.db")).find(token_a) == std::string::npos);  // only a hash is stored

  // Plain HTTP is refused off loopback.
  CHECK(server_cli(dir, {"serve", "--listen", "0.0.0.0:0", "--insecure"}).exit_code == 3);

  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--tls-cert", dir.file("cert.pem"), "--tls-key", dir.file("key.pem")});
  CHECK(server.first_line["tls"] == true);
  const std::string url = "https://localhost:" + std::to_string(server.port);

  Tongdang a(dir);
  auto b = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", dir.file("b.db")});
    return a(args);
  };
  REQUIRE(a({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(b({"init", "--township", "320324102", "--name", "王集镇未保站二", "--user", "周督导"}).exit_code == 0);
  REQUIRE(a.login().exit_code == 0);  // both supervisors' commands use a session (cli_harness.h)
  REQUIRE(b({"login"}).exit_code == 0);
  auto added = a({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                  "320324102203", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];

  // Without the county's certificate, the connection is refused at once (not retried for minutes).
  auto untrusted = a({"sync", "--server", url, "--token", token_a});
  CHECK(untrusted.exit_code == 3);
  auto first = a({"--json", "sync", "--server", url, "--token", token_a, "--ca-cert", dir.file("cert.pem")});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(json::parse(first.out)["pushed"] == 2);
  auto joined = b({"--json", "sync", "--server", url, "--token", token_b, "--ca-cert", dir.file("cert.pem")});
  REQUIRE(joined.exit_code == 0);
  CHECK(json::parse(joined.out)["snapshot_children"] == 1);  // a new station starts from a township snapshot
  CHECK(json::parse(b({"--json", "child", "show", child}).out)["name"] == "张小明");

  // Offline edits of the same field on both; then sync (server and token remembered).
  REQUIRE(a({"child", "edit", child, "--set", "school=王集中心小学"}).exit_code == 0);
  REQUIRE(b({"child", "edit", child, "--set", "school=睢宁县实验小学"}).exit_code == 0);
  REQUIRE(a({"sync"}).exit_code == 0);
  auto conflicted = b({"--json", "sync"});
  REQUIRE(conflicted.exit_code == 0);
  CHECK(json::parse(conflicted.out)["conflicts_opened"] == 1);
  REQUIRE(a({"sync"}).exit_code == 0);
  auto listed_a = json::parse(a({"--json", "conflicts"}).out);
  auto listed_b = json::parse(b({"--json", "conflicts", "list"}).out);
  REQUIRE(listed_a["conflicts"].size() == 1);
  REQUIRE(listed_b["conflicts"].size() == 1);
  const std::string conflict = listed_a["conflicts"][0]["id"];
  CHECK(listed_b["conflicts"][0]["id"] == conflict);

  auto status = json::parse(b({"--json", "sync", "status"}).out);
  CHECK(status["outbox"] == 0);
  CHECK(status["open_conflicts"] == 1);
  CHECK(status["last_success"].is_string());

  REQUIRE(b({"conflicts", "resolve", conflict.substr(0, 8), "--keep", "theirs"}).exit_code == 0);
  REQUIRE(b({"sync"}).exit_code == 0);
  REQUIRE(a({"sync"}).exit_code == 0);
  CHECK(json::parse(a({"--json", "child", "show", child}).out)["school"] == "王集中心小学");
  CHECK(json::parse(b({"--json", "child", "show", child}).out)["school"] == "王集中心小学");
  CHECK(json::parse(a({"--json", "conflicts"}).out)["conflicts"].empty());

  // A revoked token is refused (exit code 3) and the local work stays queued.
  auto tokens = json::parse(server_cli(dir, {"--json", "token", "list"}).out);
  REQUIRE(tokens.size() == 2);
  REQUIRE(server_cli(dir, {"token", "revoke", std::to_string(tokens[0]["id"].get<int>())}).exit_code == 0);
  REQUIRE(a({"child", "edit", child, "--set", "phone=13800000000"}).exit_code == 0);
  CHECK(a({"sync"}).exit_code == 3);
  CHECK(json::parse(a({"--json", "sync", "status"}).out)["outbox"] == 1);

  auto shown = json::parse(server_cli(dir, {"--json", "show", "--township", "320324102"}).out);
  CHECK(shown["children"].size() == 1);

  // Graceful shutdown on SIGTERM; one structured log line per request.
  CHECK(server.stop() == 0);
  std::string log = server.log();
  CHECK(log.find("\"msg\":\"stopped\"") != std::string::npos);
  CHECK(log.find("\"endpoint\":\"POST /v1/sync/push\"") != std::string::npos);
}

// Bug (issue 12): `--ca-cert cert.pem` was remembered as typed, so `tongdang sync` from another folder could not find
// it; and a mistyped `--token` replaced the remembered good one. The certificate is remembered as an absolute path,
// and a new token only once a sync with it has worked.
TEST_CASE("Bug: --ca-cert was remembered as a relative path and a mistyped --token replaced the good one",
          "[sync][cli][bug]") {
  ScratchDir dir;
  auto cert = tongdang::test::run_program(
      "/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", "key.pem", "-out",
                           "cert.pem", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"},
      dir.path());
  REQUIRE(cert.exit_code == 0);
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  const std::string token = issue_token(dir, {"station", "add", "--township", "320324102"});
  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--tls-cert", dir.file("cert.pem"), "--tls-key", dir.file("key.pem")});
  const std::string url = "https://localhost:" + std::to_string(server.port);

  Tongdang here(dir);  // runs in the folder holding cert.pem
  REQUIRE(here({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  auto first = here({"sync", "--server", url, "--token", token, "--ca-cert", "cert.pem"});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  // A certificate that does not exist is refused by name before anything is remembered.
  auto missing = here({"sync", "--ca-cert", "no-such.pem"});
  CHECK(missing.exit_code != 0);
  CHECK(missing.err.find("no-such.pem") != std::string::npos);

  ScratchDir elsewhere_dir;
  Tongdang elsewhere(elsewhere_dir);
  auto from_elsewhere = elsewhere({"--db", dir.file("tongdang.db"), "sync"});
  INFO(from_elsewhere.err);
  CHECK(from_elsewhere.exit_code == 0);

  // A mistyped token fails (refused by the server) and the good one stays remembered.
  auto mistyped = here({"sync", "--token", token + "x"});
  CHECK(mistyped.exit_code == 3);
  CHECK(mistyped.err.find("原来的令牌") != std::string::npos);
  auto again = here({"--json", "sync"});
  INFO(again.err);
  CHECK(again.exit_code == 0);
}
