// What the libFuzzer targets of tests/fuzz share: a scratch directory, a county server (a real SQLite central
// store, a station token bound to a station) driven in process through SyncService::handle exactly as the HTTP
// listener drives it, a township station, and the checks that turn a broken property into a crash libFuzzer
// reports. Each target makes what it needs once, in LLVMFuzzerInitialize, and reuses it for every input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/date.h"
#include "core/store/station.h"
#include "sync/server/central_store.h"
#include "sync/server/server.h"

namespace tongdang::fuzz {

// The township, county and station every target uses (a real Jiangsu code, as in the tests).
inline constexpr const char* kCounty = "320324";
inline constexpr const char* kTownship = "320324102";
inline constexpr const char* kStationId = "0b7e4c1e-5f6a-4d2b-9c3d-1a2b3c4d5e6f";
inline constexpr const char* kSeedServerId = "fuzz-server";

// Aborts with `what` on stderr when a property of the code under test does not hold: libFuzzer saves the input.
void require(bool holds, const char* what);

// The fuzzer's input as text (bytes unchanged).
inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A query string "k=v&k=v" split the way the listener hands it to the service (no percent-decoding needed: the
// service sees the decoded values, and any byte may arrive there).
std::map<std::string, std::string> query_of(std::string_view text);

// A scratch directory under the system temp folder, removed at exit.
const std::string& scratch_dir();

// The county server: made once, with one station token already bound to kStationId by a hello.
class FuzzCounty {
 public:
  static FuzzCounty& get();
  // One request as a station with the bound token sends it.
  sync::ServiceResponse send(std::string method, std::string_view path, std::string body,
                             std::map<std::string, std::string> query = {});
  // Seeds cannot know the server id, made at random when the store is: a pull cursor or snapshot position naming
  // the server kSeedServerId is re-encoded with this server's id, so mutations of it reach the page reads.
  std::map<std::string, std::string> own_server(std::map<std::string, std::string> query) const;

 private:
  FuzzCounty();
  ManualClock clock_;
  std::unique_ptr<sync::CentralStore> store_;
  std::unique_ptr<sync::SyncService> service_;
  std::string token_;
  std::string server_id_;
};

// A township station (its first user a supervisor), made once.
Station& fuzz_station();

// Checks the properties every answer of the server has, whatever was asked: a status the protocol knows, and
// never a 500 for input the client alone got wrong (a 500 means an exception escaped a handler's checks).
void check_answer(const sync::ServiceResponse& response);

}  // namespace tongdang::fuzz
