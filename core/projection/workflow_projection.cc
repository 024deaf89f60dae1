// Projections of the 3+4+N workflow events (see projections.h). Each derived row is recomputed from all of its
// events in (hlc, id) order — a lead from the lead's events, a child's state from the child's events — never
// patched incrementally from arrival order, so a station and the server derive the same rows whatever order
// events reached them in.
#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/model/policy.h"
#include "core/projection/projections.h"
#include "core/report/report.h"
#include "core/rules/colour.h"
#include "core/rules/schedule.h"
#include "core/workflow/care.h"
#include "core/workflow/workflow.h"

namespace tongdang {

using nlohmann::json;

namespace {

// The event kinds a child's derived state (refresh_child_state) is folded from: one of them arriving refreshes it.
constexpr std::array<std::string_view, 16> kChildKinds = {
    "assessment", "colour.raise", "colour.lower", "colour.resolve", "visit", "care.add", "care.update",
    "case_worker.assign", "membership.add", "membership.end", "screen.verify", "screen.review", "screen.return",
    "screen.confirm", "screen.close_lead", "file.reopen"};

bool is_child_kind(std::string_view kind) {
  return std::find(kChildKinds.begin(), kChildKinds.end(), kind) != kChildKinds.end();
}

std::optional<std::string> opt_text(const json& payload, const char* key) {
  if (payload.contains(key) && payload[key].is_string()) return payload[key].get<std::string>();
  return std::nullopt;
}

std::optional<std::string> date_text(const std::optional<Date>& date) {
  return date ? std::optional(date->to_string()) : std::nullopt;
}

std::vector<Event> lead_events(db::Database& db, std::string_view lead_id) {
  auto query = db.cached("SELECT id, child_id FROM events WHERE lead_id = ?1 ORDER BY hlc, id");
  query->bind(1, lead_id);
  std::vector<std::pair<std::string, std::optional<std::string>>> ids;
  while (query->step()) ids.emplace_back(query->get_text(0), query->get_optional_text(1));
  std::vector<Event> out;
  auto one = db.cached(
      "SELECT kind, payload, occurred_on, hlc, actor, actor_role, recorded_at, township FROM events WHERE id = ?1");
  for (const auto& [id, child] : ids) {
    one->bind(1, id);
    if (!one->step()) continue;
    Event e;
    e.id = id;
    e.child_id = child;
    e.lead_id = std::string(lead_id);
    e.kind = one->get_text(0);
    e.payload = json::parse(one->get_text(1));
    e.occurred_on = one->get_text(2);
    e.hlc = one->get_text(3);
    e.actor = one->get_text(4);
    e.actor_role = one->get_text(5);
    e.recorded_at = one->get_text(6);
    e.township = one->get_text(7);
    one->reset();
    out.push_back(std::move(e));
  }
  return out;
}

bool child_exists(db::Database& db, std::string_view child_id) {
  auto query = db.cached("SELECT 1 FROM children WHERE id = ?1");
  query->bind(1, child_id);
  return query->step();
}

Date date_or(const std::string& text, Date fallback) { return Date::parse(text).value_or(fallback); }

// The lead row, folded from the lead's events.
void refresh_lead(db::Database& db, const std::string& lead_id) {
  auto events = lead_events(db, lead_id);
  if (events.empty() || events.front().kind != "lead.add") return;  // the lead itself has not arrived yet
  const Policy& policy = stored_policy(db);
  const ScreeningPolicy& s = policy.screening;
  const Event& add = events.front();
  std::map<std::string, std::optional<std::string>> row;
  const Date discovered = date_or(add.occurred_on, Date());
  bool suspected_red = add.payload.value("suspected_red", false);
  bool red = suspected_red;
  auto verify_due = [&](Date from) {
    return from.plus_days(red ? s.verify_days_suspected_red : s.verify_days).to_string();
  };
  std::string state = "discovered";
  row["verify_due"] = verify_due(discovered);
  for (const Event& e : events) {
    const Date on = date_or(e.occurred_on, discovered);
    if (e.kind == "screen.verify") {
      state = "verified";
      if (e.child_id) row["child_id"] = e.child_id;
      if (e.payload.value("colour", "") == "red") red = true;
      row["verified_on"] = e.occurred_on;
      row["verified_at"] = e.recorded_at;
      row["verified_by"] = e.actor;
      row["review_due"] = red ? on.plus_days(s.review_days_red).to_string()
                              : add_working_days(on, s.review_working_days).to_string();
    } else if (e.kind == "screen.return") {
      state = "returned";
      row["returned_on"] = e.occurred_on;
      row["returned_by"] = e.actor;
      row["return_reason"] = opt_text(e.payload, "reason");
      row["verify_due"] = verify_due(on);  // the step waiting again is the director's
    } else if (e.kind == "screen.review") {
      state = "reviewed";
      row["reviewed_on"] = e.occurred_on;
      row["reviewed_by"] = e.actor;
      row["confirm_due"] = red ? on.plus_days(s.confirm_days_red).to_string()
                               : add_working_days(on, s.confirm_working_days).to_string();
    } else if (e.kind == "screen.confirm") {
      state = "confirmed";
      row["confirmed_on"] = e.occurred_on;
      row["confirmed_by"] = e.actor;
    } else if (e.kind == "screen.close_lead") {
      state = e.payload.value("outcome", "not_eligible") == "duplicate" ? "duplicate" : "not_eligible";
      if (e.child_id) row["child_id"] = e.child_id;
      row["closed_on"] = e.occurred_on;
      row["closed_by"] = e.actor;
      row["closed_reason"] = opt_text(e.payload, "reason");
    }
  }
  auto upsert = db.cached(
      "INSERT INTO leads(id, township, village, reporter, source, description, suspected_red, state, child_id, red,"
      " discovered_on, discovered_at, discovered_by, verify_due, verified_on, verified_at, verified_by, review_due,"
      " reviewed_on, reviewed_by, returned_on, returned_by, return_reason, confirm_due, confirmed_on, confirmed_by,"
      " closed_on, closed_by, closed_reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
      " ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)"
      " ON CONFLICT(id) DO UPDATE SET state = excluded.state, child_id = excluded.child_id, red = excluded.red,"
      " verify_due = excluded.verify_due, verified_on = excluded.verified_on, verified_at = excluded.verified_at,"
      " verified_by = excluded.verified_by, review_due = excluded.review_due, reviewed_on = excluded.reviewed_on,"
      " reviewed_by = excluded.reviewed_by, returned_on = excluded.returned_on, returned_by = excluded.returned_by,"
      " return_reason = excluded.return_reason, confirm_due = excluded.confirm_due,"
      " confirmed_on = excluded.confirmed_on, confirmed_by = excluded.confirmed_by, closed_on = excluded.closed_on,"
      " closed_by = excluded.closed_by, closed_reason = excluded.closed_reason");
  auto get = [&row](const char* key) { return row.contains(key) ? row[key] : std::nullopt; };
  upsert->bind(1, lead_id).bind(2, add.township).bind(3, add.payload.value("village", ""));
  upsert->bind(4, opt_text(add.payload, "reporter")).bind(5, opt_text(add.payload, "source"));
  upsert->bind(6, opt_text(add.payload, "seen")).bind(7, suspected_red ? 1 : 0).bind(8, state);
  upsert->bind(9, get("child_id")).bind(10, red ? 1 : 0).bind(11, add.occurred_on).bind(12, add.recorded_at);
  upsert->bind(13, add.actor).bind(14, get("verify_due")).bind(15, get("verified_on")).bind(16, get("verified_at"));
  upsert->bind(17, get("verified_by")).bind(18, get("review_due")).bind(19, get("reviewed_on"));
  upsert->bind(20, get("reviewed_by")).bind(21, get("returned_on")).bind(22, get("returned_by"));
  upsert->bind(23, get("return_reason")).bind(24, get("confirm_due")).bind(25, get("confirmed_on"));
  upsert->bind(26, get("confirmed_by")).bind(27, get("closed_on")).bind(28, get("closed_by"));
  upsert->bind(29, get("closed_reason"));
  upsert->run();
}

bool is_supervisor_visit(const Event& e) {
  if (e.actor_role == "supervisor" || e.actor_role == "county") return true;
  if (e.payload.contains("with") && e.payload["with"].is_array())
    for (const auto& who : e.payload["with"])
      if (who == "supervisor" || who == "督导员" || who == "儿童督导员") return true;
  return false;
}

void refresh_visit(db::Database& db, const Event& e) {
  auto insert = db.cached(
      "INSERT INTO visits(id, child_id, township, visit_on, kind, with_whom, notes, key_event, actor, actor_role)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO NOTHING");
  insert->bind(1, e.id).bind(2, *e.child_id).bind(3, e.township).bind(4, e.occurred_on);
  insert->bind(5, e.payload.value("kind", "home")).bind(6, e.payload.value("with", json::array()).dump());
  insert->bind(7, opt_text(e.payload, "notes")).bind(8, opt_text(e.payload, "key_event"));
  insert->bind(9, e.actor).bind(10, e.actor_role);
  insert->run();
}

// True if the child has an event its derived state is folded from (else it has no derived state yet).
bool has_workflow_events(db::Database& db, std::string_view child_id) {
  static const std::string sql = [] {
    std::string text = "SELECT 1 FROM events WHERE child_id = ?1 AND kind IN (";
    for (std::size_t i = 0; i < kChildKinds.size(); ++i)
      text.append(i ? ", '" : "'").append(kChildKinds[i]).append("'");
    return text + ") LIMIT 1";
  }();
  auto query = db.cached(sql);
  query->bind(1, child_id);
  return query->step();
}

// The visits rows of a child whose profile arrived after its visit events (they were skipped then).
void project_visits(db::Database& db, std::string_view child_id) {
  for (const Event& e : child_events(db, child_id, "visit"))
    if (e.kind == "visit") refresh_visit(db, e);
}

}  // namespace

// What a deferred workflow projection still has to refresh, in the order first noted.
struct projections::DeferredWorkflow::Pending {
  struct Child {
    bool event = false;    // a workflow event of the child arrived: refreshed in any case
    bool created = false;  // its profile row was created: its visit events are projected again
  };
  std::vector<std::string> child_order;
  std::unordered_map<std::string, Child> children;
  std::vector<std::string> lead_order;
  std::unordered_set<std::string> leads;

  Child& child(std::string_view id) {
    auto [it, fresh] = children.try_emplace(std::string(id));
    if (fresh) child_order.push_back(it->first);
    return it->second;
  }
  void lead(const std::string& id) {
    if (leads.insert(id).second) lead_order.push_back(id);
  }
};

namespace {
thread_local projections::DeferredWorkflow::Pending* g_deferred = nullptr;
}  // namespace

void refresh_child_state(db::Database& db, std::string_view child_id) {
  // The profile's case worker, and whether the profile has arrived at all (else its arrival refreshes this).
  std::optional<std::string> profile_case_worker;
  {
    auto profile = db.cached("SELECT case_worker FROM children WHERE id = ?1");
    profile->bind(1, child_id);
    if (!profile->step()) return;
    profile_case_worker = profile->get_optional_text(0);
  }
  const Policy& policy = stored_policy(db);
  std::vector<Event> events = child_events(db, child_id);

  std::vector<ColourEvent> colour_events;
  std::optional<Date> last_assessed, last_home, last_contact, last_supervisor, key_on;
  std::optional<int> last_score;
  std::optional<std::string> policy_version, key_kind, assigned_worker;
  bool assessed_yet = false;
  std::map<std::string, json> measures;  // by id, in insertion order of care.add (ids are time-ordered)
  std::vector<std::string> measure_order;

  for (const Event& e : events) {  // (hlc, id) order
    auto on = Date::parse(e.occurred_on);
    if (auto ce = colour_event_of(e)) colour_events.push_back(*ce);
    if (e.kind == "assessment" && on) {
      if (!last_assessed || *on >= *last_assessed) last_assessed = on;
      last_score = e.payload.value("score", 0);
      policy_version = opt_text(e.payload, "policy_version");
      assessed_yet = true;
      key_on.reset();  // a reassessment answers every earlier key event
      key_kind.reset();
    } else if (e.kind == "visit" && on) {
      std::string kind = e.payload.value("kind", "home");
      if (!last_contact || *on > *last_contact) last_contact = on;
      if (kind == "home") {
        if (!last_home || *on > *last_home) last_home = on;
        if (is_supervisor_visit(e) && (!last_supervisor || *on > *last_supervisor)) last_supervisor = on;
      }
      if (auto key = opt_text(e.payload, "key_event"); key && assessed_yet) {
        key_on = on;
        key_kind = key;
      }
    } else if ((e.kind == "membership.add" || e.kind == "membership.end") && assessed_yet && on) {
      key_on = on;
      key_kind = "category_change";
    } else if (e.kind == "screen.verify" && e.payload.value("attached", false) && assessed_yet && on) {
      key_on = on;
      key_kind = "new_report";
    } else if (e.kind == "case_worker.assign") {
      assigned_worker = opt_text(e.payload, "name");
    } else if (e.kind == "care.add") {
      json row = {{"area", e.payload.value("area", "")},       {"item", e.payload.value("item", "")},
                  {"provider", e.payload.value("provider", "")}, {"status", e.payload.value("status", "planned")},
                  {"started_on", e.occurred_on},                 {"updated_on", e.occurred_on},
                  {"done_on", nullptr},                          {"outcome", nullptr},
                  {"notes", e.payload.value("notes", "")},       {"created_by", e.actor},
                  {"updated_by", e.actor},                       {"township", e.township}};
      if (row["status"] == "done") row["done_on"] = e.occurred_on;
      measures[e.id] = row;
      measure_order.push_back(e.id);
    } else if (e.kind == "care.update") {
      auto it = measures.find(e.payload.value("measure_id", ""));
      if (it == measures.end()) continue;  // an update of a measure not known here: kept in events, not shown
      json& row = it->second;
      for (const char* key : {"status", "outcome", "provider", "notes"})
        if (e.payload.contains(key) && e.payload[key].is_string()) row[key] = e.payload[key];
      row["updated_on"] = e.occurred_on;
      row["updated_by"] = e.actor;
      if (row["status"] == "done") row["done_on"] = e.occurred_on;
    }
  }

  // Care measures of the child, rebuilt. Rows come only from this child's care.add events, and events are never
  // changed or removed: a child without any has no rows to clear (most children, on every membership event of a
  // ledger import). Should events ever move between children, clear unconditionally.
  if (!measure_order.empty()) {
    auto clear = db.cached("DELETE FROM care_measures WHERE child_id = ?1");
    clear->bind(1, child_id).run();
  }
  auto insert_measure = db.cached(
      "INSERT INTO care_measures(id, child_id, township, area, item, provider, status, started_on, updated_on,"
      " done_on, outcome, notes, created_by, updated_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
      " ?13, ?14)");
  std::vector<MeasureSummary> summaries;
  int active_measures = 0;
  for (const auto& id : measure_order) {
    const json& m = measures[id];
    auto text = [&m](const char* key) {
      return m[key].is_string() ? std::optional(m[key].get<std::string>()) : std::nullopt;
    };
    insert_measure->bind(1, id).bind(2, child_id).bind(3, m["township"].get<std::string>());
    insert_measure->bind(4, m["area"].get<std::string>()).bind(5, m["item"].get<std::string>());
    insert_measure->bind(6, text("provider")).bind(7, m["status"].get<std::string>());
    insert_measure->bind(8, m["started_on"].get<std::string>()).bind(9, m["updated_on"].get<std::string>());
    insert_measure->bind(10, text("done_on")).bind(11, text("outcome")).bind(12, text("notes"));
    insert_measure->bind(13, m["created_by"].get<std::string>()).bind(14, m["updated_by"].get<std::string>());
    insert_measure->run();
    summaries.push_back({m["area"], m["status"]});
    if (care_status_counts(m["status"].get<std::string>())) ++active_measures;
  }

  ColourState colour = derive_colour(colour_events);

  // Review items, rebuilt; they come only from colour events (as care measures above, none: nothing to clear).
  if (!colour_events.empty()) {
    auto clear_reviews = db.cached("DELETE FROM colour_reviews WHERE child_id = ?1");
    clear_reviews->bind(1, child_id).run();
  }
  auto insert_review = db.cached(
      "INSERT INTO colour_reviews(event_id, child_id, from_colour, proposed_colour, why, opened_on, opened_by,"
      " resolved_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  std::optional<std::string> review_since;
  for (const auto& step : colour.steps) {
    if (!step.review_opened) continue;
    auto event = std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.id == step.event_id; });
    insert_review->bind(1, step.event_id).bind(2, child_id);
    insert_review->bind(3, step.from ? std::optional(std::string(to_string(*step.from))) : std::nullopt);
    insert_review->bind(4, std::string(to_string(*step.to))).bind(5, std::string(to_string(step.why)));
    insert_review->bind(6, event->occurred_on).bind(7, event->actor).bind(8, step.resolved_by);
    insert_review->run();
    if (!step.resolved_by && (!review_since || event->occurred_on < *review_since)) review_since = event->occurred_on;
  }

  std::optional<std::string> case_worker = assigned_worker ? assigned_worker : profile_case_worker;
  if (case_worker && case_worker->empty()) case_worker.reset();

  std::optional<std::string> next_visit, next_supervisor, next_reassess, plan_due;
  std::optional<int> plan_met;
  if (colour.colour) {
    ScheduleInput in{*colour.colour, date_or(colour.since, Date()), last_home, last_supervisor, last_assessed, key_on};
    next_visit = next_visit_due(in, policy.schedule).to_string();
    next_supervisor = next_supervisor_visit_due(in, policy.schedule).to_string();
    next_reassess = next_reassessment_due(in, policy.schedule).to_string();
    plan_met = check_minimum_plan(*colour.colour, summaries, case_worker.has_value(), policy).met ? 1 : 0;
    int plan_days = policy.schedule[*colour.colour].care_plan_working_days;
    if (plan_days > 0) plan_due = add_working_days(in.colour_since, plan_days).to_string();
  }

  auto upsert = db.cached(
      "INSERT INTO child_state(child_id, colour, colour_event_id, colour_since, pending_review, review_since,"
      " last_score, last_assessed_on, policy_version, last_home_visit, last_contact, last_supervisor_visit,"
      " key_event_on, key_event, next_visit_due, next_supervisor_visit_due, next_reassessment_due, case_worker,"
      " care_measures_active, care_plan_met, care_plan_due) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
      " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21) ON CONFLICT(child_id) DO UPDATE SET"
      " colour = excluded.colour, colour_event_id = excluded.colour_event_id, colour_since = excluded.colour_since,"
      " pending_review = excluded.pending_review, review_since = excluded.review_since,"
      " last_score = excluded.last_score, last_assessed_on = excluded.last_assessed_on,"
      " policy_version = excluded.policy_version, last_home_visit = excluded.last_home_visit,"
      " last_contact = excluded.last_contact, last_supervisor_visit = excluded.last_supervisor_visit,"
      " key_event_on = excluded.key_event_on, key_event = excluded.key_event,"
      " next_visit_due = excluded.next_visit_due, next_supervisor_visit_due = excluded.next_supervisor_visit_due,"
      " next_reassessment_due = excluded.next_reassessment_due, case_worker = excluded.case_worker,"
      " care_measures_active = excluded.care_measures_active, care_plan_met = excluded.care_plan_met,"
      " care_plan_due = excluded.care_plan_due");
  upsert->bind(1, child_id);
  upsert->bind(2, colour.colour ? std::optional(std::string(to_string(*colour.colour))) : std::nullopt);
  upsert->bind(3, colour.colour ? std::optional(colour.set_by) : std::nullopt);
  upsert->bind(4, colour.colour ? std::optional(colour.since) : std::nullopt);
  upsert->bind(5, static_cast<std::int64_t>(colour.open_reviews.size())).bind(6, review_since);
  upsert->bind(7, last_score ? std::optional<std::int64_t>(*last_score) : std::nullopt);
  upsert->bind(8, date_text(last_assessed)).bind(9, policy_version).bind(10, date_text(last_home));
  upsert->bind(11, date_text(last_contact)).bind(12, date_text(last_supervisor)).bind(13, date_text(key_on));
  upsert->bind(14, key_kind).bind(15, next_visit).bind(16, next_supervisor).bind(17, next_reassess);
  upsert->bind(18, case_worker).bind(19, active_measures);
  upsert->bind(20, plan_met ? std::optional<std::int64_t>(*plan_met) : std::nullopt).bind(21, plan_due);
  upsert->run();
  report::refresh_child(db, child_id);  // report hook: the coverage report's rows read this state
}

void refresh_all_workflow_state(db::Database& db) {
  std::vector<std::string> children, leads;
  {
    auto query = db.prepare("SELECT DISTINCT child_id FROM events WHERE child_id IS NOT NULL");
    while (query.step()) children.push_back(query.get_text(0));
    auto lead_query = db.prepare("SELECT id FROM leads");
    while (lead_query.step()) leads.push_back(lead_query.get_text(0));
  }
  for (const auto& id : children) refresh_child_state(db, id);
  for (const auto& id : leads) refresh_lead(db, id);
}

namespace projections {

void workflow(db::Database& db, const Event& event) {
  if (event.lead_id) {
    if (g_deferred) g_deferred->lead(*event.lead_id);
    else refresh_lead(db, *event.lead_id);
  }
  if (!event.child_id) return;
  if (event.kind == "visit" && child_exists(db, *event.child_id)) refresh_visit(db, event);
  if (!is_child_kind(event.kind)) return;
  if (g_deferred) g_deferred->child(*event.child_id).event = true;
  else refresh_child_state(db, *event.child_id);
}

bool workflow_child_profile(db::Database& db, std::string_view child_id, bool created, bool case_worker) {
  if (!created && !case_worker) return false;
  if (g_deferred) {
    g_deferred->child(child_id).created |= created;
    return false;  // nothing refreshed yet: the caller still notes the report rows
  }
  if (!has_workflow_events(db, child_id)) return false;
  if (created) project_visits(db, child_id);
  refresh_child_state(db, child_id);
  return true;
}

DeferredWorkflow::DeferredWorkflow() : pending_(std::make_unique<Pending>()) {
  if (g_deferred == nullptr) {
    g_deferred = pending_.get();
    owner_ = true;
  }
}

DeferredWorkflow::~DeferredWorkflow() {
  if (owner_) g_deferred = nullptr;
}

void DeferredWorkflow::flush(db::Database& db) {
  if (!owner_) return;
  g_deferred = nullptr;
  owner_ = false;
  // Exactly what the immediate hooks would have left: a child noted only for its profile row is refreshed if it
  // has workflow events (evaluated now, after every write: an event written later would have refreshed it too).
  for (const std::string& id : pending_->child_order) {
    const Pending::Child& child = pending_->children.at(id);
    if (!child.event && !has_workflow_events(db, id)) continue;
    if (child.created) project_visits(db, id);
    refresh_child_state(db, id);
  }
  for (const std::string& id : pending_->lead_order) refresh_lead(db, id);
  pending_ = std::make_unique<Pending>();
}

}  // namespace projections
}  // namespace tongdang
