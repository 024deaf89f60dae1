// The pure parts of the 3+4+N workflow: the instrument's arithmetic, the safety-first colour, the schedule's
// dates, the minimum care plan and the policy file's checks. Every expected number is worked by hand from
// docs/domain.md ("Screening: the three steps" to "The care catalogue") in the comments, never copied from the
// program's output.
#include <algorithm>
#include <random>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "core/model/model.h"
#include "core/model/policy.h"
#include "core/rules/colour.h"
#include "core/rules/instrument.h"
#include "core/rules/schedule.h"
#include "core/workflow/care.h"
#include "core/workflow/workflow.h"

using namespace tongdang;
using nlohmann::json;

namespace {

Score score_of(const json& answers) {
  auto parsed = parse_answers(answers);
  REQUIRE(parsed);
  return score(parsed.value(), default_policy());
}

Date d(const char* text) { return *Date::parse(text); }

}  // namespace

// ---- the instrument ----

TEST_CASE("Instrument: the calibration examples of docs/domain.md, the instrument", "[instrument]") {
  // A de-facto unsupported child well cared for by grandparents in a 低保 household:
  // G carer "both away, capable relative" 8; L income "below, or a 低保 household" 6 → 8 + 6 = 14 → blue (10–24).
  Score blue = score_of({{"carer", "both_away_capable_relative"}, {"income", "below_1x_or_dibao"}});
  CHECK(blue.g == 8);
  CHECK(blue.l == 6);
  CHECK(blue.total == 14);
  CHECK(blue.colour == Colour::Blue);
  // Add fair guardianship (G +5 → 13), one behaviour problem (B +5) and 1–2 warning signs (B +5 → 10):
  // 13 + 0 + 10 + 6 = 29 → yellow (25–44).
  Score yellow = score_of({{"carer", "both_away_capable_relative"}, {"income", "below_1x_or_dibao"},
                           {"guardianship", "fair"}, {"behaviour_problems", 1}, {"warning_signs", 2}});
  CHECK(yellow.g == 13);
  CHECK(yellow.b == 10);
  CHECK(yellow.total == 29);
  CHECK(yellow.colour == Colour::Yellow);
  CHECK(yellow.policy_version == "jiangsu-default-2026.1");
}

TEST_CASE("Instrument: every cut-off, on both sides", "[instrument]") {
  // 9: one parent away 4 + fair guardianship 5 → green (0–9).
  CHECK(score_of({{"carer", "one_parent_away"}, {"guardianship", "fair"}}).total == 9);
  CHECK(score_of({{"carer", "one_parent_away"}, {"guardianship", "fair"}}).colour == Colour::Green);
  // 10: poor guardianship 10 → blue.
  CHECK(score_of({{"guardianship", "poor"}}).total == 10);
  CHECK(score_of({{"guardianship", "poor"}}).colour == Colour::Blue);
  // 24: carer 70+/ill 14 + poor guardianship 10 → blue.
  Score s24 = score_of({{"carer", "carer_elderly_ill_disabled"}, {"guardianship", "poor"}});
  CHECK(s24.total == 24);
  CHECK(s24.colour == Colour::Blue);
  // 25: no stable carer 20 + 1 warning sign 5 → yellow.
  Score s25 = score_of({{"carer", "no_stable_carer"}, {"warning_signs", 1}});
  CHECK(s25.total == 25);
  CHECK(s25.colour == Colour::Yellow);
  // 44: G at its maximum 20 + 10 + 6 + 4 = 40, plus a grade 3–4 disability 4 → yellow.
  json g_max = {{"carer", "no_stable_carer"}, {"guardianship", "poor"}, {"home_hazards", 2}, {"past_abuse_resolved", true}};
  json s44 = g_max;
  s44["disability"] = "moderate";
  CHECK(score_of(s44).total == 44);
  CHECK(score_of(s44).colour == Colour::Yellow);
  // 45: G 40 + one behaviour problem 5 → red with no trigger.
  json s45 = g_max;
  s45["behaviour_problems"] = 1;
  CHECK(score_of(s45).total == 45);
  CHECK(score_of(s45).colour == Colour::Red);
  CHECK(score_of(s45).triggers.empty());
}

TEST_CASE("Instrument: every factor cap and every domain cap", "[instrument]") {
  // Home hazards 3 each, max 6: 1 → 3, 2 → 6, 5 → 6.
  CHECK(score_of({{"home_hazards", 1}}).g == 3);
  CHECK(score_of({{"home_hazards", 2}}).g == 6);
  CHECK(score_of({{"home_hazards", 5}}).g == 6);
  // Warning signs: none 0, 1–2 → 5, 3+ → 10.
  CHECK(score_of({{"warning_signs", 2}}).b == 5);
  CHECK(score_of({{"warning_signs", 3}}).b == 10);
  CHECK(score_of({{"warning_signs", 9}}).b == 10);
  // Behaviour problems 5 each, max 10: 2 → 10, 4 → 10.
  CHECK(score_of({{"behaviour_problems", 2}}).b == 10);
  CHECK(score_of({{"behaviour_problems", 4}}).b == 10);
  // The domain maxima of the default policy equal the caps: G 20+10+6+4 = 40, H 10+8+7 = 25, B 10+10 = 20,
  // L 6+6+3 = 15 → 100.
  json all = {{"carer", "no_stable_carer"}, {"guardianship", "poor"}, {"home_hazards", 9}, {"past_abuse_resolved", true},
              {"disability", "severe"}, {"serious_illness", true}, {"unmet_treatment", true}, {"warning_signs", 5},
              {"behaviour_problems", 5}, {"income", "below_1x_or_dibao"}, {"school", "dropout"},
              {"parent_contact_gap_months", 20}, {"left_behind", true}};
  Score max = score_of(all);
  CHECK(max.g == 40);
  CHECK(max.h == 25);
  CHECK(max.b == 20);
  CHECK(max.l == 15);
  CHECK(max.total == 100);
  // A county with lower caps: the same answers are cut to G 30, H 20, B 15, L 10 → 75.
  json doc = default_policy().document;
  doc["instrument"]["caps"] = {{"G", 30}, {"H", 20}, {"B", 15}, {"L", 10}};
  auto lower = parse_policy(doc);
  REQUIRE(lower);
  Score capped = score(parse_answers(all).value(), lower.value());
  CHECK(capped.g == 30);
  CHECK(capped.h == 20);
  CHECK(capped.b == 15);
  CHECK(capped.l == 10);
  CHECK(capped.total == 75);
  CHECK(capped.colour == Colour::Red);  // 75 ≥ 45
}

TEST_CASE("Instrument: parent contact counts for left-behind children only", "[instrument]") {
  // < 6 months 0 · 6–12 months 2 · > 12 months 3.
  CHECK(score_of({{"parent_contact_gap_months", 13}}).l == 0);  // not left-behind
  CHECK(score_of({{"parent_contact_gap_months", 5}, {"left_behind", true}}).l == 0);
  CHECK(score_of({{"parent_contact_gap_months", 6}, {"left_behind", true}}).l == 2);
  CHECK(score_of({{"parent_contact_gap_months", 12}, {"left_behind", true}}).l == 2);
  CHECK(score_of({{"parent_contact_gap_months", 13}, {"left_behind", true}}).l == 3);
}

TEST_CASE("Instrument: each red trigger makes the child red whatever the score", "[instrument]") {
  for (const char* trigger : {"R1", "R2", "R3", "R4", "R5"}) {
    Score s = score_of({{"triggers", {trigger}}, {"carer", "both_parents"}});
    CHECK(s.total == 0);
    CHECK(s.colour == Colour::Red);
    REQUIRE(s.triggers.size() == 1);
    CHECK(to_string(s.triggers[0]) == trigger);
  }
}

TEST_CASE("Instrument: bad answers are refused naming the key", "[instrument]") {
  auto bad_choice = parse_answers({{"carer", "grandma"}});
  REQUIRE_FALSE(bad_choice);
  CHECK(bad_choice.status().field() == "carer");
  auto bad_trigger = parse_answers({{"triggers", {"R6"}}});
  REQUIRE_FALSE(bad_trigger);
  CHECK(bad_trigger.status().field() == "triggers");
  auto unknown = parse_answers({{"hunger", 3}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.status().field() == "hunger");
  auto negative = parse_answers({{"home_hazards", -1}});
  REQUIRE_FALSE(negative);
  CHECK(negative.status().field() == "home_hazards");
}

// ---- the safety-first colour ----

namespace {

ColourEvent ev(std::string id, std::string hlc, ColourEventKind kind, std::optional<Colour> colour, Role role,
               std::optional<std::string> supersedes = std::nullopt, bool triggers = false) {
  ColourEvent e;
  e.id = std::move(id);
  e.hlc = std::move(hlc);
  e.occurred_on = "2026-11-" + e.hlc.substr(e.hlc.size() - 2);
  e.kind = kind;
  e.colour = colour;
  e.actor_role = role;
  e.supersedes = std::move(supersedes);
  e.has_triggers = triggers;
  return e;
}

constexpr auto A = ColourEventKind::Assessment;
constexpr auto Raise = ColourEventKind::Raise;
constexpr auto Lower = ColourEventKind::Lower;

}  // namespace

TEST_CASE("Colour: the first grading always applies, a raise always applies", "[colour]") {
  auto s = derive_colour({ev("a", "10", A, Colour::Green, Role::Director)});
  CHECK(s.colour == Colour::Green);
  CHECK(s.since == "2026-11-10");
  s = derive_colour({ev("a", "10", A, Colour::Green, Role::Director), ev("b", "11", Raise, Colour::Red, Role::Director, "a")});
  CHECK(s.colour == Colour::Red);
  CHECK(s.set_by == "b");
  // A raise made offline long ago, not superseding anything, still applies.
  s = derive_colour({ev("a", "10", A, Colour::Blue, Role::Supervisor), ev("b", "11", Raise, Colour::Yellow, Role::Director)});
  CHECK(s.colour == Colour::Yellow);
}

TEST_CASE("Colour: lowering rules for each role and colour", "[colour]") {
  // `reassessed`: a director's reassessment at the new colour comes first (it opens a review, and it is the
  // evidence a lowering by hand needs); without it the lowering has no evidence.
  auto lowered = [](Colour from, Colour to, Role role, bool reassessed = true) {
    std::vector<ColourEvent> events = {ev("a", "10", A, from, Role::Supervisor)};
    if (reassessed) events.push_back(ev("r", "11", A, to, Role::Director, "a"));
    events.push_back(ev("z", "12", Lower, to, role, "a"));
    return derive_colour(events).colour == to;
  };
  // Directors never lower.
  CHECK_FALSE(lowered(Colour::Blue, Colour::Green, Role::Director));
  CHECK_FALSE(lowered(Colour::Yellow, Colour::Blue, Role::Director));
  // Supervisors: yellow or blue by one step only.
  CHECK(lowered(Colour::Yellow, Colour::Blue, Role::Supervisor));
  CHECK(lowered(Colour::Blue, Colour::Green, Role::Supervisor));
  CHECK_FALSE(lowered(Colour::Yellow, Colour::Green, Role::Supervisor));
  CHECK_FALSE(lowered(Colour::Red, Colour::Yellow, Role::Supervisor, false));
  CHECK_FALSE(lowered(Colour::Red, Colour::Yellow, Role::Supervisor));
  // County: anything, red only after a reassessment in which no trigger remains.
  CHECK(lowered(Colour::Yellow, Colour::Green, Role::County));
  CHECK_FALSE(lowered(Colour::Red, Colour::Yellow, Role::County, false));
  CHECK(lowered(Colour::Red, Colour::Yellow, Role::County));
  // A reassessment that still has a trigger does not clear the way.
  auto still_triggered = derive_colour({ev("a", "10", A, Colour::Red, Role::Supervisor, std::nullopt, true),
                                        ev("r", "11", A, Colour::Red, Role::Director, "a", true),
                                        ev("z", "12", Lower, Colour::Blue, Role::County, "r")});
  CHECK(still_triggered.colour == Colour::Red);
  // The county's own reassessment with no trigger lowers red at once.
  auto county_reassessed = derive_colour({ev("a", "10", A, Colour::Red, Role::Supervisor, std::nullopt, true),
                                          ev("r", "11", A, Colour::Yellow, Role::County, "a")});
  CHECK(county_reassessed.colour == Colour::Yellow);
}

// docs/domain.md "Lowering needs evidence": issue 12 found a supervisor taking a yellow child to green with two
// `colour lower` commands and no reassessment.
TEST_CASE("Colour: a lowering by hand needs an assessment since the last raise scoring at or below the new colour",
          "[colour]") {
  SECTION("no assessment since the grading: the lowering waits for review") {
    auto s = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                            ev("z", "11", Lower, Colour::Blue, Role::Supervisor, "a")});
    CHECK(s.colour == Colour::Yellow);
    CHECK(s.steps[1].why == NotApplied::NoEvidence);
    CHECK(to_string(s.steps[1].why) == "lowering_needs_assessment");
    CHECK(s.open_reviews == std::vector<std::string>{"z"});
  }
  SECTION("an assessment scoring above the new colour is not evidence for it") {
    // Reassessed blue, then asked to go two steps to green by the county: blue > green.
    auto s = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                            ev("r", "11", A, Colour::Blue, Role::Director, "a"),
                            ev("z", "12", Lower, Colour::Green, Role::County, "a")});
    CHECK(s.colour == Colour::Yellow);
    CHECK(s.steps[2].why == NotApplied::NoEvidence);
  }
  SECTION("an assessment before the last raise does not count") {
    // Assessed blue, raised to yellow by hand, lowered back without a new assessment: waits.
    auto s = derive_colour({ev("a", "10", A, Colour::Blue, Role::Supervisor),
                            ev("b", "11", Raise, Colour::Yellow, Role::Director, "a"),
                            ev("z", "12", Lower, Colour::Blue, Role::Supervisor, "b")});
    CHECK(s.colour == Colour::Yellow);
    CHECK(s.steps[2].why == NotApplied::NoEvidence);
    // Reassessed blue after the raise (a director's: a proposal, and evidence): the same lowering applies.
    auto evidenced = derive_colour({ev("a", "10", A, Colour::Blue, Role::Supervisor),
                                    ev("b", "11", Raise, Colour::Yellow, Role::Director, "a"),
                                    ev("r", "12", A, Colour::Blue, Role::Director, "b"),
                                    ev("z", "13", Lower, Colour::Blue, Role::Supervisor, "b")});
    CHECK(evidenced.colour == Colour::Blue);
    CHECK(evidenced.open_reviews.empty());  // the applied lowering closed the director's proposal
  }
  SECTION("yellow to green takes two lowerings, each with its evidence") {
    auto s = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                            ev("z1", "11", Lower, Colour::Blue, Role::Supervisor, "a"),
                            ev("z2", "12", Lower, Colour::Green, Role::Supervisor, "a")});
    CHECK(s.colour == Colour::Yellow);
    auto assessed = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                                   ev("r", "11", A, Colour::Green, Role::Director, "a"),
                                   ev("z1", "12", Lower, Colour::Blue, Role::Supervisor, "a"),
                                   ev("z2", "13", Lower, Colour::Green, Role::Supervisor, "z1")});
    CHECK(assessed.colour == Colour::Green);  // a green score is evidence for blue and for green
  }
}

TEST_CASE("Colour: a lowering that did not apply opens a review item, and a supervisor's grading closes it", "[colour]") {
  auto s = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                          ev("b", "11", A, Colour::Blue, Role::Director, "a")});
  CHECK(s.colour == Colour::Yellow);
  REQUIRE(s.open_reviews == std::vector<std::string>{"b"});
  CHECK(s.steps[1].why == NotApplied::Role);
  // The supervisor agrees and lowers: the item closes.
  auto agreed = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                               ev("b", "11", A, Colour::Blue, Role::Director, "a"),
                               ev("c", "12", Lower, Colour::Blue, Role::Supervisor, "a")});
  CHECK(agreed.colour == Colour::Blue);
  CHECK(agreed.open_reviews.empty());
  CHECK(agreed.steps[1].resolved_by == "c");
  // A director's "resolve" decides nothing.
  ColourEvent resolve = ev("d", "12", ColourEventKind::Resolve, std::nullopt, Role::Director);
  auto by_director = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                                    ev("b", "11", A, Colour::Blue, Role::Director, "a"), resolve});
  CHECK(by_director.open_reviews.size() == 1);
  resolve.actor_role = Role::Supervisor;
  auto by_supervisor = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                                      ev("b", "11", A, Colour::Blue, Role::Director, "a"), resolve});
  CHECK(by_supervisor.open_reviews.empty());
  CHECK(by_supervisor.colour == Colour::Yellow);
}

TEST_CASE("Colour: a stale lowering against a concurrent raise ends at the higher colour in both HLC orders",
          "[colour]") {
  // Both stations saw assessment "a" (yellow). Offline, the supervisor at one lowers to blue (superseding "a");
  // a director at the other raises to red. Whichever HLC is earlier, the child ends red.
  SECTION("raise first: the lowering is stale (it did not see the raise) and opens a review") {
    auto s = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                            ev("raise", "11", Raise, Colour::Red, Role::Director, "a"),
                            ev("lower", "12", Lower, Colour::Blue, Role::Supervisor, "a")});
    CHECK(s.colour == Colour::Red);
    CHECK(s.set_by == "raise");
    CHECK(s.steps[2].why == NotApplied::Stale);
    CHECK(s.open_reviews == std::vector<std::string>{"lower"});
  }
  SECTION("lowering first: it applies, then the raise applies") {
    auto s = derive_colour({ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                            ev("lower", "11", Lower, Colour::Blue, Role::Supervisor, "a"),
                            ev("raise", "12", Raise, Colour::Red, Role::Director, "a")});
    CHECK(s.colour == Colour::Red);
  }
  SECTION("whatever order the events arrive in, the result is the same") {
    std::vector<ColourEvent> events = {ev("a", "10", A, Colour::Yellow, Role::Supervisor),
                                       ev("raise", "11", Raise, Colour::Red, Role::Director, "a"),
                                       ev("lower", "12", Lower, Colour::Blue, Role::Supervisor, "a"),
                                       ev("b", "13", A, Colour::Blue, Role::Director, "raise")};
    auto reference = derive_colour(events);
    std::mt19937 random(7);
    for (int i = 0; i < 20; ++i) {
      std::shuffle(events.begin(), events.end(), random);
      auto s = derive_colour(events);
      CHECK(s.colour == reference.colour);
      CHECK(s.set_by == reference.set_by);
      CHECK(s.open_reviews == reference.open_reviews);
    }
    CHECK(reference.colour == Colour::Red);
    CHECK(reference.open_reviews == std::vector<std::string>{"lower", "b"});
  }
}

// ---- the schedule ----

namespace {

ScheduleInput graded(Colour colour, const char* since, std::optional<const char*> visited = std::nullopt) {
  ScheduleInput in;
  in.colour = colour;
  in.colour_since = d(since);
  if (visited) in.last_home_visit = d(*visited);
  return in;
}

}  // namespace

TEST_CASE("Schedule: next visit for each colour across month ends and leap days", "[schedule]") {
  const SchedulePolicy& p = default_policy().schedule;
  // Blue, every 30 days: 2028-01-31 + 30 = 2028-03-01 (January has 31 days, 2028 is a leap year: Feb has 29).
  CHECK(next_visit_due(graded(Colour::Blue, "2027-12-01", "2028-01-31"), p) == d("2028-03-01"));
  // Blue in a common year: 2027-01-31 + 30 = 2027-03-02 (Feb has 28).
  CHECK(next_visit_due(graded(Colour::Blue, "2026-12-01", "2027-01-31"), p) == d("2027-03-02"));
  // Red, every 7 days: 2028-02-25 + 7 = 2028-03-03 (26, 27, 28, 29 Feb, 1, 2, 3 Mar).
  CHECK(next_visit_due(graded(Colour::Red, "2028-02-01", "2028-02-25"), p) == d("2028-03-03"));
  // Yellow, every 15 days: 2027-02-20 + 15 = 2027-03-07 (8 days to 28 Feb, 7 more).
  CHECK(next_visit_due(graded(Colour::Yellow, "2027-01-01", "2027-02-20"), p) == d("2027-03-07"));
  // Green, every 90 days: 2027-12-15 + 90: 16 days to 31 Dec, 31 in Jan (47), 29 in Feb (76), 14 Mar (90).
  CHECK(next_visit_due(graded(Colour::Green, "2027-12-01", "2027-12-15"), p) == d("2028-03-14"));
  // Across a year end: red visited 2026-12-28 → 2027-01-04.
  CHECK(next_visit_due(graded(Colour::Red, "2026-12-01", "2026-12-28"), p) == d("2027-01-04"));
}

TEST_CASE("Schedule: first response after a grading or a raise", "[schedule]") {
  const SchedulePolicy& p = default_policy().schedule;
  // Red since 2026-11-28, last home visit before that: a visit within 24 hours → due 2026-11-29.
  CHECK(next_visit_due(graded(Colour::Red, "2026-11-28", "2026-11-20"), p) == d("2026-11-29"));
  // Yellow, never visited: within 3 days → 2026-12-01.
  CHECK(next_visit_due(graded(Colour::Yellow, "2026-11-28"), p) == d("2026-12-01"));
  // Blue has no first response: never visited → grading day + 30 = 2026-12-28.
  CHECK(next_visit_due(graded(Colour::Blue, "2026-11-28"), p) == d("2026-12-28"));
  // A home visit on the grading day answers the first response: red visited 2026-11-28 → + 7.
  CHECK(next_visit_due(graded(Colour::Red, "2026-11-28", "2026-11-28"), p) == d("2026-12-05"));
}

TEST_CASE("Schedule: overdue from the next day, escalation after 3 days (red) or 7 (others)", "[schedule]") {
  const SchedulePolicy& p = default_policy().schedule;
  Date due = d("2028-02-28");
  CHECK(days_overdue(due, d("2028-02-27")) == 0);
  CHECK(days_overdue(due, d("2028-02-28")) == 0);  // due today: not overdue
  CHECK(days_overdue(due, d("2028-02-29")) == 1);  // the next day (a leap day)
  CHECK(days_overdue(due, d("2028-03-02")) == 3);
  CHECK_FALSE(escalated(Colour::Red, 3, p));
  CHECK(escalated(Colour::Red, 4, p));
  for (Colour c : {Colour::Yellow, Colour::Blue, Colour::Green}) {
    CHECK_FALSE(escalated(c, 7, p));
    CHECK(escalated(c, 8, p));
  }
}

TEST_CASE("Schedule: reassessment by colour and within 7 days of a key event", "[schedule]") {
  const SchedulePolicy& p = default_policy().schedule;
  ScheduleInput in = graded(Colour::Red, "2028-01-15");
  in.last_assessed_on = d("2028-01-31");
  CHECK(next_reassessment_due(in, p) == d("2028-03-01"));  // 31 Jan + 30 (29 days of Feb, 1 Mar)
  in.colour = Colour::Blue;
  CHECK(next_reassessment_due(in, p) == d("2028-07-29"));  // + 180: Feb 29, Mar 31, Apr 30, May 31, Jun 30 = 151; Jul 29
  in.key_event_on = d("2028-02-10");
  CHECK(next_reassessment_due(in, p) == d("2028-02-17"));
}

TEST_CASE("Schedule: the extra visit before the summer and winter holidays", "[schedule]") {
  const SchedulePolicy& p = default_policy().schedule;  // summer from 07-01, winter from 01-20, window 14 days
  auto summer = pre_holiday_visit_due(d("2027-06-20"), d("2027-05-01"), p);
  REQUIRE(summer);
  CHECK(summer->due == d("2027-06-30"));
  CHECK(summer->holiday == "summer");
  CHECK_FALSE(pre_holiday_visit_due(d("2027-06-20"), d("2027-06-18"), p));  // visited in the window
  CHECK_FALSE(pre_holiday_visit_due(d("2027-06-10"), std::nullopt, p));     // window opens 06-17
  auto winter = pre_holiday_visit_due(d("2027-01-06"), std::nullopt, p);
  REQUIRE(winter);
  CHECK(winter->due == d("2027-01-19"));
}

TEST_CASE("Schedule: working days skip weekends", "[schedule]") {
  // Friday 2026-11-27 + 5 working days = Friday 2026-12-04; Saturday 2026-11-28 + 3 = Wednesday 2026-12-02.
  CHECK(add_working_days(d("2026-11-27"), 5) == d("2026-12-04"));
  CHECK(add_working_days(d("2026-11-28"), 3) == d("2026-12-02"));
  CHECK(add_working_days(d("2026-11-28"), 0) == d("2026-11-28"));
}

// ---- care ----

TEST_CASE("Care: the minimum plan per colour", "[care]") {
  const Policy& p = default_policy();
  // Red and yellow: a GUARDIANSHIP or SAFETY measure and a named case worker.
  auto none = check_minimum_plan(Colour::Red, {}, false, p);
  CHECK_FALSE(none.met);
  CHECK(none.missing == std::vector<std::string>{"measure", "GUARDIANSHIP|SAFETY", "case_worker"});
  CHECK_FALSE(check_minimum_plan(Colour::Yellow, {{"EDUCATION", "planned"}}, true, p).met);
  CHECK_FALSE(check_minimum_plan(Colour::Yellow, {{"GUARDIANSHIP", "refused"}}, true, p).met);  // refused: not counted
  CHECK(check_minimum_plan(Colour::Yellow, {{"SAFETY", "in_progress"}}, true, p).met);
  CHECK_FALSE(check_minimum_plan(Colour::Red, {{"GUARDIANSHIP", "done"}}, false, p).met);
  // Blue: at least one measure, any area; green: none.
  CHECK_FALSE(check_minimum_plan(Colour::Blue, {}, false, p).met);
  CHECK(check_minimum_plan(Colour::Blue, {{"SOCIAL", "planned"}}, false, p).met);
  CHECK(check_minimum_plan(Colour::Green, {}, false, p).met);
  CHECK(care_catalogue().size() == 10);
  CHECK(find_care_area("监护")->code == "GUARDIANSHIP");
  CHECK(find_care_area("safety")->code == "SAFETY");
}

// ---- the policy file ----

TEST_CASE("Policy: the shipped default holds every [default] of docs/domain.md, screening to care", "[policy]") {
  const Policy& p = default_policy();
  CHECK(p.screening.verify_days == 7);
  CHECK(p.screening.verify_days_suspected_red == 1);
  CHECK(p.screening.review_working_days == 5);
  CHECK(p.screening.confirm_working_days == 10);
  CHECK(p.instrument.red_from == 45);
  CHECK(p.instrument.yellow_from == 25);
  CHECK(p.instrument.blue_from == 10);
  CHECK(p.schedule[Colour::Red].director_visit_days == 7);
  CHECK(p.schedule[Colour::Yellow].director_visit_days == 15);
  CHECK(p.schedule[Colour::Blue].director_visit_days == 30);
  CHECK(p.schedule[Colour::Green].director_visit_days == 90);
  CHECK(p.schedule[Colour::Red].reassess_days == 30);
  CHECK(p.schedule[Colour::Green].reassess_days == 365);
  CHECK(p.schedule[Colour::Red].escalate_after_days == 3);
  CHECK(p.schedule[Colour::Blue].escalate_after_days == 7);
  CHECK(p.schedule.key_event_reassess_days == 7);
  CHECK(p.minimum_for(Colour::Red).case_worker);
}

TEST_CASE("Policy: a missing or out-of-range value is refused naming the key", "[policy]") {
  json doc = default_policy().document;
  SECTION("missing") {
    doc["instrument"]["carer"].erase("one_parent_away");
    auto p = parse_policy(doc);
    REQUIRE_FALSE(p);
    CHECK(p.status().field() == "policy.instrument.carer.one_parent_away");
  }
  SECTION("out of range") {
    doc["schedule"]["red"]["director_visit_days"] = 0;
    auto p = parse_policy(doc);
    REQUIRE_FALSE(p);
    CHECK(p.status().field() == "policy.schedule.red.director_visit_days");
  }
  SECTION("not a number") {
    doc["screening"]["verify_days"] = "seven";
    auto p = parse_policy(doc);
    REQUIRE_FALSE(p);
    CHECK(p.status().field() == "policy.screening.verify_days");
  }
  SECTION("cut-offs out of order") {
    doc["instrument"]["cutoffs"]["yellow"] = 50;
    auto p = parse_policy(doc);
    REQUIRE_FALSE(p);
    CHECK(p.status().field() == "policy.instrument.cutoffs");
  }
  SECTION("no version") {
    doc.erase("version");
    auto p = parse_policy(doc);
    REQUIRE_FALSE(p);
    CHECK(p.status().field() == "policy.version");
  }
  SECTION("unknown care area") {
    doc["care_minimum"]["red"]["areas_any"] = {"GUARDIANSHIP", "FOOD"};
    auto p = parse_policy(doc);
    REQUIRE_FALSE(p);
    CHECK(p.status().field() == "policy.care_minimum.red.areas_any");
  }
}

TEST_CASE("The work list's detail reads in words: a care plan's missing parts by their names, not their keys",
          "[workflow][due]") {
  auto name_of = [](const char* code) { return std::string(find_care_area(code)->zh); };
  i18n::set_language(i18n::Lang::Zh);
  CHECK(due_detail_text("measure,GUARDIANSHIP|SAFETY,case_worker") ==
        "至少一项措施、" + name_of("GUARDIANSHIP") + "或" + name_of("SAFETY") + "、个案负责人");
  CHECK(due_detail_text("case_worker") == "个案负责人");
  CHECK(due_detail_text("").empty());
  i18n::set_language(i18n::Lang::En);
  CHECK(due_detail_text("measure,case_worker") == "at least one measure, case worker");
  i18n::set_language(i18n::Lang::Zh);
}

TEST_CASE("Closure: a file ages out when its last membership ended at its category's age limit", "[workflow][closing]") {
  // Born 2010-11-27: 16 on 2026-11-27 (留守 ends), 18 on 2028-11-27 (低保 ends).
  const Date birth = d("2010-11-27");
  const MembershipSpan left_behind{Category::LeftBehind, d("2024-01-01"), d("2026-11-27")};
  CHECK_FALSE(aged_out_on({left_behind}, birth, d("2026-11-26")));  // still held the day before
  CHECK(aged_out_on({left_behind}, birth, d("2026-11-27")) == d("2026-11-27"));  // the birthday itself
  CHECK(aged_out_on({left_behind}, birth, d("2026-12-10")) == d("2026-11-27"));  // noticed later: the same day
  // A second category to 18 keeps the file open until it ends too.
  const MembershipSpan low_income{Category::LowIncome, d("2024-01-01"), d("2028-11-27")};
  CHECK_FALSE(aged_out_on({left_behind, low_income}, birth, d("2026-11-28")));
  CHECK(aged_out_on({left_behind, low_income}, birth, d("2028-11-27")) == d("2028-11-27"));
  // The last one ended by a person (not at its limit): a person closes the file.
  const MembershipSpan ended_by_hand{Category::Other, d("2024-01-01"), d("2027-01-10")};
  CHECK_FALSE(aged_out_on({left_behind, ended_by_hand}, birth, d("2027-02-01")));
  CHECK_FALSE(aged_out_on({{Category::LeftBehind, d("2024-01-01"), d("2025-06-01")}}, birth, d("2026-12-01")));
  // One ended by hand earlier does not matter: the last to end is 留守 at 16.
  CHECK(aged_out_on({{Category::LowIncome, d("2024-01-01"), d("2025-06-01")}, left_behind}, birth, d("2026-12-01")) ==
        d("2026-11-27"));
  // A category starting later keeps the file open.
  CHECK_FALSE(aged_out_on({left_behind, {Category::Other, d("2026-12-05"), d("2028-11-27")}}, birth, d("2026-11-30")));
  CHECK_FALSE(aged_out_on({}, birth, d("2030-01-01")));
  // Born on 29 February: 18 on 1 March of the common year 2026.
  CHECK(aged_out_on({{Category::Orphan, d("2020-01-01"), d("2026-03-01")}}, d("2008-02-29"), d("2026-03-01")) ==
        d("2026-03-01"));
}

TEST_CASE("Ids: a name-based record id is the same for the same name and a version 5 UUID", "[ids][closing]") {
  const std::string a = name_based_record_id("file.close/aged_out/child-1/2026-11-27");
  CHECK(a == name_based_record_id("file.close/aged_out/child-1/2026-11-27"));
  CHECK(a != name_based_record_id("file.close/aged_out/child-1/2028-11-27"));
  CHECK(looks_like_uuid(a));
  CHECK(a[14] == '5');
}
