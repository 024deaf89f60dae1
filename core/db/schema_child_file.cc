// Migration 1: the child file (一人一档) — see docs/design.md "Storage".
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kChildFileSchema;
const std::string_view kChildFileSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

-- People who use this station. Roles: director, supervisor, county, viewer. villages: comma-separated codes.
CREATE TABLE users(
  name       TEXT PRIMARY KEY,
  role       TEXT NOT NULL CHECK (role = 'director' OR role = 'supervisor' OR role = 'county' OR role = 'viewer'),
  villages   TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  created_by TEXT
) STRICT;

-- The mutable profile of a child (docs/design.md "Records": one register per field). Never deleted: closing is a
-- status.
CREATE TABLE children(
  id                 TEXT PRIMARY KEY,           -- UUID made on the station that registered the child
  township           TEXT NOT NULL,              -- 9-digit township code (owner of the file)
  village            TEXT NOT NULL,              -- 12-digit current village code
  name               TEXT NOT NULL,
  sex                TEXT NOT NULL CHECK (sex IN ('male', 'female')),
  ethnicity          TEXT,
  birth_date         TEXT NOT NULL,              -- YYYY-MM-DD
  id_number          TEXT,                       -- NULL when the child has no household registration
  hukou_status       TEXT NOT NULL DEFAULT 'registered' CHECK (hukou_status IN ('registered', 'unregistered')),
  temp_key           TEXT,                       -- temporary key for a child without registration (无户籍)
  registered_village TEXT,
  registered_address TEXT,
  current_address    TEXT,
  school             TEXT,
  grade              TEXT,
  schooling          TEXT,
  boarding           INTEGER,
  health             TEXT,
  disability_type    TEXT,
  disability_grade   INTEGER,
  disability_cert    TEXT,
  phone              TEXT,
  photo_ref          TEXT,
  household_income   TEXT,
  benefits           TEXT,
  case_worker        TEXT,                       -- named case worker (required for red and yellow)
  status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  closed_reason      TEXT,
  closed_on          TEXT,
  created_at         TEXT NOT NULL,
  created_by         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
) STRICT;
CREATE INDEX children_id_number ON children(id_number) WHERE id_number IS NOT NULL;
CREATE INDEX children_temp_key ON children(temp_key) WHERE temp_key IS NOT NULL;
CREATE INDEX children_village ON children(village);
CREATE INDEX children_township ON children(township);

-- Parents, grandparents, other relatives and the entrusted guardian (docs/domain.md "The child file"). Mutable profile
-- rows.
CREATE TABLE relatives(
  id          TEXT PRIMARY KEY,
  child_id    TEXT NOT NULL REFERENCES children(id),
  relation    TEXT NOT NULL,
  name        TEXT NOT NULL,
  id_number   TEXT,
  phone       TEXT,
  status      TEXT NOT NULL,                     -- present, working_away, dead, missing, detained, …
  place       TEXT,                              -- where (working away)
  since       TEXT,                              -- since when (working away, lost contact)
  until       TEXT,                              -- detained until
  capacity    TEXT,                              -- capable, limited, incapable
  is_guardian INTEGER NOT NULL DEFAULT 0,        -- the entrusted guardian (受委托监护人)
  address     TEXT,
  notes       TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX relatives_child ON relatives(child_id);

-- Every append-only event of a child's history (docs/design.md "Records"): membership changes, closing, and every step
-- of the 3+4+N workflow. Keyed by a UUID made where it was recorded; a correction is a new event, never an update.
CREATE TABLE events(
  id          TEXT PRIMARY KEY,
  child_id    TEXT,                              -- NULL for a lead not yet tied to a child
  lead_id     TEXT,                              -- the lead an event belongs to, if any
  township    TEXT NOT NULL,
  kind        TEXT NOT NULL,                     -- e.g. membership.add, file.close, assessment, visit
  payload     TEXT NOT NULL,                     -- JSON, shape per kind (docs/design.md)
  occurred_on TEXT NOT NULL,                     -- the business date (YYYY-MM-DD)
  hlc         TEXT NOT NULL,
  actor       TEXT NOT NULL,
  actor_role  TEXT NOT NULL,
  station_id  TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) STRICT;
-- (…, hlc, id): the projections read a child's or a lead's events in (hlc, id) order; with id in the index that
-- order comes straight from it, not from a temporary b-tree built for every read.
CREATE INDEX events_child ON events(child_id, hlc, id);
CREATE INDEX events_lead ON events(lead_id, hlc, id) WHERE lead_id IS NOT NULL;
CREATE INDEX events_kind ON events(kind, occurred_on);

-- Category memberships, derived from membership.* events. to_date is the earlier of an explicit end and the
-- birthday at the category's age limit, so a membership ends on its own (docs/domain.md "Categories").
CREATE TABLE memberships(
  id           TEXT PRIMARY KEY,                 -- the id of the membership.add event
  child_id     TEXT NOT NULL REFERENCES children(id),
  category     TEXT NOT NULL,
  from_date    TEXT NOT NULL,
  to_date      TEXT NOT NULL,                    -- exclusive
  reason       TEXT,
  confirmed_by TEXT,
  confirmed_on TEXT,
  ended_reason TEXT
) STRICT;
CREATE INDEX memberships_child ON memberships(child_id);

-- Append-only audit trail: every change, every opening of a red file. before/after are JSON.
CREATE TABLE audit(
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  entity    TEXT NOT NULL,
  entity_id TEXT,
  before    TEXT,
  after     TEXT
) STRICT;
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

-- Change capture (docs/design.md "Change capture"): written in the same transaction as the domain row it describes.
CREATE TABLE outbox(
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id  TEXT NOT NULL UNIQUE,
  entity     TEXT NOT NULL,                      -- child, relative, event
  entity_id  TEXT NOT NULL,
  child_id   TEXT,
  -- Spelled with OR, not IN: SQLite checks an IN list of three or more by building a temporary table on every
  -- insert, which made the outbox the slowest part of a ledger import.
  op         TEXT NOT NULL CHECK (op = 'create' OR op = 'update' OR op = 'event'),
  fields     TEXT NOT NULL,                      -- JSON: the changed fields (or the whole event)
  base       TEXT NOT NULL DEFAULT '{}',         -- JSON: field -> server version the editor last saw
  hlc        TEXT NOT NULL,
  actor      TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- The server version of each profile field this station last saw (the base of its next edit of that field).
CREATE TABLE field_versions(
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  field     TEXT NOT NULL,
  version   INTEGER NOT NULL,
  PRIMARY KEY (entity, entity_id, field)
) STRICT, WITHOUT ROWID;
)sql";

}  // namespace tongdang::schema
