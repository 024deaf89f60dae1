// The 3+4+N cycle from the command line, in Chinese, as a township's director, supervisor and the county run it
// (TONGDANG_NOW is 2026-11-28, a Saturday).
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

using nlohmann::json;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;

namespace {

void init_station(const Tongdang& tongdang) {
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(tongdang({"user", "add", "王强", "--role", "director", "--villages", "320324102203"}).exit_code == 0);
  REQUIRE(tongdang({"user", "add", "县中心", "--role", "county"}).exit_code == 0);
  REQUIRE(tongdang.login().exit_code == 0);  // the supervisor's commands use a session (cli_harness.h)
}

void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("CLI: a township's whole 3+4+N cycle in Chinese", "[cli][screening]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);

  auto lead = tongdang({"--as", "王强", "--json", "lead", "add", "--village", "320324102203", "--reporter", "网格员张",
                        "--source", "grid", "--seen", "祖父母照看，低保户"});
  REQUIRE(lead.exit_code == 0);
  const std::string lead_id = json::parse(lead.out)["lead_id"];

  auto pending = tongdang({"--as", "王强", "screen", "pending"});
  CHECK(pending.exit_code == 0);
  CHECK(pending.out.find("入户核查") != std::string::npos);
  CHECK(pending.out.find("2026-12-05") != std::string::npos);  // 28 Nov + 7 days

  write(dir.file("answers.json"), R"({"carer": "both_away_capable_relative", "income": "below_1x_or_dibao"})");
  auto verified = tongdang({"--as", "王强", "screen", "verify", lead_id.substr(0, 12), "--name", "张小明",
                            "--id-number", "32032420140315012X", "--category", "FUC", "--answers",
                            dir.file("answers.json")});
  REQUIRE(verified.exit_code == 0);
  CHECK(verified.out.find("已建档") != std::string::npos);
  CHECK(verified.out.find("评估得分 14") != std::string::npos);
  CHECK(verified.out.find("蓝色") != std::string::npos);

  const std::string child = "32032420140315012X";
  // Role refusals exit 3: a director cannot review, a supervisor cannot confirm.
  auto director_review = tongdang({"--as", "王强", "screen", "review", child, "--approve"});
  CHECK(director_review.exit_code == 3);
  CHECK(director_review.err.find("不能审核") != std::string::npos);
  CHECK(tongdang({"screen", "review", child, "--approve"}).exit_code == 0);
  auto supervisor_confirm = tongdang({"screen", "confirm", child});
  CHECK(supervisor_confirm.exit_code == 3);
  CHECK(supervisor_confirm.err.find("县级") != std::string::npos);
  CHECK(tongdang({"--as", "县中心", "screen", "confirm", child, "--category", "FUC"}).exit_code == 0);
  CHECK(json::parse(tongdang({"--json", "screen", "pending"}).out).empty());

  // Reassessment by flags: 29 → yellow, the issue's JSON shape.
  auto assessed = tongdang({"--as", "王强", "--json", "assess", child, "--carer", "both_away_capable_relative",
                            "--income", "below_1x_or_dibao", "--guardianship", "fair", "--behaviour-problems", "1",
                            "--warning-signs", "2"});
  REQUIRE(assessed.exit_code == 0);
  json a = json::parse(assessed.out);
  CHECK(a["score"] == 29);
  CHECK(a["domains"] == json({{"G", 13}, {"H", 0}, {"B", 10}, {"L", 6}}));
  CHECK(a["triggers"] == json::array());
  CHECK(a["colour"] == "yellow");
  CHECK(a["previous_colour"] == "blue");
  CHECK(a["applied"] == true);
  CHECK(a["pending_review"] == false);

  // The director lowers by hand: kept for review, the colour stays yellow.
  auto lowered = tongdang({"--as", "王强", "colour", "lower", child, "--to", "blue", "--reason", "情况好转"});
  CHECK(lowered.exit_code == 0);
  CHECK(lowered.out.find("仍为黄色") != std::string::npos);
  auto history = tongdang({"colour", "history", child});
  CHECK(history.exit_code == 0);
  CHECK(history.out.find("待复核") != std::string::npos);
  CHECK(history.out.find("情况好转") != std::string::npos);

  // A visit and a care measure; the supervisor's work list.
  CHECK(tongdang({"--as", "王强", "visit", "add", child, "--date", "2026-11-28", "--kind", "home"}).exit_code == 0);
  CHECK(tongdang({"--as", "王强", "visit", "add", child, "--date", "2026-11-29", "--kind", "home"}).exit_code == 2);
  CHECK(tongdang({"--as", "王强", "visit", "add", child, "--date", "2026-11-28", "--kind", "letter"}).exit_code == 2);
  auto measure = tongdang({"--as", "王强", "--json", "care", "add", child, "--area", "GUARDIANSHIP", "--item",
                           "签订监护责任书", "--provider", "民政"});
  REQUIRE(measure.exit_code == 0);
  const std::string measure_id = json::parse(measure.out)["measure_id"];
  CHECK(tongdang({"--as", "王强", "care", "update", measure_id.substr(0, 12), "--status", "done", "--outcome", "已签"})
            .exit_code == 0);
  auto care_list = tongdang({"care", "list", child});
  CHECK(care_list.out.find("监护") != std::string::npos);
  CHECK(care_list.out.find("已完成") != std::string::npos);
  CHECK(tongdang({"care", "catalogue"}).out.find("亲情联系") != std::string::npos);
  CHECK(tongdang({"--as", "王强", "case-worker", child, "王强"}).exit_code == 3);

  // Yellow since 28 Nov, visited 28 Nov: next visit 13 Dec; as of 2026-12-24 it is 11 days overdue → escalated.
  auto due = tongdang({"--json", "due", "--as-of", "2026-12-24", "--overdue"});
  REQUIRE(due.exit_code == 0);
  json rows = json::parse(due.out)["rows"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["colour"] == "yellow");
  CHECK(rows[0]["last_home_visit"] == "2026-11-28");
  CHECK(rows[0]["escalated"] == true);
  bool visit_item = false;
  for (const auto& item : rows[0]["items"])
    if (item["what"] == "visit") {
      visit_item = true;
      CHECK(item["due"] == "2026-12-13");
      CHECK(item["days_overdue"] == 11);
    }
  CHECK(visit_item);
  auto due_text = tongdang({"due", "--as-of", "2026-12-24"});
  CHECK(due_text.out.find("张小明") != std::string::npos);
  CHECK(due_text.out.find("上报督导") != std::string::npos);
}

TEST_CASE("CLI: red first in the work list", "[cli][schedule]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  auto add = [&](const char* name, const char* id_number) {
    auto added = tongdang({"--json", "child", "add", "--name", name, "--id-number", id_number, "--village", "320324102203"});
    REQUIRE(added.exit_code == 0);
  };
  add("甲", "321281201202281230");
  add("乙", "320412201007010045");
  CHECK(tongdang({"assess", "321281201202281230", "--guardianship", "poor", "--date", "2026-10-01"}).exit_code == 0);
  CHECK(tongdang({"assess", "320412201007010045", "--trigger", "R3"}).exit_code == 0);
  json rows = json::parse(tongdang({"--json", "due", "--as-of", "2026-12-01"}).out)["rows"];
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["colour"] == "red");   // red first even though the blue child is more overdue
  CHECK(rows[1]["colour"] == "blue");
  CHECK(rows[1]["days_overdue"].get<int>() > rows[0]["days_overdue"].get<int>());
}

TEST_CASE("CLI: a policy file with a bad value is refused naming the key, and nothing is written", "[cli][policy]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  std::ifstream in(std::string(TONGDANG_SOURCE_DIR) + "/fixtures/policy/default.json");
  json doc = json::parse(in);
  doc["schedule"]["yellow"]["reassess_days"] = -5;
  write(dir.file("bad.json"), doc.dump());
  auto init = tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳", "--policy",
                        dir.file("bad.json")});
  CHECK(init.exit_code == 2);
  CHECK(init.err.find("policy.schedule.yellow.reassess_days") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tongdang.db()));

  doc["schedule"]["yellow"]["reassess_days"] = 60;
  doc["version"] = "suining-2027";
  write(dir.file("good.json"), doc.dump());
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳", "--policy",
                    dir.file("good.json")}).exit_code == 0);
  CHECK(json::parse(tongdang({"--json", "policy", "show"}).out)["version"] == "suining-2027");
  doc.erase("care_minimum");
  write(dir.file("missing.json"), doc.dump());
  auto set = tongdang({"policy", "set", dir.file("missing.json")});
  CHECK(set.exit_code == 2);
  CHECK(set.err.find("policy.care_minimum") != std::string::npos);
  CHECK(json::parse(tongdang({"--json", "policy", "show"}).out)["version"] == "suining-2027");
  auto shown = tongdang({"policy", "show"});
  CHECK(shown.out.find("县级政策版本：suining-2027") != std::string::npos);
}

// The bug of two copies of one rule (docs/workflow.md "三步排查"): with a lead waiting for the county's confirmation,
// `screen pending` listed it while `report coverage` showed "在办：入户核查 0 / 审核认定 0". Through the real binary:
// every step `screen pending` lists is counted by the report, in its table and its JSON.
TEST_CASE("CLI: report coverage counts the screening steps screen pending lists (在办 0 / 0)", "[cli][screening]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  write(dir.file("answers.json"), R"({"carer": "both_away_capable_relative", "income": "below_1x_or_dibao"})");
  // One lead reviewed and waiting for the county, one still waiting for its home visit.
  auto first = tongdang({"--as", "王强", "--json", "lead", "add", "--village", "320324102203", "--reporter", "网格员张",
                         "--source", "grid", "--seen", "祖父母照看，低保户"});
  REQUIRE(first.exit_code == 0);
  const std::string first_id = json::parse(first.out)["lead_id"];
  REQUIRE(tongdang({"--as", "王强", "screen", "verify", first_id.substr(0, 12), "--name", "张小明", "--id-number",
                    "32032420140315012X", "--category", "FUC", "--answers", dir.file("answers.json")})
              .exit_code == 0);
  REQUIRE(tongdang({"screen", "review", "32032420140315012X", "--approve"}).exit_code == 0);
  REQUIRE(tongdang({"--as", "王强", "lead", "add", "--village", "320324102203", "--reporter", "村主任",
                    "--source", "director", "--seen", "父母均外出务工"})
              .exit_code == 0);

  const json pending = json::parse(tongdang({"--json", "screen", "pending"}).out);
  REQUIRE(pending.size() == 2);
  const json report = json::parse(tongdang({"--json", "report", "coverage"}).out);
  const json& open = report["totals"]["screening"]["open_by_step"];
  CHECK(open["verification"] == 1);
  CHECK(open.value("review", 0) == 0);
  CHECK(open["confirmation"] == 1);
  auto table = tongdang({"report", "coverage"});
  REQUIRE(table.exit_code == 0);
  INFO(table.out);
  CHECK(table.out.find("在办：入户核查      1") != std::string::npos);
  CHECK(table.out.find("在办：县级认定      1") != std::string::npos);
}
