// The station database's schema and its forward migrations. The same core schema is also the central server's
// (which adds its own tables), so the rules that derive colours and due dates run identically on both.
//
// Versioning: meta.schema_version holds the highest migration applied. Opening a database runs the missing
// migrations in order, each in its own transaction; a database whose version is newer than this program knows is
// refused with a clear message (an older program must never write a newer file).
#pragma once

#include <span>
#include <string_view>

#include "core/base/status.h"
#include "core/db/sqlite.h"

namespace tongdang::schema {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
  // Runs after `sql`, in the same transaction, for what SQL cannot do (hashing rows written before). May be null.
  void (*finish)(db::Database& db) = nullptr;
};

// All migrations this program knows, in order.
std::span<const Migration> migrations();
// The version a fully migrated database has.
int latest_version();
// The database's version (0 for a new, empty file).
int current_version(db::Database& db);
// Brings `db` to `target` (default: latest). Refuses a database newer than this program.
Status migrate(db::Database& db, int target = -1);

}  // namespace tongdang::schema
