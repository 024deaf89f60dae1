// Migration 9: the changes the county server acknowledged, kept for a while after they leave the outbox, so that a
// server restored from an older backup gets them again (docs/sync-protocol.md "A restored server"). Without them a
// restore silently loses everything the stations pushed between the backup and the failure.
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kResendSchema;
const std::string_view kResendSchema = R"sql(
-- The outbox's columns, as they were pushed, and the server's clock in the reply that acknowledged the change
-- (empty from a server that gave none). A restored server names the clock its backup was taken at; every change
-- acknowledged after it goes back into the outbox. Rows older than tuning::kSentChangesKeptDays are pruned.
CREATE TABLE sent_changes(
  seq        INTEGER PRIMARY KEY,              -- the outbox seq: the order they were captured in
  change_id  TEXT NOT NULL UNIQUE,
  entity     TEXT NOT NULL,
  entity_id  TEXT NOT NULL,
  child_id   TEXT,
  op         TEXT NOT NULL,
  fields     TEXT NOT NULL,
  base       TEXT NOT NULL,
  hlc        TEXT NOT NULL,
  actor      TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  acked_hlc  TEXT NOT NULL,                    -- the server's clock in its acknowledging reply
  acked_at   TEXT NOT NULL                     -- this station's time of the acknowledgement (pruning)
) STRICT;
)sql";

}  // namespace tongdang::schema
