// The coverage report's rows (report_child, report_span, report_measure, report_step) and the per-township tallies
// summed from them (report_tally.h): what core/report's queries read. Maintained by a projection registered with the
// store after the workflow state (install.cc): every change to a child (profile, membership, workflow event, pulled
// or local) rewrites that child's rows in the same transaction, computed by the same fold as the workflow state
// (core/rules/timeline.h). rebuild() and verify() recompute every row, for checks. docs/reports.md describes the rows.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/base/status.h"
#include "core/db/sqlite.h"
#include "core/store/projection.h"

namespace tongdang::report {

// The report rows' projection (refresh() rewrites the rows of every touched child and lead).
std::unique_ptr<Projection> report_projection();

// Deletes and recomputes every report row inside the caller's transaction (after a policy change).
void refresh_all(db::Database& db);
// Recomputes the tallies of one township from its report rows, inside the caller's transaction: for a writer that
// loaded report rows in bulk without the projection (a township snapshot).
void refresh_tallies(db::Database& db, const std::string& township);
// refresh_all in its own transaction, for checks; returns the number of children.
int rebuild(db::Database& db);

// Whether the maintained rows and tallies equal a rebuild: rebuilds inside a transaction that is then rolled back
// (nothing changes) and counts, per table, the rows found on one side only.
struct Verification {
  int children = 0;
  std::map<std::string, std::int64_t> differing;  // table -> rows on one side only (every table listed)
  bool consistent() const;
};
Verification verify(db::Database& db);
// Ok when consistent; otherwise an error naming each table that differs and what to do about it.
Status verification_status(const Verification& verification);

}  // namespace tongdang::report
