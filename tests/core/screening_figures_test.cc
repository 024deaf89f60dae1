// The report's screening figures equal what `screen pending` lists, on any station: both come from one rule (the
// lead's steps, core/rules/timeline.h fold_lead), and the report shows every step that rule opens.
#include <map>
#include <random>

#include <catch2/catch.hpp>

#include "core/base/i18n.h"
#include "core/projection/report_rows.h"
#include "core/report/render.h"
#include "core/rules/timeline.h"
#include "core/workflow/screening.h"
#include "support/report_fixture.h"

using namespace tongdang;
using tongdang::test::make_id_number;
using tongdang::test::ReportFixture;
using tongdang::test::ScratchDir;

namespace {

constexpr const char* kVillage = "320324102203";
constexpr const char* kToday = "2026-11-28";

// The screening figures both ways: open steps by step, and open steps past their limit by days (1–7, 8–30, >30).
struct ScreeningFigures {
  std::map<std::string, int> open;
  std::array<int, 3> overdue{};
  bool operator==(const ScreeningFigures&) const = default;
};

std::string describe(const ScreeningFigures& f) {
  std::string out;
  for (const auto& [step, n] : f.open) out += step + "=" + std::to_string(n) + " ";
  return out + "overdue " + std::to_string(f.overdue[0]) + "/" + std::to_string(f.overdue[1]) + "/" +
         std::to_string(f.overdue[2]);
}

int bucket(int days) { return days <= 7 ? 0 : days <= 30 ? 1 : 2; }

ScreeningFigures from_pending(Station& station, Date as_of) {
  ScreeningFigures f;
  for (ScreeningStep step : kScreeningSteps) f.open[std::string(to_string(step))] = 0;
  auto pending = pending_screenings(station, as_of, false);
  REQUIRE(pending.is_ok());
  for (const auto& row : pending.value()) {
    std::string step;
    for (ScreeningStep s : kScreeningSteps)
      if (command_of(s) == row["step"].get<std::string>()) step = to_string(s);
    REQUIRE(!step.empty());
    f.open[step] += 1;
    if (const int late = row["days_overdue"]; late > 0) f.overdue[bucket(late)] += 1;
  }
  return f;
}

ScreeningFigures from_report(Station& station, Date as_of, report::Method method) {
  report::Options options;
  options.level = report::ScopeLevel::Township;
  options.method = method;
  options.scope_code = station.township();
  options.as_of = as_of;
  options.generated_at = "2026-11-28T10:00:00+08:00";
  options.source = "station";
  const report::Report r = report::build(station.db(), options, {});
  ScreeningFigures f;
  for (ScreeningStep step : kScreeningSteps) {
    auto it = r.totals.steps_open.find(std::string(to_string(step)));
    f.open[std::string(to_string(step))] = it == r.totals.steps_open.end() ? 0 : it->second;
  }
  for (int b = 0; b < 3; ++b) f.overdue[b] = r.totals.steps_overdue_by_days[b];
  return f;
}

// A station's screening, driven as its users do through the use cases, each step on its own day.
class Screening {
 public:
  explicit Screening(const std::string& path) : fixture_(path) {
    fixture_.on("2026-01-10");
    REQUIRE(fixture_.station().add_user({"县中心", Role::County, {}}).is_ok());
  }
  Station& station() { return fixture_.station(); }

  std::string lead(const std::string& day, bool suspected_red) {
    fixture_.on(day);
    NewLead lead{kVillage, "网格员张", "grid", "祖父母照看", suspected_red, *Date::parse(day)};
    auto id = add_lead(station(), lead);
    REQUIRE(id.is_ok());
    return id.value();
  }
  std::string verify(const std::string& day, const std::string& lead, bool red) {
    fixture_.on(day);
    Verification v;
    v.lead_ref = lead;
    v.new_child.fields = {{"name", "测试儿童"}, {"id_number", make_id_number("20150101", next_sequence())}};
    v.new_child.categories = {"FUC"};
    Answers answers;
    answers.carer = "both_away_capable_relative";
    if (red) answers.triggers = {RedTrigger::NoCarer};
    v.answers = answers;
    v.on = *Date::parse(day);
    auto verified = verify_lead(station(), v);
    REQUIRE(verified.is_ok());
    return verified->child_id.value_or("");
  }
  void reverify(const std::string& day, const std::string& lead, const std::string& child) {
    fixture_.on(day);
    Verification v;
    v.lead_ref = lead;
    v.child_ref = child;
    Answers answers;
    answers.carer = "both_away_capable_relative";
    v.answers = answers;
    v.on = *Date::parse(day);
    REQUIRE(verify_lead(station(), v).is_ok());
  }
  void close(const std::string& day, const std::string& lead) {
    fixture_.on(day);
    Verification v;
    v.lead_ref = lead;
    v.not_eligible = "不符合条件";
    v.on = *Date::parse(day);
    REQUIRE(verify_lead(station(), v).is_ok());
  }
  void review(const std::string& day, const std::string& child, bool approve) {
    fixture_.on(day);
    REQUIRE(review_screening(station(), child, approve, approve ? "" : "补充材料").is_ok());
  }
  void confirm(const std::string& day, const std::string& child) {
    fixture_.on(day);
    REQUIRE(station().act_as("县中心").is_ok());
    REQUIRE(confirm_screening(station(), child, {}).is_ok());
    REQUIRE(station().act_as("李芳").is_ok());
  }
  void today() { fixture_.on(kToday); }

 private:
  std::string next_sequence() {
    const std::string digits = std::to_string(1000 + ++sequence_ % 1000);
    return digits.substr(digits.size() - 3);
  }
  ReportFixture fixture_;
  int sequence_ = 0;
};

ScreeningFigures check_agree(Station& station, Date as_of, const std::string& context) {
  const ScreeningFigures pending = from_pending(station, as_of);
  for (report::Method method : {report::Method::Rows, report::Method::Tallies}) {
    const ScreeningFigures reported = from_report(station, as_of, method);
    INFO(context << " pending: " << describe(pending) << " report: " << describe(reported));
    CHECK(reported == pending);
  }
  return pending;
}

}  // namespace

// The bug: with two leads waiting for the county's confirmation (one overdue), `screen pending` listed both while
// `report coverage` showed "在办：入户核查 0 / 审核认定 0": the report counted the confirmation step but showed only
// the first two steps.
TEST_CASE("Screening: report coverage shows the confirmation steps screen pending lists (在办 0 / 0)", "[screening][report]") {
  ScratchDir dir;
  Screening s(dir.file("station.db"));
  const std::string first = s.lead("2026-10-01", false);
  const std::string a = s.verify("2026-10-02", first, false);
  s.review("2026-10-05", a, true);  // Monday: confirmation due 10 working days later, 19 October — overdue today
  const std::string second = s.lead("2026-11-20", false);
  const std::string b = s.verify("2026-11-23", second, false);
  s.review("2026-11-24", b, true);  // due 8 December
  s.today();
  const Date today = *Date::parse(kToday);
  const ScreeningFigures pending = from_pending(s.station(), today);
  CHECK(pending.open.at("confirmation") == 2);
  CHECK(pending.overdue == std::array<int, 3>{0, 0, 1});  // due 19 October: 40 days overdue on 28 November
  check_agree(s.station(), today, "two confirmations");

  report::Options options;
  options.scope_code = s.station().township();
  options.as_of = today;
  options.source = "station";
  const i18n::Lang language = i18n::language();
  i18n::set_language(i18n::Lang::Zh);
  const std::string table = report::to_table(report::build(s.station().db(), options, {}));
  i18n::set_language(language);
  CHECK(table.find("在办：县级认定") != std::string::npos);
  const nlohmann::json json = report::to_json(report::build(s.station().db(), options, {}));
  CHECK(json["totals"]["screening"]["open_by_step"]["confirmation"] == 2);
}

TEST_CASE("Screening: on random stations the report's screening figures equal screen pending", "[screening][report][random]") {
  const int seeds = 25;
  ScreeningFigures seen;  // summed over the seeds: every step open and every overdue bucket met somewhere
  for (int seed = 1; seed <= seeds; ++seed) {
    ScratchDir dir;
    Screening s(dir.file("station.db"));
    std::mt19937 random(static_cast<std::uint32_t>(seed));
    auto chance = [&](int percent) { return std::uniform_int_distribution<int>(1, 100)(random) <= percent; };
    auto gap = [&](int most) { return std::uniform_int_distribution<int>(0, most)(random); };
    const Date today = *Date::parse(kToday);
    const int leads = std::uniform_int_distribution<int>(3, 8)(random);
    for (int i = 0; i < leads; ++i) {
      // Each step on a day no later than today, gaps long enough that some steps are overdue.
      Date day = today.plus_days(-gap(90));
      auto next = [&](int most) {
        day = std::min(today, day.plus_days(gap(most)));
        return day.to_string();
      };
      const std::string lead = s.lead(day.to_string(), chance(20));
      if (chance(15)) continue;  // waits for verification
      if (chance(10)) {
        s.close(next(10), lead);
        continue;
      }
      const std::string child = s.verify(next(12), lead, chance(15));
      if (chance(25)) continue;  // waits for the township's review
      if (chance(25)) {
        s.review(next(10), child, false);  // returned to the director
        if (chance(50)) continue;
        s.reverify(next(10), lead, child);
        if (chance(40)) continue;
      }
      s.review(next(10), child, true);
      if (chance(50)) continue;  // waits for the county
      s.confirm(next(20), child);
    }
    s.today();
    const ScreeningFigures figures = check_agree(s.station(), today, "seed " + std::to_string(seed));
    for (const auto& [step, n] : figures.open) seen.open[step] += n;
    for (int b = 0; b < 3; ++b) seen.overdue[b] += figures.overdue[b];
    CHECK(report::verify(s.station().db()).consistent());
  }
  INFO(describe(seen));
  for (const auto& [step, n] : seen.open) CHECK(n > 0);
  for (int n : seen.overdue) CHECK(n > 0);
}
