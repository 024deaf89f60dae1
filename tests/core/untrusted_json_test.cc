// JSON another machine sent (core/untrusted_json.h): nesting is limited before a tree is built, so a small
// document nested very deep cannot overflow the stack of the server or of a station (docs/security.md, finding 2).
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base/tuning.h"
#include "sync/station/tuning.h"
#include "core/base/untrusted_json.h"
#include "core/store/station.h"
#include "support/cli_harness.h"
#include "sync/protocol/protocol.h"
#include "sync/protocol/snapshot.h"
#include "sync/protocol/transport.h"
#include "sync/station/client.h"

using nlohmann::json;
using tongdang::parse_untrusted_json;
using tongdang::tuning::kMaxJsonDepth;

namespace {

std::string nested_arrays(int depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

std::string nested_objects(int depth) {
  std::string out;
  for (int i = 0; i < depth; ++i) out += R"({"a":)";
  return out + "1" + std::string(depth, '}');
}

// A server that answers every request 200 with the same body.
class HostileServer final : public tongdang::sync::Transport {
 public:
  explicit HostileServer(std::string body) : body_(std::move(body)) {}
  tongdang::sync::HttpReply send(const tongdang::sync::HttpCall&) override {
    ++calls;
    return {200, body_, "", false};
  }
  int calls = 0;

 private:
  std::string body_;
};

}  // namespace

TEST_CASE("Finding 2: untrusted JSON nested to the depth limit parses and one level deeper is refused",
          "[json][security]") {
  CHECK(tongdang::json_nesting_depth("1", kMaxJsonDepth) == 0);
  CHECK(tongdang::json_nesting_depth("[]", kMaxJsonDepth) == 1);
  CHECK(tongdang::json_nesting_depth(nested_arrays(kMaxJsonDepth), kMaxJsonDepth) == kMaxJsonDepth);

  auto at_limit = parse_untrusted_json(nested_arrays(kMaxJsonDepth), "body");
  REQUIRE(at_limit.is_ok());
  CHECK(at_limit->dump() == nested_arrays(kMaxJsonDepth));
  CHECK(parse_untrusted_json(nested_objects(kMaxJsonDepth), "body").is_ok());

  for (const std::string& deep : {nested_arrays(kMaxJsonDepth + 1), nested_objects(kMaxJsonDepth + 1),
                                  nested_arrays(100'000), std::string(100'000, '[')}) {
    auto refused = parse_untrusted_json(deep, "body");
    REQUIRE_FALSE(refused.is_ok());
    CHECK(refused.status().code() == tongdang::Code::InvalidInput);
    CHECK(refused.status().field() == "body");
    CHECK(refused.status().message().find(std::to_string(kMaxJsonDepth)) != std::string::npos);
  }

  // Brackets inside strings (escaped quotes too) are text, not nesting.
  const std::string in_strings = R"({"name":"[[[[{{{{\"[[[[","list":["]]]]"]})";
  CHECK(tongdang::json_nesting_depth(in_strings, kMaxJsonDepth) == 2);
  CHECK(parse_untrusted_json(std::string("[") + "\"" + std::string(1000, '[') + "\"]", "body").is_ok());

  auto malformed = parse_untrusted_json(R"({"changes": [)", "cursor");
  REQUIRE_FALSE(malformed.is_ok());
  CHECK(malformed.status().field() == "cursor");
}

TEST_CASE("Finding 2: a hostile server's answers nested 200,000 levels deep do not crash a station",
          "[json][security][sync]") {
  tongdang::test::ScratchDir dir;
  tongdang::ManualClock clock(1'764'316'800'000);
  auto created = tongdang::Station::create(dir.file("station.db"),
                                           {"320324102", "王集镇未保站", "督导", tongdang::Role::Supervisor, {}}, clock);
  REQUIRE(created.is_ok());
  auto station = std::move(created).value();

  const std::string deep = nested_arrays(200'000);
  HostileServer server(R"({"server_id":"s","server_hlc":"001764316800000-00000","features":)" + deep + "}");
  tongdang::sync::SyncOptions options;
  options.sleep = [](int) {};
  auto synced = tongdang::sync::run_sync(*station, server, options);
  CHECK_FALSE(synced.is_ok());  // a malformed answer: retried, then reported, and the station still stands
  CHECK(server.calls == tongdang::tuning::kRetryMaxAttempts);

  // A snapshot page whose header is nested that deep is malformed, like any other bad page.
  std::string header = R"({"tables":[],"x":)" + deep + "}";
  std::string page = "TDSNAP1\n";
  for (std::size_t size = header.size();; size >>= 7) {  // varint length
    page.push_back(static_cast<char>((size & 0x7F) | (size > 0x7F ? 0x80 : 0)));
    if (size <= 0x7F) break;
  }
  page += header;
  CHECK_FALSE(tongdang::sync::snapshot::decode_page(page).is_ok());
}
