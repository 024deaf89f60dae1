// Comma-separated lists (a director's villages), as typed and as stored.
#include <catch2/catch.hpp>

#include "core/base/text_list.h"

using namespace tongdang;

TEST_CASE("Text list: empty items are dropped, and join is the inverse of split", "[store]") {
  CHECK(split_list("").empty());
  CHECK(split_list(",,").empty());
  CHECK(split_list("320324102203,,320324102204,") ==
        std::vector<std::string>{"320324102203", "320324102204"});
  CHECK(join_list({"320324102203", "320324102204"}) == "320324102203,320324102204");
  CHECK(join_list({}).empty());
  CHECK(split_list(join_list({"a", "b", "c"})) == std::vector<std::string>{"a", "b", "c"});
}
