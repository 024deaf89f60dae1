// Grading, review items, visits and the work list (workflow.h). Screening is in screening.cc, care in care.cc.
#include "core/workflow/workflow.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/base/tuning.h"
#include "core/projection/report_rows.h"
#include "core/projection/timeline_events.h"
#include "core/projection/workflow_state.h"
#include "core/rules/due_items.h"
#include "core/rules/schedule.h"
#include "core/store/events.h"
#include "core/workflow/care.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

json colour_json(const std::optional<Colour>& colour) {
  return colour ? json(std::string(to_string(*colour))) : json(nullptr);
}

struct StateRow {
  std::optional<Colour> colour;
  std::optional<std::string> set_by;
};

StateRow read_state(db::Database& db, std::string_view child_id) {
  auto query = db.cached("SELECT colour, colour_event_id FROM child_state WHERE child_id = ?1");
  query->bind(1, child_id);
  StateRow row;
  if (query->step()) {
    if (auto c = query->get_optional_text(0)) row.colour = parse_colour(*c);
    row.set_by = query->get_optional_text(1);
  }
  return row;
}

// What a colour event just recorded did, from the state the workflow projection derives for the child (the write's
// batch is flushed now: the result is the projection's return value, not a re-read of its rows).
struct ColourOutcome {
  std::optional<Colour> colour;  // the child's colour after the event
  bool applied = false;          // the event sets the colour
  bool pending_review = false;   // it opened a review item
};

ColourOutcome colour_outcome(WriteContext& w, std::string_view child_id, std::string_view event_id) {
  const Refreshed refreshed = refresh_now(w.db());
  const ChildState* state = refreshed_state(refreshed, child_id);
  if (!state) return {};  // (the child has no profile here: nothing derived)
  ColourOutcome out;
  out.colour = state->colour.colour;
  out.applied = state->colour.colour && state->colour.set_by == event_id;
  out.pending_review = std::any_of(state->reviews.begin(), state->reviews.end(),
                                   [&](const ColourReview& r) { return r.event_id == event_id; });
  return out;
}

bool holds_category_on(db::Database& db, std::string_view child_id, std::string_view category, Date on) {
  auto query = db.cached(
      "SELECT 1 FROM memberships WHERE child_id = ?1 AND category = ?2 AND from_date <= ?3 AND ?3 < to_date");
  query->bind(1, child_id).bind(2, category).bind(3, on.to_string());
  return query->step();
}

Status check_not_future(Station& station, Date on, const char* field) {
  if (on > station.clock().today())
    return Status::invalid(field, tr("不能晚于今天", "must not be in the future"));
  return Status::ok();
}

Result<std::string> writable_child(Station& station, std::string_view ref) {
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  return id;
}

}  // namespace

// ---- policy ----

Status set_station_policy(Station& station, const Policy& policy) {
  Role role = station.actor().role;
  if (!access::may(role, access::Action::SetPolicy))
    return Status::refused(trf("{}（{}）不能更改县级政策；需要督导员或县级用户", "{} ({}) may not change the county "
                               "policy; a supervisor or county user must", station.actor().name,
                               i18n::term(to_string(role))));
  std::string before = station.meta("policy_version").value_or(default_policy().version);
  return station.write([&](WriteContext& w) {
    store_policy(w.db(), policy);
    // Every derived row, under the new schedules and limits: the workflow state, then the report rows.
    refresh_all_workflow_state(w.db());
    report::refresh_all(w.db());
    w.audit("policy.set", "policy", policy.version, json{{"version", before}}, json{{"version", policy.version}});
    return Status::ok();
  });
}

// ---- grading ----

json AssessmentResult::to_json() const {
  return {{"event_id", event_id},
          {"score", score.total},
          {"domains", score.domains_json()},
          {"triggers", score.triggers_json()},
          {"colour", std::string(to_string(score.colour))},
          {"previous_colour", colour_json(previous_colour)},
          {"current_colour", colour_json(colour)},
          {"applied", applied},
          {"pending_review", pending_review},
          {"policy_version", score.policy_version}};
}

json ColourChange::to_json() const {
  return {{"event_id", event_id},
          {"previous_colour", colour_json(previous_colour)},
          {"colour", colour_json(colour)},
          {"applied", applied},
          {"pending_review", pending_review}};
}

namespace {

// The score of `answers` for the child on `on`: the one scoring of saving and previewing.
Score score_for_child(db::Database& db, const std::string& child_id, Answers& answers, Date on) {
  if (holds_category_on(db, child_id, "LEFT_BEHIND", on)) answers.left_behind = true;
  return score(answers, stored_policy(db));
}

}  // namespace

AssessmentResult record_assessment(WriteContext& w, const std::string& child_id, Answers answers, Date on,
                                   std::string_view notes) {
  auto& db = w.db();
  (void)refresh_now(db);  // the grading it supersedes includes the write's earlier events (screen verify)
  StateRow before = read_state(db, child_id);
  Score result = score_for_child(db, child_id, answers, on);
  Event event;
  event.child_id = child_id;
  event.kind = "assessment";
  event.occurred_on = on.to_string();
  event.payload = {{"answers", answers.to_json()},
                   {"score", result.total},
                   {"domains", result.domains_json()},
                   {"triggers", result.triggers_json()},
                   {"colour", std::string(to_string(result.colour))},
                   {"policy_version", result.policy_version},
                   {"supersedes", before.set_by ? json(*before.set_by) : json(nullptr)},
                   {"notes", notes}};
  record_event(w, event);
  const ColourOutcome after = colour_outcome(w, child_id, event.id);
  AssessmentResult out;
  out.event_id = event.id;
  out.score = result;
  out.previous_colour = before.colour;
  out.colour = after.colour;
  out.applied = after.applied;
  out.pending_review = after.pending_review;
  return out;
}

Result<AssessmentResult> assess(Station& station, std::string_view child_ref, Answers answers, std::optional<Date> on,
                                std::string_view notes) {
  auto id = writable_child(station, child_ref);
  if (!id) return id.status();
  Date day = on.value_or(station.clock().today());
  if (auto checked = check_not_future(station, day, "date"); !checked) return checked;
  AssessmentResult result;
  Status written = station.write([&](WriteContext& w) {
    result = record_assessment(w, id.value(), answers, day, notes);
    return Status::ok();
  });
  if (!written) return written;
  return result;
}

Result<AssessmentPreview> preview_assessment(Station& station, std::string_view child_ref, Answers answers,
                                             std::optional<Date> on) {
  auto id = writable_child(station, child_ref);
  if (!id) return id.status();
  Date day = on.value_or(station.clock().today());
  if (auto checked = check_not_future(station, day, "date"); !checked) return checked;
  AssessmentPreview out;
  out.score = score_for_child(station.db(), id.value(), answers, day);
  out.current_colour = read_state(station.db(), id.value()).colour;
  out.lowering = out.current_colour && out.score.colour < *out.current_colour;
  return out;
}

ColourFacts colour_facts(db::Database& db, std::string_view child_id) {
  const StateRow state = read_state(db, child_id);
  ColourFacts facts{state.colour, state.set_by, {}, stored_policy(db).version};
  auto query = db.cached("SELECT event_id FROM colour_reviews WHERE child_id = ?1 AND resolved_by IS NULL");
  query->bind(1, child_id);
  while (query->step()) facts.open_reviews.push_back(query->get_text(0));
  query->reset();
  return facts;
}

Result<Event> colour_change_event(const ColourFacts& facts, std::string_view child_id, bool raise, Colour to,
                                  std::string_view reason, Date day) {
  if (reason.empty()) return Status::invalid("reason", tr("改变风险等级必须写明原因", "a colour change needs a reason"));
  if (raise && facts.colour && to <= *facts.colour)
    return Status::invalid("to", trf("当前为{}，提级须高于当前等级（降级请用 colour lower）",
                                     "the child is {}: a raise must be higher (use colour lower to lower)",
                                     i18n::term(to_string(*facts.colour))));
  if (!raise && !facts.colour)
    return Status::invalid("to", tr("该儿童尚未定级，不能降级", "the child is not graded yet: nothing to lower"));
  if (!raise && to >= *facts.colour)
    return Status::invalid("to", trf("当前为{}，降级须低于当前等级", "the child is {}: a lowering must be lower",
                                     i18n::term(to_string(*facts.colour))));
  Event event;
  event.child_id = std::string(child_id);
  event.kind = raise ? "colour.raise" : "colour.lower";
  event.occurred_on = day.to_string();
  event.payload = {{"to", std::string(to_string(to))},
                   {"from", colour_json(facts.colour)},
                   {"reason", reason},
                   {"supersedes", facts.set_by ? json(*facts.set_by) : json(nullptr)},
                   {"policy_version", facts.policy_version}};
  return event;
}

Result<Event> keep_colour_event(const ColourFacts& facts, std::string_view child_id, std::string_view reason) {
  if (reason.empty()) return Status::invalid("reason", tr("需要写明原因", "a reason is needed"));
  if (facts.open_reviews.empty()) return Status::not_found(tr("该儿童没有待复核事项", "the child has no open review item"));
  Event event;
  event.child_id = std::string(child_id);
  event.kind = "colour.resolve";
  event.payload = {{"resolves", facts.open_reviews}, {"reason", reason}, {"keep", true}};
  return event;
}

Result<ColourChange> change_colour(Station& station, std::string_view child_ref, bool raise, Colour to,
                                   std::string_view reason, std::optional<Date> on) {
  auto id = writable_child(station, child_ref);
  if (!id) return id.status();
  if (reason.empty()) return Status::invalid("reason", tr("改变风险等级必须写明原因", "a colour change needs a reason"));
  Date day = on.value_or(station.clock().today());
  if (auto checked = check_not_future(station, day, "date"); !checked) return checked;
  const ColourFacts before = colour_facts(station.db(), id.value());
  auto planned = colour_change_event(before, id.value(), raise, to, reason, day);
  if (!planned) return planned.status();
  ColourChange out;
  Status written = station.write([&](WriteContext& w) {
    Event event = planned.value();
    record_event(w, event);
    const ColourOutcome after = colour_outcome(w, id.value(), event.id);
    out.event_id = event.id;
    out.previous_colour = before.colour;
    out.colour = after.colour;
    out.applied = after.applied;
    out.pending_review = after.pending_review;
    return Status::ok();
  });
  if (!written) return written;
  return out;
}

Status resolve_reviews(Station& station, std::string_view child_ref, std::string_view reason) {
  auto id = writable_child(station, child_ref);
  if (!id) return id.status();
  Role role = station.actor().role;
  if (!access::may(role, access::Action::DecideReviews))
    return Status::refused(trf("{}（{}）不能处理复核事项；需要督导员或县级用户", "{} ({}) may not decide review items; "
                               "a supervisor or county user must", station.actor().name, i18n::term(to_string(role))));
  auto planned = keep_colour_event(colour_facts(station.db(), id.value()), id.value(), reason);
  if (!planned) return planned.status();
  return station.write([&](WriteContext& w) {
    Event event = planned.value();
    record_event(w, event);
    return Status::ok();
  });
}

Result<json> colour_history(Station& station, std::string_view child_ref) {
  auto id = resolve_child(station, child_ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), false); !access) return access;
  json history = colour_history_of(station, id.value());
  if (history["colour"] == "red") station.audit_read("file.open_red", "child", id.value());
  return history;
}

json colour_history_of(Station& station, const std::string& child_id) {
  std::vector<Event> events;
  std::vector<ColourEvent> colour_events;
  for (auto& e : child_events(station.db(), child_id)) {
    if (auto ce = colour_event_of(timeline_event(e))) {
      colour_events.push_back(*ce);
      events.push_back(std::move(e));
    }
  }
  ColourState state = derive_colour(colour_events);
  json steps = json::array();
  for (const auto& step : state.steps) {
    const Event& e = *std::find_if(events.begin(), events.end(), [&](const Event& x) { return x.id == step.event_id; });
    json row = {{"event_id", e.id},
                {"kind", e.kind},
                {"date", e.occurred_on},
                {"hlc", e.hlc},
                {"actor", e.actor},
                {"actor_role", e.actor_role},
                {"from", colour_json(step.from)},
                {"to", colour_json(step.to)},
                {"applied", step.applied},
                {"why_not_applied", step.applied ? json(nullptr) : json(std::string(to_string(step.why)))},
                {"review_opened", step.review_opened},
                {"resolved_by", step.resolved_by ? json(*step.resolved_by) : json(nullptr)},
                {"reason", e.payload.value("reason", e.payload.value("notes", ""))},
                {"policy_version", e.payload.value("policy_version", "")}};
    if (e.kind == "assessment") {
      row["score"] = e.payload.value("score", 0);
      row["domains"] = e.payload.value("domains", json::object());
      row["triggers"] = e.payload.value("triggers", json::array());
    }
    steps.push_back(row);
  }
  return json{{"child_id", child_id},
              {"colour", colour_json(state.colour)},
              {"since", state.colour ? json(state.since) : json(nullptr)},
              {"open_reviews", state.open_reviews},
              {"history", steps}};
}

// ---- visits ----

const std::vector<std::string_view>& key_events() {
  static const std::vector<std::string_view> kinds = keys_of(Vocabulary::KeyEvent);
  return kinds;
}

bool is_key_event(std::string_view kind) {
  return find_choice(Vocabulary::KeyEvent, kind) != nullptr;
}

Result<std::string> add_visit(Station& station, std::string_view child_ref, const NewVisit& visit) {
  auto id = writable_child(station, child_ref);
  if (!id) return id.status();
  if (!find_choice(Vocabulary::VisitKind, visit.kind))
    return Status::invalid("kind", not_a_choice(Vocabulary::VisitKind, visit.kind));
  if (visit.key_event && !is_key_event(*visit.key_event))
    return Status::invalid("event", not_a_choice(Vocabulary::KeyEvent, *visit.key_event));
  if (!visit.on.valid()) return Status::invalid("date", tr("需要走访日期", "the visit date is needed"));
  if (auto checked = check_not_future(station, visit.on, "date"); !checked) return checked;
  std::string event_id;
  Status written = station.write([&](WriteContext& w) {
    Event event;
    event.child_id = id.value();
    event.kind = "visit";
    event.occurred_on = visit.on.to_string();
    event.payload = {{"kind", visit.kind}, {"with", visit.with}, {"notes", visit.notes}};
    if (visit.key_event) event.payload["key_event"] = *visit.key_event;
    record_event(w, event);
    event_id = event.id;
    return Status::ok();
  });
  if (!written) return written;
  return event_id;
}

// ---- the work list ----

std::string due_detail_text(const std::string& detail) {
  using i18n::edge::tr;
  std::string out;
  std::size_t start = 0;
  while (start <= detail.size()) {
    const std::size_t comma = std::min(detail.find(',', start), detail.size());
    const std::string_view part = std::string_view(detail).substr(start, comma - start);
    std::string shown;
    std::size_t from = 0;
    while (from <= part.size()) {
      const std::size_t bar = std::min(part.find('|', from), part.size());
      const std::string_view alternative = part.substr(from, bar - from);
      const CareArea* area = find_care_area(alternative);
      const std::string name =
          area ? std::string(i18n::language() == i18n::Lang::Zh ? area->zh : area->en) : i18n::label(alternative);
      shown += (shown.empty() ? "" : tr("或", " or ")) + name;
      from = bar + 1;
    }
    out += (out.empty() ? "" : tr("、", ", ")) + shown;
    start = comma + 1;
  }
  return out;
}

json DueRow::to_json() const {
  json items_json = json::array();
  for (const auto& item : items)
    items_json.push_back({{"what", item.what},
                          {"due", item.due},
                          {"days_overdue", item.days_overdue},
                          {"escalated", item.escalated},
                          {"detail", item.detail}});
  return {{"child_id", child_id.empty() ? json(nullptr) : json(child_id)},
          {"lead_id", lead_id.empty() ? json(nullptr) : json(lead_id)},
          {"name", name},
          {"village", village},
          {"colour", colour_json(colour)},
          {"last_home_visit", last_home_visit ? json(*last_home_visit) : json(nullptr)},
          {"next_due", next_due},
          {"days_overdue", days_overdue},
          {"escalated", escalated},
          {"items", items_json}};
}

namespace {

// What every item of one work list is measured against: the day, the horizon, the station's policy and whether the
// actor sees supervision items.
struct DueContext {
  const DueOptions& options;
  const Policy& policy;
  Date as_of;
  Date horizon;
  bool supervises = false;

  // An item due on `due`, overdue and escalated by the child's colour (a child not yet graded counts as green).
  DueItem item(std::string what, const std::string& due, std::optional<Colour> colour, std::string detail) const {
    DueItem item{std::move(what), due, 0, false, std::move(detail)};
    if (auto d = Date::parse(due)) {
      item.days_overdue = days_overdue(*d, as_of);
      item.escalated = escalated(colour.value_or(Colour::Green), item.days_overdue, policy.schedule);
    }
    return item;
  }

  // Whether the list shows an item: only overdue ones when asked, otherwise those due within the horizon.
  bool keeps(const DueItem& item) const {
    if (options.overdue_only) return item.days_overdue > 0;
    // The pre-holiday visit exists only inside its window: show it for the whole window, not just its last week.
    if (item.what == "pre_holiday_visit") return true;
    auto due = Date::parse(item.due);
    return due && *due <= horizon;
  }
};

// The columns of the open-children query in child_rows, by position (SQLite columns are 0-based). All are named,
// the two the due list does not read (last_supervisor_visit, key_event_on) too, so the list matches the SELECT.
namespace child_column {
[[maybe_unused]] constexpr int
    id = 0, name = 1, village = 2, created_on = 3, colour = 4, colour_since = 5, last_home_visit = 6,
    last_supervisor_visit = 7, next_visit_due = 8, next_supervisor_visit_due = 9, next_reassessment_due = 10,
    key_event = 11, key_event_on = 12, pending_review = 13, review_since = 14, care_plan_due = 15, case_worker = 16,
    care_plan_met = 17;
}  // namespace child_column

// The child's derived facts as its query row holds them (the child_state columns; an ungraded child has none).
DueFacts due_facts(db::Statement& child, const DueRow& row, const DueContext& ctx) {
  DueFacts facts;
  facts.colour = row.colour;
  facts.created_on = child.get_text(child_column::created_on);
  if (!row.colour) return facts;
  facts.next_visit_due = child.get_text(child_column::next_visit_due);
  facts.next_supervisor_visit_due = child.get_text(child_column::next_supervisor_visit_due);
  facts.next_reassessment_due = child.get_text(child_column::next_reassessment_due);
  facts.key_event = child.get_optional_text(child_column::key_event).value_or("");
  // The projection keeps whether the plan is met (core/rules/timeline.cc, the same check_minimum_plan over the same
  // events, refreshed in the writing transaction): a met plan needs no query.
  facts.care_plan_met = child.get_optional_int(child_column::care_plan_met).value_or(0) == 1;
  facts.care_plan_due =
      child.get_optional_text(child_column::care_plan_due).value_or(child.get_text(child_column::colour_since));
  facts.pending_review = child.get_int(child_column::pending_review);
  facts.review_since = child.get_optional_text(child_column::review_since).value_or(ctx.as_of.to_string());
  return facts;
}

// The parts an unmet minimum care plan lacks, checked live (a case worker typed into the profile counts at once),
// or nullopt if the plan is met after all.
std::optional<std::string> care_plan_missing(db::Database& db, const DueContext& ctx, db::Statement& child,
                                             const DueRow& row) {
  std::vector<MeasureSummary> measures;
  auto m = db.cached("SELECT area, status FROM care_measures WHERE child_id = ?1");
  m->bind(1, row.child_id);
  while (m->step()) measures.push_back({m->get_text(0), m->get_text(1)});
  m->reset();
  auto plan = check_minimum_plan(*row.colour, measures, child.get_optional_text(child_column::case_worker).has_value(),
                                 ctx.policy);
  if (plan.met) return std::nullopt;
  std::string missing;
  for (const auto& part : plan.missing) missing += (missing.empty() ? "" : ",") + part;
  return missing;
}

// Everything due for one open child, kept or not: its standing items (core/rules/due_items.h: the first assessment
// while ungraded, otherwise visits, reassessment, the care plan and, for supervisors, the supervisor's visit and the
// colour review) with the pre-holiday visit of the day after the reassessment.
std::vector<DueItem> child_items(db::Database& db, const DueContext& ctx, db::Statement& child, const DueRow& row) {
  std::vector<DueItem> items;
  for (StandingDue& standing : standing_due_items(due_facts(child, row, ctx), ctx.policy)) {
    if (standing.supervision && !ctx.supervises) continue;
    if (standing.what == "care_plan") {
      auto missing = care_plan_missing(db, ctx, child, row);
      if (!missing) continue;
      standing.detail = std::move(*missing);
    }
    const bool reassessment = standing.what == "reassessment";
    items.push_back(ctx.item(std::move(standing.what), standing.due, row.colour, std::move(standing.detail)));
    if (!reassessment) continue;
    std::optional<Date> last_home;
    if (row.last_home_visit) last_home = Date::parse(*row.last_home_visit);
    if (auto holiday = pre_holiday_visit_due(ctx.as_of, last_home, ctx.policy.schedule))
      items.push_back(ctx.item("pre_holiday_visit", holiday->due.to_string(), row.colour, holiday->holiday));
  }
  return items;
}

// One row per open child of the station's township in the actor's scope (in no particular order: `ranked` orders
// every row), with the items the list keeps; `row_of_child` maps each child to its row. With `only` (a JSON array
// of child ids), only those children's rows (a page's candidates, due_page).
std::vector<DueRow> child_rows(db::Database& db, const User& actor, const std::string& township,
                               const DueContext& ctx, std::unordered_map<std::string, std::size_t>& row_of_child,
                               const std::optional<std::string>& only = std::nullopt) {
  std::vector<DueRow> rows;
  auto query = db.prepare(std::string(
      "SELECT c.id, c.name, c.village, substr(c.created_at, 1, 10), s.colour, s.colour_since, s.last_home_visit,"
      " s.last_supervisor_visit, s.next_visit_due, s.next_supervisor_visit_due, s.next_reassessment_due,"
      " s.key_event, s.key_event_on, s.pending_review, s.review_since, s.care_plan_due,"
      " coalesce(s.case_worker, c.case_worker), s.care_plan_met"
      " FROM children c LEFT JOIN child_state s ON s.child_id = c.id WHERE c.status = 'open' AND c.township = ?1") +
                          (only ? " AND c.id IN (SELECT value FROM json_each(?2))" : ""));
  // (a file transferred to another township stays here read-only, off the work list)
  query.bind(1, township);
  if (only) query.bind(2, *only);
  while (query.step()) {
    if (!actor.covers_village(query.get_text(child_column::village))) continue;
    DueRow row;
    row.child_id = query.get_text(child_column::id);
    row.name = query.get_text(child_column::name);
    row.village = query.get_text(child_column::village);
    if (auto c = query.get_optional_text(child_column::colour)) row.colour = parse_colour(*c);
    row.last_home_visit = query.get_optional_text(child_column::last_home_visit);
    for (auto& item : child_items(db, ctx, query, row)) {
      if (row.next_due.empty() || item.due < row.next_due) row.next_due = item.due;  // over every item, kept or not
      if (ctx.keeps(item)) row.items.push_back(std::move(item));
    }
    row_of_child[row.child_id] = rows.size();
    rows.push_back(std::move(row));
  }
  return rows;
}

// Screening steps waiting (docs/domain.md "Screening: the three steps"): on the child's row when the lead became a
// file, otherwise on a row of the lead's own.
void add_screening_steps(db::Database& db, const User& actor, const DueContext& ctx, std::vector<DueRow>& rows,
                         const std::unordered_map<std::string, std::size_t>& row_of_child) {
  auto leads = db.prepare(
      "SELECT id, village, child_id, state, red, verify_due, review_due, confirm_due, reporter, source"
      " FROM leads WHERE state IN ('discovered', 'returned', 'verified', 'reviewed') ORDER BY discovered_on, id");
  while (leads.step()) {
    std::string village = leads.get_text(1);
    if (!actor.covers_village(village)) continue;
    std::string state = leads.get_text(3);
    std::optional<Colour> urgency = leads.get_int(4) ? std::optional(Colour::Red) : std::nullopt;
    DueItem item = state == "verified"   ? ctx.item("screening_review", leads.get_text(6), urgency, "")
                   : state == "reviewed" ? ctx.item("screening_confirm", leads.get_text(7), urgency, "")
                                         : ctx.item("screening_verify", leads.get_text(5), urgency, state);
    if (!ctx.keeps(item)) continue;
    auto child = leads.get_optional_text(2);
    if (child && row_of_child.contains(*child)) {
      rows[row_of_child.at(*child)].items.push_back(item);
      continue;
    }
    DueRow row;
    row.lead_id = leads.get_text(0);
    row.name =
        trf("线索（{}）", "lead ({})", leads.get_optional_text(8).value_or(leads.get_optional_text(9).value_or("")));
    row.village = village;
    row.colour = urgency;
    row.items.push_back(item);
    rows.push_back(std::move(row));
  }
}

// Each row's summary over its kept items (days overdue, escalated, next due), rows with nothing overdue dropped when
// only overdue items are asked for, red first, then most overdue, then soonest due; ties by village and name, and
// files before leads (a total order: the rows come from SQL unsorted). Indices are sorted, not the rows.
std::vector<DueRow> ranked(std::vector<DueRow> rows, const DueOptions& options) {
  std::vector<std::size_t> order;
  order.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    DueRow& row = rows[i];
    if (options.overdue_only && row.items.empty()) continue;
    for (const auto& item : row.items) {
      row.days_overdue = std::max(row.days_overdue, item.days_overdue);
      row.escalated = row.escalated || item.escalated;
      if (row.next_due.empty() || item.due < row.next_due) row.next_due = item.due;
    }
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&rows](std::size_t ia, std::size_t ib) {
    const DueRow& a = rows[ia];
    const DueRow& b = rows[ib];
    const bool a_red = a.colour == Colour::Red, b_red = b.colour == Colour::Red;
    if (a_red != b_red) return a_red;
    if (a.days_overdue != b.days_overdue) return a.days_overdue > b.days_overdue;
    if (a.next_due != b.next_due) return a.next_due < b.next_due;
    const bool a_lead = a.child_id.empty(), b_lead = b.child_id.empty();
    if (a_lead != b_lead) return b_lead;
    if (a_lead) return false;  // leads keep the order they were found in
    return std::tie(a.village, a.name, a.child_id) < std::tie(b.village, b.name, b.child_id);
  });
  std::vector<DueRow> out;
  out.reserve(order.size());
  for (std::size_t i : order) out.push_back(std::move(rows[i]));
  return out;
}

DueContext due_context(Station& station, const DueOptions& options) {
  return DueContext{options, stored_policy(station.db()), options.as_of, options.as_of.plus_days(options.horizon_days),
                    access::may(station.actor().role, access::Action::SeeSupervision)};
}

Status may_read_due(const User& actor) {
  if (!access::may(actor.role, access::Action::ReadFiles))
    return Status::refused(trf("{} 是查看者，只能看汇总报表", "{} is a viewer: aggregate reports only", actor.name));
  return Status::ok();
}

// The whole list: every open child's items built and ranked (due_list).
std::vector<DueRow> full_due_list(Station& station, const DueContext& ctx) {
  auto& db = station.db();
  std::unordered_map<std::string, std::size_t> row_of_child;
  std::vector<DueRow> rows = child_rows(db, station.actor(), station.township(), ctx, row_of_child);
  add_screening_steps(db, station.actor(), ctx, rows, row_of_child);
  return ranked(std::move(rows), ctx.options);
}

// ---- the fast path: a page chosen by the due_rank keys (core/rules/due_items.h) ----
//
// A child's rank is (red first, then its earliest due date, then village, name, id): its days overdue are those of
// its earliest item, since every overdue item is kept. The due_rank row holds the earliest standing due date; the
// query adds the pre-holiday visit of the day (holiday_windows). Only a lead's screening step is not in it, so every
// child with an open lead is a candidate too, built exactly. Then the candidates — the first `want` children by the
// key, those children and the leads' own rows — are built by child_items and ranked by `ranked`, as in the full list:
// any child left out has `want` children before it whatever its own items are.

// The rank key of the list's audience as SQL over due_rank d: the stored key, or the day's pre-holiday visit when
// the child has one (graded, not home-visited since the window opened) and it is earlier.
std::string rank_key_sql(const DueContext& ctx) {
  const std::string key = ctx.supervises ? "d.supervisor_due" : "d.director_due";
  const std::vector<HolidayWindow> windows = holiday_windows(ctx.as_of, ctx.policy.schedule);
  if (windows.empty()) return key;
  std::string holiday = "CASE";
  for (const HolidayWindow& window : windows)  // dates from Date::to_string: digits and dashes only
    holiday += fmt::format(" WHEN d.last_home_visit IS NULL OR d.last_home_visit < '{}' THEN '{}'",
                           window.opens.to_string(), window.visit.due.to_string());
  holiday += " END";
  return fmt::format("(CASE WHEN d.colour IS NOT NULL AND ({0}) < {1} THEN ({0}) ELSE {1} END)", holiday, key);
}

// Which children the query keeps: all (the list shows every open child), those with an overdue item, or those
// whose earliest item may be escalated (a superset: `escalations` checks each item).
enum class Keep { All, Overdue, MaybeEscalated };

std::string keep_sql(const DueContext& ctx, Keep keep, const std::string& key) {
  if (keep == Keep::All) return "";
  if (keep == Keep::Overdue) return fmt::format(" AND {} < '{}'", key, ctx.as_of.to_string());
  // escalated(): more than the colour's escalate_after_days overdue, i.e. due before as_of - that many days.
  auto bound = [&](Colour colour) {
    return ctx.as_of.plus_days(-ctx.policy.schedule[colour].escalate_after_days).to_string();
  };
  return fmt::format(" AND {} < CASE d.colour WHEN 'red' THEN '{}' WHEN 'yellow' THEN '{}' WHEN 'blue' THEN '{}'"
                     " ELSE '{}' END",
                     key, bound(Colour::Red), bound(Colour::Yellow), bound(Colour::Blue), bound(Colour::Green));
}

// The villages of the station the actor covers, as a JSON array (the queries' scope).
// The villages the list keeps to, as a JSON array for json_each: a director's own; NULL (no bound) for a role the
// township bounds (access::covers_village), where the filter would only cost a scan of the children's villages.
std::optional<std::string> villages_in_scope(const User& actor) {
  if (!access::bounded_by_villages(actor.role)) return std::nullopt;
  return json(actor.villages).dump();
}

// Whether every child has its due_rank row (a station migrated from before the table has none until `report
// rebuild`; until then the list is built the slow way).
bool due_rank_complete(db::Database& db) {
  auto query = db.prepare("SELECT (SELECT count(*) FROM children) = (SELECT count(*) FROM due_rank)");
  return query.step() && query.get_int(0) == 1;
}

// The children with a lead in a state that has a step due (their screening items are not in the key).
json lead_children(db::Database& db) {
  json ids = json::array();
  auto query = db.prepare(
      "SELECT DISTINCT child_id FROM leads WHERE child_id IS NOT NULL"
      " AND state IN ('discovered', 'returned', 'verified', 'reviewed')");
  while (query.step()) ids.push_back(query.get_text(0));
  return ids;
}

struct Ranked {
  std::vector<DueRow> rows;  // the first rows of the list, ranked
  std::size_t total = 0;     // rows of the whole list
};

// Keeps only a row's escalated items, and says whether any is left (the escalations' list).
bool escalated_items_only(DueRow& row) {
  std::erase_if(row.items, [](const DueItem& item) { return !item.escalated; });
  return !row.items.empty();
}

// The list's first `want` rows (all with want = 0) and its length, from the keys; with Keep::MaybeEscalated, the
// escalations' list (escalated_items_only on the overdue list).
Ranked ranked_from_keys(Station& station, const DueContext& ctx, Keep keep, std::size_t want) {
  auto& db = station.db();
  const User& actor = station.actor();
  const std::string key = rank_key_sql(ctx);
  const std::optional<std::string> villages = villages_in_scope(actor);
  const json leads = lead_children(db);
  // (the station's own township: a file transferred away stays here read-only, off the work list)
  const std::string from = " FROM children c JOIN due_rank d ON d.child_id = c.id WHERE c.status = 'open'"
                           " AND c.township = ?3 AND (?1 IS NULL OR c.village IN (SELECT value FROM json_each(?1)))" +
                           keep_sql(ctx, keep, key);
  json candidates = leads;
  {
    auto query = db.prepare(fmt::format("SELECT c.id{} ORDER BY d.colour IS 'red' DESC, {}, c.village, c.name, c.id{}",
                                        from, key, want > 0 ? fmt::format(" LIMIT {}", want) : ""));
    query.bind(1, villages).bind(3, station.township());
    while (query.step()) candidates.push_back(query.get_text(0));
  }
  std::size_t others = 0;  // the list's children without a lead, counted by the query
  {
    auto count = db.prepare("SELECT count(*)" + from + " AND c.id NOT IN (SELECT value FROM json_each(?2))");
    count.bind(1, villages).bind(2, leads.dump()).bind(3, station.township());
    if (count.step()) others = static_cast<std::size_t>(count.get_int(0));
  }
  std::unordered_map<std::string, std::size_t> row_of_child;
  std::vector<DueRow> rows = child_rows(db, actor, station.township(), ctx, row_of_child, candidates.dump());
  add_screening_steps(db, actor, ctx, rows, row_of_child);
  Ranked out;
  out.rows = ranked(std::move(rows), ctx.options);
  // The query's filter is exact for a child without a lead (its earliest item decides), so only the built rows
  // are filtered here.
  if (keep == Keep::MaybeEscalated) std::erase_if(out.rows, [](DueRow& row) { return !escalated_items_only(row); });
  // The counted children, and the built rows the count left out: the leads' children and the leads' own rows.
  std::unordered_map<std::string, bool> with_lead;
  for (const auto& id : leads) with_lead[id.get<std::string>()] = true;
  out.total = others;
  for (const DueRow& row : out.rows)
    if (row.child_id.empty() || with_lead.contains(row.child_id)) ++out.total;
  return out;
}

}  // namespace

Result<std::vector<DueRow>> due_list(Station& station, const DueOptions& options) {
  if (auto refused = may_read_due(station.actor()); !refused) return refused;
  return full_due_list(station, due_context(station, options));
}

Result<DuePage> due_page(Station& station, const DueOptions& options, std::size_t offset, std::size_t limit) {
  if (auto refused = may_read_due(station.actor()); !refused) return refused;
  const DueContext ctx = due_context(station, options);
  DuePage page;
  std::vector<DueRow> rows;
  if (due_rank_complete(station.db())) {
    Ranked first = ranked_from_keys(station, ctx, options.overdue_only ? Keep::Overdue : Keep::All, offset + limit);
    rows = std::move(first.rows);
    page.total = first.total;
  } else {
    rows = full_due_list(station, ctx);
    page.total = rows.size();
  }
  const std::size_t begin = std::min(offset, rows.size()), end = std::min(offset + limit, rows.size());
  page.rows.assign(std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(begin)),
                   std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(end)));
  return page;
}

Result<DuePage> due_escalations(Station& station, Date as_of, std::size_t limit) {
  if (auto refused = may_read_due(station.actor()); !refused) return refused;
  DueOptions options;
  options.as_of = as_of;
  options.overdue_only = true;
  const DueContext ctx = due_context(station, options);
  DuePage page;
  std::vector<DueRow> rows;
  if (due_rank_complete(station.db())) {
    Ranked first = ranked_from_keys(station, ctx, Keep::MaybeEscalated, limit);
    rows = std::move(first.rows);
    page.total = first.total;
  } else {
    rows = full_due_list(station, ctx);
    std::erase_if(rows, [](DueRow& row) { return !escalated_items_only(row); });
    page.total = rows.size();
  }
  if (limit > 0 && rows.size() > limit) rows.resize(limit);
  page.rows = std::move(rows);
  return page;
}

}  // namespace tongdang
