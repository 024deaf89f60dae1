#include "core/model/id_number.h"

#include <array>
#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/base/text_limits.h"
#include "core/base/tuning.h"
#include "core/model/division.h"

namespace tongdang {
namespace {

constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckCharacters = "10X98765432";
constexpr std::string_view kField = "id_number";

}  // namespace

char id_number_check_character(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckCharacters[static_cast<std::size_t>(sum % 11)];
}

std::string normalize_id_number_text(std::string_view text) {
  // Chinese input methods type full-width digits (U+FF10–U+FF19, bytes EF BC 90–99), a full-width X or x (U+FF38
  // EF BC B8, U+FF58 EF BD 98) and the ideographic space (U+3000, E3 80 80); documents paste the no-break space
  // (U+00A0, C2 A0). None of them can be part of a number, so each is read as what the person meant.
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::string_view rest = text.substr(i);
    if (rest.size() >= 3 && rest.substr(0, 2) == "\xEF\xBC" && rest[2] >= '\x90' && rest[2] <= '\x99') {
      out += static_cast<char>('0' + (rest[2] - '\x90'));
      i += 3;
    } else if (rest.starts_with("\xEF\xBC\xB8") || rest.starts_with("\xEF\xBD\x98")) {
      out += 'X';
      i += 3;
    } else if (rest.starts_with("\xE3\x80\x80")) {
      i += 3;
    } else if (rest.starts_with("\xC2\xA0")) {
      i += 2;
    } else if (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r' || rest[0] == '\n') {
      i += 1;
    } else {
      out += rest[0] == 'x' ? 'X' : rest[0];
      i += 1;
    }
  }
  return out;
}

Result<IdNumber> parse_id_number(std::string_view typed, Date today) {
  const std::string id = normalize_id_number_text(typed);
  // Lengths and positions are counted in characters, never bytes: a Chinese character left in the text is one.
  const std::size_t length = count_code_points(id);
  if (length != 18)
    return Status::invalid(std::string(kField), i18n::trf("应为18位，实际为{}位", "must be 18 characters, got {}", length));
  for (std::size_t i = 0; i < 17; ++i)
    if (id[i] < '0' || id[i] > '9')
      return Status::invalid(std::string(kField), i18n::trf("第{}位应为数字", "character {} must be a digit", i + 1));
  if (id.size() != 18 || !(id[17] == 'X' || (id[17] >= '0' && id[17] <= '9')))
    return Status::invalid(std::string(kField), i18n::tr("第18位应为数字或X", "the 18th character must be a digit or X"));
  char expected = id_number_check_character(id);
  if (id[17] != expected)
    return Status::invalid(std::string(kField),
                           i18n::trf("校验码为{}，但前17位算出的校验码是{}（是否输错了？）",
                                     "check character is {} but the first 17 digits give {} (a typing error?)", id[17],
                                     expected));
  auto birth = Date::parse(std::string_view(id).substr(6, 8));
  if (!birth) return Status::invalid(std::string(kField), i18n::tr("第7–14位不是有效的出生日期", "positions 7–14 are not a real date of birth"));
  if (*birth > today)
    return Status::invalid(std::string(kField), i18n::trf("出生日期{}晚于今天", "date of birth {} is in the future", birth->to_string()));
  const Divisions& divisions = Divisions::bundled();
  if (!divisions.province(std::string_view(id).substr(0, 2)))
    return Status::invalid(std::string(kField), i18n::trf("未知的省级代码{}", "unknown province code {}", id.substr(0, 2)));

  IdNumber parsed;
  parsed.text = id;
  parsed.county_code = id.substr(0, 6);
  parsed.birth_date = *birth;
  parsed.sex = ((id[16] - '0') % 2 == 1) ? Sex::Male : Sex::Female;
  if (!divisions.county(parsed.county_code))
    parsed.warnings.push_back(
        i18n::trf("县级代码{}不在代码表中（可能已撤销）；已接受", "county code {} is not in the code table (it may have "
                  "been retired); accepted", parsed.county_code));
  return parsed;
}

std::string mask_id_number(std::string_view text) {
  const auto head = static_cast<std::size_t>(tuning::kIdMaskKeepHead);
  const auto tail = static_cast<std::size_t>(tuning::kIdMaskKeepTail);
  if (text.size() <= head + tail) return std::string(text.size(), '*');
  return std::string(text.substr(0, head)) + std::string(text.size() - head - tail, '*') +
         std::string(text.substr(text.size() - tail));
}

}  // namespace tongdang
