// `tongdang-server backup` and `restore` as a county runs them (issue 14): a backup taken while the server serves,
// the server lost after more work was synced, the backup restored with the service stopped, and the station's next
// `tongdang sync` putting back what the lost server had acknowledged since.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "support/server_process.h"

using tongdang::test::issue_token;
using tongdang::test::ScratchDir;
using tongdang::test::server_cli;
using tongdang::test::ServerProcess;
using tongdang::test::Tongdang;
using nlohmann::json;

TEST_CASE("CLI backup and restore: the station uploads again what the restored server lost", "[cli][restore]") {
  ScratchDir dir;
  tongdang::test::make_test_certificate(dir);
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  const std::string token = issue_token(dir, {"station", "add", "--township", "320324102"});
  Tongdang station(dir);
  REQUIRE(station({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(station.login().exit_code == 0);
  auto add = [&](const std::string& name, const std::string& id_number) {
    auto added = station({"--json", "child", "add", "--name", name, "--id-number", id_number, "--village",
                          "320324102203", "--category", "LEFT_BEHIND"});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
  };
  const std::string backup = dir.file("backup-2026-11-28.db");
  std::int64_t after_backup = 0;
  {
    ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--tls-cert", dir.file("cert.pem"), "--tls-key",
                               dir.file("key.pem")});
    const std::string url = "https://localhost:" + std::to_string(server.port);
    add("张小明", "32032420140315012X");
    REQUIRE(station({"sync", "--server", url, "--token", token, "--ca-cert", dir.file("cert.pem")}).exit_code == 0);

    // Taken while the server runs.
    auto taken = server_cli(dir, {"backup", "--out", backup});
    INFO(taken.err);
    REQUIRE(taken.exit_code == 0);
    CHECK(taken.out.find("1 份档案") != std::string::npos);
    struct stat info {};
    REQUIRE(::stat(backup.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(::access((backup + "-wal").c_str(), F_OK) != 0);  // one self-contained file
    auto again = server_cli(dir, {"backup", "--out", backup});
    CHECK(again.exit_code != 0);
    CHECK(again.err.find("已存在") != std::string::npos);

    add("李小红", "320324201503200024");
    auto synced = station({"--json", "sync"});
    REQUIRE(synced.exit_code == 0);
    after_backup = json::parse(synced.out)["pushed"].get<std::int64_t>();
    REQUIRE(after_backup == 2);  // the second child's record and its category, as the first sync's two
    server.stop();
  }

  // The server is lost; its backup goes back in place (the service stopped). Without --force nothing is moved.
  auto unforced = server_cli(dir, {"restore", backup});
  CHECK(unforced.exit_code != 0);
  CHECK(unforced.err.find("--force") != std::string::npos);
  auto restored = server_cli(dir, {"restore", backup, "--force"});
  INFO(restored.err);
  REQUIRE(restored.exit_code == 0);
  CHECK(restored.out.find("已从") != std::string::npos);
  CHECK(restored.out.find("before-restore") != std::string::npos);

  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--tls-cert", dir.file("cert.pem"), "--tls-key",
                             dir.file("key.pem")});
  const std::string url = "https://localhost:" + std::to_string(server.port);
  auto resumed = station({"sync", "--server", url});
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.out.find("重新上传了备份之后已上传的 2 条更改") != std::string::npos);

  // A second laptop of the township, new, finds both children on the restored server.
  const std::string token_b = issue_token(dir, {"station", "add", "--township", "320324102"});
  auto b = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", dir.file("b.db")});
    return station(args);
  };
  REQUIRE(b({"init", "--township", "320324102", "--name", "王集镇未保站二", "--user", "周督导"}).exit_code == 0);
  REQUIRE(b({"login"}).exit_code == 0);
  auto joined = b({"--json", "sync", "--server", url, "--token", token_b, "--ca-cert", dir.file("cert.pem")});
  INFO(joined.err);
  REQUIRE(joined.exit_code == 0);
  CHECK(json::parse(joined.out)["snapshot_children"] == 2);
}
