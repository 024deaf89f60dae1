// UTF-8 well-formedness (utf8.h).
#include "core/ledger/utf8.h"

#include <cstddef>

#include <iconv.h>

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

std::optional<std::string> gb18030_to_utf8(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  // A GB18030 character is at most 4 bytes and becomes at most 4 bytes of UTF-8; ASCII stays one byte.
  std::string out(bytes.size() * 2 + 4, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write to the input
  std::size_t in_left = bytes.size();
  char* to = out.data();
  std::size_t to_left = out.size();
  const std::size_t done = iconv(cd, &in, &in_left, &to, &to_left);
  iconv_close(cd);
  if (done == static_cast<std::size_t>(-1) || in_left != 0) return std::nullopt;
  out.resize(out.size() - to_left);
  return out;
}

}  // namespace tongdang
