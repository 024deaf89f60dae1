// The style sheet and the script every page uses, compiled into the program: a station works with no network, so
// nothing is fetched from elsewhere (fonts are the system's: the CJK fonts of UOS, Kylin and Windows).
#pragma once

#include <string_view>

namespace tongdang::web::assets {

// /static/app.css — screen and A4 print.
extern const std::string_view kStyle;
// /static/app.js — small improvements only: every page works without it (live ID-number check, search as you type,
// sync progress, confirm before a lowering).
extern const std::string_view kScript;

}  // namespace tongdang::web::assets
