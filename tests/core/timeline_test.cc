// The pure timeline (core/rules/timeline.h) without a database: a child's events folded into its state and
// history, and a lead's events into its three steps. Every expected value is worked by hand from docs/workflow.md
// under the default policy (visits red 7 / yellow 15 / blue 30 days, first response red 1 / yellow 3 days,
// supervisor red 14 / yellow 30, reassessment red 30 / yellow 90, key event 7 days, minimum plan red/yellow: one
// GUARDIANSHIP or SAFETY measure and a case worker within 3 / 10 working days; screening 7 days (red suspected 1),
// review 5 working days, confirmation 10 working days, red the same day).
#include <deque>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/model/policy.h"
#include "core/rules/timeline.h"

using nlohmann::json;
using namespace tongdang;

namespace {

// Events made for a test: the strings and payloads live here while the views are folded.
class Events {
 public:
  Events& add(std::string kind, std::string on, json payload = json::object(), std::string role = "director") {
    auto& e = events_.emplace_back();
    e.id = "e" + std::to_string(100 + events_.size());
    e.hlc = "h" + std::to_string(100 + events_.size());  // recorded in the order added
    e.kind = std::move(kind);
    e.on = std::move(on);
    e.role = std::move(role);
    e.payload = std::move(payload);
    return *this;
  }
  const std::string& last_id() const { return events_.back().id; }
  std::vector<TimelineEvent> views() const {
    std::vector<TimelineEvent> out;
    for (const auto& e : events_)
      out.push_back({e.id, e.kind, e.on, e.hlc, "王强", e.role, "320324102", std::string_view("c1"), &e.payload});
    return out;
  }
  std::vector<LeadEvent> lead_views() const {
    std::vector<LeadEvent> out;
    for (const auto& view : views()) out.push_back({view, "2026-11-01T09:00:00+08:00"});
    return out;
  }

 private:
  struct Stored {
    std::string id, hlc, kind, on, role;
    json payload;
  };
  std::deque<Stored> events_;  // stable addresses: the views point into them
};

json assessment(const char* colour) { return {{"colour", colour}, {"score", 50}, {"policy_version", "v1"}}; }

Date day(const char* text) { return *Date::parse(text); }

}  // namespace

TEST_CASE("Timeline: a red child's schedule, first response and minimum plan", "[timeline]") {
  Events events;
  events.add("membership.add", "2026-11-02", {{"category", "FUC"}});
  events.add("assessment", "2026-11-02", assessment("red"));  // Monday
  ChildTimeline t = fold_child(events.views(), {}, default_policy());
  const ChildState& s = t.state;
  REQUIRE(t.has_state);
  CHECK(s.colour.colour == Colour::Red);
  CHECK(s.colour.since == "2026-11-02");
  // No visit since grading: the first response, one day.
  CHECK(s.next_visit_due == day("2026-11-03"));
  CHECK(s.next_supervisor_visit_due == day("2026-11-16"));  // 2 Nov + 14
  CHECK(s.next_reassessment_due == day("2026-12-02"));      // 2 Nov + 30
  CHECK(s.care_plan_met == false);                          // no measure, no case worker
  CHECK(s.care_plan_due == day("2026-11-05"));              // 3 working days after Monday 2 Nov
  CHECK(s.last_score == 50);
  CHECK(s.key_event_on == std::nullopt);  // the membership came before the first assessment

  // A home visit with the supervisor, a SAFETY measure and a case worker named on the profile.
  events.add("visit", "2026-11-03", {{"kind", "home"}, {"with", {"督导员"}}});
  events.add("care.add", "2026-11-04", {{"area", "SAFETY"}, {"item", "防溺水"}, {"status", "planned"}});
  t = fold_child(events.views(), ChildFacts{std::string("周社工")}, default_policy());
  CHECK(t.state.last_home_visit == day("2026-11-03"));
  CHECK(t.state.last_supervisor_visit == day("2026-11-03"));
  CHECK(t.state.next_visit_due == day("2026-11-10"));             // 3 Nov + 7
  CHECK(t.state.next_supervisor_visit_due == day("2026-11-17"));  // 3 Nov + 14
  CHECK(t.state.care_plan_met == true);
  CHECK(t.state.case_worker == "周社工");
  CHECK(t.state.care_measures_active == 1);
  REQUIRE(t.state.measures.size() == 1);
  CHECK(t.state.measures[0].area == "SAFETY");
}

TEST_CASE("Timeline: a key event brings the reassessment forward until a reassessment answers it", "[timeline]") {
  Events events;
  events.add("assessment", "2026-10-01", assessment("yellow"));
  events.add("visit", "2026-10-20", {{"kind", "home"}, {"key_event", "parent_left"}});
  ChildTimeline t = fold_child(events.views(), {}, default_policy());
  CHECK(t.state.key_event == "parent_left");
  CHECK(t.state.key_event_on == day("2026-10-20"));
  CHECK(t.state.next_reassessment_due == day("2026-10-27"));  // 20 Oct + 7, before 1 Oct + 90
  CHECK(t.state.next_visit_due == day("2026-11-04"));         // 20 Oct + 15
  // The history keeps every date: the report evaluates 25 October with the key event pending.
  auto on_25th = schedule_on(t.history, day("2026-10-25").days_since_epoch());
  REQUIRE(on_25th);
  CHECK(on_25th->key_event_on == day("2026-10-20"));
  CHECK(next_reassessment_due(*on_25th, default_policy().schedule) == day("2026-10-27"));

  events.add("assessment", "2026-10-26", assessment("yellow"));
  t = fold_child(events.views(), {}, default_policy());
  CHECK(t.state.key_event_on == std::nullopt);
  CHECK(t.state.next_reassessment_due == day("2027-01-24"));  // 26 Oct + 90
  auto on_27th = schedule_on(t.history, day("2026-10-27").days_since_epoch());
  REQUIRE(on_27th);
  CHECK(on_27th->key_event_on == std::nullopt);
  CHECK(on_27th->last_assessed_on == day("2026-10-26"));
  // Before the first grading there is no schedule.
  CHECK(schedule_on(t.history, day("2026-09-30").days_since_epoch()) == std::nullopt);
}

TEST_CASE("Timeline: a director's lowering opens a review item, and the colour history keeps each change", "[timeline]") {
  Events events;
  events.add("assessment", "2026-09-01", assessment("blue"));
  const std::string blue = events.last_id();
  events.add("colour.raise", "2026-09-10", {{"to", "yellow"}, {"supersedes", blue}});
  const std::string yellow = events.last_id();
  events.add("colour.lower", "2026-09-20", {{"to", "blue"}, {"supersedes", yellow}});  // a director: not allowed
  ChildTimeline t = fold_child(events.views(), {}, default_policy());
  CHECK(t.state.colour.colour == Colour::Yellow);
  CHECK(t.state.colour.open_reviews.size() == 1);
  REQUIRE(t.state.reviews.size() == 1);
  CHECK(t.state.reviews[0].why == NotApplied::Role);
  CHECK(t.state.reviews[0].proposed == Colour::Blue);
  CHECK(t.state.review_since == "2026-09-20");
  REQUIRE(t.history.colours.size() == 2);
  CHECK(t.history.colours[0] == std::pair(day("2026-09-01").days_since_epoch(), Colour::Blue));
  CHECK(t.history.colours[1] == std::pair(day("2026-09-10").days_since_epoch(), Colour::Yellow));
  // A lowering by hand needs an assessment since the raise scoring that low (the blue one came before it): the
  // director reassesses blue (a proposal too), then the supervisor lowers yellow to blue by one step: it applies and
  // closes the review items.
  events.add("assessment", "2026-09-22", assessment("blue"));
  events.add("colour.lower", "2026-09-25", {{"to", "blue"}, {"supersedes", yellow}}, "supervisor");
  t = fold_child(events.views(), {}, default_policy());
  CHECK(t.state.colour.colour == Colour::Blue);
  CHECK(t.state.colour.open_reviews.empty());
  CHECK(t.state.reviews[0].resolved_by == events.last_id());
  CHECK(t.state.review_since == std::nullopt);
}

TEST_CASE("Timeline: events that do not make a state", "[timeline]") {
  Events events;
  events.add("file.close", "2026-09-01", {{"reason", "moved"}});
  ChildTimeline t = fold_child(events.views(), ChildFacts{std::string("")}, default_policy());
  CHECK_FALSE(t.has_state);
  CHECK(t.state.colour.colour == std::nullopt);
  CHECK(t.state.case_worker == std::nullopt);  // an empty profile value names nobody
  CHECK(t.state.next_visit_due == std::nullopt);
  CHECK(is_state_event("visit"));
  CHECK_FALSE(is_state_event("conflict.resolve"));
}

TEST_CASE("Timeline: a lead's three steps and their deadlines", "[timeline][screening]") {
  Events events;
  events.add("lead.add", "2026-11-02", {{"village", "320324102203"}, {"seen", "祖父母照看"}});  // Monday
  LeadTimeline lead = fold_lead(events.lead_views(), default_policy().screening);
  REQUIRE(lead.known);
  REQUIRE(lead.open_step());
  CHECK(lead.open_step()->step == ScreeningStep::Verification);
  CHECK(lead.verify_due == "2026-11-09");  // 2 Nov + 7
  events.add("screen.verify", "2026-11-04", {{"colour", "blue"}});
  events.add("screen.return", "2026-11-05", {{"reason", "补充材料"}});
  lead = fold_lead(events.lead_views(), default_policy().screening);
  CHECK(lead.state == "returned");
  CHECK(lead.verify_due == "2026-11-12");  // the director's step again: 5 Nov + 7
  REQUIRE(lead.steps.size() == 3);
  CHECK(lead.steps[1].step == ScreeningStep::Review);
  CHECK(lead.steps[1].due == day("2026-11-11"));  // Wednesday 4 Nov + 5 working days
  CHECK(lead.steps[1].done == day("2026-11-05"));
  events.add("screen.verify", "2026-11-06", {{"colour", "blue"}});
  events.add("screen.review", "2026-11-09");  // Monday
  lead = fold_lead(events.lead_views(), default_policy().screening);
  CHECK(lead.state == "reviewed");
  REQUIRE(lead.open_step());
  CHECK(lead.open_step()->step == ScreeningStep::Confirmation);
  CHECK(lead.open_step()->due == day("2026-11-23"));  // 9 Nov + 10 working days
  CHECK(lead.confirm_due == "2026-11-23");
  CHECK(command_of(lead.open_step()->step) == "confirm");
  events.add("screen.confirm", "2026-11-10");
  lead = fold_lead(events.lead_views(), default_policy().screening);
  CHECK(lead.open_step() == nullptr);
  CHECK(lead.steps.back().done == day("2026-11-10"));
}

TEST_CASE("Timeline: a suspected-red lead has the short limits, and a red first grading makes a lead red", "[timeline][screening]") {
  Events red;
  red.add("lead.add", "2026-11-02", {{"village", "320324102203"}, {"suspected_red", true}});
  LeadTimeline lead = fold_lead(red.lead_views(), default_policy().screening);
  CHECK(lead.red);
  CHECK(lead.verify_due == "2026-11-03");  // 24 hours
  Events graded;
  graded.add("lead.add", "2026-11-02", {{"village", "320324102203"}});
  graded.add("screen.verify", "2026-11-03", {{"colour", "red"}});
  lead = fold_lead(graded.lead_views(), default_policy().screening);
  CHECK(lead.red);
  CHECK(lead.review_due == "2026-11-03");  // the same day
  // A lead whose lead.add has not arrived is not known yet.
  Events orphan;
  orphan.add("screen.verify", "2026-11-03");
  CHECK_FALSE(fold_lead(orphan.lead_views(), default_policy().screening).known);
}
