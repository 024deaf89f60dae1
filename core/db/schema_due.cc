// Migration 8: the work list's ranking keys (core/rules/due_items.h), so that a page of `due` is chosen by a query
// instead of by building every child's items (docs/design.md "The work list on a large station").
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kDueSchema;
const std::string_view kDueSchema = R"sql(
-- One row per child (open or closed; the list reads the open ones), rewritten with the child's report rows by the
-- report projection from the same fold as child_state, so a rebuild (report rebuild / report check) recomputes and
-- compares it. The keys are the earliest due date of the child's standing items (due_items.h): what a director
-- sees, and what a supervisor sees (with the supervisor's visit and colour reviews). The pre-holiday visit depends
-- on the day and is applied by the query from last_home_visit. Dates are YYYY-MM-DD.
CREATE TABLE due_rank(
  child_id        TEXT PRIMARY KEY,
  colour          TEXT,            -- the current colour (NULL until graded), as child_state has it
  director_due    TEXT NOT NULL,
  supervisor_due  TEXT NOT NULL,
  last_home_visit TEXT             -- only in-person home visits (the pre-holiday visit's window)
) STRICT, WITHOUT ROWID;
CREATE INDEX due_rank_director ON due_rank(colour = 'red', director_due);
CREATE INDEX due_rank_supervisor ON due_rank(colour = 'red', supervisor_due);
)sql";

}  // namespace tongdang::schema
