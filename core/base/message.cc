// Messages rendered at the edge (message.h).
#include "core/base/message.h"

#include <fmt/args.h>

namespace tongdang {

using nlohmann::json;

namespace {

// A wire message has at most this many arguments (ours have at most four); anything longer is not ours.
constexpr std::size_t kMaxArgs = 16;

std::string render(std::string_view format, const std::vector<MessageArg>& args, i18n::Lang lang) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& arg : args) store.push_back(lang == i18n::Lang::Zh ? arg.zh : arg.en);
  return fmt::vformat(format, store);
}

}  // namespace

Message Message::bilingual(std::string zh, std::string en) {
  Message message;
  message.zh_ = std::move(zh);
  message.en_ = std::move(en);
  return message;
}

Message Message::catalogued(const MessageText& text, std::vector<MessageArg> args) {
  Message message;
  message.code_ = std::string(text.code);
  message.zh_ = render(text.zh, args, i18n::Lang::Zh);
  message.en_ = render(text.en, args, i18n::Lang::En);
  message.args_ = std::move(args);
  return message;
}

json Message::to_json() const {
  auto arg_json = [](const MessageArg& arg) { return arg.zh == arg.en ? json(arg.zh) : json{{"zh", arg.zh}, {"en", arg.en}}; };
  json args = json::array();
  if (code_.empty()) {
    args.push_back(arg_json({in(i18n::Lang::Zh), in(i18n::Lang::En)}));
    return {{"code", kPlainText.code}, {"args", std::move(args)}};
  }
  for (const auto& arg : args_) args.push_back(arg_json(arg));
  return {{"code", code_}, {"args", std::move(args)}};
}

std::optional<Message> Message::from_json(const json& value, Lookup lookup) {
  if (!value.is_object() || !value.contains("code") || !value["code"].is_string()) return std::nullopt;
  const std::string& code = value["code"].get_ref<const std::string&>();
  const MessageText* text = find_base_message(code);
  if (!text && lookup) text = lookup(code);
  if (!text) return std::nullopt;
  const json args_json = value.value("args", json::array());
  if (!args_json.is_array() || args_json.size() > kMaxArgs) return std::nullopt;
  std::vector<MessageArg> args;
  for (const auto& arg : args_json) {
    if (arg.is_string()) {
      args.push_back({arg.get<std::string>(), arg.get<std::string>()});
    } else if (arg.is_object() && arg.value("zh", json()).is_string() && arg.value("en", json()).is_string()) {
      args.push_back({arg["zh"].get<std::string>(), arg["en"].get<std::string>()});
    } else {
      return std::nullopt;
    }
  }
  try {
    Message message = catalogued(*text, std::move(args));
    if (text == &kPlainText) {  // the text itself, uncatalogued as it was made
      message.code_.clear();
      message.args_.clear();
    }
    return message;
  } catch (const fmt::format_error&) {
    return std::nullopt;  // too few arguments for the format: not a message this catalogue knows
  }
}

const MessageText* find_base_message(std::string_view code) {
  if (code == kPlainText.code) return &kPlainText;
  if (code == kFieldReason.code) return &kFieldReason;
  return nullptr;
}

}  // namespace tongdang
