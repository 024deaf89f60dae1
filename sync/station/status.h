// What a station shows about its sync (`tongdang sync status`): the server, the last success, the changes waiting
// or refused, the conflicts and duplicate candidates synced down, and whether its clock was flagged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/station.h"

namespace tongdang::sync {

struct SyncStatusReport {
  std::string server_url;
  std::string last_success;  // ISO time, empty if never
  std::int64_t outbox = 0;
  std::int64_t open_conflicts = 0;
  std::int64_t open_duplicates = 0;
  std::vector<nlohmann::json> rejected;  // change_id, entity, entity_id, op, reason, rejected_at
  std::int64_t clock_ahead_ms = 0;
  nlohmann::json to_json() const;
};
SyncStatusReport sync_status(Station& station);

// Duplicate candidates synced down from the server (open first).
std::vector<nlohmann::json> list_duplicates(Station& station);

}  // namespace tongdang::sync
