// The tables of choices themselves (choices.h), as constant data: the one place their words are written. Private to
// core/model: choices.cc serves them through choices(), vocabulary.h binds the enums of model.h to them. The labels
// are those of docs/domain.md and docs/workflow.md; the synonyms are words ledgers and directors write. A synonym
// must name one choice only within its vocabulary (the choices test checks every table for that): a word that
// could mean two choices is not accepted, the label must be written.
#pragma once

#include <array>

#include "core/model/choices.h"

namespace tongdang::choice_tables {

// Long on purpose: data tables, one choice a line, read best in one piece.
inline constexpr std::array<Choice, 4> kRoles = {{
    {"director", "儿童主任", "children's director", "主任|村儿童主任"},
    {"supervisor", "儿童督导员", "child supervisor", "督导员|督导"},
    {"county", "县级未保中心", "county centre", "县级|县中心|未保中心"},
    {"viewer", "查看者", "viewer", "查看|只读"},
}};

inline constexpr std::array<Choice, 9> kCategories = {{
    {"ORPHAN", "孤儿", "orphan", ""},
    {"FUC", "事实无人抚养儿童", "de-facto unsupported child", "事实无人抚养"},
    {"DISABLED_SEVERE", "重残儿童", "severely disabled", "重残|重度残疾"},
    {"ILL_SERIOUS", "重病儿童", "seriously ill", "重病"},
    {"LOW_INCOME", "低保/特困家庭儿童", "low-income household", "低保|特困|低保家庭|特困家庭"},
    {"GUARDIAN_RISK", "监护缺失/不当", "guardianship risk", "监护缺失|监护不当"},
    {"LEFT_BEHIND", "留守儿童", "left-behind", "留守"},
    {"MIGRANT", "流动儿童", "migrant", "流动"},
    {"OTHER", "其他困境儿童", "other", "其他|其它"},
}};

inline constexpr std::array<Choice, 4> kColours = {{
    {"red", "红色", "red", "红"},
    {"yellow", "黄色", "yellow", "黄"},
    {"blue", "蓝色", "blue", "蓝"},
    {"green", "绿色", "green", "绿"},
}};

inline constexpr std::array<Choice, 2> kSexes = {{
    {"male", "男", "male", "男性|男孩"},
    {"female", "女", "female", "女性|女孩"},
}};

inline constexpr std::array<Choice, 2> kHukouStatuses = {{
    {"registered", "有户籍", "registered", "有户口"},
    {"unregistered", "无户籍", "no household registration", "无户口|未落户"},
}};

inline constexpr std::array<Choice, 10> kRelations = {{
    {"father", "父亲", "father", "父|爸爸"},
    {"mother", "母亲", "mother", "母|妈妈"},
    {"grandfather", "祖父/外祖父", "grandfather", "祖父|外祖父|爷爷|外公|姥爷"},
    {"grandmother", "祖母/外祖母", "grandmother", "祖母|外祖母|奶奶|外婆|姥姥"},
    {"grandparent", "祖辈", "grandparent", "祖父母"},
    {"sibling", "兄弟姐妹", "sibling", "哥哥|姐姐|弟弟|妹妹"},
    {"uncle", "叔伯舅", "uncle", "叔叔|伯父|舅舅"},
    {"aunt", "姑姨", "aunt", "姑姑|姨妈"},
    {"guardian", "受委托监护人", "entrusted guardian", "委托监护人"},
    {"other", "其他亲属", "other", "其他|其它"},
}};

inline constexpr std::array<Choice, 8> kRelativeStatuses = {{
    {"present", "在家", "present", "在本地"},
    {"working_away", "外出务工", "working away", "务工|外出|打工|外出打工"},
    {"dead", "死亡", "dead", "去世|已故|已去世"},
    {"missing", "失踪", "missing", "下落不明|宣告失踪"},
    {"detained", "服刑/强制隔离戒毒/羁押", "detained", "服刑|羁押|强制隔离戒毒|在押"},
    {"severely_disabled", "重残", "severely disabled", "重度残疾"},
    {"seriously_ill", "重病", "seriously ill", "重大疾病"},
    {"lost_contact", "失联", "lost contact", "失去联系|联系不上"},
}};

inline constexpr std::array<Choice, 3> kCapacities = {{
    {"capable", "有监护能力", "capable", "有能力"},
    {"limited", "监护能力弱", "limited", "能力弱|能力有限"},
    {"incapable", "无监护能力", "incapable", "无能力|没有监护能力"},
}};

inline constexpr std::array<Choice, 5> kSchoolings = {{
    {"preschool", "学前", "preschool", "未到学龄"},
    {"in_school", "在校", "in school", "在读|上学"},
    {"dropout", "辍学", "dropped out", "失学"},
    {"not_in_school", "未入学", "not in school", "未上学"},
    {"graduated", "已毕业", "graduated", "毕业"},
}};

inline constexpr std::array<Choice, 2> kFileStatuses = {{
    {"open", "在册", "open", ""},
    {"closed", "已结案", "closed", "结案"},
}};

inline constexpr std::array<Choice, 3> kVisitKinds = {{
    {"home", "入户走访", "home visit", "入户|上门|家访|走访"},
    {"phone", "电话联系", "phone call", "电话|打电话"},
    {"video", "视频联系", "video call", "视频|视频通话"},
}};

inline constexpr std::array<Choice, 6> kKeyEvents = {{
    {"carer_change", "监护人变更", "change of carer", "照料人变更|更换监护人"},
    {"parent_left", "父母外出", "a parent left", "父母离家"},
    {"parent_returned", "父母返回", "a parent returned", "父母回家|父母返乡"},
    {"hospitalised", "住院", "hospitalised", "住院治疗|hospitalized"},
    {"dropout", "辍学", "dropout", "失学"},
    {"new_report", "新的报告", "new report", "新报告|新举报"},
}};

inline constexpr std::array<Choice, 10> kCareAreas = {{
    {"LIVING", "生活保障", "living support", "生活|基本生活"},
    {"MEDICAL", "医疗", "medical", "医疗保障|医保"},
    {"REHAB", "康复", "rehabilitation", "康复救助"},
    {"EDUCATION", "教育", "education", "教育帮扶"},
    {"GUARDIANSHIP", "监护", "guardianship", "监护责任"},
    {"PSYCH", "心理", "psychological", "心理健康|心理疏导"},
    {"SAFETY", "安全", "safety", "安全保护|安全教育"},
    {"LEGAL", "法律", "legal", "法律援助"},
    {"FAMILY_CONTACT", "亲情联系", "family contact", "亲情"},
    {"SOCIAL", "社会融入", "social inclusion", "社会关爱"},
}};

inline constexpr std::array<Choice, 5> kCareStatuses = {{
    {"planned", "计划", "planned", "计划中|已计划|待实施"},
    {"in_progress", "实施中", "in progress", "进行中|正在实施"},
    {"done", "已完成", "done", "完成|已落实"},
    {"refused", "拒绝", "refused", "已拒绝"},
    {"not_needed", "无需", "not needed", "不需要"},
}};

inline constexpr std::array<Choice, 8> kLeadSources = {{
    {"director", "儿童主任", "children's director", "主任"},
    {"grid", "网格员", "grid worker", "网格"},
    {"school", "学校", "school", "老师|教师"},
    {"hospital", "医院", "hospital", "卫生院"},
    {"police", "公安", "police", "派出所|民警"},
    {"hotline", "热线", "hotline", "热线电话"},
    {"data", "数据比对", "data comparison", "比对"},
    {"other", "其他", "other", "其它"},
}};

// In the order of RedTrigger (core/rules/instrument.h): R1 is the first.
inline constexpr std::array<Choice, 5> kRedTriggers = {{
    {"R1", "虐待、性侵、暴力、拐卖或非法用工（含疑似）",
     "abuse, sexual abuse, violence, trafficking or illegal employment (incl. suspected)", "虐待|性侵|暴力|拐卖|非法用工"},
    {"R2", "无实际照料人", "no actual carer", "无人照料|独居"},
    {"R3", "走失、离家出走或流浪乞讨", "missing, run away or begging", "走失|失踪|出走|离家出走|流浪|乞讨"},
    {"R4", "家庭无生活来源，或急需医疗未得到救治", "no means of living, or an urgent medical need untreated",
     "无生活来源|急需医疗"},
    {"R5", "自伤、自杀未遂或有自杀意念", "self-harm, suicide attempt or intent", "自伤|自残|自杀"},
}};

inline constexpr std::array<Choice, 5> kCarers = {{
    {"both_parents", "父母均在家", "both parents present", "父母在家|父母都在家"},
    {"one_parent_away", "父母一方外出", "one parent away", "一方外出"},
    {"both_away_capable_relative", "父母均外出，亲属有照料能力", "both away, a capable relative cares",
     "双方外出|父母均外出"},
    {"carer_elderly_ill_disabled", "照料人70岁以上、患病或残疾", "carer 70+, ill or disabled",
     "照料人年老|照料人患病|照料人残疾"},
    {"no_stable_carer", "无稳定有能力的照料人", "no stable capable carer", "无稳定照料人|没有稳定照料人"},
}};

inline constexpr std::array<Choice, 3> kGuardianships = {{
    {"good", "良好", "good", "好|较好"},
    {"fair", "一般", "fair", "中"},
    {"poor", "差", "poor", "较差"},
}};

inline constexpr std::array<Choice, 3> kDisabilities = {{
    {"none", "无", "none", "无残疾"},
    {"moderate", "三、四级肢体/感官残疾", "grade 3–4 physical or sensory", "三级|四级"},
    {"severe", "一、二级或精神/智力残疾", "grade 1–2, or mental or intellectual", "一级|二级|精神残疾|智力残疾"},
}};

inline constexpr std::array<Choice, 3> kIncomes = {{
    {"above_2x", "低保标准2倍及以上", "at least 2× the dibao line", "2倍以上"},
    {"between_1x_2x", "低保标准1至2倍", "1–2× the dibao line", "1至2倍"},
    {"below_1x_or_dibao", "低于低保标准，或低保/特困家庭", "below the line, or a dibao/tekun household",
     "低于低保线|低保|特困|低保家庭"},
}};

inline constexpr std::array<Choice, 3> kSchools = {{
    {"normal", "正常上学", "normal", "正常"},
    {"chronic_absence", "经常缺课", "chronic absence", "缺课|长期缺课"},
    {"dropout", "辍学或未上学", "dropout, or 14–15 and not in school", "辍学|失学|未上学"},
}};

inline constexpr std::array<Choice, 2> kScreeningDecisions = {{
    {"approve", "审核通过", "approve", "通过|同意"},
    {"return", "退回", "return to the director", "退回重查|不通过"},
}};

// The conflict list labels the two values 本站/他站 (this station's, the other's): those words, typed back, must mean
// mine and theirs, never be kept as the value (issue 12's first bug).
inline constexpr std::array<Choice, 2> kConflictSides = {{
    {"mine", "本站的值", "this station's value", "本站|本站值|我的|我方"},
    {"theirs", "他站的值", "the other station's value", "他站|他站值|对方|另一方|另一方的值"},
}};

// Closing a file is never a delete; entered_in_error is a void with a reason.
inline constexpr std::array<Choice, 5> kCloseReasons = {{
    {"aged_out", "超龄（最后一个类别到龄）", "aged out", "超龄|到龄|满18岁|年满18周岁"},
    {"death", "死亡", "death", "去世|已故|死亡销档"},
    {"moved_out_of_county", "迁出本县", "moved out of county", "迁出|迁出县外|外迁"},
    {"no_longer_eligible", "不再符合条件", "no longer eligible", "不符合条件|不再困境"},
    {"entered_in_error", "误录作废", "entered in error", "误录|误登记|录入错误|作废"},
}};

inline constexpr std::array<Choice, 6> kReferralTos = {{
    {"police", "公安机关", "police", "公安|派出所|警察"},
    {"hospital", "医院", "hospital", "医疗机构|卫生院"},
    {"school", "学校", "school", "教育部门"},
    {"court", "法院", "court", "人民法院"},
    {"civil_affairs", "民政部门", "civil affairs", "民政|民政局"},
    {"other", "其他", "other", "其它"},
}};

inline constexpr std::array<Choice, 2> kReferralKinds = {{
    {"mandatory_report", "强制报告", "mandatory report", "报告|强制报告(疑似侵害)"},
    {"referral", "转介", "referral", "转介服务"},
}};

inline constexpr std::array<Choice, 3> kReferralStatuses = {{
    {"handed_over", "已移交", "handed over", "移交"},
    {"accepted", "已受理", "accepted", "受理"},
    {"closed", "已办结", "closed", "办结|结束"},
}};

}  // namespace tongdang::choice_tables
