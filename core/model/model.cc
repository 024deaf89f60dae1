#include "core/model/model.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/model/vocabulary.h"

namespace tongdang {
namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<Term<Enum>, N>& table, Enum value) {
  for (const auto& term : table)
    if (term.value == value) return term.key;
  return "?";
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse_in(const std::array<Term<Enum>, N>& table, std::string_view text) {
  for (const auto& term : table)
    if (equals_ignore_case(term.key, text) || term.zh == text || equals_ignore_case(term.en, text)) return term.value;
  return std::nullopt;
}

// Words ledgers and people commonly write for a term, beyond its machine name and its labels (a ledger says
// 奶奶 or 外婆, 留守 or 低保). Only unambiguous words: anything else must be spelled as the label.
template <typename Enum>
struct Alias {
  std::string_view word;
  Enum value;
};

constexpr std::array<Alias<Category>, 13> kCategoryAliases = {{
    {"孤儿", Category::Orphan},          {"事实无人抚养", Category::Fuc},     {"重残", Category::DisabledSevere},
    {"重病", Category::IllSerious},      {"低保", Category::LowIncome},       {"特困", Category::LowIncome},
    {"低保家庭", Category::LowIncome},   {"监护缺失", Category::GuardianRisk}, {"监护不当", Category::GuardianRisk},
    {"留守", Category::LeftBehind},      {"流动", Category::Migrant},         {"其他", Category::Other},
    {"其它", Category::Other},
}};

constexpr std::array<Alias<Relation>, 22> kRelationAliases = {{
    {"父", Relation::Father},       {"爸爸", Relation::Father},       {"母", Relation::Mother},
    {"妈妈", Relation::Mother},     {"祖父", Relation::Grandfather},  {"外祖父", Relation::Grandfather},
    {"爷爷", Relation::Grandfather}, {"外公", Relation::Grandfather}, {"姥爷", Relation::Grandfather},
    {"祖母", Relation::Grandmother}, {"外祖母", Relation::Grandmother}, {"奶奶", Relation::Grandmother},
    {"外婆", Relation::Grandmother}, {"姥姥", Relation::Grandmother}, {"哥哥", Relation::Sibling},
    {"姐姐", Relation::Sibling},    {"叔叔", Relation::Uncle},        {"伯父", Relation::Uncle},
    {"舅舅", Relation::Uncle},      {"姑姑", Relation::Aunt},         {"姨妈", Relation::Aunt},
    {"受委托监护人", Relation::Guardian},
}};

constexpr std::array<Alias<RelativeStatus>, 9> kRelativeStatusAliases = {{
    {"务工", RelativeStatus::WorkingAway},  {"外出", RelativeStatus::WorkingAway},
    {"去世", RelativeStatus::Dead},         {"已故", RelativeStatus::Dead},
    {"服刑", RelativeStatus::Detained},     {"羁押", RelativeStatus::Detained},
    {"强制隔离戒毒", RelativeStatus::Detained}, {"重度残疾", RelativeStatus::SeverelyDisabled},
    {"下落不明", RelativeStatus::Missing},
}};

template <typename Enum, std::size_t N, std::size_t M>
std::optional<Enum> parse_with_aliases(const std::array<Term<Enum>, N>& table, const std::array<Alias<Enum>, M>& aliases,
                                       std::string_view text) {
  if (auto found = parse_in(table, text)) return found;
  for (const auto& alias : aliases)
    if (alias.word == text) return alias.value;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Role v) { return name_of(vocabulary::kRoles, v); }
std::string_view to_string(Category v) { return name_of(vocabulary::kCategories, v); }
std::string_view to_string(Colour v) { return name_of(vocabulary::kColours, v); }
std::string_view to_string(Sex v) { return name_of(vocabulary::kSexes, v); }
std::string_view to_string(HukouStatus v) { return name_of(vocabulary::kHukouStatuses, v); }
std::string_view to_string(Relation v) { return name_of(vocabulary::kRelations, v); }
std::string_view to_string(RelativeStatus v) { return name_of(vocabulary::kRelativeStatuses, v); }
std::string_view to_string(Capacity v) { return name_of(vocabulary::kCapacities, v); }
std::string_view to_string(Schooling v) { return name_of(vocabulary::kSchoolings, v); }
std::string_view to_string(FileStatus v) { return name_of(vocabulary::kFileStatuses, v); }

std::optional<Role> parse_role(std::string_view t) { return parse_in(vocabulary::kRoles, t); }
std::optional<Category> parse_category(std::string_view t) {
  return parse_with_aliases(vocabulary::kCategories, kCategoryAliases, t);
}
std::optional<Colour> parse_colour(std::string_view t) { return parse_in(vocabulary::kColours, t); }
std::optional<Sex> parse_sex(std::string_view t) { return parse_in(vocabulary::kSexes, t); }
std::optional<HukouStatus> parse_hukou_status(std::string_view t) { return parse_in(vocabulary::kHukouStatuses, t); }
std::optional<Relation> parse_relation(std::string_view t) {
  return parse_with_aliases(vocabulary::kRelations, kRelationAliases, t);
}
std::optional<RelativeStatus> parse_relative_status(std::string_view t) {
  return parse_with_aliases(vocabulary::kRelativeStatuses, kRelativeStatusAliases, t);
}
std::optional<Capacity> parse_capacity(std::string_view t) { return parse_in(vocabulary::kCapacities, t); }
std::optional<Schooling> parse_schooling(std::string_view t) { return parse_in(vocabulary::kSchoolings, t); }

std::vector<Category> all_categories() {
  std::vector<Category> all;
  for (const auto& term : vocabulary::kCategories) all.push_back(term.value);
  return all;
}

std::vector<Colour> all_colours_high_first() { return {Colour::Red, Colour::Yellow, Colour::Blue, Colour::Green}; }

int category_age_limit(Category category) {
  switch (category) {
    case Category::LeftBehind:
    case Category::Migrant: return 16;
    default: return 18;
  }
}

}  // namespace tongdang
