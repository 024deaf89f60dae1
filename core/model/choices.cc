// Serving the tables of choices (choices.h; the tables are choice_tables.h): lookup, parsing, refusals.
#include "core/model/choices.h"

#include <algorithm>
#include <array>

#include "core/base/i18n.h"
#include "core/model/choice_tables.h"

namespace tongdang {
namespace {

using namespace choice_tables;

struct Table {
  VocabularyInfo info;
  std::span<const Choice> choices;
};

// In the order of Vocabulary.
constexpr std::array<Table, 27> kTables = {{
    {{Vocabulary::Role, "role", "角色", "role"}, kRoles},
    {{Vocabulary::Category, "category", "类别", "category"}, kCategories},
    {{Vocabulary::Colour, "colour", "风险等级", "colour"}, kColours},
    {{Vocabulary::Sex, "sex", "性别", "sex"}, kSexes},
    {{Vocabulary::HukouStatus, "hukou_status", "户籍状态", "household registration"}, kHukouStatuses},
    {{Vocabulary::Relation, "relation", "关系", "relation"}, kRelations},
    {{Vocabulary::RelativeStatus, "relative_status", "家庭成员状况", "relative's situation"}, kRelativeStatuses},
    {{Vocabulary::Capacity, "capacity", "监护能力", "capacity"}, kCapacities},
    {{Vocabulary::Schooling, "schooling", "就学情况", "schooling"}, kSchoolings},
    {{Vocabulary::FileStatus, "file_status", "档案状态", "file status"}, kFileStatuses},
    {{Vocabulary::VisitKind, "visit_kind", "走访方式", "kind of visit"}, kVisitKinds},
    {{Vocabulary::KeyEvent, "key_event", "关键事件", "key event"}, kKeyEvents},
    {{Vocabulary::CareArea, "care_area", "关爱领域", "care area"}, kCareAreas},
    {{Vocabulary::CareStatus, "care_status", "措施状态", "measure status"}, kCareStatuses},
    {{Vocabulary::LeadSource, "lead_source", "线索来源", "lead source"}, kLeadSources},
    {{Vocabulary::RedTrigger, "trigger", "红色触发项", "red trigger"}, kRedTriggers},
    {{Vocabulary::Carer, "carer", "照料情况", "carer"}, kCarers},
    {{Vocabulary::Guardianship, "guardianship", "监护评价", "guardianship rating"}, kGuardianships},
    {{Vocabulary::Disability, "disability", "残疾情况", "disability"}, kDisabilities},
    {{Vocabulary::Income, "income", "家庭收入", "household income"}, kIncomes},
    {{Vocabulary::School, "school", "上学情况", "school attendance"}, kSchools},
    {{Vocabulary::ScreeningDecision, "screening_decision", "审核决定", "review decision"}, kScreeningDecisions},
    {{Vocabulary::ConflictSide, "conflict_side", "保留哪一方", "side to keep"}, kConflictSides},
    {{Vocabulary::CloseReason, "close_reason", "结案原因", "closing reason"}, kCloseReasons},
    {{Vocabulary::ReferralTo, "referral_to", "报告/转介对象", "reported or referred to"}, kReferralTos},
    {{Vocabulary::ReferralKind, "referral_kind", "报告类型", "kind of report"}, kReferralKinds},
    {{Vocabulary::ReferralStatus, "referral_status", "转介状态", "referral status"}, kReferralStatuses},
}};

const Table& table_of(Vocabulary vocabulary) {
  return kTables[static_cast<std::size_t>(vocabulary)];
}

// Spaces around what was typed, ASCII or not: U+3000 (ideographic space, typed by Chinese input methods) and
// U+00A0 (no-break space, pasted from documents).
std::string_view trim(std::string_view text) {
  constexpr std::array<std::string_view, 6> kSpaces = {" ", "\t", "\r", "\n", "\xE3\x80\x80", "\xC2\xA0"};
  for (bool trimmed = true; trimmed && !text.empty();) {
    trimmed = false;
    for (auto space : kSpaces) {
      if (text.starts_with(space)) text.remove_prefix(space.size()), trimmed = true;
      if (text.ends_with(space)) text.remove_suffix(space.size()), trimmed = true;
    }
  }
  return text;
}

char fold(char c, bool dash_is_underscore) {
  if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
  if (dash_is_underscore && c == '-') return '_';
  return c;
}

// ASCII case ignored (and, for keys, '-' read as '_'); every other byte compared as is.
bool same_word(std::string_view a, std::string_view b, bool dash_is_underscore = false) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
           return fold(x, dash_is_underscore) == fold(y, dash_is_underscore);
         });
}

}  // namespace

std::span<const VocabularyInfo> vocabularies() {
  static const auto all = [] {
    std::array<VocabularyInfo, kTables.size()> out{};
    for (std::size_t i = 0; i < kTables.size(); ++i) out[i] = kTables[i].info;
    return out;
  }();
  return all;
}

const VocabularyInfo& info(Vocabulary vocabulary) {
  return table_of(vocabulary).info;
}

std::optional<Vocabulary> vocabulary_named(std::string_view name) {
  for (const auto& table : kTables)
    if (table.info.name == name) return table.info.vocabulary;
  return std::nullopt;
}

std::span<const Choice> choices(Vocabulary vocabulary) {
  return table_of(vocabulary).choices;
}

std::vector<std::string_view> keys_of(Vocabulary vocabulary) {
  std::vector<std::string_view> keys;
  for (const auto& choice : choices(vocabulary)) keys.push_back(choice.key);
  return keys;
}

std::vector<std::string_view> synonyms_of(const Choice& choice) {
  std::vector<std::string_view> words;
  for (std::string_view rest = choice.synonyms; !rest.empty();) {
    auto bar = rest.find('|');
    words.push_back(rest.substr(0, bar));
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return words;
}

const Choice* find_choice(Vocabulary vocabulary, std::string_view key) {
  for (const auto& choice : choices(vocabulary))
    if (choice.key == key) return &choice;
  return nullptr;
}

std::optional<std::string_view> parse_choice(Vocabulary vocabulary, std::string_view typed) {
  const std::string_view word = trim(typed);
  if (word.empty()) return std::nullopt;
  // Keys and labels first, so that a synonym can never take a word that is some choice's own name.
  for (const auto& choice : choices(vocabulary))
    if (same_word(choice.key, word, true) || choice.zh == word || same_word(choice.en, word)) return choice.key;
  for (const auto& choice : choices(vocabulary))
    for (auto synonym : synonyms_of(choice))
      if (same_word(synonym, word)) return choice.key;
  return std::nullopt;
}

Message choice_list(Vocabulary vocabulary) {
  std::string zh;
  std::string en;
  for (const auto& choice : choices(vocabulary)) {
    zh += (zh.empty() ? "" : "、") + std::string(choice.zh);
    en += (en.empty() ? "" : ", ") + std::string(choice.key);
    if (choice.en != choice.key) en += " (" + std::string(choice.en) + ")";
  }
  return Message::bilingual(std::move(zh), std::move(en));
}

Message not_a_choice(Vocabulary vocabulary, std::string_view typed) {
  // The word is echoed so the user sees what was read; a long one is cut at a character boundary (a pasted
  // paragraph is not repeated back).
  constexpr std::size_t kShownBytes = 60;
  std::string_view word = trim(typed);
  std::string shown(word);
  if (word.size() > kShownBytes) {
    std::size_t end = kShownBytes;
    while (end > 0 && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) --end;
    shown = std::string(word.substr(0, end)) + "…";
  }
  const VocabularyInfo& v = info(vocabulary);
  return i18n::trf("“{}”不是可选的{}；可选：{}", "'{}' is not among the choices for {}: {}", shown,
                   Message::bilingual(std::string(v.zh), std::string(v.en)), choice_list(vocabulary));
}

}  // namespace tongdang
