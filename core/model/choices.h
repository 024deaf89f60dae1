// The choices a user types or picks: one table per vocabulary (a visit's kind, a carer, a care measure's status, a
// colour, a category, a relation …), each row a machine key with its Chinese and English labels and the other words
// people actually write for it (入户 for 入户走访, 完成 for 已完成, 红 for 红色, 奶奶 for 祖母/外祖母).
//
// This is the only place these words live. The rules, the database, the wire and --json use the keys; every entry
// path turns what was typed into a key with parse_choice() — the CLI's options (cli/command_line.h), profile fields
// and the ledger (core/store/profile.h), the web forms — and every display shows the labels (i18n::label(v, key),
// core/model/labels.h). The enums of model.h are bound to these keys (vocabulary.h).
//
//   for (const Choice& c : choices(Vocabulary::VisitKind))   // a <select>: value c.key, text c.zh (or c.en)
//   parse_choice(Vocabulary::VisitKind, " 入户 ")            // "home"; nullopt for a word that is not a choice
//   not_a_choice(Vocabulary::VisitKind, "信")                // the refusal, in both languages, listing the choices
//
// Thread-safe: everything here is constant data.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/base/message.h"

namespace tongdang {

// Every vocabulary with a table of choices.
enum class Vocabulary {
  Role,               // director supervisor county viewer
  Category,           // ORPHAN FUC … OTHER (docs/domain.md "Child categories")
  Colour,             // red yellow blue green, highest risk first
  Sex,                // male female
  HukouStatus,        // registered unregistered
  Relation,           // a relative's relation to the child
  RelativeStatus,     // a parent's or relative's situation
  Capacity,           // a carer's capacity
  Schooling,          // the child's schooling (profile field)
  FileStatus,         // open closed
  VisitKind,          // home phone video (only a home visit resets the visit clock)
  KeyEvent,           // what a visit may report that makes a reassessment due
  CareArea,           // LIVING … SOCIAL (the care catalogue's areas)
  CareStatus,         // planned in_progress done refused not_needed
  LeadSource,         // who reported a lead
  RedTrigger,         // R1 … R5 (named "trigger")
  Carer,              // the instrument: who looks after the child
  Guardianship,       // the instrument: guardianship rating
  Disability,         // the instrument: disability
  Income,             // the instrument: household income
  School,             // the instrument: school attendance
  ScreeningDecision,  // the township review: approve, or return to the director
  ConflictSide,       // which value of a sync conflict to keep: mine (this station's) or theirs
  CloseReason,        // why a file closed (docs/domain.md "Moves, duplicates, corrections, closure")
  ReferralTo,         // where a mandatory report or a referral went (docs/domain.md "Mandatory reporting")
  ReferralKind,       // mandatory_report referral
  ReferralStatus,     // handed_over accepted closed
};

// One choice of a vocabulary.
struct Choice {
  std::string_view key;       // the machine key: database, wire, --json ("home")
  std::string_view zh;        // the Chinese label, shown first ("入户走访")
  std::string_view en;        // the English label ("home visit")
  std::string_view synonyms;  // other words accepted, separated by '|' ("入户|上门|家访"); may be empty
};

// A vocabulary's name ("visit_kind"; i18n::label("visit_kind.home") is a choice's label) and its title in each
// language.
struct VocabularyInfo {
  Vocabulary vocabulary;
  std::string_view name;
  std::string_view zh;
  std::string_view en;
};

// Every vocabulary, in the order of the enum.
std::span<const VocabularyInfo> vocabularies();
const VocabularyInfo& info(Vocabulary vocabulary);
// The vocabulary called `name` ("sex", "visit_kind"); nullopt for another name.
std::optional<Vocabulary> vocabulary_named(std::string_view name);

// The choices of a vocabulary, in the order they are offered (colours highest risk first).
std::span<const Choice> choices(Vocabulary vocabulary);
// The keys of a vocabulary's choices, in the table's order.
std::vector<std::string_view> keys_of(Vocabulary vocabulary);
// A choice's synonyms, one word each ("入户|上门" → "入户", "上门").
std::vector<std::string_view> synonyms_of(const Choice& choice);
// The choice whose key is exactly `key`; nullptr for another text (a label is not a key: use parse_choice).
const Choice* find_choice(Vocabulary vocabulary, std::string_view key);
// The key of what a user typed: the key itself (ASCII case ignored, '-' for '_'), the Chinese label, the English
// label (case ignored) or a synonym, after trimming spaces (full-width ones too). nullopt when it is none of them.
std::optional<std::string_view> parse_choice(Vocabulary vocabulary, std::string_view typed);

// The choices as a reader is shown them: "入户走访、电话联系、视频联系" / "home (home visit), phone (phone call), …".
Message choice_list(Vocabulary vocabulary);
// The refusal of a word that is not a choice, naming the word and listing the choices.
Message not_a_choice(Vocabulary vocabulary, std::string_view typed);

}  // namespace tongdang
