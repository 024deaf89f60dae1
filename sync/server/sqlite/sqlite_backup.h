// Backing up and restoring the SQLite central store (tongdang-server backup / restore; docs/operations.md
// "Backups"). A backup is one self-contained SQLite file (no -wal beside it), made with SQLite's online backup while
// the server runs. A restore gives the restored database a new server id and names the one it was a backup of and
// the server clock the backup was taken at: stations that knew that server read the restored one's logs from the
// start and push again what it acknowledged since (docs/sync-protocol.md "A restored server").
#pragma once

#include <cstdint>
#include <string>

#include "core/base/status.h"

namespace tongdang::sync {

struct BackupFacts {
  std::string server_id;   // the server the backup is of
  std::string county;
  std::string name;
  std::string taken_at;    // ISO time the backup was taken
  std::string backup_hlc;  // the server's clock in the backup: everything it acknowledged before is in it
  std::int64_t children = 0;
  std::int64_t bytes = 0;
};

// Copies the central database at `db_path` into `out_path` (0600, written whole then renamed into place, so a
// failed backup never leaves a file that looks like one). Refuses an existing `out_path` unless `replace`.
Result<BackupFacts> backup_sqlite_store(const std::string& db_path, const std::string& out_path,
                                        const std::string& now_iso, bool replace);

struct RestoreFacts {
  BackupFacts backup;
  std::string new_server_id;
  std::string set_aside;  // where the database that was at db_path was moved (empty if there was none)
};

// Makes `db_path` a copy of the backup at `backup_path` with a new server id (the server must be stopped). The
// backup is checked (integrity, a central database, a schema this program can run) before anything is moved. An
// existing database at `db_path` is refused unless `replace`, and then moved aside, never deleted.
Result<RestoreFacts> restore_sqlite_store(const std::string& backup_path, const std::string& db_path,
                                          const std::string& now_iso, bool replace);

}  // namespace tongdang::sync
