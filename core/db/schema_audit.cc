// Migration 5: the audit trail becomes tamper-evident (core/audit_chain.h, docs/design.md "The audit chain"). Each
// row gets a hash chained to the row before it; the rows a database already holds are chained in id order by
// chain_audit_rows(), in the migration's transaction, so `tongdang audit verify` passes on an upgraded station.
#include <string_view>

#include "core/db/audit_chain.h"
#include "core/db/sqlite.h"

namespace tongdang::schema {

extern const std::string_view kAuditChainSchema;
const std::string_view kAuditChainSchema = R"sql(
-- NULL only until the migration has chained the row; every row written since carries its link.
ALTER TABLE audit ADD COLUMN hash TEXT;
)sql";

void chain_audit_rows(db::Database& db);
void chain_audit_rows(db::Database& db) { audit_chain::chain_existing_rows(db, audit_chain::station_audit()); }

}  // namespace tongdang::schema
