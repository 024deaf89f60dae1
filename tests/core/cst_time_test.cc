// cst_time (core/base/date.h): every stored time as people in China read it, whatever offset it was stored with.
#include <catch2/catch.hpp>

#include "core/base/date.h"

using tongdang::cst_time;

TEST_CASE("Dates: a stored time is shown in China Standard Time to the minute", "[date][console]") {
  // UTC from the server's database: +8 hours, across midnight and a month's end.
  CHECK(cst_time("2026-11-28T04:00:00.000Z") == "2026-11-28 12:00");
  CHECK(cst_time("2026-11-27T23:30:00Z") == "2026-11-28 07:30");
  CHECK(cst_time("2026-11-30T16:05Z") == "2026-12-01 00:05");
  CHECK(cst_time("2026-12-31T16:00:00Z") == "2027-01-01 00:00");
  // Already China time (a clock's now_iso), and no offset: as it is, to the minute.
  CHECK(cst_time("2026-11-28T22:10:00+08:00") == "2026-11-28 22:10");
  CHECK(cst_time("2026-11-28T22:10:59") == "2026-11-28 22:10");
  // Another offset: 2026-03-01 01:00 at UTC-05:00 is 06:00 UTC, 14:00 in China.
  CHECK(cst_time("2026-03-01T01:00:00-05:00") == "2026-03-01 14:00");
  // Not a time: shown as it is.
  CHECK(cst_time("") == "");
  CHECK(cst_time("never") == "never");
  CHECK(cst_time("2026-02-30T01:00:00Z") == "2026-02-30T01:00:00Z");
  CHECK(cst_time("2026-11-28T04:00:00+8") == "2026-11-28T04:00:00+8");
}
