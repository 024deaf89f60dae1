// Append-only events (docs/design.md "Records"): every fact in a child's history that is not a profile field —
// memberships, closing, and every step of the 3+4+N workflow. An event is keyed by a UUID made where it was recorded,
// is never updated, and never conflicts; a correction is a new event. Derived tables (memberships, the current colour,
// due dates …) are projections of the events, computed the same way on a station and on the server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/db/sqlite.h"

namespace tongdang {

class WriteContext;

struct Event {
  std::string id;
  std::optional<std::string> child_id;  // absent for a lead not yet tied to a child
  std::optional<std::string> lead_id;
  std::string township;
  std::string kind;                     // see docs/design.md "Event kinds"
  nlohmann::json payload = nlohmann::json::object();
  std::string occurred_on;              // business date, YYYY-MM-DD
  std::string hlc;
  std::string actor;
  std::string actor_role;
  std::string station_id;
  std::string recorded_at;

  nlohmann::json to_json() const;
  // Parses the wire/outbox form; errors name the missing field.
  static Result<Event> from_json(const nlohmann::json& json);
};

// Records an event made here: fills in id (if empty), hlc, actor, station and time; applies it; captures it in
// the outbox; audits it. Call inside Station::write(). An event whose text breaks a limit (check_event_text,
// text_limits.h) throws WriteRefused: the write returns that Status and nothing of it is kept.
void record_event(WriteContext& w, Event& event);

// Inserts `event` if it is not known yet and tells the registered projections (projection.h): rows copying the
// event at once, the rows folded from its child's and lead's records when the open batch flushes. Idempotent: returns
// false (and changes nothing) for an event already stored. Used for local events and for events pulled from the server.
bool apply_event(db::Database& db, const Event& event);

// Takes the server's copy of an event this database already holds under the same id but recorded itself: a fact
// several stations record with one id (a file closing itself, ids.h name_based_record_id) is kept once by the
// server, the first to arrive, and every station takes that copy — its stamp, author and station — so all agree.
// Refreshes what is derived from the event's child and lead. False (nothing changed) when the copies are the same.
bool take_server_copy(db::Database& db, const Event& event);

// A child's events in HLC order (optionally only those whose kind starts with `kind_prefix`).
std::vector<Event> child_events(db::Database& db, std::string_view child_id, std::string_view kind_prefix = "");
// A lead's events in HLC order.
std::vector<Event> lead_events(db::Database& db, std::string_view lead_id);

}  // namespace tongdang
