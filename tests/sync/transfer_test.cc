// The file follows the child (issue 12, part 1), end to end in one process between two townships' stations and the
// county server: transfers between townships (the whole file with its history reaches the receiving township; the
// sending stations keep a read-only record; late visits are accepted and late edits become conflicts for the new
// owner; authority from the credentials only), a move between villages of one township, leaving the county, and
// correcting the ID number (with the duplicate check at the station and in the county).
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "core/base/ids.h"
#include "core/db/schema.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"
#include "core/workflow/transfer.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/station/conflicts.h"
#include "sync/station/status.h"

using namespace tongdang;
using namespace tongdang::test;
using nlohmann::json;

namespace {

constexpr const char* kWangji = "320324102";            // 王集镇, the sending township
constexpr const char* kWangjiVillage = "320324102201";
constexpr const char* kShuanggou = "320324103";         // 双沟镇, the receiving one
constexpr const char* kShuanggouVillage = "320324103201";

std::string server_text(TestCounty& county, const std::string& sql) {
  db::Database db(county.db_path, db::Database::Mode::ReadOnly);
  auto query = db.prepare(sql);
  REQUIRE(query.step());
  return query.get_text(0);
}

std::int64_t count(Station& station, const std::string& sql) {
  auto query = station.db().prepare(sql);
  query.step();
  return query.get_int(0);
}

bool listed(Station& station, const std::string& child) {
  auto rows = list_children(station, {}, false);
  REQUIRE(rows.is_ok());
  for (const auto& row : rows.value())
    if (row["id"] == child) return true;
  return false;
}

void add_home_visit(TestStation& s, const std::string& child, const std::string& notes) {
  s.clock.set(s.county.clock.now_ms() + s.offset_ms);
  NewVisit visit;
  visit.on = s.station->clock().today();
  visit.notes = notes;
  auto added = add_visit(*s.station, child, visit);
  INFO(added.status().to_string());
  REQUIRE(added.is_ok());
}

void check_digests(TestCounty& county, std::initializer_list<TestStation*> stations) {
  for (TestStation* s : stations) {
    const std::string township = s->station->township();
    INFO("station " << s->station->name());
    CHECK(township_digest(s->station->db(), township) == server_digest(county, township));
  }
}

// A push of one hand-made event change, as a station holding `token` and bound as `station_id` would send it: the
// server alone decides from the credentials whether it may.
json push_event(TestCounty& county, const std::string& token, const std::string& station_id, const json& event) {
  json change = {{"change_id", new_record_id(county.clock.now_ms())}, {"entity", "event"},
                 {"entity_id", event["id"]}, {"child_id", event["child_id"]}, {"op", "event"},
                 {"hlc", event["hlc"]}, {"actor", event["actor"]}, {"actor_role", event["actor_role"]},
                 {"event", event}};
  sync::ServiceRequest request;
  request.method = "POST";
  request.path = "/v1/sync/push";
  request.station_id = station_id;
  request.authorization = "Bearer " + token;
  request.body = json{{"batch_id", new_record_id(county.clock.now_ms())}, {"changes", json::array({change})}}.dump();
  auto answered = county.service->handle(request);
  REQUIRE(answered.status == 200);
  return json::parse(answered.body)["results"][0];
}

json transfer_event(TestCounty& county, const std::string& station_id, const std::string& child,
                    const std::string& actor, const std::string& role, const std::string& from_township,
                    const std::string& from_village, const std::string& to_village) {
  return {{"id", new_record_id(county.clock.now_ms())}, {"child_id", child}, {"lead_id", nullptr},
          {"township", from_township}, {"kind", "file.transfer"},
          {"payload", {{"from_township", from_township}, {"from_village", from_village},
                       {"to_township", to_village.substr(0, 9)}, {"to_village", to_village}, {"reason", "随父母迁居"}}},
          {"occurred_on", "2026-11-28"}, {"hlc", fmt::format("{:015}-00000", county.clock.now_ms())},
          {"actor", actor}, {"actor_role", role}, {"station_id", station_id}, {"recorded_at", "2026-11-28T12:00:00+08:00"}};
}

}  // namespace

TEST_CASE("Transfer: the receiving township gets the whole file, the sending stations keep a read-only record",
          "[sync][transfer]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation sender(dir, "a", kWangji, county);      // the supervisor who transfers
  TestStation colleague(dir, "b", kWangji, county);   // another station of the sending township, offline for a while
  TestStation receiver(dir, "c", kShuanggou, county);
  const std::string child = sender.add_child("张小明", make_id_number("20140315", 12), kWangjiVillage);
  REQUIRE(add_relative(*sender.station, child, {{"relation", "祖母"}, {"name", "王秀英"}, {"status", "在家"}}).is_ok());
  add_home_visit(sender, child, "入户了解情况");
  REQUIRE(sender.sync().is_ok());
  REQUIRE(colleague.sync().is_ok());
  REQUIRE(receiver.sync().is_ok());
  CHECK(count(*receiver.station, "SELECT count(*) FROM children") == 0);

  // Offline at the sending station: the file moves at once there and leaves its lists and work list.
  county.clock.advance_ms(60'000);
  sender.clock.set(county.clock.now_ms());
  REQUIRE(transfer_child(*sender.station, child, kShuanggouVillage, "随父母迁居双沟镇").is_ok());
  CHECK_FALSE(listed(*sender.station, child));
  auto shown = show_child(*sender.station, child, false);
  REQUIRE(shown.is_ok());
  CHECK(shown.value()["transferred"]["to_village"] == kShuanggouVillage);
  CHECK(shown.value()["transferred"]["from_village"] == kWangjiVillage);
  Status edited = edit_child(*sender.station, child, {{"school", "王集中心小学"}});
  CHECK(edited.code() == Code::Refused);
  CHECK(edited.message().find("只读") != std::string::npos);
  auto due = due_list(*sender.station, DueOptions{sender.station->clock().today(), false, 30});
  REQUIRE(due.is_ok());
  for (const auto& row : due.value()) CHECK(row.child_id != child);

  // Meanwhile the colleague, who has not heard of it, visits the child and edits the file.
  add_home_visit(colleague, child, "迟到的走访记录");
  colleague.edit(child, "school", "王集中心小学");

  auto pushed = sender.sync();
  REQUIRE(pushed.is_ok());
  CHECK(pushed->rejected == 0);
  CHECK(server_text(county, "SELECT township || ' ' || village FROM children") ==
        std::string(kShuanggou) + " " + kShuanggouVillage);
  // The county report counts the child once, in the receiving township.
  CHECK(server_text(county, "SELECT township FROM report_child") == kShuanggou);
  CHECK(server_count(county, "SELECT count(*) FROM report_child") == 1);

  // The receiving station's next sync brings the whole file: profile, relative, every event, writable there.
  REQUIRE(receiver.sync().is_ok());
  CHECK(listed(*receiver.station, child));
  CHECK(count(*receiver.station, "SELECT count(*) FROM relatives") == 1);
  CHECK(count(*receiver.station, "SELECT count(*) FROM visits") == 1);
  CHECK(count(*receiver.station, fmt::format("SELECT count(*) FROM events WHERE child_id = '{}'", child)) ==
        server_count(county, fmt::format("SELECT count(*) FROM events WHERE child_id = '{}'", child)));
  receiver.edit(child, "school", "双沟中心小学");

  // The late visit is accepted; the late edit is a conflict for the new owner, never a silent overwrite.
  auto late = colleague.sync();
  REQUIRE(late.is_ok());
  CHECK(late->rejected == 0);
  CHECK(late->conflicts_opened == 1);
  CHECK_FALSE(listed(*colleague.station, child));  // the colleague now holds the read-only record too
  REQUIRE(receiver.sync().is_ok());
  CHECK(count(*receiver.station, "SELECT count(*) FROM visits") == 2);
  auto conflicts = sync::list_conflicts(*receiver.station, false);
  REQUIRE(conflicts.size() == 1);
  CHECK(conflicts[0]["field"] == "school");
  CHECK(conflicts[0]["township"] == kShuanggou);
  CHECK(receiver.field(child, "school") == "双沟中心小学");  // shown until the receiving supervisor decides
  REQUIRE(sync::resolve_conflict(*receiver.station, conflicts[0]["id"].get<std::string>(), "双沟中心小学").is_ok());
  REQUIRE(receiver.sync().is_ok());
  REQUIRE(sender.sync().is_ok());
  REQUIRE(colleague.sync().is_ok());
  check_digests(county, {&sender, &colleague, &receiver});

  // A new station of the receiving township starts from a snapshot that carries the file's history, and an older
  // station (one that does not take such a history in a snapshot) is told to replay the log instead.
  TestStation fresh(dir, "d", kShuanggou, county);
  auto first = fresh.sync();
  REQUIRE(first.is_ok());
  CHECK(first->snapshot_pages > 0);
  TestStation replaying(dir, "e", kShuanggou, county);
  replaying.snapshot = false;
  REQUIRE(replaying.sync().is_ok());
  check_digests(county, {&fresh, &replaying});
  sync::ServiceRequest old_style;
  old_style.method = "GET";
  old_style.path = "/v1/sync/snapshot";
  old_style.station_id = replaying.station->station_id();
  old_style.authorization = "Bearer " + replaying.token;
  old_style.query = {{"township", kShuanggou}, {"schema", std::to_string(schema::latest_version())},
                     {"children", "10"}};
  CHECK(county.service->handle(old_style).status == 409);
}

TEST_CASE("Transfer: authority comes from the credentials only", "[sync][transfer][security]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation sender(dir, "a", kWangji, county);
  TestStation receiver(dir, "c", kShuanggou, county);
  const std::string child = sender.add_child("张小明", make_id_number("20140315", 12), kWangjiVillage);
  REQUIRE(sender.sync().is_ok());
  REQUIRE(receiver.sync().is_ok());

  SECTION("a director may not transfer, on the station or by a forged event") {
    REQUIRE(sender.station->add_user({"王强", Role::Director, {kWangjiVillage}}));
    REQUIRE(sender.station->act_as("王强"));
    CHECK(transfer_child(*sender.station, child, kShuanggouVillage, "迁居").code() == Code::Refused);
    CHECK(set_id_number(*sender.station, child, make_id_number("20140315", 14), "录错").status().code() ==
          Code::Refused);
    TestStation director(dir, "d", kWangji, county);
    director.token = county.user_token("王强", Role::Director, kWangji, {kWangjiVillage});
    REQUIRE(director.sync().is_ok());
    auto result = push_event(county, director.token, director.station->station_id(),
                             transfer_event(county, director.station->station_id(), child, "王强", "director", kWangji,
                                            kWangjiVillage, kShuanggouVillage));
    CHECK(result["status"] == "rejected");
    CHECK(result["message"]["code"] == "transfer.needs_supervisor");
  }
  SECTION("a station token may transfer only out of its own township") {
    auto result = push_event(county, receiver.token, receiver.station->station_id(),
                             transfer_event(county, receiver.station->station_id(), child, "督导c", "supervisor",
                                            kWangji, kWangjiVillage, kShuanggouVillage));
    CHECK(result["status"] == "rejected");
  }
  SECTION("a transfer must name the file's own township and go to another township of the county") {
    for (const auto& [from_township, to_village] :
         {std::pair{std::string(kShuanggou), std::string("320324103202")},
          std::pair{std::string(kWangji), std::string("320324102202")},
          std::pair{std::string(kWangji), std::string("320311103201")}}) {
      county.clock.advance_ms(10);
      json event = transfer_event(county, sender.station->station_id(), child, "督导a", "supervisor", kWangji,
                                  kWangjiVillage, to_village);
      event["payload"]["from_township"] = from_township;
      auto result = push_event(county, sender.token, sender.station->station_id(), event);
      CHECK(result["status"] == "rejected");
      CHECK(result["message"]["code"] == "transfer.destination");
    }
  }
  CHECK(server_text(county, "SELECT township FROM children") == kWangji);
}

TEST_CASE("Transfer: a second transfer of a file already gone is refused, a transfer back returns the file",
          "[sync][transfer]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation sender(dir, "a", kWangji, county);
  TestStation colleague(dir, "b", kWangji, county);
  TestStation receiver(dir, "c", kShuanggou, county);
  const std::string child = sender.add_child("张小明", make_id_number("20140315", 12), kWangjiVillage);
  for (TestStation* s : {&sender, &colleague, &receiver}) REQUIRE(s->sync().is_ok());
  REQUIRE(transfer_child(*sender.station, child, kShuanggouVillage, "迁居").is_ok());
  REQUIRE(transfer_child(*colleague.station, child, "320324103202", "也迁居").is_ok());
  REQUIRE(sender.sync().is_ok());
  auto second = colleague.sync();
  REQUIRE(second.is_ok());
  CHECK(second->rejected == 1);
  REQUIRE(colleague.sync().is_ok());
  CHECK(server_text(county, "SELECT village FROM children") == kShuanggouVillage);
  REQUIRE(receiver.sync().is_ok());
  county.clock.advance_ms(60'000);
  receiver.clock.set(county.clock.now_ms());
  REQUIRE(transfer_child(*receiver.station, child, "320324102203", "回迁").is_ok());
  REQUIRE(receiver.sync().is_ok());
  REQUIRE(sender.sync().is_ok());
  CHECK(listed(*sender.station, child));
  CHECK(read_profile(sender.station->db(), "child", child, {"village"})["village"] == "320324102203");
  sender.edit(child, "school", "王集中心小学");
  REQUIRE(sender.sync().is_ok());
  REQUIRE(colleague.sync().is_ok());
  REQUIRE(receiver.sync().is_ok());
  // (The colleague still holds its own refused transfer event, as a station keeps every event the server rejected,
  // listed in `sync status`; so its copy of the file differs by that event.)
  CHECK(count(*colleague.station, "SELECT count(*) FROM rejected_changes") == 1);
  CHECK(read_profile(colleague.station->db(), "child", child, {"village"})["village"] == "320324102203");
  check_digests(county, {&sender, &receiver});
}

TEST_CASE("Transfer: a move between villages of one township is the supervisor's edit", "[sync][transfer]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  const std::string child = a.add_child("张小明", make_id_number("20140315", 12), kWangjiVillage);
  REQUIRE(a.sync().is_ok());
  CHECK(transfer_child(*a.station, child, "320324102202", "搬家").code() == Code::InvalidInput);
  a.edit(child, "village", "320324102202");
  REQUIRE(a.station->add_user({"王强", Role::Director, {"320324102202"}}));
  REQUIRE(a.station->act_as("王强"));
  // A director may move a child only between their own villages.
  CHECK(edit_child(*a.station, child, {{"village", kWangjiVillage}}).code() == Code::Refused);
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  CHECK(b.field(child, "village") == "320324102202");
  CHECK(server_text(county, "SELECT village FROM children") == "320324102202");
  check_digests(county, {&a, &b});
}

TEST_CASE("Transfer: a child who leaves the county closes the file as moved out, with the destination",
          "[sync][transfer]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  const std::string child = a.add_child("张小明", make_id_number("20140315", 12), kWangjiVillage);
  CHECK(move_out_of_county(*a.station, child, "", "随父母迁居").code() == Code::InvalidInput);
  REQUIRE(move_out_of_county(*a.station, child, "安徽省合肥市蜀山区", "随父母迁居").is_ok());
  CHECK_FALSE(listed(*a.station, child));
  auto shown = show_child(*a.station, child, false);
  REQUIRE(shown.is_ok());
  CHECK(shown.value()["status"] == "closed");
  CHECK(shown.value()["moved_out"]["destination"] == "安徽省合肥市蜀山区");
  CHECK(transfer_child(*a.station, child, kShuanggouVillage, "再转").code() == Code::Refused);
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  CHECK(server_text(county, "SELECT status FROM children") == "closed");
  CHECK(b.field(child, "status") == "closed");
  // The closing reason is the code (shown as 迁出本县), not the person's words, which stay in the event.
  CHECK(a.field(child, "closed_reason") == "moved_out_of_county");
  CHECK(b.field(child, "closed_reason") == "moved_out_of_county");
  CHECK(server_text(county, "SELECT closed_reason FROM children") == "moved_out_of_county");
  check_digests(county, {&a, &b});
}

TEST_CASE("ID number: corrected by a supervisor, re-derived, findable by the old number, checked for duplicates",
          "[sync][set-id]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  TestStation c(dir, "c", kShuanggou, county);
  const std::string mistyped = make_id_number("20140315", 12);  // 17th digit 2: a girl, as is the right number
  const std::string child = a.add_child("张小明", mistyped, kWangjiVillage);
  const std::string other = a.add_child("李华", make_id_number("20150101", 20), kWangjiVillage);

  // Validated like a new number, refused if another file here holds it, needs a reason.
  CHECK(set_id_number(*a.station, child, "32032420140316012", "录错").status().code() == Code::InvalidInput);
  CHECK(set_id_number(*a.station, child, make_id_number("20150101", 20), "录错").status().code() == Code::Refused);
  CHECK(set_id_number(*a.station, child, make_id_number("20140316", 12), "").status().code() == Code::InvalidInput);
  CHECK(set_id_number(*a.station, child, make_id_number("20000101", 12), "录错").status().code() ==
        Code::InvalidInput);  // 26 years old on the test date: not a child

  // The right number: the date of birth it gives differs from the file, and the person is told.
  const std::string right = make_id_number("20140316", 12);
  auto corrected = set_id_number(*a.station, child, right, "身份证号录入错误");
  REQUIRE(corrected.is_ok());
  REQUIRE(corrected->notices.size() == 1);
  CHECK(corrected->notices[0].find("2014-03-16") != std::string::npos);
  auto profile = read_profile(a.station->db(), "child", child, {"id_number", "birth_date"});
  CHECK(profile["id_number"] == right);
  CHECK(profile["birth_date"] == "2014-03-16");
  auto by_old = resolve_child(*a.station, mistyped);
  REQUIRE(by_old.is_ok());
  CHECK(by_old.value() == child);
  auto shown = show_child(*a.station, child, true);
  REQUIRE(shown.is_ok());
  CHECK(shown.value()["previous_id_numbers"] == json::array({mistyped}));

  // It syncs; at the county, a file of another township holding the new number makes a duplicate candidate.
  c.add_child("张晓明", right, kShuanggouVillage);
  REQUIRE(c.sync().is_ok());
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  CHECK(b.field(child, "id_number") == right);
  CHECK(b.field(child, "birth_date") == "2014-03-16");
  CHECK(server_text(county, fmt::format("SELECT id_number FROM children WHERE id = '{}'", child)) == right);
  CHECK(server_count(county, "SELECT count(*) FROM duplicate_candidates") == 1);
  REQUIRE(c.sync().is_ok());
  CHECK(sync::list_duplicates(*c.station).size() == 1);
  CHECK(sync::list_duplicates(*a.station).size() == 1);
  (void)other;
  check_digests(county, {&a, &b, &c});
}

TEST_CASE("ID number: a child without household registration is given its number, the temporary key stays",
          "[sync][set-id]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  a.clock.set(county.clock.now_ms());
  NewChild unregistered;
  unregistered.fields = {{"village", kWangjiVillage}, {"name", "小草"}, {"hukou_status", "unregistered"},
                         {"sex", "女"}, {"birth_date", "2016-05-01"}};
  auto added = add_child(*a.station, unregistered);
  REQUIRE(added.is_ok());
  const std::string child = added->id;
  const std::string temp_key = read_profile(a.station->db(), "child", child, {"temp_key"})["temp_key"];
  REQUIRE(a.sync().is_ok());
  // Registered now: the number says male and another birthday than what was typed; both are shown.
  const std::string number = make_id_number("20160502", 13);
  auto given = set_id_number(*a.station, child, number, "已办理户籍登记");
  REQUIRE(given.is_ok());
  CHECK(given->notices.size() == 2);
  auto profile = read_profile(a.station->db(), "child", child, {"hukou_status", "sex", "temp_key"});
  CHECK(profile["hukou_status"] == "registered");
  CHECK(profile["sex"] == "male");
  CHECK(profile["temp_key"] == temp_key);
  auto by_key = resolve_child(*a.station, temp_key);
  REQUIRE(by_key.is_ok());
  CHECK(by_key.value() == child);
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  CHECK(b.field(child, "id_number") == number);
  CHECK(b.field(child, "hukou_status") == "registered");
  check_digests(county, {&a, &b});
}

TEST_CASE("Bug: a file closed before its first sync showed open again after it", "[sync][transfer]") {
  // The answer to the push of the file's creation carried the status it was created with ("open", version 1), which
  // the station took over the closing its own event had made; the child-file projection now settles the status
  // from the latest closing or reopening whenever a profile is written.
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  const std::string child = a.add_child("张小明", make_id_number("20140315", 12), kWangjiVillage);
  REQUIRE(close_child(*a.station, child, "误登记", "同一儿童重复登记").is_ok());
  REQUIRE(a.sync().is_ok());
  CHECK(a.field(child, "status") == "closed");
  CHECK(server_text(county, "SELECT status FROM children") == "closed");
  check_digests(county, {&a});
}
