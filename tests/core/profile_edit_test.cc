// The one field-edit use case (core/store/profile_edit.h) and the required fields declared once in the field table
// (core/store/profile.h): what the station's entry paths and the server's merge check alike.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "core/store/profile.h"
#include "core/store/profile_edit.h"
#include "core/store/station.h"
#include "core/workflow/children.h"

using namespace tongdang;
using nlohmann::json;
using tongdang::test::ScratchDir;

namespace {

std::unique_ptr<Station> new_station(const std::string& path, const Clock& clock) {
  auto created = Station::create(path, {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}}, clock);
  REQUIRE(created);
  return std::move(created).value();
}

}  // namespace

TEST_CASE("Profile: the required fields are the field table's, for a new record and for the server", "[store]") {
  // What a user must type for a new child: name and village, nothing derived.
  CHECK(check_required("child", {{"name", "张小明"}, {"village", "320324102203"}}, Presence::Entered));
  CHECK(check_required("child", {{"name", "张小明"}}, Presence::Entered).field() == "village");
  // A stored child also has what the station fills and the ID number gives.
  CHECK(check_required("child", {{"name", "张小明"}, {"village", "320324102203"}}, Presence::Stored).field() ==
        "township");
  CHECK(check_required("relative", {{"relation", "father"}, {"name", "张三"}}, Presence::Entered).field() == "status");

  const json child = {{"township", "320324102"}, {"village", "320324102203"}, {"name", "张小明"},
                      {"sex", "male"},           {"birth_date", "2015-03-01"}};
  CHECK(check_stored_fields("child", child, /*creating=*/true));
  json no_sex = child;
  no_sex.erase("sex");
  CHECK(check_stored_fields("child", no_sex, true).field() == "sex");
  // An edit never empties a required field: the station refuses it, and so does the server's merge (which used to
  // accept a pushed null name that no station would have stored).
  CHECK(check_not_emptied("child", {{"name", nullptr}}).field() == "name");
  CHECK(check_stored_fields("child", {{"name", nullptr}}, false).field() == "name");
  CHECK(check_stored_fields("child", {{"school", nullptr}}, false));
}

TEST_CASE("Profile: an edit carries each field's server version as its base, and one audit row", "[store]") {
  ScratchDir dir;
  ManualClock clock(midnight_cst_ms(Date(2026, 11, 28)) + 36'000'000);
  auto station = new_station(dir.file("s.db"), clock);
  NewChild input;
  input.fields = {{"name", "张小明"}, {"hukou_status", "unregistered"}, {"sex", "male"},
                  {"birth_date", "2015-03-01"}, {"village", "320324102203"}};
  auto added = add_child(*station, input);
  REQUIRE(added);
  const std::string id = added->id;
  station->db().exec("INSERT INTO field_versions(entity, entity_id, field, version) VALUES('child', '" + id +
                     "', 'school', 7)");
  REQUIRE(station->write([&](WriteContext& w) {
    write_profile_fields(w, {"child", id, id, json{{"school", "王集小学"}, {"grade", "三年级"}}});
    return Status::ok();
  }));
  auto outbox = station->db().prepare("SELECT op, base, fields FROM outbox ORDER BY seq DESC LIMIT 1");
  REQUIRE(outbox.step());
  CHECK(outbox.get_text(0) == "update");
  CHECK(json::parse(outbox.get_text(1)) == json{{"grade", 0}, {"school", 7}});
  CHECK(field_version(station->db(), "child", id, "school") == 7);
  auto audit = station->db().prepare("SELECT action, after FROM audit ORDER BY seq DESC LIMIT 1");
  REQUIRE(audit.step());
  CHECK(audit.get_text(0) == "child.edit");
  CHECK(json::parse(audit.get_text(1))["school"] == "王集小学");
  CHECK(read_profile(station->db(), "child", id, {"school"})["school"] == "王集小学");
}
