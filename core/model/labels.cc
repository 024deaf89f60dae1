// The labels of the domain's keys (labels.h): field names, headings, and every table of choices (choices.h).
#include "core/model/labels.h"

#include <map>

namespace tongdang::i18n {
namespace {

struct Text {
  std::string_view zh;
  std::string_view en;
};

// Field and heading labels; the choices of every vocabulary are added from choices.h (a key already here keeps
// its label: "phone" is the field 联系电话, the visit kind is labelled with label(Vocabulary::VisitKind, "phone")).
// Long on purpose: it is one data table (a key and its two languages a line), read best in one piece.
const std::map<std::string, Text, std::less<>>& labels() {
  static const auto table = [] {
    std::map<std::string, Text, std::less<>> t = {
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
        {"merged", {"已合并到另一档案", "merged into another file"}},
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
        {"category_change", {"类别变更", "category change"}},
        {"summer", {"暑假", "summer holiday"}},
        {"winter", {"寒假", "winter holiday"}},
        {"stale", {"未基于最新定级", "not based on the latest grading"}},
        {"role_may_not_lower", {"该角色无权如此降级", "this role may not lower so"}},
        {"lowering_needs_assessment",
         {"降级须有提级后的评估结果支持（先重新评估）", "a lowering needs an assessment since the last raise that scores "
          "that low (reassess first)"}},
        {"red_needs_clear_reassessment",
         {"红色降级须先经无触发项的重新评估", "lowering red needs a reassessment with no trigger"}},
        {"measure", {"至少一项措施", "at least one measure"}},
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
        {"file.transfer", {"转移到其他乡镇", "transferred to another township"}},
        {"file.import", {"从外县转入", "transferred in from another county"}},
        {"child.set_id", {"更正身份证号", "ID number corrected"}},
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
        {"referral.add", {"强制报告/转介", "report or referral made"}},
        {"referral.update", {"报告/转介进展", "report or referral updated"}},
        {"conflict.resolve", {"冲突处理", "conflict resolved"}},
        {"referral", {"报告/转介", "report or referral"}},
        {"summary", {"内容", "summary"}},
        // ---- the kinds of item in `tongdang review` ----
        {"review_kind.lowering", {"待复核的降级", "lowering to review"}},
        {"review_kind.red_lowering", {"红色降级（县级）", "red lowering (county)"}},
        {"review_kind.screening_review", {"排查待乡镇审核", "screening to review"}},
        {"review_kind.screening_confirm", {"排查待县级认定", "screening to confirm"}},
        {"review_kind.screening_returned", {"排查已退回", "screening returned"}},
        {"review_kind.screening_verify", {"排查待核查", "screening to verify"}},
        {"review_kind.escalation", {"逾期上报", "escalation"}},
        {"review_kind.referral", {"未办结的报告/转介", "open report or referral"}},
        {"review_kind.closing", {"即将到龄结案", "file closing at its age limit"}},
        {"review_kind.age_limit", {"类别即将到龄", "category reaching its age limit"}},
        {"review_kind.conflict", {"同步冲突", "sync conflict"}},
        {"review_kind.duplicate", {"疑似重复档案", "duplicate candidate"}},
        {"review_kind.moved_out", {"迁出本县", "moved out of the county"}},
        // ---- the instrument's questions (docs/domain.md "The instrument"); their answers are the choices, below ----
        {"carer", {"照料情况", "carer"}},
        {"guardianship", {"监护状况", "guardianship"}},
        {"home_hazards", {"居家安全隐患（项）", "home hazards (count)"}},
        {"past_abuse_resolved", {"近12个月曾有虐待或忽视，现已消除", "abuse or neglect in the last 12 months, now resolved"}},
        {"disability", {"残疾情况", "disability"}},
        {"serious_illness", {"患重病", "serious illness"}},
        {"unmet_treatment", {"治疗或康复需求未满足", "unmet treatment or rehabilitation need"}},
        {"warning_signs", {"心理预警信号（项）", "warning signs (count)"}},
        {"behaviour_problems", {"行为问题（项）", "behaviour problems (count)"}},
        {"income", {"家庭收入", "household income"}},
        {"parent_contact_gap_months", {"距上次与父母见面（月，仅留守儿童）", "months since meeting a parent (left-behind only)"}},
        {"triggers", {"红色触发项", "red triggers"}},
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
        // ---- what a command's arguments are (its help, its errors) ----
        {"child", {"儿童", "child"}},
        {"relative", {"家庭成员", "relative"}},
        {"ledger", {"台账", "ledger"}},
        {"vocabulary", {"词表", "vocabulary"}},
        {"event", {"关键事件", "key event"}},
    };
    // Each choice twice: by its key ("done"), unless a field or another vocabulary has it first, and by
    // "vocabulary.key" ("care_status.done", "carer.one_parent_away", "trigger.R1"), which is never ambiguous.
    for (const auto& vocabulary : vocabularies())
      for (const auto& choice : choices(vocabulary.vocabulary)) {
        t.emplace(std::string(choice.key), Text{choice.zh, choice.en});
        t.emplace(std::string(vocabulary.name) + "." + std::string(choice.key), Text{choice.zh, choice.en});
      }
    // The names the web's visit form was written with ("visit_home"); "visit_kind.home" is the general form.
    for (const auto& kind : choices(Vocabulary::VisitKind))
      t.emplace("visit_" + std::string(kind.key), Text{kind.zh, kind.en});
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

std::string label(Vocabulary vocabulary, std::string_view key) {
  const Choice* choice = find_choice(vocabulary, key);
  if (!choice) return std::string(key);
  return std::string(language() == Lang::Zh ? choice->zh : choice->en);
}

Message term(Vocabulary vocabulary, std::string_view key) {
  const Choice* choice = find_choice(vocabulary, key);
  if (!choice) return Message(std::string(key));
  return Message::bilingual(std::string(choice->zh), std::string(choice->en));
}

Message term(std::string_view key) {
  const auto& table = labels();
  auto it = table.find(key);
  if (it == table.end()) return Message(std::string(key));
  return Message::bilingual(std::string(it->second.zh), std::string(it->second.en));
}

}  // namespace tongdang::i18n
