// The workflow's derived rows (workflow_state.h). Each row is recomputed from all of its records in (hlc, id) order
// — a lead from the lead's events, a child's state from the child's events and profile — by the pure rules of
// core/rules/timeline.h, never patched incrementally from arrival order, so a station and the server derive the same
// rows whatever order events reached them in. This file only reads the records and writes the rows.
#include "core/projection/workflow_state.h"

#include <algorithm>
#include <map>

#include "core/model/policy.h"
#include "core/projection/timeline_events.h"
#include "core/store/file_merge.h"

namespace tongdang {

using nlohmann::json;

namespace {

std::optional<std::string> opt_text(const json& payload, const char* key) {
  if (payload.contains(key) && payload[key].is_string()) return payload[key].get<std::string>();
  return std::nullopt;
}

std::optional<std::string> date_text(const std::optional<Date>& date) {
  return date ? std::optional(date->to_string()) : std::nullopt;
}

std::optional<std::string> colour_text(const std::optional<Colour>& colour) {
  return colour ? std::optional(std::string(to_string(*colour))) : std::nullopt;
}

bool child_exists(db::Database& db, std::string_view child_id) {
  auto query = db.cached("SELECT 1 FROM children WHERE id = ?1");
  query->bind(1, child_id);
  return query->step();
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

// The leads row of one lead, from its fold.
void write_lead(db::Database& db, const std::string& lead_id, const LeadTimeline& lead) {
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
  upsert->bind(1, lead_id).bind(2, lead.township).bind(3, lead.village).bind(4, lead.reporter);
  upsert->bind(5, lead.source).bind(6, lead.seen).bind(7, lead.suspected_red ? 1 : 0).bind(8, lead.state);
  upsert->bind(9, lead.child_id).bind(10, lead.red ? 1 : 0).bind(11, lead.discovered_on);
  upsert->bind(12, lead.discovered_at).bind(13, lead.discovered_by).bind(14, lead.verify_due);
  upsert->bind(15, lead.verified_on).bind(16, lead.verified_at).bind(17, lead.verified_by);
  upsert->bind(18, lead.review_due).bind(19, lead.reviewed_on).bind(20, lead.reviewed_by);
  upsert->bind(21, lead.returned_on).bind(22, lead.returned_by).bind(23, lead.return_reason);
  upsert->bind(24, lead.confirm_due).bind(25, lead.confirmed_on).bind(26, lead.confirmed_by);
  upsert->bind(27, lead.closed_on).bind(28, lead.closed_by).bind(29, lead.closed_reason);
  upsert->run();
}

void refresh_lead(db::Database& db, const std::string& lead_id) {
  const std::vector<Event> events = lead_events(db, lead_id);
  std::vector<LeadEvent> views;
  views.reserve(events.size());
  for (const Event& e : events) views.push_back({timeline_event(e), e.recorded_at});
  const LeadTimeline lead = fold_lead(views, stored_policy(db).screening);
  if (lead.known) write_lead(db, lead_id, lead);
}

// True if the child has an event its state is folded from (else it has no derived state yet).
bool has_state_events(db::Database& db, std::string_view child_id) {
  auto query = db.cached("SELECT kind FROM events WHERE child_id = ?1");
  query->bind(1, child_id);
  while (query->step())
    if (is_state_event(query->get_text_view(0))) return true;
  return false;
}

// The care_measures rows of a child, rebuilt. Rows come only from the child's care.add events, and events are never
// changed or removed: a child without any has no rows to clear (most children, on every membership event of a
// ledger import). Should events ever move between children, clear unconditionally.
void write_measures(db::Database& db, std::string_view child_id, const std::vector<CareMeasure>& measures) {
  if (measures.empty()) return;
  auto clear = db.cached("DELETE FROM care_measures WHERE child_id = ?1");
  clear->bind(1, child_id).run();
  auto insert = db.cached(
      "INSERT INTO care_measures(id, child_id, township, area, item, provider, status, started_on, updated_on,"
      " done_on, outcome, notes, created_by, updated_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
      " ?13, ?14)");
  for (const CareMeasure& m : measures) {
    insert->bind(1, m.id).bind(2, child_id).bind(3, m.township).bind(4, m.area).bind(5, m.item);
    insert->bind(6, m.provider).bind(7, m.status).bind(8, m.started_on).bind(9, m.updated_on);
    insert->bind(10, m.done_on).bind(11, m.outcome).bind(12, m.notes).bind(13, m.created_by);
    insert->bind(14, m.updated_by);
    insert->run();
  }
}

// The colour_reviews rows of a child, rebuilt; they come only from colour events (as care measures above).
void write_reviews(db::Database& db, std::string_view child_id, const ChildState& s) {
  if (s.colour.steps.empty()) return;
  auto clear = db.cached("DELETE FROM colour_reviews WHERE child_id = ?1");
  clear->bind(1, child_id).run();
  auto insert = db.cached(
      "INSERT INTO colour_reviews(event_id, child_id, from_colour, proposed_colour, why, opened_on, opened_by,"
      " resolved_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const ColourReview& r : s.reviews) {
    insert->bind(1, r.event_id).bind(2, child_id).bind(3, colour_text(r.from));
    insert->bind(4, std::string(to_string(r.proposed))).bind(5, std::string(to_string(r.why)));
    insert->bind(6, r.opened_on).bind(7, r.opened_by).bind(8, r.resolved_by);
    insert->run();
  }
}

void write_state(db::Database& db, std::string_view child_id, const ChildState& s) {
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
  const bool graded = s.colour.colour.has_value();
  upsert->bind(1, child_id).bind(2, colour_text(s.colour.colour));
  upsert->bind(3, graded ? std::optional(s.colour.set_by) : std::nullopt);
  upsert->bind(4, graded ? std::optional(s.colour.since) : std::nullopt);
  upsert->bind(5, static_cast<std::int64_t>(s.colour.open_reviews.size())).bind(6, s.review_since);
  upsert->bind(7, s.last_score ? std::optional<std::int64_t>(*s.last_score) : std::nullopt);
  upsert->bind(8, date_text(s.last_assessed_on)).bind(9, s.policy_version).bind(10, date_text(s.last_home_visit));
  upsert->bind(11, date_text(s.last_contact)).bind(12, date_text(s.last_supervisor_visit));
  upsert->bind(13, date_text(s.key_event_on)).bind(14, s.key_event).bind(15, date_text(s.next_visit_due));
  upsert->bind(16, date_text(s.next_supervisor_visit_due)).bind(17, date_text(s.next_reassessment_due));
  upsert->bind(18, s.case_worker).bind(19, s.care_measures_active);
  upsert->bind(20, s.care_plan_met ? std::optional<std::int64_t>(*s.care_plan_met ? 1 : 0) : std::nullopt);
  upsert->bind(21, date_text(s.care_plan_due));
  upsert->run();
}

// Folds and writes a child's workflow rows; nullopt (nothing written) while its profile has not arrived (the
// profile's arrival refreshes it then).
std::optional<ChildState> refresh_child(db::Database& db, std::string_view child_id) {
  ChildFacts facts;
  {
    auto profile = db.cached("SELECT case_worker FROM children WHERE id = ?1");
    profile->bind(1, child_id);
    if (!profile->step()) return std::nullopt;
    facts.case_worker = profile->get_optional_text(0);
  }
  const std::vector<Event> events = child_events(db, child_id);
  ChildTimeline timeline = fold_child(timeline_events(events), facts, stored_policy(db));
  write_measures(db, child_id, timeline.state.measures);
  write_reviews(db, child_id, timeline.state);
  write_state(db, child_id, timeline.state);
  return std::move(timeline.state);
}

// The visits rows of a child whose profile arrived after its visit events (they were skipped then).
void project_visits(db::Database& db, std::string_view child_id) {
  for (const Event& e : child_events(db, child_id, "visit"))
    if (e.kind == "visit") refresh_visit(db, e);
}

// The latest event of `kind` (or `or_kind`) of a child, by (hlc, id): a child's place (file.transfer, file.import)
// and its ID number (child.set_id) are those of its latest such event, whatever order the events arrived in.
std::optional<json> latest_payload(db::Database& db, std::string_view child_id, std::string_view kind,
                                   std::string_view or_kind = {}) {
  auto query = db.cached(
      "SELECT payload FROM events WHERE child_id = ?1 AND kind IN (?2, ?3) ORDER BY hlc DESC, id DESC LIMIT 1");
  query->bind_all(child_id, kind, or_kind.empty() ? kind : or_kind);
  if (!query->step()) return std::nullopt;
  json payload = json::parse(query->get_text(0), nullptr, false);
  query->reset();
  if (payload.is_discarded() || !payload.is_object()) return std::nullopt;
  return payload;
}

// A transfer moves the file: the child's township and village become the latest transfer's destination — unless the
// row is already in that township, whose village is then its own (an edit there, or a later profile op, set it). A
// file arriving from another county (file.import) is placed the same way, so the transfers of its history in the
// county it left never take it back there.
void move_to_latest_transfer(db::Database& db, std::string_view child_id) {
  auto payload = latest_payload(db, child_id, "file.transfer", file_merge::kImportKind);
  if (!payload) return;
  auto update = db.cached("UPDATE children SET township = ?2, village = ?3 WHERE id = ?1 AND township != ?2");
  update->bind_all(child_id, payload->value("to_township", ""), payload->value("to_village", ""));
  update->run();
}

// An ID number correction (or a first number for a child without household registration): the number, and the sex
// and date of birth it gives, are the latest correction's; the temporary key stays as an alias.
void take_latest_id_number(db::Database& db, std::string_view child_id) {
  auto payload = latest_payload(db, child_id, "child.set_id");
  if (!payload) return;
  auto update = db.cached(
      "UPDATE children SET id_number = ?2, sex = ?3, birth_date = ?4, hukou_status = 'registered' WHERE id = ?1"
      " AND (id_number IS NOT ?2 OR sex != ?3 OR birth_date != ?4 OR hukou_status != 'registered')");
  update->bind_all(child_id, payload->value("id_number", ""), payload->value("sex", ""),
                   payload->value("birth_date", ""));
  update->run();
}

class ChildFileProjection final : public Projection {
 public:
  std::string_view name() const override { return "child_file"; }
  void apply(db::Database& db, const Event& event) override;
  // A profile written after the events (a created file's answer, a pulled op, a loaded row) carries the values it
  // was made with; the file's place, number and status stay those its transfers, corrections and closings give.
  std::any refresh(db::Database& db, const Touched& touched) override {
    for (const TouchedChild& child : touched.children()) {
      move_to_latest_transfer(db, child.id);
      take_latest_id_number(db, child.id);
      file_merge::refresh_file_status(db, child.id);
    }
    return {};
  }
};

void ChildFileProjection::apply(db::Database& db, const Event& event) {
  if (!event.child_id) return;
  const std::string& child = *event.child_id;
  if (event.kind == "membership.add") {
    auto insert = db.cached(
        "INSERT INTO memberships(id, child_id, category, from_date, to_date, reason) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
        " ON CONFLICT(id) DO NOTHING");
    insert->bind_all(event.id, child, event.payload.value("category", ""), event.payload.value("from", ""),
                     event.payload.value("to", ""), event.payload.value("reason", ""));
    insert->run();
  } else if (event.kind == "membership.end") {
    // Ends the open membership of that category, never extending one that ended earlier.
    auto update = db.cached(
        "UPDATE memberships SET to_date = min(to_date, ?3), ended_reason = ?4 WHERE child_id = ?1 AND category = ?2"
        " AND to_date > ?3");
    update->bind_all(child, event.payload.value("category", ""), event.payload.value("to", ""),
                     event.payload.value("reason", ""));
    update->run();
  } else if (event.kind == "membership.confirm") {
    auto update = db.cached(
        "UPDATE memberships SET confirmed_by = ?3, confirmed_on = ?4 WHERE child_id = ?1 AND category = ?2"
        " AND confirmed_by IS NULL");
    update->bind_all(child, event.payload.value("category", ""), event.actor, event.occurred_on);
    update->run();
  } else if (event.kind == file_merge::kImportKind) {
    // A file arriving from another county opens here (whatever closed it there) in the village it arrives in.
    move_to_latest_transfer(db, child);
    file_merge::refresh_file_status(db, child);
  } else if (event.kind == "file.close" || event.kind == "file.reopen" || event.kind == file_merge::kMergeKind ||
             event.kind == file_merge::kUnmergeKind) {
    // The status is the fold of the file's close, reopen, merge and unmerge events (file_merge.h): a merge closes
    // the merged-away file as "merged", an unmerge gives back the status it had before, a reopen undoes the close
    // it names.
    file_merge::refresh_file_status(db, child);
  } else if (event.kind == "file.transfer") {
    move_to_latest_transfer(db, child);
  } else if (event.kind == "child.set_id") {
    take_latest_id_number(db, child);
  }
}

// The workflow state. refresh() returns the new states, by child id.
using ChildStates = std::map<std::string, ChildState, std::less<>>;

class WorkflowProjection final : public Projection {
 public:
  std::string_view name() const override { return "workflow"; }
  void apply(db::Database& db, const Event& event) override {
    // A visit is listed as soon as it is recorded; one that arrives before its child's profile waits for it.
    if (event.kind == "visit" && event.child_id && child_exists(db, *event.child_id)) refresh_visit(db, event);
  }
  std::any refresh(db::Database& db, const Touched& touched) override;
};

std::any WorkflowProjection::refresh(db::Database& db, const Touched& touched) {
  ChildStates states;
  for (const TouchedChild& child : touched.children()) {
    const bool state_event = std::any_of(child.event_kinds.begin(), child.event_kinds.end(),
                                         [](const std::string& kind) { return is_state_event(kind); });
    // A profile write matters to the state only as a new row or a new case worker, and only for a child that has
    // a state at all (evaluated now, after every write of the batch).
    const bool profile_matters = child.profile_created || child.case_worker;
    if (!state_event && !(profile_matters && has_state_events(db, child.id))) continue;
    if (child.profile_created) project_visits(db, child.id);
    if (auto state = refresh_child(db, child.id)) states.emplace(child.id, std::move(*state));
  }
  for (const TouchedLead& lead : touched.leads())
    if (lead.events) refresh_lead(db, lead.id);
  return states;
}

}  // namespace

std::unique_ptr<Projection> child_file_projection() { return std::make_unique<ChildFileProjection>(); }
std::unique_ptr<Projection> workflow_projection() { return std::make_unique<WorkflowProjection>(); }

const ChildState* refreshed_state(const Refreshed& refreshed, std::string_view child_id) {
  auto it = refreshed.find("workflow");
  if (it == refreshed.end()) return nullptr;
  const auto* states = std::any_cast<ChildStates>(&it->second);
  if (!states) return nullptr;
  auto state = states->find(child_id);
  return state == states->end() ? nullptr : &state->second;
}

void refresh_all_workflow_state(db::Database& db) {
  std::vector<std::string> children, leads;
  {
    auto query = db.prepare("SELECT DISTINCT child_id FROM events WHERE child_id IS NOT NULL");
    while (query.step()) children.push_back(query.get_text(0));
    auto lead_query = db.prepare("SELECT id FROM leads");
    while (lead_query.step()) leads.push_back(lead_query.get_text(0));
  }
  for (const auto& id : children) (void)refresh_child(db, id);
  for (const auto& id : leads) refresh_lead(db, id);
}

}  // namespace tongdang
