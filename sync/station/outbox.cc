#include "sync/station/outbox.h"

#include <fmt/format.h>

#include "core/store/file_merge.h"
#include "core/store/projection.h"
#include "core/workflow/children.h"
#include "sync/protocol/messages.h"

namespace tongdang::sync {

using nlohmann::json;

std::vector<OutboxRow> read_outbox(db::Database& db, int limit) {
  auto query = db.cached(
      "SELECT seq, change_id, entity, entity_id, child_id, op, fields, base, hlc, actor, actor_role FROM outbox"
      " ORDER BY seq LIMIT ?1");
  query->bind(1, limit);
  std::vector<OutboxRow> rows;
  while (query->step()) {
    OutboxRow row;
    row.seq = query->get_int(0);
    WireChange& c = row.change;
    c.change_id = query->get_text(1);
    c.entity = query->get_text(2);
    c.entity_id = query->get_text(3);
    c.child_id = query->get_optional_text(4).value_or("");
    c.op = query->get_text(5);
    json fields = json::parse(query->get_text(6));
    if (c.op == "event") c.event = std::move(fields);
    else c.fields = std::move(fields);
    c.base = json::parse(query->get_text(7));
    c.hlc = query->get_text(8);
    c.actor = query->get_text(9);
    c.actor_role = query->get_text(10);
    rows.push_back(std::move(row));
  }
  return rows;
}

void keep_sent(WriteContext& w, const WireChange& change, const std::string& acked_hlc) {
  db::Database& db = w.db();
  auto keep = db.cached(
      "INSERT OR IGNORE INTO sent_changes(seq, change_id, entity, entity_id, child_id, op, fields, base, hlc, actor,"
      " actor_role, created_at, acked_hlc, acked_at)"
      " SELECT seq, change_id, entity, entity_id, child_id, op, fields, base, hlc, actor, actor_role, created_at,"
      " ?2, ?3 FROM outbox WHERE change_id = ?1");
  keep->bind(1, change.change_id).bind(2, acked_hlc).bind(3, w.now_iso()).run();
  auto remove = db.cached("DELETE FROM outbox WHERE change_id = ?1");
  remove->bind(1, change.change_id);
  remove->run();
}

std::int64_t requeue_sent_since(WriteContext& w, const std::string& backup_hlc) {
  // Stamps are fixed-width text whose order is their value's order (core/base/hlc.h), so they compare as text.
  // A change sent again keeps its change id (the restored server answers "duplicate" to one it holds) and its base
  // versions (a field the restored server holds newer becomes a conflict, never a silent overwrite). It also keeps
  // its outbox seq: the outbox's AUTOINCREMENT never reuses one, so the old seqs sort before every change still
  // waiting, and a file's creation goes up again before the edits made to it since.
  db::Database& db = w.db();
  auto requeue = db.cached(
      "INSERT OR IGNORE INTO outbox(seq, change_id, entity, entity_id, child_id, op, fields, base, hlc, actor,"
      " actor_role, created_at) SELECT seq, change_id, entity, entity_id, child_id, op, fields, base, hlc, actor,"
      " actor_role, created_at FROM sent_changes WHERE acked_hlc > ?1 OR acked_hlc = ''");
  requeue->bind(1, backup_hlc).run();
  const std::int64_t count = db.changes();
  auto forget = db.cached("DELETE FROM sent_changes WHERE acked_hlc > ?1 OR acked_hlc = ''");
  forget->bind(1, backup_hlc).run();
  return count;
}

void prune_sent(WriteContext& w, const std::string& cutoff_iso) {
  auto prune = w.db().cached("DELETE FROM sent_changes WHERE acked_at < ?1");
  prune->bind(1, cutoff_iso).run();
}

void keep_rejected(WriteContext& w, const WireChange& change, const Message& reason) {
  const std::string stored = reason.to_json().dump();
  db::Database& db = w.db();
  auto remove = db.cached("DELETE FROM outbox WHERE change_id = ?1");
  remove->bind(1, change.change_id);
  remove->run();
  auto keep = db.cached(
      "INSERT INTO rejected_changes(change_id, entity, entity_id, child_id, op, fields, hlc, actor, reason,"
      " rejected_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(change_id) DO NOTHING");
  keep->bind(1, change.change_id).bind(2, change.entity).bind(3, change.entity_id);
  if (change.child_id.empty()) keep->bind_null(4); else keep->bind(4, change.child_id);
  keep->bind(5, change.op)
      .bind(6, (change.op == "event" ? change.event : change.fields).dump(-1, ' ', false, json::error_handler_t::replace));
  keep->bind(7, change.hlc).bind(8, change.actor).bind(9, stored);
  keep->bind(10, w.now_iso()).run();
  w.audit("sync.rejected", change.entity, change.entity_id, json(), {{"change_id", change.change_id},
                                                                       {"reason", reason.to_json()}});
  if (change.op == "event" && change.event.value("kind", "") == "conflict.resolve") {
    // The resolution did not take: the conflict is open again here, as it still is on the server.
    auto reopen = db.cached("UPDATE conflicts SET status = 'open' WHERE id = ?1");
    reopen->bind(1, change.event.value("payload", json::object()).value("conflict_id", ""));
    reopen->run();
  }
  const std::string kind = change.op == "event" ? change.event.value("kind", "") : "";
  // An aged-out close is refused when the server's memberships say a category still ran (another station added one
  // first): like a refused merge, it never happened.
  const bool aged_out_close =
      kind == "file.close" && change.event.value("payload", json::object()).value("reason", "") == kAgedOut;
  if (kind == file_merge::kMergeKind || kind == file_merge::kUnmergeKind || aged_out_close) {
    // A merge or unmerge the county server refused never happened: the station drops its event (kept above in
    // rejected_changes) and gives the file back the status the server holds, so lists and lookups agree with it.
    auto drop = db.cached("DELETE FROM events WHERE id = ?1");
    drop->bind(1, change.entity_id);
    drop->run();
    file_merge::refresh_file_status(db, change.child_id);
    if (ProjectionBatch* batch = ProjectionBatch::open_on(db)) batch->rows_loaded(change.child_id);
  }
}

json reported_reads(db::Database& db, std::int64_t after_seq, std::int64_t upto_seq, int limit) {
  static const std::string sql = [] {
    std::string actions;
    for (std::string_view action : kReportedReads) {
      if (!actions.empty()) actions += " OR ";
      // An export is a read that matters only when it showed full ID numbers.
      actions += action == "ledger.export" ? "(action = 'ledger.export' AND after ->> '$.full_id' = 1)"
                                           : fmt::format("action = '{}'", action);
    }
    return "SELECT seq, hash, at, actor, action, entity, coalesce(entity_id, '') FROM audit WHERE seq > ?1 AND seq <= ?3 AND (" +
           actions + ") ORDER BY seq LIMIT ?2";
  }();
  auto query = db.cached(sql);
  query->bind(1, after_seq).bind(2, limit).bind(3, upto_seq);
  json rows = json::array();
  while (query->step())
    rows.push_back({{"seq", query->get_int(0)}, {"hash", query->get_optional_text(1).value_or("")},
                    {"at", query->get_text(2)}, {"actor", query->get_text(3)}, {"action", query->get_text(4)},
                    {"entity", query->get_text(5)}, {"entity_id", query->get_text(6)}});
  return rows;
}

std::string shown_reason(const std::string& stored) {
  if (stored.empty() || stored.front() != '{') return stored;
  auto parsed = json::parse(stored, nullptr, /*allow_exceptions=*/false);
  auto message = Message::from_json(parsed, messages::find);
  return message ? message->str() : stored;
}

}  // namespace tongdang::sync
