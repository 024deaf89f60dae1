// The reader's language (i18n.h).
#include "core/base/i18n.h"

#include <atomic>

namespace tongdang::i18n {
namespace {

std::atomic<Lang> g_language{Lang::Zh};

}  // namespace

void set_language(Lang lang) { g_language = lang; }
Lang language() { return g_language; }

Lang language_from(std::string_view value) {
  // Chinese first: only a value that asks for English gets English (LANG=C or unset stays Chinese).
  if (value.substr(0, 2) == "en" || value.substr(0, 2) == "EN") return Lang::En;
  return Lang::Zh;
}

}  // namespace tongdang::i18n
