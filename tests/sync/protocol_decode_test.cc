// Decoding what a client sends in a query parameter (sync/protocol.h): a bad text is "malformed", never an
// exception. Regressions found by the fuzz targets of tests/fuzz (the inputs are in its corpus as crash-*).
#include <string>

#include <catch2/catch.hpp>

#include "sync/protocol/protocol.h"

using tongdang::sync::Cursor;
using tongdang::sync::SnapshotPosition;

TEST_CASE("Fuzz finding: a cursor or snapshot position whose version is not a number is malformed, not thrown",
          "[sync][protocol][fuzz]") {
  // tests/fuzz/corpus/cursor/crash-version-not-a-number: {"a":"…","v":"320324102","t":1}, base64url.
  const std::string found = "eyJhIjoiMGI3ZTRjMWUtNWY2YS00ZDJiLTljM2QtMWEyYjNjNnZlciIsInYiOiIzMjAzMjQxMDIiLCJ0IjoxfQ";
  // The same with a string "v" but otherwise well-formed: {"s":"x","t":{},"v":"1"} and
  // {"a":"","q":0,"s":"x","t":"320324102","v":"1"}.
  const std::string cursor_v_text = "eyJzIjoieCIsInQiOnt9LCJ2IjoiMSJ9";
  const std::string position_v_text = "eyJhIjoiIiwicSI6MCwicyI6IngiLCJ0IjoiMzIwMzI0MTAyIiwidiI6IjEifQ";
  for (const std::string& text : {found, cursor_v_text, position_v_text}) {
    INFO(text);
    auto cursor = Cursor::decode(text);
    CHECK_FALSE(cursor.is_ok());
    CHECK(cursor.status().field() == "cursor");
    auto position = SnapshotPosition::decode(text);
    CHECK_FALSE(position.is_ok());
    CHECK(position.status().field() == "position");
  }
  // A well-formed version 1 still decodes.
  Cursor mine{"server", {{"320324102", 7}}};
  auto again = Cursor::decode(mine.encode());
  REQUIRE(again.is_ok());
  CHECK(again->positions == mine.positions);
}
