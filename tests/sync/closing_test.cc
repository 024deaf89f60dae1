// A file closes itself when its last category ends at its age limit (issue 12, docs/domain.md "Closure"): every
// station of the township notices it on its own, offline too, and records the same file.close (one id, derived from
// the child and the end date); the server keeps one, checks the rule itself, and every station ends equal to it.
#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "core/base/ids.h"
#include "core/store/events.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"
#include "support/sync_fixture.h"

using namespace tongdang;
using namespace tongdang::test;
using nlohmann::json;

namespace {

constexpr const char* kWangji = "320324102";
constexpr const char* kWangjiVillage = "320324102201";
constexpr std::int64_t kDayMs = 86'400'000;

std::string status_of(TestStation& s, const std::string& child) {
  json fields = read_profile(s.station->db(), "child", child, {"status", "closed_reason", "closed_on"});
  std::string out = fields["status"].get<std::string>();
  if (fields["closed_reason"].is_string()) out += " " + fields["closed_reason"].get<std::string>();
  if (fields["closed_on"].is_string()) out += " " + fields["closed_on"].get<std::string>();
  return out;
}

std::vector<std::string> settle(TestStation& s) {
  s.clock.set(s.county.clock.now_ms() + s.offset_ms);
  auto closed = settle_aged_out(*s.station);
  INFO(closed.status().to_string());
  REQUIRE(closed.is_ok());
  return closed.value();
}

std::string add_child_with(TestStation& s, const std::string& name, const std::string& id_number,
                           std::vector<std::string> categories) {
  s.clock.set(s.county.clock.now_ms() + s.offset_ms);
  NewChild child;
  child.fields = {{"village", kWangjiVillage}, {"name", name}, {"id_number", id_number}};
  child.categories = std::move(categories);
  auto added = add_child(*s.station, child);
  INFO(added.status().to_string());
  REQUIRE(added.is_ok());
  return added->id;
}

void check_digests(TestCounty& county, std::initializer_list<TestStation*> stations) {
  for (TestStation* s : stations) {
    INFO("station " << s->station->name());
    CHECK(township_digest(s->station->db(), kWangji) == server_digest(county, kWangji));
  }
}

// One hand-made event pushed as the station holding `s.token` would push it.
json push_event(TestStation& s, const json& event) {
  TestCounty& county = s.county;
  json change = {{"change_id", new_record_id(county.clock.now_ms())}, {"entity", "event"},
                 {"entity_id", event["id"]}, {"child_id", event["child_id"]}, {"op", "event"},
                 {"hlc", event["hlc"]}, {"actor", event["actor"]}, {"actor_role", event["actor_role"]},
                 {"event", event}};
  sync::ServiceRequest request;
  request.method = "POST";
  request.path = "/v1/sync/push";
  request.station_id = s.station->station_id();
  request.authorization = "Bearer " + s.token;
  request.body = json{{"batch_id", new_record_id(county.clock.now_ms())}, {"changes", json::array({change})}}.dump();
  auto answered = county.service->handle(request);
  REQUIRE(answered.status == 200);
  return json::parse(answered.body)["results"][0];
}

json aged_out_close(TestStation& s, const std::string& child, const std::string& on) {
  return {{"id", aged_out_close_id(child, *Date::parse(on))}, {"child_id", child}, {"lead_id", nullptr},
          {"township", kWangji}, {"kind", "file.close"}, {"payload", {{"reason", "aged_out"}, {"automatic", true}}},
          {"occurred_on", on}, {"hlc", fmt::format("{:015}-00000", s.county.clock.now_ms())},
          {"actor", s.station->actor().name}, {"actor_role", "supervisor"},
          {"station_id", s.station->station_id()}, {"recorded_at", "2026-11-28T12:00:00+08:00"}};
}

}  // namespace

TEST_CASE("Closing: a file whose only category ends at its age limit closes itself on two stations, once on the server",
          "[sync][closing]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  // Registered on 2026-11-20, when both were 15: 留守 ends on the 16th birthday, 2026-11-27.
  county.clock.set(test_epoch_ms() - 8 * kDayMs);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  const std::string only_left_behind = add_child_with(a, "赵十六", make_id_number("20101127", 11), {"LEFT_BEHIND"});
  const std::string also_low_income =
      add_child_with(a, "钱十六", make_id_number("20101127", 12), {"LEFT_BEHIND", "LOW_INCOME"});
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  CHECK(settle(a).empty());  // 2026-11-20: nothing has ended
  CHECK(status_of(a, only_left_behind) == "open");

  // 2026-11-28, the day after the birthday: each station, offline, closes the file as aged out on the birthday.
  county.clock.set(test_epoch_ms());
  CHECK(settle(a) == std::vector<std::string>{only_left_behind});
  CHECK(settle(b) == std::vector<std::string>{only_left_behind});
  for (TestStation* s : {&a, &b}) {
    CHECK(status_of(*s, only_left_behind) == "closed aged_out 2026-11-27");
    CHECK(status_of(*s, also_low_income) == "open");  // 低保 runs to 18
  }
  CHECK(settle(a).empty());  // once a day is enough: nothing is recorded twice

  auto first = a.sync();
  REQUIRE(first.is_ok());
  CHECK(first->rejected == 0);
  auto second = b.sync();
  REQUIRE(second.is_ok());
  CHECK(second->rejected == 0);
  CHECK(second->duplicates == 1);  // b's close is a's: the same id
  REQUIRE(a.sync().is_ok());
  CHECK(server_count(county, fmt::format("SELECT count(*) FROM events WHERE kind = 'file.close' AND child_id = '{}'",
                                         only_left_behind)) == 1);
  CHECK(server_count(county, "SELECT count(*) FROM events WHERE kind = 'file.close'") == 1);
  CHECK(server_count(county, fmt::format("SELECT count(*) FROM children WHERE id = '{}' AND status = 'closed' AND "
                                         "closed_reason = 'aged_out'", only_left_behind)) == 1);
  check_digests(county, {&a, &b});  // b took a's copy of the close: its stamp, author and station

  // Reopened by the supervisor: the file stays open, on every station, for that end date.
  a.clock.set(county.clock.now_ms());
  REQUIRE(reopen_child(*a.station, only_left_behind, "仍需关注，待登记新类别").is_ok());
  CHECK(settle(a).empty());
  CHECK(status_of(a, only_left_behind) == "open");
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  CHECK(settle(b).empty());
  CHECK(status_of(b, only_left_behind) == "open");
  county.clock.advance_ms(kDayMs);
  CHECK(settle(a).empty());
  CHECK(settle(b).empty());
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  check_digests(county, {&a, &b});
}

TEST_CASE("Closing: the server checks an aged-out close by the rule, not by the station's word",
          "[sync][closing][security]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  county.clock.set(test_epoch_ms() - 8 * kDayMs);
  TestStation a(dir, "a", kWangji, county);
  const std::string ended = add_child_with(a, "赵十六", make_id_number("20101127", 11), {"LEFT_BEHIND"});
  const std::string running = add_child_with(a, "钱十六", make_id_number("20101127", 12), {"LEFT_BEHIND", "LOW_INCOME"});
  REQUIRE(a.sync().is_ok());
  county.clock.set(test_epoch_ms());
  a.clock.set(county.clock.now_ms());

  // The station refuses it first: 低保 still runs.
  Status refused = close_child(*a.station, running, "aged_out");
  CHECK(refused.code() == Code::Refused);
  CHECK(refused.message().find("超龄") != std::string::npos);

  // A forged close of the child whose 低保 runs to 18 is refused for good by the server.
  json forged = push_event(a, aged_out_close(a, running, "2026-11-27"));
  CHECK(forged["status"] == "rejected");
  CHECK(forged["message"]["code"] == "close.not_aged_out");
  // So is a close dated before the category ended, and one dated in days to come.
  county.clock.set(test_epoch_ms() - 3 * kDayMs);
  json early = push_event(a, aged_out_close(a, ended, "2026-11-25"));
  CHECK(early["status"] == "rejected");
  CHECK(early["message"]["code"] == "close.not_aged_out");
  json ahead = push_event(a, aged_out_close(a, ended, "2026-11-28"));
  CHECK(ahead["status"] == "rejected");
  county.clock.set(test_epoch_ms());
  CHECK(server_count(county, "SELECT count(*) FROM events WHERE kind = 'file.close'") == 0);

  // The true one is applied.
  json true_close = push_event(a, aged_out_close(a, ended, "2026-11-27"));
  CHECK(true_close["status"] == "applied");
  CHECK(server_count(county, "SELECT count(*) FROM children WHERE status = 'closed'") == 1);
}

TEST_CASE("Closing: a category ended by a person, or a director's other villages, close nothing by themselves",
          "[sync][closing]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  county.clock.set(test_epoch_ms() - 8 * kDayMs);
  TestStation a(dir, "a", kWangji, county);
  const std::string ended_by_hand = add_child_with(a, "孙小梅", make_id_number("20140301", 13), {"LEFT_BEHIND"});
  const std::string aged = add_child_with(a, "赵十六", make_id_number("20101127", 11), {"LEFT_BEHIND"});
  county.clock.set(test_epoch_ms() - 3 * kDayMs);
  a.clock.set(county.clock.now_ms());
  REQUIRE(end_membership(*a.station, ended_by_hand, "LEFT_BEHIND", std::nullopt, "父母返乡").is_ok());
  REQUIRE(a.station->add_user(User{"李主任", Role::Director, {"320324102202"}}).is_ok());
  county.clock.set(test_epoch_ms());

  // The director of another village settles only their own villages: nothing here.
  REQUIRE(a.station->act_as("李主任").is_ok());
  CHECK(settle(a).empty());
  CHECK(status_of(a, aged) == "open");
  REQUIRE(a.station->act_as("督导a").is_ok());
  CHECK(settle(a) == std::vector<std::string>{aged});
  CHECK(status_of(a, ended_by_hand) == "open");  // no category left, but a person ended it: a person closes it
}

TEST_CASE("Closing: a station that closed a file another station had given a new category takes the close back",
          "[sync][closing]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  county.clock.set(test_epoch_ms() - 8 * kDayMs);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  const std::string child = add_child_with(a, "赵十六", make_id_number("20101127", 11), {"LEFT_BEHIND"});
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  // Before the birthday, b registers 低保 (to 18); a, offline, does not know of it.
  b.clock.set(county.clock.now_ms());
  REQUIRE(add_membership(*b.station, child, "LOW_INCOME", std::nullopt, "家庭纳入低保").is_ok());
  REQUIRE(b.sync().is_ok());

  county.clock.set(test_epoch_ms());
  CHECK(settle(a) == std::vector<std::string>{child});
  auto pushed = a.sync();
  REQUIRE(pushed.is_ok());
  CHECK(pushed->rejected == 1);  // by the server's memberships, 低保 still runs
  CHECK(status_of(a, child) == "open");
  CHECK(settle(a).empty());
  REQUIRE(b.sync().is_ok());
  CHECK(server_count(county, "SELECT count(*) FROM events WHERE kind = 'file.close'") == 0);
  check_digests(county, {&a, &b});
}

TEST_CASE("Closing: a reopen stands although the copy of the close the server kept carries a later stamp",
          "[sync][closing]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  county.clock.set(test_epoch_ms() - 8 * kDayMs);
  TestStation a(dir, "a", kWangji, county);
  // b's clock runs two hours ahead: its copy of the automatic close is stamped after a's reopen.
  TestStation b(dir, "b", kWangji, county, 2 * 3'600'000);
  const std::string child = add_child_with(a, "赵十六", make_id_number("20101127", 11), {"LEFT_BEHIND"});
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());

  county.clock.set(test_epoch_ms());
  CHECK(settle(a) == std::vector<std::string>{child});
  county.clock.advance_ms(60'000);
  a.clock.set(county.clock.now_ms());
  REQUIRE(reopen_child(*a.station, child, "仍需关注，待登记新类别").is_ok());  // offline, a minute after its close
  CHECK(status_of(a, child) == "open");
  CHECK(settle(b) == std::vector<std::string>{child});  // b, offline too, closes it two hours "later"

  // b pushes first: the server keeps b's copy of the close. Then a's close is a duplicate and its reopen arrives.
  REQUIRE(b.sync().is_ok());
  auto pushed = a.sync();
  REQUIRE(pushed.is_ok());
  CHECK(pushed->rejected == 0);
  REQUIRE(b.sync().is_ok());
  REQUIRE(a.sync().is_ok());
  // The reopen names the close it undoes, so the file is open everywhere, whatever the stamps' order.
  CHECK(server_count(county, fmt::format("SELECT count(*) FROM children WHERE id = '{}' AND status = 'open'", child)) == 1);
  CHECK(status_of(a, child) == "open");
  CHECK(status_of(b, child) == "open");
  check_digests(county, {&a, &b});
  // Closed again by hand later: a new close, which the old reopen does not name.
  county.clock.advance_ms(kDayMs);
  b.clock.set(county.clock.now_ms() + b.offset_ms);
  REQUIRE(close_child(*b.station, child, "death").is_ok());
  REQUIRE(b.sync().is_ok());
  REQUIRE(a.sync().is_ok());
  CHECK(status_of(a, child) == "closed death " + b.station->clock().today().to_string());
  check_digests(county, {&a, &b});
}
