// The child-file CLI run as a director and a supervisor run it (issue: the station's child file).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;
using nlohmann::json;

namespace {

void init_station(const Tongdang& tongdang) {
  auto init = tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳", "--role", "supervisor"});
  REQUIRE(init.exit_code == 0);
  REQUIRE(tongdang({"user", "add", "王强", "--role", "director", "--villages", "320324102203,320324102204"}).exit_code == 0);
  REQUIRE(tongdang.login().exit_code == 0);  // the supervisor's commands use a session (cli_harness.h)
}

}  // namespace

TEST_CASE("CLI: register, show and list a child as the brief's example", "[cli][child]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  auto added = tongdang({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                         "320324102203", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string id = json::parse(added.out)["id"];
  CHECK(id.size() == 36);

  auto shown = tongdang({"--json", "child", "show", "32032420140315012X"});
  REQUIRE(shown.exit_code == 0);
  json child = json::parse(shown.out);
  CHECK(child["id"] == id);
  CHECK(child["name"] == "张小明");
  CHECK(child["sex"] == "female");           // 17th digit 2 is even
  CHECK(child["birth_date"] == "2014-03-15");
  CHECK(child["id_number"] == "320324********012X");  // masked by default
  CHECK(child["township"] == "320324102");
  CHECK(child["village"] == "320324102203");
  CHECK(child["categories"] == json::array({"LEFT_BEHIND"}));
  CHECK(child["colour"].is_null());
  // LEFT_BEHIND ends at the 16th birthday: 2030-03-15.
  CHECK(child["memberships"][0]["to"] == "2030-03-15");

  auto by_prefix = tongdang({"--json", "child", "show", id.substr(0, 12)});
  CHECK(by_prefix.exit_code == 0);

  auto listed = tongdang({"--json", "child", "list", "--category", "LEFT_BEHIND"});
  REQUIRE(listed.exit_code == 0);
  CHECK(json::parse(listed.out).size() == 1);
}

TEST_CASE("CLI: a typed sex that disagrees with the ID number is refused and nothing is written", "[cli][child]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  auto refused = tongdang({"child", "add", "--name", "李四", "--id-number", "321281201202281230", "--village",
                           "320324102203", "--sex", "女"});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("sex") != std::string::npos);
  CHECK(refused.out.empty());
  auto listed = tongdang({"--json", "child", "list"});
  CHECK(json::parse(listed.out).empty());
}

TEST_CASE("CLI: a director cannot register a child outside their villages", "[cli][child]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  auto refused = tongdang({"--as", "王强", "child", "add", "--name", "李四", "--id-number", "321281201202281230",
                           "--village", "320324102205"});
  CHECK(refused.exit_code == 3);
}

TEST_CASE("CLI: a missing station database is 'not found'", "[cli]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  auto missing = tongdang({"child", "list"});
  CHECK(missing.exit_code == 4);
}
