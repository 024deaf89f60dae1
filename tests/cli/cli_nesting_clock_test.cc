// A hostile station against the real `tongdang-server` (docs/security.md): requests no honest station sends, over
// loopback HTTP, with a valid token and a bound station. The server must answer each with an error and keep serving.
#include <chrono>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base/hlc.h"
#include "support/cli_harness.h"
#include "support/server_process.h"
#include "sync/protocol/protocol.h"

using nlohmann::json;
using tongdang::test::ScratchDir;
using tongdang::test::ServerProcess;

namespace {

constexpr const char* kTownship = "320324102";
constexpr const char* kStationId = "0b7e4c1e-5f6a-4d2b-9c3d-1a2b3c4d5e6f";

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A county with one station token, served on loopback; the token is bound to kStationId by a first hello.
struct HostileStation {
  HostileStation() {
    REQUIRE(tongdang::test::server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
    token = tongdang::test::issue_token(dir, {"station", "add", "--township", kTownship});
    server.emplace(dir, std::vector<std::string>{"--listen", "127.0.0.1:0", "--insecure"});
  }

  // POSTs `body` (gzip'd when asked); the status (0 when no answer came) and the answer's JSON.
  std::pair<int, json> post(std::string_view path, const std::string& body, bool gzip = false) {
    tongdang::test::RawRequest request;
    request.path = std::string(path);
    request.headers = {"Authorization: Bearer " + token, std::string(tongdang::sync::kStationHeader) + ": " + kStationId,
                       "Content-Type: application/json"};
    if (gzip) request.headers.push_back("Content-Encoding: gzip");
    request.body = gzip ? tongdang::sync::gzip_compress(body) : body;
    auto reply = tongdang::test::send_raw("http://127.0.0.1:" + std::to_string(server->port), request, "", 30'000);
    return {reply.status, json::parse(reply.body, nullptr, false)};
  }

  std::pair<int, json> hello(const std::string& hlc) {
    json body = {{"protocol", tongdang::sync::kProtocolVersion}, {"station_id", kStationId}, {"township", kTownship},
                 {"app_version", "0.1.0"}, {"hlc", hlc}};
    return post(tongdang::sync::kHelloPath, body.dump());
  }

  ScratchDir dir;
  std::string token;
  std::optional<ServerProcess> server;
};

}  // namespace

TEST_CASE("Finding 2: a 300-byte gzip'd push nested 100,000 arrays deep answers 400 and the server keeps serving",
          "[sync][cli][security]") {
  HostileStation station;
  REQUIRE(station.hello("").first == 200);  // binds the token to the station

  std::string nested = std::string(100'000, '[') + std::string(100'000, ']');
  const std::string body = R"({"batch_id":"b","station_id":")" + std::string(kStationId) + R"(","changes":[)" +
                           nested + "]}";
  CHECK(tongdang::sync::gzip_compress(body).size() < 400);  // about 300 bytes: the attack costs nothing
  auto [status, answer] = station.post(tongdang::sync::kPushPath, body, /*gzip=*/true);
  CHECK(status == 400);
  CHECK(answer.value("error", "") == "invalid");
  CHECK(station.server->alive());

  // Nested objects are refused the same way, in a hello as in a push.
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(100'000, '}');
  CHECK(station.post(tongdang::sync::kHelloPath, objects, /*gzip=*/true).first == 400);
  CHECK(station.server->alive());

  auto after = station.hello("");
  CHECK(after.first == 200);
  CHECK(after.second.contains("server_hlc"));
  CHECK(station.server->stop() == 0);
}

TEST_CASE("Finding 8: a hello with counter 99999 then a push never moves the server's clock backwards",
          "[sync][cli][security]") {
  HostileStation station;
  // A station a minute ahead (within the tolerated skew, so its stamp is received, not re-stamped) whose counter
  // is at its last value: the server's next stamp must still be a stamp.
  const tongdang::Hlc ahead{wall_clock_ms() + 60'000, 99'999};
  auto first = station.hello(ahead.to_string());
  REQUIRE(first.first == 200);
  const std::string first_text = first.second.value("server_hlc", "");
  auto first_hlc = tongdang::Hlc::parse(first_text);
  INFO(first_text);
  REQUIRE(first_hlc);
  CHECK(*first_hlc > ahead);

  json push = {{"batch_id", "b"}, {"station_id", kStationId}, {"changes", json::array()}};
  auto pushed = station.post(tongdang::sync::kPushPath, push.dump());
  REQUIRE(pushed.first == 200);
  const std::string pushed_text = pushed.second.value("server_hlc", "");
  INFO(pushed_text);
  auto pushed_hlc = tongdang::Hlc::parse(pushed_text);
  REQUIRE(pushed_hlc);
  CHECK(*pushed_hlc >= *first_hlc);
  CHECK(pushed_text >= first_text);  // the text order is the value order

  auto again = station.hello("");
  REQUIRE(again.first == 200);
  auto again_hlc = tongdang::Hlc::parse(again.second.value("server_hlc", ""));
  REQUIRE(again_hlc);
  CHECK(*again_hlc > *pushed_hlc);

  // A negative stamp is not a stamp: a change carrying one is rejected, and the clock still only moves forward.
  json change = {{"change_id", "c1"}, {"entity", "event"}, {"entity_id", "e1"}, {"op", "event"},
                 {"hlc", "-00000000000001-00000"}, {"actor", "x"}, {"actor_role", "supervisor"},
                 {"event", json::object()}};
  push["changes"] = json::array({change});
  auto negative = station.post(tongdang::sync::kPushPath, push.dump());
  REQUIRE(negative.first == 200);
  REQUIRE(negative.second["results"].size() == 1);
  CHECK(negative.second["results"][0].value("status", "") == "rejected");
  CHECK(negative.second["results"][0].value("reason", "").find("hlc") != std::string::npos);
  auto last = tongdang::Hlc::parse(negative.second.value("server_hlc", ""));
  REQUIRE(last);
  CHECK(*last >= *again_hlc);
  CHECK(station.server->stop() == 0);
}
