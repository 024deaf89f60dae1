// The tables of choices (core/model/choices.h): every word accepted names one choice only, the enums and the
// instrument are bound to these keys, and what a user types (Chinese labels, synonyms, spaces) reads as the key.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/model/model.h"
#include "core/model/policy.h"
#include "core/rules/instrument.h"
#include "core/workflow/care.h"

using namespace tongdang;
using nlohmann::json;

namespace {

std::vector<std::string> words_of(const Choice& choice) {
  std::vector<std::string> words{std::string(choice.key), std::string(choice.zh), std::string(choice.en)};
  for (auto synonym : synonyms_of(choice)) words.emplace_back(synonym);
  return words;
}

std::optional<std::string> parsed(Vocabulary v, std::string_view typed) {
  auto key = parse_choice(v, typed);
  return key ? std::optional<std::string>(std::string(*key)) : std::nullopt;
}

}  // namespace

TEST_CASE("Choices: every word a table accepts reads as its own choice, in every vocabulary", "[choices]") {
  REQUIRE(vocabularies().size() == 27);
  std::set<std::string> names;
  for (const auto& v : vocabularies()) {
    INFO(v.name);
    CHECK(names.insert(std::string(v.name)).second);
    CHECK(vocabulary_named(v.name) == v.vocabulary);
    CHECK(info(v.vocabulary).name == v.name);
    CHECK(!v.zh.empty());
    CHECK(!v.en.empty());
    REQUIRE(!choices(v.vocabulary).empty());
    std::set<std::string> keys;
    for (const Choice& choice : choices(v.vocabulary)) {
      INFO(choice.key);
      CHECK(keys.insert(std::string(choice.key)).second);
      CHECK(find_choice(v.vocabulary, choice.key) == &choice);
      CHECK(!choice.zh.empty());
      CHECK(!choice.en.empty());
      // A word shared by two choices would read as the first one: the table must not have one.
      for (const auto& word : words_of(choice)) {
        INFO(word);
        CHECK(!word.empty());
        CHECK(parsed(v.vocabulary, word) == std::string(choice.key));
      }
    }
  }
  CHECK(!vocabulary_named("visit").has_value());
}

TEST_CASE("Choices: what a user types is trimmed, and case and dashes in codes are forgiven", "[choices]") {
  CHECK(parsed(Vocabulary::VisitKind, "入户") == "home");
  CHECK(parsed(Vocabulary::VisitKind, "\xE3\x80\x80入户 ") == "home");  // an ideographic space from an input method
  CHECK(parsed(Vocabulary::VisitKind, "\xC2\xA0电话\t") == "phone");
  CHECK(parsed(Vocabulary::VisitKind, "HOME") == "home");
  CHECK(parsed(Vocabulary::VisitKind, "Video Call") == "video");
  CHECK(parsed(Vocabulary::CareStatus, "In-Progress") == "in_progress");
  CHECK(parsed(Vocabulary::CareStatus, "完成") == "done");
  CHECK(parsed(Vocabulary::Carer, "一方外出") == "one_parent_away");
  CHECK(parsed(Vocabulary::Colour, "红") == "red");
  CHECK(parsed(Vocabulary::Relation, "奶奶") == "grandmother");
  CHECK(parsed(Vocabulary::Category, "留守") == "LEFT_BEHIND");
  CHECK(parsed(Vocabulary::Category, "left_behind") == "LEFT_BEHIND");
  // Nothing else: not a part of a word, not a word of another vocabulary, not an empty one.
  CHECK(!parsed(Vocabulary::VisitKind, "入户走访记录"));
  CHECK(!parsed(Vocabulary::VisitKind, "入"));
  CHECK(!parsed(Vocabulary::VisitKind, "红"));
  CHECK(!parsed(Vocabulary::VisitKind, "\xE3\x80\x80 "));
  CHECK(!parsed(Vocabulary::VisitKind, ""));
  // The same word may mean different things in different vocabularies: 辍学 is a schooling, a key event and a
  // school answer, each with its own key.
  CHECK(parsed(Vocabulary::Schooling, "辍学") == "dropout");
  CHECK(parsed(Vocabulary::KeyEvent, "辍学") == "dropout");
  CHECK(parsed(Vocabulary::School, "辍学") == "dropout");
  CHECK(parsed(Vocabulary::Income, "低保") == "below_1x_or_dibao");
  CHECK(parsed(Vocabulary::Category, "低保") == "LOW_INCOME");
}

TEST_CASE("Choices: a refusal names the word and lists the choices in the reader's language", "[choices]") {
  const Message refused = not_a_choice(Vocabulary::VisitKind, " 信 ");
  CHECK(refused.in(i18n::Lang::Zh) == "“信”不是可选的走访方式；可选：入户走访、电话联系、视频联系");
  CHECK(refused.in(i18n::Lang::En) ==
        "'信' is not among the choices for kind of visit: home (home visit), phone (phone call), video (video call)");
  // A key that is its own English label is listed once.
  CHECK(choice_list(Vocabulary::Colour).in(i18n::Lang::En) == "red, yellow, blue, green");
  CHECK(choice_list(Vocabulary::Colour).in(i18n::Lang::Zh) == "红色、黄色、蓝色、绿色");

  // A pasted paragraph is cut after 60 bytes, at a character boundary: 21 Chinese characters are 63 bytes, so 20
  // (60 bytes) are shown, then the ellipsis.
  std::string long_text;
  for (int i = 0; i < 21; ++i) long_text += "走";
  std::string twenty;
  for (int i = 0; i < 20; ++i) twenty += "走";
  CHECK(not_a_choice(Vocabulary::VisitKind, long_text).in(i18n::Lang::Zh).starts_with("“" + twenty + "…”"));
  // 59 ASCII bytes then a 3-byte character: the cut falls inside it, so the character goes whole.
  const std::string mixed = std::string(59, 'a') + "走走";
  CHECK(not_a_choice(Vocabulary::VisitKind, mixed).in(i18n::Lang::En).starts_with("'" + std::string(59, 'a') + "…'"));
}

TEST_CASE("Choices: the enums, the red triggers and the instrument's policy are bound to the tables' keys",
          "[choices]") {
  for (Category c : all_categories()) CHECK(find_choice(Vocabulary::Category, to_string(c)));
  CHECK(choices(Vocabulary::Category).size() == all_categories().size());
  for (Colour c : all_colours_high_first()) CHECK(find_choice(Vocabulary::Colour, to_string(c)));
  for (Role r : {Role::Director, Role::Supervisor, Role::County, Role::Viewer})
    CHECK(find_choice(Vocabulary::Role, to_string(r)));
  for (Relation r :
       {Relation::Father, Relation::Mother, Relation::Grandfather, Relation::Grandmother, Relation::Grandparent,
        Relation::Sibling, Relation::Uncle, Relation::Aunt, Relation::Guardian, Relation::Other})
    CHECK(find_choice(Vocabulary::Relation, to_string(r)));
  CHECK(parse_relation("外婆") == Relation::Grandmother);
  CHECK(parse_relative_status("打工") == RelativeStatus::WorkingAway);
  CHECK(parse_colour(" 蓝 ") == Colour::Blue);
  CHECK(parse_sex("女性") == Sex::Female);
  CHECK(parse_hukou_status("无户口") == HukouStatus::Unregistered);
  CHECK(parse_role("督导员") == Role::Supervisor);

  CHECK(to_string(RedTrigger::Abuse) == "R1");
  CHECK(to_string(RedTrigger::SelfHarm) == "R5");
  CHECK(parse_red_trigger("r2") == RedTrigger::NoCarer);
  CHECK(parse_red_trigger("自杀") == RedTrigger::SelfHarm);
  CHECK(!parse_red_trigger("R6"));

  // Every choice of an answer has its points in the policy, and nothing else does.
  const InstrumentPolicy& instrument = default_policy().instrument;
  for (auto [vocabulary, points] : {std::pair{Vocabulary::Carer, &instrument.carer},
                                    {Vocabulary::Guardianship, &instrument.guardianship},
                                    {Vocabulary::Disability, &instrument.disability},
                                    {Vocabulary::Income, &instrument.income},
                                    {Vocabulary::School, &instrument.school}}) {
    INFO(info(vocabulary).name);
    std::set<std::string> keys;
    for (const Choice& c : choices(vocabulary)) keys.insert(std::string(c.key));
    std::set<std::string> scored;
    for (const auto& [key, value] : *points) scored.insert(key);
    CHECK(keys == scored);
  }

  // Every care area of the table is in the catalogue, with its items and provider.
  REQUIRE(care_catalogue().size() == choices(Vocabulary::CareArea).size());
  for (const Choice& area : choices(Vocabulary::CareArea)) {
    const CareArea* found = find_care_area(area.key);
    REQUIRE(found);
    CHECK(found->zh == area.zh);
    CHECK(!found->items_zh.empty());
    CHECK(!found->provider_en.empty());
  }
  CHECK(find_care_area("亲情")->code == "FAMILY_CONTACT");
}

TEST_CASE("Choices: answers name their choices in Chinese too, and a wrong one is refused naming the item",
          "[choices][instrument]") {
  // 一方外出 4 + 一般 5 = 9 (docs/domain.md "The instrument", G domain).
  auto answers = parse_answers(json{{"carer", "一方外出"}, {"guardianship", "一般"}, {"triggers", json::array()}});
  REQUIRE(answers);
  CHECK(answers.value().carer == "one_parent_away");
  CHECK(answers.value().guardianship == "fair");
  CHECK(score(answers.value(), default_policy()).g == 9);

  auto bad = parse_answers(json{{"carer", "爷爷"}});
  REQUIRE(!bad);
  CHECK(bad.status().field() == "carer");
  CHECK(bad.status().text().in(i18n::Lang::Zh).find("“爷爷”不是可选的照料情况") != std::string::npos);
  auto bad_trigger = parse_answers(json{{"triggers", json::array({"R9"})}});
  REQUIRE(!bad_trigger);
  CHECK(bad_trigger.status().field() == "triggers");
}

TEST_CASE("Choices: a key shared by a field and a choice keeps both labels apart", "[choices][labels]") {
  i18n::set_language(i18n::Lang::Zh);
  CHECK(i18n::label("phone") == "联系电话");  // the field
  CHECK(i18n::label(Vocabulary::VisitKind, "phone") == "电话联系");
  CHECK(i18n::label("home") == "入户走访");
  CHECK(i18n::label(Vocabulary::CareStatus, "done") == "已完成");
  CHECK(i18n::label(Vocabulary::LeadSource, "other") == "其他");
  CHECK(i18n::label(Vocabulary::VisitKind, "letter") == "letter");  // unknown: the key itself
  CHECK(i18n::term(Vocabulary::KeyEvent, "hospitalised").in(i18n::Lang::En) == "hospitalised");
  i18n::set_language(i18n::Lang::En);
  CHECK(i18n::label(Vocabulary::VisitKind, "home") == "home visit");
  i18n::set_language(i18n::Lang::Zh);
}

TEST_CASE("Choices: the user guide's table of choices is the tables' own", "[choices][docs]") {
  // Rendered here from choices() the way docs/user-guide.md section 15 shows it; on a mismatch, the expected table
  // is printed below: paste it between the markers.
  std::string expected =
      "| 词表 vocabulary | 代码 code | 中文 | English | 也可以写 also accepted |\n|---|---|---|---|---|\n";
  for (const auto& v : vocabularies()) {
    bool first = true;
    for (const Choice& c : choices(v.vocabulary)) {
      std::string also;
      for (auto word : synonyms_of(c)) {
        if (!also.empty()) also += "、";
        also += word;
      }
      std::string head = first ? std::string(v.zh) + " " + std::string(v.en) + " (`" + std::string(v.name) + "`)" : "";
      expected += "| " + head + " | `" + std::string(c.key) + "` | " + std::string(c.zh) + " | " + std::string(c.en) +
                  " | " + also + " |\n";
      first = false;
    }
  }
  std::ifstream in(std::string(TONGDANG_SOURCE_DIR) + "/docs/user-guide.md");
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  const std::string guide = text.str();
  const std::string begin = "<!-- choices:begin";
  const std::string end = "<!-- choices:end -->";
  auto from = guide.find(begin);
  REQUIRE(from != std::string::npos);
  from = guide.find('\n', from) + 1;
  auto to = guide.find(end, from);
  REQUIRE(to != std::string::npos);
  INFO("expected table:\n" << expected);
  CHECK(guide.substr(from, to - from) == expected);
}
