// The station's local store: migrations (forward from 0, a newer database refused and left alone), the audit row
// of each change and its append-only table, category age limits (docs/domain.md "Categories"), the 0600 file, and a
// second writer waiting for the first.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/cli_harness.h"
#include <fmt/format.h>

#include "core/db/schema.h"
#include "core/model/id_number.h"
#include "core/store/station.h"
#include "core/workflow/children.h"

using namespace tongdang;
using nlohmann::json;
using tongdang::test::ScratchDir;

namespace {

std::string id_for(std::string_view county, Date birth, int sequence) {
  std::string first17 = std::string(county) + birth.to_string().substr(0, 4) + birth.to_string().substr(5, 2) +
                        birth.to_string().substr(8, 2) + fmt::format("{:03d}", sequence);
  return first17 + id_number_check_character(first17);
}

std::int64_t at_ten_am(Date day) { return midnight_cst_ms(day) + 10LL * 3600 * 1000; }

std::unique_ptr<Station> new_station(const std::string& path, const Clock& clock) {
  auto created = Station::create(path, {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}}, clock);
  REQUIRE(created);
  return std::move(created).value();
}

std::int64_t scalar(db::Database& db, const std::string& sql) {
  auto query = db.prepare(sql);
  REQUIRE(query.step());
  return query.get_int(0);
}

NewChild child_born(Date birth, int sequence, std::vector<std::string> categories) {
  NewChild input;
  input.fields = {{"name", "测试儿童"}, {"id_number", id_for("320324", birth, sequence)}, {"village", "320324102203"}};
  input.categories = std::move(categories);
  return input;
}

}  // namespace

TEST_CASE("Store: migrating from 0 creates every table and records the version", "[store]") {
  ScratchDir dir;
  db::Database db(dir.file("empty.db"), db::Database::Mode::CreateIfMissing);
  CHECK(schema::current_version(db) == 0);
  REQUIRE(schema::migrate(db));
  CHECK(schema::current_version(db) == schema::latest_version());
  for (const char* table : {"meta", "users", "children", "relatives", "events", "memberships", "audit", "outbox"})
    CHECK(scalar(db, fmt::format("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{}'", table)) == 1);
  // Migrating again changes nothing.
  REQUIRE(schema::migrate(db));
  CHECK(schema::current_version(db) == schema::latest_version());
}

TEST_CASE("Store: a database from a newer program is refused and left unchanged", "[store]") {
  ScratchDir dir;
  ManualClock clock(at_ten_am(Date(2026, 11, 28)));
  const std::string path = dir.file("station.db");
  new_station(path, clock).reset();
  const int newer = schema::latest_version() + 1;
  {
    db::Database db(path, db::Database::Mode::ReadWrite);
    db.exec(fmt::format("UPDATE meta SET value = '{}' WHERE key = 'schema_version'", newer));
  }
  std::int64_t audit_rows = 0;
  {
    db::Database db(path, db::Database::Mode::ReadWrite);
    audit_rows = scalar(db, "SELECT count(*) FROM audit");
  }
  auto opened = Station::open(path, clock);
  REQUIRE_FALSE(opened);
  CHECK(opened.status().code() == Code::Refused);
  CHECK(opened.status().message().find(std::to_string(newer)) != std::string::npos);
  db::Database db(path, db::Database::Mode::ReadWrite);
  CHECK(schema::current_version(db) == newer);
  CHECK(scalar(db, "SELECT count(*) FROM audit") == audit_rows);
}

TEST_CASE("Store: the database file is created owner-readable only (0600)", "[store]") {
  ScratchDir dir;
  ManualClock clock(at_ten_am(Date(2026, 11, 28)));
  const std::string path = dir.file("station.db");
  new_station(path, clock);
  struct stat info{};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("Store: every change writes an audit row with who, when, before and after", "[store]") {
  ScratchDir dir;
  ManualClock clock(at_ten_am(Date(2026, 11, 28)));
  auto station = new_station(dir.file("station.db"), clock);
  NewChild input = child_born(Date(2014, 3, 15), 12, {});
  input.fields["school"] = "王集中心小学";
  auto added = add_child(*station, input);
  REQUIRE(added);
  REQUIRE(edit_child(*station, added->id, {{"school", "王集镇初级中学"}}));

  auto query = station->db().prepare(
      "SELECT actor, at, before, after FROM audit WHERE action = 'child.edit' AND entity_id = ?1");
  query.bind(1, added->id);
  REQUIRE(query.step());
  CHECK(query.get_text(0) == "李芳");
  CHECK(query.get_text(1).substr(0, 10) == "2026-11-28");
  CHECK(json::parse(query.get_text(2)) == json{{"school", "王集中心小学"}});
  CHECK(json::parse(query.get_text(3)) == json{{"school", "王集镇初级中学"}});
  CHECK_FALSE(query.step());

  auto add_row = station->db().prepare("SELECT before, after FROM audit WHERE action = 'child.add' AND entity_id = ?1");
  add_row.bind(1, added->id);
  REQUIRE(add_row.step());
  CHECK(add_row.is_null(0));
  CHECK(json::parse(add_row.get_text(1))["name"] == "测试儿童");
}

TEST_CASE("Store: the audit table refuses UPDATE and DELETE", "[store]") {
  ScratchDir dir;
  ManualClock clock(at_ten_am(Date(2026, 11, 28)));
  auto station = new_station(dir.file("station.db"), clock);
  auto& db = station->db();
  const std::int64_t rows = scalar(db, "SELECT count(*) FROM audit");
  REQUIRE(rows > 0);
  CHECK_THROWS_AS(db.exec("UPDATE audit SET actor = 'someone else'"), db::DbError);
  CHECK_THROWS_AS(db.exec("DELETE FROM audit"), db::DbError);
  CHECK(scalar(db, "SELECT count(*) FROM audit") == rows);
  CHECK(scalar(db, "SELECT count(*) FROM audit WHERE actor = 'someone else'") == 0);
}

TEST_CASE("Store: LEFT_BEHIND is refused at 16 and ends at the 16th birthday", "[store]") {
  ScratchDir dir;
  ManualClock clock(at_ten_am(Date(2026, 11, 28)));
  auto station = new_station(dir.file("station.db"), clock);
  // Born 2010-11-28: 16 today, refused.
  auto sixteen = add_child(*station, child_born(Date(2010, 11, 28), 21, {"LEFT_BEHIND"}));
  REQUIRE_FALSE(sixteen);
  CHECK(sixteen.status().field() == "category");
  CHECK(scalar(station->db(), "SELECT count(*) FROM children") == 0);
  // Born 2010-11-29: 15 for one more day; the membership ends on 2026-11-29.
  auto fifteen = add_child(*station, child_born(Date(2010, 11, 29), 23, {"LEFT_BEHIND"}));
  REQUIRE(fifteen);
  auto to = station->db().prepare("SELECT to_date FROM memberships WHERE child_id = ?1");
  to.bind(1, fifteen->id);
  REQUIRE(to.step());
  CHECK(to.get_text(0) == "2026-11-29");
  // Tomorrow the child is listed without the category.
  clock.set(at_ten_am(Date(2026, 11, 29)));
  auto shown = show_child(*station, fifteen->id, false);
  REQUIRE(shown);
  CHECK(shown.value()["categories"].empty());
  // Still under 18, the child may hold an 18-limit category from the same day.
  REQUIRE(add_membership(*station, fifteen->id, "LOW_INCOME", std::nullopt, ""));
}

TEST_CASE("Store: a child born on 29 February leaves LEFT_BEHIND on 29 February and ORPHAN on 1 March", "[store]") {
  ScratchDir dir;
  ManualClock clock(at_ten_am(Date(2028, 2, 28)));
  auto station = new_station(dir.file("station.db"), clock);
  // Born 2012-02-29: the 16th birthday is 2028-02-29 (a leap year).
  auto leap = add_child(*station, child_born(Date(2012, 2, 29), 32, {"LEFT_BEHIND"}));
  REQUIRE(leap);
  auto to = station->db().prepare("SELECT to_date FROM memberships WHERE child_id = ?1 AND category = 'LEFT_BEHIND'");
  to.bind(1, leap->id);
  REQUIRE(to.step());
  CHECK(to.get_text(0) == "2028-02-29");
  to.reset();
  clock.set(at_ten_am(Date(2028, 2, 29)));
  auto late = add_child(*station, child_born(Date(2012, 2, 29), 34, {"LEFT_BEHIND"}));
  CHECK_FALSE(late);

  // Born 2008-02-29: the 18th birthday falls in 2026, a common year, so ORPHAN ends on 2026-03-01.
  ScratchDir dir2;
  ManualClock clock2(at_ten_am(Date(2026, 2, 28)));
  auto station2 = new_station(dir2.file("station.db"), clock2);
  auto orphan = add_child(*station2, child_born(Date(2008, 2, 29), 36, {"ORPHAN"}));
  REQUIRE(orphan);
  auto orphan_to = station2->db().prepare("SELECT to_date FROM memberships WHERE child_id = ?1");
  orphan_to.bind(1, orphan->id);
  REQUIRE(orphan_to.step());
  CHECK(orphan_to.get_text(0) == "2026-03-01");
  orphan_to.reset();
  // From 1 March the child is 18: a new ORPHAN membership is refused.
  auto at_eighteen = add_membership(*station2, orphan->id, "ORPHAN", Date(2026, 3, 1), "");
  REQUIRE_FALSE(at_eighteen);
  CHECK(at_eighteen.code() == Code::InvalidInput);
}

TEST_CASE("Store: ORPHAN is accepted at 17 and refused at 18", "[store]") {
  ScratchDir dir;
  ManualClock clock(at_ten_am(Date(2026, 11, 28)));
  auto station = new_station(dir.file("station.db"), clock);
  auto seventeen = add_child(*station, child_born(Date(2008, 11, 29), 41, {"ORPHAN"}));
  REQUIRE(seventeen);
  auto to = station->db().prepare("SELECT to_date FROM memberships WHERE child_id = ?1");
  to.bind(1, seventeen->id);
  REQUIRE(to.step());
  CHECK(to.get_text(0) == "2026-11-29");
  to.reset();
  auto adult = add_child(*station, child_born(Date(2008, 11, 28), 43, {"ORPHAN"}));
  REQUIRE_FALSE(adult);
  CHECK(adult.status().code() == Code::InvalidInput);
}

TEST_CASE("Store: a second process writing while another holds a write transaction waits", "[store][cli]") {
  ScratchDir dir;
  tongdang::test::Tongdang tongdang(dir);
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  db::Database holder(tongdang.db(), db::Database::Mode::ReadWrite);
  auto transaction = std::make_unique<db::Transaction>(holder);  // BEGIN IMMEDIATE: holds the write lock
  const auto start = std::chrono::steady_clock::now();
  auto second = std::async(std::launch::async, [&] {
    return tongdang({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                     "320324102203"});
  });
  // The other process is blocked for as long as the lock is held.
  CHECK(second.wait_for(std::chrono::milliseconds(800)) == std::future_status::timeout);
  transaction->commit();
  transaction.reset();
  auto result = second.get();
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(result.exit_code == 0);
  CHECK(waited >= std::chrono::milliseconds(800));
  CHECK(json::parse(result.out)["id"].get<std::string>().size() == 36);
}

TEST_CASE("Store: the referral events of a child are found by the partial index, as the review queue asks for them",
          "[store][referral]") {
  // The term of open_referrals (core/workflow/referrals.cc): SQLite takes a partial index only for a query that
  // states its WHERE term, so a rewording of either side shows here as a plan reading events_child instead.
  ScratchDir dir;
  db::Database db(dir.file("plan.db"), db::Database::Mode::CreateIfMissing);
  REQUIRE(schema::migrate(db));
  auto plan = db.prepare(
      "EXPLAIN QUERY PLAN SELECT e.id FROM children c CROSS JOIN events e ON e.child_id = c.id WHERE c.status = 'open'"
      " AND c.township BETWEEN '320324102' AND '320324102' AND e.kind IN ('referral.add', 'referral.update')"
      " ORDER BY e.hlc, e.id");
  std::string steps;
  while (plan.step()) steps += plan.get_text(3) + "\n";
  INFO(steps);
  CHECK(steps.find("USING INDEX events_referral") != std::string::npos);
}
