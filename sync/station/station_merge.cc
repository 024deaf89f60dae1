#include "sync/station/station_merge.h"

#include <algorithm>
#include <string>

#include "core/store/events.h"
#include "core/store/profile.h"
#include "core/store/profile_edit.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/protocol.h"

namespace tongdang::sync {

using nlohmann::json;

namespace {

bool unsent_edit(db::Database& db, std::string_view entity, std::string_view id, std::string_view field) {
  auto query = db.cached(
      "SELECT 1 FROM outbox WHERE entity = ?1 AND entity_id = ?2 AND op != 'event'"
      " AND EXISTS (SELECT 1 FROM json_each(outbox.fields) WHERE key = ?3) LIMIT 1");
  query->bind_all(entity, id, field);
  return query->step();
}

void set_local_version(db::Database& db, std::string_view entity, std::string_view id, std::string_view field,
                       std::int64_t version) {
  auto upsert = db.cached(
      "INSERT INTO field_versions(entity, entity_id, field, version) VALUES(?1, ?2, ?3, ?4)"
      " ON CONFLICT(entity, entity_id, field) DO UPDATE SET version = excluded.version");
  upsert->bind(1, entity).bind(2, id).bind(3, field).bind(4, version).run();
}

// Server state for fields of a record that were answered or pulled: shown unless a local edit is still unsent
// (then kept in sync_shadow). `values`: field -> {value, version}.
void take_server_state(Station& station, std::string_view entity, std::string_view id, const json& values,
                       const json& extra_on_create) {
  db::Database& db = station.db();
  // Two cheap questions per record spare most per-field queries on a first sync (no edits pending, no shadows).
  auto pending_query = db.cached(
      "SELECT 1 FROM outbox WHERE entity = ?1 AND entity_id = ?2 AND op != 'event' LIMIT 1");
  pending_query->bind_all(entity, id);
  const bool any_pending = pending_query->step();
  pending_query->reset();
  auto shadow_query = db.cached("SELECT 1 FROM sync_shadow WHERE entity = ?1 AND entity_id = ?2 LIMIT 1");
  shadow_query->bind_all(entity, id);
  const bool any_shadow = shadow_query->step();
  shadow_query->reset();
  json to_write = json::object();
  for (const auto& [field, entry] : values.items()) {
    if (!entry.is_object()) continue;
    std::int64_t version = entry.value("version", std::int64_t{0});
    json value = entry.value("value", json());
    if (any_shadow) {
      // The newest server state known: the one given, or a shadow kept while an edit was unsent.
      auto shadow = db.cached(
          "SELECT value, version FROM sync_shadow WHERE entity = ?1 AND entity_id = ?2 AND field = ?3");
      shadow->bind_all(entity, id, field);
      if (shadow->step() && shadow->get_int(1) > version) {
        version = shadow->get_int(1);
        value = json::parse(shadow->get_text(0));
      }
    }
    bool pending = any_pending && unsent_edit(db, entity, id, field);
    switch (merge_pulled_field(field_version(db, entity, id, field), version, pending)) {
      case PulledField::Apply: {
        to_write[field] = value;
        set_local_version(db, entity, id, field, version);
        if (any_shadow) {
          auto drop = db.cached("DELETE FROM sync_shadow WHERE entity = ?1 AND entity_id = ?2 AND field = ?3");
          drop->bind_all(entity, id, field);
          drop->run();
        }
        break;
      }
      case PulledField::Shadow: {
        auto keep = db.cached(
            "INSERT INTO sync_shadow(entity, entity_id, field, value, version) VALUES(?1, ?2, ?3, ?4, ?5)"
            " ON CONFLICT(entity, entity_id, field) DO UPDATE SET value = excluded.value, version = excluded.version"
            " WHERE excluded.version > sync_shadow.version");
        keep->bind(1, entity).bind(2, id).bind(3, field).bind(4, value.dump()).bind(5, version).run();
        break;
      }
      case PulledField::Stale: break;
    }
  }
  if (to_write.empty()) return;
  if (!row_exists(db, entity, id)) {
    for (const auto& [key, value] : extra_on_create.items()) to_write[key] = value;
  } else {
    // A value the station already shows (its own edit, answered by the server) is not written again: only its
    // version was new. On a holder's first push this spares rewriting every field of every file it registered.
    std::vector<std::string> names;
    for (const auto& [field, value] : to_write.items()) names.push_back(field);
    const json shown = read_profile(db, entity, id, names);
    for (const auto& name : names)
      if (shown.is_object() && shown.contains(name) && shown[name] == to_write[name]) to_write.erase(name);
    if (to_write.empty()) return;
  }
  upsert_profile(db, entity, id, to_write, station.clock().now_iso());
}

// Upserts a conflict or duplicate record pulled from the server unless the station holds a newer revision.
void save_conflict(db::Database& db, const json& record) {
  auto upsert = db.cached(
      "INSERT INTO conflicts(id, township, child_id, entity, entity_id, field, status, revision, body, opened_at)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO UPDATE SET status = excluded.status,"
      " revision = excluded.revision, body = excluded.body WHERE excluded.revision >= conflicts.revision");
  upsert->bind(1, record.value("id", "")).bind(2, record.value("township", "")).bind(3, record.value("child_id", ""));
  upsert->bind(4, record.value("entity", "")).bind(5, record.value("entity_id", "")).bind(6, record.value("field", ""));
  upsert->bind(7, record.value("status", "open")).bind(8, record.value("revision", std::int64_t{1}));
  upsert->bind(9, record.dump()).bind(10, record.value("opened_at", "")).run();
}

void save_duplicate(db::Database& db, const json& record) {
  auto upsert = db.cached(
      "INSERT INTO duplicate_candidates(id, id_number, status, revision, body, opened_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
      " ON CONFLICT(id) DO UPDATE SET status = excluded.status, revision = excluded.revision, body = excluded.body"
      " WHERE excluded.revision >= duplicate_candidates.revision");
  upsert->bind(1, record.value("id", "")).bind(2, record.value("id_number", "")).bind(3, record.value("status", "open"));
  upsert->bind(4, record.value("revision", std::int64_t{1})).bind(5, record.dump());
  upsert->bind(6, record.value("opened_at", "")).run();
}

}  // namespace


bool row_exists(db::Database& db, std::string_view entity, std::string_view id) {
  auto query = entity == "child" ? db.cached("SELECT 1 FROM children WHERE id = ?1")
                                 : db.cached("SELECT 1 FROM relatives WHERE id = ?1");
  query->bind(1, id);
  return query->step();
}

Status apply_op(Station& station, const json& op) {
  db::Database& db = station.db();
  const std::string type = op.value("type", "");
  if (type == "profile") {
    json extra = json::object();
    if (op.value("create", false) && op.contains("created_by")) extra["created_by"] = op["created_by"];
    take_server_state(station, op.value("entity", ""), op.value("entity_id", ""), op.value("fields", json::object()),
                      extra);
  } else if (type == "event") {
    auto event = Event::from_json(op.value("event", json()));
    if (!event) return event.status();
    // An event this station recorded too under the same id (a file closing itself, noticed here and elsewhere):
    // the server kept the other station's copy, and so does this one.
    if (!apply_event(db, event.value())) take_server_copy(db, event.value());
  } else if (type == "conflict") {
    save_conflict(db, op.value("conflict", json::object()));
  } else if (type == "duplicate") {
    save_duplicate(db, op.value("duplicate", json::object()));
  }
  // Unknown op types come from a newer server: skipped, so an older station keeps working.
  return Status::ok();
}

void apply_push_results(Station& station, const std::vector<OutboxRow>& rows, const json& results,
                        const std::string& acked_hlc, SyncSummary& summary) {
  Status written = station.write([&](WriteContext& w) {
    for (const json& raw : results) {
      auto result = ChangeResult::from_json(raw);
      if (!result) continue;
      auto row = std::find_if(rows.begin(), rows.end(),
                              [&](const OutboxRow& r) { return r.change.change_id == result->change_id; });
      if (row == rows.end()) continue;
      const WireChange& change = row->change;
      ++summary.pushed;
      switch (result->status) {
        case ChangeStatus::Applied: ++summary.applied; break;
        case ChangeStatus::Duplicate: ++summary.duplicates; break;
        case ChangeStatus::Conflict: summary.conflicts_opened += static_cast<std::int64_t>(result->conflicts.size()); break;
        case ChangeStatus::Rejected: ++summary.rejected; break;
      }
      if (result->status == ChangeStatus::Rejected) {
        keep_rejected(w, change, result->reason);
      } else {
        keep_sent(w, change, acked_hlc);
      }
      if (change.op != "event") {
        // Show the server's state of each field (or a newer shadow), unless another edit of it is still unsent.
        json state = result->state;
        for (const auto& [field, value] : change.fields.items())
          if (!state.contains(field)) state[field] = {{"value", nullptr}, {"version", 0}};
        take_server_state(station, change.entity, change.entity_id, state, json::object());
      }
    }
    return Status::ok();
  });
  (void)written;  // the body cannot fail; a database error throws
}

}  // namespace tongdang::sync
