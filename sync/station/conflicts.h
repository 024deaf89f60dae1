// Conflicts as a station sees them: the records synced down from the server (two stations edited one field
// concurrently; docs/sync-protocol.md) and a supervisor's resolution of one, which syncs like any other change.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/store/station.h"

namespace tongdang::sync {

// Conflicts synced down from the server (open first; resolved ones too if asked).
std::vector<nlohmann::json> list_conflicts(Station& station, bool include_resolved);

// Resolves a conflict (supervisor or county): keeps "mine" (this station's value; also 本站, as the list labels it),
// "theirs" (the other station's; also 他站) — any word of Vocabulary::ConflictSide — or the given VALUE, as a new change that syncs like any other. `id` may be a unique prefix of at least 4.
Status resolve_conflict(Station& station, std::string_view id, std::string_view keep);

}  // namespace tongdang::sync
