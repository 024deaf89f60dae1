// A file leaving the county and arriving in another (issue 12, last piece; docs/design.md "Leaving the county"), in
// one process between two county servers: 睢宁县 (320324) closes a file as moved out and exports its bundle; 沛县
// (320322) imports it into a village of 龙固镇, and a station there holds the whole file with its history after its
// next sync. The refusals write nothing: a changed bundle, an untrusted sender, a bundle for another county, a file
// not moved out, an ID number already on an open file here.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "core/store/profile.h"
#include "core/workflow/child_file.h"
#include "core/workflow/children.h"
#include "core/workflow/transfer.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/server/county_transfer.h"
#include "sync/station/status.h"

using namespace tongdang;
using namespace tongdang::test;
using nlohmann::json;
namespace transfer = tongdang::sync::county_transfer;

namespace {

constexpr const char* kWangji = "320324102";  // 王集镇, 睢宁县: where the child lived
constexpr const char* kWangjiVillage = "320324102201";
constexpr const char* kPeixian = "320322";      // 沛县, the county the child moves to
constexpr const char* kLonggu = "320322101";    // 龙固镇
constexpr const char* kLongxi = "320322101001";  // 龙西居委会
constexpr const char* kFengxian = "320321";     // 丰县: a third county

sync::CountyKeys keys_of(TestCounty& county) {
  auto keys = county.store->begin()->county_keys();
  REQUIRE(keys);
  return *keys;
}

// Both counties make keys and trust each other's, as their officers do over the phone.
void exchange_keys(TestCounty& a, TestCounty& b) {
  for (TestCounty* county : {&a, &b})
    if (!county->store->begin()->county_keys()) REQUIRE(transfer::init_keys(*county->store, false, county->clock.now_iso()).is_ok());
  const auto ka = keys_of(a), kb = keys_of(b);
  REQUIRE(transfer::trust_county(*a.store, b.store->identity().county, kb.sign_public, kb.box_public, a.clock.now_iso()).is_ok());
  REQUIRE(transfer::trust_county(*b.store, a.store->identity().county, ka.sign_public, ka.box_public, b.clock.now_iso()).is_ok());
}

// Exports `child` from `from` to `to_county`; the file's bytes, or the refusal.
Result<std::string> export_bundle(TestCounty& from, const std::string& child, const std::string& to_county) {
  std::string bytes;
  auto exported = transfer::export_file(*from.store, {child, to_county, "县民政局 刘干事", from.clock.now_iso()},
                                        [&](const std::string& file) {
                                          bytes = file;
                                          return Status::ok();
                                        });
  if (!exported) return exported.status();
  CHECK(exported.value().child_id == child);
  return bytes;
}

Result<transfer::Imported> import_bundle(TestCounty& into, const std::string& file, const std::string& village = kLongxi) {
  return transfer::import_file(*into.store, file, {village, "", "沛县 王干事", into.clock.now_ms(), into.clock.now_iso()});
}

// A child of 王集镇 with a guardian and a visit, moved out of the county, synced to 睢宁县's server.
std::string moved_out_child(TestStation& station, const std::string& id_number) {
  const std::string child = station.add_child("张小明", id_number, kWangjiVillage);
  REQUIRE(add_relative(*station.station, child, {{"relation", "祖母"}, {"name", "李秀英"},
                                                 {"status", "在家"}, {"is_guardian", "是"}}).is_ok());
  NewVisit visit;
  visit.on = station.station->clock().today();
  visit.notes = "祖母照料，学习正常";
  REQUIRE(add_visit(*station.station, child, visit).is_ok());
  REQUIRE(move_out_of_county(*station.station, child, "徐州市沛县龙固镇", "随父母迁居沛县").is_ok());
  REQUIRE(station.sync().is_ok());
  return child;
}

std::vector<std::string> event_ids(db::Database& db, const std::string& child) {
  std::vector<std::string> out;
  auto query = db.prepare("SELECT id FROM events WHERE child_id = ?1 AND kind != 'file.import' ORDER BY id");
  query.bind(1, child);
  while (query.step()) out.push_back(query.get_text(0));
  return out;
}

std::int64_t count_on(TestCounty& county, const std::string& sql) { return server_count(county, sql); }

}  // namespace

TEST_CASE("Bundle: a file moved out of one county arrives whole in another, and its station holds it after a sync",
          "[sync][bundle]") {
  ScratchDir dir;
  TestCounty suining(dir, false);
  TestCounty peixian(dir, false, kPeixian, "沛县未保中心");
  TestStation wangji(dir, "wangji", kWangji, suining);
  TestStation longgu(dir, "longgu", kLonggu, peixian);
  REQUIRE(longgu.sync().is_ok());
  const std::string child = moved_out_child(wangji, make_id_number("20140315", 12));
  exchange_keys(suining, peixian);

  auto bundle = export_bundle(suining, child, "沛县");  // the trusted county by name
  INFO(bundle.status().to_string());
  REQUIRE(bundle.is_ok());
  // The file is sealed: neither the child's name nor the ID number can be read in it.
  CHECK(bundle.value().find("张小明") == std::string::npos);
  CHECK(bundle.value().find(make_id_number("20140315", 12)) == std::string::npos);
  CHECK(count_on(suining, "SELECT count(*) FROM server_admin_audit WHERE action = 'transfer.export'"
                          " AND detail ->> '$.child_id' = '" + child + "' AND detail ->> '$.to_county' = '320322'") == 1);

  auto imported = import_bundle(peixian, bundle.value());
  INFO(imported.status().to_string());
  REQUIRE(imported.is_ok());
  CHECK_FALSE(imported.value().already_imported);
  CHECK(imported.value().township == kLonggu);
  // Registration (child.add's membership), the visit, the close: the file's own events, each under its own id.
  db::Database sent(suining.db_path, db::Database::Mode::ReadOnly);
  const auto original_ids = event_ids(sent, child);
  CHECK(imported.value().events_added == original_ids.size());
  CHECK(count_on(peixian, "SELECT count(*) FROM children WHERE status = 'open' AND township = '320322101'"
                          " AND village = '320322101001'") == 1);
  CHECK(count_on(peixian, "SELECT count(*) FROM server_admin_audit WHERE action = 'transfer.import'") == 1);

  // The station of 龙固镇 gets the whole file with its history on its next pull.
  REQUIRE(longgu.sync().is_ok());
  CHECK(event_ids(longgu.station->db(), child) == original_ids);
  CHECK(longgu.field(child, "status") == "open");
  CHECK(longgu.field(child, "township") == kLonggu);
  CHECK(longgu.field(child, "village") == kLongxi);
  CHECK(longgu.field(child, "name") == "张小明");
  CHECK(longgu.field(child, "id_number") == make_id_number("20140315", 12));
  CHECK(township_digest(longgu.station->db(), kLonggu) == server_digest(peixian, kLonggu));
  auto shown = show_child(*longgu.station, child, false);
  REQUIRE(shown.is_ok());
  CHECK(shown.value()["status"] == "open");
  // The guardian came along; the history says where the file came from.
  auto relatives = longgu.station->db().prepare("SELECT name FROM relatives WHERE child_id = ?1");
  relatives.bind(1, child);
  REQUIRE(relatives.step());
  CHECK(relatives.get_text(0) == "李秀英");
  auto history = child_history(*longgu.station, child);
  REQUIRE(history.is_ok());
  bool arrived = false;
  for (const auto& entry : history.value())
    if (entry.what == "file.import") arrived = entry.note == "睢宁县";
  CHECK(arrived);
  // The station may work on it: a visit is recorded and synced.
  NewVisit visit;
  visit.on = longgu.station->clock().today();
  visit.notes = "到沛县后首次走访";
  REQUIRE(add_visit(*longgu.station, child, visit).is_ok());
  REQUIRE(longgu.sync().is_ok());
  CHECK(count_on(peixian, "SELECT count(*) FROM visits WHERE child_id = '" + child + "'") == 2);

  SECTION("the same bundle imported twice adds nothing, and says so") {
    const auto ops = count_on(peixian, "SELECT count(*) FROM change_log");
    const auto events = count_on(peixian, "SELECT count(*) FROM events");
    auto again = import_bundle(peixian, bundle.value());
    REQUIRE(again.is_ok());
    CHECK(again.value().already_imported);
    CHECK(again.value().events_added == 0);
    CHECK(count_on(peixian, "SELECT count(*) FROM change_log") == ops);
    CHECK(count_on(peixian, "SELECT count(*) FROM events") == events);
    // A second export of the same file (another file, another hash) adds nothing either.
    auto second = export_bundle(suining, child, kPeixian);
    REQUIRE(second.is_ok());
    auto third = import_bundle(peixian, second.value());
    REQUIRE(third.is_ok());
    CHECK(third.value().already_imported);
    CHECK(count_on(peixian, "SELECT count(*) FROM events") == events);
  }
}

TEST_CASE("Bundle: refusals write nothing — changed, untrusted, for another county, not moved out, number held here",
          "[sync][bundle]") {
  ScratchDir dir;
  TestCounty suining(dir, false);
  TestCounty peixian(dir, false, kPeixian, "沛县未保中心");
  TestCounty fengxian(dir, false, kFengxian, "丰县未保中心");
  TestStation wangji(dir, "wangji", kWangji, suining);
  const std::string child = moved_out_child(wangji, make_id_number("20140315", 12));
  exchange_keys(suining, peixian);
  const auto nothing_written = [&] {
    CHECK(count_on(peixian, "SELECT count(*) FROM children") == 0);
    CHECK(count_on(peixian, "SELECT count(*) FROM events") == 0);
    CHECK(count_on(peixian, "SELECT count(*) FROM change_log") == 0);
    CHECK(count_on(peixian, "SELECT count(*) FROM server_admin_audit WHERE action = 'transfer.import'") == 0);
  };
  auto bundle = export_bundle(suining, child, kPeixian);
  REQUIRE(bundle.is_ok());
  auto opened = transfer::open_file(bundle.value(), keys_of(peixian), kPeixian);
  REQUIRE(opened.is_ok());
  const std::string& text = opened.value().bundle_text;

  SECTION("a bundle changed after it was signed") {
    std::string changed = text;
    changed.replace(changed.find("张小明"), std::string("张小明").size(), "张小红");
    const auto kb = keys_of(peixian);
    auto refused = import_bundle(peixian, transfer::seal_file(changed, opened.value().signature, kPeixian, kb.box_public));
    CHECK(refused.status().code() == Code::Refused);
    CHECK(refused.status().message().find("签名不符") != std::string::npos);
    nothing_written();
  }
  SECTION("a sender this county does not trust, or a key other than the one trusted") {
    REQUIRE(transfer::init_keys(*fengxian.store, false, fengxian.clock.now_iso()).is_ok());
    const auto kf = keys_of(fengxian), kb = keys_of(peixian);
    json claims = json::parse(text);
    claims["from_county"] = {{"code", kFengxian}, {"name", "丰县"}, {"sign_key", kf.sign_public}};
    const std::string from_fengxian = claims.dump();
    auto untrusted = import_bundle(
        peixian, transfer::seal_file(from_fengxian, transfer::sign_text(from_fengxian, kf.sign_secret), kPeixian, kb.box_public));
    CHECK(untrusted.status().code() == Code::Refused);
    CHECK(untrusted.status().message().find("信任") != std::string::npos);
    // Claiming to be 睢宁县 with another key: the key recorded for 睢宁县 decides.
    claims["from_county"] = {{"code", "320324"}, {"name", "睢宁县"}, {"sign_key", kf.sign_public}};
    const std::string posing = claims.dump();
    auto mismatching = import_bundle(
        peixian, transfer::seal_file(posing, transfer::sign_text(posing, kf.sign_secret), kPeixian, kb.box_public));
    CHECK(mismatching.status().code() == Code::Refused);
    nothing_written();
  }
  SECTION("a bundle for another county") {
    exchange_keys(suining, fengxian);
    auto for_fengxian = export_bundle(suining, child, kFengxian);
    REQUIRE(for_fengxian.is_ok());
    auto refused = import_bundle(peixian, for_fengxian.value());
    CHECK(refused.status().code() == Code::Refused);
    CHECK(refused.status().message().find("320321") != std::string::npos);
    // Relabelled for 沛县 but sealed to 丰县's key: the seal does not open.
    auto sealed_elsewhere = import_bundle(
        peixian, transfer::seal_file(text, opened.value().signature, kPeixian, keys_of(fengxian).box_public));
    CHECK(sealed_elsewhere.status().code() == Code::Refused);
    CHECK(sealed_elsewhere.status().message().find("不是用本县公钥封装") != std::string::npos);
    nothing_written();
  }
  SECTION("a village outside this county, and an ID number already on an open file here") {
    CHECK(import_bundle(peixian, bundle.value(), kWangjiVillage).status().code() == Code::InvalidInput);
    TestStation longgu(dir, "longgu", kLonggu, peixian);
    const std::string here = longgu.add_child("张明", make_id_number("20140315", 12), kLongxi);
    REQUIRE(longgu.sync().is_ok());
    auto refused = import_bundle(peixian, bundle.value());
    CHECK(refused.status().code() == Code::Conflict);
    CHECK(refused.status().message().find(here) != std::string::npos);
    CHECK(count_on(peixian, "SELECT count(*) FROM children") == 1);
    CHECK(count_on(peixian, "SELECT count(*) FROM events WHERE child_id = '" + child + "'") == 0);
  }
  SECTION("a file not closed as moved out of the county is not exported") {
    const std::string open_child = wangji.add_child("王小丽", make_id_number("20150620", 24), kWangjiVillage);
    REQUIRE(wangji.sync().is_ok());
    bool written = false;
    auto refused = transfer::export_file(*suining.store, {open_child, kPeixian, "刘干事", suining.clock.now_iso()},
                                         [&](const std::string&) {
                                           written = true;
                                           return Status::ok();
                                         });
    CHECK(refused.status().code() == Code::Refused);
    CHECK(refused.status().message().find("迁出本县") != std::string::npos);
    CHECK_FALSE(written);
    CHECK(count_on(suining, "SELECT count(*) FROM server_admin_audit WHERE action = 'transfer.export'") == 1);
  }
}

TEST_CASE("Bundle: county keys are made once unless replaced, and only well-formed keys are trusted", "[sync][bundle]") {
  ScratchDir dir;
  TestCounty suining(dir, false);
  REQUIRE(transfer::init_keys(*suining.store, false, suining.clock.now_iso()).is_ok());
  const auto first = keys_of(suining);
  CHECK(transfer::init_keys(*suining.store, false, suining.clock.now_iso()).status().code() == Code::Refused);
  CHECK(keys_of(suining).sign_secret == first.sign_secret);
  REQUIRE(transfer::init_keys(*suining.store, true, suining.clock.now_iso()).is_ok());
  CHECK(keys_of(suining).sign_public != first.sign_public);
  auto shown = transfer::public_keys(*suining.store);
  REQUIRE(shown.is_ok());
  CHECK(shown.value().name == "睢宁县");
  CHECK(shown.value().fingerprint.size() == 19);  // four groups of four hex digits
  CHECK(transfer::trust_county(*suining.store, "沛县", first.sign_public, first.box_public, "").status().code() ==
        Code::InvalidInput);
  CHECK(transfer::trust_county(*suining.store, kPeixian, "not-a-key", first.box_public, "").status().code() ==
        Code::InvalidInput);
  CHECK(transfer::trusted_counties(*suining.store).empty());
  CHECK(count_on(suining, "SELECT count(*) FROM server_admin_audit WHERE action LIKE 'county_key.%'") == 2);
}

// Issue 12's edge: a file arriving from another county whose ID number a closed file here holds (an open one refuses
// the import) joined no duplicate candidate, so the county never saw the two in its review. It makes one now, as a
// pushed new child with that number would.
TEST_CASE("Bundle: an imported file whose ID number a closed file here holds makes a duplicate candidate",
          "[sync][bundle][merge]") {
  ScratchDir dir;
  TestCounty suining(dir, false);
  TestCounty peixian(dir, false, kPeixian, "沛县未保中心");
  TestStation wangji(dir, "wangji", kWangji, suining);
  TestStation longgu(dir, "longgu", kLonggu, peixian);
  const std::string number = make_id_number("20140315", 12);
  // 龙固镇 registered the child once and closed the file when it seemed no longer eligible.
  const std::string here = longgu.add_child("张明", number, kLongxi);
  REQUIRE(close_child(*longgu.station, here, "no_longer_eligible").is_ok());
  REQUIRE(longgu.sync().is_ok());
  const std::string child = moved_out_child(wangji, number);
  exchange_keys(suining, peixian);
  auto bundle = export_bundle(suining, child, kPeixian);
  REQUIRE(bundle.is_ok());
  CHECK(count_on(peixian, "SELECT count(*) FROM duplicate_candidates") == 0);

  auto imported = import_bundle(peixian, bundle.value());
  INFO(imported.status().to_string());
  REQUIRE(imported.is_ok());
  // One candidate, of the two files: the closed one here and the one that arrived, both 龙固镇's.
  CHECK(count_on(peixian, "SELECT count(*) FROM duplicate_candidates WHERE status = 'open'") == 1);
  CHECK(count_on(peixian, "SELECT count(*) FROM duplicate_candidates d, json_each(d.body, '$.files') f WHERE "
                          "f.value ->> '$.child_id' IN ('" + here + "', '" + child + "') AND f.value ->> '$.township' = '" +
                          kLonggu + "'") == 2);
  CHECK(count_on(peixian, "SELECT count(*) FROM duplicate_candidates WHERE body ->> '$.file_count' = 2") == 1);
  // The station of 龙固镇 lists it after its next pull, and holds what the server holds.
  REQUIRE(longgu.sync().is_ok());
  auto candidates = sync::list_duplicates(*longgu.station);
  REQUIRE(candidates.size() == 1);
  CHECK(candidates[0]["file_count"] == 2);
  CHECK(township_digest(longgu.station->db(), kLonggu) == server_digest(peixian, kLonggu));
  // Imported again: nothing is added, not a second listing of the file.
  REQUIRE(import_bundle(peixian, bundle.value()).value().already_imported);
  CHECK(count_on(peixian, "SELECT count(*) FROM duplicate_candidates WHERE body ->> '$.file_count' = 2") == 1);
}
