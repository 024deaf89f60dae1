// Migration 3: the station's side of sync (see schema.cc for the order; docs/sync-protocol.md for the protocol).
// The outbox and field_versions tables come from migration 1; this adds what a station keeps about the server:
// values pulled while a local edit was unsent, conflicts and duplicate candidates synced down, and the changes the
// server refused for good.
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kSyncSchema;
const std::string_view kSyncSchema = R"sql(
-- Finding the unsent local edits of one record (a pulled value must not overwrite them, docs/design.md "Change
-- capture").
CREATE INDEX outbox_entity ON outbox(entity, entity_id);

-- Server values of fields that still had an unsent local edit when they were pulled. They become visible when the
-- edit is acknowledged or rejected (whichever value the server then reports as newest wins).
CREATE TABLE sync_shadow(
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  field     TEXT NOT NULL,
  value     TEXT NOT NULL,                    -- JSON
  version   INTEGER NOT NULL,
  PRIMARY KEY (entity, entity_id, field)
) STRICT, WITHOUT ROWID;

-- Concurrent edits of one profile field, as opened (and later resolved) by the server. body is the server's JSON
-- record (both values, their stamps, stations and users); revision orders updates of the same record.
CREATE TABLE conflicts(
  id        TEXT PRIMARY KEY,
  township  TEXT NOT NULL,
  child_id  TEXT,
  entity    TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  field     TEXT NOT NULL,
  status    TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
  revision  INTEGER NOT NULL,
  body      TEXT NOT NULL,
  opened_at TEXT NOT NULL
) STRICT;
CREATE INDEX conflicts_status ON conflicts(status, opened_at);

-- The same ID number registered as two files (docs/design.md "Transfers, duplicates, deletion"): never merged
-- automatically; a county user decides.
CREATE TABLE duplicate_candidates(
  id        TEXT PRIMARY KEY,
  id_number TEXT NOT NULL,
  status    TEXT NOT NULL,
  revision  INTEGER NOT NULL,
  body      TEXT NOT NULL,
  opened_at TEXT NOT NULL
) STRICT;

-- Changes the server refused for good (validation, permission, scope). Removed from the outbox so they never
-- block the queue, and kept here so a person sees them (tongdang sync status).
CREATE TABLE rejected_changes(
  change_id   TEXT PRIMARY KEY,
  entity      TEXT NOT NULL,
  entity_id   TEXT NOT NULL,
  child_id    TEXT,
  op          TEXT NOT NULL,
  fields      TEXT NOT NULL,
  hlc         TEXT NOT NULL,
  actor       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  rejected_at TEXT NOT NULL
) STRICT;
)sql";

}  // namespace tongdang::schema
