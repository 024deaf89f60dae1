// Projections: how each event kind updates the derived tables. Private to core; one function per area, called
// by apply_event() for every newly stored event, on stations and on the server alike.
#pragma once

#include <memory>
#include <string_view>

#include "core/db/sqlite.h"
#include "core/store/events.h"

namespace tongdang::projections {

// membership.add, membership.end, membership.confirm, file.close, file.reopen (children.cc).
void child_file(db::Database& db, const Event& event);
// The 3+4+N workflow kinds: leads, screening, assessments, colours, visits, care (workflow_projection.cc).
void workflow(db::Database& db, const Event& event);

// The workflow's hook for a written child profile row (upsert_profile): the child's derived state reads the row's
// existence and its case_worker, so a new row (`created`, e.g. a profile pulled after its events) or a new
// case_worker refreshes it — when the child has workflow events (a child without any has no derived state).
// Returns true if it refreshed (or, while deferred, noted) the child: its report rows then follow from that.
bool workflow_child_profile(db::Database& db, std::string_view child_id, bool created, bool case_worker);

// Deferred workflow maintenance for a bulk write on this thread (see BulkWrite in bulk_write.h). While the first
// one constructed is alive, the workflow projection only notes which children and leads changed; flush()
// refreshes each of them once. Nested ones are inert: the outermost flushes.
class DeferredWorkflow {
 public:
  DeferredWorkflow();
  DeferredWorkflow(const DeferredWorkflow&) = delete;
  DeferredWorkflow& operator=(const DeferredWorkflow&) = delete;
  ~DeferredWorkflow();
  // Stops deferring and refreshes every noted child and lead, in the order first noted. Call inside the
  // transaction of the writes.
  void flush(db::Database& db);

  struct Pending;

 private:
  std::unique_ptr<Pending> pending_;
  bool owner_ = false;
};

}  // namespace tongdang::projections
