#include "core/rules/timeline.h"

#include <algorithm>
#include <array>
#include <map>

#include "core/rules/care_plan.h"

namespace tongdang {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 17> kStateKinds = {
    "assessment", "colour.raise", "colour.lower", "colour.resolve", "visit", "care.add", "care.update",
    "case_worker.assign", "membership.add", "membership.end", "screen.verify", "screen.review", "screen.return",
    "screen.confirm", "screen.close_lead", "file.reopen", "referral.add"};

std::optional<std::string> opt_text(const json& payload, const char* key) {
  if (payload.contains(key) && payload[key].is_string()) return payload[key].get<std::string>();
  return std::nullopt;
}

template <typename T>
void keep_latest(std::optional<T>& latest, const T& value) {
  if (!latest || value > *latest) latest = value;
}

// The latest day in `days` (sorted) on or before `on`.
std::optional<std::int64_t> latest_by(const std::vector<std::int64_t>& days, std::int64_t on) {
  auto it = std::upper_bound(days.begin(), days.end(), on);
  if (it == days.begin()) return std::nullopt;
  return *std::prev(it);
}

std::optional<Date> as_date(const std::optional<std::int64_t>& day) {
  return day ? std::optional<Date>(Date::from_days(*day)) : std::nullopt;
}

CareMeasure measure_added(const TimelineEvent& e) {
  const json& p = e.data();
  CareMeasure m;
  m.id = std::string(e.id);
  m.township = std::string(e.township);
  m.area = p.value("area", "");
  m.item = p.value("item", "");
  m.provider = p.value("provider", "");
  m.status = p.value("status", "planned");
  m.started_on = m.updated_on = std::string(e.occurred_on);
  m.notes = p.value("notes", "");
  m.created_by = m.updated_by = std::string(e.actor);
  if (m.status == "done") m.done_on = m.started_on;
  return m;
}

void update_measure(CareMeasure& m, const TimelineEvent& e) {
  const json& p = e.data();
  if (auto v = opt_text(p, "status")) m.status = *v;
  if (auto v = opt_text(p, "outcome")) m.outcome = *v;
  if (auto v = opt_text(p, "provider")) m.provider = *v;
  if (auto v = opt_text(p, "notes")) m.notes = *v;
  m.updated_on = std::string(e.occurred_on);
  m.updated_by = std::string(e.actor);
  if (m.status == "done") m.done_on = m.updated_on;
}

// The dated facts of one event (assessments, visits, key events) into the state and the history. `assessed` is
// whether an assessment came before: a key event only matters for a graded child.
void fold_dated(const TimelineEvent& e, Date on, bool& assessed, ChildState& s, ChildHistory& h) {
  const json& p = e.data();
  const std::int64_t day = on.days_since_epoch();
  auto key_event = [&](std::string kind) {
    s.key_event_on = on;
    s.key_event = std::move(kind);
    h.key_events.push_back(day);
  };
  if (e.kind == "assessment") {
    keep_latest(s.last_assessed_on, on);
    s.last_score = p.value("score", 0);
    s.policy_version = opt_text(p, "policy_version");
    assessed = true;
    s.key_event_on.reset();  // a reassessment answers every earlier key event
    s.key_event.reset();
    h.assessments.push_back(day);
  } else if (e.kind == "visit") {
    keep_latest(s.last_contact, on);
    if (p.value("kind", "home") == "home") {
      keep_latest(s.last_home_visit, on);
      h.home_visits.push_back(day);
      if (is_supervisor_visit(e)) {
        keep_latest(s.last_supervisor_visit, on);
        h.supervisor_visits.push_back(day);
      }
    }
    if (auto key = opt_text(p, "key_event"); key && assessed) key_event(*key);
  } else if ((e.kind == "membership.add" || e.kind == "membership.end") && assessed) {
    key_event("category_change");
  } else if (e.kind == "screen.verify" && p.value("attached", false) && assessed) {
    key_event("new_report");
  }
}

// Review items and the colour timeline from the derived colour.
void fold_colour(const std::vector<TimelineEvent>& events, const std::vector<ColourEvent>& colour_events,
                 ChildState& s, ChildHistory& h) {
  s.colour = derive_colour(colour_events);
  auto event_of = [&](const std::string& id) {
    return std::find_if(events.begin(), events.end(), [&](const TimelineEvent& e) { return e.id == id; });
  };
  std::optional<Colour> current;
  for (const ColourStep& step : s.colour.steps) {
    const auto e = event_of(step.event_id);
    if (step.review_opened) {
      s.reviews.push_back({step.event_id, step.from, *step.to, step.why, std::string(e->occurred_on),
                           std::string(e->actor), step.resolved_by});
      const std::string on(e->occurred_on);
      if (!step.resolved_by && (!s.review_since || on < *s.review_since)) s.review_since = on;
    }
    if (!step.applied || !step.to || (current && *current == *step.to)) continue;
    current = step.to;
    if (auto on = Date::parse(e->occurred_on)) h.colours.emplace_back(on->days_since_epoch(), *step.to);
  }
  std::stable_sort(h.colours.begin(), h.colours.end(), [](auto& a, auto& b) { return a.first < b.first; });
}

// The schedule and the minimum plan of a graded child.
void fold_schedule(ChildState& s, const Policy& policy) {
  if (!s.colour.colour) return;
  const Colour colour = *s.colour.colour;
  ScheduleInput in{colour, Date::parse(s.colour.since).value_or(Date()), s.last_home_visit, s.last_supervisor_visit,
                   s.last_assessed_on, s.key_event_on};
  s.next_visit_due = next_visit_due(in, policy.schedule);
  s.next_supervisor_visit_due = next_supervisor_visit_due(in, policy.schedule);
  s.next_reassessment_due = next_reassessment_due(in, policy.schedule);
  std::vector<MeasureSummary> summaries;
  for (const auto& m : s.measures) summaries.push_back({m.area, m.status});
  s.care_plan_met = check_minimum_plan(colour, summaries, s.case_worker.has_value(), policy).met;
  const int plan_days = policy.schedule[colour].care_plan_working_days;
  if (plan_days > 0) s.care_plan_due = add_working_days(in.colour_since, plan_days);
}

}  // namespace

const json& TimelineEvent::data() const {
  static const json kEmpty = json::object();
  return payload && payload->is_object() ? *payload : kEmpty;
}

bool is_mandatory_report(const TimelineEvent& event) {
  return event.kind == "referral.add" && event.data().value("kind", "") == "mandatory_report";
}

std::optional<ColourEvent> colour_event_of(const TimelineEvent& event) {
  ColourEvent out;
  if (event.kind == "assessment") out.kind = ColourEventKind::Assessment;
  else if (event.kind == "colour.raise") out.kind = ColourEventKind::Raise;
  else if (event.kind == "colour.lower") out.kind = ColourEventKind::Lower;
  else if (event.kind == "colour.resolve") out.kind = ColourEventKind::Resolve;
  else if (is_mandatory_report(event)) out.kind = ColourEventKind::Raise;
  else return std::nullopt;
  out.id = std::string(event.id);
  out.hlc = std::string(event.hlc);
  out.occurred_on = std::string(event.occurred_on);
  // An unknown role (a newer program's) is treated as the least privileged: it can raise, never lower.
  out.actor_role = parse_role(event.actor_role).value_or(Role::Viewer);
  const json& p = event.data();
  if (event.kind == "referral.add") {
    // A mandatory report of suspected harm is red trigger R1 (docs/domain.md "Mandatory reporting"): a raise to
    // red with a trigger, which always applies, and which only a clear reassessment lets the county lower.
    out.colour = Colour::Red;
    out.has_triggers = true;
    return out;
  }
  if (out.kind == ColourEventKind::Assessment) {
    out.colour = parse_colour(p.value("colour", ""));
    out.has_triggers = p.contains("triggers") && p["triggers"].is_array() && !p["triggers"].empty();
  } else if (out.kind != ColourEventKind::Resolve) {
    out.colour = parse_colour(p.value("to", ""));
  }
  if (p.contains("supersedes") && p["supersedes"].is_string()) out.supersedes = p["supersedes"].get<std::string>();
  if (p.contains("resolves") && p["resolves"].is_array())
    for (const auto& id : p["resolves"])
      if (id.is_string()) out.resolves.push_back(id);
  if (out.kind != ColourEventKind::Resolve && !out.colour) return std::nullopt;  // malformed: ignored, never guessed
  return out;
}

bool is_state_event(std::string_view kind) {
  return std::find(kStateKinds.begin(), kStateKinds.end(), kind) != kStateKinds.end();
}

bool is_supervisor_visit(const TimelineEvent& visit) {
  if (visit.actor_role == "supervisor" || visit.actor_role == "county") return true;
  const json& p = visit.data();
  if (p.contains("with") && p["with"].is_array())
    for (const auto& who : p["with"])
      if (who == "supervisor" || who == "督导员" || who == "儿童督导员") return true;
  return false;
}

ChildTimeline fold_child(const std::vector<TimelineEvent>& events, const ChildFacts& facts, const Policy& policy) {
  ChildTimeline t;
  ChildState& s = t.state;
  std::vector<ColourEvent> colour_events;
  std::optional<std::string> assigned_worker;
  bool assessed = false;
  for (const TimelineEvent& e : events) {  // (hlc, id) order
    if (is_state_event(e.kind)) t.has_state = true;
    if (auto ce = colour_event_of(e)) colour_events.push_back(std::move(*ce));
    if (auto on = Date::parse(e.occurred_on)) fold_dated(e, *on, assessed, s, t.history);
    if (e.kind == "case_worker.assign") {
      assigned_worker = opt_text(e.data(), "name");
    } else if (e.kind == "care.add") {
      s.measures.push_back(measure_added(e));
    } else if (e.kind == "care.update") {
      const std::string id = e.data().value("measure_id", "");
      auto it = std::find_if(s.measures.begin(), s.measures.end(), [&](const CareMeasure& m) { return m.id == id; });
      if (it != s.measures.end()) update_measure(*it, e);  // a measure not known here: kept in events, not shown
    }
  }
  for (const auto& m : s.measures)
    if (care_status_counts(m.status)) ++s.care_measures_active;
  s.case_worker = assigned_worker ? assigned_worker : facts.case_worker;
  if (s.case_worker && s.case_worker->empty()) s.case_worker.reset();
  fold_colour(events, colour_events, s, t.history);
  fold_schedule(s, policy);
  for (auto* days : {&t.history.home_visits, &t.history.supervisor_visits, &t.history.assessments,
                     &t.history.key_events})
    std::sort(days->begin(), days->end());
  return t;
}

std::optional<ScheduleInput> schedule_on(const ChildHistory& h, std::int64_t day) {
  std::optional<Colour> colour;
  std::int64_t since = 0;
  for (const auto& [changed, c] : h.colours)
    if (changed <= day) colour = c, since = changed;
  if (!colour) return std::nullopt;
  const auto assessment = latest_by(h.assessments, day);
  std::optional<Date> key_date;
  if (auto key = latest_by(h.key_events, day); key && !(assessment && *assessment >= *key))
    key_date = Date::from_days(*key);
  return ScheduleInput{*colour, Date::from_days(since), as_date(latest_by(h.home_visits, day)),
                       as_date(latest_by(h.supervisor_visits, day)), as_date(assessment), key_date};
}

// ---- a lead ----

std::string_view to_string(ScreeningStep step) {
  switch (step) {
    case ScreeningStep::Verification: return "verification";
    case ScreeningStep::Review: return "review";
    case ScreeningStep::Confirmation: return "confirmation";
  }
  return "";
}

std::string_view command_of(ScreeningStep step) {
  switch (step) {
    case ScreeningStep::Verification: return "verify";
    case ScreeningStep::Review: return "review";
    case ScreeningStep::Confirmation: return "confirm";
  }
  return "";
}

std::optional<ScreeningStep> step_waiting(std::string_view state) {
  if (state == "discovered" || state == "returned") return ScreeningStep::Verification;
  if (state == "verified") return ScreeningStep::Review;
  if (state == "reviewed") return ScreeningStep::Confirmation;
  return std::nullopt;
}

const StepSpan* LeadTimeline::open_step() const {
  for (const auto& step : steps)
    if (!step.done) return &step;
  return nullptr;
}

namespace {

// Ends the open step on `on` (never before it started) and, unless `next` is empty, opens the next one.
void next_step(LeadTimeline& lead, Date on, std::optional<ScreeningStep> next, Date due) {
  for (auto& step : lead.steps)
    if (!step.done) step.done = std::max(on, step.started);
  if (next) lead.steps.push_back({*next, on, due, std::nullopt});
}

}  // namespace

// The steps and limits of docs/workflow.md: a lead opens home verification; a verification ends it and opens the
// township review; a return reopens verification; a review opens the county confirmation; a confirmation, "not
// eligible" or "duplicate" ends the lead. Red: the short limits.
LeadTimeline fold_lead(const std::vector<LeadEvent>& events, const ScreeningPolicy& s) {
  LeadTimeline lead;
  if (events.empty() || events.front().event.kind != "lead.add") return lead;  // the lead itself has not arrived
  const TimelineEvent& add = events.front().event;
  const json& a = add.data();
  lead.known = true;
  lead.township = std::string(add.township);
  lead.village = a.value("village", "");
  lead.reporter = opt_text(a, "reporter");
  lead.source = opt_text(a, "source");
  lead.seen = opt_text(a, "seen");
  lead.suspected_red = lead.red = a.value("suspected_red", false);
  lead.discovered_on = std::string(add.occurred_on);
  lead.discovered_at = std::string(events.front().recorded_at);
  lead.discovered_by = std::string(add.actor);
  const Date discovered = Date::parse(add.occurred_on).value_or(Date());
  auto verify_due = [&](Date from) { return from.plus_days(lead.red ? s.verify_days_suspected_red : s.verify_days); };
  lead.verify_due = verify_due(discovered).to_string();
  lead.steps.push_back({ScreeningStep::Verification, discovered, verify_due(discovered), std::nullopt});
  for (const auto& [e, recorded_at] : events) {
    const json& p = e.data();
    const Date on = Date::parse(e.occurred_on).value_or(discovered);
    const std::string day(e.occurred_on), actor(e.actor);
    if (e.kind == "screen.verify") {
      lead.state = "verified";
      if (e.child_id) lead.child_id = std::string(*e.child_id);
      if (p.value("colour", "") == "red") lead.red = true;
      lead.verified_on = day;
      lead.verified_at = std::string(recorded_at);
      lead.verified_by = actor;
      const Date due = lead.red ? on.plus_days(s.review_days_red) : add_working_days(on, s.review_working_days);
      lead.review_due = due.to_string();
      next_step(lead, on, ScreeningStep::Review, due);
    } else if (e.kind == "screen.return") {
      lead.state = "returned";
      lead.returned_on = day;
      lead.returned_by = actor;
      lead.return_reason = opt_text(p, "reason");
      lead.verify_due = verify_due(on).to_string();  // the step waiting again is the director's
      next_step(lead, on, ScreeningStep::Verification, verify_due(on));
    } else if (e.kind == "screen.review") {
      lead.state = "reviewed";
      lead.reviewed_on = day;
      lead.reviewed_by = actor;
      const Date due = lead.red ? on.plus_days(s.confirm_days_red) : add_working_days(on, s.confirm_working_days);
      lead.confirm_due = due.to_string();
      next_step(lead, on, ScreeningStep::Confirmation, due);
    } else if (e.kind == "screen.confirm") {
      lead.state = "confirmed";
      lead.confirmed_on = day;
      lead.confirmed_by = actor;
      next_step(lead, on, std::nullopt, on);
    } else if (e.kind == "screen.close_lead") {
      lead.state = p.value("outcome", "not_eligible") == "duplicate" ? "duplicate" : "not_eligible";
      if (e.child_id) lead.child_id = std::string(*e.child_id);
      lead.closed_on = day;
      lead.closed_by = actor;
      lead.closed_reason = opt_text(p, "reason");
      next_step(lead, on, std::nullopt, on);
    }
  }
  return lead;
}

}  // namespace tongdang
