// A county server restored from a backup (issue 14, docs/sync-protocol.md "A restored server"): the stations read
// the restored server's logs from the start and push again what it acknowledged after the backup, so nothing a
// station recorded is lost; what the server held before the backup is not sent twice.
#include <sys/stat.h>

#include <fstream>

#include <catch2/catch.hpp>

#include "sync/server/sqlite/sqlite_backup.h"
#include "support/sync_fixture.h"

using namespace tongdang;
using namespace tongdang::test;

namespace {

constexpr const char* kWangji = "320324102";

// Stops the county's service, puts the backup in its database's place and starts it again on the restored copy.
void restore_county(TestCounty& county, const std::string& backup) {
  county.stop_http();
  county.service.reset();
  county.store.reset();
  auto restored = sync::restore_sqlite_store(backup, county.db_path, county.clock.now_iso(), true);
  INFO(restored.status().to_string());
  REQUIRE(restored.is_ok());
  CHECK_FALSE(restored->set_aside.empty());
  county.store = std::move(sync::open_sqlite_store(county.db_path)).value();
  county.service = std::make_unique<sync::SyncService>(*county.store, county.clock);
}

std::int64_t children_on_server(const TestCounty& county) {
  return server_count(county, "SELECT count(*) FROM children");
}

}  // namespace

TEST_CASE("Restore: a station pushes again what the restored server lost, and only that", "[sync][restore]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  std::string first = a.add_child("张小明", "32032420140315012X");
  REQUIRE(a.sync().is_ok());
  REQUIRE(children_on_server(county) == 1);

  const std::string backup = dir.file("backup.db");
  auto taken = sync::backup_sqlite_store(county.db_path, backup, county.clock.now_iso(), false);
  INFO(taken.status().to_string());
  REQUIRE(taken.is_ok());
  CHECK(taken->children == 1);
  struct stat info {};
  REQUIRE(::stat(backup.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  // After the backup: a second child and an edit of the first, acknowledged by the server that is then lost.
  std::string second = a.add_child("李小红", "320324201503200024");
  a.edit(first, "school", "王集中心小学");
  auto after_backup = a.sync();
  REQUIRE(after_backup.is_ok());
  const std::int64_t acknowledged = after_backup->pushed;
  REQUIRE(acknowledged > 0);
  REQUIRE(children_on_server(county) == 2);

  restore_county(county, backup);
  CHECK(children_on_server(county) == 1);

  auto resumed = a.sync();
  INFO(resumed.status().to_string());
  REQUIRE(resumed.is_ok());
  // Exactly the changes the lost server acknowledged after the backup go up again; those before it do not.
  CHECK(resumed->resent == acknowledged);
  CHECK(resumed->pushed == acknowledged);
  CHECK(resumed->rejected == 0);
  CHECK(resumed->conflicts_opened == 0);
  CHECK(children_on_server(county) == 2);
  CHECK(a.field(first, "school") == "王集中心小学");
  CHECK(server_digest(county, kWangji) == township_digest(a.station->db(), kWangji));

  // A new laptop of the township gets everything from the restored server.
  TestStation b(dir, "b", kWangji, county);
  REQUIRE(b.sync().is_ok());
  CHECK(township_digest(b.station->db(), kWangji) == township_digest(a.station->db(), kWangji));

  // Nothing more goes up on the next sync: the station now knows the restored server.
  auto again = a.sync();
  REQUIRE(again.is_ok());
  CHECK(again->resent == 0);
  CHECK(again->pushed == 0);
}

TEST_CASE("Restore: a change made offline while the server was lost goes up after the resent ones", "[sync][restore]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  const std::string backup = dir.file("backup.db");
  REQUIRE(sync::backup_sqlite_store(county.db_path, backup, county.clock.now_iso(), false).is_ok());
  // Created after the backup and acknowledged; then edited offline before the restored server is reached. The
  // creation must reach the restored server before the edit, or the edit would name a child it does not hold.
  std::string child = a.add_child("王小军", "320324201201010014");
  REQUIRE(a.sync().is_ok());
  restore_county(county, backup);
  a.edit(child, "school", "新庄小学");
  auto resumed = a.sync();
  REQUIRE(resumed.is_ok());
  CHECK(resumed->rejected == 0);
  CHECK(resumed->resent > 0);
  CHECK(children_on_server(county) == 1);
  CHECK(server_digest(county, kWangji) == township_digest(a.station->db(), kWangji));
}

TEST_CASE("Restore: refuses what is not a whole central backup and moves nothing", "[sync][restore]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  a.add_child("张小明", "32032420140315012X");
  REQUIRE(a.sync().is_ok());
  const std::string backup = dir.file("backup.db");
  REQUIRE(sync::backup_sqlite_store(county.db_path, backup, county.clock.now_iso(), false).is_ok());

  // An existing backup file is not overwritten without being asked to.
  auto twice = sync::backup_sqlite_store(county.db_path, backup, county.clock.now_iso(), false);
  CHECK(twice.status().code() == Code::Refused);

  // A restore over a live database needs --force.
  auto unforced = sync::restore_sqlite_store(backup, county.db_path, county.clock.now_iso(), false);
  CHECK(unforced.status().code() == Code::Refused);
  CHECK(children_on_server(county) == 1);

  // Garbage, and a station's database, are refused before anything is moved.
  const std::string garbage = dir.file("garbage.db");
  std::ofstream(garbage) << "this is not a database, only text a tired person copied by mistake";
  const std::string other = dir.file("other.db");
  for (const std::string& bad : {garbage, a.station->db().path()}) {
    auto refused = sync::restore_sqlite_store(bad, other, county.clock.now_iso(), true);
    CHECK_FALSE(refused.is_ok());
    CHECK(::access(other.c_str(), F_OK) != 0);
  }
  auto missing = sync::restore_sqlite_store(dir.file("nowhere.db"), other, county.clock.now_iso(), true);
  CHECK(missing.status().code() == Code::NotFound);
}
