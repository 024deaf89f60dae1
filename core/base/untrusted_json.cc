#include "core/base/untrusted_json.h"

#include "core/base/i18n.h"
#include "core/base/tuning.h"

namespace tongdang {

int json_nesting_depth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > deepest) deepest = depth;
        if (deepest > limit) return limit + 1;
        break;
      case ']':
      case '}': --depth; break;
      default: break;
    }
  }
  return deepest;
}

Result<nlohmann::json> parse_untrusted_json(std::string_view text, std::string_view field) {
  const int limit = tuning::kMaxJsonDepth;
  if (json_nesting_depth(text, limit) > limit)
    return Status::invalid(std::string(field), i18n::trf("JSON 嵌套超过 {} 层", "JSON nested deeper than {} levels",
                                                         limit));
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    return Status::invalid(std::string(field), i18n::tr("不是有效的 JSON", "is not valid JSON"));
  return parsed;
}

}  // namespace tongdang
