// The tables behind model.h and i18n::label(): one row per term, its machine key, Chinese and English text.
// Private to core.
#pragma once

#include <array>
#include <string_view>

#include "core/model/model.h"

namespace tongdang {

template <typename Enum>
struct Term {
  Enum value;
  std::string_view key;
  std::string_view zh;
  std::string_view en;
};

namespace vocabulary {

inline constexpr std::array<Term<Role>, 4> kRoles = {{
    {Role::Director, "director", "儿童主任", "children's director"},
    {Role::Supervisor, "supervisor", "儿童督导员", "child supervisor"},
    {Role::County, "county", "县级未保中心", "county centre"},
    {Role::Viewer, "viewer", "查看者", "viewer"},
}};

inline constexpr std::array<Term<Category>, 9> kCategories = {{
    {Category::Orphan, "ORPHAN", "孤儿", "orphan"},
    {Category::Fuc, "FUC", "事实无人抚养儿童", "de-facto unsupported child"},
    {Category::DisabledSevere, "DISABLED_SEVERE", "重残儿童", "severely disabled"},
    {Category::IllSerious, "ILL_SERIOUS", "重病儿童", "seriously ill"},
    {Category::LowIncome, "LOW_INCOME", "低保/特困家庭儿童", "low-income household"},
    {Category::GuardianRisk, "GUARDIAN_RISK", "监护缺失/不当", "guardianship risk"},
    {Category::LeftBehind, "LEFT_BEHIND", "留守儿童", "left-behind"},
    {Category::Migrant, "MIGRANT", "流动儿童", "migrant"},
    {Category::Other, "OTHER", "其他困境儿童", "other"},
}};

inline constexpr std::array<Term<Colour>, 4> kColours = {{
    {Colour::Red, "red", "红色", "red"},
    {Colour::Yellow, "yellow", "黄色", "yellow"},
    {Colour::Blue, "blue", "蓝色", "blue"},
    {Colour::Green, "green", "绿色", "green"},
}};

inline constexpr std::array<Term<Sex>, 2> kSexes = {{
    {Sex::Male, "male", "男", "male"},
    {Sex::Female, "female", "女", "female"},
}};

inline constexpr std::array<Term<HukouStatus>, 2> kHukouStatuses = {{
    {HukouStatus::Registered, "registered", "有户籍", "registered"},
    {HukouStatus::Unregistered, "unregistered", "无户籍", "no household registration"},
}};

inline constexpr std::array<Term<Relation>, 10> kRelations = {{
    {Relation::Father, "father", "父亲", "father"},
    {Relation::Mother, "mother", "母亲", "mother"},
    {Relation::Grandfather, "grandfather", "祖父/外祖父", "grandfather"},
    {Relation::Grandmother, "grandmother", "祖母/外祖母", "grandmother"},
    {Relation::Grandparent, "grandparent", "祖辈", "grandparent"},
    {Relation::Sibling, "sibling", "兄弟姐妹", "sibling"},
    {Relation::Uncle, "uncle", "叔伯舅", "uncle"},
    {Relation::Aunt, "aunt", "姑姨", "aunt"},
    {Relation::Guardian, "guardian", "受委托监护人", "entrusted guardian"},
    {Relation::Other, "other", "其他亲属", "other"},
}};

inline constexpr std::array<Term<RelativeStatus>, 8> kRelativeStatuses = {{
    {RelativeStatus::Present, "present", "在家", "present"},
    {RelativeStatus::WorkingAway, "working_away", "外出务工", "working away"},
    {RelativeStatus::Dead, "dead", "死亡", "dead"},
    {RelativeStatus::Missing, "missing", "失踪", "missing"},
    {RelativeStatus::Detained, "detained", "服刑/强制隔离戒毒/羁押", "detained"},
    {RelativeStatus::SeverelyDisabled, "severely_disabled", "重残", "severely disabled"},
    {RelativeStatus::SeriouslyIll, "seriously_ill", "重病", "seriously ill"},
    {RelativeStatus::LostContact, "lost_contact", "失联", "lost contact"},
}};

inline constexpr std::array<Term<Capacity>, 3> kCapacities = {{
    {Capacity::Capable, "capable", "有监护能力", "capable"},
    {Capacity::Limited, "limited", "监护能力弱", "limited"},
    {Capacity::Incapable, "incapable", "无监护能力", "incapable"},
}};

inline constexpr std::array<Term<Schooling>, 5> kSchoolings = {{
    {Schooling::Preschool, "preschool", "学前", "preschool"},
    {Schooling::InSchool, "in_school", "在校", "in school"},
    {Schooling::Dropout, "dropout", "辍学", "dropped out"},
    {Schooling::NotInSchool, "not_in_school", "未入学", "not in school"},
    {Schooling::Graduated, "graduated", "已毕业", "graduated"},
}};

inline constexpr std::array<Term<FileStatus>, 2> kFileStatuses = {{
    {FileStatus::Open, "open", "在册", "open"},
    {FileStatus::Closed, "closed", "已结案", "closed"},
}};

}  // namespace vocabulary
}  // namespace tongdang
