// How wide text is on a terminal, for what both programs align: tables (print_table) and help (command_line.h).
#pragma once

#include <cstddef>
#include <string_view>

namespace tongdang::cli {

// Display width of UTF-8 text in terminal columns: East Asian wide characters count as two.
std::size_t display_width(std::string_view text);

}  // namespace tongdang::cli
