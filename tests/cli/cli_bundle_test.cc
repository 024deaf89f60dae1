// `tongdang-server county-key` and `tongdang-server transfer export | import` through the real binaries, as two
// counties' officers run them (docs/operations.md "把档案移交外县"): keys made and exchanged, a file moved out of 睢宁县
// exported 0600, imported into a village of 沛县 once (twice adds nothing), and read at a 沛县 station after its sync.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "support/server_process.h"

using nlohmann::json;
using tongdang::test::issue_token;
using tongdang::test::ScratchDir;
using tongdang::test::server_cli;
using tongdang::test::ServerProcess;
using tongdang::test::Tongdang;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

json run_json(const ScratchDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> full{"--json"};
  full.insert(full.end(), args.begin(), args.end());
  auto ran = server_cli(dir, full);
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  return json::parse(ran.out);
}

}  // namespace

TEST_CASE("CLI bundle: county keys exchanged, a file moved out exported 0600 and imported in another county",
          "[cli][bundle]") {
  ScratchDir suining, peixian;
  REQUIRE(server_cli(suining, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  REQUIRE(server_cli(peixian, {"init", "--county", "320322", "--name", "沛县未保中心"}).exit_code == 0);

  // Keys: made once (a second init is refused unless --replace), shown without the secrets.
  CHECK(server_cli(suining, {"county-key", "show"}).exit_code == 3);  // no keys yet
  REQUIRE(server_cli(suining, {"county-key", "init"}).exit_code == 0);
  REQUIRE(server_cli(peixian, {"county-key", "init"}).exit_code == 0);
  auto again = server_cli(suining, {"county-key", "init"});
  CHECK(again.exit_code == 3);
  CHECK(again.err.find("--replace") != std::string::npos);
  auto shown = server_cli(suining, {"county-key", "show"});
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.out.find("睢宁县") != std::string::npos);
  CHECK(shown.out.find("指纹") != std::string::npos);
  CHECK(shown.out.find("secret") == std::string::npos);
  const json a = run_json(suining, {"county-key", "show"});
  const json b = run_json(peixian, {"county-key", "show"});
  CHECK_FALSE(a.contains("sign_secret"));
  REQUIRE(server_cli(suining, {"county-key", "trust", "--county", "320322", "--sign-key", b["sign_key"],
                               "--box-key", b["box_key"]}).exit_code == 0);
  REQUIRE(server_cli(peixian, {"county-key", "trust", "--county", "320324", "--sign-key", a["sign_key"],
                               "--box-key", a["box_key"]}).exit_code == 0);
  const json trusted = run_json(peixian, {"county-key", "list"});
  REQUIRE(trusted.size() == 1);
  CHECK(trusted[0]["name"] == "睢宁县");
  CHECK(trusted[0]["fingerprint"] == a["fingerprint"]);

  // 睢宁县: a child of 王集镇 leaves the county; the station syncs the close.
  const std::string wangji_token = issue_token(suining, {"station", "add", "--township", "320324102"});
  std::string child;
  {
    ServerProcess server(suining, {"--listen", "127.0.0.1:0", "--insecure"});
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port);
    Tongdang wangji(suining);
    REQUIRE(wangji({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
    REQUIRE(wangji.login().exit_code == 0);
    auto added = wangji({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                         "320324102201", "--category", "LEFT_BEHIND"});
    REQUIRE(added.exit_code == 0);
    child = json::parse(added.out)["id"];
    // Not moved out yet: nothing is exported, and the reason says so.
    REQUIRE(wangji({"sync", "--server", url, "--token", wangji_token}).exit_code == 0);
    auto early = server_cli(suining, {"transfer", "export", child, "--to-county", "沛县", "--out", suining.file("x.bundle")});
    CHECK(early.exit_code == 3);
    CHECK(early.err.find("迁出本县") != std::string::npos);
    REQUIRE(wangji({"transfer", child, "--out-of-county", "--destination", "徐州市沛县龙固镇", "--reason", "随父母迁居"})
                .exit_code == 0);
    REQUIRE(wangji({"sync", "--server", url, "--token", wangji_token}).exit_code == 0);
  }

  const std::string bundle = peixian.file("zhang.bundle");
  auto exported = server_cli(suining, {"transfer", "export", child, "--to-county", "沛县", "--out", bundle});
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out.find("SHA-256") != std::string::npos);
  CHECK(mode_of(bundle) == 0600);
  // Never over an existing file, unless --force.
  auto over = server_cli(suining, {"transfer", "export", child, "--to-county", "320322", "--out", bundle});
  CHECK(over.exit_code == 3);
  CHECK(over.err.find("--force") != std::string::npos);
  const std::string first = tongdang::test::slurp_file(bundle);
  REQUIRE(server_cli(suining, {"transfer", "export", child, "--to-county", "320322", "--out", bundle, "--force"})
              .exit_code == 0);
  CHECK(tongdang::test::slurp_file(bundle) != first);
  CHECK(mode_of(bundle) == 0600);

  // 沛县: the officer imports it into 龙西 of 龙固镇, by name; twice adds nothing.
  auto outside = server_cli(peixian, {"transfer", "import", bundle, "--village", "320324102201"});
  CHECK(outside.exit_code == 2);
  CHECK(outside.err.find("不属于本县") != std::string::npos);
  auto imported = server_cli(peixian, {"transfer", "import", bundle, "--village", "龙西", "--township", "龙固镇"});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out.find("从睢宁县转入") != std::string::npos);
  auto twice = server_cli(peixian, {"transfer", "import", bundle, "--village", "320322101001"});
  REQUIRE(twice.exit_code == 0);
  CHECK(twice.out.find("已接收过") != std::string::npos);
  // The audit chain holds both counties' actions and is whole.
  CHECK(server_cli(suining, {"audit", "verify"}).exit_code == 0);
  CHECK(server_cli(peixian, {"audit", "verify"}).exit_code == 0);

  // A station of 龙固镇 syncs and reads the file with its history: 从睢宁县转入.
  const std::string longgu_token = issue_token(peixian, {"station", "add", "--township", "320322101"});
  ServerProcess server(peixian, {"--listen", "127.0.0.1:0", "--insecure"});
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port);
  Tongdang longgu(peixian);
  REQUIRE(longgu({"init", "--township", "320322101", "--name", "龙固镇未保站", "--user", "周督导"}).exit_code == 0);
  REQUIRE(longgu.login().exit_code == 0);
  auto synced = longgu({"sync", "--server", url, "--token", longgu_token});
  INFO(synced.err);
  REQUIRE(synced.exit_code == 0);
  const json file = json::parse(longgu({"--json", "child", "show", child}).out);
  CHECK(file["status"] == "open");
  CHECK(file["name"] == "张小明");
  CHECK(file["village"] == "320322101001");
  auto history = longgu({"child", "history", child});
  REQUIRE(history.exit_code == 0);
  CHECK(history.out.find("从睢宁县转入") != std::string::npos);
  CHECK(history.out.find("结案") != std::string::npos);
}
