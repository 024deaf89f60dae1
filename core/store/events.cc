#include "core/store/events.h"

#include "core/base/text_limits.h"
#include "core/store/projection.h"
#include "core/store/station.h"

namespace tongdang {

using nlohmann::json;

json Event::to_json() const {
  json out = {{"id", id},         {"township", township}, {"kind", kind},
              {"payload", payload}, {"occurred_on", occurred_on}, {"hlc", hlc},
              {"actor", actor},   {"actor_role", actor_role}, {"station_id", station_id},
              {"recorded_at", recorded_at}};
  out["child_id"] = child_id ? json(*child_id) : json(nullptr);
  out["lead_id"] = lead_id ? json(*lead_id) : json(nullptr);
  return out;
}

Result<Event> Event::from_json(const json& in) {
  if (!in.is_object()) return Status::invalid("event", "must be an object");
  Event event;
  for (const char* key : {"id", "township", "kind", "occurred_on", "hlc", "actor", "actor_role", "station_id"}) {
    if (!in.contains(key) || !in[key].is_string() || in[key].get<std::string>().empty())
      return Status::invalid(std::string("event.") + key, "missing or not a string");
  }
  event.id = in["id"];
  event.township = in["township"];
  event.kind = in["kind"];
  event.occurred_on = in["occurred_on"];
  event.hlc = in["hlc"];
  event.actor = in["actor"];
  event.actor_role = in["actor_role"];
  event.station_id = in["station_id"];
  event.recorded_at = in.value("recorded_at", "");
  event.payload = in.value("payload", json::object());
  if (in.contains("child_id") && in["child_id"].is_string()) event.child_id = in["child_id"].get<std::string>();
  if (in.contains("lead_id") && in["lead_id"].is_string()) event.lead_id = in["lead_id"].get<std::string>();
  return event;
}

void record_event(WriteContext& w, Event& event) {
  Station& station = w.station();
  Hlc hlc = w.stamp();
  if (event.id.empty()) event.id = station.new_id();
  if (event.township.empty()) event.township = station.township();
  if (event.occurred_on.empty()) event.occurred_on = station.clock().today().to_string();
  event.hlc = hlc.to_string();
  event.actor = station.actor().name;
  event.actor_role = std::string(to_string(station.actor().role));
  event.station_id = station.station_id();
  event.recorded_at = w.now_iso();
  json full = event.to_json();
  // The same text limits the server applies to a pushed event: an event it would refuse is never recorded.
  if (auto checked = check_event_text(full); !checked) throw WriteRefused{checked};
  apply_event(w.db(), event);
  std::string captured = w.capture({"event", event.id, event.child_id ? *event.child_id : "", "event", full}, hlc);
  w.audit_text(event.kind, "event", event.id, std::nullopt, captured);
}

bool apply_event(db::Database& db, const Event& event) {
  auto insert = db.cached(
      "INSERT INTO events(id, child_id, lead_id, township, kind, payload, occurred_on, hlc, actor, actor_role,"
      " station_id, recorded_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT(id) DO NOTHING");
  insert->bind(1, event.id).bind(2, event.child_id).bind(3, event.lead_id).bind(4, event.township);
  insert->bind(5, event.kind).bind(6, event.payload.dump()).bind(7, event.occurred_on).bind(8, event.hlc);
  insert->bind(9, event.actor).bind(10, event.actor_role).bind(11, event.station_id).bind(12, event.recorded_at);
  insert->run();
  if (db.changes() == 0) return false;
  // The registered projections (projection.h): at once where a batch is open, else in a batch of its own.
  if (ProjectionBatch* batch = ProjectionBatch::open_on(db)) batch->event_stored(event);
  else with_batch(db, [&](ProjectionBatch& own) { own.event_stored(event); });
  return true;
}

bool take_server_copy(db::Database& db, const Event& event) {
  auto update = db.cached(
      "UPDATE events SET township = ?3, payload = ?4, occurred_on = ?5, hlc = ?6, actor = ?7, actor_role = ?8,"
      " station_id = ?9, recorded_at = ?10 WHERE id = ?1 AND kind = ?2 AND (hlc != ?6 OR station_id != ?9"
      " OR actor != ?7 OR actor_role != ?8 OR township != ?3 OR payload != ?4 OR occurred_on != ?5)");
  update->bind(1, event.id).bind(2, event.kind).bind(3, event.township).bind(4, event.payload.dump());
  update->bind(5, event.occurred_on).bind(6, event.hlc).bind(7, event.actor).bind(8, event.actor_role);
  update->bind(9, event.station_id).bind(10, event.recorded_at);
  update->run();
  if (db.changes() == 0) return false;
  auto refresh = [&](ProjectionBatch& batch) {
    if (event.child_id) batch.rows_loaded(*event.child_id);
    if (event.lead_id) batch.lead_rows_loaded(*event.lead_id);
  };
  if (ProjectionBatch* batch = ProjectionBatch::open_on(db)) refresh(*batch);
  else with_batch(db, refresh);
  return true;
}

namespace {

// The events a query (bound, not stepped) selects, in the column order of kEventColumns.
constexpr const char* kEventColumns =
    "SELECT id, child_id, lead_id, township, kind, payload, occurred_on, hlc, actor, actor_role, station_id,"
    " recorded_at FROM events";

std::vector<Event> read_events(db::Statement& query) {
  std::vector<Event> events;
  while (query.step()) {
    Event e;
    e.id = query.get_text(0);
    e.child_id = query.get_optional_text(1);
    e.lead_id = query.get_optional_text(2);
    e.township = query.get_text(3);
    e.kind = query.get_text(4);
    // A pulled event whose payload is not JSON reads as {} (the rules read an object).
    e.payload = json::parse(query.get_text(5), nullptr, false);
    if (e.payload.is_discarded()) e.payload = json::object();
    e.occurred_on = query.get_text(6);
    e.hlc = query.get_text(7);
    e.actor = query.get_text(8);
    e.actor_role = query.get_text(9);
    e.station_id = query.get_text(10);
    e.recorded_at = query.get_text(11);
    events.push_back(std::move(e));
  }
  return events;
}

}  // namespace

std::vector<Event> child_events(db::Database& db, std::string_view child_id, std::string_view kind_prefix) {
  auto query = db.cached(std::string(kEventColumns) +
                         " WHERE child_id = ?1 AND substr(kind, 1, length(?2)) = ?2 ORDER BY hlc, id");
  query->bind(1, child_id).bind(2, kind_prefix);
  return read_events(*query);
}

std::vector<Event> lead_events(db::Database& db, std::string_view lead_id) {
  auto query = db.cached(std::string(kEventColumns) + " WHERE lead_id = ?1 ORDER BY hlc, id");
  query->bind(1, lead_id);
  return read_events(*query);
}

}  // namespace tongdang
