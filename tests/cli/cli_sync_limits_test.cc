// A station's queue that an older program left holding changes too large to push (docs/security.md, finding 7), synced
// through the real `tongdang` and `tongdang-server` binaries.
#include <algorithm>
#include <random>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/db/sqlite.h"
#include "support/cli_harness.h"
#include "support/server_process.h"
#include "support/sync_fixture.h"

using nlohmann::json;
using tongdang::test::issue_token;
using tongdang::test::ScratchDir;
using tongdang::test::server_cli;
using tongdang::test::ServerProcess;
using tongdang::test::Tongdang;

TEST_CASE("Finding 7: changes too large to push are rejected for good and the rest of the queue reaches the county", "[sync][cli][text]") {
  ScratchDir dir;
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  const std::string token = issue_token(dir, {"station", "add", "--township", "320324102"});
  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--insecure"});
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port);
  Tongdang station(dir);
  REQUIRE(station({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(station.login().exit_code == 0);  // 26 commands follow: a session (cli_harness.h)

  // Ordinary changes before and after the oversized ones: the demo ledger (60 files with families and events),
  // and two files registered afterwards.
  const std::string ledger = std::string(TONGDANG_SOURCE_DIR) + "/fixtures/ledgers/wangji-2026.csv";
  REQUIRE(station({"import", ledger}).exit_code == 0);
  auto add = [&](const std::string& name, const std::string& id_number) {
    auto added = station({"--json", "child", "add", "--name", name, "--id-number", id_number, "--village",
                          "320324102203", "--category", "LEFT_BEHIND"});
    REQUIRE(added.exit_code == 0);
    return json::parse(added.out)["id"].get<std::string>();
  };
  // Files whose queued creation carries a 1 MiB name, as an older program or direct SQL could have left them:
  // printable characters gzip cannot shrink much, so together they are more than a page body may be
  // (tuning::kMaxBodyBytes, 16 MiB compressed) and no page holding them could ever be accepted.
  constexpr int kOversized = 24;
  std::vector<std::string> oversized;
  for (int i = 0; i < kOversized; ++i)
    oversized.push_back(add("超长" + std::to_string(i), tongdang::test::make_id_number("20150101", 100 + i)));
  const std::string after_1 = add("李小红", tongdang::test::make_id_number("20160101", 311));
  {
    std::mt19937 random(7);
    std::uniform_int_distribution<int> printable('(', '~');  // printable ASCII without a quote
    tongdang::db::Database db(station.db(), tongdang::db::Database::Mode::ReadWrite);
    auto update = db.prepare("UPDATE outbox SET fields = json_set(fields, '$.name', ?1) WHERE entity_id = ?2");
    auto rename = db.prepare("UPDATE children SET name = ?1 WHERE id = ?2");
    for (const auto& child : oversized) {
      std::string name(1024 * 1024, ' ');
      for (char& c : name) c = static_cast<char>(printable(random));
      update.bind(1, name).bind(2, child).run();
      update.reset();
      rename.bind(1, name).bind(2, child).run();
      rename.reset();
    }
  }

  auto first = station({"--json", "sync", "--server", url, "--token", token});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  auto status = json::parse(station({"--json", "sync", "status"}).out);
  CHECK(status["outbox"] == 0);
  int too_large = 0;
  for (const auto& rejected : status["rejected"])
    if (rejected["reason"].get<std::string>().find("变更过大") != std::string::npos) {
      ++too_large;
      CHECK(std::find(oversized.begin(), oversized.end(), rejected["entity_id"]) != oversized.end());
    }
  CHECK(too_large == kOversized);
  // Every ordinary file is on the server; none of the oversized ones.
  auto shown = json::parse(server_cli(dir, {"--json", "show", "--township", "320324102"}).out);
  CHECK(shown["children"].size() == 61);
  bool after_arrived = false;
  for (const auto& child : shown["children"]) {
    after_arrived = after_arrived || child["id"] == after_1;
    CHECK(std::find(oversized.begin(), oversized.end(), child["id"]) == oversized.end());
  }
  CHECK(after_arrived);

  // Nothing is stuck: the next sync has nothing to send.
  auto second = station({"--json", "sync"});
  REQUIRE(second.exit_code == 0);
  CHECK(json::parse(second.out)["pushed"] == 0);
  CHECK(json::parse(second.out)["rejected"] == 0);
}
