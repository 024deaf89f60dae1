// Server safety (docs/security.md, findings 1, 5, 6 and 9): the server vouches for who wrote a change from the
// credentials alone, keeps each station's change ids to that station, groups duplicate files per ID number, and binds
// every station id to one token. Through the real binaries where the finding was seen through them: a station whose
// database was tampered with, and hostile requests sent as raw HTTP.
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base/hlc.h"
#include "core/base/ids.h"
#include "sync/server/tuning.h"
#include "core/db/sqlite.h"
#include "core/workflow/workflow.h"
#include "support/cli_harness.h"
#include "support/server_process.h"
#include "support/sync_fixture.h"
#include "sync/protocol/protocol.h"
#include "sync/station/status.h"

using nlohmann::json;
using tongdang::test::issue_token;
using tongdang::test::RawRequest;
using tongdang::test::ScratchDir;
using tongdang::test::send_raw;
using tongdang::test::server_cli;
using tongdang::test::ServerProcess;
using tongdang::test::Tongdang;

namespace {

constexpr const char* kTownship = "320324102";
constexpr const char* kVillage = "320324102203";

// A station database as a test (or an attacker with the file) reads and edits it.
std::int64_t count_rows(const std::string& path, const std::string& sql) {
  tongdang::db::Database db(path, tongdang::db::Database::Mode::ReadWrite);
  auto query = db.prepare(sql);
  REQUIRE(query.step());
  return query.get_int(0);
}

void exec(const std::string& path, const std::string& sql) {
  tongdang::db::Database db(path, tongdang::db::Database::Mode::ReadWrite);
  db.exec(sql);
}

std::string server_colour(const ScratchDir& dir, const std::string& child) {
  auto shown = server_cli(dir, {"--json", "show", "--township", kTownship});
  REQUIRE(shown.exit_code == 0);
  const json overview = json::parse(shown.out);
  for (const auto& c : overview["children"])
    if (c["id"] == child) return c["colour"].is_string() ? c["colour"].get<std::string>() : "";
  FAIL("the server has no file " << child << ": " << shown.out);
  return "";
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A county server with a station token for 王集镇, a director's personal token, and a station that registered a
// child and graded it red, synced.
struct RedChildCounty {
  RedChildCounty() : supervisor(dir), director_station([this](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", dir.file("director.db")});
    return supervisor(args);
  }) {
    REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
    station_token = issue_token(dir, {"station", "add", "--township", kTownship});
    director_token = issue_token(dir, {"user", "add", "王强", "--role", "director", "--township", kTownship,
                                       "--villages", kVillage});
    server = std::make_unique<ServerProcess>(dir, std::vector<std::string>{"--listen", "127.0.0.1:0", "--insecure"});
    url = "http://127.0.0.1:" + std::to_string(server->port);
    REQUIRE(supervisor({"init", "--township", kTownship, "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
    REQUIRE(supervisor.login().exit_code == 0);  // the supervisor's commands use a session (cli_harness.h)
    auto added = supervisor({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X",
                             "--village", kVillage, "--category", "LEFT_BEHIND"});
    REQUIRE(added.exit_code == 0);
    child = json::parse(added.out)["id"];
    REQUIRE(supervisor({"colour", "raise", child, "--to", "red", "--reason", "无人监护"}).exit_code == 0);
    REQUIRE(supervisor({"sync", "--server", url, "--token", station_token}).exit_code == 0);
    REQUIRE(server_colour(dir, child) == "red");
    write_file(dir.file("clear.json"), "{}");  // an assessment with no answers: score 0, no trigger: green
  }

  ScratchDir dir;
  Tongdang supervisor;
  std::function<tongdang::test::RunResult(std::vector<std::string>)> director_station;
  std::string station_token, director_token, url, child;
  std::unique_ptr<ServerProcess> server;
};

json rejected_of(const std::function<tongdang::test::RunResult(std::vector<std::string>)>& station) {
  auto status = station({"--json", "sync", "status"});
  REQUIRE(status.exit_code == 0);
  return json::parse(status.out);
}

}  // namespace

TEST_CASE("Finding 1: a director cannot lower a red child by an event that claims the county's role",
          "[sync][cli][security]") {
  RedChildCounty county;
  auto& director = county.director_station;
  REQUIRE(director({"init", "--township", kTownship, "--name", "王强的电脑", "--user", "王强", "--role", "director",
                    "--villages", kVillage}).exit_code == 0);
  REQUIRE(director({"sync", "--server", county.url, "--token", county.director_token}).exit_code == 0);
  // The director's clear reassessment is a proposal: it opens a review and the child stays red.
  REQUIRE(director({"assess", county.child, "--answers", county.dir.file("clear.json")}).exit_code == 0);
  REQUIRE(count_rows(county.dir.file("director.db"), "SELECT count(*) FROM outbox WHERE op = 'event'") == 1);
  // The attacker edits the event in the queue: its author is now "the county" (the change still says director,
  // which the token allows).
  exec(county.dir.file("director.db"),
       "UPDATE outbox SET fields = json_set(fields, '$.actor_role', 'county') WHERE op = 'event'");
  auto synced = director({"--json", "sync"});
  INFO(synced.out << synced.err);
  REQUIRE(synced.exit_code == 0);

  CHECK(server_colour(county.dir, county.child) == "red");
  auto status = rejected_of(director);
  REQUIRE(status["rejected"].size() == 1);
  CHECK(status["rejected"][0]["reason"].get<std::string>().find("角色") != std::string::npos);
  // Kept and attributed on the server too.
  CHECK(count_rows(county.dir.file("central.db"),
                   "SELECT count(*) FROM server_rejections WHERE principal = '王强' AND reason LIKE '%county%'") == 1);
}

// Bug (issue 12): `case-worker` refused a director but the case_worker field did not. A director's station now
// refuses the edit (cli_case_worker_test.cc); the server refuses it too, from a station whose queue was edited.
TEST_CASE("Bug: a director could set case_worker through child edit (the server refuses the field)",
          "[sync][cli][security][bug]") {
  RedChildCounty county;
  auto& director = county.director_station;
  REQUIRE(director({"init", "--township", kTownship, "--name", "王强的电脑", "--user", "王强", "--role", "director",
                    "--villages", kVillage}).exit_code == 0);
  REQUIRE(director({"sync", "--server", county.url, "--token", county.director_token}).exit_code == 0);
  REQUIRE(director({"child", "edit", county.child, "--set", "school=王集中心小学"}).exit_code == 0);
  exec(county.dir.file("director.db"),
       "UPDATE outbox SET fields = json_set(fields, '$.case_worker', '王强') WHERE op = 'update'");
  REQUIRE(director({"--json", "sync"}).exit_code == 0);
  auto status = rejected_of(director);
  REQUIRE(status["rejected"].size() == 1);
  CHECK(status["rejected"][0]["reason"].get<std::string>().find("case_worker") != std::string::npos);
  CHECK(count_rows(county.dir.file("central.db"),
                   "SELECT count(*) FROM server_rejections WHERE principal = '王强'") == 1);
}

TEST_CASE("Finding 1: a station token cannot lower a red child by an event that claims the county's role",
          "[sync][cli][security]") {
  RedChildCounty county;
  // The supervisor's own clear reassessment may not lower red either (only the county may, after one).
  REQUIRE(county.supervisor({"assess", county.child, "--answers", county.dir.file("clear.json")}).exit_code == 0);
  exec(county.supervisor.db(), "UPDATE outbox SET fields = json_set(fields, '$.actor_role', 'county') WHERE op = 'event'");
  REQUIRE(county.supervisor({"sync"}).exit_code == 0);
  CHECK(server_colour(county.dir, county.child) == "red");
  auto status = rejected_of([&](std::vector<std::string> args) { return county.supervisor(args); });
  REQUIRE(status["rejected"].size() == 1);
  CHECK(status["rejected"][0]["reason"].get<std::string>().find("角色") != std::string::npos);
}

TEST_CASE("Finding 1: a user token's changes carry its own user's name", "[sync][cli][security]") {
  RedChildCounty county;
  auto& director = county.director_station;
  REQUIRE(director({"init", "--township", kTownship, "--name", "王强的电脑", "--user", "王强", "--role", "director",
                    "--villages", kVillage}).exit_code == 0);
  REQUIRE(director({"sync", "--server", county.url, "--token", county.director_token}).exit_code == 0);
  REQUIRE(director({"child", "edit", county.child, "--set", "school=王集中心小学"}).exit_code == 0);
  exec(county.dir.file("director.db"), "UPDATE outbox SET actor = '赵敏'");
  REQUIRE(director({"sync"}).exit_code == 0);
  auto status = rejected_of(director);
  REQUIRE(status["rejected"].size() == 1);
  CHECK(status["rejected"][0]["reason"].get<std::string>().find("王强") != std::string::npos);
}

// In process: every claim an event makes about its author, station, stamp and child is compared with what the
// credentials vouch for; any difference rejects the change, and the honest change is applied.
TEST_CASE("Finding 1: an event's author, station, stamp and child must be the change's", "[sync][security]") {
  ScratchDir dir;
  tongdang::test::TestCounty county(dir, false);
  tongdang::test::TestStation station(dir, "a", kTownship, county);
  const std::string child = station.add_child("张小明", tongdang::test::make_id_number("20140315", 12));
  const std::string other_child = station.add_child("李小红", tongdang::test::make_id_number("20150101", 21));
  REQUIRE(station.sync().is_ok());
  // One visit, captured but not pushed: its outbox row is what an honest push sends.
  tongdang::NewVisit visit;
  visit.on = *tongdang::Date::parse("2026-11-28");
  visit.notes = "入户走访";
  REQUIRE(tongdang::add_visit(*station.station, child, visit).is_ok());
  auto query = station.station->db().prepare(
      "SELECT change_id, entity, entity_id, child_id, op, fields, hlc, actor, actor_role FROM outbox WHERE op = 'event'");
  REQUIRE(query.step());
  json honest = {{"change_id", query.get_text(0)}, {"entity", query.get_text(1)}, {"entity_id", query.get_text(2)},
                 {"child_id", query.get_text(3)},  {"op", query.get_text(4)},     {"event", json::parse(query.get_text(5))},
                 {"hlc", query.get_text(6)},       {"actor", query.get_text(7)},  {"actor_role", query.get_text(8)}};
  query.reset();

  auto push = [&](const json& change) {
    tongdang::sync::ServiceRequest request;
    request.method = "POST";
    request.path = std::string(tongdang::sync::kPushPath);
    request.authorization = "Bearer " + station.token;
    request.station_id = station.station->station_id();
    request.body = json{{"batch_id", tongdang::new_record_id(0)}, {"changes", json::array({change})}}.dump();
    auto response = county.service->handle(request);
    REQUIRE(response.status == 200);
    return json::parse(response.body)["results"][0];
  };
  auto forged = [&](const char* pointer, const json& value) {
    json change = honest;
    change["change_id"] = tongdang::new_record_id(0);
    change[json::json_pointer(pointer)] = value;
    return push(change);
  };
  for (auto [pointer, value] : std::vector<std::pair<const char*, json>>{
           {"/event/actor_role", "county"},
           {"/event/actor", "县未保中心"},
           {"/event/station_id", tongdang::new_record_id(0)},
           {"/event/hlc", tongdang::Hlc{999'999'999'999'999, 0}.to_string()},
           {"/event/child_id", other_child},
           {"/child_id", other_child}}) {
    INFO(pointer);
    auto result = forged(pointer, value);
    CHECK(result["status"] == "rejected");
  }
  CHECK(push(honest)["status"] == "applied");
}

TEST_CASE("Finding 5: another station's change id neither reveals its result nor blocks its change",
          "[sync][cli][security]") {
  ScratchDir dir;
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  const std::string token_a = issue_token(dir, {"station", "add", "--township", kTownship});
  const std::string token_x = issue_token(dir, {"station", "add", "--township", "320324103"});
  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--insecure"});
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port);
  Tongdang a(dir);
  REQUIRE(a({"init", "--township", kTownship, "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(a({"child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village", kVillage,
             "--category", "LEFT_BEHIND"}).exit_code == 0);
  auto outbox_ids = [&] {
    std::vector<std::string> ids;
    tongdang::db::Database db(a.db(), tongdang::db::Database::Mode::ReadWrite);
    auto query = db.prepare("SELECT change_id FROM outbox ORDER BY seq");
    while (query.step()) ids.push_back(query.get_text(0));
    return ids;
  };
  const std::string synced_change = outbox_ids().front();
  REQUIRE(a({"sync", "--server", url, "--token", token_a}).exit_code == 0);
  REQUIRE(a({"child", "add", "--name", "李小红", "--id-number", tongdang::test::make_id_number("20150101", 21),
             "--village", kVillage,
             "--category", "LEFT_BEHIND"}).exit_code == 0);
  const std::string queued_change = outbox_ids().front();

  // A station of another township says hello, then sends only change ids it has seen or guessed.
  const std::string station_x = tongdang::new_record_id(0);
  auto headers = std::vector<std::string>{"Authorization: Bearer " + token_x,
                                          "X-Tongdang-Station: " + station_x, "Content-Type: application/json"};
  auto hello = send_raw(url, {"POST", std::string(tongdang::sync::kHelloPath), headers,
                              json{{"protocol", tongdang::sync::kProtocolVersion}, {"station_id", station_x},
                                   {"township", "320324103"}, {"hlc", ""}}.dump()});
  REQUIRE(hello.status == 200);
  auto push = send_raw(url, {"POST", std::string(tongdang::sync::kPushPath), headers,
                             json{{"batch_id", tongdang::new_record_id(0)},
                                  {"changes", json::array({{{"change_id", synced_change}},
                                                           {{"change_id", queued_change}}})}}.dump()});
  REQUIRE(push.status == 200);
  CHECK(push.body.find("张小明") == std::string::npos);
  CHECK(push.body.find("20140315") == std::string::npos);
  auto results = json::parse(push.body)["results"];
  REQUIRE(results.size() == 2);
  CHECK(results[0]["status"] == "rejected");
  CHECK(results[1]["status"] == "rejected");

  // The real station's queued change is applied when it syncs, not answered with the intruder's rejection.
  auto synced = a({"--json", "sync"});
  REQUIRE(synced.exit_code == 0);
  CHECK(json::parse(synced.out)["rejected"] == 0);
  auto shown = json::parse(server_cli(dir, {"--json", "show", "--township", kTownship}).out);
  CHECK(shown["children"].size() == 2);
}

TEST_CASE("Finding 6: files sharing one ID number make one duplicate candidate, not one per pair",
          "[sync][security]") {
  ScratchDir dir;
  tongdang::test::TestCounty county(dir, false);
  tongdang::test::TestStation station(dir, "a", kTownship, county);
  const std::string id_number = tongdang::test::make_id_number("20140315", 12);
  station.add_child("张小明", id_number);
  REQUIRE(station.sync().is_ok());
  // The create as the station captured it, cloned as a hostile station would send it: 600 new files, one number.
  json create;
  {
    tongdang::test::TestStation probe(dir, "probe", kTownship, county);
    probe.add_child("张小明", id_number);
    auto query = probe.station->db().prepare(
        "SELECT change_id, entity, entity_id, child_id, op, fields, base, hlc, actor, actor_role FROM outbox"
        " WHERE entity = 'child'");
    REQUIRE(query.step());
    create = {{"entity", query.get_text(1)}, {"op", query.get_text(4)}, {"fields", json::parse(query.get_text(5))},
              {"base", json::parse(query.get_text(6))}, {"hlc", query.get_text(7)}, {"actor", query.get_text(8)},
              {"actor_role", query.get_text(9)}};
  }
  json changes = json::array();
  constexpr int kFiles = 600;
  for (int i = 0; i < kFiles; ++i) {
    json change = create;
    change["change_id"] = tongdang::new_record_id(0);
    change["entity_id"] = tongdang::new_record_id(0);
    change["child_id"] = change["entity_id"];
    changes.push_back(change);
  }
  tongdang::sync::ServiceRequest request;
  request.method = "POST";
  request.path = std::string(tongdang::sync::kPushPath);
  request.authorization = "Bearer " + station.token;
  request.station_id = station.station->station_id();
  request.body = json{{"batch_id", tongdang::new_record_id(0)}, {"changes", changes}}.dump();
  const auto started = std::chrono::steady_clock::now();
  auto response = county.service->handle(request);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE(response.status == 200);
  WARN("600 creates sharing one ID number: " << seconds << " s");

  tongdang::db::Database db(county.db_path, tongdang::db::Database::Mode::ReadWrite);
  auto one = [&](const std::string& sql) {
    auto query = db.prepare(sql);
    REQUIRE(query.step());
    return query.get_int(0);
  };
  CHECK(one("SELECT count(*) FROM duplicate_candidates") == 1);
  CHECK(one("SELECT json_extract(body, '$.file_count') FROM duplicate_candidates") == kFiles + 1);
  CHECK(one("SELECT json_array_length(body, '$.files') FROM duplicate_candidates") ==
        tongdang::tuning::kDuplicateGroupMaxFiles);
  // One op per file (all in one township), not one per pair.
  CHECK(one("SELECT count(*) FROM change_log WHERE json_extract(op, '$.type') = 'duplicate'") == kFiles);

  // The station learns of the group once it pulls: one record, with the count of files.
  REQUIRE(station.sync().is_ok());
  auto listed = tongdang::sync::list_duplicates(*station.station);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["file_count"] == kFiles + 1);
}

TEST_CASE("Finding 6: a third file with the same ID number joins the first two files' candidate", "[sync]") {
  ScratchDir dir;
  tongdang::test::TestCounty county(dir, false);
  tongdang::test::TestStation a(dir, "a", "320324102", county);
  tongdang::test::TestStation b(dir, "b", "320324103", county);
  tongdang::test::TestStation c(dir, "c", "320324104", county);
  const std::string id_number = tongdang::test::make_id_number("20140315", 12);
  a.add_child("张小明", id_number);
  REQUIRE(a.sync().is_ok());
  b.add_child("张小明", id_number);
  REQUIRE(b.sync().is_ok());
  c.add_child("张晓明", id_number);
  REQUIRE(c.sync().is_ok());
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  for (auto* station : {&a, &b, &c}) {
    auto listed = tongdang::sync::list_duplicates(*station->station);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["files"].size() == 3);
    CHECK(listed[0]["revision"] == 2);
    CHECK(listed[0]["id_number"].get<std::string>().find("20140315") == std::string::npos);  // masked
  }
}

TEST_CASE("Finding 9: a user token cannot act on a station bound to another token", "[sync][cli][security]") {
  ScratchDir dir;
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  const std::string station_token = issue_token(dir, {"station", "add", "--township", kTownship});
  const std::string director_token = issue_token(dir, {"user", "add", "王强", "--role", "director", "--township",
                                                       kTownship, "--villages", kVillage});
  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--insecure"});
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port);
  Tongdang a(dir);
  REQUIRE(a({"init", "--township", kTownship, "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(a({"sync", "--server", url, "--token", station_token}).exit_code == 0);
  std::string station_a;
  {
    tongdang::db::Database db(a.db(), tongdang::db::Database::Mode::ReadWrite);
    auto query = db.prepare("SELECT value FROM meta WHERE key = 'station_id'");
    REQUIRE(query.step());
    station_a = query.get_text(0);
  }
  auto token_of_station = [&] {
    return count_rows(dir.file("central.db"),
                      "SELECT token_id FROM server_stations WHERE station_id = '" + station_a + "'");
  };
  const std::int64_t bound_token = token_of_station();

  // The director names station A in the header, with a clock a day ahead.
  auto headers = std::vector<std::string>{"Authorization: Bearer " + director_token,
                                          "X-Tongdang-Station: " + station_a, "Content-Type: application/json"};
  const auto day_ahead = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count() + 86'400'000;
  auto hello = send_raw(url, {"POST", std::string(tongdang::sync::kHelloPath), headers,
                              json{{"protocol", tongdang::sync::kProtocolVersion}, {"station_id", station_a},
                                   {"township", kTownship}, {"hlc", tongdang::Hlc{day_ahead, 0}.to_string()}}.dump()});
  CHECK(hello.status == 403);
  auto push = send_raw(url, {"POST", std::string(tongdang::sync::kPushPath), headers,
                             json{{"batch_id", tongdang::new_record_id(0)}, {"changes", json::array()}}.dump()});
  CHECK(push.status == 403);
  auto pull = send_raw(url, {"GET", std::string(tongdang::sync::kPullPath), headers, ""});
  CHECK(pull.status == 403);

  CHECK(token_of_station() == bound_token);
  CHECK(count_rows(dir.file("central.db"),
                   "SELECT clock_ahead_ms FROM server_stations WHERE station_id = '" + station_a + "'") == 0);
  // The station itself still syncs.
  CHECK(a({"sync"}).exit_code == 0);
}
