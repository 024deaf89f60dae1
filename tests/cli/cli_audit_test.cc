// `tongdang audit verify|list` and `tongdang-server audit verify|list` as a user runs them, and the databases
// tampered with as someone holding the file would: the append-only triggers dropped, then a row edited, deleted or
// inserted by hand. And a red file opened on a station, reaching the county with `tongdang sync`.
#include <filesystem>
#include <memory>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/db/sqlite.h"
#include "support/cli_harness.h"
#include "support/server_process.h"

using nlohmann::json;
using tongdang::test::issue_token;
using tongdang::test::RunResult;
using tongdang::test::ScratchDir;
using tongdang::test::server_cli;
using tongdang::test::ServerProcess;
using tongdang::test::Tongdang;

namespace {

// A station with a workload worth auditing: two children, one of them red and opened, a full-ID view, an edit.
std::string prepare_station(const Tongdang& tongdang) {
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(tongdang({"user", "add", "王强", "--role", "director", "--villages", "320324102203"}).exit_code == 0);
  REQUIRE(tongdang.login().exit_code == 0);  // the supervisor's commands use a session (cli_harness.h)
  auto added = tongdang({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                         "320324102203", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  REQUIRE(tongdang({"child", "add", "--name", "李小红", "--id-number", "320412201007010045", "--village",
                    "320324102203"}).exit_code == 0);
  REQUIRE(tongdang({"assess", child, "--trigger", "R3"}).exit_code == 0);
  REQUIRE(tongdang({"child", "show", child}).exit_code == 0);
  REQUIRE(tongdang({"child", "show", child, "--full-id"}).exit_code == 0);
  REQUIRE(tongdang({"child", "edit", child, "--set", "school=王集中心小学"}).exit_code == 0);
  return child;
}

// The row of `action` (the last one) in the station's audit.
std::int64_t seq_of(const std::string& db_path, const std::string& action) {
  tongdang::db::Database db(db_path, tongdang::db::Database::Mode::ReadOnly);
  auto query = db.prepare("SELECT max(seq) FROM audit WHERE action = ?1");
  query.bind(1, action);
  REQUIRE(query.step());
  REQUIRE_FALSE(query.is_null(0));
  return query.get_int(0);
}

// What someone with the file and the sqlite3 API does first: the append-only triggers go.
void tamper(const std::string& db_path, const std::string& sql) {
  tongdang::db::Database db(db_path, tongdang::db::Database::Mode::ReadWrite);
  db.exec("DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;");
  db.exec(sql);
}

}  // namespace

TEST_CASE("CLI audit: verify passes on a station after a real workload and prints the row count", "[audit][cli]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  prepare_station(tongdang);
  auto verified = tongdang({"audit", "verify"});
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(verified.out.find("审计链完整") != std::string::npos);
  auto as_json = json::parse(tongdang({"--json", "audit", "verify"}).out);
  CHECK(as_json["whole"] == true);
  tongdang::db::Database db(tongdang.db(), tongdang::db::Database::Mode::ReadOnly);
  auto count = db.prepare("SELECT count(*) FROM audit");
  REQUIRE(count.step());
  CHECK(as_json["rows"] == count.get_int(0));
  CHECK(verified.out.find(std::to_string(count.get_int(0))) != std::string::npos);
  CHECK(as_json["head"]["hash"].get<std::string>().size() == 64);
}

TEST_CASE("CLI audit: an audit row edited by hand is named by tongdang audit verify as the first broken link",
          "[audit][cli]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  prepare_station(tongdang);
  const std::int64_t opened = seq_of(tongdang.db(), "file.open_red");
  // Hiding who opened the red file: the actor is rewritten.
  tamper(tongdang.db(), "UPDATE audit SET actor = '某人' WHERE seq = " + std::to_string(opened));
  auto verified = tongdang({"audit", "verify"});
  CHECK(verified.exit_code == 1);
  CHECK(verified.err.find("审计链断裂") != std::string::npos);
  CHECK(verified.err.find("audit 表第 " + std::to_string(opened) + " 行") != std::string::npos);
  CHECK(verified.err.find("file.open_red") != std::string::npos);
  CHECK(verified.err.find("被修改") != std::string::npos);
  auto as_json = tongdang({"--json", "audit", "verify"});
  CHECK(as_json.exit_code == 1);
  CHECK(json::parse(as_json.out)["broken"]["seq"] == opened);
}

TEST_CASE("CLI audit: an audit row deleted by hand is named by tongdang audit verify", "[audit][cli]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  prepare_station(tongdang);
  const std::int64_t opened = seq_of(tongdang.db(), "file.open_red");
  tamper(tongdang.db(), "DELETE FROM audit WHERE seq = " + std::to_string(opened));
  auto verified = tongdang({"--lang", "en", "audit", "verify"});
  CHECK(verified.exit_code == 1);
  // The row after the gap is the first broken link.
  CHECK(verified.err.find("audit row " + std::to_string(opened + 1)) != std::string::npos);
  CHECK(verified.err.find("missing") != std::string::npos);

  // Deleting the last rows leaves a whole chain, but not a whole table.
  ScratchDir other;
  Tongdang second(other);
  prepare_station(second);
  const std::int64_t last = seq_of(second.db(), "child.edit");
  tamper(second.db(), "DELETE FROM audit WHERE seq = " + std::to_string(last));
  auto truncated = second({"audit", "verify"});
  CHECK(truncated.exit_code == 1);
  CHECK(truncated.err.find("末尾的记录被删除") != std::string::npos);
}

TEST_CASE("CLI audit: an audit row inserted by hand is named by tongdang audit verify", "[audit][cli]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  prepare_station(tongdang);
  const std::int64_t last = seq_of(tongdang.db(), "child.edit");
  // A made-up opening by someone else, with the hash column copied from the row before it.
  tamper(tongdang.db(),
         "INSERT INTO audit(seq, at, actor, action, entity, entity_id, hash) SELECT seq + 1, at, '王强', "
         "'file.open_red', entity, entity_id, hash FROM audit WHERE seq = " + std::to_string(last));
  auto verified = tongdang({"audit", "verify"});
  CHECK(verified.exit_code == 1);
  CHECK(verified.err.find("audit 表第 " + std::to_string(last + 1) + " 行") != std::string::npos);

  // Without a hash at all.
  ScratchDir other;
  Tongdang second(other);
  prepare_station(second);
  tamper(second.db(), "INSERT INTO audit(at, actor, action, entity) VALUES('2026-11-28T10:00:00+08:00', '王强', "
                      "'child.edit', 'child')");
  auto unhashed = second({"audit", "verify"});
  CHECK(unhashed.exit_code == 1);
  CHECK(unhashed.err.find("没有哈希") != std::string::npos);
}

TEST_CASE("CLI audit: tongdang audit list shows recent rows without ID numbers, for supervisors only",
          "[audit][cli]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  const std::string child = prepare_station(tongdang);
  auto listed = tongdang({"audit", "list", "--limit", "100"});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("file.open_red") != std::string::npos);
  CHECK(listed.out.find("32032420140315012X") == std::string::npos);  // the before/after texts are never shown
  CHECK(listed.out.find("320324********012X") == std::string::npos);
  auto reds = json::parse(tongdang({"--json", "audit", "list", "--action", "file.open_red"}).out);
  REQUIRE(reds.size() == 2);  // shown twice: masked, then with --full-id
  for (const auto& red : reds) {
    CHECK(red["entity_id"] == child);
    CHECK(red["actor"] == "李芳");
  }
  auto director = tongdang({"--as", "王强", "audit", "list"});
  CHECK(director.exit_code == 3);
  CHECK(director.err.find("审计") != std::string::npos);
}

namespace {

// A county with one plain-HTTP server on loopback and one station of 王集镇 that synced with it.
struct AuditedCounty {
  explicit AuditedCounty(const ScratchDir& d) : dir(d), station(d) {
    REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
    token = issue_token(dir, {"station", "add", "--township", "320324102"});
    server = std::make_unique<ServerProcess>(dir, std::vector<std::string>{"--listen", "127.0.0.1:0", "--insecure"});
    url = "http://127.0.0.1:" + std::to_string(server->port);
    auto init = station({"--json", "init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"});
    REQUIRE(init.exit_code == 0);
    station_id = json::parse(init.out)["station_id"];
    REQUIRE(station.login().exit_code == 0);  // the supervisor's commands use a session (cli_harness.h)
  }
  RunResult sync() { return station({"--json", "sync", "--server", url, "--token", token}); }

  const ScratchDir& dir;
  Tongdang station;
  std::string token, url, station_id;
  std::unique_ptr<ServerProcess> server;
};

}  // namespace

TEST_CASE("CLI sync: a red file opened on a station reaches the county with the next sync, once, attributed to "
          "the token", "[audit][sync][cli]") {
  ScratchDir dir;
  AuditedCounty county(dir);
  Tongdang& station = county.station;
  auto added = station({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                        "320324102203", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  REQUIRE(station({"assess", child, "--trigger", "R3"}).exit_code == 0);
  REQUIRE(station({"child", "show", child}).exit_code == 0);  // a red file opened: audited as file.open_red
  // An export with full ID numbers is reported too; a masked one is not.
  REQUIRE(station({"export", "--full-id", "--out", dir.file("full.csv")}).exit_code == 0);
  REQUIRE(station({"export", "--out", dir.file("masked.csv")}).exit_code == 0);

  auto first = county.sync();
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  // The red file, and the export's list of full ID numbers (file.list_full_id) with the export itself.
  CHECK(json::parse(first.out)["reads_reported"] == 3);
  auto exports = json::parse(server_cli(dir, {"--json", "audit", "list", "--action", "ledger.export"}).out);
  REQUIRE(exports.size() == 1);
  CHECK(exports[0]["child_id"] == "");
  CHECK(exports[0]["township"] == "320324102");
  REQUIRE(county.sync().exit_code == 0);  // nothing new: the row is not sent again

  auto listed = server_cli(dir, {"--json", "audit", "list", "--action", "file.open_red"});
  REQUIRE(listed.exit_code == 0);
  json rows = json::parse(listed.out);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["child_id"] == child);
  CHECK(rows[0]["child_name"] == "张小明");
  CHECK(rows[0]["principal"] == "station 320324102");  // the token, not anything the body said
  CHECK(rows[0]["station_id"] == county.station_id);
  CHECK(rows[0]["township"] == "320324102");
  CHECK(rows[0]["actor"] == "李芳");
  auto text = server_cli(dir, {"audit", "list"});
  CHECK(text.out.find("file.open_red") != std::string::npos);
  CHECK(text.out.find("张小明") != std::string::npos);
  CHECK(text.out.find("32032420140315012X") == std::string::npos);

  // The sync's cursor forgotten (as after a crash between the answer and its commit): sent again, stored once.
  {
    tongdang::db::Database db(station.db(), tongdang::db::Database::Mode::ReadWrite);
    db.exec("UPDATE meta SET value = '0' WHERE key = 'sync.audit_sent'");
  }
  auto resent = county.sync();
  REQUIRE(resent.exit_code == 0);
  CHECK(json::parse(resent.out)["reads_reported"] == 3);  // answered as duplicates
  CHECK(json::parse(server_cli(dir, {"--json", "audit", "list"}).out).size() == 3);

  REQUIRE(county.server->stop() == 0);
  auto verified = server_cli(dir, {"audit", "verify"});
  INFO(verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(verified.out.find("station_openings 表共 3 行") != std::string::npos);
  CHECK(verified.out.find("request_audit") != std::string::npos);
  CHECK(station({"audit", "verify"}).exit_code == 0);
}

TEST_CASE("CLI server audit: request audit and opening rows altered, deleted or inserted by hand are named by "
          "tongdang-server audit verify", "[audit][sync][cli]") {
  ScratchDir dir;
  AuditedCounty county(dir);
  auto added = county.station({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X",
                               "--village", "320324102203"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  REQUIRE(county.station({"child", "show", child, "--full-id"}).exit_code == 0);
  REQUIRE(county.sync().exit_code == 0);
  REQUIRE(county.sync().exit_code == 0);
  REQUIRE(county.server->stop() == 0);
  REQUIRE(server_cli(dir, {"audit", "verify"}).exit_code == 0);

  const std::string central = dir.file("central.db");
  auto copy_of = [&](const std::string& name) {
    std::filesystem::copy_file(central, dir.file(name));
    return dir.file(name);
  };
  auto verify = [&](const std::string& path) {
    return tongdang::test::run_program(TONGDANG_SERVER_CLI, {"--db", path, "audit", "verify"}, dir.path(),
                                       {"LANG=C.UTF-8"});
  };
  auto tamper = [](const std::string& path, const std::string& sql) {
    tongdang::db::Database db(path, tongdang::db::Database::Mode::ReadWrite);
    db.exec("DROP TRIGGER request_audit_append_only_update; DROP TRIGGER request_audit_append_only_delete;"
            "DROP TRIGGER station_openings_append_only_update; DROP TRIGGER station_openings_append_only_delete;");
    db.exec(sql);
  };

  // A request made to look as if another token had sent it.
  const std::string altered = copy_of("altered.db");
  tamper(altered, "UPDATE request_audit SET principal = 'station 320324103', token_id = 2 WHERE seq = 2");
  auto named = verify(altered);
  CHECK(named.exit_code == 1);
  CHECK(named.err.find("request_audit 表第 2 行") != std::string::npos);
  CHECK(named.err.find("/v1/sync/") != std::string::npos);

  // An opening of a file removed from the county's copy.
  const std::string deleted = copy_of("deleted.db");
  tamper(deleted, "DELETE FROM station_openings");
  auto gone = verify(deleted);
  CHECK(gone.exit_code == 1);
  CHECK(gone.err.find("station_openings") != std::string::npos);

  // A request row added at the end of the log, its hash copied from the row before.
  const std::string inserted = copy_of("inserted.db");
  tamper(inserted, "INSERT INTO request_audit(seq, at, token_id, principal, station_id, endpoint, http_status, counts,"
                   " duration_ms, remote, hash) SELECT max(seq) + 1, at, token_id, principal, station_id, endpoint,"
                   " http_status, counts, duration_ms, remote, hash FROM request_audit");
  auto added_row = verify(inserted);
  CHECK(added_row.exit_code == 1);
  CHECK(added_row.err.find("request_audit 表第") != std::string::npos);
}
