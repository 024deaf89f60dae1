// Maintaining the coverage report's rows (report.h): one child's rows are recomputed from that child's own
// records — profile, memberships, derived colour, events — whenever any of them changes, inside the same
// transaction. Recomputing the whole child (a few dozen rows at most) instead of patching counters keeps the
// maintained rows equal to a rebuild whatever order events arrive in (an offline visit synced a month late moves
// the overdue spans it ends). rebuild() is the same function for every child.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "tongdang/core/report.h"

namespace tongdang {
extern const char* const kDefaultPolicyJson;  // embedded_data.cc (fixtures/policy/default.json)
}

namespace tongdang::report {

using nlohmann::json;

// Deferred maintenance: while a BulkRefresh is active, hooks only note what to refresh.
struct PendingSet {
  std::unordered_set<std::string> children;
  std::unordered_set<std::string> leads;
};

namespace {

// Open-ended spans end on this day (exclusive), so one index range serves "still true".
constexpr std::string_view kForever = "9999-12-31";
constexpr std::int64_t kForeverDays = 2932896;  // days from 1970-01-01 to 9999-12-31

std::int64_t day_of(std::string_view text) {
  auto date = Date::parse(text.substr(0, 10));
  return date ? date->days_since_epoch() : kForeverDays;
}
std::string text_of(std::int64_t day) {
  return day >= kForeverDays ? std::string(kForever) : Date::from_days(day).to_string();
}
int index_of(Colour colour) { return static_cast<int>(colour); }

// ---- the workflow event kinds read here (docs/design.md "Event kinds"), in one place ----

// An in-person home visit: the only contact that resets the visit clock (domain §5).
bool is_home_visit(const Event& e) {
  if (e.kind != "visit" && e.kind != "visit.record") return false;
  std::string mode = e.payload.value("mode", e.payload.value("type", std::string("home")));
  return mode == "home" || mode == "home_visit" || mode == "入户";
}
bool is_assessment(const Event& e) { return e.kind == "assessment" || e.kind == "assessment.record"; }
// A grading: the colour it sets, if it took effect.
std::optional<Colour> colour_set_by(const Event& e) {
  bool colour_kind = e.kind.rfind("colour", 0) == 0 || is_assessment(e) || e.kind == "grading";
  if (!colour_kind || !e.payload.contains("colour") || !e.payload["colour"].is_string()) return std::nullopt;
  if (e.payload.value("effective", true) == false) return std::nullopt;
  return parse_colour(e.payload["colour"].get<std::string>());
}
bool is_care_event(const Event& e) { return e.kind.rfind("care", 0) == 0; }
bool opens_review(const Event& e) { return e.kind == "review.open"; }
bool closes_review(const Event& e) { return e.kind == "review.close" || e.kind == "review.resolve"; }

// Measures that count towards the minimum plan: anything not refused or found not needed (domain §6).
bool measure_counts(std::string_view status) { return status != "refused" && status != "not_needed"; }

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

// ---- schedule ----

Schedule Schedule::from_policy(const json& policy) {
  Schedule s;
  if (!policy.is_object()) return s;
  auto by_colour = [&](const json& section, const char* key, std::array<int, 4>& out) {
    if (!section.is_object() || !section.contains(key) || !section[key].is_object()) return;
    for (const auto& [name, value] : section[key].items()) {
      auto colour = parse_colour(name);
      if (colour && value.is_number_integer()) out[index_of(*colour)] = value.get<int>();
    }
  };
  const json schedule = policy.value("schedule", json::object());
  by_colour(schedule, "visit_interval_days", s.visit_interval_days);
  by_colour(schedule, "first_response_days", s.first_response_days);
  by_colour(schedule, "reassess_days", s.reassess_days);
  by_colour(schedule, "escalate_after_days", s.escalate_after_days);
  const json screening = policy.value("screening", json::object());
  s.verification_days = screening.value("verification_days", s.verification_days);
  s.verification_red_days = screening.value("verification_red_days", s.verification_red_days);
  s.review_days = screening.value("review_days", s.review_days);
  s.coverage_target = policy.value("report", json::object()).value("coverage_target", s.coverage_target);
  if (policy.contains("version") && policy["version"].is_string()) s.policy_version = policy["version"];
  else if (policy.contains("version") && policy["version"].is_number()) s.policy_version = policy["version"].dump();
  return s;
}

Schedule Schedule::of(db::Database& db) {
  // The county policy as stored by the workflow area (meta 'policy'), else the bundled default.
  auto query = db.cached("SELECT value FROM meta WHERE key = 'policy'");
  if (query->step()) {
    json policy = json::parse(query->get_text(0), nullptr, false);
    if (!policy.is_discarded()) return from_policy(policy);
  }
  json bundled = json::parse(kDefaultPolicyJson, nullptr, false);
  return from_policy(bundled.is_discarded() ? json::object() : bundled);
}

// ---- one child ----

void refresh_child(db::Database& db, std::string_view child_id, const Schedule& schedule) {
  if (g_pending) {
    g_pending->children.emplace(child_id);
    return;
  }
  auto clear_spans = db.cached("DELETE FROM report_span WHERE child_id = ?1");
  clear_spans->bind(1, child_id).run();
  auto clear_measures = db.cached("DELETE FROM report_measure WHERE child_id = ?1");
  clear_measures->bind(1, child_id).run();

  auto child = db.cached(
      "SELECT c.township, c.village, c.created_at, c.status, c.closed_on, c.case_worker, s.colour, s.colour_since"
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
  const bool case_worker_named = !child->get_optional_text(5).value_or("").empty();
  std::optional<Colour> state_colour;
  if (auto text = child->get_optional_text(6)) state_colour = parse_colour(*text);
  std::optional<std::int64_t> state_since;
  if (auto text = child->get_optional_text(7)) state_since = day_of(*text);
  child->reset();

  // Fold the child's events (HLC order) into dated facts.
  std::vector<std::pair<std::int64_t, Colour>> gradings;  // (day, colour), stable by HLC within a day
  std::vector<std::int64_t> visits;
  std::vector<std::int64_t> assessments;
  std::map<std::string, std::pair<std::string, std::string>> measures;  // measure -> (area, status)
  std::set<std::string> open_reviews;
  for (Event& e : child_events(db, child_id)) {
    if (!e.payload.is_object()) e.payload = json::object();  // tolerate a pulled event with no payload
    const std::int64_t day = day_of(e.occurred_on);
    if (auto colour = colour_set_by(e)) gradings.emplace_back(day, *colour);
    if (is_home_visit(e)) visits.push_back(day);
    if (is_assessment(e)) assessments.push_back(day);
    if (is_care_event(e)) {
      std::string measure = e.payload.value("measure_id", e.id);
      auto& [area, status] = measures[measure];
      area = e.payload.value("area", area);
      status = e.payload.value("status", status.empty() ? std::string("planned") : status);
    }
    if (opens_review(e)) open_reviews.insert(e.payload.value("review_id", e.id));
    if (closes_review(e)) open_reviews.erase(e.payload.value("review_id", std::string()));
  }
  std::stable_sort(gradings.begin(), gradings.end(), [](auto& a, auto& b) { return a.first < b.first; });
  // The derived colour (safety-first rule, design §5) is authoritative for the present.
  if (state_colour && (gradings.empty() || gradings.back().second != *state_colour))
    gradings.emplace_back(std::max(state_since.value_or(registered), gradings.empty() ? registered : gradings.back().first),
                          *state_colour);
  // One colour per day: the last grading of the day.
  std::vector<std::pair<std::int64_t, Colour>> timeline;
  for (const auto& grading : gradings) {
    if (!timeline.empty() && timeline.back().first == grading.first) timeline.back().second = grading.second;
    else if (timeline.empty() || timeline.back().second != grading.second) timeline.push_back(grading);
  }
  std::sort(visits.begin(), visits.end());
  std::sort(assessments.begin(), assessments.end());

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

  for (std::size_t i = 1; i < timeline.size(); ++i) {
    if (timeline[i].first < registered || timeline[i].first >= end) continue;
    bool raise = timeline[i].second > timeline[i - 1].second;
    add_span(spans, {raise ? "raise" : "lower", std::string(to_string(timeline[i].second)), timeline[i].first,
                     timeline[i].first + 1, std::nullopt});
  }

  // Walk the monitored period in segments where colour, last visit and last assessment are constant.
  std::optional<std::int64_t> first_graded;
  if (!timeline.empty()) first_graded = timeline.front().first;
  std::set<std::int64_t> cuts = {registered, end};
  for (const auto& [day, colour] : timeline) cuts.insert(day);
  for (auto day : visits) cuts.insert(day);
  for (auto day : assessments) cuts.insert(day);
  std::optional<Colour> current_colour;
  // Plain days with kNoDay for "none": GCC 12 misreads optionals assigned in this loop as maybe-uninitialised.
  constexpr std::int64_t kNoDay = -1;
  std::int64_t last_visit = kNoDay, last_assessment = kNoDay, next_due = kNoDay, reassess_due = kNoDay;
  for (auto it = cuts.begin(); it != cuts.end(); ++it) {
    const std::int64_t a = *it;
    auto next = std::next(it);
    if (next == cuts.end()) break;
    const std::int64_t b = *next;
    if (a < registered || a >= end) continue;
    std::optional<Colour> colour;
    for (const auto& [day, c] : timeline)
      if (day <= a) colour = c;
    std::optional<std::int64_t> visit, assessment;
    for (auto day : visits)
      if (day <= a) visit = day;
    for (auto day : assessments)
      if (day <= a) assessment = day;
    current_colour = colour;
    last_visit = visit.value_or(kNoDay);
    last_assessment = assessment.value_or(kNoDay);
    if (!colour) {
      next_due = reassess_due = kNoDay;
      continue;
    }
    const int c = index_of(*colour);
    const std::string value(to_string(*colour));
    add_span(spans, {"colour", value, a, b, std::nullopt});
    const std::int64_t interval = schedule.visit_interval_days[c];
    const std::int64_t due = visit ? *visit + interval : *first_graded + schedule.first_response_days[c];
    if (visit) add_span(spans, {"covered", value, a, std::min(b, *visit + interval + 1), std::nullopt});
    add_span(spans, {"overdue", value, std::max(a, due + 1), b, due});
    const std::int64_t reassess = assessment.value_or(*first_graded) + schedule.reassess_days[c];
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

  bool has_any_measure = false;
  bool has_guardianship_or_safety = false;
  auto insert_measure = db.cached(
      "INSERT INTO report_measure(measure_id, child_id, township, village, area, status) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT(measure_id) DO UPDATE SET child_id = excluded.child_id, township = excluded.township,"
      " village = excluded.village, area = excluded.area, status = excluded.status");
  for (const auto& [measure, fields] : measures) {
    const auto& [area, status] = fields;
    insert_measure->bind_all(measure, child_id, township, village, area.empty() ? std::string("OTHER") : area, status);
    insert_measure->run();
    if (!measure_counts(status)) continue;
    has_any_measure = true;
    if (area == "GUARDIANSHIP" || area == "SAFETY") has_guardianship_or_safety = true;
  }
  bool plan_met = true;
  if (current_colour == Colour::Red || current_colour == Colour::Yellow)
    plan_met = has_guardianship_or_safety && case_worker_named;
  else if (current_colour == Colour::Blue)
    plan_met = has_any_measure;

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
  upsert->bind(7, timeline.empty() ? std::nullopt : optional_day(timeline.back().first));
  upsert->bind(8, case_worker_named ? 1 : 0);
  upsert->bind(9, optional_day(last_visit));
  upsert->bind(10, current_colour ? std::optional<std::int64_t>(schedule.visit_interval_days[index_of(*current_colour)])
                                  : std::nullopt);
  upsert->bind(11, optional_day(next_due));
  upsert->bind(12, optional_day(last_assessment));
  upsert->bind(13, optional_day(reassess_due));
  upsert->bind(14, plan_met ? 1 : 0);
  upsert->bind(15, static_cast<std::int64_t>(open_reviews.size()));
  upsert->run();
}

// ---- one lead ----

void refresh_lead(db::Database& db, std::string_view lead_id, const Schedule& schedule) {
  if (g_pending) {
    g_pending->leads.emplace(lead_id);
    return;
  }
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
  bool red_suspected = false;
  auto close_open = [&](std::int64_t day) {
    for (auto& step : steps)
      if (!step.done) step.done = std::max(day, step.started);
  };
  // Screening kinds (domain §3): a lead opens home verification; a submission closes it and opens the township
  // review; a return reopens verification; a review decision, "not eligible" or "duplicate" ends the lead.
  while (query->step()) {
    const std::string kind = query->get_text(0);
    json payload = json::parse(query->get_text(1), nullptr, false);
    if (!payload.is_object()) payload = json::object();
    const std::int64_t day = day_of(query->get_text(2));
    if (township.empty()) township = query->get_text(3);
    if (payload.contains("village") && payload["village"].is_string()) village = payload["village"];
    if (kind == "lead.add" || kind == "lead.create" || kind == "lead") {
      red_suspected = payload.value("red_suspected", false) || payload.value("red_trigger_suspected", false);
      close_open(day);
      steps.push_back({"verification", day, day + (red_suspected ? schedule.verification_red_days
                                                                 : schedule.verification_days), std::nullopt});
    } else if (kind == "screening.submit" || kind == "verification.submit") {
      close_open(day);
      bool red = red_suspected || payload.value("colour", std::string()) == "red";
      steps.push_back({"review", day, day + (red ? 0 : schedule.review_days), std::nullopt});
    } else if (kind == "screening.return" || kind == "review.return") {
      close_open(day);
      steps.push_back({"verification", day, day + (red_suspected ? schedule.verification_red_days
                                                                 : schedule.verification_days), std::nullopt});
    } else if (kind == "screening.review" || kind == "screening.approve" || kind == "review.approve" ||
               kind == "lead.not_eligible" || kind == "lead.duplicate" || kind == "lead.close") {
      close_open(day);
    }
  }
  query->reset();
  if (village.empty()) village = township;
  auto insert = db.cached(
      "INSERT INTO report_step(lead_id, step, township, village, started_on, due_on, done_on)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING");
  for (const Step& step : steps) {
    insert->bind_all(lead_id, step.step, township, village, text_of(step.started), text_of(step.due));
    insert->bind(7, step.done ? std::optional<std::string>(text_of(*step.done)) : std::nullopt);
    insert->run();
  }
}

// ---- hooks ----

void on_event(db::Database& db, const Event& event) {
  if (!event.child_id && !event.lead_id) return;
  const Schedule schedule = g_pending ? Schedule{} : Schedule::of(db);
  if (event.child_id) refresh_child(db, *event.child_id, schedule);
  if (event.lead_id) refresh_lead(db, *event.lead_id, schedule);
}

void on_child_profile(db::Database& db, std::string_view child_id) {
  if (g_pending) {
    g_pending->children.emplace(child_id);
    return;
  }
  refresh_child(db, child_id, Schedule::of(db));
}

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
  const Schedule schedule = Schedule::of(db_);
  for (const auto& child : pending_->children) refresh_child(db_, child, schedule);
  for (const auto& lead : pending_->leads) refresh_lead(db_, lead, schedule);
  pending_->children.clear();
  pending_->leads.clear();
}

int rebuild(db::Database& db) {
  db::Transaction tx(db);
  db.exec("DELETE FROM report_span; DELETE FROM report_measure; DELETE FROM report_child; DELETE FROM report_step;");
  const Schedule schedule = Schedule::of(db);
  std::vector<std::string> children;
  {
    auto query = db.prepare("SELECT id FROM children ORDER BY id");
    while (query.step()) children.push_back(query.get_text(0));
  }
  for (const auto& child : children) refresh_child(db, child, schedule);
  {
    std::vector<std::string> leads;
    auto query = db.prepare("SELECT DISTINCT lead_id FROM events WHERE lead_id IS NOT NULL ORDER BY lead_id");
    while (query.step()) leads.push_back(query.get_text(0));
    query.reset();
    for (const auto& lead : leads) refresh_lead(db, lead, schedule);
  }
  tx.commit();
  return static_cast<int>(children.size());
}

}  // namespace tongdang::report
