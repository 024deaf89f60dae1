// Migration 2: the 3+4+N workflow (see schema.cc for the order). Every table here is a projection of events
// (workflow_projection.cc), rebuilt the same way on a station and on the server; nothing here is edited directly.
// The columns are documented for the reports area in docs/workflow.md "Derived tables".
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kWorkflowSchema;
const std::string_view kWorkflowSchema = R"sql(
-- The derived state of each graded or screened child (docs/design.md "Records"). Dates are YYYY-MM-DD; overdue is not
-- stored: it depends on the as-of date (schedule.h: days_overdue).
CREATE TABLE child_state(
  child_id                  TEXT PRIMARY KEY REFERENCES children(id),
  colour                    TEXT CHECK (colour IN ('red', 'yellow', 'blue', 'green')),  -- NULL until graded
  colour_event_id           TEXT,            -- the event currently setting the colour
  colour_since              TEXT,            -- the day the colour took its current value
  pending_review            INTEGER NOT NULL DEFAULT 0,  -- open review items (lowerings not applied)
  review_since              TEXT,            -- the day the oldest open review item was made
  last_score                INTEGER,         -- total of the latest assessment
  last_assessed_on          TEXT,
  policy_version            TEXT,            -- of the latest assessment
  last_home_visit           TEXT,            -- only in-person home visits
  last_contact              TEXT,            -- any visit, phone or video contact
  last_supervisor_visit     TEXT,            -- a home visit by or with the supervisor
  key_event_on              TEXT,            -- a key event not yet followed by a reassessment
  key_event                 TEXT,            -- which (carer_change, parent_left, …, category_change, new_report)
  next_visit_due            TEXT,
  next_supervisor_visit_due TEXT,
  next_reassessment_due     TEXT,            -- includes the key-event reassessment window
  case_worker               TEXT,            -- latest case_worker.assign, else the profile's case_worker
  care_measures_active      INTEGER NOT NULL DEFAULT 0,  -- measures neither refused nor not needed
  care_plan_met             INTEGER,         -- minimum care plan of the colour met (NULL until graded)
  care_plan_due             TEXT             -- by when the minimum plan must exist (NULL if the colour needs none)
) STRICT;
CREATE INDEX child_state_colour ON child_state(colour);
CREATE INDEX child_state_visit_due ON child_state(next_visit_due);

-- Colour review items: lowerings that did not apply (stale, or a role that may not lower), open until a
-- supervisor or the county grades the child or resolves them.
CREATE TABLE colour_reviews(
  event_id         TEXT PRIMARY KEY,         -- the lowering (assessment or colour.lower) event
  child_id         TEXT NOT NULL REFERENCES children(id),
  from_colour      TEXT,
  proposed_colour  TEXT NOT NULL,
  why              TEXT NOT NULL,            -- stale | role_may_not_lower | red_needs_clear_reassessment
  opened_on        TEXT NOT NULL,
  opened_by        TEXT NOT NULL,
  resolved_by      TEXT                      -- the event that closed it; NULL while open
) STRICT;
CREATE INDEX colour_reviews_child ON colour_reviews(child_id);

-- Leads and their three screening steps (docs/domain.md "Screening: the three steps").
CREATE TABLE leads(
  id              TEXT PRIMARY KEY,          -- the lead.add event id
  township        TEXT NOT NULL,
  village         TEXT NOT NULL,
  reporter        TEXT,
  source          TEXT,                      -- director, grid, school, hospital, police, hotline, data, other
  description     TEXT,
  suspected_red   INTEGER NOT NULL DEFAULT 0,
  state           TEXT NOT NULL CHECK (state IN ('discovered', 'verified', 'returned', 'reviewed', 'confirmed',
                                                 'not_eligible', 'duplicate')),
  child_id        TEXT,                      -- the file it became or was attached to
  red             INTEGER NOT NULL DEFAULT 0, -- suspected red, or first graded red: same-day deadlines
  discovered_on   TEXT NOT NULL,
  discovered_at   TEXT NOT NULL,             -- recorded time (ISO 8601)
  discovered_by   TEXT NOT NULL,
  verify_due      TEXT NOT NULL,
  verified_on     TEXT,
  verified_at     TEXT,
  verified_by     TEXT,
  review_due      TEXT,
  reviewed_on     TEXT,
  reviewed_by     TEXT,
  returned_on     TEXT,
  returned_by     TEXT,
  return_reason   TEXT,
  confirm_due     TEXT,
  confirmed_on    TEXT,
  confirmed_by    TEXT,
  closed_on       TEXT,
  closed_by       TEXT,
  closed_reason   TEXT
) STRICT;
CREATE INDEX leads_state ON leads(state);
CREATE INDEX leads_child ON leads(child_id);

-- Visits and contacts (only kind = 'home' resets the visit clock).
CREATE TABLE visits(
  id         TEXT PRIMARY KEY,               -- the visit event id
  child_id   TEXT NOT NULL REFERENCES children(id),
  township   TEXT NOT NULL,
  visit_on   TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('home', 'phone', 'video')),
  with_whom  TEXT NOT NULL DEFAULT '[]',     -- JSON array
  notes      TEXT,
  key_event  TEXT,
  actor      TEXT NOT NULL,
  actor_role TEXT NOT NULL
) STRICT;
CREATE INDEX visits_child ON visits(child_id, visit_on);

-- Care measures (docs/domain.md "The care catalogue"), folded from care.add and care.update events in (hlc, id) order.
CREATE TABLE care_measures(
  id          TEXT PRIMARY KEY,              -- the care.add event id
  child_id    TEXT NOT NULL REFERENCES children(id),
  township    TEXT NOT NULL,
  area        TEXT NOT NULL,                 -- LIVING, MEDICAL, REHAB, EDUCATION, GUARDIANSHIP, PSYCH, SAFETY, …
  item        TEXT NOT NULL,
  provider    TEXT,
  status      TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'refused', 'not_needed')),
  started_on  TEXT NOT NULL,
  updated_on  TEXT NOT NULL,
  done_on     TEXT,
  outcome     TEXT,
  notes       TEXT,
  created_by  TEXT NOT NULL,
  updated_by  TEXT NOT NULL
) STRICT;
CREATE INDEX care_measures_child ON care_measures(child_id);
CREATE INDEX care_measures_area ON care_measures(area, status);
)sql";

}  // namespace tongdang::schema
