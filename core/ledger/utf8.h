// UTF-8 well-formedness, for the ledger's readers: a file saved as GBK/ANSI by an old Excel is refused with the
// line of its first bad byte rather than imported as mojibake.
#pragma once

#include <optional>
#include <string_view>

namespace tongdang {

// Checks that `bytes` are well-formed UTF-8 (no overlong forms, no surrogates). On failure, the 1-based line of
// the first bad byte.
std::optional<int> first_invalid_utf8_line(std::string_view bytes);

}  // namespace tongdang
