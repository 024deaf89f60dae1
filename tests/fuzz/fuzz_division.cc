// Division codes (core/division.h): township and village codes as a station checks them, the bundled table's
// look-ups, and a division table given as CSV (TONGDANG_DIVISIONS).
#include "core/model/division.h"
#include "fuzz_support.h"

using namespace tongdang;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  if (check_township_code(text, "township")) require(text.size() == 9, "an accepted township code is not 9 digits");
  if (check_village_code(text, "village")) require(text.size() == 12, "an accepted village code is not 12 digits");
  (void)township_kind(text);
  (void)village_kind(text);
  const Divisions& bundled = Divisions::bundled();
  (void)bundled.province(text);
  (void)bundled.county(text);
  if (const Township* township = bundled.township(text)) require(township->code == text, "a look-up found another code");
  (void)bundled.townships_of(text);
  Divisions table = Divisions::from_csv(text);
  for (std::string_view code : {std::string_view("320324"), std::string_view("320324102")}) {
    (void)table.county(code);
    (void)table.township(code);
  }
  return 0;
}
