#include "sync/station/conflicts.h"

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/store/events.h"
#include "core/store/profile.h"
#include "core/store/profile_edit.h"
#include "core/store/record_ref.h"
#include "sync/station/station_merge.h"

namespace tongdang::sync {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

std::vector<json> list_conflicts(Station& station, bool include_resolved) {
  auto query = station.db().prepare(
      "SELECT body, status FROM conflicts WHERE status = 'open' OR ?1 ORDER BY status DESC, opened_at, id");
  query.bind(1, include_resolved ? 1 : 0);
  std::vector<json> out;
  while (query.step()) {
    json body = json::parse(query.get_text(0));
    body["status"] = query.get_text(1);
    out.push_back(std::move(body));
  }
  return out;
}

Status resolve_conflict(Station& station, std::string_view id, std::string_view keep) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::ResolveConflict))
    return Status::refused(trf("{}（{}）不能处理冲突；需要督导员或县级用户", "{} ({}) may not resolve conflicts; a "
                               "supervisor or the county must", actor.name, i18n::term(to_string(actor.role))));
  auto found = resolve_record_ref(station.db(), "conflicts", id, "id", "冲突", "conflict");
  if (!found) return found.status();
  auto query = station.db().prepare("SELECT body, status FROM conflicts WHERE id = ?1");
  query.bind(1, found.value());
  if (!query.step()) return Status::not_found(trf("找不到冲突 {}", "no conflict {}", id));
  json record = json::parse(query.get_text(0));
  std::string status = query.get_text(1);
  query.reset();
  if (status != "open") return Status::refused(tr("该冲突已处理", "the conflict is already resolved"));
  // A conflict of a file transferred away is the receiving township's to decide (docs/design.md "Transfers").
  if (record.value("township", station.township()) != station.township())
    return Status::refused(trf("该冲突属于乡镇 {}（档案已转移），由该乡镇处理", "the conflict belongs to township {} "
                               "(the file was transferred there), which decides it", record.value("township", "")));

  const std::string entity = record.value("entity", "");
  const std::string entity_id = record.value("entity_id", "");
  const std::string field = record.value("field", "");
  const json values = record.value("values", json::array());
  json chosen;
  // 本站/他站 as the list shows them, or mine/theirs: a side, never a value to store.
  const std::optional<std::string_view> side = parse_choice(Vocabulary::ConflictSide, keep);
  if (side) {
    int mine = -1;
    for (int i = 0; i < static_cast<int>(values.size()); ++i)
      if (values[i].value("station_id", "") == station.station_id()) mine = i;
    if (mine < 0 || values.size() != 2 || values[0].value("station_id", "") == values[1].value("station_id", ""))
      return Status::invalid("keep", tr("两个值都不是（或都是）本站写的；请直接给出要保留的值",
                                        "neither value (or both) came from this station; give the value to keep"));
    chosen = values[*side == "mine" ? mine : 1 - mine].value("value", json());
  } else {
    const auto& specs = entity == "child" ? child_fields() : relative_fields();
    const FieldSpec* spec = find_field(specs, field);
    if (!spec) return Status::internal("unknown field " + field);
    auto normalized = normalize_field(*spec, keep);
    if (!normalized) return normalized.status();
    chosen = normalized.value();
  }
  if (auto kept = check_not_emptied(entity, {{field, chosen}}); !kept) return kept;
  if (!row_exists(station.db(), entity, entity_id))
    return Status::not_found(tr("本站没有该记录", "this station does not hold the record"));

  return station.write([&](WriteContext& w) {
    db::Database& db = w.db();
    const json fields = {{field, chosen}};
    const std::string child_id = record.value("child_id", "");
    write_profile_fields(w, {entity, entity_id, child_id, fields});
    Event event;
    event.child_id = record.value("child_id", "");
    if (event.child_id->empty()) event.child_id.reset();
    event.township = record.value("township", station.township());
    event.kind = "conflict.resolve";
    event.payload = {{"conflict_id", record.value("id", "")}, {"entity", entity}, {"entity_id", entity_id},
                     {"field", field}, {"value", chosen}};
    record_event(w, event);
    auto update = db.cached("UPDATE conflicts SET status = 'resolved' WHERE id = ?1");
    update->bind(1, record.value("id", ""));
    update->run();
    return Status::ok();
  });
}

}  // namespace tongdang::sync
