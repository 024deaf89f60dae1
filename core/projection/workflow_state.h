// The workflow's derived rows (docs/workflow.md "Derived tables"): child_state, colour_reviews, care_measures,
// visits, leads, and the child file's memberships and closing. Computed by the pure rules (core/rules/timeline.h)
// and written here; registered with the store (core/store/projection.h) by install.cc, never called by name from
// below.
#pragma once

#include <memory>
#include <string_view>

#include "core/db/sqlite.h"
#include "core/rules/timeline.h"
#include "core/store/projection.h"

namespace tongdang {

// membership.add/end/confirm, file.close/reopen: rows that copy one event (apply only).
std::unique_ptr<Projection> child_file_projection();
// The 3+4+N state of each touched child and lead. refresh() returns the children's new states
// (refreshed_state reads one).
std::unique_ptr<Projection> workflow_projection();

// The state a flush derived for `child_id` (refresh_now, core/store/projection.h), or null if it was not refreshed.
const ChildState* refreshed_state(const Refreshed& refreshed, std::string_view child_id);

// Recomputes every child's and lead's workflow rows (after a policy change), inside the caller's transaction.
void refresh_all_workflow_state(db::Database& db);

}  // namespace tongdang
