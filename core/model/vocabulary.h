// The enums of model.h bound to their tables of choices (choice_tables.h): one Term per value, with its machine key
// and its labels copied from the table at compile time — the words are written once, in the table; a binding to a
// key the table lacks does not compile. Private to core (and the web's forms, which list these terms).
#pragma once

#include <array>
#include <string_view>

#include "core/model/choice_tables.h"
#include "core/model/model.h"

namespace tongdang {

template <typename Enum>
struct Term {
  Enum value{};
  std::string_view key;
  std::string_view zh;
  std::string_view en;
};

namespace vocabulary {

template <typename Enum>
struct Binding {
  Enum value;
  std::string_view key;  // a key of the vocabulary's table
};

// The terms of `bindings`, each with the labels of the choice of `table` that has its key.
template <typename Enum, std::size_t N, std::size_t M>
constexpr std::array<Term<Enum>, N> bound(const std::array<Choice, M>& table,
                                          const std::array<Binding<Enum>, N>& bindings) {
  std::array<Term<Enum>, N> terms{};
  for (std::size_t i = 0; i < N; ++i) {
    std::size_t j = 0;
    while (j < M && table[j].key != bindings[i].key) ++j;
    if (j == M) throw "an enum value is bound to a key its table of choices lacks";  // fails the compilation
    terms[i] = {bindings[i].value, table[j].key, table[j].zh, table[j].en};
  }
  return terms;
}

inline constexpr auto kRoles = bound(choice_tables::kRoles, std::array<Binding<Role>, 4>{{
                                                                {Role::Director, "director"},
                                                                {Role::Supervisor, "supervisor"},
                                                                {Role::County, "county"},
                                                                {Role::Viewer, "viewer"},
                                                            }});

inline constexpr auto kCategories = bound(choice_tables::kCategories, std::array<Binding<Category>, 9>{{
                                                                          {Category::Orphan, "ORPHAN"},
                                                                          {Category::Fuc, "FUC"},
                                                                          {Category::DisabledSevere, "DISABLED_SEVERE"},
                                                                          {Category::IllSerious, "ILL_SERIOUS"},
                                                                          {Category::LowIncome, "LOW_INCOME"},
                                                                          {Category::GuardianRisk, "GUARDIAN_RISK"},
                                                                          {Category::LeftBehind, "LEFT_BEHIND"},
                                                                          {Category::Migrant, "MIGRANT"},
                                                                          {Category::Other, "OTHER"},
                                                                      }});

inline constexpr auto kColours = bound(choice_tables::kColours, std::array<Binding<Colour>, 4>{{
                                                                    {Colour::Red, "red"},
                                                                    {Colour::Yellow, "yellow"},
                                                                    {Colour::Blue, "blue"},
                                                                    {Colour::Green, "green"},
                                                                }});

inline constexpr auto kSexes = bound(choice_tables::kSexes, std::array<Binding<Sex>, 2>{{
                                                                {Sex::Male, "male"},
                                                                {Sex::Female, "female"},
                                                            }});

inline constexpr auto kHukouStatuses =
    bound(choice_tables::kHukouStatuses, std::array<Binding<HukouStatus>, 2>{{
                                             {HukouStatus::Registered, "registered"},
                                             {HukouStatus::Unregistered, "unregistered"},
                                         }});

inline constexpr auto kRelations = bound(choice_tables::kRelations, std::array<Binding<Relation>, 10>{{
                                                                        {Relation::Father, "father"},
                                                                        {Relation::Mother, "mother"},
                                                                        {Relation::Grandfather, "grandfather"},
                                                                        {Relation::Grandmother, "grandmother"},
                                                                        {Relation::Grandparent, "grandparent"},
                                                                        {Relation::Sibling, "sibling"},
                                                                        {Relation::Uncle, "uncle"},
                                                                        {Relation::Aunt, "aunt"},
                                                                        {Relation::Guardian, "guardian"},
                                                                        {Relation::Other, "other"},
                                                                    }});

inline constexpr auto kRelativeStatuses =
    bound(choice_tables::kRelativeStatuses, std::array<Binding<RelativeStatus>, 8>{{
                                                {RelativeStatus::Present, "present"},
                                                {RelativeStatus::WorkingAway, "working_away"},
                                                {RelativeStatus::Dead, "dead"},
                                                {RelativeStatus::Missing, "missing"},
                                                {RelativeStatus::Detained, "detained"},
                                                {RelativeStatus::SeverelyDisabled, "severely_disabled"},
                                                {RelativeStatus::SeriouslyIll, "seriously_ill"},
                                                {RelativeStatus::LostContact, "lost_contact"},
                                            }});

inline constexpr auto kCapacities = bound(choice_tables::kCapacities, std::array<Binding<Capacity>, 3>{{
                                                                          {Capacity::Capable, "capable"},
                                                                          {Capacity::Limited, "limited"},
                                                                          {Capacity::Incapable, "incapable"},
                                                                      }});

inline constexpr auto kSchoolings = bound(choice_tables::kSchoolings, std::array<Binding<Schooling>, 5>{{
                                                                          {Schooling::Preschool, "preschool"},
                                                                          {Schooling::InSchool, "in_school"},
                                                                          {Schooling::Dropout, "dropout"},
                                                                          {Schooling::NotInSchool, "not_in_school"},
                                                                          {Schooling::Graduated, "graduated"},
                                                                      }});

inline constexpr auto kFileStatuses = bound(choice_tables::kFileStatuses, std::array<Binding<FileStatus>, 2>{{
                                                                              {FileStatus::Open, "open"},
                                                                              {FileStatus::Closed, "closed"},
                                                                          }});

}  // namespace vocabulary
}  // namespace tongdang
