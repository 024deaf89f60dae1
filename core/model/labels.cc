// The labels of the domain's keys (labels.h): field names, headings, and the vocabularies of vocabulary.h.
#include "core/model/labels.h"

#include <map>

#include "core/model/vocabulary.h"

namespace tongdang::i18n {
namespace {

struct Text {
  std::string_view zh;
  std::string_view en;
};

// Field and heading labels; the enum vocabularies are added from vocabulary.h.
// Long on purpose: it is one data table (a key and its two languages a line), read best in one piece.
const std::map<std::string_view, Text, std::less<>>& labels() {
  static const auto table = [] {
    std::map<std::string_view, Text, std::less<>> t = {
        {"id", {"编号", "id"}},
        {"name", {"姓名", "name"}},
        {"sex", {"性别", "sex"}},
        {"ethnicity", {"民族", "ethnicity"}},
        {"birth_date", {"出生日期", "date of birth"}},
        {"age", {"年龄", "age"}},
        {"id_number", {"身份证号", "ID number"}},
        {"hukou_status", {"户籍状态", "household registration"}},
        {"temp_key", {"临时编号", "temporary key"}},
        {"village", {"现居村(居)", "village"}},
        {"township", {"乡镇(街道)", "township"}},
        {"registered_village", {"户籍地村(居)", "registered village"}},
        {"registered_address", {"户籍地址", "registered address"}},
        {"current_address", {"现住址", "current address"}},
        {"school", {"学校", "school"}},
        {"grade", {"年级", "grade"}},
        {"schooling", {"就学情况", "schooling"}},
        {"boarding", {"寄宿", "boarding"}},
        {"health", {"健康状况", "health"}},
        {"disability_type", {"残疾类型", "disability type"}},
        {"disability_grade", {"残疾等级", "disability grade"}},
        {"disability_cert", {"残疾证号", "disability certificate"}},
        {"phone", {"联系电话", "phone"}},
        {"photo_ref", {"照片", "photo"}},
        {"household_income", {"家庭收入来源", "household income"}},
        {"benefits", {"享受待遇", "benefits"}},
        {"categories", {"类别", "categories"}},
        {"category", {"类别", "category"}},
        {"colour", {"风险等级", "colour"}},
        {"relation", {"关系", "relation"}},
        {"status", {"状态", "status"}},
        {"place", {"地点", "place"}},
        {"since", {"起始日期", "since"}},
        {"until", {"截止日期", "until"}},
        {"capacity", {"监护能力", "capacity"}},
        {"is_guardian", {"监护人", "guardian"}},
        {"address", {"地址", "address"}},
        {"notes", {"备注", "notes"}},
        {"role", {"角色", "role"}},
        {"villages", {"负责村(居)", "villages"}},
        {"reason", {"原因", "reason"}},
        {"from", {"起始日期", "from"}},
        {"to", {"截止日期", "to"}},
        {"relatives", {"家庭成员", "family"}},
        {"closed_reason", {"结案原因", "closing reason"}},
        {"case_worker", {"个案负责人", "case worker"}},
        {"ungraded", {"未定级", "not graded"}},
        {"none", {"无", "none"}},
        {"yes", {"是", "yes"}},
        {"no", {"否", "no"}},
        {"user", {"用户", "user"}},
        {"password", {"密码", "password"}},
        {"line", {"行", "line"}},
        {"column", {"列", "column"}},
        // ---- workflow (docs/workflow.md) ----
        {"case_worker", {"个案负责人", "case worker"}},
        {"lead", {"线索", "lead"}},
        {"score", {"得分", "score"}},
        {"discovered", {"已发现", "discovered"}},
        {"verified", {"已核查", "verified"}},
        {"returned", {"已退回", "returned"}},
        {"reviewed", {"已审核", "reviewed"}},
        {"confirmed", {"已认定", "confirmed"}},
        {"not_eligible", {"不符合条件", "not eligible"}},
        {"duplicate", {"重复", "duplicate"}},
        {"verify", {"入户核查", "home verification"}},
        {"review", {"乡镇审核", "township review"}},
        {"confirm", {"县级认定", "county confirmation"}},
        {"visit", {"入户走访", "home visit"}},
        {"supervisor_visit", {"督导员走访", "supervisor visit"}},
        {"reassessment", {"重新评估", "reassessment"}},
        {"pre_holiday_visit", {"假期前走访", "pre-holiday visit"}},
        {"care_plan", {"最低关爱计划", "minimum care plan"}},
        {"colour_review", {"等级复核", "colour review"}},
        {"first_assessment", {"首次评估", "first assessment"}},
        {"screening_verify", {"排查：入户核查", "screening: home verification"}},
        {"screening_review", {"排查：乡镇审核", "screening: township review"}},
        {"screening_confirm", {"排查：县级认定", "screening: county confirmation"}},
        {"visit_home", {"入户走访", "home visit"}},
        {"visit_phone", {"电话联系", "phone call"}},
        {"visit_video", {"视频联系", "video call"}},
        {"planned", {"计划", "planned"}},
        {"in_progress", {"实施中", "in progress"}},
        {"done", {"已完成", "done"}},
        {"refused", {"拒绝", "refused"}},
        {"not_needed", {"无需", "not needed"}},
        {"carer_change", {"监护人变更", "change of carer"}},
        {"parent_left", {"父母外出", "a parent left"}},
        {"parent_returned", {"父母返回", "a parent returned"}},
        {"hospitalised", {"住院", "hospitalised"}},
        {"dropout", {"辍学", "dropout"}},
        {"new_report", {"新的报告", "new report"}},
        {"category_change", {"类别变更", "category change"}},
        {"summer", {"暑假", "summer holiday"}},
        {"winter", {"寒假", "winter holiday"}},
        {"stale", {"未基于最新定级", "not based on the latest grading"}},
        {"role_may_not_lower", {"该角色无权如此降级", "this role may not lower so"}},
        {"red_needs_clear_reassessment", {"红色降级须先经无触发项的重新评估", "lowering red needs a reassessment with no trigger"}},
        {"measure", {"至少一项措施", "at least one measure"}},
        {"grid", {"网格员", "grid worker"}},
        {"hospital", {"医院", "hospital"}},
        {"police", {"公安", "police"}},
        {"hotline", {"热线", "hotline"}},
        {"data", {"数据比对", "data comparison"}},
        {"assessment", {"评估", "assessment"}},
        {"colour.raise", {"提级", "raise"}},
        {"colour.lower", {"降级", "lowering"}},
        {"colour.resolve", {"复核处理（维持）", "review resolved (kept)"}},
        {"file", {"文件", "file"}},
        // ---- audit actions and event kinds, as a file's change history shows them ----
        {"child.add", {"登记档案", "file registered"}},
        {"child.edit", {"修改档案", "file edited"}},
        {"relative.add", {"添加家庭成员", "relative added"}},
        {"relative.edit", {"修改家庭成员", "relative edited"}},
        {"membership.add", {"添加类别", "category added"}},
        {"membership.end", {"结束类别", "category ended"}},
        {"membership.confirm", {"类别认定", "category confirmed"}},
        {"file.close", {"结案", "file closed"}},
        {"file.reopen", {"重新开案", "file reopened"}},
        {"file.open_red", {"查看红色档案", "red file opened"}},
        {"file.open_full_id", {"查看完整身份证号", "full ID number shown"}},
        {"care.add", {"添加关爱措施", "care measure added"}},
        {"care.update", {"更新关爱措施", "care measure updated"}},
        {"case_worker.assign", {"指定个案负责人", "case worker named"}},
        {"lead.add", {"登记线索", "lead recorded"}},
        {"screen.verify", {"入户核查", "home verification"}},
        {"screen.review", {"乡镇审核通过", "township review passed"}},
        {"screen.return", {"乡镇审核退回", "returned by the township"}},
        {"screen.confirm", {"县级认定", "county confirmation"}},
        {"screen.close_lead", {"线索关闭", "lead closed"}},
        // ---- the instrument's answers (docs/domain.md "The instrument"), keyed "question.answer" ----
        {"trigger.R1", {"R1 虐待、性侵、暴力、拐卖或非法用工（含疑似）", "R1 abuse, sexual abuse, violence, trafficking or illegal employment (incl. suspected)"}},
        {"trigger.R2", {"R2 无实际照料人", "R2 no actual carer"}},
        {"trigger.R3", {"R3 走失、离家出走或流浪乞讨", "R3 missing, run away or begging"}},
        {"trigger.R4", {"R4 家庭无生活来源，或急需医疗未得到救治", "R4 no means of living, or urgent medical need untreated"}},
        {"trigger.R5", {"R5 自伤、自杀未遂或有自杀意念", "R5 self-harm, suicide attempt or intent"}},
        {"carer", {"照料情况", "carer"}},
        {"carer.both_parents", {"父母均在家", "both parents present"}},
        {"carer.one_parent_away", {"父母一方外出", "one parent away"}},
        {"carer.both_away_capable_relative", {"父母均外出，亲属有照料能力", "both away, a capable relative cares"}},
        {"carer.carer_elderly_ill_disabled", {"照料人70岁以上、患病或残疾", "carer 70+, ill or disabled"}},
        {"carer.no_stable_carer", {"无稳定有能力的照料人", "no stable capable carer"}},
        {"guardianship", {"监护状况", "guardianship"}},
        {"guardianship.good", {"良好", "good"}},
        {"guardianship.fair", {"一般", "fair"}},
        {"guardianship.poor", {"差", "poor"}},
        {"home_hazards", {"居家安全隐患（项）", "home hazards (count)"}},
        {"past_abuse_resolved", {"近12个月曾有虐待或忽视，现已消除", "abuse or neglect in the last 12 months, now resolved"}},
        {"disability", {"残疾情况", "disability"}},
        {"disability.none", {"无", "none"}},
        {"disability.moderate", {"三、四级肢体/感官残疾", "grade 3–4 physical or sensory"}},
        {"disability.severe", {"一、二级或精神/智力残疾", "grade 1–2, or mental or intellectual"}},
        {"serious_illness", {"患重病", "serious illness"}},
        {"unmet_treatment", {"治疗或康复需求未满足", "unmet treatment or rehabilitation need"}},
        {"warning_signs", {"心理预警信号（项）", "warning signs (count)"}},
        {"behaviour_problems", {"行为问题（项）", "behaviour problems (count)"}},
        {"income", {"家庭收入", "household income"}},
        {"income.above_2x", {"低保标准2倍及以上", "at least 2× the dibao line"}},
        {"income.between_1x_2x", {"低保标准1至2倍", "1–2× the dibao line"}},
        {"income.below_1x_or_dibao", {"低于低保标准，或低保/特困家庭", "below the line, or a dibao/tekun household"}},
        {"school.normal", {"正常上学", "normal"}},
        {"school.chronic_absence", {"经常缺课", "chronic absence"}},
        {"school.dropout", {"辍学", "dropped out"}},
        {"parent_contact_gap_months", {"距上次与父母见面（月，仅留守儿童）", "months since meeting a parent (left-behind only)"}},
        {"triggers", {"红色触发项", "red triggers"}},
        // ---- lead sources (screening step 1) ----
        {"lead_source.director", {"儿童主任", "children's director"}},
        {"lead_source.grid", {"网格员", "grid worker"}},
        {"lead_source.school", {"学校", "school"}},
        {"lead_source.hospital", {"医院", "hospital"}},
        {"lead_source.police", {"公安", "police"}},
        {"lead_source.hotline", {"热线", "hotline"}},
        {"lead_source.data", {"数据比对", "data comparison"}},
        {"lead_source.other", {"其他", "other"}},
        {"key_event", {"重要事件", "key event"}},
        {"kind", {"方式", "kind"}},
        {"area", {"领域", "area"}},
        // ---- payload text named in errors (text_limits.h) ----
        {"item", {"措施内容", "measure"}},
        {"provider", {"提供方", "provider"}},
        {"outcome", {"成效", "outcome"}},
        {"reporter", {"报告人", "reporter"}},
        {"seen", {"发现情况", "what was seen"}},
        {"with", {"同行人员", "accompanied by"}},
        {"source", {"线索来源", "source"}},
    };
    auto add = [&t](const auto& vocabulary) {
      for (const auto& term : vocabulary) t.emplace(term.key, Text{term.zh, term.en});
    };
    add(vocabulary::kRoles);
    add(vocabulary::kCategories);
    add(vocabulary::kColours);
    add(vocabulary::kSexes);
    add(vocabulary::kHukouStatuses);
    add(vocabulary::kRelations);
    add(vocabulary::kRelativeStatuses);
    add(vocabulary::kCapacities);
    add(vocabulary::kSchoolings);
    add(vocabulary::kFileStatuses);
    return t;
  }();
  return table;
}

}  // namespace

std::string label(std::string_view key) {
  const auto& table = labels();
  auto it = table.find(key);
  if (it == table.end()) return std::string(key);
  return std::string(language() == Lang::Zh ? it->second.zh : it->second.en);
}

Message term(std::string_view key) {
  const auto& table = labels();
  auto it = table.find(key);
  if (it == table.end()) return Message(std::string(key));
  return Message::bilingual(std::string(it->second.zh), std::string(it->second.en));
}

}  // namespace tongdang::i18n
