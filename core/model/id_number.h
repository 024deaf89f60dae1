// Resident ID number (居民身份证号码), GB 11643, with the ISO 7064 MOD 11-2 check character (docs/domain.md "ID numbers").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/date.h"
#include "core/base/status.h"

namespace tongdang {

enum class Sex { Male, Female };

// A validated ID number and what it encodes.
struct IdNumber {
  std::string text;         // 18 characters, check character upper-case
  std::string county_code;  // positions 1–6: county of registration at issue
  Date birth_date;          // positions 7–14
  Sex sex = Sex::Male;      // position 17: odd male, even female
  std::vector<std::string> warnings;  // e.g. an unknown (possibly retired) county code
};

// The check character for the first 17 digits ('0'–'9' or 'X').
char id_number_check_character(std::string_view first17);

// What a person meant by `text`: full-width digits and X read as ASCII, a lower-case x as X, spaces (ASCII, the
// ideographic U+3000, the no-break U+00A0) anywhere removed. Anything else is kept as typed.
std::string normalize_id_number_text(std::string_view text);

// Validates `text` (normalised first, normalize_id_number_text) as of `today`: length, digits, check character, a real and not-future date of birth, a known
// province. An unknown county code only warns. A lower-case x is accepted and stored as X. The field name in
// errors is "id_number"; lengths and positions in its messages count characters.
Result<IdNumber> parse_id_number(std::string_view text, Date today);

// "320324********012X": first 6 and last 4 characters shown (docs/domain.md "ID numbers"), the rest masked.
std::string mask_id_number(std::string_view text);

}  // namespace tongdang
