// JSON another machine sent: a station's request on the server, a server's answer or snapshot page on a station.
// nlohmann's parser is iterative, but copying, comparing and dumping a tree recurse once per level, so a small
// body nested 100,000 arrays deep overflowed the server's stack when its rejection was saved (docs/security.md, finding
// 2). Every such text goes through parse_untrusted_json, which measures the nesting in one linear pass over the text
// and refuses a document nested deeper than tuning::kMaxJsonDepth before any tree is built; everything recursive
// downstream then runs at most that deep.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "core/base/status.h"

namespace tongdang {

// The deepest nesting of arrays and objects in `text` (0 for a scalar, 1 for `[]` or `{}`), counting only brackets
// outside strings. Linear, no allocation; stops counting once past `limit` and returns limit + 1. Malformed text
// gives some number: the parser refuses it anyway.
int json_nesting_depth(std::string_view text, int limit);

// Parses `text` if it is JSON nested at most tuning::kMaxJsonDepth deep. Otherwise InvalidInput naming `field`
// ("body", "cursor", …) and the reason (not JSON, or nested too deep); no deep tree is ever built.
Result<nlohmann::json> parse_untrusted_json(std::string_view text, std::string_view field);

}  // namespace tongdang
