#include "core/base/text_limits.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/base/tuning.h"

namespace tongdang {

using i18n::trf;
using nlohmann::json;

namespace {

// One decoded step of UTF-8: the code point and its length in bytes, or length 0 for a malformed sequence
// (overlong forms, surrogates and values above U+10FFFF are malformed).
struct Decoded {
  char32_t code_point = 0;
  std::size_t length = 0;
};

Decoded decode_one(std::string_view text, std::size_t at) {
  const auto b0 = static_cast<unsigned char>(text[at]);
  if (b0 < 0x80) return {b0, 1};
  std::size_t length = 0;
  char32_t value = 0;
  char32_t smallest = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, value = b0 & 0x1F, smallest = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, value = b0 & 0x0F, smallest = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, value = b0 & 0x07, smallest = 0x10000;
  } else {
    return {};
  }
  if (at + length > text.size()) return {};
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(text[at + k]);
    if ((b & 0xC0) != 0x80) return {};
    value = (value << 6) | (b & 0x3F);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

bool is_control(char32_t c, bool multiline) {
  if (multiline && (c == U'\n' || c == U'\t')) return false;
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

}  // namespace

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    Decoded d = decode_one(text, i);
    if (d.length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
      continue;
    }
    const bool line_end = d.code_point == U'\r' && i + 1 < text.size() && text[i + 1] == '\n';
    if (is_control(d.code_point, /*multiline=*/true) && !line_end)
      out += fmt::format("\\u{:04X}", static_cast<std::uint32_t>(d.code_point));
    else
      out.append(text.substr(i, d.length));
    i += d.length;
  }
  return out;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    Decoded d = decode_one(text, i);
    i += d.length ? d.length : 1;
  }
  return count;
}

Status check_text(std::string_view field, std::string_view text, const TextRule& rule) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) {
    Decoded d = decode_one(text, i);
    if (d.length == 0)
      return Status::invalid(std::string(field),
                             trf("含有无效的 UTF-8 字节（第 {} 个字符处），请用 UTF-8 重新输入或保存",
                                 "holds an invalid UTF-8 byte (at character {}); enter or save it as UTF-8", chars + 1));
    if (is_control(d.code_point, rule.multiline))
      return Status::invalid(std::string(field),
                             trf("含有控制字符 U+{:04X}（位置 {}），请删除后重新输入",
                                 "holds the control character U+{:04X} (at character {}); remove it and enter it again",
                                 static_cast<std::uint32_t>(d.code_point), chars + 1));
    i += d.length;
  }
  if (chars > static_cast<std::size_t>(rule.max_chars))
    return Status::invalid(std::string(field), trf("最多 {} 个字符，输入了 {} 个", "at most {} characters; {} given",
                                                   rule.max_chars, chars));
  return Status::ok();
}

const std::vector<PayloadTextRule>& event_text_rules() {
  using namespace text_rules;
  static const std::vector<PayloadTextRule> rules = {
      {"notes", kNotes},         // visit, assessment, verification and care-measure notes
      {"value", kNotes},         // conflict.resolve: the value kept, as long as the longest profile field
      {"reason", kReason},       // closing, membership, colour raise/lower/resolve, screening decisions
      {"outcome", kReason},      // care.update: what a measure achieved (screen.close_lead: a state key)
      {"item", kLine},           // care.add: the measure
      {"provider", kLine},       // care.add / care.update: who provides it
      {"reporter", kPersonName}, // lead.add: who reported the child
      {"seen", kNotes},          // lead.add: what the reporter saw
      {"source", kShort},        // lead.add: how the lead came in
      {"name", kPersonName},     // case_worker.assign
      {"with", kPersonName},     // visit: each person met
      {"summary", kNotes},       // referral.add: what was reported or referred
      {"note", kReason},         // file.close: what a void (entered in error) or another closing adds
  };
  return rules;
}

const TextRule& event_text_rule(std::string_view key) {
  const auto& rules = event_text_rules();
  auto it = std::find_if(rules.begin(), rules.end(), [&](const PayloadTextRule& r) { return r.key == key; });
  return it == rules.end() ? text_rules::kCode : it->rule;
}

Status check_event_text(const json& event, std::optional<std::size_t> encoded_bytes) {
  if (!event.is_object()) return Status::invalid("event", i18n::tr("应为 JSON 对象", "must be a JSON object"));
  for (const auto& [key, value] : event.items()) {
    if (key == "payload" || !value.is_string()) continue;
    const TextRule& rule = key == "actor" ? text_rules::kPersonName : text_rules::kCode;
    if (auto checked = check_text("event." + key, value.get_ref<const std::string&>(), rule); !checked) return checked;
  }
  // The payload, without recursion (a pushed payload is untrusted): each string is checked against the rule of
  // the nearest object key above it ("with": ["张三", "李四"] — each name is a kPersonName).
  if (auto payload = event.find("payload"); payload != event.end()) {
    std::vector<std::pair<const json*, std::string_view>> pending{{&*payload, "payload"}};
    while (!pending.empty()) {
      auto [node, key] = pending.back();
      pending.pop_back();
      if (node->is_string()) {
        if (auto checked = check_text(key, node->get_ref<const std::string&>(), event_text_rule(key)); !checked)
          return checked;
      } else if (node->is_object()) {
        for (auto it = node->begin(); it != node->end(); ++it) {
          if (auto checked = check_text(it.key(), it.key(), text_rules::kCode); !checked) return checked;
          pending.emplace_back(&it.value(), it.key());
        }
      } else if (node->is_array()) {
        for (const auto& element : *node) pending.emplace_back(&element, key);
      }
    }
  }
  const std::size_t size =
      encoded_bytes ? *encoded_bytes : event.dump(-1, ' ', false, json::error_handler_t::replace).size();
  if (size > static_cast<std::size_t>(tuning::kMaxChangeBytes))
    return Status::invalid("event", trf("编码后 {} 字节，超过单条变更上限 {} 字节", "is {} bytes encoded, above the "
                                        "limit of {} bytes for one change", size, tuning::kMaxChangeBytes));
  return Status::ok();
}

}  // namespace tongdang
