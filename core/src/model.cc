#include "tongdang/core/model.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "vocabulary.h"

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
std::optional<Category> parse_category(std::string_view t) { return parse_in(vocabulary::kCategories, t); }
std::optional<Colour> parse_colour(std::string_view t) { return parse_in(vocabulary::kColours, t); }
std::optional<Sex> parse_sex(std::string_view t) { return parse_in(vocabulary::kSexes, t); }
std::optional<HukouStatus> parse_hukou_status(std::string_view t) { return parse_in(vocabulary::kHukouStatuses, t); }
std::optional<Relation> parse_relation(std::string_view t) { return parse_in(vocabulary::kRelations, t); }
std::optional<RelativeStatus> parse_relative_status(std::string_view t) {
  return parse_in(vocabulary::kRelativeStatuses, t);
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
