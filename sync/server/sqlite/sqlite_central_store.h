// The embedded central store: one SQLite file (WAL) holding the core schema — the same tables and projections a
// station has, so the rules that derive colours and due dates run identically on both sides — plus the server's
// own tables (docs/sync-protocol.md, "Server store"). Enough for a county or a province; see central_store.h for
// the interface a PostgreSQL store implements.
//
// Concurrency: one connection; transactions are serialised by a mutex (SQLite has one writer anyway), and a pull
// takes the same lock only for the few milliseconds it reads a page.
#pragma once

#include <memory>
#include <string>

#include "core/base/status.h"
#include "sync/server/central_store.h"

namespace tongdang::sync {

// Creates a central database at `path` for a county (refused if the file exists).
Result<std::unique_ptr<CentralStore>> create_sqlite_store(const std::string& path, const std::string& county,
                                                          const std::string& name, const std::string& now_iso);
// Opens an existing central database, migrating it forward.
Result<std::unique_ptr<CentralStore>> open_sqlite_store(const std::string& path);

}  // namespace tongdang::sync
