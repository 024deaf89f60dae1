#include "sync/server/sqlite/sqlite_central_store.h"

#include <unistd.h>

#include <mutex>

#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "core/base/text_list.h"
#include "sync/protocol/tuning.h"
#include "core/db/audit_chain.h"
#include "core/db/schema.h"
#include "core/db/sqlite.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/projection/report_rows.h"
#include "core/report/report.h"
#include "core/store/projection.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"
#include "sync/server/sqlite/snapshot_rows.h"
#include "sync/server/tuning.h"

#include <fmt/format.h>

namespace tongdang::sync {

using i18n::trf;
using nlohmann::json;

namespace {

// The server's own tables, on top of the core schema (whose migration 3 also gives the server the `conflicts` and
// `duplicate_candidates` tables a station has: the same records, the same shape). Versioned separately from the
// core schema in meta.server_schema_version; append new versions at the end.
constexpr std::string_view kServerSchemaV1 = R"sql(
-- Bearer tokens (only their BLAKE2b hash). kind: station | user. A station token is bound to the first station id
-- that uses it.
CREATE TABLE server_tokens(
  id           INTEGER PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  kind         TEXT NOT NULL CHECK (kind IN ('station', 'user')),
  name         TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('director', 'supervisor', 'county')),
  county       TEXT NOT NULL,
  township     TEXT NOT NULL DEFAULT '',          -- '' for a county-wide token
  villages     TEXT NOT NULL DEFAULT '',
  station_id   TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL,
  revoked_at   TEXT,
  last_used_at TEXT
) STRICT;

-- Stations seen, and whether their clock ran far ahead (docs/sync-protocol.md "Clocks": re-stamped and flagged).
CREATE TABLE server_stations(
  station_id       TEXT PRIMARY KEY,
  township         TEXT NOT NULL,
  token_id         INTEGER NOT NULL,
  first_seen       TEXT NOT NULL,
  last_seen        TEXT NOT NULL,
  clock_ahead_ms   INTEGER NOT NULL DEFAULT 0,
  clock_flagged_at TEXT
) STRICT;

-- Per-township change logs (docs/design.md "Server sequence and cursors"): the counter row is bumped in the transaction
-- that appends, so sequence order is commit order and a reader never skips a row that commits late.
CREATE TABLE township_seq(
  township TEXT PRIMARY KEY,
  seq      INTEGER NOT NULL
) STRICT;
CREATE TABLE change_log(
  township TEXT NOT NULL,
  seq      INTEGER NOT NULL,
  op       TEXT NOT NULL,                          -- JSON (docs/sync-protocol.md, "Ops")
  PRIMARY KEY (township, seq)
) STRICT, WITHOUT ROWID;

-- Push idempotency: the result first given for each change id, returned again (as "duplicate") on a replay.
CREATE TABLE change_results(
  change_id   TEXT PRIMARY KEY,
  station_id  TEXT NOT NULL,
  township    TEXT NOT NULL,
  result      TEXT NOT NULL,
  received_at TEXT NOT NULL
) STRICT;

-- Each profile field's register (sync/merge.h): version, the stamp that orders it, and who wrote it.
CREATE TABLE field_registers(
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  field      TEXT NOT NULL,
  version    INTEGER NOT NULL,
  hlc        TEXT NOT NULL,
  station_id TEXT NOT NULL,
  actor      TEXT NOT NULL,
  change_id  TEXT NOT NULL,
  PRIMARY KEY (entity, entity_id, field)
) STRICT, WITHOUT ROWID;

-- Changes refused for good (validation, permission, scope), with who sent them.
CREATE TABLE server_rejections(
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id  TEXT NOT NULL,
  token_id   INTEGER NOT NULL,
  principal  TEXT NOT NULL,
  station_id TEXT NOT NULL,
  reason     TEXT NOT NULL,
  change     TEXT NOT NULL,
  at         TEXT NOT NULL
) STRICT;

-- One row per request (append-only).
CREATE TABLE request_audit(
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT NOT NULL,
  token_id    INTEGER NOT NULL,
  principal   TEXT NOT NULL,
  station_id  TEXT NOT NULL,
  endpoint    TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  counts      TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  remote      TEXT NOT NULL
) STRICT;
CREATE TRIGGER request_audit_append_only_update BEFORE UPDATE ON request_audit
  BEGIN SELECT RAISE(ABORT, 'request_audit is append-only'); END;
CREATE TRIGGER request_audit_append_only_delete BEFORE DELETE ON request_audit
  BEGIN SELECT RAISE(ABORT, 'request_audit is append-only'); END;
)sql";

// v2: township snapshots (snapshot.h) read a township's children page by page in id order.
constexpr std::string_view kServerSchemaV2 = R"sql(
CREATE INDEX server_children_township_id ON children(township, id);
)sql";

// v3: push idempotency per station — a change id is its station's own, so another station's id neither finds this
// station's result nor blocks its change (docs/security.md, finding 5); and one duplicate candidate per ID number
// instead of one per pair of files (finding 6): duplicate_groups finds the open candidate by the full number, which the
// candidate record itself never carries.
constexpr std::string_view kServerSchemaV3 = R"sql(
CREATE TABLE change_results_v3(
  station_id  TEXT NOT NULL,
  change_id   TEXT NOT NULL,
  township    TEXT NOT NULL,
  result      TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (station_id, change_id)
) STRICT;
INSERT INTO change_results_v3(station_id, change_id, township, result, received_at)
  SELECT station_id, change_id, township, result, received_at FROM change_results;
DROP TABLE change_results;
ALTER TABLE change_results_v3 RENAME TO change_results;
CREATE TABLE duplicate_groups(
  id_number    TEXT PRIMARY KEY,
  candidate_id TEXT NOT NULL
) STRICT;
)sql";


// v4: a tamper-evident audit (core/audit_chain.h). request_audit and server_rejections get a hash column, chained
// over their existing rows in id order when the migration runs (chain_existing_rows); server_rejections becomes
// append-only like request_audit; station_openings keeps the reads that matter reported by stations (POST
// /v1/sync/audit), once per station row (its row hash: a row of another station cannot be guessed, so a foreign
// report blocks nothing).
constexpr std::string_view kServerSchemaV4 = R"sql(
ALTER TABLE request_audit ADD COLUMN hash TEXT;
ALTER TABLE server_rejections ADD COLUMN hash TEXT;
CREATE TRIGGER server_rejections_append_only_update BEFORE UPDATE ON server_rejections
  BEGIN SELECT RAISE(ABORT, 'server_rejections is append-only'); END;
CREATE TRIGGER server_rejections_append_only_delete BEFORE DELETE ON server_rejections
  BEGIN SELECT RAISE(ABORT, 'server_rejections is append-only'); END;

-- Reads that matter, reported by stations. station_id, token_id, principal and township are the server's (the
-- token, its bound station, the child's township as held here); the rest is the station's audit row as reported.
CREATE TABLE station_openings(
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  station_id   TEXT NOT NULL,
  token_id     INTEGER NOT NULL,
  principal    TEXT NOT NULL,
  township     TEXT NOT NULL,
  child_id     TEXT,                               -- NULL for a list or an export
  station_seq  INTEGER NOT NULL,
  station_hash TEXT NOT NULL,
  at           TEXT NOT NULL,
  actor        TEXT NOT NULL,
  action       TEXT NOT NULL,
  entity       TEXT NOT NULL,
  entity_id    TEXT NOT NULL,
  received_at  TEXT NOT NULL,
  hash         TEXT NOT NULL,
  UNIQUE (station_id, station_hash)
) STRICT;
CREATE INDEX station_openings_township ON station_openings(township, seq);
CREATE TRIGGER station_openings_append_only_update BEFORE UPDATE ON station_openings
  BEGIN SELECT RAISE(ABORT, 'station_openings is append-only'); END;
CREATE TRIGGER station_openings_append_only_delete BEFORE DELETE ON station_openings
  BEGIN SELECT RAISE(ABORT, 'station_openings is append-only'); END;

-- What was done to tokens: issued, bound to a station on first use, revoked. server_tokens holds only their state,
-- which a hand edit could turn back (a revoked token made valid again) without a trace; this log keeps the history.
CREATE TABLE server_admin_audit(
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  at       TEXT NOT NULL,
  action   TEXT NOT NULL,                          -- token.add | token.bind | token.revoke
  token_id INTEGER NOT NULL,
  detail   TEXT NOT NULL,                          -- JSON: kind, name, role, township, villages; or the station
  hash     TEXT NOT NULL
) STRICT;
CREATE TRIGGER server_admin_audit_append_only_update BEFORE UPDATE ON server_admin_audit
  BEGIN SELECT RAISE(ABORT, 'server_admin_audit is append-only'); END;
CREATE TRIGGER server_admin_audit_append_only_delete BEFORE DELETE ON server_admin_audit
  BEGIN SELECT RAISE(ABORT, 'server_admin_audit is append-only'); END;
)sql";

// v5: county keys and trusted counties, for handing a file to another county (docs/design.md "Leaving the
// county"). Self-contained (migrate_county_keys): nothing else in the schema refers to these tables.
constexpr std::string_view kServerSchemaV5 = R"sql(
-- This county's keypairs (base64): one row. The database file is 0600; the secrets are never printed.
CREATE TABLE county_keys(
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  sign_public TEXT NOT NULL,
  sign_secret TEXT NOT NULL,
  box_public  TEXT NOT NULL,
  box_secret  TEXT NOT NULL,
  created_at  TEXT NOT NULL
) STRICT;
-- Other counties' public keys, as their officers read them out: a bundle is accepted only from a county here.
CREATE TABLE trusted_counties(
  county      TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  sign_public TEXT NOT NULL,
  box_public  TEXT NOT NULL,
  trusted_at  TEXT NOT NULL
) STRICT;
)sql";
constexpr int kCountyKeysSchemaVersion = 5;

// v6: the county's console (issue 16, web/county): its users sign in with passwords (argon2id; a token never opens it),
// their sessions are kept by the SHA-256 of the cookie's token, failures by the name as typed (the wait after
// several, as on a station), and what is done from the console goes to its own chained audit.
constexpr std::string_view kServerSchemaV6 = R"sql(
CREATE TABLE console_users(
  name          TEXT PRIMARY KEY,
  role          TEXT NOT NULL CHECK (role IN ('county')),
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL
) STRICT;
CREATE TABLE console_sign_in_failures(
  name     TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_ms  INTEGER NOT NULL
) STRICT;
CREATE TABLE console_sessions(
  token_hash   TEXT PRIMARY KEY,
  user         TEXT NOT NULL REFERENCES console_users(name),
  created_ms   INTEGER NOT NULL,
  last_seen_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE console_audit(
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  at        TEXT NOT NULL,
  user      TEXT NOT NULL,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  township  TEXT NOT NULL,
  detail    TEXT NOT NULL,                         -- JSON
  hash      TEXT NOT NULL
) STRICT;
CREATE INDEX console_audit_user ON console_audit(user, seq);
-- What each station said of itself at its last hello, for the console's station list.
ALTER TABLE server_stations ADD COLUMN reported_name TEXT;
ALTER TABLE server_stations ADD COLUMN waiting_changes INTEGER;
ALTER TABLE server_stations ADD COLUMN oldest_unsent TEXT;
ALTER TABLE server_stations ADD COLUMN hello_at TEXT;
CREATE TRIGGER console_audit_append_only_update BEFORE UPDATE ON console_audit
  BEGIN SELECT RAISE(ABORT, 'console_audit is append-only'); END;
CREATE TRIGGER console_audit_append_only_delete BEFORE DELETE ON console_audit
  BEGIN SELECT RAISE(ABORT, 'console_audit is append-only'); END;
)sql";

// v7: the console's reads seek instead of scanning (issue 16, docs/benchmarks.md "County console (issue 16)").
// A station's last successful sync (read_station_health, for the completeness stamp on every coverage page and for
// /stations) was the newest answered pull of that station in request_audit, found by reading the whole table once
// per station: 300 stations over a year of their requests took seconds. The partial index holds only the answered
// pulls, with exactly the terms of that query, so the newest is one seek. Refused changes are counted per station
// for the same pages.
constexpr std::string_view kServerSchemaV7 = R"sql(
CREATE INDEX request_audit_station_pulls ON request_audit(station_id, at)
  WHERE http_status = 200 AND endpoint LIKE '%/sync/pull%';
CREATE INDEX server_rejections_station ON server_rejections(station_id);
)sql";

constexpr int kServerSchemaVersion = 7;

// The chained tables of the server (core/audit_chain.h): the hashed columns of each, in their order. Part of the
// durable format: a column added later is appended here only with a new chain format version.
const audit_chain::Table& request_audit_table() {
  static const audit_chain::Table table(
      "request_audit", "seq",
      {"at", "token_id", "principal", "station_id", "endpoint", "http_status", "counts", "duration_ms", "remote"}, "at",
      "endpoint");
  return table;
}

const audit_chain::Table& rejections_table() {
  static const audit_chain::Table table(
      "server_rejections", "seq", {"change_id", "token_id", "principal", "station_id", "reason", "change", "at"}, "at",
      "reason");
  return table;
}

const audit_chain::Table& openings_table() {
  static const audit_chain::Table table(
      "station_openings", "seq",
      {"station_id", "token_id", "principal", "township", "child_id", "station_seq", "station_hash", "at", "actor",
       "action", "entity", "entity_id", "received_at"},
      "received_at", "action");
  return table;
}

const audit_chain::Table& admin_table() {
  static const audit_chain::Table table("server_admin_audit", "seq", {"at", "action", "token_id", "detail"}, "at",
                                        "action");
  return table;
}

const audit_chain::Table& console_audit_table() {
  static const audit_chain::Table table("console_audit", "seq",
                                        {"at", "user", "action", "entity", "entity_id", "township", "detail"}, "at",
                                        "action");
  return table;
}

// Appends a row to the console's audit, inside the caller's transaction.
void append_console_audit(db::Database& db, const ConsoleAuditRow& row) {
  const std::string detail = row.detail.dump(-1, ' ', false, json::error_handler_t::replace);
  audit_chain::append(db, console_audit_table(), audit_chain::head(db, console_audit_table()),
                      {std::string_view(row.at), std::string_view(row.user), std::string_view(row.action),
                       std::string_view(row.entity), std::string_view(row.entity_id), std::string_view(row.township),
                       std::string_view(detail)});
}

// Appends a row to the token history and the county's other actions (server_admin_audit), inside the caller's
// transaction; token_id is 0 for an action that is not about a token.
void audit_admin(db::Database& db, std::string_view at, std::string_view action, std::int64_t token_id,
                 const json& detail) {
  const std::string text = detail.dump(-1, ' ', false, json::error_handler_t::replace);
  audit_chain::append(db, admin_table(), audit_chain::head(db, admin_table()),
                      {at, action, token_id, std::string_view(text)});
}

// The database's clock as the server's rows have always recorded it (UTC, milliseconds).
std::string sqlite_now(db::Database& db) {
  auto now = db.cached("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
  now->step();
  return now->get_text(0);
}

std::string_view to_string(TokenKind kind) { return kind == TokenKind::Station ? "station" : "user"; }

class SqliteCentralStore;

class SqliteTransaction final : public StoreTransaction {
 public:
  SqliteTransaction(std::mutex& mutex, db::Database& db) : lock_(mutex), db_(db), tx_(db), derived_rows_(db) {}

  // A page's derived rows (workflow state, then report rows) are refreshed once per child at commit, not once per
  // change (core/store/projection.h).
  void commit() override {
    derived_rows_.flush();
    tx_.commit();
  }
  void savepoint() override { db_.exec("SAVEPOINT change"); }
  void release_savepoint() override { db_.exec("RELEASE change"); }
  void rollback_to_savepoint() override { db_.exec("ROLLBACK TO change; RELEASE change"); }

  Hlc clock() override { return Hlc::parse(meta("server_hlc")).value_or(Hlc{}); }
  void set_clock(const Hlc& hlc) override { set_meta("server_hlc", hlc.to_string()); }

  std::optional<json> change_result(std::string_view station_id, std::string_view change_id) override {
    auto query = db_.cached("SELECT result FROM change_results WHERE station_id = ?1 AND change_id = ?2");
    query->bind_all(station_id, change_id);
    if (!query->step()) return std::nullopt;
    return json::parse(query->get_text(0));
  }

  void save_change_result(std::string_view change_id, std::string_view station_id, std::string_view township,
                          const json& result) override {
    auto insert = db_.cached(
        "INSERT INTO change_results(change_id, station_id, township, result, received_at)"
        " VALUES(?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
    insert->bind_all(change_id, station_id, township, result.dump());
    insert->run();
  }

  void save_rejection(std::string_view change_id, const Principal& principal, std::string_view station_id,
                      std::string_view reason, const json& change) override {
    const std::string text = change.dump(-1, ' ', false, json::error_handler_t::replace);
    const std::string at = sqlite_now(db_);
    const auto& table = rejections_table();
    audit_chain::append(db_, table, audit_chain::head(db_, table),
                        {change_id, principal.token_id, std::string_view(principal.name), station_id, reason,
                         std::string_view(text), std::string_view(at)});
  }

  std::optional<EntityLocation> locate(std::string_view entity, std::string_view entity_id) override {
    auto query = entity == "child" ? db_.cached("SELECT township, village, id FROM children WHERE id = ?1")
                 : entity == "lead"
                     // From the lead's first event, not the leads table: that projection is refreshed at the
                     // end of a page, and a lead's later steps may arrive in the page that brings the lead.
                     ? db_.cached("SELECT township, coalesce(payload ->> '$.village', ''), '' FROM events"
                                  " WHERE id = ?1 AND kind = 'lead.add'")
                     : db_.cached("SELECT c.township, c.village, c.id FROM relatives r JOIN children c ON c.id = "
                                  "r.child_id WHERE r.id = ?1");
    query->bind(1, entity_id);
    if (!query->step()) return std::nullopt;
    return EntityLocation{query->get_text(0), query->get_text(1), query->get_text(2)};
  }

  json read_fields(std::string_view entity, std::string_view entity_id, const std::vector<std::string>& names) override {
    return read_profile(db_, entity, entity_id, names);
  }

  void write_fields(std::string_view entity, std::string_view entity_id, const json& fields,
                    std::string_view now_iso) override {
    upsert_profile(db_, entity, entity_id, fields, now_iso);
  }

  std::map<std::string, FieldRegister> field_registers(std::string_view entity, std::string_view entity_id) override {
    auto query = db_.cached(
        "SELECT field, version, hlc, station_id, actor, change_id FROM field_registers"
        " WHERE entity = ?1 AND entity_id = ?2");
    query->bind_all(entity, entity_id);
    std::map<std::string, FieldRegister> out;
    while (query->step())
      out[query->get_text(0)] = {query->get_int(1), query->get_text(2), query->get_text(3), query->get_text(4),
                                 query->get_text(5)};
    return out;
  }

  void set_field_registers(std::string_view entity, std::string_view entity_id,
                           const std::vector<std::pair<std::string, FieldRegister>>& registers) override {
    if (registers.empty()) return;
    // One multi-row upsert per distinct field count (each text prepared once and cached).
    std::string sql = "INSERT INTO field_registers(entity, entity_id, field, version, hlc, station_id, actor, change_id) VALUES";
    for (std::size_t i = 0; i < registers.size(); ++i) {
      const std::size_t p = 3 + i * 6;
      sql += fmt::format("{}(?1, ?2, ?{}, ?{}, ?{}, ?{}, ?{}, ?{})", i ? ", " : " ", p, p + 1, p + 2, p + 3, p + 4, p + 5);
    }
    sql += " ON CONFLICT(entity, entity_id, field) DO UPDATE SET version = excluded.version, hlc = excluded.hlc,"
           " station_id = excluded.station_id, actor = excluded.actor, change_id = excluded.change_id";
    auto upsert = db_.cached(sql);
    upsert->bind_static(1, entity).bind_static(2, entity_id);
    for (std::size_t i = 0; i < registers.size(); ++i) {
      const int p = 3 + static_cast<int>(i) * 6;
      const auto& [field, reg] = registers[i];
      upsert->bind_static(p, field).bind(p + 1, reg.version).bind_static(p + 2, reg.hlc);
      upsert->bind_static(p + 3, reg.station_id).bind_static(p + 4, reg.actor).bind_static(p + 5, reg.change_id);
    }
    upsert->run();
  }

  bool apply_event(const Event& event) override { return tongdang::apply_event(db_, event); }

  std::vector<EntityLocation> children_with_id_number(std::string_view id_number, std::string_view except_child,
                                                      int limit) override {
    auto query = db_.cached(
        "SELECT township, village, id FROM children WHERE id_number = ?1 AND id != ?2 ORDER BY id LIMIT ?3");
    query->bind(1, id_number).bind(2, except_child).bind(3, limit);
    std::vector<EntityLocation> out;
    while (query->step()) out.push_back({query->get_text(0), query->get_text(1), query->get_text(2)});
    return out;
  }

  std::vector<Event> child_events(std::string_view child_id, std::string_view kind_prefix) override {
    return tongdang::child_events(db_, child_id, kind_prefix);
  }

  std::vector<MembershipSpan> memberships_of(std::string_view child_id) override {
    return membership_spans(db_, child_id);
  }

  std::vector<std::string> relatives_of(std::string_view child_id) override {
    auto query = db_.cached("SELECT id FROM relatives WHERE child_id = ?1 ORDER BY id");
    query->bind(1, child_id);
    std::vector<std::string> out;
    while (query->step()) out.push_back(query->get_text(0));
    return out;
  }

  std::string created_by(std::string_view child_id) override {
    auto query = db_.cached("SELECT created_by FROM children WHERE id = ?1");
    query->bind(1, child_id);
    std::string by = query->step() ? query->get_text(0) : std::string();
    query->reset();
    return by;
  }

  std::vector<json> open_conflicts_of(std::string_view child_id) override {
    auto query = db_.cached("SELECT body FROM conflicts WHERE child_id = ?1 AND status = 'open' ORDER BY id");
    query->bind(1, child_id);
    std::vector<json> out;
    while (query->step()) out.push_back(json::parse(query->get_text(0)));
    return out;
  }

  std::vector<json> open_care_measures(std::string_view child_id) override {
    auto query = db_.cached(
        "SELECT id, area, item, coalesce(provider, ''), status, started_on, updated_on, coalesce(notes, '')"
        " FROM care_measures WHERE child_id = ?1 AND status IN ('planned', 'in_progress') ORDER BY started_on, id");
    query->bind(1, child_id);
    std::vector<json> out;
    while (query->step())
      out.push_back({{"id", query->get_text(0)}, {"area", query->get_text(1)}, {"item", query->get_text(2)},
                     {"provider", query->get_text(3)}, {"status", query->get_text(4)},
                     {"started_on", query->get_text(5)}, {"updated_on", query->get_text(6)},
                     {"notes", query->get_text(7)}});
    return out;
  }

  std::int64_t append_op(std::string_view township, const json& op) override {
    auto bump = db_.cached(
        "INSERT INTO township_seq(township, seq) VALUES(?1, 1)"
        " ON CONFLICT(township) DO UPDATE SET seq = seq + 1 RETURNING seq");
    bump->bind(1, township);
    bump->step();
    std::int64_t seq = bump->get_int(0);
    bump->reset();
    json stored = op;
    stored["seq"] = seq;
    auto insert = db_.cached("INSERT INTO change_log(township, seq, op) VALUES(?1, ?2, ?3)");
    insert->bind(1, township).bind(2, seq).bind(3, stored.dump()).run();
    return seq;
  }

  std::vector<std::pair<std::int64_t, std::string>> read_ops(std::string_view township, std::int64_t after_seq,
                                                             int limit) override {
    auto query = db_.cached(
        "SELECT seq, op FROM change_log WHERE township = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
    query->bind(1, township).bind(2, after_seq).bind(3, limit);
    std::vector<std::pair<std::int64_t, std::string>> out;
    while (query->step()) out.emplace_back(query->get_int(0), query->get_text(1));
    return out;
  }

  std::int64_t last_seq(std::string_view township) override {
    auto query = db_.cached("SELECT seq FROM township_seq WHERE township = ?1");
    query->bind(1, township);
    return query->step() ? query->get_int(0) : 0;
  }

  std::vector<std::string> townships_of(std::string_view county) override {
    auto query = db_.cached("SELECT township FROM township_seq WHERE substr(township, 1, 6) = ?1 ORDER BY township");
    query->bind(1, county);
    std::vector<std::string> out;
    while (query->step()) out.push_back(query->get_text(0));
    return out;
  }

  std::optional<json> conflict(std::string_view id) override {
    auto query = db_.cached("SELECT body FROM conflicts WHERE id = ?1");
    query->bind(1, id);
    if (!query->step()) return std::nullopt;
    return json::parse(query->get_text(0));
  }

  void save_conflict(const json& record) override {
    auto upsert = db_.cached(
        "INSERT INTO conflicts(id, township, child_id, entity, entity_id, field, status, revision, body, opened_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO UPDATE SET status = excluded.status,"
        " revision = excluded.revision, body = excluded.body");
    upsert->bind(1, record.at("id").get<std::string>()).bind(2, record.at("township").get<std::string>());
    upsert->bind(3, record.value("child_id", "")).bind(4, record.at("entity").get<std::string>());
    upsert->bind(5, record.at("entity_id").get<std::string>()).bind(6, record.at("field").get<std::string>());
    upsert->bind(7, record.at("status").get<std::string>()).bind(8, record.at("revision").get<std::int64_t>());
    upsert->bind(9, record.dump()).bind(10, record.at("opened_at").get<std::string>()).run();
  }

  std::optional<Colour> child_colour(std::string_view child_id) override {
    auto query = db_.cached("SELECT colour FROM child_state WHERE child_id = ?1");
    query->bind(1, child_id);
    if (!query->step() || query->is_null(0)) return std::nullopt;
    return parse_colour(query->get_text(0));
  }

  std::optional<json> duplicate_group(std::string_view id_number) override {
    auto query = db_.cached(
        "SELECT d.body FROM duplicate_groups g JOIN duplicate_candidates d ON d.id = g.candidate_id"
        " WHERE g.id_number = ?1");
    query->bind(1, id_number);
    if (!query->step()) return std::nullopt;
    return json::parse(query->get_text(0));
  }

  void save_duplicate(const json& record, std::string_view id_number) override {
    auto group = db_.cached(
        "INSERT INTO duplicate_groups(id_number, candidate_id) VALUES(?1, ?2)"
        " ON CONFLICT(id_number) DO UPDATE SET candidate_id = excluded.candidate_id");
    group->bind(1, id_number).bind(2, record.at("id").get<std::string>()).run();
    auto upsert = db_.cached(
        "INSERT INTO duplicate_candidates(id, id_number, status, revision, body, opened_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO UPDATE SET status = excluded.status,"
        " revision = excluded.revision, body = excluded.body");
    upsert->bind(1, record.at("id").get<std::string>()).bind(2, record.at("id_number").get<std::string>());
    upsert->bind(3, record.at("status").get<std::string>()).bind(4, record.at("revision").get<std::int64_t>());
    upsert->bind(5, record.dump()).bind(6, record.at("opened_at").get<std::string>()).run();
  }

  snapshot::PageRows snapshot_rows(std::string_view township, std::string_view after_child, int limit,
                                   bool derived) override {
    return snapshot::read_rows(db_, township, after_child, limit, derived, false);
  }

  snapshot::PageRows snapshot_rows_with_merged_files(std::string_view township, std::string_view after_child,
                                                     int limit, bool derived) override {
    return snapshot::read_rows(db_, township, after_child, limit, derived, true);
  }

  std::string policy_fingerprint() override { return snapshot::policy_fingerprint(db_); }

  bool holds_transferred_files(std::string_view township) override {
    auto query = db_.cached(
        "SELECT 1 FROM events e JOIN children c ON c.id = e.child_id WHERE e.kind IN ('file.transfer', 'file.import')"
        " AND c.township = ?1 LIMIT 1");
    query->bind(1, township);
    const bool found = query->step();
    query->reset();
    return found;
  }

  bool holds_merges_from_other_townships(std::string_view township) override {
    auto query = db_.cached(snapshot::kMergesFromOtherTownships + std::string(" LIMIT 1"));
    query->bind(1, township);
    const bool found = query->step();
    query->reset();
    return found;
  }

  void flag_station_clock(std::string_view station_id, std::int64_t ahead_ms, std::string_view at) override {
    auto update = db_.cached(
        "UPDATE server_stations SET clock_ahead_ms = ?2, clock_flagged_at = ?3 WHERE station_id = ?1");
    update->bind(1, station_id).bind(2, ahead_ms).bind(3, at).run();
  }

  bool save_opening(const StationOpening& o) override {
    auto known = db_.cached("SELECT 1 FROM station_openings WHERE station_id = ?1 AND station_hash = ?2");
    known->bind_all(o.station_id, o.station_hash);
    if (known->step()) return false;
    known->reset();
    const auto& table = openings_table();
    const audit_chain::Value child = o.child_id.empty() ? audit_chain::Value{} : audit_chain::Value{o.child_id};
    audit_chain::append(db_, table, audit_chain::head(db_, table),
                        {std::string_view(o.station_id), o.token_id, std::string_view(o.principal),
                         std::string_view(o.township), child, o.station_seq, std::string_view(o.station_hash),
                         std::string_view(o.at), std::string_view(o.actor), std::string_view(o.action),
                         std::string_view(o.entity), std::string_view(o.entity_id), std::string_view(o.received_at)});
    return true;
  }

  std::optional<CountyKeys> county_keys() override {
    auto query = db_.cached("SELECT sign_public, sign_secret, box_public, box_secret, created_at FROM county_keys");
    if (!query->step()) return std::nullopt;
    CountyKeys keys{query->get_text(0), query->get_text(1), query->get_text(2), query->get_text(3), query->get_text(4)};
    query->reset();
    return keys;
  }

  void save_county_keys(const CountyKeys& k) override {
    auto upsert = db_.cached(
        "INSERT INTO county_keys(id, sign_public, sign_secret, box_public, box_secret, created_at)"
        " VALUES(1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET sign_public = excluded.sign_public,"
        " sign_secret = excluded.sign_secret, box_public = excluded.box_public, box_secret = excluded.box_secret,"
        " created_at = excluded.created_at");
    upsert->bind_all(k.sign_public, k.sign_secret, k.box_public, k.box_secret, k.created_at);
    upsert->run();
  }

  std::optional<TrustedCounty> trusted_county(std::string_view county) override {
    auto query = db_.cached(
        "SELECT county, name, sign_public, box_public, trusted_at FROM trusted_counties WHERE county = ?1");
    query->bind(1, county);
    if (!query->step()) return std::nullopt;
    TrustedCounty out{query->get_text(0), query->get_text(1), query->get_text(2), query->get_text(3),
                      query->get_text(4)};
    query->reset();
    return out;
  }

  std::vector<TrustedCounty> trusted_counties() override {
    auto query = db_.cached(
        "SELECT county, name, sign_public, box_public, trusted_at FROM trusted_counties ORDER BY county");
    std::vector<TrustedCounty> out;
    while (query->step())
      out.push_back({query->get_text(0), query->get_text(1), query->get_text(2), query->get_text(3),
                     query->get_text(4)});
    return out;
  }

  void save_trusted_county(const TrustedCounty& c) override {
    auto upsert = db_.cached(
        "INSERT INTO trusted_counties(county, name, sign_public, box_public, trusted_at) VALUES(?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT(county) DO UPDATE SET name = excluded.name, sign_public = excluded.sign_public,"
        " box_public = excluded.box_public, trusted_at = excluded.trusted_at");
    upsert->bind_all(c.county, c.name, c.sign_public, c.box_public, c.trusted_at);
    upsert->run();
  }

  Result<ConfirmationFacts> confirmation_facts(std::string_view child_id, Date today) override {
    return tongdang::confirmation_facts(db_, child_id, today);
  }
  ColourFacts colour_facts(std::string_view child_id) override { return tongdang::colour_facts(db_, child_id); }
  void refresh_derived() override { derived_rows_.flush(); }

  std::optional<std::pair<std::string, json>> duplicate_candidate(std::string_view candidate_id) override {
    auto query = db_.cached(
        "SELECT g.id_number, d.body FROM duplicate_candidates d JOIN duplicate_groups g ON g.candidate_id = d.id"
        " WHERE d.id = ?1");
    query->bind(1, candidate_id);
    if (!query->step()) return std::nullopt;
    std::pair<std::string, json> out{query->get_text(0), json::parse(query->get_text(1))};
    query->reset();
    return out;
  }

  void audit_admin(std::string_view at, std::string_view action, const json& detail) override {
    sync::audit_admin(db_, at, action, 0, detail);
  }

 private:
  std::string meta(std::string_view key) {
    auto query = db_.cached("SELECT value FROM meta WHERE key = ?1");
    query->bind(1, key);
    return query->step() ? query->get_text(0) : std::string();
  }
  void set_meta(std::string_view key, std::string_view value) {
    auto upsert = db_.cached(
        "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    upsert->bind(1, key).bind(2, value).run();
  }

  std::unique_lock<std::mutex> lock_;
  db::Database& db_;
  db::Transaction tx_;
  ProjectionBatch derived_rows_;  // destroyed before tx_: an uncommitted page rolls back with nothing refreshed
};

class SqliteCentralStore final : public CentralStore {
 public:
  explicit SqliteCentralStore(db::Database db) : db_(std::move(db)) {
    static_assert(tuning::kCentralCacheKiB >= tuning::kSyncCacheKiB, "a sync page must fit the store's cache");
    db_.exec(fmt::format("PRAGMA cache_size = -{}", tuning::kCentralCacheKiB));
    identity_.server_id = meta("server_id");
    identity_.county = meta("county");
    identity_.name = meta("server_name");
    identity_.restored_from = meta("restored_from");
    identity_.restored_backup_hlc = meta("restored_backup_hlc");
  }

  ServerIdentity identity() override { return identity_; }

  Result<std::int64_t> add_token(const NewToken& token, std::string_view token_hash, std::string_view at) override {
    std::lock_guard lock(mutex_);
    db::Transaction tx(db_);
    auto insert = db_.cached(
        "INSERT INTO server_tokens(token_hash, kind, name, role, county, township, villages, created_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    insert->bind(1, token_hash).bind(2, to_string(token.kind)).bind(3, token.name).bind(4, to_string(token.role));
    insert->bind(5, identity_.county).bind(6, token.township).bind(7, join_list(token.villages)).bind(8, at).run();
    std::int64_t id = db_.last_insert_rowid();
    audit_admin(db_, at, "token.add", id,
                {{"kind", to_string(token.kind)}, {"name", token.name}, {"role", to_string(token.role)},
                 {"township", token.township}, {"villages", token.villages}});
    tx.commit();
    return id;
  }

  std::optional<Principal> find_token(std::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    auto query = db_.cached(kSelectToken + std::string(" WHERE token_hash = ?1 AND revoked_at IS NULL"));
    query->bind(1, token_hash);
    if (!query->step()) return std::nullopt;
    return principal_from(*query);
  }

  Status revoke_token(std::int64_t token_id, std::string_view at) override {
    std::lock_guard lock(mutex_);
    db::Transaction tx(db_);
    auto update = db_.cached("UPDATE server_tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL");
    update->bind(1, token_id).bind(2, at).run();
    if (db_.changes() == 0)
      return Status::not_found(trf("没有有效的令牌 {}", "no valid token {}", token_id));
    audit_admin(db_, at, "token.revoke", token_id, json::object());
    tx.commit();
    return Status::ok();
  }

  std::vector<TokenInfo> tokens() override {
    std::lock_guard lock(mutex_);
    auto query = db_.cached(kSelectToken + std::string(" ORDER BY id"));
    std::vector<TokenInfo> out;
    while (query->step()) {
      TokenInfo info;
      info.principal = principal_from(*query);
      info.created_at = query->get_text(8);
      info.revoked_at = query->get_optional_text(9).value_or("");
      info.last_used_at = query->get_optional_text(10).value_or("");
      out.push_back(std::move(info));
    }
    return out;
  }

  Status bind_station(const Principal& principal, std::string_view station_id, std::string_view township,
                      std::string_view at) override {
    std::lock_guard lock(mutex_);
    db::Transaction tx(db_);
    // A station id belongs to one live token (finding 9: a user token once overwrote a station's token and
    // flagged its clock).
    auto owner = db_.cached(
        "SELECT s.token_id FROM server_stations s JOIN server_tokens t ON t.id = s.token_id"
        " WHERE s.station_id = ?1 AND t.revoked_at IS NULL");
    owner->bind(1, station_id);
    if (owner->step() && owner->get_int(0) != principal.token_id)
      return Status::refused(trf("站点 {} 属于另一个有效令牌，不能用此令牌同步", "station {} belongs to another valid "
                                 "token and cannot be synced with this one", station_id));
    owner->reset();
    if (principal.kind == TokenKind::Station) {
      auto bound = db_.cached("SELECT station_id FROM server_tokens WHERE id = ?1");
      bound->bind(1, principal.token_id);
      std::string current = bound->step() ? bound->get_text(0) : std::string();
      bound->reset();
      if (!current.empty() && current != station_id)
        return Status::refused(trf("该站点令牌已绑定到另一个站点 {}", "this station token is bound to another station {}",
                                   current));
      if (current.empty()) {
        auto bind = db_.cached("UPDATE server_tokens SET station_id = ?2 WHERE id = ?1");
        bind->bind(1, principal.token_id).bind(2, station_id).run();
        audit_admin(db_, at, "token.bind", principal.token_id, {{"station_id", station_id}, {"township", township}});
      }
    }
    auto touch = db_.cached("UPDATE server_tokens SET last_used_at = ?2 WHERE id = ?1");
    touch->bind(1, principal.token_id).bind(2, at).run();
    auto seen = db_.cached(
        "INSERT INTO server_stations(station_id, township, token_id, first_seen, last_seen) VALUES(?1, ?2, ?3, ?4, ?4)"
        " ON CONFLICT(station_id) DO UPDATE SET last_seen = excluded.last_seen, token_id = excluded.token_id");
    seen->bind(1, station_id).bind(2, township).bind(3, principal.token_id).bind(4, at).run();
    tx.commit();
    return Status::ok();
  }

  Status check_station(const Principal& principal, std::string_view station_id) override {
    if (principal.kind == TokenKind::Station) {
      if (principal.station_id.empty())
        return Status::refused(i18n::tr("请先 hello", "say hello first: the token is not bound yet"));
      if (principal.station_id != station_id)
        return Status::refused(i18n::tr("该站点令牌属于另一个站点", "this station token belongs to another station"));
      return Status::ok();
    }
    std::lock_guard lock(mutex_);
    auto owner = db_.cached("SELECT token_id FROM server_stations WHERE station_id = ?1");
    owner->bind(1, station_id);
    if (!owner->step())
      return Status::refused(i18n::tr("请先 hello", "say hello first: this station is not bound to the token yet"));
    if (owner->get_int(0) != principal.token_id)
      return Status::refused(trf("站点 {} 属于另一个令牌", "station {} belongs to another token", station_id));
    return Status::ok();
  }

  std::int64_t station_clock_ahead_ms(std::string_view station_id) override {
    std::lock_guard lock(mutex_);
    auto query = db_.cached("SELECT clock_ahead_ms FROM server_stations WHERE station_id = ?1");
    query->bind(1, station_id);
    return query->step() ? query->get_int(0) : 0;
  }

  std::unique_ptr<StoreTransaction> begin() override { return std::make_unique<SqliteTransaction>(mutex_, db_); }

  Status add_console_user(const ConsoleUser& user, const ConsoleAuditRow& audit) override {
    std::lock_guard lock(mutex_);
    db::Transaction tx(db_);
    auto taken = db_.cached("SELECT 1 FROM console_users WHERE name = ?1");
    taken->bind(1, user.name);
    if (taken->step()) return Status::invalid("name", trf("已有控制台用户 {}", "there is already a console user {}", user.name));
    taken->reset();
    auto insert = db_.cached("INSERT INTO console_users(name, role, password_hash, created_at) VALUES(?1, ?2, ?3, ?4)");
    insert->bind(1, user.name).bind(2, to_string(user.role)).bind(3, user.password_hash).bind(4, user.created_at).run();
    append_console_audit(db_, audit);
    tx.commit();
    return Status::ok();
  }

  Status set_console_password(std::string_view name, std::string_view password_hash,
                              const ConsoleAuditRow& audit) override {
    std::lock_guard lock(mutex_);
    db::Transaction tx(db_);
    auto update = db_.cached("UPDATE console_users SET password_hash = ?2 WHERE name = ?1");
    update->bind(1, name).bind(2, password_hash).run();
    if (db_.changes() == 0) return Status::not_found(trf("没有控制台用户 {}", "no console user {}", name));
    // A new password (a forgotten or leaked one): the sessions the old one opened end, the wait is lifted.
    auto end = db_.cached("DELETE FROM console_sessions WHERE user = ?1");
    end->bind(1, name).run();
    auto clear = db_.cached("DELETE FROM console_sign_in_failures WHERE name = ?1");
    clear->bind(1, name).run();
    append_console_audit(db_, audit);
    tx.commit();
    return Status::ok();
  }

  std::optional<ConsoleUser> console_user(std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto query = db_.cached("SELECT name, role, password_hash, created_at FROM console_users WHERE name = ?1");
    query->bind(1, name);
    if (!query->step()) return std::nullopt;
    ConsoleUser user{query->get_text(0), parse_role(query->get_text(1)).value_or(Role::County), query->get_text(2),
                     query->get_text(3)};
    return user;
  }

  ConsoleFailures console_failures(std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto query = db_.cached("SELECT failures, last_ms FROM console_sign_in_failures WHERE name = ?1");
    query->bind(1, name);
    if (!query->step()) return {};
    return {query->get_int(0), query->get_int(1)};
  }

  void record_console_failure(std::string_view name, std::int64_t now_ms, const ConsoleAuditRow& audit) override {
    std::lock_guard lock(mutex_);
    db::Transaction tx(db_);
    auto upsert = db_.cached(
        "INSERT INTO console_sign_in_failures(name, failures, last_ms) VALUES(?1, 1, ?2) "
        "ON CONFLICT(name) DO UPDATE SET failures = failures + 1, last_ms = excluded.last_ms");
    upsert->bind(1, name).bind(2, now_ms).run();
    append_console_audit(db_, audit);
    tx.commit();
  }

  void clear_console_failures(std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto clear = db_.cached("DELETE FROM console_sign_in_failures WHERE name = ?1");
    clear->bind(1, name).run();
  }

  void open_console_session(std::string_view token_hash, std::string_view user, std::int64_t now_ms,
                            std::int64_t sweep_before_ms, const ConsoleAuditRow& audit) override {
    std::lock_guard lock(mutex_);
    db::Transaction tx(db_);
    // Sessions long dead are swept as new ones open, so the table stays the size of the centre's staff.
    auto sweep = db_.cached("DELETE FROM console_sessions WHERE created_ms < ?1");
    sweep->bind(1, sweep_before_ms).run();
    auto insert = db_.cached(
        "INSERT INTO console_sessions(token_hash, user, created_ms, last_seen_ms) VALUES(?1, ?2, ?3, ?3)");
    insert->bind(1, token_hash).bind(2, user).bind(3, now_ms).run();
    append_console_audit(db_, audit);
    tx.commit();
  }

  std::optional<ConsoleSession> console_session(std::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    auto query = db_.cached("SELECT user, created_ms, last_seen_ms FROM console_sessions WHERE token_hash = ?1");
    query->bind(1, token_hash);
    if (!query->step()) return std::nullopt;
    return ConsoleSession{query->get_text(0), query->get_int(1), query->get_int(2)};
  }

  void touch_console_session(std::string_view token_hash, std::int64_t now_ms) override {
    std::lock_guard lock(mutex_);
    auto touch = db_.cached("UPDATE console_sessions SET last_seen_ms = ?2 WHERE token_hash = ?1");
    touch->bind(1, token_hash).bind(2, now_ms).run();
  }

  void end_console_session(std::string_view token_hash) override {
    std::lock_guard lock(mutex_);
    auto remove = db_.cached("DELETE FROM console_sessions WHERE token_hash = ?1");
    remove->bind(1, token_hash).run();
  }

  void audit_console(const ConsoleAuditRow& audit) override {
    std::lock_guard lock(mutex_);
    db::Transaction tx(db_);
    append_console_audit(db_, audit);
    tx.commit();
  }

  void record_hello(std::string_view station_id, std::string_view name, std::int64_t waiting_changes,
                    std::string_view oldest_unsent, std::string_view at) override {
    std::lock_guard lock(mutex_);
    auto update = db_.cached(
        "UPDATE server_stations SET reported_name = ?2, waiting_changes = ?3, oldest_unsent = ?4, hello_at = ?5"
        " WHERE station_id = ?1");
    update->bind(1, station_id).bind(2, name).bind(3, waiting_changes).bind(4, oldest_unsent).bind(5, at).run();
  }

  std::vector<StationReport> station_reports() override {
    std::lock_guard lock(mutex_);
    std::vector<StationReport> out;
    auto query = db_.cached(
        "SELECT token_id, coalesce(reported_name, ''), coalesce(waiting_changes, -1), coalesce(oldest_unsent, ''),"
        " coalesce(hello_at, ''), clock_ahead_ms, coalesce(clock_flagged_at, '') FROM server_stations"
        " WHERE station_id = ?1");
    for (StationHealth& health : read_station_health()) {
      StationReport report;
      query->bind(1, health.station_id);
      if (query->step()) {
        report.token_id = query->get_int(0);
        report.reported_name = query->get_text(1);
        report.waiting_changes = query->get_int(2);
        report.oldest_unsent = query->get_text(3);
        report.hello_at = query->get_text(4);
        report.clock_ahead_ms = query->get_int(5);
        report.clock_flagged_at = query->get_text(6);
      }
      query->reset();
      report.health = std::move(health);
      out.push_back(std::move(report));
    }
    return out;
  }

  Result<ChildSearchPage> find_children(const ChildSearch& search, Date today) override {
    std::lock_guard lock(mutex_);
    return search_children(db_, SearchScope{identity_.county, false, {}}, search, today);
  }

  std::optional<ChildFileView> child_file(std::string_view child_id, Date today) override {
    std::lock_guard lock(mutex_);
    auto child = db_.cached(
        "SELECT c.id, c.name, c.sex, c.birth_date, c.village, c.id_number, c.status, s.colour, s.next_visit_due,"
        " c.township FROM children c LEFT JOIN child_state s ON s.child_id = c.id WHERE c.id = ?1");
    child->bind(1, child_id);
    if (!child->step()) return std::nullopt;
    ChildFileView file;
    ChildListRow& row = file.row;
    row.id = child->get_text(0);
    row.name = child->get_text(1);
    row.sex = child->get_text(2);
    row.birth_date = child->get_text(3);
    if (auto birth = Date::parse(row.birth_date)) row.age = birth->age_on(today);
    row.village = child->get_text(4);
    if (auto number = child->get_optional_text(5)) row.id_number = mask_id_number(*number);
    row.status = child->get_text(6);
    if (auto colour = child->get_optional_text(7)) row.colour = parse_colour(*colour);
    row.next_visit_due = child->get_optional_text(8);
    file.township = child->get_text(9);
    child->reset();
    row.categories = active_categories(db_, row.id, today);
    auto events = db_.cached(
        "SELECT kind, occurred_on, actor, actor_role FROM events WHERE child_id = ?1 ORDER BY hlc DESC, id DESC LIMIT ?2");
    events->bind(1, child_id).bind(2, tuning::kConsoleHistoryRows);
    while (events->step())
      file.history.push_back({events->get_text(0), events->get_text(1), events->get_text(2), events->get_text(3)});
    return file;
  }

  void audit_request(const RequestRecord& r) override {
    std::lock_guard lock(mutex_);
    // The head is read and the row appended in one transaction: another process (a second server on the same
    // file by mistake) cannot slip a row in between.
    db::Transaction tx(db_);
    const std::string counts = r.counts.dump(-1, ' ', false, json::error_handler_t::replace);
    const auto& table = request_audit_table();
    audit_chain::append(db_, table, audit_chain::head(db_, table),
                        {std::string_view(r.at), r.token_id, std::string_view(r.principal),
                         std::string_view(r.station_id), std::string_view(r.endpoint),
                         static_cast<std::int64_t>(r.http_status), std::string_view(counts), r.duration_ms,
                         std::string_view(r.remote)});
    tx.commit();
  }

  std::vector<json> openings(const OpeningFilter& filter) override {
    std::lock_guard lock(mutex_);
    auto query = db_.prepare(
        "SELECT o.seq, o.station_id, o.token_id, o.principal, o.township, o.child_id, o.station_seq, o.station_hash,"
        " o.at, o.actor, o.action, o.entity, o.entity_id, o.received_at, c.name FROM station_openings o"
        " LEFT JOIN children c ON c.id = o.child_id"
        " WHERE (?1 = '' OR o.action = ?1) AND (?2 = '' OR o.township = ?2) ORDER BY o.seq DESC LIMIT ?3");
    query.bind(1, filter.action).bind(2, filter.township).bind(3, filter.limit);
    std::vector<json> out;
    while (query.step())
      out.push_back({{"seq", query.get_int(0)}, {"station_id", query.get_text(1)}, {"token_id", query.get_int(2)},
                     {"principal", query.get_text(3)}, {"township", query.get_text(4)},
                     {"child_id", query.get_optional_text(5).value_or("")}, {"station_seq", query.get_int(6)},
                     {"station_hash", query.get_text(7)}, {"at", query.get_text(8)}, {"actor", query.get_text(9)},
                     {"action", query.get_text(10)}, {"entity", query.get_text(11)},
                     {"entity_id", query.get_text(12)}, {"received_at", query.get_text(13)},
                     {"child_name", query.get_optional_text(14).value_or("")}});
    return out;
  }

  std::vector<audit_chain::Verification> verify_audit() override {
    std::lock_guard lock(mutex_);
    // The console verifies every chain on each /audit page, and a year of requests is hundreds of thousands of
    // rows (over a second to rehash). So a chain is walked whole the first time this store is asked, and again
    // whenever another connection has committed to the file since the last walk (another program: the CLI, a
    // restore, a hand edit with sqlite3 — SQLite's data_version moves then, and only then); otherwise only the rows
    // appended since are linked on (audit_chain::verify_after). That is sound because this connection only appends
    // to the chained tables: their triggers refuse UPDATE and DELETE, and every write of this store is an append.
    // Read before the walk, so a commit made during it makes the next call walk whole again.
    auto version_query = db_.cached("PRAGMA data_version");
    const std::int64_t version = version_query->step() ? version_query->get_int(0) : -1;
    version_query->reset();
    const bool go_on = verified_ && verified_->data_version == version;
    std::vector<audit_chain::Verification> out;
    const audit_chain::Table* tables[] = {&request_audit_table(), &rejections_table(), &openings_table(),
                                          &admin_table(), &console_audit_table()};
    for (std::size_t i = 0; i < std::size(tables); ++i)
      out.push_back(go_on ? audit_chain::verify_after(db_, *tables[i], verified_->chains[i])
                          : audit_chain::verify(db_, *tables[i]));
    verified_ = VerifiedChains{version, out};
    return out;
  }

  json overview(std::string_view township) override {
    std::lock_guard lock(mutex_);
    const std::string like = township.empty() ? identity_.county + "%" : std::string(township);
    json out = {{"county", identity_.county}, {"name", identity_.name}};
    auto children = db_.prepare(
        "SELECT c.id, c.township, c.village, c.name, c.status, s.colour FROM children c"
        " LEFT JOIN child_state s ON s.child_id = c.id WHERE c.township LIKE ?1 ORDER BY c.township, c.village, c.name");
    children.bind(1, like);
    out["children"] = json::array();
    while (children.step())
      out["children"].push_back({{"id", children.get_text(0)}, {"township", children.get_text(1)},
                                 {"village", children.get_text(2)}, {"name", children.get_text(3)},
                                 {"status", children.get_text(4)},
                                 {"colour", children.is_null(5) ? json(nullptr) : json(children.get_text(5))}});
    auto conflicts = db_.prepare("SELECT body FROM conflicts WHERE township LIKE ?1 ORDER BY opened_at, id");
    conflicts.bind(1, like);
    out["conflicts"] = json::array();
    while (conflicts.step()) out["conflicts"].push_back(json::parse(conflicts.get_text(0)));
    auto duplicates = db_.prepare("SELECT body FROM duplicate_candidates ORDER BY opened_at, id");
    out["duplicates"] = json::array();
    while (duplicates.step()) {
      json body = json::parse(duplicates.get_text(0));
      bool mine = township.empty();
      for (const auto& f : body.value("files", json::array())) mine = mine || f.value("township", "") == township;
      if (mine) out["duplicates"].push_back(std::move(body));
    }
    auto stations = db_.prepare(
        "SELECT station_id, township, last_seen, clock_ahead_ms FROM server_stations WHERE township LIKE ?1 ORDER BY township");
    stations.bind(1, like);
    out["stations"] = json::array();
    while (stations.step())
      out["stations"].push_back({{"station_id", stations.get_text(0)}, {"township", stations.get_text(1)},
                                 {"last_seen", stations.get_text(2)}, {"clock_ahead_ms", stations.get_int(3)}});
    auto log = db_.prepare("SELECT coalesce(sum(seq), 0) FROM township_seq WHERE township LIKE ?1");
    log.bind(1, like);
    out["change_log_ops"] = log.step() ? log.get_int(0) : 0;
    return out;
  }

  std::vector<StationHealth> station_health() override {
    std::lock_guard lock(mutex_);
    return read_station_health();
  }

  report::Report coverage_report(const report::Options& options) override {
    std::lock_guard lock(mutex_);
    return report::build(db_, options, read_station_health());
  }

  int rebuild_report() override {
    std::lock_guard lock(mutex_);
    return report::rebuild(db_);
  }

  Result<ReviewQueue> county_queue(const User& actor, Date today) override {
    std::lock_guard lock(mutex_);
    return tongdang::county_queue(QueueDesk{db_, actor, identity_.county}, today);
  }

  std::vector<json> open_duplicates(std::size_t limit) override {
    std::lock_guard lock(mutex_);
    auto query = db_.cached(
        "SELECT body FROM duplicate_candidates WHERE status = 'open' ORDER BY opened_at, id LIMIT ?1");
    query->bind(1, static_cast<std::int64_t>(limit));
    std::vector<json> out;
    while (query->step()) out.push_back(json::parse(query->get_text(0)));
    return out;
  }

  std::vector<json> console_actions(int limit) override {
    std::lock_guard lock(mutex_);
    auto query = db_.cached(
        "SELECT at, user, action, entity, entity_id, township, detail FROM console_audit ORDER BY seq DESC LIMIT ?1");
    query->bind(1, static_cast<std::int64_t>(limit));
    std::vector<json> out;
    while (query->step())
      out.push_back({{"at", query->get_text(0)}, {"user", query->get_text(1)}, {"action", query->get_text(2)},
                     {"entity", query->get_text(3)}, {"entity_id", query->get_text(4)}, {"township", query->get_text(5)},
                     {"detail", json::parse(query->get_text(6), nullptr, false)}});
    return out;
  }

  json record_changes(std::string_view child_id, int limit) override {
    std::lock_guard lock(mutex_);
    json out = {{"events", json::array()}, {"fields", json::array()}};
    auto events = db_.cached(
        "SELECT recorded_at, actor, actor_role, kind, occurred_on, station_id FROM events WHERE child_id = ?1"
        " ORDER BY hlc DESC, id DESC LIMIT ?2");
    events->bind(1, child_id).bind(2, static_cast<std::int64_t>(limit));
    while (events->step())
      out["events"].push_back({{"at", events->get_text(0)}, {"actor", events->get_text(1)},
                               {"role", events->get_text(2)}, {"kind", events->get_text(3)},
                               {"occurred_on", events->get_text(4)}, {"station", events->get_text(5)}});
    auto fields = db_.cached(
        "SELECT entity, field, version, actor, station_id, hlc FROM field_registers WHERE entity = 'child' AND"
        " entity_id = ?1 UNION ALL SELECT r.entity, r.field, r.version, r.actor, r.station_id, r.hlc FROM relatives"
        " x JOIN field_registers r ON r.entity = 'relative' AND r.entity_id = x.id WHERE x.child_id = ?1"
        " ORDER BY 6 DESC");
    fields->bind(1, child_id);
    while (fields->step())
      out["fields"].push_back({{"entity", fields->get_text(0)}, {"field", fields->get_text(1)},
                               {"version", fields->get_int(2)}, {"actor", fields->get_text(3)},
                               {"station", fields->get_text(4)}, {"hlc", fields->get_text(5)}});
    return out;
  }

  report::Verification check_report() override {
    std::lock_guard lock(mutex_);
    return report::verify(db_);
  }

 private:
  std::vector<StationHealth> read_station_health() {
    std::vector<StationHealth> out;
    auto stations = db_.cached("SELECT station_id, township FROM server_stations ORDER BY township, station_id");
    auto last_sync = db_.cached(
        "SELECT max(at) FROM request_audit WHERE station_id = ?1 AND http_status = 200 AND endpoint LIKE '%/sync/pull%'");
    auto conflicts = db_.cached("SELECT count(*) FROM conflicts WHERE township = ?1 AND status = 'open'");
    auto rejected = db_.cached("SELECT count(*) FROM server_rejections WHERE station_id = ?1");
    while (stations->step()) {
      StationHealth h;
      h.station_id = stations->get_text(0);
      h.township = stations->get_text(1);
      const Township* township = Divisions::bundled().township(h.township);
      // The name is shown as is by the report this feeds: rendered here, for the reader who asked (the CLI).
      h.name = (township ? township->name : h.township) + i18n::edge::tr("未保站", " station");
      last_sync->bind(1, h.station_id);
      if (last_sync->step()) h.last_sync = last_sync->get_optional_text(0);
      last_sync->reset();
      conflicts->bind(1, h.township);
      if (conflicts->step()) h.open_conflicts = static_cast<int>(conflicts->get_int(0));
      conflicts->reset();
      rejected->bind(1, h.station_id);
      if (rejected->step()) h.rejected_changes = static_cast<int>(rejected->get_int(0));
      rejected->reset();
      out.push_back(std::move(h));
    }
    return out;
  }

  static constexpr const char* kSelectToken =
      "SELECT id, kind, name, role, county, township, villages, station_id, created_at, revoked_at, last_used_at"
      " FROM server_tokens";

  static Principal principal_from(db::Statement& row) {
    Principal p;
    p.token_id = row.get_int(0);
    p.kind = row.get_text(1) == "station" ? TokenKind::Station : TokenKind::User;
    p.name = row.get_text(2);
    p.role = parse_role(row.get_text(3)).value_or(Role::Director);
    p.county = row.get_text(4);
    p.township = row.get_text(5);
    p.villages = split_list(row.get_text(6));
    p.station_id = row.get_text(7);
    return p;
  }

  std::string meta(std::string_view key) {
    auto query = db_.cached("SELECT value FROM meta WHERE key = ?1");
    query->bind(1, key);
    return query->step() ? query->get_text(0) : std::string();
  }

  // The last walk of every chain (verify_audit), with the file's data_version when it began.
  struct VerifiedChains {
    std::int64_t data_version = 0;
    std::vector<audit_chain::Verification> chains;
  };

  std::mutex mutex_;
  db::Database db_;
  ServerIdentity identity_;
  std::optional<VerifiedChains> verified_;
};

// The county keys' migration in one block, so it can be renumbered alone.
void migrate_county_keys(db::Database& db, int version) {
  if (version >= kCountyKeysSchemaVersion) return;
  db::Transaction tx(db);
  db.exec(kServerSchemaV5);
  db.exec(fmt::format("UPDATE meta SET value = '{}' WHERE key = 'server_schema_version'", kCountyKeysSchemaVersion));
  tx.commit();
}

Status migrate_server(db::Database& db) {
  if (auto migrated = schema::migrate(db); !migrated) return migrated;
  auto query = db.prepare("SELECT value FROM meta WHERE key = 'server_schema_version'");
  int version = query.step() ? std::stoi(query.get_text(0)) : 0;
  query.reset();
  if (version > kServerSchemaVersion)
    return Status::refused(trf("中心数据库结构版本为 {}，比本程序支持的 {} 新", "the central database has server schema "
                               "version {}, newer than this program's {}", version, kServerSchemaVersion));
  if (version < 1) {
    db::Transaction tx(db);
    db.exec(kServerSchemaV1);
    db.exec("INSERT INTO meta(key, value) VALUES('server_schema_version', '1')"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    tx.commit();
  }
  if (version < 2) {
    db::Transaction tx(db);
    db.exec(kServerSchemaV2);
    db.exec("UPDATE meta SET value = '2' WHERE key = 'server_schema_version'");
    tx.commit();
  }
  if (version < 3) {
    db::Transaction tx(db);
    db.exec(kServerSchemaV3);
    db.exec("UPDATE meta SET value = '3' WHERE key = 'server_schema_version'");
    tx.commit();
  }
  if (version < 4) {
    db::Transaction tx(db);
    db.exec(kServerSchemaV4);
    audit_chain::chain_existing_rows(db, request_audit_table());
    audit_chain::chain_existing_rows(db, rejections_table());
    db.exec("UPDATE meta SET value = '4' WHERE key = 'server_schema_version'");
    tx.commit();
  }
  migrate_county_keys(db, version);
  if (version < 6) {
    db::Transaction tx(db);
    db.exec(kServerSchemaV6);
    db.exec("UPDATE meta SET value = '6' WHERE key = 'server_schema_version'");
    tx.commit();
  }
  if (version < 7) {
    db::Transaction tx(db);
    db.exec(kServerSchemaV7);
    db.exec("UPDATE meta SET value = '7' WHERE key = 'server_schema_version'");
    tx.commit();
  }
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<CentralStore>> create_sqlite_store(const std::string& path, const std::string& county,
                                                          const std::string& name, const std::string& now_iso) {
  if (county.size() != 6 || county.find_first_not_of("0123456789") != std::string::npos)
    return Status::invalid("county", i18n::tr("应为6位县级行政区划代码，如 320324", "must be a 6-digit county code, "
                                                                                   "e.g. 320324"));
  if (name.empty()) return Status::invalid("name", i18n::tr("不能为空", "must not be empty"));
  if (::access(path.c_str(), F_OK) == 0)
    return Status::refused(trf("{} 已存在；不会覆盖已有的中心数据库", "{} already exists; an existing central database "
                               "is never overwritten", path));
  db::Database db(path, db::Database::Mode::CreateIfMissing);
  if (auto migrated = migrate_server(db); !migrated) return migrated;
  {
    db::Transaction tx(db);
    auto set = db.prepare("INSERT INTO meta(key, value) VALUES(?1, ?2)");
    for (auto [key, value] : {std::pair<std::string, std::string>{"server_id", new_record_id(0)},
                              {"county", county}, {"server_name", name}, {"created_at", now_iso}}) {
      set.bind_all(key, value).run();
    }
    tx.commit();
  }
  return std::unique_ptr<CentralStore>(new SqliteCentralStore(std::move(db)));
}

Result<std::unique_ptr<CentralStore>> open_sqlite_store(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0)
    return Status::not_found(trf("找不到中心数据库 {}（先运行 tongdang-server init）",
                                 "no central database at {} (run tongdang-server init first)", path));
  db::Database db(path, db::Database::Mode::ReadWrite);
  if (schema::current_version(db) == 0)
    return Status::invalid("db", trf("{} 不是童档中心数据库", "{} is not a tongdang central database", path));
  if (auto migrated = migrate_server(db); !migrated) return migrated;
  auto check = db.prepare("SELECT value FROM meta WHERE key = 'county'");
  if (!check.step())
    return Status::invalid("db", trf("{} 是站点数据库，不是中心数据库", "{} is a station database, not a central database",
                                     path));
  check.reset();
  return std::unique_ptr<CentralStore>(new SqliteCentralStore(std::move(db)));
}

}  // namespace tongdang::sync
