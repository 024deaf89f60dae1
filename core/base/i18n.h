// Chinese first: every label, colour, category and message a user reads exists in Chinese and English.
// Messages keep both languages (message.h) and are rendered at the edge in the reader's language: the process-wide
// setting chosen once at start-up (--lang, or LANG) for the CLI and the server's log; a station renders what the
// server sends in its own. Labels of the domain's keys are core/model/labels.h.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/base/message.h"

namespace tongdang::i18n {

// The reader's language at this edge.
void set_language(Lang lang);
Lang language();
// "zh" or "en" from a --lang value or a LANG such as "zh_CN.UTF-8"; Chinese unless the value says English.
Lang language_from(std::string_view value);

// A text in both languages.
inline Message tr(const char* zh, const char* en) { return Message::bilingual(zh, en); }

namespace detail {
// An argument as formatted in `lang`: a message (a label, a nested tr) in that language, anything else as is.
inline const std::string& in(Lang lang, const Message& message) { return message.in(lang); }
template <typename T>
const T& in(Lang, const T& value) {
  return value;
}
template <typename T>
MessageArg arg(const T& value) {
  return {fmt::format("{}", in(Lang::Zh, value)), fmt::format("{}", in(Lang::En, value))};
}
}  // namespace detail

// fmt::format of each language's format string, both kept until the message is shown.
template <typename... Args>
Message trf(const char* zh, const char* en, const Args&... args) {
  return Message::bilingual(fmt::format(fmt::runtime(zh), detail::in(Lang::Zh, args)...),
                            fmt::format(fmt::runtime(en), detail::in(Lang::En, args)...));
}

// A catalogued message (message.h): its code and arguments kept for storage and the wire.
template <typename... Args>
Message msg(const MessageText& text, const Args&... args) {
  return Message::catalogued(text, {detail::arg(args)...});
}

// Text rendered now, for code that is itself the edge — the CLI's output, the report's rendering — where the
// reader's language is the one set at start-up. A file of the edge says so with `using i18n::edge::tr;`.
namespace edge {
inline const char* tr(const char* zh, const char* en) { return language() == Lang::Zh ? zh : en; }
template <typename... Args>
std::string trf(const char* zh, const char* en, const Args&... args) {
  return fmt::format(fmt::runtime(tr(zh, en)), args...);
}
}  // namespace edge

}  // namespace tongdang::i18n
