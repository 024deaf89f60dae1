// A station's sync health, as the coverage report shows it: how current the data behind the report is. A station
// computes its own here from its sync state; the county server computes every station's from what it holds
// (sync/server/central_store.h, CentralStore::station_health).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/store/station.h"

namespace tongdang {

// The station meta key holding the time of the last successful sync (ISO), written by the sync client.
inline constexpr std::string_view kMetaLastSync = "sync.last_success";

// One station's sync health.
struct StationHealth {
  std::string station_id;
  std::string name;
  std::string township;
  std::optional<std::string> last_sync;      // ISO time of the last successful sync; nullopt = never
  std::optional<std::string> oldest_unsent;  // oldest change not yet pushed, if known (only a station knows)
  int open_conflicts = 0;
  int rejected_changes = 0;
};

// This station's own: its last successful sync, its oldest change still in the outbox, the open conflicts synced
// down to it and the changes the server refused.
StationHealth station_health(Station& station);

}  // namespace tongdang
