// The tamper-evident audit chain (core/audit_chain.h) in process: whole after a realistic workload on a station and
// on the server, whole after upgrading a database written before the chain, each kind of tampering named as the
// first broken link; and a station's reported openings on the server (POST /v1/sync/audit): attributed by the
// server, stored once, scoped to the station's township.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/db/audit_chain.h"
#include "core/db/schema.h"
#include "core/ledger/ledger.h"
#include "core/rules/instrument.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/protocol/protocol.h"
#include "tongdang/fixtures/synthetic.h"

using namespace tongdang;
using namespace tongdang::test;
using nlohmann::json;

namespace {

std::int64_t scalar(db::Database& db, const std::string& sql) {
  auto query = db.prepare(sql);
  REQUIRE(query.step());
  return query.get_int(0);
}

audit_chain::Verification verify_station(Station& station) {
  return audit_chain::verify(station.db(), audit_chain::station_audit());
}

// Every chained table of the server is whole; returns the rows per table.
std::map<std::string, std::int64_t> verify_server(TestCounty& county) {
  std::map<std::string, std::int64_t> rows;
  for (const auto& checked : county.store->verify_audit()) {
    INFO(checked.table);
    CHECK_FALSE(checked.broken.has_value());
    rows[checked.table] = checked.rows;
  }
  return rows;
}

// A red child at `station`, opened once (`child show` audits file.open_red).
std::string red_child_opened(TestStation& station, const std::string& name, const std::string& id_number) {
  const std::string child = station.add_child(name, id_number);
  Answers answers;
  answers.triggers = {RedTrigger::Missing};
  auto assessed = assess(*station.station, child, answers, std::nullopt, "");
  REQUIRE(assessed.is_ok());
  REQUIRE(assessed->colour == Colour::Red);
  REQUIRE(show_child(*station.station, child, false).is_ok());
  return child;
}

sync::ServiceRequest audit_request(const std::string& token, const std::string& station_id, const json& rows) {
  sync::ServiceRequest request;
  request.method = "POST";
  request.path = std::string(sync::kAuditPath);
  request.authorization = "Bearer " + token;
  request.station_id = station_id;
  request.body = json{{"station_id", station_id}, {"rows", rows}}.dump();
  return request;
}

}  // namespace

TEST_CASE("Audit chain: whole on a station and the server after a ledger import, edits, red files and syncs",
          "[audit][sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation station(dir, "a", "320324102", county);
  fixtures::Generator generator(3, Date(2026, 11, 28));
  auto imported = import_ledger(*station.station, fixtures::ledger_csv(generator.township_children("320324102", 30)), {});
  REQUIRE(imported);
  REQUIRE(imported->written);
  const std::string child = red_child_opened(station, "张小明", make_id_number("20140315", 12));
  station.edit(child, "school", "王集中心小学");
  REQUIRE(station.sync());
  station.edit(child, "school", "睢宁县实验小学");
  REQUIRE(station.sync());

  auto checked = verify_station(*station.station);
  CHECK_FALSE(checked.broken.has_value());
  CHECK(checked.rows == scalar(station.station->db(), "SELECT count(*) FROM audit"));
  CHECK(checked.rows > 60);
  CHECK(checked.head.hash.size() == 64);
  auto rows = verify_server(county);
  CHECK(rows["request_audit"] >= 6);  // two syncs: hello, push, audit, snapshot or pull each
  CHECK(rows["station_openings"] == 1);
  CHECK(rows["server_admin_audit"] == 2);  // the station token issued, then bound to the station on first hello
}

TEST_CASE("Audit chain: issuing, binding and revoking tokens leave a chained history on the server", "[audit][sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation station(dir, "a", "320324102", county);
  REQUIRE(station.sync());
  county.user_token("王强", Role::Director, "320324102", {"320324102203"});
  auto tokens = county.store->tokens();
  REQUIRE(tokens.size() == 2);
  REQUIRE(county.store->revoke_token(tokens[0].principal.token_id, county.clock.now_iso()));
  db::Database db(county.db_path, db::Database::Mode::ReadOnly);
  auto rows = db.prepare("SELECT action, token_id FROM server_admin_audit ORDER BY seq");
  std::vector<std::string> history;
  while (rows.step()) history.push_back(rows.get_text(0) + " " + std::to_string(rows.get_int(1)));
  const std::string first = std::to_string(tokens[0].principal.token_id);
  const std::string second = std::to_string(tokens[1].principal.token_id);
  CHECK(history == std::vector<std::string>{"token.add " + first, "token.bind " + first, "token.add " + second,
                                            "token.revoke " + first});
  verify_server(county);
}

TEST_CASE("Audit chain: a station database written before the chain is chained in id order when opened",
          "[audit]") {
  ScratchDir dir;
  ManualClock clock(test_epoch_ms());
  const std::string path = dir.file("old.db");
  {
    auto created = Station::create(path, {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}}, clock);
    REQUIRE(created);
    auto& station = *created.value();
    for (int i = 0; i < 3; ++i) {
      NewChild child;
      child.fields = {{"name", "儿童" + std::to_string(i)}, {"id_number", make_id_number("20140315", 20 + i)},
                      {"village", "320324102203"}};
      REQUIRE(add_child(station, child).is_ok());
    }
    // What a version-4 database looks like: the audit table without its hash column (and nothing of 6, sign-in, 7, the
    // pages' index, or 8, the work list's keys).
    station.db().exec(
        "DROP INDEX audit_record; DROP TABLE sessions; DROP TABLE sign_in_failures; DROP TABLE due_rank; DROP TABLE sent_changes;"
        "DROP INDEX events_referral;"
        "ALTER TABLE users DROP COLUMN password_hash;"
        "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;"
        "ALTER TABLE audit DROP COLUMN hash;"
        "CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
        "CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
        "UPDATE meta SET value = '4' WHERE key = 'schema_version'");
  }
  auto opened = Station::open(path, clock);
  REQUIRE(opened);
  auto& station = *opened.value();
  CHECK(schema::current_version(station.db()) == schema::latest_version());
  const std::int64_t old_rows = scalar(station.db(), "SELECT count(*) FROM audit");
  auto checked = verify_station(station);
  CHECK_FALSE(checked.broken.has_value());
  CHECK(checked.rows == old_rows);
  CHECK(scalar(station.db(), "SELECT count(*) FROM audit WHERE hash IS NULL") == 0);
  // Still append-only, and new rows extend the upgraded chain.
  CHECK_THROWS_AS(station.db().exec("UPDATE audit SET actor = 'x' WHERE seq = 1"), db::DbError);
  station.audit_read("file.open_full_id", "child", "x");
  checked = verify_station(station);
  CHECK_FALSE(checked.broken.has_value());
  CHECK(checked.rows == old_rows + 1);
}

TEST_CASE("Audit chain: a server database written before the chain is chained when opened", "[audit][sync]") {
  ScratchDir dir;
  std::string token;
  {
    TestCounty county(dir, false);
    TestStation station(dir, "a", "320324102", county);
    station.add_child("张小明", make_id_number("20140315", 12));
    REQUIRE(station.sync());
    // A rejection too: a station token of another township pushing nothing valid still leaves request rows.
    db::Database db(county.db_path, db::Database::Mode::ReadWrite);
    db.exec(
        "INSERT INTO server_rejections(change_id, token_id, principal, station_id, reason, change, at)"
        " VALUES('c1', 1, 'station 320324102', 's', 'scope', '{}', '2026-11-28T04:00:00.000Z')");
  }
  {
    // What a server-schema-3 database looks like: no hash columns, no openings table, no token history, no county
    // keys.
    db::Database db(dir.file("central.db"), db::Database::Mode::ReadWrite);
    db.exec(
        // Server schema 7's indexes for the console.
        "DROP INDEX request_audit_station_pulls; DROP INDEX server_rejections_station;"
        "DROP TRIGGER request_audit_append_only_update; DROP TRIGGER request_audit_append_only_delete;"
        "DROP TRIGGER server_rejections_append_only_update; DROP TRIGGER server_rejections_append_only_delete;"
        "ALTER TABLE request_audit DROP COLUMN hash; ALTER TABLE server_rejections DROP COLUMN hash;"
        "CREATE TRIGGER request_audit_append_only_update BEFORE UPDATE ON request_audit"
        "  BEGIN SELECT RAISE(ABORT, 'request_audit is append-only'); END;"
        "CREATE TRIGGER request_audit_append_only_delete BEFORE DELETE ON request_audit"
        "  BEGIN SELECT RAISE(ABORT, 'request_audit is append-only'); END;"
        "DROP TABLE station_openings; DROP TABLE server_admin_audit;"
        "DROP TABLE county_keys; DROP TABLE trusted_counties;"  // server schema 5's (county keys)
        // Nor the console's tables and station columns of server schema 6.
        "DROP TABLE console_sessions; DROP TABLE console_users; DROP TABLE console_sign_in_failures;"
        "DROP TABLE console_audit; ALTER TABLE server_stations DROP COLUMN reported_name;"
        "ALTER TABLE server_stations DROP COLUMN waiting_changes; ALTER TABLE server_stations DROP COLUMN oldest_unsent;"
        "ALTER TABLE server_stations DROP COLUMN hello_at;"
        "UPDATE meta SET value = '3' WHERE key = 'server_schema_version'");
  }
  auto store = sync::open_sqlite_store(dir.file("central.db"));
  REQUIRE(store);
  std::map<std::string, std::int64_t> rows;
  for (const auto& checked : store.value()->verify_audit()) {
    INFO(checked.table);
    CHECK_FALSE(checked.broken.has_value());
    rows[checked.table] = checked.rows;
  }
  CHECK(rows["request_audit"] >= 3);
  CHECK(rows["server_rejections"] == 1);
  CHECK(rows["station_openings"] == 0);
  CHECK(rows["server_admin_audit"] == 0);  // the token history starts with the upgrade
  CHECK(rows["console_audit"] == 0);
}

TEST_CASE("Audit chain: each kind of tampering is named as the first broken link", "[audit]") {
  ScratchDir dir;
  ManualClock clock(test_epoch_ms());
  auto created = Station::create(dir.file("s.db"), {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}}, clock);
  REQUIRE(created);
  auto& station = *created.value();
  for (int i = 0; i < 5; ++i) station.audit_read("file.open_red", "child", "c" + std::to_string(i));
  db::Database& db = station.db();
  REQUIRE_FALSE(verify_station(station).broken.has_value());
  db.exec("DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete");
  using Kind = audit_chain::BrokenLink::Kind;

  SECTION("a row altered") {
    db.exec("UPDATE audit SET entity_id = 'other' WHERE seq = 3");
    auto broken = verify_station(station).broken;
    REQUIRE(broken);
    CHECK(broken->kind == Kind::Altered);
    CHECK(broken->key == 3);
    CHECK(broken->action == "file.open_red");
    CHECK(audit_chain::describe(*broken).find("3") != std::string::npos);
  }
  SECTION("a row deleted") {
    db.exec("DELETE FROM audit WHERE seq = 3");
    auto broken = verify_station(station).broken;
    REQUIRE(broken);
    CHECK(broken->kind == Kind::Missing);
    CHECK(broken->key == 4);
  }
  SECTION("the last row deleted") {
    db.exec("DELETE FROM audit WHERE seq = 6");
    auto broken = verify_station(station).broken;
    REQUIRE(broken);
    CHECK(broken->kind == Kind::Truncated);
    CHECK(broken->key == 5);
    CHECK(broken->counter == 6);
  }
  SECTION("a row inserted with a made-up hash") {
    db.exec("INSERT INTO audit(seq, at, actor, action, entity, entity_id, hash) VALUES(7, '2026-11-28T04:00:00Z', "
            "'李芳', 'child.edit', 'child', 'c1', '" + std::string(64, 'a') + "')");
    auto broken = verify_station(station).broken;
    REQUIRE(broken);
    CHECK(broken->kind == Kind::Altered);
    CHECK(broken->key == 7);
    CHECK(broken->action == "child.edit");
  }
  SECTION("a row inserted without a hash") {
    db.exec("INSERT INTO audit(at, actor, action, entity, entity_id) VALUES('2026-11-28T04:00:00Z', '李芳', "
            "'child.edit', 'child', 'c1')");
    auto broken = verify_station(station).broken;
    REQUIRE(broken);
    CHECK(broken->kind == Kind::NoHash);
    CHECK(broken->key == 7);
  }
  SECTION("a row inserted before the first") {
    db.exec("INSERT INTO audit(seq, at, actor, action, entity, entity_id, hash) VALUES(0, '2026-11-28T04:00:00Z', "
            "'李芳', 'child.edit', 'child', 'c1', '" + std::string(64, 'a') + "')");
    auto broken = verify_station(station).broken;
    REQUIRE(broken);
    CHECK(broken->kind == Kind::Altered);
    CHECK(broken->key == 0);
  }
  SECTION("two rows swapped") {
    db.exec("UPDATE audit SET seq = 100 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3;"
            "UPDATE audit SET seq = 3 WHERE seq = 100");
    auto broken = verify_station(station).broken;
    REQUIRE(broken);
    CHECK(broken->key == 2);
  }
}

TEST_CASE("Audit chain: verify_after links on from an earlier walk to the answer of a whole walk", "[audit]") {
  ScratchDir dir;
  ManualClock clock(test_epoch_ms());
  auto created = Station::create(dir.file("s.db"), {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}}, clock);
  REQUIRE(created);
  auto& station = *created.value();
  for (int i = 0; i < 5; ++i) station.audit_read("file.open_red", "child", "c" + std::to_string(i));
  const auto earlier = verify_station(station);
  REQUIRE_FALSE(earlier.broken.has_value());
  const std::int64_t before = earlier.rows;  // the five reads and whatever init wrote
  REQUIRE(before >= 5);
  for (int i = 5; i < 8; ++i) station.audit_read("file.open_red", "child", "c" + std::to_string(i));
  const auto on = audit_chain::verify_after(station.db(), audit_chain::station_audit(), earlier);
  const auto whole = verify_station(station);
  CHECK_FALSE(on.broken.has_value());
  CHECK(on.rows == before + 3);
  CHECK(on.rows == whole.rows);
  CHECK(on.head.key == whole.head.key);
  CHECK(on.head.hash == whole.head.hash);
  // Linking on checks only what follows: a row appended by hand with a made-up hash is still found.
  station.db().exec("INSERT INTO audit(seq, at, actor, action, entity, entity_id, hash) VALUES(" +
                    std::to_string(whole.head.key + 1) + ", '2026-11-28T04:00:00Z', '李芳', 'child.edit', 'child',"
                    " 'c1', '" + std::string(64, 'a') + "')");
  const auto after_insert = audit_chain::verify_after(station.db(), audit_chain::station_audit(), whole);
  REQUIRE(after_insert.broken);
  CHECK(after_insert.broken->key == whole.head.key + 1);
}

TEST_CASE("Audit chain: the county server links on from its last walk, and walks whole after another program wrote "
          "the file", "[audit][sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  county.station_token("320324102");
  county.station_token("320324103");
  // Two tokens issued: two token.add rows in the county's actions log.
  CHECK(verify_server(county)["server_admin_audit"] == 2);
  county.station_token("320324104");
  CHECK(verify_server(county)["server_admin_audit"] == 3);
  {
    // A hand edit of the first row, on a connection of its own (as sqlite3 would): the server must walk whole again.
    db::Database db(county.db_path, db::Database::Mode::ReadWrite);
    db.exec("DROP TRIGGER server_admin_audit_append_only_update");
    db.exec("UPDATE server_admin_audit SET detail = '{}' WHERE seq = 1");
  }
  std::optional<audit_chain::BrokenLink> broken;
  for (const auto& checked : county.store->verify_audit())
    if (checked.table == "server_admin_audit") broken = checked.broken;
  REQUIRE(broken);
  CHECK(broken->kind == audit_chain::BrokenLink::Kind::Altered);
  CHECK(broken->key == 1);
}

TEST_CASE("Audit trail: an opening is attributed by the server to the token and the bound station, never the body",
          "[audit][sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation station(dir, "a", "320324102", county);
  const std::string child = red_child_opened(station, "张小明", make_id_number("20140315", 12));
  REQUIRE(station.sync());
  auto openings = county.store->openings({});
  REQUIRE(openings.size() == 1);
  CHECK(openings[0]["action"] == "file.open_red");
  CHECK(openings[0]["child_id"] == child);
  CHECK(openings[0]["station_id"] == station.station->station_id());
  CHECK(openings[0]["principal"] == "station 320324102");
  CHECK(openings[0]["township"] == "320324102");

  // The same row sent again (a lost answer) is stored once; a body naming another station changes nothing.
  auto row = json{{"seq", openings[0]["station_seq"]}, {"hash", openings[0]["station_hash"]},
                  {"at", openings[0]["at"]}, {"actor", "县长"}, {"action", "file.open_red"}, {"entity", "child"},
                  {"entity_id", child}, {"station_id", "01a2204f-5600-7aea-be01-57d5b22c7b1f"}};
  auto again = county.service->handle(audit_request(station.token, station.station->station_id(), json::array({row})));
  REQUIRE(again.status == 200);
  CHECK(json::parse(again.body)["results"][0]["status"] == "duplicate");
  REQUIRE(station.sync());
  CHECK(county.store->openings({}).size() == 1);
}

TEST_CASE("Audit trail: a station reporting an opening of another township's child is refused", "[audit][sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation wangji(dir, "a", "320324102", county);
  TestStation other(dir, "b", "320324103", county);
  const std::string child = red_child_opened(wangji, "张小明", make_id_number("20140315", 12));
  REQUIRE(wangji.sync());
  REQUIRE(other.sync());
  db::Database db(county.db_path, db::Database::Mode::ReadOnly);
  const std::int64_t rejections = scalar(db, "SELECT count(*) FROM server_rejections");

  json forged = {{"seq", 99}, {"hash", std::string(64, 'b')}, {"at", "2026-11-28T04:00:00.000Z"}, {"actor", "周"},
                 {"action", "file.open_red"}, {"entity", "child"}, {"entity_id", child}};
  auto answer = county.service->handle(audit_request(other.token, other.station->station_id(), json::array({forged})));
  REQUIRE(answer.status == 200);
  json result = json::parse(answer.body)["results"][0];
  CHECK(result["status"] == "rejected");
  CHECK(result["reason"].get<std::string>().find("320324102") != std::string::npos);
  CHECK(county.store->openings({}).size() == 1);  // only wangji's own
  CHECK(scalar(db, "SELECT count(*) FROM server_rejections") == rejections + 1);

  // An action that is not a reported read, and a malformed hash, are refused as well.
  json other_action = forged;
  other_action["action"] = "child.edit";
  json bad_hash = forged;
  bad_hash["hash"] = "xyz";
  auto refused = county.service->handle(
      audit_request(wangji.token, wangji.station->station_id(), json::array({other_action, bad_hash})));
  REQUIRE(refused.status == 200);
  const json refused_body = json::parse(refused.body);  // kept: the loop refers into it
  for (const auto& r : refused_body["results"]) CHECK(r["status"] == "rejected");
  CHECK(county.store->openings({}).size() == 1);
  for (const auto& checked : county.store->verify_audit()) CHECK_FALSE(checked.broken.has_value());
}
