#include "core/workflow/child_file.h"

#include <algorithm>
#include <tuple>

#include "core/base/tuning.h"
#include "core/workflow/care.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"

namespace tongdang {

using nlohmann::json;

namespace {

// Every column of the row as JSON (text, integer or null), by column name.
json row_json(const db::Statement& query) {
  json row = json::object();
  for (int i = 0; i < query.column_count(); ++i) {
    const std::string name(query.column_name(i));
    if (query.is_null(i)) row[name] = nullptr;
    else if (query.column_type(i) == SQLITE_INTEGER) row[name] = query.get_int(i);
    else row[name] = query.get_text(i);
  }
  return row;
}

std::vector<json> rows_of(db::Database& db, const std::string& sql, const std::string& child_id) {
  auto query = db.cached(sql);
  query->bind(1, child_id);
  std::vector<json> rows;
  while (query->step()) rows.push_back(row_json(*query));
  return rows;
}

json state_of(db::Database& db, const std::string& child_id) {
  auto rows = rows_of(db,
                      "SELECT colour, colour_since, pending_review, last_score, last_assessed_on, last_home_visit,"
                      " last_contact, last_supervisor_visit, key_event, key_event_on, next_visit_due,"
                      " next_supervisor_visit_due, next_reassessment_due, case_worker, care_measures_active,"
                      " care_plan_met, care_plan_due FROM child_state WHERE child_id = ?1",
                      child_id);
  return rows.empty() ? json(nullptr) : rows.front();
}

std::vector<json> visits_of(db::Database& db, const std::string& child_id) {
  auto rows = rows_of(db,
                      "SELECT id, visit_on, kind, with_whom, notes, key_event, actor, actor_role FROM visits"
                      " WHERE child_id = ?1 ORDER BY visit_on DESC, id DESC",
                      child_id);
  for (auto& row : rows) {
    // with_whom is stored as a JSON array of names.
    json with = json::parse(row["with_whom"].get<std::string>(), nullptr, false);
    row["with"] = with.is_array() ? with : json::array();
    row.erase("with_whom");
  }
  return rows;
}

std::vector<json> history_of(db::Database& db, const std::string& child_id) {
  // The child's own rows, its relatives' and its events' (an event's audit row is keyed by the event id).
  auto query = db.cached(
      "SELECT seq, at, actor, action, entity, entity_id, after FROM audit WHERE (entity = 'child' AND entity_id = ?1)"
      " OR (entity = 'relative' AND entity_id IN (SELECT id FROM relatives WHERE child_id = ?1))"
      " OR (entity = 'event' AND entity_id IN (SELECT id FROM events WHERE child_id = ?1))"
      " ORDER BY seq DESC LIMIT ?2");
  query->bind(1, child_id).bind(2, tuning::kChildHistoryRows);
  std::vector<json> rows;
  while (query->step()) {
    json row = {{"seq", query->get_int(0)},    {"at", query->get_text(1)},     {"actor", query->get_text(2)},
                {"action", query->get_text(3)}, {"entity", query->get_text(4)}, {"fields", json::array()}};
    // Which fields a profile change touched: their names only, never the values.
    if (row["entity"] != "event")
      if (auto after = query->get_optional_text(6)) {
        json changed = json::parse(*after, nullptr, false);
        if (changed.is_object())
          for (const auto& [field, value] : changed.items()) row["fields"].push_back(field);
      }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

Result<ChildFile> open_child_file(Station& station, std::string_view ref, bool full_id) {
  auto child = show_child(station, ref, full_id);  // resolves, checks scope and full_id, audits a red file
  if (!child) return child.status();
  ChildFile file;
  file.child = std::move(child).value();
  const std::string id = file.child["id"].get<std::string>();
  auto& db = station.db();
  file.colour = colour_history_of(station, id);
  file.state = state_of(db, id);
  file.screening = rows_of(db,
                           "SELECT id, state, source, red, discovered_on, discovered_by, verify_due, verified_on,"
                           " verified_by, review_due, reviewed_on, reviewed_by, returned_on, returned_by, return_reason,"
                           " confirm_due, confirmed_on, confirmed_by FROM leads WHERE child_id = ?1"
                           " ORDER BY discovered_at, id",
                           id);
  file.visits = visits_of(db, id);
  auto care = list_care_measures(station, id);
  if (!care) return care.status();
  file.care = std::move(care).value();
  file.reviews = rows_of(db,
                         "SELECT event_id, from_colour, proposed_colour, why, opened_on, opened_by FROM colour_reviews"
                         " WHERE child_id = ?1 AND resolved_by IS NULL ORDER BY opened_on, event_id",
                         id);
  file.referrals = child_referrals(db, id);
  file.history = history_of(db, id);
  return file;
}

Result<std::vector<HistoryEntry>> child_history(Station& station, std::string_view ref) {
  auto child = show_child(station, ref, false);  // resolves, checks scope, audits a red file
  if (!child) return child.status();
  const std::string id = child.value()["id"].get<std::string>();
  auto& db = station.db();
  std::vector<HistoryEntry> entries;
  // The child's events and those of the leads it came from (a lead's discovery precedes the file).
  // The local audit row's sequence orders what was recorded in the same second (a fixed clock, a bulk import);
  // an event pulled from another station has none and sorts by its time alone.
  auto events = db.prepare(
      "SELECT e.id, e.kind, e.occurred_on, e.recorded_at, e.actor, e.actor_role, e.payload,"
      " (SELECT max(a.seq) FROM audit a WHERE a.entity = 'event' AND a.entity_id = e.id) FROM events e"
      " WHERE e.child_id = ?1 OR e.lead_id IN (SELECT id FROM leads WHERE child_id = ?1)");
  events.bind(1, id);
  while (events.step()) {
    HistoryEntry e;
    e.id = events.get_text(0);
    e.what = events.get_text(1);
    e.on = events.get_text(2);
    e.at = events.get_text(3);
    e.actor = events.get_text(4);
    e.role = events.get_text(5);
    e.entity = "event";
    e.seq = events.is_null(7) ? 0 : events.get_int(7);
    const json payload = json::parse(events.get_text(6), nullptr, false);
    if (payload.is_object())
      for (const char* key : {"note", "reason", "outcome", "summary"})
        if (payload.contains(key) && payload[key].is_string() && !payload[key].get<std::string>().empty()) {
          e.note = payload[key].get<std::string>();
          break;
        }
    entries.push_back(std::move(e));
  }
  // Profile changes: the audit rows of the child and its relatives (an event's own audit row is the event above).
  auto changes = db.prepare(
      "SELECT at, actor, action, entity, entity_id, after, seq FROM audit WHERE (entity = 'child' AND entity_id = ?1)"
      " OR (entity = 'relative' AND entity_id IN (SELECT id FROM relatives WHERE child_id = ?1))");
  changes.bind(1, id);
  while (changes.step()) {
    HistoryEntry e;
    e.at = changes.get_text(0);
    e.actor = changes.get_text(1);
    e.what = changes.get_text(2);
    e.entity = changes.get_text(3);
    e.id = changes.get_text(4);
    e.seq = changes.get_int(6);
    if (auto after = changes.get_optional_text(5)) {
      json changed = json::parse(*after, nullptr, false);
      if (changed.is_object())
        for (const auto& [field, value] : changed.items()) e.fields.push_back(field);
    }
    if (e.what.starts_with("file.open")) continue;  // openings are the audit log's, not the file's history
    entries.push_back(std::move(e));
  }
  std::stable_sort(entries.begin(), entries.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
    return std::tie(a.at, a.seq, a.id) > std::tie(b.at, b.seq, b.id);
  });
  return entries;
}

}  // namespace tongdang
