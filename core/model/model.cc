#include "core/model/model.h"

#include <array>

#include "core/model/vocabulary.h"

namespace tongdang {
namespace {

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<Term<Enum>, N>& bindings, Enum value) {
  for (const auto& binding : bindings)
    if (binding.value == value) return binding.key;
  return "?";
}

// What was typed, read through the vocabulary's choices (choices.h: keys, labels, synonyms), as the enum value.
template <typename Enum, std::size_t N>
std::optional<Enum> parse_in(const std::array<Term<Enum>, N>& bindings, Vocabulary vocabulary,
                             std::string_view text) {
  auto key = parse_choice(vocabulary, text);
  if (!key) return std::nullopt;
  for (const auto& binding : bindings)
    if (binding.key == *key) return binding.value;
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

std::optional<Role> parse_role(std::string_view t) {
  return parse_in(vocabulary::kRoles, Vocabulary::Role, t);
}
std::optional<Category> parse_category(std::string_view t) {
  return parse_in(vocabulary::kCategories, Vocabulary::Category, t);
}
std::optional<Colour> parse_colour(std::string_view t) {
  return parse_in(vocabulary::kColours, Vocabulary::Colour, t);
}
std::optional<Sex> parse_sex(std::string_view t) {
  return parse_in(vocabulary::kSexes, Vocabulary::Sex, t);
}
std::optional<HukouStatus> parse_hukou_status(std::string_view t) {
  return parse_in(vocabulary::kHukouStatuses, Vocabulary::HukouStatus, t);
}
std::optional<Relation> parse_relation(std::string_view t) {
  return parse_in(vocabulary::kRelations, Vocabulary::Relation, t);
}
std::optional<RelativeStatus> parse_relative_status(std::string_view t) {
  return parse_in(vocabulary::kRelativeStatuses, Vocabulary::RelativeStatus, t);
}
std::optional<Capacity> parse_capacity(std::string_view t) {
  return parse_in(vocabulary::kCapacities, Vocabulary::Capacity, t);
}
std::optional<Schooling> parse_schooling(std::string_view t) {
  return parse_in(vocabulary::kSchoolings, Vocabulary::Schooling, t);
}

std::vector<Category> all_categories() {
  std::vector<Category> all;
  for (const auto& binding : vocabulary::kCategories) all.push_back(binding.value);
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

std::optional<Date> aged_out_on(const std::vector<MembershipSpan>& memberships, Date birth, Date as_of) {
  std::optional<Date> last;
  bool at_limit = false;
  for (const MembershipSpan& m : memberships) {
    if (m.to <= m.from) continue;  // ended before it began: never held
    const bool ends_at_limit = m.to == birth.plus_years(category_age_limit(m.category));
    if (!last || m.to > *last) {
      last = m.to;
      at_limit = ends_at_limit;
    } else if (m.to == *last) {
      at_limit = at_limit || ends_at_limit;
    }
  }
  if (!last || *last > as_of || !at_limit) return std::nullopt;
  return last;
}

}  // namespace tongdang
