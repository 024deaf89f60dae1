// The county report on the server (docs/reports.md): stations sync their files in, the server's maintained report rows
// equal a rebuild, a township's figures are the same on its station and on the server, a station that has not
// synced since the as-of day is named in the completeness stamp, and no name or ID number leaves in any format.
//
// Hand-computed (as of 2026-11-28, default policy):
//   王集镇 320324102 (station s1, synced 11-28): c1 blue graded 11-28, never visited (due 11-28 + 30); c2 red
//     graded 11-28, home visit 11-28 (due 12-05, visited within 7 days); c3 not graded  => 3 children, blue 1,
//     red 1, ungraded 1, covered 1 of 2 graded, nothing overdue
//   双沟镇 320324103 (station s2, synced 11-20 and silent since): d1 yellow graded 11-20, never visited: first
//     response 11-20 + 3 = 11-23, overdue 5 days (1–7; not escalated: 5 ≤ 7)  => 1 child, yellow 1, overdue 1,
//     coverage 0
//   county: 4 children, red 1 yellow 1 blue 1, ungraded 1, coverage 1/3, overdue yellow 1; every one of the 18
//     townships of 睢宁县 listed; 2 stations, s2 not synced since 11-20: the data is incomplete.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "core/base/i18n.h"
#include "core/projection/report_rows.h"
#include "core/projection/workflow_state.h"
#include "core/report/render.h"
#include "core/store/sign_in.h"
#include "support/cli_harness.h"
#include "core/workflow/workflow.h"
#include "support/report_fixture.h"
#include "support/sync_fixture.h"

using namespace tongdang;
using tongdang::test::ScratchDir;
using tongdang::test::township_entry;
using tongdang::test::TestCounty;
using tongdang::test::TestStation;
using nlohmann::json;

namespace {

void record(Station& station, const std::string& child, const std::string& kind, json payload, const std::string& on) {
  Status written = station.write([&](WriteContext& w) {
    Event e;
    e.child_id = child;
    e.kind = kind;
    e.payload = std::move(payload);
    e.occurred_on = on;
    record_event(w, e);
    return Status::ok();
  });
  REQUIRE(written.is_ok());
}

}  // namespace

TEST_CASE("Report: the county report on the server after stations sync", "[report][sync]") {
  ScratchDir dir;
  TestCounty county(dir, /*http=*/false);
  const std::int64_t nov28 = county.clock.now_ms();
  county.clock.set(nov28 - 8LL * 86400 * 1000);  // 2026-11-20
  TestStation s2(dir, "s2", "320324103", county);
  const std::string d1 = s2.add_child("测试儿童丁", test::make_id_number("20130303", 31), "320324103204");
  record(*s2.station, d1, "assessment", {{"colour", "yellow"}}, "2026-11-20");
  REQUIRE(s2.sync().is_ok());

  county.clock.set(nov28);
  TestStation s1(dir, "s1", "320324102", county);
  const std::string c1 = s1.add_child("测试儿童甲", test::make_id_number("20140315", 12), "320324102203");
  const std::string c2 = s1.add_child("测试儿童乙", test::make_id_number("20120601", 21), "320324102204");
  const std::string c3 = s1.add_child("测试儿童丙", test::make_id_number("20150505", 55), "320324102203");
  record(*s1.station, c1, "assessment", {{"colour", "blue"}}, "2026-11-28");
  record(*s1.station, c2, "assessment", {{"colour", "red"}}, "2026-11-28");
  NewVisit visit;
  visit.on = *Date::parse("2026-11-28");
  REQUIRE(add_visit(*s1.station, c2, visit).is_ok());
  REQUIRE(s1.sync().is_ok());

  db::Database server(county.db_path, db::Database::Mode::ReadWrite);
  const std::string maintained = test::report_rows(server);
  CHECK(report::rebuild(server) == 4);
  CHECK(test::report_rows(server) == maintained);

  test::Tongdang tongdang(dir);
  auto run_server = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", county.db_path});
    return test::run_program(TONGDANG_SERVER_CLI, args, dir.path(), {"TONGDANG_NOW=2026-11-28", "LANG=C.UTF-8"});
  };
  auto out = run_server({"--json", "report", "coverage", "--as-of", "2026-11-28"});
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const json r = json::parse(out.out);
  CHECK(r["scope"]["level"] == "county");
  CHECK(r["scope"]["code"] == "320324");
  // 睢宁县 has 20 township-level units in the 2023 division table (fixtures/divisions): 3 街道, 15 镇, 2 开发区.
  CHECK(r["townships"].size() == 20);
  CHECK(r["totals"]["children"] == 4);
  CHECK(r["totals"]["by_colour"] == json({{"red", 1}, {"yellow", 1}, {"blue", 1}, {"green", 0}}));
  CHECK(r["totals"]["ungraded"] == 1);
  CHECK(r["totals"]["visit_coverage"] == Approx(0.3333));
  CHECK(r["totals"]["overdue"]["yellow"] == 1);
  CHECK(r["totals"]["overdue_by_days"]["1_7"] == 1);
  CHECK(r["totals"]["escalations_open"] == 0);
  const json& wangji = township_entry(r, "320324102");
  CHECK(wangji["name"] == "王集镇");
  CHECK(wangji["children"] == 3);
  CHECK(wangji["visit_coverage"] == 0.5);
  const json& shuanggou = township_entry(r, "320324103");
  CHECK(shuanggou["children"] == 1);
  CHECK(shuanggou["overdue"]["yellow"] == 1);
  CHECK(shuanggou["visit_coverage"] == 0.0);
  CHECK(township_entry(r, "320324104")["children"] == 0);  // 岚山镇: no station, listed with zero
  CHECK_FALSE(r.contains("overdue_children"));             // the county report lists no child

  auto checked = run_server({"--json", "report", "check"});
  REQUIRE(checked.exit_code == 0);
  CHECK(json::parse(checked.out)["consistent"] == true);
  CHECK(json::parse(checked.out)["differing"]["report_tally"] == 0);

  REQUIRE(r["stations"].size() == 2);
  for (const auto& s : r["stations"]) {
    REQUIRE(s["last_sync"].is_string());
    if (s["township"] == "320324103") {
      CHECK(s["last_sync"].get<std::string>().substr(0, 10) == "2026-11-20");
      CHECK(s["synced_on_as_of"] == false);
    } else {
      CHECK(s["last_sync"].get<std::string>().substr(0, 10) == "2026-11-28");
      CHECK(s["synced_on_as_of"] == true);
    }
  }
  CHECK(r["completeness"]["complete"] == false);
  REQUIRE(r["completeness"]["not_synced_since_as_of"].size() == 1);
  CHECK(r["completeness"]["not_synced_since_as_of"][0]["name"] == "双沟镇未保站");

  // The township's figures are the same on its station and on the server, as its supervisor signs in to see them.
  REQUIRE(sign_in::set_password(*s1.station, s1.station->actor().name, test::kTestPassword));
  auto station_report = test::run_program(TONGDANG_CLI, {"--db", dir.file("s1.db"), "--json", "report", "coverage"},
                                          dir.path(), {"TONGDANG_NOW=2026-11-28", "LANG=C.UTF-8",
                                                       std::string("TONGDANG_PASSWORD=") + test::kTestPassword});
  REQUIRE(station_report.exit_code == 0);
  const json local = json::parse(station_report.out)["townships"][0];
  for (const char* key : {"children", "by_colour", "by_category", "visit_coverage", "overdue", "grading", "care"})
    CHECK(local[key] == wangji[key]);

  // No names and no ID numbers in any format of the county report.
  for (const char* format : {"table", "csv", "json", "html"}) {
    auto text = run_server({"report", "coverage", "--format", format});
    REQUIRE(text.exit_code == 0);
    INFO(format);
    CHECK(text.out.find("测试儿童") == std::string::npos);
    CHECK(text.out.find("320324201403150") == std::string::npos);
    CHECK(text.out.find("****") == std::string::npos);  // not even masked: the county report lists no child
  }
  auto table = run_server({"--lang", "en", "report", "coverage"});
  CHECK(table.out.find("not synced since 2026-11-20") != std::string::npos);
  auto rebuilt = run_server({"--json", "report", "rebuild"});
  CHECK(rebuilt.exit_code == 0);
}

TEST_CASE("Report: server tallies equal a rebuild after random changes and syncs", "[report][sync]") {
  ScratchDir dir;
  TestCounty county(dir, /*http=*/false);
  // Two stations of 王集镇 (the same files, edited offline on both) and one of 双沟镇.
  TestStation a(dir, "a", "320324102", county);
  TestStation b(dir, "b", "320324102", county);
  TestStation c(dir, "c", "320324103", county);
  std::vector<TestStation*> stations = {&a, &b, &c};
  std::mt19937 random(20261129);
  std::map<TestStation*, std::vector<std::string>> children;
  int round = 0;
  // A day from June 1 to the round's day: offline work recorded late, never in the future.
  auto day = [&] { return Date(2026, 6, 1).plus_days(random() % (round * 3 + 1)).to_string(); };
  const char* colours[] = {"red", "yellow", "blue", "green"};
  int seq = 0;
  const std::int64_t june1 = midnight_cst_ms(Date(2026, 6, 1)) + 10LL * 3600 * 1000;
  for (; round < 60; ++round) {
    TestStation& s = *stations[random() % stations.size()];
    // Three days a round: files registered from June to November, so earlier days have fewer children.
    county.clock.set(june1 + round * 3LL * 86400 * 1000);
    s.clock.set(county.clock.now_ms());
    // b works on a's files once they have synced down to it.
    auto& files = children[&s == &b ? &a : &s];
    const int op = files.empty() ? 0 : static_cast<int>(random() % 5);
    if (op == 0) {
      const std::string village = s.station->township() + (random() % 2 ? "201" : "202");
      const std::string id = s.add_child("测试儿童", test::make_id_number("20140101", ++seq), village);
      if (&s != &b) files.push_back(id);
    } else if (op == 1 || op == 2) {
      const std::string& child = files[random() % files.size()];
      if (!s.station->db().prepare("SELECT 1 FROM children WHERE id = '" + child + "'").step()) continue;
      if (op == 1) {
        record(*s.station, child, "assessment", {{"colour", colours[random() % 4]}}, day());
      } else {
        NewVisit visit;
        visit.on = *Date::parse(day());  // offline visits dated in the past, synced later
        REQUIRE(add_visit(*s.station, child, visit).is_ok());
      }
    } else {
      REQUIRE(s.sync().is_ok());
    }
  }
  county.clock.set(june1 + 180LL * 86400 * 1000);
  for (int pass = 0; pass < 2; ++pass)
    for (TestStation* s : stations) REQUIRE(s->sync().is_ok());

  db::Database server(county.db_path, db::Database::Mode::ReadWrite);
  const std::string maintained = test::report_rows(server);
  report::rebuild(server);
  CHECK(test::report_rows(server) == maintained);
  for (TestStation* s : stations) {
    const std::string rows = test::report_rows(s->station->db());
    report::rebuild(s->station->db());
    CHECK(test::report_rows(s->station->db()) == rows);
  }
  // The county's figures read from the server's tallies equal the same figures read from its rows, on any day.
  for (const char* as_of : {"2026-06-10", "2026-07-15", "2026-09-30", "2026-11-28"}) {
    INFO(as_of);
    report::Options options;
    options.level = report::ScopeLevel::County;
    options.scope_code = "320324";
    options.as_of = *Date::parse(as_of);
    options.method = report::Method::Tallies;
    const json tallies = report::to_json(report::build(server, options, {}));
    options.method = report::Method::Rows;
    CHECK(report::to_json(report::build(server, options, {})) == tallies);
    CHECK(tallies["totals"]["children"].get<int>() > 0);
  }
}
