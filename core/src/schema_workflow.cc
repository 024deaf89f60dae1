// Migration 2: the 3+4+N workflow (see schema.cc for the order). Derived tables are projections of events.
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kWorkflowSchema;
const std::string_view kWorkflowSchema = R"sql(
-- The derived state of each child (design §2): computed from its events, never edited directly.
CREATE TABLE child_state(
  child_id        TEXT PRIMARY KEY REFERENCES children(id),
  colour          TEXT CHECK (colour IN ('red', 'yellow', 'blue', 'green')),
  colour_event_id TEXT,
  colour_since    TEXT
) STRICT;
)sql";

}  // namespace tongdang::schema
