// Maintaining the coverage report's rows (report.h): one child's rows are recomputed from that child's own
// records — profile, memberships, the workflow's derived state and rules (colour.h, schedule.h, policy.h), events —
// whenever any of them changes, inside the same transaction, after the workflow projection. Recomputing the whole child (a few dozen rows at most) instead of patching counters keeps the
// maintained rows equal to a rebuild whatever order events arrive in (an offline visit synced a month late moves
// the overdue spans it ends). rebuild() is the same function for every child.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/model/policy.h"
#include "core/projection/report_tally.h"
#include "core/report/report.h"
#include "core/rules/colour.h"
#include "core/rules/schedule.h"

namespace tongdang::report {

using nlohmann::json;

// Deferred maintenance: while a BulkRefresh is active, hooks only note what to refresh.
struct PendingSet {
  std::unordered_set<std::string> children;
  std::unordered_set<std::string> leads;
};

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

thread_local PendingSet* g_pending = nullptr;

}  // namespace

// ---- one child ----

namespace {

// What changes a child's schedule on a given day, folded from its events (mirrors refresh_child_state's rules in
// workflow_projection.cc, but keeps every date instead of only the latest, so each past day can be evaluated).
struct ChildHistory {
  std::vector<std::pair<std::int64_t, Colour>> colours;  // applied colour changes (day, colour), by day
  std::vector<std::int64_t> home_visits;
  std::vector<std::int64_t> supervisor_visits;
  std::vector<std::int64_t> assessments;
  std::vector<std::int64_t> key_events;                  // visits with a key event, category changes, new reports
};

bool is_supervisor_visit(const Event& e) {
  if (e.actor_role == "supervisor" || e.actor_role == "county") return true;
  if (e.payload.contains("with") && e.payload["with"].is_array())
    for (const auto& who : e.payload["with"])
      if (who == "supervisor" || who == "督导员" || who == "儿童督导员") return true;
  return false;
}

ChildHistory fold_history(db::Database& db, std::string_view child_id) {
  ChildHistory h;
  std::vector<ColourEvent> colour_events;
  std::map<std::string, std::int64_t> day_of_event;
  bool assessed = false;
  for (Event& e : child_events(db, child_id)) {  // (hlc, id) order, as the workflow folds them
    if (!e.payload.is_object()) e.payload = json::object();  // tolerate a pulled event with no payload
    const std::int64_t day = day_of(e.occurred_on);
    if (day >= kForeverDays) continue;
    if (auto ce = colour_event_of(e)) {
      colour_events.push_back(*ce);
      day_of_event[e.id] = day;
    }
    if (e.kind == "assessment") {
      h.assessments.push_back(day);
      assessed = true;
    } else if (e.kind == "visit") {
      if (e.payload.value("kind", std::string("home")) == "home") {
        h.home_visits.push_back(day);
        if (is_supervisor_visit(e)) h.supervisor_visits.push_back(day);
      }
      if (assessed && e.payload.contains("key_event") && e.payload["key_event"].is_string()) h.key_events.push_back(day);
    } else if ((e.kind == "membership.add" || e.kind == "membership.end") && assessed) {
      h.key_events.push_back(day);
    } else if (e.kind == "screen.verify" && e.payload.value("attached", false) && assessed) {
      h.key_events.push_back(day);
    }
  }
  // The safety-first rule decides which gradings applied; their days make the colour timeline.
  const ColourState state = derive_colour(colour_events);
  std::optional<Colour> current;
  for (const ColourStep& step : state.steps) {
    if (!step.applied || !step.to || (current && *current == *step.to)) continue;
    current = step.to;
    h.colours.emplace_back(day_of_event[step.event_id], *step.to);
  }
  std::stable_sort(h.colours.begin(), h.colours.end(), [](auto& a, auto& b) { return a.first < b.first; });
  for (auto* days : {&h.home_visits, &h.supervisor_visits, &h.assessments, &h.key_events})
    std::sort(days->begin(), days->end());
  return h;
}

// The latest day in `days` on or before `on`.
std::optional<std::int64_t> latest_by(const std::vector<std::int64_t>& days, std::int64_t on) {
  auto it = std::upper_bound(days.begin(), days.end(), on);
  if (it == days.begin()) return std::nullopt;
  return *std::prev(it);
}

std::optional<Date> as_date(const std::optional<std::int64_t>& day) {
  return day ? std::optional<Date>(Date::from_days(*day)) : std::nullopt;
}

}  // namespace

namespace {

// Rewrites the child's report rows; with `delta`, also collects how the tallies change (rows before and after).
void refresh_child_rows(db::Database& db, std::string_view child_id, tally::Delta* delta) {
  if (delta) tally::collect_child(db, child_id, -1, *delta);
  const Policy& policy = stored_policy(db);
  auto clear_spans = db.cached("DELETE FROM report_span WHERE child_id = ?1");
  clear_spans->bind(1, child_id).run();
  auto clear_measures = db.cached("DELETE FROM report_measure WHERE child_id = ?1");
  clear_measures->bind(1, child_id).run();

  auto child = db.cached(
      "SELECT c.township, c.village, c.created_at, c.status, c.closed_on, s.colour, s.colour_since,"
      " ifnull(s.pending_review, 0), ifnull(s.care_plan_met, 0), s.case_worker"
      " FROM children c LEFT JOIN child_state s ON s.child_id = c.id WHERE c.id = ?1");
  child->bind(1, child_id);
  if (!child->step()) {
    auto drop = db.cached("DELETE FROM report_child WHERE child_id = ?1");
    drop->bind(1, child_id).run();
    return;
  }
  const std::string township = child->get_text(0);
  const std::string village = child->get_text(1);
  const std::int64_t registered = day_of(child->get_text(2));
  std::int64_t end = kForeverDays;
  if (child->get_text(3) == "closed") end = std::max(registered, day_of(child->get_optional_text(4).value_or("")));
  std::optional<Colour> state_colour;
  if (auto text = child->get_optional_text(5)) state_colour = parse_colour(*text);
  std::optional<std::int64_t> state_since;
  if (auto text = child->get_optional_text(6)) state_since = day_of(*text);
  const std::int64_t pending_review = child->get_int(7);
  const bool plan_met_now = child->get_int(8) != 0;
  const bool case_worker_named = !child->get_optional_text(9).value_or("").empty();
  child->reset();

  ChildHistory h = fold_history(db, child_id);
  // The derived colour is authoritative for the present (events dated out of HLC order could leave the timeline
  // ending elsewhere).
  if (state_colour && (h.colours.empty() || h.colours.back().second != *state_colour))
    h.colours.emplace_back(std::max(state_since.value_or(registered), h.colours.empty() ? registered : h.colours.back().first),
                           *state_colour);

  std::vector<Span> spans;
  add_span(spans, {"monitored", "", registered, end, std::nullopt});
  add_span(spans, {"registered", "", registered, registered + 1, std::nullopt});
  if (end < kForeverDays) add_span(spans, {"closed", "", end, end + 1, std::nullopt});

  {
    std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> by_category;
    auto query = db.cached("SELECT category, from_date, to_date FROM memberships WHERE child_id = ?1");
    query->bind(1, child_id);
    while (query->step())
      by_category[query->get_text(0)].emplace_back(std::max(registered, day_of(query->get_text(1))),
                                                    std::min(end, day_of(query->get_text(2))));
    for (auto& [category, ranges] : by_category)
      for (const auto& [from, to] : merged(ranges)) add_span(spans, {"category", category, from, to, std::nullopt});
  }

  for (std::size_t i = 1; i < h.colours.size(); ++i) {
    const auto& [day, colour] = h.colours[i];
    if (day < registered || day >= end) continue;
    add_span(spans, {colour > h.colours[i - 1].second ? "raise" : "lower", std::string(to_string(colour)), day,
                     day + 1, std::nullopt});
  }

  // Walk the monitored period in segments where every input of the schedule is constant; in each, the due dates
  // come from the workflow's own schedule functions, so the report and the work list (`due`) agree.
  std::set<std::int64_t> cuts = {registered, end};
  for (const auto& entry : h.colours) cuts.insert(entry.first);
  for (const auto* days : {&h.home_visits, &h.supervisor_visits, &h.assessments, &h.key_events})
    cuts.insert(days->begin(), days->end());
  // Plain days with kNoDay for "none": GCC 12 misreads optionals assigned in this loop as maybe-uninitialised.
  constexpr std::int64_t kNoDay = -1;
  std::optional<Colour> current_colour;
  std::int64_t last_visit = kNoDay, last_assessment = kNoDay, next_due = kNoDay, reassess_due = kNoDay;
  for (auto it = cuts.begin(); it != cuts.end(); ++it) {
    auto next = std::next(it);
    if (next == cuts.end()) break;
    const std::int64_t a = *it, b = *next;
    if (a < registered || a >= end) continue;
    std::optional<Colour> colour;
    std::int64_t since = 0;
    for (const auto& [day, c] : h.colours)
      if (day <= a) colour = c, since = day;
    const auto visit = latest_by(h.home_visits, a);
    const auto assessment = latest_by(h.assessments, a);
    // A key event counts until a reassessment on or after its day answers it.
    std::optional<Date> key_date;
    if (auto key = latest_by(h.key_events, a); key && !(assessment && *assessment >= *key))
      key_date = Date::from_days(*key);
    current_colour = colour;
    last_visit = visit.value_or(kNoDay);
    last_assessment = assessment.value_or(kNoDay);
    if (!colour) {
      next_due = reassess_due = kNoDay;
      continue;
    }
    const std::string value(to_string(*colour));
    const ColourSchedule& schedule = policy.schedule[*colour];
    ScheduleInput in{*colour, Date::from_days(since), as_date(visit), as_date(latest_by(h.supervisor_visits, a)),
                     as_date(assessment), key_date};
    const std::int64_t due = next_visit_due(in, policy.schedule).days_since_epoch();
    const std::int64_t reassess = next_reassessment_due(in, policy.schedule).days_since_epoch();
    add_span(spans, {"colour", value, a, b, std::nullopt});
    if (visit) add_span(spans, {"covered", value, a, std::min(b, *visit + schedule.director_visit_days + 1), std::nullopt});
    add_span(spans, {"overdue", value, std::max(a, due + 1), b, due});
    add_span(spans, {"reassess", value, std::max(a, reassess + 1), b, reassess});
    next_due = due;
    reassess_due = reassess;
  }

  auto insert = db.cached(
      "INSERT INTO report_span(child_id, township, village, kind, value, from_day, to_day, ref_day)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const Span& span : spans) {
    insert->bind_all(child_id, township, village, span.kind, span.value, text_of(span.from), text_of(span.to));
    if (span.ref) insert->bind(8, text_of(*span.ref));
    else insert->bind_null(8);
    insert->run();
  }

  {
    auto measures = db.cached("SELECT id, area, status FROM care_measures WHERE child_id = ?1");
    measures->bind(1, child_id);
    auto insert_measure = db.cached(
        "INSERT INTO report_measure(measure_id, child_id, township, village, area, status, registered_on, closed_on)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(measure_id) DO UPDATE SET child_id = excluded.child_id,"
        " township = excluded.township, village = excluded.village, area = excluded.area, status = excluded.status,"
        " registered_on = excluded.registered_on, closed_on = excluded.closed_on");
    while (measures->step()) {
      insert_measure->bind_all(measures->get_text(0), child_id, township, village, measures->get_text(1),
                               measures->get_text(2), text_of(registered));
      insert_measure->bind(8, end < kForeverDays ? std::optional<std::string>(text_of(end)) : std::nullopt);
      insert_measure->run();
    }
  }

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
  upsert->bind_all(child_id, township, village, text_of(registered));
  upsert->bind(5, end < kForeverDays ? std::optional<std::string>(text_of(end)) : std::nullopt);
  upsert->bind(6, current_colour ? std::optional<std::string>(std::string(to_string(*current_colour))) : std::nullopt);
  upsert->bind(7, h.colours.empty() ? std::nullopt : optional_day(h.colours.back().first));
  upsert->bind(8, case_worker_named ? 1 : 0);
  upsert->bind(9, optional_day(last_visit));
  upsert->bind(10, current_colour ? std::optional<std::int64_t>(policy.schedule[*current_colour].director_visit_days)
                                  : std::nullopt);
  upsert->bind(11, optional_day(next_due));
  upsert->bind(12, optional_day(last_assessment));
  upsert->bind(13, optional_day(reassess_due));
  // The minimum plan is the workflow's verdict (care.h check_minimum_plan under the county policy); an ungraded
  // child needs none.
  upsert->bind(14, (!current_colour || plan_met_now) ? 1 : 0);
  upsert->bind(15, pending_review);
  upsert->run();
  if (delta) tally::collect_child(db, child_id, 1, *delta);
}

}  // namespace

void refresh_child(db::Database& db, std::string_view child_id) {
  if (g_pending) {
    g_pending->children.emplace(child_id);
    return;
  }
  tally::Delta delta;
  refresh_child_rows(db, child_id, &delta);
  tally::apply(db, delta);
}

// ---- one lead ----

namespace {

void refresh_lead_rows(db::Database& db, std::string_view lead_id, tally::Delta* delta) {
  if (delta) tally::collect_lead(db, lead_id, -1, *delta);
  const ScreeningPolicy& limits = stored_policy(db).screening;
  auto clear = db.cached("DELETE FROM report_step WHERE lead_id = ?1");
  clear->bind(1, lead_id).run();
  auto query = db.cached("SELECT kind, payload, occurred_on, township FROM events WHERE lead_id = ?1 ORDER BY hlc, id");
  query->bind(1, lead_id);
  struct Step {
    std::string step;
    std::int64_t started;
    std::int64_t due;
    std::optional<std::int64_t> done;
  };
  std::vector<Step> steps;
  std::string township, village;
  bool red = false;
  auto close_open = [&](std::int64_t day) {
    for (auto& step : steps)
      if (!step.done) step.done = std::max(day, step.started);
  };
  auto open = [&](const char* step, std::int64_t day, std::int64_t due) { steps.push_back({step, day, due, std::nullopt}); };
  auto verify_due = [&](std::int64_t day) { return day + (red ? limits.verify_days_suspected_red : limits.verify_days); };
  // The steps of domain §3 and their limits, as screening.h records them: a lead opens home verification; a
  // verification closes it and opens the township review; a return reopens verification; a review opens the
  // county confirmation; a confirmation, "not eligible" or "duplicate" ends the lead. Red: the short limits.
  while (query->step()) {
    const std::string kind = query->get_text(0);
    json payload = json::parse(query->get_text(1), nullptr, false);
    if (!payload.is_object()) payload = json::object();
    const std::int64_t day = day_of(query->get_text(2));
    if (day >= kForeverDays) continue;
    if (township.empty()) township = query->get_text(3);
    if (kind == "lead.add") {
      village = payload.value("village", village);
      red = payload.value("suspected_red", false);
      close_open(day);
      open("verification", day, verify_due(day));
    } else if (kind == "screen.verify") {
      close_open(day);
      if (payload.value("colour", std::string()) == "red") red = true;
      const Date on = Date::from_days(day);
      open("review", day, red ? day + limits.review_days_red
                              : add_working_days(on, limits.review_working_days).days_since_epoch());
    } else if (kind == "screen.return") {
      close_open(day);
      open("verification", day, verify_due(day));
    } else if (kind == "screen.review") {
      close_open(day);
      const Date on = Date::from_days(day);
      open("confirmation", day, red ? day + limits.confirm_days_red
                                    : add_working_days(on, limits.confirm_working_days).days_since_epoch());
    } else if (kind == "screen.confirm" || kind == "screen.close_lead") {
      close_open(day);
    }
  }
  query->reset();
  if (township.empty()) return;
  if (village.empty()) village = township;
  auto insert = db.cached(
      "INSERT INTO report_step(lead_id, step, township, village, started_on, due_on, done_on)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
  for (const Step& step : steps) {
    insert->bind_all(lead_id, step.step, township, village, text_of(step.started), text_of(step.due));
    insert->bind(7, step.done ? std::optional<std::string>(text_of(*step.done)) : std::nullopt);
    insert->run();
  }
  if (delta) tally::collect_lead(db, lead_id, 1, *delta);
}

}  // namespace

void refresh_lead(db::Database& db, std::string_view lead_id) {
  if (g_pending) {
    g_pending->leads.emplace(lead_id);
    return;
  }
  tally::Delta delta;
  refresh_lead_rows(db, lead_id, &delta);
  tally::apply(db, delta);
}

// ---- hooks ----

void on_event(db::Database& db, const Event& event) {
  if (event.child_id) refresh_child(db, *event.child_id);
  if (event.lead_id) refresh_lead(db, *event.lead_id);
}

void on_child_profile(db::Database& db, std::string_view child_id) { refresh_child(db, child_id); }

BulkRefresh::BulkRefresh(db::Database& db) : db_(db), pending_(std::make_unique<PendingSet>()) {
  if (g_pending == nullptr) {
    g_pending = pending_.get();
    owner_ = true;
  }
}

BulkRefresh::~BulkRefresh() {
  if (owner_) g_pending = nullptr;
}

void BulkRefresh::flush() {
  if (!owner_) return;
  g_pending = nullptr;
  owner_ = false;
  // One tally delta for the whole batch: each township's tally rows are rewritten once.
  tally::Delta delta;
  for (const auto& child : pending_->children) refresh_child_rows(db_, child, &delta);
  for (const auto& lead : pending_->leads) refresh_lead_rows(db_, lead, &delta);
  tally::apply(db_, delta);
  pending_->children.clear();
  pending_->leads.clear();
}

void refresh_all(db::Database& db) {
  db.exec("DELETE FROM report_span; DELETE FROM report_measure; DELETE FROM report_child; DELETE FROM report_step;");
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
                                                 "report_tally"};
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
