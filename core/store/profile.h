// The mutable profile of a child and of a relative (docs/design.md "Records": one register per field). One table of
// field specifications drives validation for every entry path — the CLI's flags and --set, the ledger import, and
// changes pulled from the server — so a field is checked the same way wherever it comes from.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/base/text_limits.h"
#include "core/db/sqlite.h"

namespace tongdang {

enum class FieldKind {
  Text,     // free text
  Date,     // YYYY-MM-DD
  Bool,     // yes/no (是/否, true/false, 1/0)
  Integer,  // a whole number
  Village,  // a 12-digit village code
  Choice,   // one of a vocabulary (sex, schooling, relation, status, capacity …)
};

// Whether a field must hold a value. Declared here, in the field table, and nowhere else: the station's entry paths
// (child add, relative add, the ledger's required columns, --set) and the server's merge all read it.
enum class Presence {
  Optional,  // may be empty
  Stored,    // every stored record has it, filled by the station (township, child_id) or derived from the ID number
             // (sex, date of birth); the server refuses a new record without it
  Entered,   // Stored, and typed by the user when the record is created (name, village, relation …); never emptied
};

struct FieldSpec {
  std::string_view name;   // machine name: column, --set key, JSON key
  FieldKind kind;
  bool editable;           // may be changed with --set / pulled as an update
  std::string_view choice; // for Choice: the vocabulary ("sex", "schooling", "relation", "relative_status", "capacity", "hukou_status")
  TextRule text;           // length and characters allowed in the raw value (text_limits.h); every kind has one
  Presence presence = Presence::Optional;

  bool required() const { return presence != Presence::Optional; }
};

// The child's profile fields, in display order.
const std::vector<FieldSpec>& child_fields();
// A relative's profile fields.
const std::vector<FieldSpec>& relative_fields();
const FieldSpec* find_field(const std::vector<FieldSpec>& fields, std::string_view name);
// The field table of `entity` ("child" or "relative").
const std::vector<FieldSpec>& fields_of(std::string_view entity);

// A new record's values (normalised, by field name) hold every field of at least `presence` (Entered: what a user
// must type; Stored: everything a stored record has). Errors name the first field missing, in table order.
Status check_required(std::string_view entity, const nlohmann::json& fields, Presence presence);
// An edit does not empty a required field (setting it to null).
Status check_not_emptied(std::string_view entity, const nlohmann::json& fields);
// Values that arrive already normalised (a change pushed to the server) are exactly what the station's own
// validation would have stored: known fields, editable unless `creating`, each in its normal form, and on creation
// every Stored field present. The server's merge checks every pushed profile change with it.
Status check_stored_fields(std::string_view entity, const nlohmann::json& fields, bool creating);

// Checks and normalises one raw value (as typed or read from a CSV cell) for `spec`: an empty value becomes
// null; "是" becomes true; a choice's Chinese label becomes its machine key. The value's length and characters
// are checked first against spec.text (check_text). Errors name the field.
Result<nlohmann::json> normalize_field(const FieldSpec& spec, std::string_view raw);

// Writes profile fields of `entity` ("child" or "relative") with id `id`: inserts the row if it does not exist
// (fields must then hold every NOT NULL column), otherwise updates just the given fields. Used for local edits
// and for changes pulled from the server alike. `now_iso` stamps updated_at (and created_at for a new row).
void upsert_profile(db::Database& db, std::string_view entity, std::string_view id, const nlohmann::json& fields,
                    std::string_view now_iso);
// The same for a row known to be new (an id just made here): inserted without first looking for it, with
// `created_by` (a child's registering user) unless empty or among `fields`.
void insert_profile(db::Database& db, std::string_view entity, std::string_view id, const nlohmann::json& fields,
                    std::string_view now_iso, std::string_view created_by = {});

// The current values of the given fields (all profile fields if `names` is empty), as JSON; null if no row.
nlohmann::json read_profile(db::Database& db, std::string_view entity, std::string_view id,
                            const std::vector<std::string>& names = {});

}  // namespace tongdang
