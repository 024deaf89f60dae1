#include "core/workflow/care.h"

#include <algorithm>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/store/events.h"
#include "core/store/record_ref.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

const std::vector<CareArea>& care_catalogue() {
  static const std::vector<CareArea> catalogue = {
      {"LIVING", "生活保障", "living support", "低保、特困供养、孤儿/事实无人抚养儿童基本生活费、临时救助",
       "subsistence allowance, extreme-poverty support, orphan/FUC allowance, temporary assistance", "民政",
       "civil affairs"},
      {"MEDICAL", "医疗", "medical", "城乡居民医保资助参保、医疗救助", "subsidised health insurance, medical assistance",
       "医保、卫健", "health insurance bureau, health commission"},
      {"REHAB", "康复", "rehabilitation", "残疾儿童康复救助、辅助器具", "disabled-child rehabilitation, assistive devices",
       "残联", "disabled persons' federation"},
      {"EDUCATION", "教育", "education", "学生资助、控辍保学、送教上门、学业辅导",
       "student aid, dropout prevention, schooling at home, tutoring", "教育", "education bureau"},
      {"GUARDIANSHIP", "监护", "guardianship", "签订监护责任书、受委托监护人能力评估、家庭教育指导、临时或长期国家监护",
       "guardianship-responsibility letter, check of the entrusted carer, family-education guidance, temporary or "
       "long-term state guardianship",
       "民政、未保站", "civil affairs, protection station"},
      {"PSYCH", "心理", "psychological", "心理筛查、心理疏导、转介", "screening, counselling, referral", "教育、卫健、社工",
       "education, health, social workers"},
      {"SAFETY", "安全", "safety", "防溺水、防性侵、交通安全教育；排除家中安全隐患",
       "drowning, sexual-abuse and traffic safety; fixing home hazards", "公安、教育、村(居)委会",
       "police, education, village committee"},
      {"LEGAL", "法律", "legal", "法律援助；办理户籍登记", "legal aid; fixing a missing household registration",
       "司法、公安", "justice bureau, police"},
      {"FAMILY_CONTACT", "亲情联系", "family contact", "与外出务工父母定期通话、视频", "scheduled calls with parents working away",
       "儿童主任", "children's director"},
      {"SOCIAL", "社会融入", "social inclusion", "未保站活动、志愿者结对、假期活动", "station activities, volunteer pairing, "
       "holiday programmes", "共青团、妇联、社会组织", "youth league, women's federation, NGOs"},
  };
  return catalogue;
}

const CareArea* find_care_area(std::string_view text) {
  for (const auto& area : care_catalogue()) {
    std::string upper(text);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (area.code == upper || area.zh == text) return &area;
  }
  return nullptr;
}

const std::vector<std::string_view>& care_statuses() {
  static const std::vector<std::string_view> kStatuses = {"planned", "in_progress", "done", "refused", "not_needed"};
  return kStatuses;
}

bool is_care_status(std::string_view status) {
  const auto& statuses = care_statuses();
  return std::find(statuses.begin(), statuses.end(), status) != statuses.end();
}

namespace {

Result<std::string> writable_child(Station& station, std::string_view ref) {
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  return id;
}

Status status_invalid() {
  return Status::invalid("status", tr("应为 planned（计划）、in_progress（实施中）、done（已完成）、refused（拒绝）、"
                                      "not_needed（无需）之一",
                                      "must be planned, in_progress, done, refused or not_needed"));
}

}  // namespace

Result<std::string> add_care_measure(Station& station, std::string_view child_ref, const NewMeasure& m) {
  auto id = writable_child(station, child_ref);
  if (!id) return id.status();
  const CareArea* area = find_care_area(m.area);
  if (!area)
    return Status::invalid("area", tr("应为 LIVING、MEDICAL、REHAB、EDUCATION、GUARDIANSHIP、PSYCH、SAFETY、LEGAL、"
                                      "FAMILY_CONTACT、SOCIAL 之一（见 care catalogue）",
                                      "must be one of LIVING, MEDICAL, REHAB, EDUCATION, GUARDIANSHIP, PSYCH, SAFETY, "
                                      "LEGAL, FAMILY_CONTACT, SOCIAL (see care catalogue)"));
  if (m.item.empty()) return Status::invalid("item", tr("需要写明关爱措施内容", "say what the measure is"));
  if (!is_care_status(m.status)) return status_invalid();
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
  if (u.status && !is_care_status(*u.status)) return status_invalid();
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
