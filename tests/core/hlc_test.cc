// The hybrid logical clock's text form and its two steps (core/hlc.h): parsing is total (every string is either
// exactly one stamp or refused), every stamp tick and receive produce formats to text that parses back to itself,
// and text order is value order, so no request can push a clock backwards (docs/security.md, finding 8).
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/base/hlc.h"

using tongdang::Hlc;

namespace {

constexpr std::int64_t kLargestPhysical = 999'999'999'999'999;  // 15 digits
constexpr std::uint32_t kLargestLogical = 99'999;                // 5 digits

// The properties every produced stamp must have: it round-trips through its text, and the text has the fixed form.
void check_stamp(const Hlc& hlc) {
  const std::string text = hlc.to_string();
  INFO(text);
  REQUIRE(text.size() == 21);
  auto parsed = Hlc::parse(text);
  REQUIRE(parsed);
  CHECK(*parsed == hlc);
}

}  // namespace

TEST_CASE("Finding 8: Hlc::parse accepts exactly 15 digits, a dash and 5 digits", "[hlc][security]") {
  CHECK(Hlc::parse("000000000000000-00000") == Hlc{0, 0});
  CHECK(Hlc::parse("001764316800000-00042") == Hlc{1'764'316'800'000, 42});
  CHECK(Hlc::parse("999999999999999-99999") == Hlc{kLargestPhysical, kLargestLogical});
  for (const char* bad : {"-00000000000001-00000", "+00000000000001-00000", " 00000000000001-00000",
                          "00000000000001 -00000", "000000000000001-+0001", "000000000000001--0001",
                          "000000000000001- 0001", "000000000000001-0001 ", "0000000000000001-00000",
                          "00000000000001-000000", "000000000000001-100000", "1000000000000000-00000",
                          "000000000000001_00000", "00000000000000a-00000", "000000000000001-0000x", "",
                          "000000000000001-", "-00000"}) {
    INFO(bad);
    CHECK_FALSE(Hlc::parse(bad));
  }
}

TEST_CASE("Finding 8: a counter at 99999 advances the physical clock by one instead of overflowing",
          "[hlc][security]") {
  const Hlc full{1'764'316'800'000, kLargestLogical};
  const Hlc ticked = tongdang::hlc_tick(full, 1'764'316'700'000);  // the wall clock is behind the stamp
  CHECK(ticked == Hlc{1'764'316'800'001, 0});
  check_stamp(ticked);
  CHECK(ticked.to_string() > full.to_string());

  // Received from a station at its last counter, with the server's own clock equal or behind.
  const Hlc received = tongdang::hlc_receive(Hlc{1'764'316'800'000, 7}, full, 1'764'316'700'000);
  CHECK(received == Hlc{1'764'316'800'001, 0});
  check_stamp(received);
  const Hlc received_ahead = tongdang::hlc_receive(Hlc{1'764'316'700'000, 7}, full, 1'764'316'700'000);
  CHECK(received_ahead == Hlc{1'764'316'800'001, 0});
}

TEST_CASE("Finding 8: tick and receive never produce a stamp that does not parse", "[hlc][security]") {
  const Hlc largest{kLargestPhysical, kLargestLogical};
  // At the very end of the 15-digit range the clock stays at its last stamp rather than leave the format.
  check_stamp(tongdang::hlc_tick(largest, kLargestPhysical));
  check_stamp(tongdang::hlc_tick(largest, kLargestPhysical + 1000));
  check_stamp(tongdang::hlc_receive(largest, largest, kLargestPhysical));
  CHECK(tongdang::hlc_tick(largest, 0) >= largest);
  // A wall clock before 1970 (a broken laptop) or past the format stamps inside the range.
  check_stamp(tongdang::hlc_tick(Hlc{}, -5));
  check_stamp(tongdang::hlc_tick(Hlc{}, std::numeric_limits<std::int64_t>::max()));
  check_stamp(tongdang::hlc_receive(Hlc{}, Hlc{}, std::numeric_limits<std::int64_t>::min()));

  // Every step from edge values moves forward, round-trips, and its text sorts as its value.
  const std::vector<std::int64_t> physicals{0, 1, 1'764'316'800'000, kLargestPhysical - 1, kLargestPhysical};
  const std::vector<std::uint32_t> logicals{0, 1, kLargestLogical - 1, kLargestLogical};
  std::vector<Hlc> edges;
  for (auto p : physicals)
    for (auto l : logicals) edges.push_back({p, l});
  for (const Hlc& last : edges) {
    for (std::int64_t now : {std::int64_t{0}, last.physical_ms, last.physical_ms + 1}) {
      const Hlc ticked = tongdang::hlc_tick(last, now);
      check_stamp(ticked);
      CHECK(ticked >= last);
      if (last != Hlc{kLargestPhysical, kLargestLogical}) CHECK(ticked > last);
      CHECK((ticked.to_string() >= last.to_string()) == (ticked >= last));
      for (const Hlc& remote : edges) {
        const Hlc received = tongdang::hlc_receive(last, remote, now);
        check_stamp(received);
        CHECK(received >= last);
        CHECK(received >= remote);
      }
    }
  }
}

TEST_CASE("Finding 8: the text order of stamps is their value order", "[hlc][security]") {
  std::mt19937_64 random(9);
  std::uniform_int_distribution<std::int64_t> physical(0, kLargestPhysical);
  std::uniform_int_distribution<std::uint32_t> logical(0, kLargestLogical);
  for (int i = 0; i < 2000; ++i) {
    const Hlc a{physical(random) >> (i % 40), logical(random) >> (i % 17)};
    const Hlc b{i % 3 ? physical(random) >> (i % 40) : a.physical_ms, logical(random) >> (i % 17)};
    CHECK((a < b) == (a.to_string() < b.to_string()));
    CHECK((a == b) == (a.to_string() == b.to_string()));
    // The step after a stamp sorts after it as text too, a full counter included.
    const Hlc full{a.physical_ms, kLargestLogical};
    CHECK(full.to_string() < tongdang::hlc_tick(full, a.physical_ms).to_string());
  }
}
