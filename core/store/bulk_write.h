// One guard for a bulk write (a ledger import, a pulled page on a station, a pushed page on the server): while it
// lives, the derived rows of each touched child — the workflow state (child_state, colour_reviews, care_measures,
// leads) and then the coverage report's rows — are not recomputed after every event and profile write, only
// noted; flush() recomputes each child once, workflow state first (the report rows read it). The rows left are
// the same as without the guard: every derived row is a function of the child's records, not of arrival order.
//
// flush() must run inside the transaction of the writes, before it commits. A guard destroyed without flush()
// (the write failed and rolls back) refreshes nothing. Guards nest: an inner one defers to the outermost, whose
// flush() does the work. One thread, one connection: the deferral is per thread.
#pragma once

#include <memory>

#include "core/db/sqlite.h"
#include "core/report/report.h"

namespace tongdang {

namespace projections {
class DeferredWorkflow;
}

class BulkWrite {
 public:
  explicit BulkWrite(db::Database& db);
  BulkWrite(const BulkWrite&) = delete;
  BulkWrite& operator=(const BulkWrite&) = delete;
  ~BulkWrite();
  // Recomputes what was noted: each child's workflow state, then each child's and lead's report rows.
  void flush();

 private:
  db::Database& db_;
  report::BulkRefresh report_rows_;  // constructed first, so the workflow flush's report hooks are still deferred
  std::unique_ptr<projections::DeferredWorkflow> workflow_;
};

}  // namespace tongdang
