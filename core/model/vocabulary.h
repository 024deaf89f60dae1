// The enums of model.h bound to the keys of their tables of choices (choices.h): one row per value, its machine key.
// The labels and the words accepted are in the choices, never here. Private to core/model.
#pragma once

#include <array>
#include <string_view>

#include "core/model/choices.h"
#include "core/model/model.h"

namespace tongdang {

template <typename Enum>
struct Binding {
  Enum value;
  std::string_view key;  // a key of the vocabulary's choices (the choices test checks every one)
};

namespace vocabulary {

inline constexpr std::array<Binding<Role>, 4> kRoles = {{
    {Role::Director, "director"},
    {Role::Supervisor, "supervisor"},
    {Role::County, "county"},
    {Role::Viewer, "viewer"},
}};

inline constexpr std::array<Binding<Category>, 9> kCategories = {{
    {Category::Orphan, "ORPHAN"},
    {Category::Fuc, "FUC"},
    {Category::DisabledSevere, "DISABLED_SEVERE"},
    {Category::IllSerious, "ILL_SERIOUS"},
    {Category::LowIncome, "LOW_INCOME"},
    {Category::GuardianRisk, "GUARDIAN_RISK"},
    {Category::LeftBehind, "LEFT_BEHIND"},
    {Category::Migrant, "MIGRANT"},
    {Category::Other, "OTHER"},
}};

inline constexpr std::array<Binding<Colour>, 4> kColours = {{
    {Colour::Red, "red"},
    {Colour::Yellow, "yellow"},
    {Colour::Blue, "blue"},
    {Colour::Green, "green"},
}};

inline constexpr std::array<Binding<Sex>, 2> kSexes = {{
    {Sex::Male, "male"},
    {Sex::Female, "female"},
}};

inline constexpr std::array<Binding<HukouStatus>, 2> kHukouStatuses = {{
    {HukouStatus::Registered, "registered"},
    {HukouStatus::Unregistered, "unregistered"},
}};

inline constexpr std::array<Binding<Relation>, 10> kRelations = {{
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
}};

inline constexpr std::array<Binding<RelativeStatus>, 8> kRelativeStatuses = {{
    {RelativeStatus::Present, "present"},
    {RelativeStatus::WorkingAway, "working_away"},
    {RelativeStatus::Dead, "dead"},
    {RelativeStatus::Missing, "missing"},
    {RelativeStatus::Detained, "detained"},
    {RelativeStatus::SeverelyDisabled, "severely_disabled"},
    {RelativeStatus::SeriouslyIll, "seriously_ill"},
    {RelativeStatus::LostContact, "lost_contact"},
}};

inline constexpr std::array<Binding<Capacity>, 3> kCapacities = {{
    {Capacity::Capable, "capable"},
    {Capacity::Limited, "limited"},
    {Capacity::Incapable, "incapable"},
}};

inline constexpr std::array<Binding<Schooling>, 5> kSchoolings = {{
    {Schooling::Preschool, "preschool"},
    {Schooling::InSchool, "in_school"},
    {Schooling::Dropout, "dropout"},
    {Schooling::NotInSchool, "not_in_school"},
    {Schooling::Graduated, "graduated"},
}};

inline constexpr std::array<Binding<FileStatus>, 2> kFileStatuses = {{
    {FileStatus::Open, "open"},
    {FileStatus::Closed, "closed"},
}};

}  // namespace vocabulary
}  // namespace tongdang
