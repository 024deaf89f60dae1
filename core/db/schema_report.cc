// Migration 4: the coverage report's maintained aggregates (see schema.cc for the order, docs/reports.md for what
// each row means). Every row here is derived: it is rewritten from the child's own records whenever one of them
// changes (in the same transaction), and `report rebuild` recomputes all of it. Nothing here is ever synced.
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kReportSchema;
const std::string_view kReportSchema = R"sql(
-- One narrow row per child: where the child is counted and its current state. Names and ID numbers are not here
-- on purpose: county aggregates are computed from these tables alone.
CREATE TABLE report_child(
  child_id          TEXT PRIMARY KEY,
  township          TEXT NOT NULL,
  village           TEXT NOT NULL,
  registered_on     TEXT NOT NULL,             -- first day under monitoring
  closed_on         TEXT,                      -- first day no longer monitored (NULL while open)
  colour            TEXT,                      -- current colour (NULL until graded)
  colour_since      TEXT,
  case_worker_named INTEGER NOT NULL DEFAULT 0,
  last_home_visit   TEXT,                      -- last in-person home visit (only these reset the visit clock)
  visit_interval    INTEGER,                   -- days, from the current colour (docs/domain.md "The schedule")
  next_visit_due    TEXT,
  last_assessment   TEXT,
  reassess_due      TEXT,
  minimum_plan_met  INTEGER NOT NULL DEFAULT 0,-- the minimum plan of the current colour (docs/domain.md)
  pending_review    INTEGER NOT NULL DEFAULT 0 -- open review items (a lowering that did not take effect …)
) STRICT, WITHOUT ROWID;
-- Covering index for the report's per-unit GROUP BY over current state (no table lookups).
CREATE INDEX report_child_unit ON report_child(township, village, registered_on, closed_on, colour, minimum_plan_met,
                                               pending_review);

-- Dated facts about a child, as half-open day ranges [from_day, to_day) ('9999-12-31' = still true). A figure
-- "as of D" counts the spans containing D; a figure "in the period P..D" counts the spans meeting it. kind:
--   monitored  the file is open                         value ''
--   category   a category membership is active         value = category
--   colour     the colour in force                      value = colour
--   covered    visited within the colour's interval     value = colour
--   overdue    home visit overdue                       value = colour, ref_day = the due date
--   reassess   reassessment overdue                     value = colour, ref_day = the due date
--   registered / closed / raise / lower: one-day spans on the day it happened (value = colour for raise/lower)
CREATE TABLE report_span(
  child_id TEXT NOT NULL,
  township TEXT NOT NULL,
  village  TEXT NOT NULL,
  kind     TEXT NOT NULL,
  value    TEXT NOT NULL DEFAULT '',
  from_day TEXT NOT NULL,
  to_day   TEXT NOT NULL,
  ref_day  TEXT
) STRICT;
CREATE INDEX report_span_child ON report_span(child_id);
-- Covering index for the report's GROUP BY: kind and a township range, then the day range; no table lookups.
CREATE INDEX report_span_query ON report_span(kind, township, to_day, from_day, value, village, ref_day);

-- Care measures by their current area and status (docs/domain.md "The care catalogue"), one row per measure.
CREATE TABLE report_measure(
  measure_id    TEXT PRIMARY KEY,
  child_id      TEXT NOT NULL,
  township      TEXT NOT NULL,
  village       TEXT NOT NULL,
  area          TEXT NOT NULL,
  status        TEXT NOT NULL,
  registered_on TEXT NOT NULL,              -- the child's monitored period, copied so no join is needed
  closed_on     TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX report_measure_child ON report_measure(child_id);
CREATE INDEX report_measure_unit ON report_measure(township, village, area, status, registered_on, closed_on);

-- Screening steps of leads (docs/domain.md "Screening: the three steps"): one row per step instance, open until
-- done_on.
CREATE TABLE report_step(
  lead_id    TEXT NOT NULL,
  step       TEXT NOT NULL,                   -- verification | review
  township   TEXT NOT NULL,
  village    TEXT NOT NULL,
  started_on TEXT NOT NULL,
  due_on     TEXT NOT NULL,                   -- the step's time limit
  done_on    TEXT,                            -- NULL while open
  PRIMARY KEY (lead_id, step, started_on)
) STRICT, WITHOUT ROWID;
CREATE INDEX report_step_unit ON report_step(township, step, started_on);

-- The county and province reports read these instead of the rows above (docs/reports.md "Tallies"): per township,
-- every counter the report needs as a step function of the day. The row for (township, day) holds each counter's
-- value from that day until the township's next row; "as of D" is one seek for the last row on or before D.
-- Rows exist only where some counter changes (a span starting or ending), so a township has at most one row per
-- day of its history, whatever the number of children. `counts` is the counters in report_counter id order, as
-- zigzag varints, trailing zeros left out. Maintained from the rows above in the same transaction (report_tally.cc).
CREATE TABLE report_counter(
  id    INTEGER PRIMARY KEY,
  kind  TEXT NOT NULL,
  value TEXT NOT NULL DEFAULT '',
  UNIQUE (kind, value)
) STRICT;
CREATE TABLE report_tally(
  township TEXT NOT NULL,
  day      INTEGER NOT NULL,                -- days since 1970-01-01
  counts   BLOB NOT NULL,
  PRIMARY KEY (township, day)
) STRICT, WITHOUT ROWID;
)sql";

}  // namespace tongdang::schema
