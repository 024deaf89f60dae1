// The one field-edit use case of the station: every local write of profile fields goes through
// write_profile_fields — `child add`/`child edit`, relatives, the ledger import, and the sync client's conflict
// resolution — so each such write stores the values, captures an outbox row whose base is each field's server
// version last seen (field_versions, docs/sync-protocol.md), and appends its audit row, the same way every time.
// Values must already be checked and normalised (profile.h: normalize_field, check_required, check_not_emptied).
// Values pulled from the server are not edits: they are written with upsert_profile and their versions by the
// sync client.
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/store/station.h"

namespace tongdang {

// One write of profile fields.
struct ProfileWrite {
  std::string_view entity;        // "child" or "relative"
  std::string_view id;            // the record's id
  std::string_view child_id;      // the child the record belongs to (the child's own id for a child)
  const nlohmann::json& fields;   // normalised values by field name
  bool create = false;            // a new record (an id just made here): inserted, its outbox op is "create"
};

// Writes `write.fields` inside Station::write(): the row (inserted, or just these fields updated), one outbox row
// with each field's base version (none for a new record), and one audit row "<entity>.add" or "<entity>.edit" with
// the values before and after. A new child records the acting user as created_by.
void write_profile_fields(WriteContext& w, const ProfileWrite& write);

// The server version last seen for `field` of a record: 0 if it never came back from the server.
std::int64_t field_version(db::Database& db, std::string_view entity, std::string_view id, std::string_view field);

}  // namespace tongdang
