// The domain's vocabulary (docs/domain.md) as enums with one machine name each. The machine names are what
// the database, the wire protocol, --json output and CSV use; their labels and the words accepted for them are the
// tables of choices (choices.h), and i18n::label() gives their Chinese and English text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/date.h"
#include "core/model/id_number.h"

namespace tongdang {

// Roles on a station and on the server (docs/domain.md "Roles").
enum class Role { Director, Supervisor, County, Viewer };

// Child categories (docs/domain.md "Categories"). A child may hold several at once.
enum class Category {
  Orphan,          // ORPHAN 孤儿
  Fuc,             // FUC 事实无人抚养儿童
  DisabledSevere,  // DISABLED_SEVERE 重残
  IllSerious,      // ILL_SERIOUS 重病
  LowIncome,       // LOW_INCOME 低保/特困家庭
  GuardianRisk,    // GUARDIAN_RISK 监护缺失/不当
  LeftBehind,      // LEFT_BEHIND 留守
  Migrant,         // MIGRANT 流动
  Other,           // OTHER 其他
};

// Risk colours, ordered: a larger value is a higher risk (docs/domain.md "Colours and the lowering rule": red > yellow
// > blue > green).
enum class Colour { Green = 0, Blue = 1, Yellow = 2, Red = 3 };

// Household registration (户籍) status; Unregistered children (无户籍) get a temporary key and a flag.
enum class HukouStatus { Registered, Unregistered };

// Relation of a relative to the child (docs/domain.md "The child file").
enum class Relation { Father, Mother, Grandfather, Grandmother, Grandparent, Sibling, Uncle, Aunt, Guardian, Other };

// A parent's or relative's situation (docs/domain.md "The child file", and set C of "Categories").
enum class RelativeStatus {
  Present,          // at home
  WorkingAway,      // working away (where, since)
  Dead,
  Missing,          // declared missing
  Detained,         // detained / imprisoned / compulsory rehabilitation (until)
  SeverelyDisabled,
  SeriouslyIll,
  LostContact,      // lost contact (since)
};

// A carer's capacity to look after the child.
enum class Capacity { Capable, Limited, Incapable };

// Schooling situation.
enum class Schooling { Preschool, InSchool, Dropout, NotInSchool, Graduated };

// The file's status: open (monitored) or closed (with a reason); never deleted.
enum class FileStatus { Open, Closed };

std::string_view to_string(Role role);
std::string_view to_string(Category category);  // "LEFT_BEHIND"
std::string_view to_string(Colour colour);      // "red"
std::string_view to_string(Sex sex);            // "male" / "female"
std::string_view to_string(HukouStatus status);
std::string_view to_string(Relation relation);
std::string_view to_string(RelativeStatus status);
std::string_view to_string(Capacity capacity);
std::string_view to_string(Schooling schooling);
std::string_view to_string(FileStatus status);

// Parsers read what a user typed through the vocabulary's choices (choices.h): the machine name (case-insensitive),
// the Chinese and English labels, and the synonyms people write (留守, 低保, 奶奶, 外婆, 服刑, 红 …).
std::optional<Role> parse_role(std::string_view text);
std::optional<Category> parse_category(std::string_view text);
std::optional<Colour> parse_colour(std::string_view text);
std::optional<Sex> parse_sex(std::string_view text);
std::optional<HukouStatus> parse_hukou_status(std::string_view text);
std::optional<Relation> parse_relation(std::string_view text);
std::optional<RelativeStatus> parse_relative_status(std::string_view text);
std::optional<Capacity> parse_capacity(std::string_view text);
std::optional<Schooling> parse_schooling(std::string_view text);

std::vector<Category> all_categories();
std::vector<Colour> all_colours_high_first();  // red, yellow, blue, green

// The age limit of a category, in years: a membership ends on the birthday at which the child reaches it
// (docs/domain.md "Categories": LEFT_BEHIND and MIGRANT < 16, every other < 18).
int category_age_limit(Category category);

// One category membership of a child: from `from` up to, not including, `to` (the birthday at the category's age
// limit, or an earlier explicit end).
struct MembershipSpan {
  Category category;
  Date from;
  Date to;
};
// The day a file closes itself as aged out (docs/domain.md "Closure"), if it has come by `as_of`: the child holds
// no membership on or after `as_of` (none open, none starting later) and the last to end ended at its category's
// age limit. nullopt while a category runs, when the last one was ended by a person, and for no memberships. The
// station's settle step and the server's check of a pushed aged_out close both ask here.
std::optional<Date> aged_out_on(const std::vector<MembershipSpan>& memberships, Date birth, Date as_of);

}  // namespace tongdang
