// GB 11643 resident ID numbers (docs/domain.md "ID numbers"): every failure kind, the worked examples, masking.
#include <catch2/catch.hpp>

#include "core/base/i18n.h"
#include "core/model/id_number.h"

using namespace tongdang;

namespace {
const Date kToday(2026, 11, 28);
}

TEST_CASE("ID number: the brief's worked examples pass", "[id_number]") {
  for (const char* id : {"11010519491231002X", "32032420140315012X", "320412201007010045", "321281201202281230"}) {
    auto parsed = parse_id_number(id, kToday);
    INFO(id << ": " << parsed.status().to_string());
    CHECK(parsed.is_ok());
  }
}

TEST_CASE("ID number: sex and date of birth are derived", "[id_number]") {
  // 17th digit 2 (even) -> female; born 2014-03-15.
  auto girl = parse_id_number("32032420140315012X", kToday);
  REQUIRE(girl);
  CHECK(girl->sex == Sex::Female);
  CHECK(girl->birth_date == Date(2014, 3, 15));
  CHECK(girl->county_code == "320324");
  CHECK(girl->warnings.empty());
  // 321281201202281230: 17th digit 3 (odd) -> male; born 2012-02-28.
  auto boy = parse_id_number("321281201202281230", kToday);
  REQUIRE(boy);
  CHECK(boy->sex == Sex::Male);
  CHECK(boy->birth_date == Date(2012, 2, 28));
}

TEST_CASE("ID number: check character by hand", "[id_number]") {
  // 3,2,0,3,2,4,2,0,1,4,0,3,1,5,0,1,2 weighted: 21+18+0+15+16+16+4+0+6+12+0+27+10+25+0+4+4 = 178; 178 mod 11 = 2 ->
  // 'X'.
  CHECK(id_number_check_character("32032420140315012") == 'X');
  // 3,2,0,4,1,2,2,0,1,0,0,7,0,1,0,0,4: 21+18+0+20+8+8+4+0+6+0+0+63+0+5+0+0+8 = 161; 161 mod 11 = 7 -> '5'.
  CHECK(id_number_check_character("32041220100701004") == '5');
}

TEST_CASE("ID number: a lower-case x is accepted and stored as X", "[id_number]") {
  auto parsed = parse_id_number("32032420140315012x", kToday);
  REQUIRE(parsed);
  CHECK(parsed->text == "32032420140315012X");
}

TEST_CASE("ID number: every failure kind is refused and names the field", "[id_number]") {
  struct Case {
    const char* id;
    const char* why;
  };
  const Case cases[] = {
      {"3203242014031501", "too short"},
      {"32032420140315012X1", "too long"},
      {"320324201403150121", "wrong check character"},
      {"32032420A40315012X", "a letter in the digits"},
      {"32032420140315012Y", "18th character not a digit or X"},
      {"320324201402300122", "30 February (check character right)"},
      {"320324203001010019", "born in the future (check character right)"},
      {"990324201403150124", "unknown province 99"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_id_number(c.id, kToday);
    INFO(c.why << " " << c.id);
    CHECK_FALSE(parsed.is_ok());
    CHECK(parsed.status().code() == Code::InvalidInput);
    CHECK(parsed.status().field() == "id_number");
  }
  // The date and province failures must be reported as such, not as a bad check character.
  i18n::set_language(i18n::Lang::En);
  CHECK(parse_id_number("320324201402300122", kToday).status().message().find("date") != std::string::npos);
  CHECK(parse_id_number("320324203001010019", kToday).status().message().find("future") != std::string::npos);
  CHECK(parse_id_number("990324201403150124", kToday).status().message().find("province") != std::string::npos);
}

TEST_CASE("ID number: an unknown county code only warns", "[id_number]") {
  // 110105 (Beijing) is a valid province but not in the bundled Jiangsu table.
  auto parsed = parse_id_number("11010519491231002X", kToday);
  REQUIRE(parsed);
  CHECK(parsed->warnings.size() == 1);
}

TEST_CASE("ID number: masking keeps the first 6 and last 4", "[id_number]") {
  CHECK(mask_id_number("32032420140315012X") == "320324********012X");
}

// Bug (issue 12): "３２０３２４２０１４０３１５０１２Ｘ" typed with a Chinese input method was refused as "实际为54位"
// (bytes counted). Full-width digits and X are read as ASCII, spaces are dropped, and every message counts characters.
TEST_CASE("Bug: full-width digits and spaces in an ID number were reported with a wrong length", "[id_number][bug]") {
  // Full-width 32032420140315012X (U+FF10… and U+FF38), then with ideographic and ASCII spaces around and inside.
  const std::string full_width = "\xEF\xBC\x93\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x93\xEF\xBC\x92\xEF\xBC\x94"
                                 "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x94\xEF\xBC\x90\xEF\xBC\x93"
                                 "\xEF\xBC\x91\xEF\xBC\x95\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\xB8";
  REQUIRE(full_width.size() == 54);  // the length the old message gave
  auto parsed = parse_id_number(full_width, kToday);
  INFO(parsed.status().to_string());
  REQUIRE(parsed.is_ok());
  CHECK(parsed->text == "32032420140315012X");
  auto spaced = parse_id_number("\xE3\x80\x80 320324 20140315 012x\xC2\xA0", kToday);
  REQUIRE(spaced.is_ok());
  CHECK(spaced->text == "32032420140315012X");

  // Too short with full-width digits: 17 characters, not 51 bytes.
  i18n::set_language(i18n::Lang::Zh);
  auto short_one = parse_id_number(full_width.substr(0, 51), kToday);
  REQUIRE_FALSE(short_one.is_ok());
  CHECK(short_one.status().message().find("实际为17位") != std::string::npos);
  // A Chinese character among the digits is one character: 18 of them, the 5th not a digit.
  auto with_han = parse_id_number("3203\xE4\xBA\x8C" "420140315012X", kToday);
  REQUIRE_FALSE(with_han.is_ok());
  CHECK(with_han.status().message().find("第5位应为数字") != std::string::npos);
  CHECK(normalize_id_number_text("\xEF\xBC\x91 2\xE3\x80\x80\xEF\xBD\x98") == "12X");
}
