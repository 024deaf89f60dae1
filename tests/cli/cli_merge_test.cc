// Duplicate merge and unmerge through the real binaries: `tongdang-server` on loopback, a station of 王集镇 and one of
// 双沟镇 that registered the same child, and the county's user at a station of their own (docs/user-guide.md,
// "tongdang duplicates").
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

constexpr const char* kNumber = "32032420140315012X";

// One station's database, run through the real `tongdang`.
struct StationCli {
  StationCli(const Tongdang& t, const ScratchDir& dir, const std::string& name) : tongdang(t), db(dir.file(name)) {}
  RunResult operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--db", db});
    return tongdang(args);
  }
  json json_of(std::vector<std::string> args) const {
    args.insert(args.begin(), "--json");
    auto run = (*this)(args);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    return json::parse(run.out);
  }
  const Tongdang& tongdang;
  std::string db;
};

// A file as `child show` prints it, without what records the history of writes (times, history lists): the merge
// and the unmerge stay in the history as two events, and "restored exactly" is about everything else.
json file_of(const StationCli& station, const std::string& child) {
  json shown = station.json_of({"child", "show", child});
  for (const char* key : {"updated_at", "created_at", "history", "events"}) shown.erase(key);
  return shown;
}

}  // namespace

TEST_CASE("CLI duplicates: the county merges two townships' files and undoes it, both townships see it",
          "[merge][cli]") {
  ScratchDir dir;
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  const std::string wangji_token = issue_token(dir, {"station", "add", "--township", "320324102"});
  const std::string shuanggou_token = issue_token(dir, {"station", "add", "--township", "320324103"});
  const std::string county_token = issue_token(dir, {"user", "add", "县级李", "--role", "county"});
  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--insecure"});
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port);

  Tongdang tongdang(dir);
  StationCli wangji(tongdang, dir, "wangji.db"), shuanggou(tongdang, dir, "shuanggou.db"), office(tongdang, dir, "office.db");
  REQUIRE(wangji({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(shuanggou({"init", "--township", "320324103", "--name", "双沟镇未保站", "--user", "周督导"}).exit_code == 0);
  REQUIRE(office({"init", "--township", "320324102", "--name", "县未保中心", "--user", "县级李", "--role", "county"})
              .exit_code == 0);
  for (const StationCli* s : {&wangji, &shuanggou, &office}) REQUIRE((*s)({"login"}).exit_code == 0);

  const std::string kept = wangji.json_of({"child", "add", "--name", "张小明", "--id-number", kNumber, "--village",
                                           "320324102201", "--category", "LEFT_BEHIND"})["id"];
  REQUIRE(wangji({"child", "edit", kept, "--set", "school=王集中心小学"}).exit_code == 0);
  const std::string other = shuanggou.json_of({"child", "add", "--name", "张晓明", "--id-number", kNumber, "--village",
                                               "320324103201", "--category", "LEFT_BEHIND"})["id"];
  REQUIRE(shuanggou({"child", "edit", other, "--set", "school=双沟小学", "--set", "phone=13800000001"}).exit_code == 0);
  REQUIRE(wangji({"sync", "--server", url, "--token", wangji_token}).exit_code == 0);
  REQUIRE(shuanggou({"sync", "--server", url, "--token", shuanggou_token}).exit_code == 0);
  REQUIRE(wangji({"sync"}).exit_code == 0);
  REQUIRE(office({"sync", "--server", url, "--token", county_token}).exit_code == 0);
  auto sync_all = [&] {
    for (const StationCli* s : {&office, &shuanggou, &wangji}) {
      auto synced = (*s)({"sync"});
      INFO(synced.err);
      REQUIRE(synced.exit_code == 0);
    }
  };

  const json kept_before = file_of(wangji, kept);
  const json other_before = file_of(shuanggou, other);
  const json candidates = office.json_of({"duplicates"});
  REQUIRE(candidates.size() == 1);
  const std::string candidate = candidates[0]["id"];
  CHECK(candidates[0]["id_number"] == "320324********012X");

  // Only the county: a supervisor's station refuses, writing nothing.
  auto refused = wangji({"duplicates", "merge", candidate, "--keep", kept, "--reason", "重复"});
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("县级") != std::string::npos);
  CHECK(wangji.json_of({"sync", "status"})["outbox"] == 0);
  // A field that does not describe the child is refused, naming the option.
  auto bad = office({"duplicates", "merge", candidate, "--keep", kept, "--reason", "重复", "--take", "village=other"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("take") != std::string::npos);

  auto merged = office({"duplicates", "merge", candidate.substr(28), "--keep", kept.substr(28), "--reason",
                        "同一儿童在两个乡镇登记", "--take", "school=other"});
  INFO(merged.err);
  REQUIRE(merged.exit_code == 0);
  CHECK(merged.out.find("已合并") != std::string::npos);
  sync_all();

  // 王集: the survivor took 双沟's school and kept its own name; the old id and the ID number find it.
  const json survivor = wangji.json_of({"child", "show", other});
  CHECK(survivor["id"] == kept);
  CHECK(survivor["name"] == "张小明");
  CHECK(survivor["school"] == "双沟小学");
  CHECK(wangji.json_of({"child", "show", kNumber})["id"] == kept);
  // 双沟: the merged-away file left the list and the report; a lookup says where it went.
  CHECK(shuanggou.json_of({"child", "list"}).empty());
  CHECK(shuanggou.json_of({"report", "coverage"})["totals"]["children"] == 0);
  auto gone = shuanggou({"child", "show", other});
  CHECK(gone.exit_code == 3);
  CHECK(gone.err.find("已合并") != std::string::npos);
  // Both townships list the candidate as merged, with the merge's id.
  for (const StationCli* s : {&wangji, &shuanggou}) {
    const json listed = s->json_of({"duplicates"});
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["status"] == "merged");
    REQUIRE(listed[0]["merges"].size() == 1);
  }
  const std::string merge_id = wangji.json_of({"duplicates"})[0]["merges"][0]["id"];
  CHECK(merged.out.find(merge_id) != std::string::npos);  // the id `merge` printed

  // Undone by the merge's id: both files exactly as before, on both townships' stations.
  auto undone = office({"duplicates", "unmerge", merge_id, "--reason", "并非同一人"});
  INFO(undone.err);
  REQUIRE(undone.exit_code == 0);
  sync_all();
  CHECK(file_of(wangji, kept) == kept_before);
  CHECK(file_of(shuanggou, other) == other_before);
  CHECK(shuanggou.json_of({"report", "coverage"})["totals"]["children"] == 1);
  CHECK(wangji.json_of({"duplicates"})[0]["status"] == "open");
  // Undone once: a second unmerge is refused.
  CHECK(office({"duplicates", "unmerge", merge_id}).exit_code == 3);
}
