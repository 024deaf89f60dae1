// A child's timeline and a lead's steps: the 3+4+N rules of docs/workflow.md applied to the facts recorded about
// them, in one place. A child's events, taken in (hlc, id) order, fold into its state now (colour and review items,
// the schedule of visits and reassessments, care measures and the minimum plan) and into the dated history the
// coverage report evaluates day by day; a lead's events fold into its three screening steps with their deadlines.
//
// Pure: no database, no clock, no I/O. The caller passes the events (as views of the stored ones), the profile facts
// and the county policy, so a station, the server and a test fold the same way. The workflow state (child_state,
// colour_reviews, care_measures, leads), the report rows (report_child, report_span, report_step) and `screen
// pending` are all computed from these functions (core/projection writes them).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/model/model.h"
#include "core/model/policy.h"
#include "core/rules/colour.h"
#include "core/rules/schedule.h"

namespace tongdang {

// The part of a stored event the rules read: a view, valid while the event it was made from lives.
struct TimelineEvent {
  std::string_view id;
  std::string_view kind;
  std::string_view occurred_on;  // business date, YYYY-MM-DD
  std::string_view hlc;
  std::string_view actor;
  std::string_view actor_role;
  std::string_view township;
  std::optional<std::string_view> child_id;
  const nlohmann::json* payload = nullptr;  // an object; anything else (or null) reads as {}

  const nlohmann::json& data() const;
};

// The colour part of an event; nullopt for kinds that do not set colours, or a malformed one (never guessed). A
// mandatory report (referral.add of kind mandatory_report) is red trigger R1: a raise to red.
std::optional<ColourEvent> colour_event_of(const TimelineEvent& event);
// Whether `event` is a mandatory report (强制报告), which makes the child red at once.
bool is_mandatory_report(const TimelineEvent& event);

// The event kinds a child's workflow state is folded from: a child with none of them has no state yet.
bool is_state_event(std::string_view kind);

// A home visit made by or with the supervisor (the county counts as the supervisor).
bool is_supervisor_visit(const TimelineEvent& visit);

// ---- a child ----

// The profile facts the rules read besides the events.
struct ChildFacts {
  std::optional<std::string> case_worker;  // the profile's case_worker field
};

// One care measure, as care.add made it and care.update changed it.
struct CareMeasure {
  std::string id;
  std::string township;
  std::string area;
  std::string item;
  std::string provider;
  std::string status;
  std::string started_on;
  std::string updated_on;
  std::optional<std::string> done_on;
  std::optional<std::string> outcome;
  std::string notes;
  std::string created_by;
  std::string updated_by;
};

// A lowering (or stale grading) waiting for a supervisor or the county.
struct ColourReview {
  std::string event_id;
  std::optional<Colour> from;
  Colour proposed = Colour::Green;
  NotApplied why = NotApplied::None;
  std::string opened_on;
  std::string opened_by;
  std::optional<std::string> resolved_by;
};

// A child's workflow state now (the child_state row and its companions).
struct ChildState {
  ColourState colour;
  std::vector<ColourReview> reviews;
  std::optional<std::string> review_since;  // the day the oldest open review item was made
  std::optional<int> last_score;
  std::optional<Date> last_assessed_on;
  std::optional<std::string> policy_version;
  std::optional<Date> last_home_visit;        // in-person home visits only
  std::optional<Date> last_contact;           // any visit
  std::optional<Date> last_supervisor_visit;
  std::optional<Date> key_event_on;           // a key event not yet followed by a reassessment
  std::optional<std::string> key_event;
  std::optional<std::string> case_worker;     // the latest case_worker.assign, else the profile's
  std::vector<CareMeasure> measures;          // in the order added
  int care_measures_active = 0;               // measures that count (care_status_counts)
  // Set once graded:
  std::optional<Date> next_visit_due;
  std::optional<Date> next_supervisor_visit_due;
  std::optional<Date> next_reassessment_due;
  std::optional<bool> care_plan_met;
  std::optional<Date> care_plan_due;          // only for a colour whose plan has a deadline
};

// What changes a child's schedule on a given day, as days since 1970-01-01: the same facts as the state, every date
// kept instead of only the latest, so that each past day can be evaluated (the coverage report's spans).
struct ChildHistory {
  std::vector<std::pair<std::int64_t, Colour>> colours;  // applied colour changes (day, colour), by day
  std::vector<std::int64_t> home_visits;
  std::vector<std::int64_t> supervisor_visits;
  std::vector<std::int64_t> assessments;
  std::vector<std::int64_t> key_events;  // visits with a key event, category changes, new reports (once assessed)
};

struct ChildTimeline {
  bool has_state = false;  // the child has an event of a state kind (is_state_event)
  ChildState state;
  ChildHistory history;
};

// Folds a child's events (in (hlc, id) order, as the store reads them) under `policy`.
ChildTimeline fold_child(const std::vector<TimelineEvent>& events, const ChildFacts& facts, const Policy& policy);

// The schedule as of one day of the history: the inputs in force on `day` (the latest of each fact on or before it;
// a key event counts until a reassessment on or after its day answers it). nullopt while ungraded.
std::optional<ScheduleInput> schedule_on(const ChildHistory& history, std::int64_t day);

// ---- a lead ----

// The three steps of screening (docs/workflow.md "Three-step screening"), in order.
enum class ScreeningStep { Verification, Review, Confirmation };
inline constexpr ScreeningStep kScreeningSteps[] = {ScreeningStep::Verification, ScreeningStep::Review,
                                                    ScreeningStep::Confirmation};
std::string_view to_string(ScreeningStep step);  // "verification", "review", "confirmation"
std::string_view command_of(ScreeningStep step);  // "verify", "review", "confirm" (screen pending's "step")
// The step a lead in `state` (LeadTimeline::state) waits at; nullopt once confirmed or closed.
std::optional<ScreeningStep> step_waiting(std::string_view state);

// One step of a lead: when it started, its deadline, and when it ended (verified, reviewed, confirmed, returned,
// closed); open while `done` is empty.
struct StepSpan {
  ScreeningStep step = ScreeningStep::Verification;
  Date started;
  Date due;
  std::optional<Date> done;
};

// A lead folded from its events (the leads row and its steps).
struct LeadTimeline {
  bool known = false;  // false until the lead.add event is there (the first in (hlc, id) order)
  std::string township;
  std::string village;
  std::optional<std::string> reporter, source, seen;
  bool suspected_red = false;
  bool red = false;  // same-day deadlines: red suspected, or its first grading red
  std::string state = "discovered";  // discovered | verified | returned | reviewed | confirmed | not_eligible | duplicate
  std::optional<std::string> child_id;
  std::string discovered_on, discovered_at, discovered_by;
  std::string verify_due;
  std::optional<std::string> verified_on, verified_at, verified_by, review_due, reviewed_on, reviewed_by;
  std::optional<std::string> returned_on, returned_by, return_reason, confirm_due, confirmed_on, confirmed_by;
  std::optional<std::string> closed_on, closed_by, closed_reason;
  std::vector<StepSpan> steps;  // in the order they opened

  // The step waiting now, if the lead is still being screened.
  const StepSpan* open_step() const;
};

// `recorded_at` of each event is passed beside it (the verification's time is kept on the lead).
struct LeadEvent {
  TimelineEvent event;
  std::string_view recorded_at;
};
LeadTimeline fold_lead(const std::vector<LeadEvent>& events, const ScreeningPolicy& policy);

}  // namespace tongdang
