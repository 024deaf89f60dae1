// `tongdang audit verify` and `tongdang audit list` as a user runs them, and the station's file tampered with as
// someone holding it would: the append-only triggers dropped, then a row edited, deleted or inserted by hand.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_harness.h"
#include "tongdang/core/sqlite.h"

using nlohmann::json;
using tongdang::test::RunResult;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;

namespace {

// A station with a workload worth auditing: two children, one of them red and opened, a full-ID view, an edit.
std::string prepare_station(const Tongdang& tongdang) {
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(tongdang({"user", "add", "王强", "--role", "director", "--villages", "320324102201"}).exit_code == 0);
  auto added = tongdang({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                         "320324102201", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  REQUIRE(tongdang({"child", "add", "--name", "李小红", "--id-number", "320412201007010045", "--village",
                    "320324102201"}).exit_code == 0);
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
