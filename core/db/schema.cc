#include "core/db/schema.h"

#include <vector>

#include "core/base/i18n.h"

namespace tongdang::schema {

// Each area of the program owns the SQL of its migration (see the files named below). Versions are append-only:
// once released, a migration is never edited; a change is a new migration at the end.
extern const std::string_view kChildFileSchema;  // schema_child_file.cc
extern const std::string_view kWorkflowSchema;   // schema_workflow.cc
extern const std::string_view kSyncSchema;       // schema_sync.cc
extern const std::string_view kReportSchema;     // schema_report.cc
extern const std::string_view kAuditChainSchema; // schema_audit.cc
void chain_audit_rows(db::Database& db);         // schema_audit.cc
extern const std::string_view kSignInSchema;     // schema_sign_in.cc
extern const std::string_view kPagesSchema;      // schema_pages.cc
extern const std::string_view kDueSchema;        // schema_due.cc
extern const std::string_view kResendSchema;     // schema_resend.cc
extern const std::string_view kQueueSchema;      // schema_queue.cc

std::span<const Migration> migrations() {
  static const std::vector<Migration> all = {
      {1, "child file: children, relatives, memberships, events, audit, outbox", kChildFileSchema},
      {2, "3+4+N workflow: leads, screening, assessments, colours, visits, care", kWorkflowSchema},
      {3, "sync: conflicts, rejected changes, duplicate candidates, sync state", kSyncSchema},
      {4, "coverage report aggregates", kReportSchema},
      {5, "tamper-evident audit: each audit row hash-chained to the one before", kAuditChainSchema, chain_audit_rows},
      {6, "signing in: password hashes, sessions, failed attempts", kSignInSchema},
      {7, "indexes for the station's pages: audit rows by record", kPagesSchema},
      {8, "the work list's ranking keys (due_rank)", kDueSchema},
      {9, "sync: acknowledged changes kept to send again to a restored server", kResendSchema},
      {10, "the review queue's referrals: referral events by child (a partial index)", kQueueSchema},
  };
  return all;
}

int latest_version() { return migrations().back().version; }

int current_version(db::Database& db) {
  auto exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  if (!exists.step()) return 0;
  auto query = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!query.step()) return 0;
  return static_cast<int>(std::stoi(query.get_text(0)));
}

Status migrate(db::Database& db, int target) {
  if (target < 0) target = latest_version();
  int version = current_version(db);
  if (version > latest_version())
    return Status::refused(i18n::trf("数据库结构版本为 {}，比本程序支持的 {} 新；请升级 tongdang 后再打开",
                                     "the database has schema version {}, newer than this program's {}; "
                                     "update tongdang to open it",
                                     version, latest_version()));
  for (const Migration& migration : migrations()) {
    if (migration.version <= version || migration.version > target) continue;
    db::Transaction tx(db);
    db.exec(migration.sql);
    if (migration.finish) migration.finish(db);
    if (migration.version == 1)
      db.exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT");
    auto set = db.prepare(
        "INSERT INTO meta(key, value) VALUES('schema_version', ?1) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    set.bind(1, std::to_string(migration.version)).run();
    tx.commit();
  }
  return Status::ok();
}

}  // namespace tongdang::schema
