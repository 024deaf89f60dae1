#include "core/workflow/child_file.h"

#include <algorithm>
#include <tuple>

#include "core/base/tuning.h"
#include "core/store/file_merge.h"
#include "core/store/record_ref.h"
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

// The file's own id, then those of the files merged into it that this station holds (core/store/file_merge.h):
// a merged-away file's events, visits and relatives stay on it (so an unmerge restores both files exactly) and are
// read through the survivor, each tagged with the file it belongs to.
std::vector<std::string> file_and_merged(db::Database& db, const std::string& child_id) {
  std::vector<std::string> ids{child_id};
  for (auto& merged : file_merge::merged_into(db, child_id)) ids.push_back(std::move(merged));
  return ids;
}

// Tags a row read through the survivor with the merged-away file it belongs to (its short id).
void tag_merged(json& row, const std::string& file, const std::string& survivor) {
  if (file != survivor) row["merged_from"] = short_record_id(file);
}

std::vector<json> visits_of(db::Database& db, const std::string& child_id) {
  std::vector<json> rows;
  for (const auto& file : file_and_merged(db, child_id)) {
    auto own = rows_of(db,
                       "SELECT id, visit_on, kind, with_whom, notes, key_event, actor, actor_role FROM visits"
                       " WHERE child_id = ?1 ORDER BY visit_on DESC, id DESC",
                       file);
    for (auto& row : own) {
      // with_whom is stored as a JSON array of names.
      json with = json::parse(row["with_whom"].get<std::string>(), nullptr, false);
      row["with"] = with.is_array() ? with : json::array();
      row.erase("with_whom");
      tag_merged(row, file, child_id);
      rows.push_back(std::move(row));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return std::tie(a["visit_on"].get_ref<const std::string&>(), a["id"].get_ref<const std::string&>()) >
           std::tie(b["visit_on"].get_ref<const std::string&>(), b["id"].get_ref<const std::string&>());
  });
  return rows;
}

std::vector<json> history_of(db::Database& db, const std::string& child_id) {
  // The child's own rows, its relatives' and its events' (an event's audit row is keyed by the event id), and
  // those of the files merged into it.
  auto query = db.cached(
      "SELECT seq, at, actor, action, entity, entity_id, after FROM audit WHERE (entity = 'child' AND entity_id = ?1)"
      " OR (entity = 'relative' AND entity_id IN (SELECT id FROM relatives WHERE child_id = ?1))"
      " OR (entity = 'event' AND entity_id IN (SELECT id FROM events WHERE child_id = ?1))"
      " ORDER BY seq DESC LIMIT ?2");
  std::vector<json> rows;
  for (const auto& file : file_and_merged(db, child_id)) {
    query->bind(1, file).bind(2, tuning::kChildHistoryRows);
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
      tag_merged(row, file, child_id);
      rows.push_back(std::move(row));
    }
    query->reset();
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const json& a, const json& b) { return a["seq"].get<std::int64_t>() > b["seq"].get<std::int64_t>(); });
  if (rows.size() > static_cast<std::size_t>(tuning::kChildHistoryRows)) rows.resize(tuning::kChildHistoryRows);
  return rows;
}

// The relatives of the files merged into `child_id`, as show_child gives the survivor's own, each tagged with its
// file: the family is read through the survivor, never moved, so an unmerge gives it back by itself.
json merged_relatives(Station& station, const std::string& child_id, bool full_id) {
  json rows = json::array();
  auto& db = station.db();
  const auto files = file_and_merged(db, child_id);
  for (std::size_t i = 1; i < files.size(); ++i)
    for (json row : relative_rows(db, files[i], full_id)) {
      tag_merged(row, files[i], child_id);
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
  for (json& relative : merged_relatives(station, id, full_id)) file.child["relatives"].push_back(std::move(relative));
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
  // The file's own and those of the files merged into it (events keep their ids; each tagged with its file).
  for (const auto& file : file_and_merged(db, id)) {
    auto events = db.cached(
        "SELECT e.id, e.kind, e.occurred_on, e.recorded_at, e.actor, e.actor_role, e.payload,"
        " (SELECT max(a.seq) FROM audit a WHERE a.entity = 'event' AND a.entity_id = e.id) FROM events e"
        " WHERE e.child_id = ?1 OR e.lead_id IN (SELECT id FROM leads WHERE child_id = ?1)");
    events->bind(1, file);
    while (events->step()) {
      HistoryEntry e;
      e.id = events->get_text(0);
      e.what = events->get_text(1);
      e.on = events->get_text(2);
      e.at = events->get_text(3);
      e.actor = events->get_text(4);
      e.role = events->get_text(5);
      e.entity = "event";
      e.seq = events->is_null(7) ? 0 : events->get_int(7);
      if (file != id) e.file = file;
      const json payload = json::parse(events->get_text(6), nullptr, false);
      // A file from another county: the county it came from (shown as 从…转入).
      if (e.what == file_merge::kImportKind && payload.is_object())
        e.note = payload.value("from_county_name", "");
      else if (payload.is_object())
        for (const char* key : {"note", "reason", "outcome", "summary"})
          if (payload.contains(key) && payload[key].is_string() && !payload[key].get<std::string>().empty()) {
            e.note = payload[key].get<std::string>();
            break;
          }
      entries.push_back(std::move(e));
    }
    events->reset();
    // Profile changes: the audit rows of the child and its relatives (an event's own audit row is the event above).
    auto changes = db.cached(
        "SELECT at, actor, action, entity, entity_id, after, seq FROM audit WHERE (entity = 'child' AND entity_id = ?1)"
        " OR (entity = 'relative' AND entity_id IN (SELECT id FROM relatives WHERE child_id = ?1))");
    changes->bind(1, file);
    while (changes->step()) {
      HistoryEntry e;
      e.at = changes->get_text(0);
      e.actor = changes->get_text(1);
      e.what = changes->get_text(2);
      e.entity = changes->get_text(3);
      e.id = changes->get_text(4);
      e.seq = changes->get_int(6);
      if (file != id) e.file = file;
      if (auto after = changes->get_optional_text(5)) {
        json changed = json::parse(*after, nullptr, false);
        if (changed.is_object())
          for (const auto& [field, value] : changed.items()) e.fields.push_back(field);
      }
      if (e.what.starts_with("file.open")) continue;  // openings are the audit log's, not the file's history
      entries.push_back(std::move(e));
    }
    changes->reset();
  }
  std::stable_sort(entries.begin(), entries.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
    return std::tie(a.at, a.seq, a.id) > std::tie(b.at, b.seq, b.id);
  });
  return entries;
}

}  // namespace tongdang
