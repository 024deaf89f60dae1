// ID numbers (core/id_number.h): any text either refused or an 18-character number whose check character is the
// one computed from its first 17 digits; masking never shows more than it should.
#include "core/model/id_number.h"
#include "fuzz_support.h"

using namespace tongdang;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  (void)mask_id_number(text);
  auto parsed = parse_id_number(text, Date(2026, 11, 28));
  if (!parsed) return 0;
  const std::string& id = parsed->text;
  require(id.size() == 18, "an accepted ID number is not 18 characters");
  require(id_number_check_character(std::string_view(id).substr(0, 17)) == id[17], "a wrong check character passed");
  require(parsed->county_code == id.substr(0, 6), "the county code is not the first six digits");
  require(parsed->birth_date <= Date(2026, 11, 28), "a birth date in the future passed");
  const std::string masked = mask_id_number(id);
  require(masked.substr(0, 6) == id.substr(0, 6) && masked.find(id.substr(6, 8)) == std::string::npos,
          "the mask shows the birth date");
  return 0;
}
