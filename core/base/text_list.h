// Comma-separated lists as people type them and as the databases store them (a director's villages).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tongdang {

// "a,b,,c" -> {"a", "b", "c"}: empty items are dropped.
std::vector<std::string> split_list(std::string_view text);
// {"a", "b"} -> "a,b".
std::string join_list(const std::vector<std::string>& items);

}  // namespace tongdang
