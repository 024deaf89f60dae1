// The station's audit trail as people read it (`tongdang audit list`): recent rows — who, when, what, which record —
// never their before/after texts, which hold names and full ID numbers. For supervisors and the county.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/base/tuning.h"
#include "core/store/station.h"

namespace tongdang {

struct AuditFilter {
  std::string action;                         // only rows of this action (empty: all)
  int limit = tuning::kAuditListDefault;      // newest first
};

// Recent audit rows, newest first: seq, at, actor, action, entity, entity_id. Refused for directors and viewers.
Result<std::vector<nlohmann::json>> list_audit(Station& station, const AuditFilter& filter);

}  // namespace tongdang
