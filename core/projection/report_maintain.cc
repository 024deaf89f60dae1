// Maintaining the coverage report's rows (report_rows.h): one child's rows are recomputed from that child's own
// records — profile, memberships, events — whenever any of them changes, inside the same transaction, by the same
// fold the workflow state comes from (core/rules/timeline.h: fold_child, schedule_on, fold_lead). Recomputing the
// whole child (a few dozen rows at most) instead of patching counters keeps the maintained rows equal to a rebuild
// whatever order events arrive in (an offline visit synced a month late moves the overdue spans it ends).
// rebuild() is the same function for every child.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/model/policy.h"
#include "core/projection/report_tally.h"
#include "core/projection/report_rows.h"
#include "core/projection/timeline_events.h"
#include "core/rules/due_items.h"
#include "core/rules/timeline.h"

namespace tongdang::report {

using nlohmann::json;

namespace {

using tally::day_of;
using tally::kForever;
using tally::kForeverDays;

std::string text_of(std::int64_t day) {
  return day >= kForeverDays ? std::string(kForever) : Date::from_days(day).to_string();
}

// One span row about to be written.
struct Span {
  std::string kind;
  std::string value;
  std::int64_t from;
  std::int64_t to;
  std::optional<std::int64_t> ref;
};

// Appends `span`, merging it into the previous one of the same kind and value when they touch.
void add_span(std::vector<Span>& spans, Span span) {
  if (span.from >= span.to) return;
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    if (it->kind != span.kind) continue;
    if (it->value == span.value && it->to == span.from && it->ref == span.ref) {
      it->to = span.to;
      return;
    }
    break;
  }
  spans.push_back(std::move(span));
}

// Merges overlapping ranges (a category held twice at once counts once).
std::vector<std::pair<std::int64_t, std::int64_t>> merged(std::vector<std::pair<std::int64_t, std::int64_t>> ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& range : ranges) {
    if (range.first >= range.second) continue;
    if (!out.empty() && range.first <= out.back().second) out.back().second = std::max(out.back().second, range.second);
    else out.push_back(range);
  }
  return out;
}

}  // namespace

// ---- one child ----

namespace {

// Plain days with kNoDay for "none": GCC 12 misreads optionals assigned in the schedule walk as maybe-uninitialised.
constexpr std::int64_t kNoDay = -1;

// The children row a child's report rows are keyed and bounded by.
struct ChildRecord {
  std::string township;
  std::string village;
  std::int64_t registered = 0;     // the day registered
  std::int64_t end = kForeverDays;  // the day closed (never before registered), else kForeverDays
  std::string created_on;           // YYYY-MM-DD of created_at, as the work list reads it
  ChildFacts facts;
};

// The child's row, or nothing once it is gone.
std::optional<ChildRecord> read_child(db::Database& db, std::string_view child_id) {
  auto child = db.cached("SELECT township, village, created_at, status, closed_on, case_worker FROM children WHERE id = ?1");
  child->bind(1, child_id);
  if (!child->step()) return std::nullopt;
  ChildRecord record;
  record.township = child->get_text(0);
  record.village = child->get_text(1);
  record.registered = day_of(child->get_text(2));
  record.created_on = child->get_text(2).substr(0, 10);
  if (child->get_text(3) == "closed")
    record.end = std::max(record.registered, day_of(child->get_optional_text(4).value_or("")));
  record.facts = ChildFacts{child->get_optional_text(5)};
  child->reset();
  return record;
}

// The present as the workflow state has it, for a child that has a state (else: ungraded, nothing pending).
struct ChildPresent {
  std::optional<Colour> colour;
  std::int64_t pending_review = 0;
  bool plan_met = false;
  bool case_worker_named = false;
};

ChildPresent present_of(const ChildTimeline& timeline) {
  if (!timeline.has_state) return {};
  const ChildState& now = timeline.state;
  return {now.colour.colour, static_cast<std::int64_t>(now.colour.open_reviews.size()),
          now.care_plan_met.value_or(false), now.case_worker.has_value()};
}

// The derived colour is authoritative for the present (events dated out of HLC order could leave the timeline
// ending elsewhere): ends the history's colours on it.
void end_colours_at_present(ChildHistory& h, const ChildState& now, std::optional<Colour> colour,
                            std::int64_t registered) {
  if (!colour || (!h.colours.empty() && h.colours.back().second == *colour)) return;
  const std::int64_t since = day_of(now.colour.since);
  h.colours.emplace_back(std::max(since >= kForeverDays ? registered : since,
                                  h.colours.empty() ? registered : h.colours.back().first),
                         *colour);
}

// Monitored from registration to closing; one-day marks for the registration and the closing.
void add_lifecycle_spans(std::vector<Span>& spans, const ChildRecord& child) {
  add_span(spans, {"monitored", "", child.registered, child.end, std::nullopt});
  add_span(spans, {"registered", "", child.registered, child.registered + 1, std::nullopt});
  if (child.end < kForeverDays) add_span(spans, {"closed", "", child.end, child.end + 1, std::nullopt});
}

// Each category the child holds, over the monitored period (memberships of one category merged).
void add_category_spans(db::Database& db, std::string_view child_id, const ChildRecord& child,
                        std::vector<Span>& spans) {
  std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> by_category;
  auto query = db.cached("SELECT category, from_date, to_date FROM memberships WHERE child_id = ?1");
  query->bind(1, child_id);
  while (query->step())
    by_category[query->get_text(0)].emplace_back(std::max(child.registered, day_of(query->get_text(1))),
                                                  std::min(child.end, day_of(query->get_text(2))));
  for (auto& [category, ranges] : by_category)
    for (const auto& [from, to] : merged(ranges)) add_span(spans, {"category", category, from, to, std::nullopt});
}

// A one-day mark on each day the colour went up or down while monitored.
void add_colour_change_spans(const ChildHistory& h, const ChildRecord& child, std::vector<Span>& spans) {
  for (std::size_t i = 1; i < h.colours.size(); ++i) {
    const auto& [day, colour] = h.colours[i];
    if (day < child.registered || day >= child.end) continue;
    add_span(spans, {colour > h.colours[i - 1].second ? "raise" : "lower", std::string(to_string(colour)), day,
                     day + 1, std::nullopt});
  }
}

// The schedule in force on the last segment of the walk: what the report_child row shows.
struct ScheduleNow {
  std::optional<Colour> colour;
  std::int64_t last_visit = kNoDay;
  std::int64_t last_assessment = kNoDay;
  std::int64_t next_due = kNoDay;
  std::int64_t reassess_due = kNoDay;
};

// Walks the monitored period in segments where every input of the schedule is constant; in each, the due dates
// come from the workflow's own schedule functions, so the report and the work list (`due`) agree. Adds the colour,
// covered, overdue and reassess spans.
ScheduleNow add_schedule_spans(const ChildHistory& h, const ChildRecord& child, const Policy& policy,
                               std::vector<Span>& spans) {
  std::set<std::int64_t> cuts = {child.registered, child.end};
  for (const auto& entry : h.colours) cuts.insert(entry.first);
  for (const auto* days : {&h.home_visits, &h.supervisor_visits, &h.assessments, &h.key_events})
    cuts.insert(days->begin(), days->end());
  ScheduleNow last;
  for (auto it = cuts.begin(); it != cuts.end(); ++it) {
    auto next = std::next(it);
    if (next == cuts.end()) break;
    const std::int64_t a = *it, b = *next;
    if (a < child.registered || a >= child.end) continue;
    const std::optional<ScheduleInput> in = schedule_on(h, a);
    last.colour = in ? std::optional(in->colour) : std::nullopt;
    last.last_visit = in && in->last_home_visit ? in->last_home_visit->days_since_epoch() : kNoDay;
    last.last_assessment = in && in->last_assessed_on ? in->last_assessed_on->days_since_epoch() : kNoDay;
    if (!in) {
      last.next_due = last.reassess_due = kNoDay;
      continue;
    }
    const std::string value(to_string(in->colour));
    const ColourSchedule& schedule = policy.schedule[in->colour];
    const std::int64_t due = next_visit_due(*in, policy.schedule).days_since_epoch();
    const std::int64_t reassess = next_reassessment_due(*in, policy.schedule).days_since_epoch();
    add_span(spans, {"colour", value, a, b, std::nullopt});
    if (last.last_visit != kNoDay)
      add_span(spans,
               {"covered", value, a, std::min(b, last.last_visit + schedule.director_visit_days + 1), std::nullopt});
    add_span(spans, {"overdue", value, std::max(a, due + 1), b, due});
    add_span(spans, {"reassess", value, std::max(a, reassess + 1), b, reassess});
    last.next_due = due;
    last.reassess_due = reassess;
  }
  return last;
}

void write_spans(db::Database& db, std::string_view child_id, const ChildRecord& child,
                 const std::vector<Span>& spans) {
  auto insert = db.cached(
      "INSERT INTO report_span(child_id, township, village, kind, value, from_day, to_day, ref_day)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const Span& span : spans) {
    insert->bind_all(child_id, child.township, child.village, span.kind, span.value, text_of(span.from),
                     text_of(span.to));
    if (span.ref) insert->bind(8, text_of(*span.ref));
    else insert->bind_null(8);
    insert->run();
  }
}

std::optional<std::string> closed_on_text(const ChildRecord& child) {
  return child.end < kForeverDays ? std::optional<std::string>(text_of(child.end)) : std::nullopt;
}

void write_measures(db::Database& db, std::string_view child_id, const ChildRecord& child,
                    const std::vector<CareMeasure>& measures) {
  auto insert_measure = db.cached(
      "INSERT INTO report_measure(measure_id, child_id, township, village, area, status, registered_on, closed_on)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(measure_id) DO UPDATE SET child_id = excluded.child_id,"
      " township = excluded.township, village = excluded.village, area = excluded.area, status = excluded.status,"
      " registered_on = excluded.registered_on, closed_on = excluded.closed_on");
  for (const CareMeasure& m : measures) {
    insert_measure->bind_all(m.id, child_id, child.township, child.village, m.area, m.status,
                             text_of(child.registered));
    insert_measure->bind(8, closed_on_text(child));
    insert_measure->run();
  }
}

void write_child_row(db::Database& db, std::string_view child_id, const ChildRecord& child, const ChildHistory& h,
                     const ScheduleNow& schedule, const ChildPresent& present, const Policy& policy) {
  auto upsert = db.cached(
      "INSERT INTO report_child(child_id, township, village, registered_on, closed_on, colour, colour_since,"
      " case_worker_named, last_home_visit, visit_interval, next_visit_due, last_assessment, reassess_due,"
      " minimum_plan_met, pending_review) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
      " ON CONFLICT(child_id) DO UPDATE SET township = excluded.township, village = excluded.village,"
      " registered_on = excluded.registered_on, closed_on = excluded.closed_on, colour = excluded.colour,"
      " colour_since = excluded.colour_since, case_worker_named = excluded.case_worker_named,"
      " last_home_visit = excluded.last_home_visit, visit_interval = excluded.visit_interval,"
      " next_visit_due = excluded.next_visit_due, last_assessment = excluded.last_assessment,"
      " reassess_due = excluded.reassess_due, minimum_plan_met = excluded.minimum_plan_met,"
      " pending_review = excluded.pending_review");
  auto optional_day = [](std::int64_t day) {
    return day == kNoDay ? std::nullopt : std::optional<std::string>(text_of(day));
  };
  const std::optional<Colour>& colour = schedule.colour;
  upsert->bind_all(child_id, child.township, child.village, text_of(child.registered));
  upsert->bind(5, closed_on_text(child));
  upsert->bind(6, colour ? std::optional<std::string>(std::string(to_string(*colour))) : std::nullopt);
  upsert->bind(7, h.colours.empty() ? std::nullopt : optional_day(h.colours.back().first));
  upsert->bind(8, present.case_worker_named ? 1 : 0);
  upsert->bind(9, optional_day(schedule.last_visit));
  upsert->bind(10, colour ? std::optional<std::int64_t>(policy.schedule[*colour].director_visit_days) : std::nullopt);
  upsert->bind(11, optional_day(schedule.next_due));
  upsert->bind(12, optional_day(schedule.last_assessment));
  upsert->bind(13, optional_day(schedule.reassess_due));
  // The minimum plan is the workflow's verdict (care_plan.h check_minimum_plan under the county policy); an
  // ungraded child needs none.
  upsert->bind(14, (!colour || present.plan_met) ? 1 : 0);
  upsert->bind(15, present.pending_review);
  upsert->run();
}

// The child's work-list keys (due_rank, core/rules/due_items.h) from the same fold as its child_state row: the facts
// the work list reads from that row, here taken from the state itself.
void write_due_rank(db::Database& db, std::string_view child_id, const ChildRecord& child,
                    const ChildTimeline& timeline, const Policy& policy) {
  auto text = [](const std::optional<Date>& date) { return date ? date->to_string() : std::string(); };
  const ChildState& s = timeline.state;
  DueFacts facts;
  if (timeline.has_state) facts.colour = s.colour.colour;
  facts.created_on = child.created_on;
  if (facts.colour) {
    facts.next_visit_due = text(s.next_visit_due);
    facts.next_supervisor_visit_due = text(s.next_supervisor_visit_due);
    facts.next_reassessment_due = text(s.next_reassessment_due);
    facts.key_event = s.key_event.value_or("");
    facts.care_plan_met = s.care_plan_met.value_or(false);
    facts.care_plan_due = s.care_plan_due ? s.care_plan_due->to_string() : s.colour.since;
    facts.pending_review = static_cast<std::int64_t>(s.colour.open_reviews.size());
    facts.review_since = s.review_since.value_or("");
  }
  const DueKeys keys = due_keys(standing_due_items(facts, policy));
  auto upsert = db.cached(
      "INSERT INTO due_rank(child_id, colour, director_due, supervisor_due, last_home_visit)"
      " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(child_id) DO UPDATE SET colour = excluded.colour,"
      " director_due = excluded.director_due, supervisor_due = excluded.supervisor_due,"
      " last_home_visit = excluded.last_home_visit");
  upsert->bind_all(child_id);
  upsert->bind(2, facts.colour ? std::optional<std::string>(std::string(to_string(*facts.colour))) : std::nullopt);
  upsert->bind(3, keys.director).bind(4, keys.supervisor);
  upsert->bind(5, timeline.has_state && s.last_home_visit ? std::optional(s.last_home_visit->to_string())
                                                          : std::nullopt);
  upsert->run();
}

// Rewrites the child's report rows; with `delta`, also collects how the tallies change (rows before and after).
void refresh_child_rows(db::Database& db, std::string_view child_id, tally::Delta* delta) {
  if (delta) tally::collect_child(db, child_id, -1, *delta);
  const Policy& policy = stored_policy(db);
  auto clear_spans = db.cached("DELETE FROM report_span WHERE child_id = ?1");
  clear_spans->bind(1, child_id).run();
  auto clear_measures = db.cached("DELETE FROM report_measure WHERE child_id = ?1");
  clear_measures->bind(1, child_id).run();

  const std::optional<ChildRecord> child = read_child(db, child_id);
  if (!child) {
    auto drop = db.cached("DELETE FROM report_child WHERE child_id = ?1");
    drop->bind(1, child_id).run();
    auto drop_rank = db.cached("DELETE FROM due_rank WHERE child_id = ?1");
    drop_rank->bind(1, child_id).run();
    return;
  }
  const std::vector<Event> events = child_events(db, child_id);
  ChildTimeline timeline = fold_child(timeline_events(events), child->facts, policy);
  const ChildPresent present = present_of(timeline);
  ChildHistory& h = timeline.history;
  end_colours_at_present(h, timeline.state, present.colour, child->registered);

  std::vector<Span> spans;
  add_lifecycle_spans(spans, *child);
  add_category_spans(db, child_id, *child, spans);
  add_colour_change_spans(h, *child, spans);
  const ScheduleNow schedule = add_schedule_spans(h, *child, policy, spans);

  write_spans(db, child_id, *child, spans);
  write_measures(db, child_id, *child, timeline.state.measures);
  write_child_row(db, child_id, *child, h, schedule, present, policy);
  write_due_rank(db, child_id, *child, timeline, policy);
  if (delta) tally::collect_child(db, child_id, 1, *delta);
}

}  // namespace

// ---- one lead ----

namespace {

void refresh_lead_rows(db::Database& db, std::string_view lead_id, tally::Delta* delta) {
  if (delta) tally::collect_lead(db, lead_id, -1, *delta);
  auto clear = db.cached("DELETE FROM report_step WHERE lead_id = ?1");
  clear->bind(1, lead_id).run();
  const std::vector<Event> events = lead_events(db, lead_id);
  std::vector<LeadEvent> views;
  views.reserve(events.size());
  for (const Event& e : events) views.push_back({timeline_event(e), e.recorded_at});
  // The same fold as the leads row that `screen pending` lists (workflow_projection.cc).
  const LeadTimeline lead = fold_lead(views, stored_policy(db).screening);
  if (!lead.known) return;
  const std::string& village = lead.village.empty() ? lead.township : lead.village;
  auto insert = db.cached(
      "INSERT INTO report_step(lead_id, step, township, village, started_on, due_on, done_on)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
  for (const StepSpan& step : lead.steps) {
    insert->bind_all(lead_id, std::string(to_string(step.step)), lead.township, village, step.started.to_string(),
                     step.due.to_string());
    insert->bind(7, step.done ? std::optional<std::string>(step.done->to_string()) : std::nullopt);
    insert->run();
  }
  if (delta) tally::collect_lead(db, lead_id, 1, *delta);
}

// The report rows, registered after the workflow state (install.cc). One tally delta for the whole batch: each
// township's tally rows are rewritten once.
class ReportProjection final : public Projection {
 public:
  std::string_view name() const override { return "report"; }
  std::any refresh(db::Database& db, const Touched& touched) override {
    tally::Delta delta;
    for (const TouchedChild& child : touched.children()) refresh_child_rows(db, child.id, &delta);
    for (const TouchedLead& lead : touched.leads()) refresh_lead_rows(db, lead.id, &delta);
    tally::apply(db, delta);
    return {};
  }
};

}  // namespace

std::unique_ptr<Projection> report_projection() { return std::make_unique<ReportProjection>(); }

void refresh_all(db::Database& db) {
  db.exec("DELETE FROM report_span; DELETE FROM report_measure; DELETE FROM report_child; DELETE FROM report_step;"
          " DELETE FROM due_rank;");
  // (the tallies are recomputed from these rows at the end)
  std::vector<std::string> ids;
  {
    auto query = db.prepare("SELECT id FROM children ORDER BY id");
    while (query.step()) ids.push_back(query.get_text(0));
  }
  for (const auto& id : ids) refresh_child_rows(db, id, nullptr);
  ids.clear();
  {
    auto query = db.prepare("SELECT DISTINCT lead_id FROM events WHERE lead_id IS NOT NULL ORDER BY lead_id");
    while (query.step()) ids.push_back(query.get_text(0));
  }
  for (const auto& id : ids) refresh_lead_rows(db, id, nullptr);
  tally::rebuild(db);
}

void refresh_tallies(db::Database& db, const std::string& township) {
  auto clear = db.cached("DELETE FROM report_tally WHERE township = ?1");
  clear->bind(1, township).run();
  tally::Delta delta;
  tally::collect_township(db, township, delta);
  tally::apply(db, delta);
}

int rebuild(db::Database& db) {
  db::Transaction tx(db);
  refresh_all(db);
  auto count = db.prepare("SELECT count(*) FROM report_child");
  count.step();
  const int children = static_cast<int>(count.get_int(0));
  count.reset();
  tx.commit();
  return children;
}

bool Verification::consistent() const {
  return std::all_of(differing.begin(), differing.end(), [](const auto& entry) { return entry.second == 0; });
}

Verification verify(db::Database& db) {
  static constexpr std::string_view kTables[] = {"report_child", "report_span", "report_measure", "report_step",
                                                 "report_tally", "due_rank"};
  Verification result;
  db::Transaction tx(db);  // never committed: the check changes nothing
  for (std::string_view table : kTables)
    db.exec(fmt::format("CREATE TEMP TABLE verify_{0} AS SELECT * FROM main.{0}", table));
  refresh_all(db);
  for (std::string_view table : kTables) {
    auto query = db.prepare(fmt::format(
        "SELECT (SELECT count(*) FROM (SELECT * FROM main.{0} EXCEPT SELECT * FROM temp.verify_{0}))"
        " + (SELECT count(*) FROM (SELECT * FROM temp.verify_{0} EXCEPT SELECT * FROM main.{0}))",
        table));
    query.step();
    result.differing[std::string(table)] = query.get_int(0);
  }
  auto count = db.prepare("SELECT count(*) FROM report_child");
  count.step();
  result.children = static_cast<int>(count.get_int(0));
  return result;
}

Status verification_status(const Verification& verification) {
  if (verification.consistent()) return Status::ok();
  std::string tables;
  for (const auto& [table, rows] : verification.differing)
    if (rows != 0) tables += fmt::format("{}{} ({})", tables.empty() ? "" : ", ", table, rows);
  return Status::internal(i18n::trf("报表数据与重建结果不一致：{}；请运行 report rebuild 重建",
                                    "the report rows differ from a rebuild: {}; run report rebuild", tables));
}

}  // namespace tongdang::report
