// Chinese first: every label, colour, category and message a user reads exists in Chinese and English.
// The language is a process-wide setting chosen once at start-up (--lang, or LANG).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace tongdang::i18n {

enum class Lang { Zh, En };

void set_language(Lang lang);
Lang language();
// "zh" or "en" from a --lang value or a LANG such as "zh_CN.UTF-8"; Chinese unless the value says English.
Lang language_from(std::string_view value);

// The text in the current language.
inline const char* tr(const char* zh, const char* en) { return language() == Lang::Zh ? zh : en; }

// fmt::format with the format string chosen by language.
template <typename... Args>
std::string trf(const char* zh, const char* en, Args&&... args) {
  return fmt::format(fmt::runtime(tr(zh, en)), std::forward<Args>(args)...);
}

// The display label of a machine key (a field, a colour, a category, a role, a status …), in the current
// language; the key itself if none is known.
std::string label(std::string_view key);

}  // namespace tongdang::i18n
