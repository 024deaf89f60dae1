// Text encodings of the ledger's readers: UTF-8 well-formedness, and GB18030 (a superset of GBK, what Excel and
// WPS on a Chinese Windows PC write as "CSV") converted to UTF-8 with glibc's iconv.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tongdang {

// Checks that `bytes` are well-formed UTF-8 (no overlong forms, no surrogates). On failure, the 1-based line of
// the first bad byte.
std::optional<int> first_invalid_utf8_line(std::string_view bytes);

// The text of GB18030 (or GBK) `bytes` as UTF-8; nullopt when they are not GB18030 (a byte sequence it does not
// define), so a file in yet another encoding is refused rather than read as mojibake.
std::optional<std::string> gb18030_to_utf8(std::string_view bytes);

}  // namespace tongdang
