// The coverage report (docs/reports.md): every figure against the hand-computed township of report_fixture.h, the
// maintained rows against a full rebuild after random changes, masking in every format, the CSV byte-order mark,
// and the station CLI.
//
// Expected figures for 2026-11-28 (period 2026-11-01..11-28), worked from docs/domain.md ("Screening: the three steps"
// to "The care catalogue") with the default county policy (fixtures/policy/default.json): home visits every 7/15/30/90
// days for red/yellow/blue/green, counted from the last home visit, or from the day the colour was set if none; while
// no home visit has been made since the colour was set, due no later than that day + 1 (red) or + 3 (yellow) days;
// reassessment every 30/90/180/365 days from the last assessment; escalated after more than 3 overdue days for red, 7
// for the others; a lowering applies only when the role may make it (a supervisor lowers yellow or blue one step; a
// director never) and, when made by hand, an assessment since the last raise scored at or below the new colour.
//   under monitoring: A B C D E G = 6 (F closed 11-15);  village 1: A B E = 3, village 2: C D G = 3
//   colour: red C G = 2, yellow B = 1 (the director's lowering did not apply), blue A = 1, green D = 1
//     (lowered 11-05), not graded E = 1; graded 5
//   categories: LEFT_BEHIND 1 (A; F closed), LOW_INCOME 1, GUARDIAN_RISK 1, ORPHAN 1, MIGRANT 1, FUC 1
//   new in period: E (11-10), G (11-27) = 2; closed in period: F = 1
//   visited within interval: A (11-10 + 30 = 12-10 ≥ 11-28) and D (09-15 + 90 = 12-14) = 2 of 5 graded = 0.4;
//     B: 10-20 + 15 = 11-04 (the 11-20 phone call does not count); C: 11-15 + 7 = 11-22; G never visited
//   overdue: B yellow, due 11-04, 24 days (8–30, escalated: > 7); C red since 11-20 with no home visit since:
//     due min(11-15 + 7, 11-20 + 1) = 11-21, 7 days (1–7, escalated: > 3); G red 11-27, due 11-28, overdue only
//     from 11-29  => red 1, yellow 1, escalations 2
//   reassessment overdue: A (blue, 01-10 + 180 = 07-09), C (red now, 01-10 + 30); B was reassessed 10-01
//     (due 12-30), D reassessed 11-04 (green now: due 11-04 + 365), G assessed 11-27  => 2
//   colour raised in period: C (11-20) = 1; lowered: D (11-05) = 1; pending reviews: B's = 1
//   care: red and yellow B C G = 3; minimum plan (GUARDIANSHIP or SAFETY + a named case worker) met by G only
//     (B has only EDUCATION; C has no case worker) = 1; measures EDUCATION/done 1, GUARDIANSHIP/in_progress 1,
//     SAFETY/planned 1
//   screening (7 days to verify, 1 if red is suspected; review 5 working days; confirmation 10 working days):
//     open: verification L2 (due 11-26, 2 days late: 1–7), review L1 (verified Fri 11-06, due Fri 11-13, 15 days
//     late: 8–30); completed in period: L1 verification 11-06 (due 11-09, on time), L3 verification 11-03 (due
//     10-27, late), L3 review 11-08 (verified Tue 11-03, due Tue 11-10, on time), L3 confirmation 11-18 (reviewed
//     Sun 11-08, due Fri 11-20, on time) = 4, on time 3
//   overdue trend on 10-10 10-17 10-24 10-31 11-07 11-14 11-21 11-28:
//     A [02-10, 10-15) (never visited, blue from 01-10: due 02-09); B [01-14, 10-20) (yellow, first response
//     01-13) and [11-05, -); C [02-10, 11-15) and [11-22, -); D [02-10, 09-15) and [10-16, 11-05) (blue due
//     10-15; green from 11-05: due 12-14); F [02-10, 11-15)
//     => 4 4 3 3 3 3 1 2
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/projection/report_rows.h"
#include "core/projection/workflow_state.h"
#include "core/report/render.h"
#include "core/workflow/workflow.h"
#include "support/report_fixture.h"

using namespace tongdang;
using tongdang::test::ReportFixture;
using tongdang::test::report_rows;
using tongdang::test::ScratchDir;
using tongdang::test::township_entry;
using nlohmann::json;

namespace {

constexpr int kGreen = 0, kBlue = 1, kYellow = 2, kRed = 3;

report::Report township_report(Station& station, const std::string& as_of, bool overdue_list = true) {
  report::Options options;
  options.level = report::ScopeLevel::Township;
  options.scope_code = station.township();
  options.scope_name = "王集镇";
  options.as_of = *Date::parse(as_of);
  options.overdue_list = overdue_list;
  options.generated_at = "2026-11-28T10:00:00+08:00";
  options.source = "station";
  report::StationHealth health;
  health.station_id = station.station_id();
  health.name = station.name();
  health.township = station.township();
  health.last_sync = "2026-11-25T18:00:00+08:00";
  return report::build(station.db(), options, {health});
}

// The county's report (320324) read one way or the other; the same JSON is expected from both.
json county_report(Station& station, const std::string& as_of, report::Method method,
                   std::optional<std::string> period_from = std::nullopt) {
  report::Options options;
  options.level = report::ScopeLevel::County;
  options.method = method;
  options.scope_code = "320324";
  options.scope_name = "睢宁县";
  options.as_of = *Date::parse(as_of);
  if (period_from) options.period_from = Date::parse(*period_from);
  options.generated_at = "2026-11-28T10:00:00+08:00";
  options.source = "server";
  return report::to_json(report::build(station.db(), options, {}));
}

const report::Figures& unit(const std::vector<report::Figures>& units, const std::string& code) {
  for (const auto& f : units)
    if (f.code == code) return f;
  FAIL("no unit " << code);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("Report: every figure of the hand-computed township", "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  report::Report r = township_report(fixture.station(), "2026-11-28");
  const report::Figures& t = r.totals;

  CHECK(r.period_from.to_string() == "2026-11-01");
  CHECK(t.children == 6);
  CHECK(t.by_colour[kRed] == 2);
  CHECK(t.by_colour[kYellow] == 1);
  CHECK(t.by_colour[kBlue] == 1);
  CHECK(t.by_colour[kGreen] == 1);
  CHECK(t.ungraded == 1);
  CHECK(t.graded == 5);
  CHECK(t.by_category.at("LEFT_BEHIND") == 1);
  CHECK(t.by_category.at("LOW_INCOME") == 1);
  CHECK(t.by_category.at("GUARDIAN_RISK") == 1);
  CHECK(t.by_category.at("ORPHAN") == 1);
  CHECK(t.by_category.at("MIGRANT") == 1);
  CHECK(t.by_category.at("FUC") == 1);
  CHECK(t.registered_in_period == 2);
  CHECK(t.closed_in_period == 1);

  CHECK(t.covered == 2);
  CHECK(t.visit_coverage() == Approx(0.4));
  CHECK(t.overdue[kRed] == 1);
  CHECK(t.overdue[kYellow] == 1);
  CHECK(t.overdue[kBlue] == 0);
  CHECK(t.overdue[kGreen] == 0);
  CHECK(t.overdue_by_days == std::array<int, 3>{1, 1, 0});
  CHECK(t.escalations_open == 2);
  CHECK(t.reassess_overdue == 2);
  CHECK(t.raises_in_period == 1);
  CHECK(t.lowerings_in_period == 1);
  CHECK(t.pending_reviews == 1);

  CHECK(t.red_yellow == 3);
  CHECK(t.minimum_plan_met == 1);
  CHECK(t.measures.at("EDUCATION").at("done") == 1);
  CHECK(t.measures.at("GUARDIANSHIP").at("in_progress") == 1);
  CHECK(t.measures.at("SAFETY").at("planned") == 1);

  CHECK(t.steps_open.at("verification") == 1);
  CHECK(t.steps_open.at("review") == 1);
  CHECK(t.steps_open.count("confirmation") == 0);
  CHECK(t.steps_overdue_by_days == std::array<int, 3>{1, 1, 0});
  CHECK(t.steps_done_in_period == 4);
  CHECK(t.steps_done_on_time == 3);

  CHECK(t.overdue_trend == std::vector<int>{4, 4, 3, 3, 3, 3, 1, 2});
  REQUIRE(r.trend_days.size() == 8);
  CHECK(r.trend_days.front().to_string() == "2026-10-10");

  // Per village.
  const auto& v1 = unit(r.villages, test::kVillage1);
  CHECK(v1.children == 3);
  CHECK(v1.by_colour[kBlue] == 1);
  CHECK(v1.by_colour[kYellow] == 1);
  CHECK(v1.ungraded == 1);
  CHECK(v1.visit_coverage() == Approx(0.5));  // A of A, B
  CHECK(v1.overdue[kYellow] == 1);
  const auto& v2 = unit(r.villages, test::kVillage2);
  CHECK(v2.children == 3);
  CHECK(v2.by_colour[kRed] == 2);
  CHECK(v2.by_colour[kGreen] == 1);
  CHECK(v2.visit_coverage() == Approx(1.0 / 3));  // D of C, D, G
  CHECK(v2.overdue[kRed] == 1);
  REQUIRE(r.townships.size() == 1);
  CHECK(r.townships[0].name == "王集镇");
  CHECK(r.townships[0].children == 6);

  // The supervisor's list: red first, masked IDs.
  REQUIRE(r.overdue_children.size() == 2);
  CHECK(r.overdue_children[0].masked_id == mask_id_number(fixture.id_number("C")));
  CHECK(r.overdue_children[0].colour == Colour::Red);
  CHECK(r.overdue_children[0].due_on == "2026-11-21");
  CHECK(r.overdue_children[0].days_overdue == 7);
  CHECK(r.overdue_children[1].masked_id == mask_id_number(fixture.id_number("B")));
  CHECK(r.overdue_children[1].days_overdue == 24);

  // Sync stamp: the station synced 11-25, so it is not current on 11-28.
  CHECK(r.stale_stations.size() == 1);
}

TEST_CASE("Report: the county report read from the tallies has the hand-computed township's figures", "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  // The figures above, worked by hand, as the county report reads them from the per-township tallies.
  const json county = county_report(fixture.station(), "2026-11-28", report::Method::Tallies);
  const json& t = township_entry(county, "320324102");
  CHECK(t["children"] == 6);
  CHECK(t["by_colour"] == json({{"red", 2}, {"yellow", 1}, {"blue", 1}, {"green", 1}}));
  CHECK(t["ungraded"] == 1);
  CHECK(t["registered_in_period"] == 2);
  CHECK(t["closed_in_period"] == 1);
  CHECK(t["visit_coverage"] == Approx(0.4));
  CHECK(t["overdue"]["red"] == 1);
  CHECK(t["overdue"]["yellow"] == 1);
  CHECK(t["overdue_by_days"]["1_7"] == 1);
  CHECK(t["overdue_by_days"]["8_30"] == 1);
  CHECK(t["escalations_open"] == 2);
  CHECK(t["overdue_trend"] == json({4, 4, 3, 3, 3, 3, 1, 2}));
  CHECK(county["totals"]["children"] == 6);
  // Every figure, on this and other days and periods, equals the one read from the rows.
  for (const char* day : {"2026-11-28", "2026-11-14", "2026-10-16", "2026-02-10", "2026-01-10", "2025-12-31"}) {
    INFO(day);
    CHECK(county_report(fixture.station(), day, report::Method::Tallies) ==
          county_report(fixture.station(), day, report::Method::Rows));
    CHECK(county_report(fixture.station(), day, report::Method::Tallies, "2026-01-01") ==
          county_report(fixture.station(), day, report::Method::Rows, "2026-01-01"));
  }
}

TEST_CASE("Report: figures as of an earlier day", "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  // On 2026-11-14: E registered (11-10), G not yet; F still open (closes 11-15) => A B C D E F = 6.
  // Colours then: A blue, B yellow, C blue (raised 11-20), D green (lowered 11-05), F blue; E ungraded.
  // Overdue (trend point above): B (due 11-04), C (never visited, blue due 02-09), F (same) => yellow 1, blue 2.
  // Covered: A (10-15.. and 11-10 + 30), D (green, 09-15 + 90 = 12-14) => 2 of 5.
  report::Report r = township_report(fixture.station(), "2026-11-14");
  const auto& t = r.totals;
  CHECK(t.children == 6);
  CHECK(t.by_colour[kBlue] == 3);
  CHECK(t.by_colour[kYellow] == 1);
  CHECK(t.by_colour[kGreen] == 1);
  CHECK(t.by_colour[kRed] == 0);
  CHECK(t.overdue[kYellow] == 1);
  CHECK(t.overdue[kBlue] == 2);
  CHECK(t.covered == 2);
  CHECK(t.registered_in_period == 1);  // E only, period 11-01..11-14
  CHECK(t.closed_in_period == 0);
}

TEST_CASE("Report: maintained rows equal a full rebuild after random changes", "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  std::mt19937 random(20261128);
  const std::vector<std::string> keys = {"A", "B", "C", "D", "E", "G"};
  const std::vector<std::string> colours = {"red", "yellow", "blue", "green"};
  auto day = [&] { return Date(2026, 1, 10).plus_days(random() % 320).to_string(); };
  for (int round = 0; round < 120; ++round) {
    const std::string key = keys[random() % keys.size()];
    switch (random() % 7) {
      case 0: fixture.home_visit(day(), key); break;  // out of order on purpose: offline visits sync late
      case 1: fixture.grade(day(), key, colours[random() % 4]); break;
      case 2: {
        const Colour to = *parse_colour(colours[random() % 4]);
        const auto now = current_colour(fixture.station().db(), fixture.id(key));
        if (now && to != *now) {
          fixture.on("2026-11-28");
          auto changed = change_colour(fixture.station(), fixture.id(key), to > *now, to, "test", *Date::parse(day()));
          CHECK(changed.is_ok());
        }
        break;
      }
      case 3: fixture.measure(day(), key, random() % 2 ? "SAFETY" : "LIVING", "planned"); break;
      case 4: fixture.visit(day(), key, random() % 2 ? "phone" : "video"); break;
      case 5: {
        const std::string lead = "LX" + std::to_string(random() % 3);
        const char* kinds[] = {"lead.add", "screen.verify", "screen.return", "screen.review", "screen.confirm"};
        fixture.event(day(), "", kinds[random() % 5], {{"village", test::kVillage1}}, lead);
        break;
      }
      case 6: {
        fixture.on("2026-11-28");
        auto edited = edit_child(fixture.station(), fixture.id(key), {{"case_worker", random() % 2 ? "周社工" : ""}});
        CHECK(edited.is_ok());
        break;
      }
    }
    if (round % 40 == 39) {
      const std::string maintained = report_rows(fixture.station().db());
      report::rebuild(fixture.station().db());
      CHECK(report_rows(fixture.station().db()) == maintained);
      for (int i = 0; i < 4; ++i) {
        const std::string as_of = day();
        INFO(as_of);
        CHECK(county_report(fixture.station(), as_of, report::Method::Tallies, "2026-03-01") ==
              county_report(fixture.station(), as_of, report::Method::Rows, "2026-03-01"));
      }
    }
  }
  // And the figures agree too (the report reads only these rows).
  const json before = report::to_json(township_report(fixture.station(), "2026-11-28"));
  report::rebuild(fixture.station().db());
  CHECK(report::to_json(township_report(fixture.station(), "2026-11-28")) == before);
}

TEST_CASE("Report: no name and no full ID number in any format, and the overdue list is masked", "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  report::Report r = township_report(fixture.station(), "2026-11-28");
  for (auto lang : {i18n::Lang::Zh, i18n::Lang::En}) {
    i18n::set_language(lang);
    for (const char* format : {"table", "csv", "json", "html"}) {
      INFO(format);
      const std::string text = *report::render(r, format);
      CHECK(text.find("测试儿童") == std::string::npos);
      for (const char* key : {"A", "B", "C", "D", "E", "F", "G"}) {
        CHECK(text.find(fixture.id_number(key)) == std::string::npos);
        CHECK(text.find(fixture.id(key)) == std::string::npos);  // no record ids either
      }
      CHECK(text.find(mask_id_number(fixture.id_number("C"))) != std::string::npos);
    }
  }
  i18n::set_language(i18n::Lang::Zh);
}

TEST_CASE("Report: CSV starts with a UTF-8 byte-order mark and has one row per unit", "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  const std::string csv = report::to_csv(township_report(fixture.station(), "2026-11-28"));
  REQUIRE(csv.size() > 3);
  CHECK(csv.substr(0, 3) == "\xEF\xBB\xBF");
  // Header, the township total, the township, two villages.
  std::istringstream lines(csv.substr(3));
  std::string line;
  std::vector<std::string> rows;
  while (std::getline(lines, line) && line != "\r") rows.push_back(line);
  CHECK(rows.size() == 5);
  CHECK(rows[3].rfind("village,320324102203,", 0) == 0);
}

TEST_CASE("Report: JSON has the documented keys", "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  const json j = report::to_json(township_report(fixture.station(), "2026-11-28"));
  CHECK(j["as_of"] == "2026-11-28");
  CHECK(j["policy_version"] == "jiangsu-default-2026.1");
  CHECK(j["totals"]["children"] == 6);
  REQUIRE(j["townships"].size() == 1);
  const json& w = j["townships"][0];
  CHECK(w["code"] == "320324102");
  CHECK(w["name"] == "王集镇");
  CHECK(w["children"] == 6);
  CHECK(w["by_colour"] == json({{"red", 2}, {"yellow", 1}, {"blue", 1}, {"green", 1}}));
  CHECK(w["by_category"]["FUC"] == 1);
  CHECK(w["visit_coverage"] == 0.4);
  CHECK(w["overdue"] == json({{"red", 1}, {"yellow", 1}, {"blue", 0}, {"green", 0}}));
  CHECK(w["screening"]["completed_in_period"] == 4);
  CHECK(w["care"]["minimum_plan_met"] == 1);
  REQUIRE(j["stations"].size() == 1);
  CHECK(j["stations"][0]["last_sync"] == "2026-11-25T18:00:00+08:00");
  CHECK(j["completeness"]["complete"] == false);
  CHECK(j["overdue_children"].size() == 2);
}

TEST_CASE("CLI: report coverage on a station, in every format, rebuild and check", "[report][cli]") {
  ScratchDir dir;
  {
    ReportFixture fixture(dir.file("tongdang.db"));
    fixture.build_township();
  }
  test::Tongdang tongdang(dir);
  auto as_json = tongdang({"--json", "report", "coverage"});
  REQUIRE(as_json.exit_code == 0);
  json j = json::parse(as_json.out);
  CHECK(j["totals"]["children"] == 6);
  CHECK(j["totals"]["visit_coverage"] == 0.4);
  CHECK(j["stations"][0]["last_sync"].is_null());  // this station never synced: the stamp must say so
  CHECK(j["completeness"]["complete"] == false);

  auto table = tongdang({"report", "coverage", "--lang", "en"});
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("never synced") != std::string::npos);
  auto zh = tongdang({"report", "coverage"});
  CHECK(zh.out.find("从未同步") != std::string::npos);

  auto csv = tongdang({"report", "coverage", "--format", "csv", "--out", dir.file("r.csv")});
  REQUIRE(csv.exit_code == 0);
  std::ifstream in(dir.file("r.csv"), std::ios::binary);
  std::string head(3, '\0');
  in.read(head.data(), 3);
  CHECK(head == "\xEF\xBB\xBF");

  auto bad_day = tongdang({"report", "coverage", "--as-of", "2026-02-30"});
  CHECK(bad_day.exit_code == 2);
  auto bad_format = tongdang({"report", "coverage", "--format", "pdf"});
  CHECK(bad_format.exit_code == 2);

  auto rebuilt = tongdang({"--json", "report", "rebuild"});
  REQUIRE(rebuilt.exit_code == 0);
  CHECK(json::parse(rebuilt.out)["children"] == 7);
  auto again = tongdang({"--json", "report", "coverage"});
  CHECK(json::parse(again.out)["totals"] == j["totals"]);

  // report check: the maintained rows equal a rebuild; after a row is damaged behind the program's back, the check
  // names the table, exits 1 and changes nothing; a rebuild repairs it.
  auto checked = tongdang({"--json", "report", "check"});
  REQUIRE(checked.exit_code == 0);
  CHECK(json::parse(checked.out)["consistent"] == true);
  CHECK(json::parse(checked.out)["children"] == 7);
  auto damage = [&] {
    db::Database db(dir.file("tongdang.db"), db::Database::Mode::ReadWrite);
    db.exec("UPDATE report_child SET pending_review = pending_review + 5 WHERE child_id = (SELECT min(child_id) FROM"
            " report_child)");
  };
  auto damaged_rows = [&] {
    db::Database db(dir.file("tongdang.db"), db::Database::Mode::ReadOnly);
    auto q = db.prepare("SELECT count(*) FROM report_child WHERE pending_review >= 5");
    q.step();
    return q.get_int(0);
  };
  damage();
  REQUIRE(damaged_rows() == 1);
  auto differs = tongdang({"report", "check", "--lang", "en"});
  CHECK(differs.exit_code == 1);
  CHECK(differs.err.find("report_child (2)") != std::string::npos);
  CHECK(damaged_rows() == 1);  // the check rolled its rebuild back
  REQUIRE(tongdang({"report", "rebuild"}).exit_code == 0);
  CHECK(damaged_rows() == 0);
  CHECK(tongdang({"report", "check"}).exit_code == 0);
}

TEST_CASE("Report: a township's tallies recomputed from its rows equal the maintained ones", "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  db::Database& db = fixture.station().db();
  const std::string maintained = report_rows(db);
  db.exec("DELETE FROM report_tally");
  REQUIRE(report_rows(db) != maintained);
  report::refresh_tallies(db, fixture.station().township());
  CHECK(report_rows(db) == maintained);
}

TEST_CASE("Report: the HTML page lists the first rows of a long overdue list with the count, the CSV every row",
          "[report]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  report::Report r = township_report(fixture.station(), "2026-11-28");
  const json figures = report::to_json(r)["totals"];
  // 150 overdue children (made up: the list as a large township has it), the most urgent first as build() sorts.
  r.overdue_children.clear();
  for (int i = 0; i < 150; ++i)
    r.overdue_children.push_back({"", "", fmt::format("320324********{:04}", i), test::kVillage1, Colour::Red,
                                  "2026-11-01", 150 - i, true});
  auto rows_in = [](const std::string& html) {
    const std::size_t section = html.find("走访逾期名单");
    REQUIRE(section != std::string::npos);
    std::size_t rows = 0;
    for (std::size_t at = html.find("<tr><td>", section); at != std::string::npos; at = html.find("<tr><td>", at + 1))
      ++rows;
    return rows;
  };
  i18n::set_language(i18n::Lang::Zh);
  const std::string whole = report::to_html(r);
  CHECK(rows_in(whole) == 150);
  CHECK(whole.find("id=\"overdue-shown\"") == std::string::npos);
  r.options.overdue_html_rows = 100;
  const std::string capped = report::to_html(r);
  CHECK(rows_in(capped) == 100);
  CHECK(capped.find("共 150 名儿童走访逾期，此处列出最紧急的前 100 名") != std::string::npos);
  CHECK(capped.find("320324********0099") != std::string::npos);  // the 100 most urgent
  CHECK(capped.find("320324********0100") == std::string::npos);
  CHECK(capped.size() < whole.size());
  // The CSV and the JSON keep every row; the figures do not move.
  const std::string csv = *report::render(r, "csv");
  CHECK(csv.find("320324********0149") != std::string::npos);
  CHECK(report::to_json(r)["overdue_children"].size() == 150);
  CHECK(report::to_json(r)["totals"] == figures);
  // A list shorter than the cap is whole, with no note.
  r.overdue_children.resize(40);
  CHECK(rows_in(report::to_html(r)) == 40);
  CHECK(report::to_html(r).find("id=\"overdue-shown\"") == std::string::npos);
}
