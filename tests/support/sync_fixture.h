// Shared scaffolding of the sync tests: a county server (store + service, optionally on loopback HTTP) and
// stations in a scratch directory, all on one manual clock so tests can skew time; a digest of what a database
// holds for a township, to compare a station with the server.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/db/sqlite.h"
#include "core/store/station.h"
#include "core/workflow/children.h"
#include "support/cli_harness.h"
#include "sync/server/server.h"
#include "sync/server/service_transport.h"
#include "sync/server/sqlite/sqlite_central_store.h"
#include "sync/station/client.h"

namespace tongdang::test {

// 2026-11-28 12:00 China time: the date the CLI tests use.
std::int64_t test_epoch_ms();

// A valid ID number for a child born on `birth` (YYYYMMDD) in county 320324 with sequence `seq` (3 digits).
std::string make_id_number(const std::string& birth, int seq);

struct TestCounty {
  // `code` and `name`: the county's (another county, for a file handed from one to the other).
  explicit TestCounty(const ScratchDir& dir, bool http = true, const std::string& code = "320324",
                      const std::string& name = "睢宁县未保中心");
  ~TestCounty();
  // Issues a token (station or user) and returns it.
  std::string station_token(const std::string& township);
  std::string user_token(const std::string& name, Role role, const std::string& township,
                         const std::vector<std::string>& villages = {});
  void start_http();
  void stop_http();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }

  const ScratchDir& dir;
  ManualClock clock{test_epoch_ms()};
  std::string db_path;
  std::unique_ptr<sync::CentralStore> store;
  std::unique_ptr<sync::SyncService> service;
  std::unique_ptr<sync::HttpServer> http;
  std::vector<std::string> log;
  int port = 0;
};

struct TestStation {
  TestStation(const ScratchDir& dir, const std::string& name, const std::string& township, TestCounty& county,
              std::int64_t clock_offset_ms = 0);
  // Syncs in process (no sockets) or over the county's HTTP listener; transient failures are retried at once.
  Result<sync::SyncSummary> sync(bool over_http = false);
  Result<sync::SyncSummary> sync_with(sync::Transport& transport);
  std::unique_ptr<sync::Transport> http_transport();
  std::string add_child(const std::string& name, const std::string& id_number, const std::string& village = "");
  void edit(const std::string& child, const std::string& field, const std::string& value);
  nlohmann::json field(const std::string& child, const std::string& field);
  std::int64_t outbox();
  // Makes this station a county user's: adds the user (role county), acts as them and syncs with their personal
  // token (a station token acts at most as a supervisor). Call before the station's first sync.
  void act_as_county(const std::string& user);

  TestCounty& county;
  bool snapshot = true;   // false: replay the change log even on a first sync (as an older station does)
  int snapshot_page = 0;  // children per snapshot page (0: the default)
  ManualClock clock;
  std::unique_ptr<Station> station;
  std::string token;
  std::int64_t offset_ms;
};

// Everything `db` holds for `township` that must be equal on every station of that township and on the server:
// children, relatives, events, memberships, derived state, conflicts and duplicate candidates (timestamps of
// local writes excluded). One line per row, sorted, so a mismatch is readable.
std::string township_digest(db::Database& db, const std::string& township);
std::string server_digest(const TestCounty& county, const std::string& township);

// The first column of the first row `sql` gives on the county's database (a count), read as it is on disk.
std::int64_t server_count(const TestCounty& county, const std::string& sql);

}  // namespace tongdang::test
