// The field-edit use case (profile_edit.h).
#include "core/store/profile_edit.h"

#include <optional>
#include <string>
#include <vector>

#include "core/store/profile.h"

namespace tongdang {

using nlohmann::json;

std::int64_t field_version(db::Database& db, std::string_view entity, std::string_view id, std::string_view field) {
  auto query = db.cached("SELECT version FROM field_versions WHERE entity = ?1 AND entity_id = ?2 AND field = ?3");
  query->bind(1, entity).bind(2, id).bind(3, field);
  const std::int64_t version = query->step() ? query->get_int(0) : 0;
  query->reset();
  return version;
}

namespace {

// The server versions last seen for the fields of an edit: its base, which the server's merge compares with its
// own registers to tell a plain update from a concurrent one.
json base_versions(db::Database& db, std::string_view entity, std::string_view id, const json& fields) {
  json base = json::object();
  for (const auto& [name, value] : fields.items()) base[name] = field_version(db, entity, id, name);
  return base;
}

std::vector<std::string> names_of(const json& fields) {
  std::vector<std::string> names;
  names.reserve(fields.size());
  for (const auto& [name, value] : fields.items()) names.push_back(name);
  return names;
}

}  // namespace

void write_profile_fields(WriteContext& w, const ProfileWrite& write) {
  const json before = write.create ? json() : read_profile(w.db(), write.entity, write.id, names_of(write.fields));
  const Hlc hlc = w.stamp();
  // A new id: no row to look for. A child records who registered it (relatives have no such column).
  if (write.create)
    insert_profile(w.db(), write.entity, write.id, write.fields, w.now_iso(),
                   write.entity == "child" ? std::string_view(w.station().actor().name) : std::string_view());
  else
    upsert_profile(w.db(), write.entity, write.id, write.fields, w.now_iso());
  const std::string captured =
      w.capture({write.entity, write.id, write.child_id, write.create ? "create" : "update", write.fields,
                 write.create ? json::object() : base_versions(w.db(), write.entity, write.id, write.fields)},
                hlc);
  std::optional<std::string> before_text;
  if (!before.is_null()) before_text = before.dump();
  w.audit_text(std::string(write.entity) + (write.create ? ".add" : ".edit"), write.entity, write.id, before_text,
               captured);
}

}  // namespace tongdang
