#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/untrusted_json.h"
#include "sync/protocol/protocol.h"
#include "sync/protocol/tokens.h"
#include "sync/server/token_issue.h"
#include "sync/server/sqlite/sqlite_central_store.h"

namespace tongdang::fuzz {

void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property broken: %s\n", what);
  std::abort();
}

std::map<std::string, std::string> query_of(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const std::size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    const std::size_t eq = pair.find('=');
    out[std::string(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

namespace {

// Made before the county and the station that live in it, so destroyed after them: the databases are closed
// before the directory goes.
struct ScratchDirectory {
  ScratchDirectory() : path((std::filesystem::temp_directory_path() / "tongdang-fuzz-XXXXXX").string()) {
    require(mkdtemp(path.data()) != nullptr, "cannot make a scratch directory");
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string path;
};

}  // namespace

const std::string& scratch_dir() {
  static const ScratchDirectory directory;
  return directory.path;
}

FuzzCounty& FuzzCounty::get() {
  static FuzzCounty county;
  return county;
}

FuzzCounty::FuzzCounty() : clock_(midnight_cst_ms(Date(2026, 11, 28)) + 12 * 3600 * 1000) {
  auto created = sync::create_sqlite_store(scratch_dir() + "/central.db", kCounty, "睢宁县未保中心", clock_.now_iso());
  require(created.is_ok(), "cannot create the central store");
  store_ = std::move(created).value();
  server_id_ = store_->identity().server_id;
  service_ = std::make_unique<sync::SyncService>(*store_, clock_, [](const std::string&) {});
  token_ = sync::tokens::generate();
  require(store_->add_token({sync::TokenKind::Station, "station " + std::string(kTownship), Role::Supervisor,
                             kTownship, {}},
                            sync::tokens::hash(token_), clock_.now_iso())
              .is_ok(),
          "cannot issue a station token");
  nlohmann::json hello = {{"protocol", sync::kProtocolVersion}, {"station_id", kStationId}, {"township", kTownship},
                          {"app_version", "0.1.0"}, {"hlc", ""}};
  require(send("POST", sync::kHelloPath, hello.dump()).status == 200, "the first hello must bind the station");
  // The push seeds (real pages of a station's outbox; not the inputs kept from crashes) are applied first, so pulls, snapshots and later pushes meet
  // a township with children, relatives and events rather than an empty store.
  std::vector<std::filesystem::path> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(TONGDANG_FUZZ_CORPUS "/push"))
    if (entry.path().filename().string().rfind("crash-", 0) != 0) seeds.push_back(entry);  // crashes are not pages
  std::sort(seeds.begin(), seeds.end());
  for (const auto& seed : seeds) {
    std::ifstream in(seed, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    require(send("POST", sync::kPushPath, body).status == 200, "a push seed was not accepted");
  }
}

sync::ServiceResponse FuzzCounty::send(std::string method, std::string_view path, std::string body,
                                       std::map<std::string, std::string> query) {
  sync::ServiceRequest request;
  request.method = std::move(method);
  request.path = std::string(path);
  request.authorization = "Bearer " + token_;
  request.station_id = kStationId;
  request.query = std::move(query);
  request.body = std::move(body);
  request.remote = "127.0.0.1";
  clock_.advance_ms(1);  // time moves on between requests, as on a real server
  return service_->handle(request);
}

std::map<std::string, std::string> FuzzCounty::own_server(std::map<std::string, std::string> query) const {
  if (auto it = query.find("cursor"); it != query.end()) {
    auto cursor = sync::Cursor::decode(it->second);
    if (cursor && cursor->server_id == kSeedServerId) {
      sync::Cursor mine = cursor.value();
      mine.server_id = server_id_;
      it->second = mine.encode();
    }
  }
  if (auto it = query.find("position"); it != query.end()) {
    auto position = sync::SnapshotPosition::decode(it->second);
    if (position && position->server_id == kSeedServerId) {
      sync::SnapshotPosition mine = position.value();
      mine.server_id = server_id_;
      it->second = mine.encode();
    }
  }
  return query;
}

Station& fuzz_station() {
  static std::unique_ptr<Station> station = [] {
    static ManualClock clock(midnight_cst_ms(Date(2026, 11, 28)) + 12 * 3600 * 1000);
    Station::InitOptions options{kTownship, "王集镇未保站", "督导", Role::Supervisor, {}};
    auto created = Station::create(scratch_dir() + "/station.db", options, clock);
    require(created.is_ok(), "cannot create the station");
    return std::move(created).value();
  }();
  return *station;
}

void check_answer(const sync::ServiceResponse& response) {
  require(response.status != 500, "a request answered 500: an exception escaped the handler's checks");
  require(response.status >= 200 && response.status < 500, "a request answered an unknown status");
  if (response.content_type == "application/json")
    require(parse_untrusted_json(response.body, "answer").is_ok(), "the server answered something not JSON");
}

}  // namespace tongdang::fuzz
