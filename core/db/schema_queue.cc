// Migration 10: the review queue's open referrals of an area (core/workflow/referrals.cc open_referrals) find the
// referral events of each child of the area through a partial index holding only those events, instead of reading
// every event of every child. The index is small (a few events per child referred) and its term is shared with the
// query, which must state it exactly for SQLite to use the index.
#include "core/db/schema.h"

namespace tongdang::schema {

extern const std::string_view kQueueSchema;
const std::string_view kQueueSchema = R"sql(
CREATE INDEX events_referral ON events(child_id) WHERE kind IN ('referral.add', 'referral.update');
)sql";

}  // namespace tongdang::schema
