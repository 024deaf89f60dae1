// Projections: how each event kind updates the derived tables. Private to core; one function per area, called
// by apply_event() for every newly stored event, on stations and on the server alike.
#pragma once

#include "tongdang/core/events.h"
#include "tongdang/core/sqlite.h"

namespace tongdang::projections {

// membership.add, membership.end, membership.confirm, file.close, file.reopen (children.cc).
void child_file(db::Database& db, const Event& event);
// The 3+4+N workflow kinds: leads, screening, assessments, colours, visits, care (workflow_projection.cc).
void workflow(db::Database& db, const Event& event);

}  // namespace tongdang::projections
