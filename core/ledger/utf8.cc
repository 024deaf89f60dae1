// UTF-8 well-formedness (utf8.h).
#include "core/ledger/utf8.h"

#include <cstddef>

namespace tongdang {

std::optional<int> first_invalid_utf8_line(std::string_view bytes) {
  int line = 1;
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) {
      if (b == '\n') ++line;
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) low = 0xA0;   // no overlong forms
      if (b == 0xED) high = 0x9F;  // no UTF-16 surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return line;
    }
    if (i + length > n) return line;
    auto second = static_cast<unsigned char>(bytes[i + 1]);
    if (second < low || second > high) return line;
    for (std::size_t k = 2; k < length; ++k) {
      auto next = static_cast<unsigned char>(bytes[i + k]);
      if (next < 0x80 || next > 0xBF) return line;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace tongdang
