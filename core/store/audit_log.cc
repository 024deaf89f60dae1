#include "core/store/audit_log.h"

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"

namespace tongdang {

Result<std::vector<nlohmann::json>> list_audit(Station& station, const AuditFilter& filter) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::ReadAudit))
    return Status::refused(i18n::trf("{}（{}）不能查看审计记录；需要督导员或县级用户", "{} ({}) may not read the audit "
                                     "trail; a supervisor or the county may", actor.name,
                                     i18n::term(to_string(actor.role))));
  if (filter.limit < 1) return Status::invalid("limit", i18n::tr("应为正整数", "must be a positive number"));
  auto query = station.db().prepare(
      "SELECT seq, at, actor, action, entity, coalesce(entity_id, '') FROM audit WHERE (?1 = '' OR action = ?1)"
      " ORDER BY seq DESC LIMIT ?2");
  query.bind(1, filter.action).bind(2, filter.limit);
  std::vector<nlohmann::json> rows;
  while (query.step())
    rows.push_back({{"seq", query.get_int(0)}, {"at", query.get_text(1)}, {"actor", query.get_text(2)},
                    {"action", query.get_text(3)}, {"entity", query.get_text(4)}, {"entity_id", query.get_text(5)}});
  return rows;
}

}  // namespace tongdang
