// Sync through the real binaries, as a county and two township stations run it: `tongdang-server` over TLS with a
// self-signed certificate, `tongdang sync`, conflicts shown and resolved, a revoked token, graceful SIGTERM.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.h"
#include "tongdang/core/sqlite.h"

extern char** environ;

using tongdang::test::RunResult;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;
using nlohmann::json;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

RunResult server_cli(const ScratchDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> full{"--db", dir.file("central.db")};
  full.insert(full.end(), args.begin(), args.end());
  return tongdang::test::run_program(TONGDANG_SERVER_CLI, full, dir.path(), {"TONGDANG_NOW=2026-11-28", "LANG=C.UTF-8"});
}

std::string issue_token(const ScratchDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> full{"--json"};
  full.insert(full.end(), args.begin(), args.end());
  auto issued = server_cli(dir, full);
  REQUIRE(issued.exit_code == 0);
  return json::parse(issued.out)["token"];
}

// `tongdang-server serve` in the background, stopped with SIGTERM.
class ServerProcess {
 public:
  ServerProcess(const ScratchDir& dir, const std::vector<std::string>& serve_args) : log_(dir.file("server.log")) {
    std::vector<std::string> args{TONGDANG_SERVER_CLI, "--db", dir.file("central.db"), "serve"};
    args.insert(args.end(), serve_args.begin(), serve_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; i < 500 && port == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::string first = slurp(log_);
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
  ~ServerProcess() { stop(); }
  int stop() {
    if (pid_ <= 0) return exit_code;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code;
  }
  std::string log() const { return slurp(log_); }
  int port = 0;
  json first_line;
  int exit_code = -1;

 private:
  std::string log_;
  pid_t pid_ = 0;
};

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
  auto added = a({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                  "320324102201", "--category", "LEFT_BEHIND"});
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

namespace {

// A county with one plain-HTTP server on loopback and one station of 王集镇 that synced with it.
struct AuditedCounty {
  explicit AuditedCounty(const ScratchDir& d) : dir(d), station(d) {
    REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
    token = issue_token(dir, {"station", "add", "--township", "320324102"});
    server = std::make_unique<ServerProcess>(dir, std::vector<std::string>{"--listen", "127.0.0.1:0", "--insecure"});
    url = "http://127.0.0.1:" + std::to_string(server->port);
    auto init = station({"--json", "init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"});
    REQUIRE(init.exit_code == 0);
    station_id = json::parse(init.out)["station_id"];
  }
  RunResult sync() { return station({"--json", "sync", "--server", url, "--token", token}); }

  const ScratchDir& dir;
  Tongdang station;
  std::string token, url, station_id;
  std::unique_ptr<ServerProcess> server;
};

}  // namespace

TEST_CASE("CLI sync: a red file opened on a station reaches the county with the next sync, once, attributed to "
          "the token", "[audit][sync][cli]") {
  ScratchDir dir;
  AuditedCounty county(dir);
  Tongdang& station = county.station;
  auto added = station({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                        "320324102201", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  REQUIRE(station({"assess", child, "--trigger", "R3"}).exit_code == 0);
  REQUIRE(station({"child", "show", child}).exit_code == 0);  // a red file opened: audited as file.open_red

  auto first = county.sync();
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(json::parse(first.out)["reads_reported"] == 1);
  REQUIRE(county.sync().exit_code == 0);  // nothing new: the row is not sent again

  auto listed = server_cli(dir, {"--json", "audit", "list", "--action", "file.open_red"});
  REQUIRE(listed.exit_code == 0);
  json rows = json::parse(listed.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["child_id"] == child);
  CHECK(rows[0]["child_name"] == "张小明");
  CHECK(rows[0]["principal"] == "station 320324102");  // the token, not anything the body said
  CHECK(rows[0]["station_id"] == county.station_id);
  CHECK(rows[0]["township"] == "320324102");
  CHECK(rows[0]["actor"] == "李芳");
  auto text = server_cli(dir, {"audit", "list"});
  CHECK(text.out.find("file.open_red") != std::string::npos);
  CHECK(text.out.find("张小明") != std::string::npos);
  CHECK(text.out.find("32032420140315012X") == std::string::npos);

  // The sync's cursor forgotten (as after a crash between the answer and its commit): sent again, stored once.
  {
    tongdang::db::Database db(station.db(), tongdang::db::Database::Mode::ReadWrite);
    db.exec("UPDATE meta SET value = '0' WHERE key = 'sync.audit_sent'");
  }
  auto resent = county.sync();
  REQUIRE(resent.exit_code == 0);
  CHECK(json::parse(resent.out)["reads_reported"] == 1);
  CHECK(json::parse(server_cli(dir, {"--json", "audit", "list"}).out).size() == 1);

  REQUIRE(county.server->stop() == 0);
  auto verified = server_cli(dir, {"audit", "verify"});
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(verified.out.find("station_openings 表共 1 行") != std::string::npos);
  CHECK(verified.out.find("request_audit") != std::string::npos);
  CHECK(station({"audit", "verify"}).exit_code == 0);
}

TEST_CASE("CLI server audit: request audit and opening rows altered, deleted or inserted by hand are named by "
          "tongdang-server audit verify", "[audit][sync][cli]") {
  ScratchDir dir;
  AuditedCounty county(dir);
  auto added = county.station({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X",
                               "--village", "320324102201"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  REQUIRE(county.station({"child", "show", child, "--full-id"}).exit_code == 0);
  REQUIRE(county.sync().exit_code == 0);
  REQUIRE(county.sync().exit_code == 0);
  REQUIRE(county.server->stop() == 0);
  REQUIRE(server_cli(dir, {"audit", "verify"}).exit_code == 0);

  const std::string central = dir.file("central.db");
  auto copy_of = [&](const std::string& name) {
    std::filesystem::copy_file(central, dir.file(name));
    return dir.file(name);
  };
  auto verify = [&](const std::string& path) {
    return tongdang::test::run_program(TONGDANG_SERVER_CLI, {"--db", path, "audit", "verify"}, dir.path(),
                                       {"LANG=C.UTF-8"});
  };
  auto tamper = [](const std::string& path, const std::string& sql) {
    tongdang::db::Database db(path, tongdang::db::Database::Mode::ReadWrite);
    db.exec("DROP TRIGGER request_audit_append_only_update; DROP TRIGGER request_audit_append_only_delete;"
            "DROP TRIGGER station_openings_append_only_update; DROP TRIGGER station_openings_append_only_delete;");
    db.exec(sql);
  };

  // A request made to look as if another token had sent it.
  const std::string altered = copy_of("altered.db");
  tamper(altered, "UPDATE request_audit SET principal = 'station 320324103', token_id = 2 WHERE seq = 2");
  auto named = verify(altered);
  CHECK(named.exit_code == 1);
  CHECK(named.err.find("request_audit 表第 2 行") != std::string::npos);
  CHECK(named.err.find("/v1/sync/") != std::string::npos);

  // An opening of a file removed from the county's copy.
  const std::string deleted = copy_of("deleted.db");
  tamper(deleted, "DELETE FROM station_openings");
  auto gone = verify(deleted);
  CHECK(gone.exit_code == 1);
  CHECK(gone.err.find("station_openings") != std::string::npos);

  // A request row added at the end of the log, its hash copied from the row before.
  const std::string inserted = copy_of("inserted.db");
  tamper(inserted, "INSERT INTO request_audit(seq, at, token_id, principal, station_id, endpoint, http_status, counts,"
                   " duration_ms, remote, hash) SELECT max(seq) + 1, at, token_id, principal, station_id, endpoint,"
                   " http_status, counts, duration_ms, remote, hash FROM request_audit");
  auto added_row = verify(inserted);
  CHECK(added_row.exit_code == 1);
  CHECK(added_row.err.find("request_audit 表第") != std::string::npos);
}
