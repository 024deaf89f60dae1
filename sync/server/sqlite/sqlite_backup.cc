#include "sync/server/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "core/db/schema.h"
#include "core/db/sqlite.h"
#include "sync/server/sqlite/sqlite_central_store.h"

namespace tongdang::sync {

using i18n::trf;

namespace {

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string meta(db::Database& db, const std::string& key) {
  auto query = db.prepare("SELECT value FROM meta WHERE key = ?1");
  query.bind(1, key);
  return query.step() ? query.get_text(0) : std::string();
}

void set_meta(db::Database& db, const std::string& key, const std::string& value) {
  auto upsert = db.prepare(
      "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  upsert.bind_all(key, value).run();
}

// A central database has a county in its meta table (a station database has none).
Status check_central(db::Database& db, const std::string& path) {
  if (schema::current_version(db) == 0 || meta(db, "county").empty())
    return Status::invalid("db", trf("{} 不是童档中心数据库", "{} is not a tongdang central database", path));
  return Status::ok();
}

Status check_integrity(db::Database& db, const std::string& path) {
  auto check = db.prepare("PRAGMA integrity_check");
  std::string verdict = check.step() ? check.get_text(0) : std::string();
  if (verdict != "ok")
    return Status::invalid("backup", trf("{} 已损坏（{}），不能使用", "{} is damaged ({}) and cannot be used", path,
                                         verdict));
  return Status::ok();
}

// The file's bytes on disk before it takes its name: a backup that was renamed into place is whole.
Status sync_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return Status::internal(trf("无法写入 {}", "cannot write {}", path));
  }
  ::close(fd);
  return Status::ok();
}

Status move_into_place(const std::string& from, const std::string& to) {
  if (auto synced = sync_file(from); !synced) return synced;
  if (std::rename(from.c_str(), to.c_str()) != 0)
    return Status::internal(trf("无法把 {} 改名为 {}", "cannot rename {} to {}", from, to));
  auto folder = std::filesystem::path(to).parent_path();
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  return Status::ok();
}

void remove_leftovers(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
}

BackupFacts facts_of(db::Database& db) {
  BackupFacts facts;
  facts.server_id = meta(db, "server_id");
  facts.county = meta(db, "county");
  facts.name = meta(db, "server_name");
  auto count = db.prepare("SELECT count(*) FROM children");
  count.step();
  facts.children = count.get_int(0);
  return facts;
}

}  // namespace

Result<BackupFacts> backup_sqlite_store(const std::string& db_path, const std::string& out_path,
                                        const std::string& now_iso, bool replace) {
  if (!exists(db_path))
    return Status::not_found(trf("找不到中心数据库 {}", "no central database at {}", db_path));
  if (exists(out_path) && !replace)
    return Status::refused(trf("{} 已存在；不会覆盖（要替换请加 --force）", "{} already exists; it is not overwritten "
                               "(add --force to replace it)", out_path));
  try {
    db::Database source(db_path, db::Database::Mode::ReadWrite);
    if (auto central = check_central(source, db_path); !central) return central;
    const std::string partial = out_path + ".partial";
    remove_leftovers(partial);
    BackupFacts facts;
    {
      db::Database copy(partial, db::Database::Mode::CreateIfMissing);
      db::copy_database(source, copy);
      // One file a person can move and keep: no -wal beside it.
      copy.exec("PRAGMA journal_mode = DELETE");
      facts = facts_of(copy);
      facts.taken_at = now_iso;
      facts.backup_hlc = meta(copy, "server_hlc");
      set_meta(copy, "backup_of", facts.server_id);
      set_meta(copy, "backup_taken_at", facts.taken_at);
      set_meta(copy, "backup_hlc", facts.backup_hlc);
      if (auto whole = check_integrity(copy, partial); !whole) {
        remove_leftovers(partial);
        return whole;
      }
    }
    if (auto moved = move_into_place(partial, out_path); !moved) {
      remove_leftovers(partial);
      return moved;
    }
    struct stat info {};
    if (::stat(out_path.c_str(), &info) == 0) facts.bytes = info.st_size;
    return facts;
  } catch (const db::DbError& e) {
    return Status::internal(trf("备份失败：{}", "the backup failed: {}", e.what()));
  }
}

Result<RestoreFacts> restore_sqlite_store(const std::string& backup_path, const std::string& db_path,
                                          const std::string& now_iso, bool replace) {
  if (!exists(backup_path)) return Status::not_found(trf("找不到备份文件 {}", "no backup file at {}", backup_path));
  if (exists(db_path) && !replace)
    return Status::refused(trf("{} 已存在；恢复会把它移到一旁，请先停止服务再加 --force",
                               "{} already exists; a restore moves it aside: stop the service, then add --force",
                               db_path));
  const std::string restoring = db_path + ".restoring";
  remove_leftovers(restoring);
  RestoreFacts facts;
  try {
    db::Database backup(backup_path, db::Database::Mode::ReadOnly);
    if (auto central = check_central(backup, backup_path); !central) return central;
    if (auto whole = check_integrity(backup, backup_path); !whole) return whole;
    facts.backup = facts_of(backup);
    facts.backup.taken_at = meta(backup, "backup_taken_at");
    // A copy made by hand (sqlite3 .backup) has no backup_hlc: its server clock is the moment it was taken.
    facts.backup.backup_hlc = meta(backup, "backup_hlc");
    if (facts.backup.backup_hlc.empty()) facts.backup.backup_hlc = meta(backup, "server_hlc");
    facts.new_server_id = new_record_id(0);
    {
      db::Database restored(restoring, db::Database::Mode::CreateIfMissing);
      db::copy_database(backup, restored);
      restored.exec("PRAGMA journal_mode = WAL");
      db::Transaction tx(restored);
      set_meta(restored, "server_id", facts.new_server_id);
      set_meta(restored, "restored_from", facts.backup.server_id);
      set_meta(restored, "restored_backup_hlc", facts.backup.backup_hlc);
      set_meta(restored, "restored_at", now_iso);
      restored.exec("DELETE FROM meta WHERE key IN ('backup_of', 'backup_taken_at', 'backup_hlc')");
      tx.commit();
    }
    // Opening it as the server does runs the forward migrations and refuses a schema newer than this program.
    if (auto opened = open_sqlite_store(restoring); !opened) {
      remove_leftovers(restoring);
      return opened.status();
    }
  } catch (const db::DbError& e) {
    remove_leftovers(restoring);
    return Status::internal(trf("恢复失败：{}", "the restore failed: {}", e.what()));
  }
  if (exists(db_path)) {
    std::string stamp = now_iso.substr(0, 19);
    for (char& c : stamp)
      if (c == ':') c = '-';
    facts.set_aside = db_path + ".before-restore-" + stamp;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string from = db_path + suffix;
      if (exists(from) && std::rename(from.c_str(), (facts.set_aside + suffix).c_str()) != 0) {
        remove_leftovers(restoring);
        return Status::internal(trf("无法把 {} 移到一旁", "cannot move {} aside", from));
      }
    }
  }
  if (auto moved = move_into_place(restoring, db_path); !moved) return moved;
  return facts;
}

}  // namespace tongdang::sync
