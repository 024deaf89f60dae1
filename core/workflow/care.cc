#include "core/workflow/care.h"

#include <algorithm>
#include <array>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/store/events.h"
#include "core/store/record_ref.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

// What the catalogue adds to each area of Vocabulary::CareArea (core/model/choices.h, which holds its code and
// names): the typical items and the usual provider (docs/domain.md "The care catalogue").
struct AreaDetails {
  std::string_view code;
  std::string_view items_zh, items_en;
  std::string_view provider_zh, provider_en;
};

constexpr std::array<AreaDetails, 10> kAreaDetails = {{
    {"LIVING", "低保、特困供养、孤儿/事实无人抚养儿童基本生活费、临时救助",
     "subsistence allowance, extreme-poverty support, orphan/FUC allowance, temporary assistance", "民政",
     "civil affairs"},
    {"MEDICAL", "城乡居民医保资助参保、医疗救助", "subsidised health insurance, medical assistance", "医保、卫健",
     "health insurance bureau, health commission"},
    {"REHAB", "残疾儿童康复救助、辅助器具", "disabled-child rehabilitation, assistive devices", "残联",
     "disabled persons' federation"},
    {"EDUCATION", "学生资助、控辍保学、送教上门、学业辅导",
     "student aid, dropout prevention, schooling at home, tutoring", "教育", "education bureau"},
    {"GUARDIANSHIP", "签订监护责任书、受委托监护人能力评估、家庭教育指导、临时或长期国家监护",
     "guardianship-responsibility letter, check of the entrusted carer, family-education guidance, temporary or "
     "long-term state guardianship",
     "民政、未保站", "civil affairs, protection station"},
    {"PSYCH", "心理筛查、心理疏导、转介", "screening, counselling, referral", "教育、卫健、社工",
     "education, health, social workers"},
    {"SAFETY", "防溺水、防性侵、交通安全教育；排除家中安全隐患",
     "drowning, sexual-abuse and traffic safety; fixing home hazards", "公安、教育、村(居)委会",
     "police, education, village committee"},
    {"LEGAL", "法律援助；办理户籍登记", "legal aid; fixing a missing household registration", "司法、公安",
     "justice bureau, police"},
    {"FAMILY_CONTACT", "与外出务工父母定期通话、视频", "scheduled calls with parents working away", "儿童主任",
     "children's director"},
    {"SOCIAL", "未保站活动、志愿者结对、假期活动", "station activities, volunteer pairing, holiday programmes",
     "共青团、妇联、社会组织", "youth league, women's federation, NGOs"},
}};

}  // namespace

const std::vector<CareArea>& care_catalogue() {
  static const std::vector<CareArea> catalogue = [] {
    std::vector<CareArea> areas;
    for (const Choice& area : choices(Vocabulary::CareArea)) {
      auto details = std::find_if(kAreaDetails.begin(), kAreaDetails.end(),
                                  [&](const AreaDetails& d) { return d.code == area.key; });
      CareArea row{area.key, area.zh, area.en, {}, {}, {}, {}};
      if (details != kAreaDetails.end())
        row = {area.key,
               area.zh,
               area.en,
               details->items_zh,
               details->items_en,
               details->provider_zh,
               details->provider_en};
      areas.push_back(row);
    }
    return areas;
  }();
  return catalogue;
}

const CareArea* find_care_area(std::string_view text) {
  auto code = parse_choice(Vocabulary::CareArea, text);
  if (!code) return nullptr;
  for (const auto& area : care_catalogue())
    if (area.code == *code) return &area;
  return nullptr;
}

const std::vector<std::string_view>& care_statuses() {
  static const std::vector<std::string_view> statuses = keys_of(Vocabulary::CareStatus);
  return statuses;
}

bool is_care_status(std::string_view status) {
  return find_choice(Vocabulary::CareStatus, status) != nullptr;
}

namespace {

Result<std::string> writable_child(Station& station, std::string_view ref) {
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  return id;
}

Status status_invalid(std::string_view status) {
  return Status::invalid("status", not_a_choice(Vocabulary::CareStatus, status));
}

}  // namespace

Result<std::string> add_care_measure(Station& station, std::string_view child_ref, const NewMeasure& m) {
  auto id = writable_child(station, child_ref);
  if (!id) return id.status();
  const CareArea* area = find_care_area(m.area);
  if (!area) return Status::invalid("area", not_a_choice(Vocabulary::CareArea, m.area));
  if (m.item.empty()) return Status::invalid("item", tr("需要写明关爱措施内容", "say what the measure is"));
  if (!is_care_status(m.status)) return status_invalid(m.status);
  Date on = m.on.value_or(station.clock().today());
  std::string event_id;
  Status written = station.write([&](WriteContext& w) {
    Event event;
    event.child_id = id.value();
    event.kind = "care.add";
    event.occurred_on = on.to_string();
    event.payload = {{"area", std::string(area->code)}, {"item", m.item}, {"provider", m.provider},
                     {"status", m.status}, {"notes", m.notes}};
    record_event(w, event);
    event_id = event.id;
    return Status::ok();
  });
  if (!written) return written;
  return event_id;
}

Status update_care_measure(Station& station, std::string_view ref, const MeasureUpdate& u) {
  auto found = resolve_record_ref(station.db(), "care_measures", ref, "id", "关爱措施", "care measure");
  if (!found) return found.status();
  const std::string id = found.value();
  auto query = station.db().cached("SELECT child_id FROM care_measures WHERE id = ?1");
  query->bind(1, id);
  if (!query->step()) return Status::not_found(trf("找不到关爱措施 {}", "no care measure {}", ref));
  const std::string child_id = query->get_text(0);
  query->reset();
  if (auto access = check_child_access(station, child_id, true); !access) return access;
  if (u.status && !is_care_status(*u.status)) return status_invalid(*u.status);
  if (!u.status && !u.outcome && !u.provider && !u.notes)
    return Status::invalid("status", tr("没有要更新的内容（--status、--outcome、--provider、--notes）",
                                        "nothing to update (--status, --outcome, --provider, --notes)"));
  Date on = u.on.value_or(station.clock().today());
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = child_id;
    event.kind = "care.update";
    event.occurred_on = on.to_string();
    event.payload = {{"measure_id", id}};
    if (u.status) event.payload["status"] = *u.status;
    if (u.outcome) event.payload["outcome"] = *u.outcome;
    if (u.provider) event.payload["provider"] = *u.provider;
    if (u.notes) event.payload["notes"] = *u.notes;
    record_event(w, event);
    return Status::ok();
  });
}

Result<std::vector<json>> list_care_measures(Station& station, std::string_view child_ref) {
  auto id = resolve_child(station, child_ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), false); !access) return access;
  auto query = station.db().cached(
      "SELECT id, area, item, provider, status, started_on, updated_on, done_on, outcome, created_by FROM care_measures"
      " WHERE child_id = ?1 ORDER BY started_on, id");
  query->bind(1, id.value());
  std::vector<json> rows;
  auto opt = [&query](int column) {
    auto value = query->get_optional_text(column);
    return value ? json(*value) : json(nullptr);
  };
  while (query->step())
    rows.push_back({{"id", query->get_text(0)},     {"area", query->get_text(1)},   {"item", query->get_text(2)},
                    {"provider", opt(3)},            {"status", query->get_text(4)}, {"started_on", query->get_text(5)},
                    {"updated_on", query->get_text(6)}, {"done_on", opt(7)},        {"outcome", opt(8)},
                    {"created_by", query->get_text(9)}});
  return rows;
}

Status assign_case_worker(Station& station, std::string_view child_ref, std::string_view name) {
  Role role = station.actor().role;
  if (!access::may(role, access::Action::AssignCaseWorker))
    return Status::refused(trf("{}（{}）不能指定个案负责人；需要督导员或县级用户", "{} ({}) may not name the case worker; "
                               "a supervisor or county user must", station.actor().name, i18n::term(to_string(role))));
  auto id = writable_child(station, child_ref);
  if (!id) return id.status();
  if (name.empty()) return Status::invalid("name", tr("需要个案负责人姓名", "the case worker's name is needed"));
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = id.value();
    event.kind = "case_worker.assign";
    event.payload = {{"name", name}};
    record_event(w, event);
    return Status::ok();
  });
}

}  // namespace tongdang
