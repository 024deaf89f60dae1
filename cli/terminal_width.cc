#include "terminal_width.h"

namespace tongdang::cli {

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    // Three- and four-byte UTF-8 sequences here are CJK ideographs, full-width punctuation or symbols: two columns.
    width += length >= 3 ? 2 : 1;
    i += length;
  }
  return width;
}

}  // namespace tongdang::cli
