// The style sheet and the script every page uses, compiled into the program: a station works with no network, so
// nothing is fetched from elsewhere (fonts are the system's: the CJK fonts of UOS, Kylin and Windows).
#pragma once

#include <optional>
#include <string_view>

#include "web/base/http.h"

namespace tongdang::web::assets {

// /static/app.css — screen and A4 print.
extern const std::string_view kStyle;
// /static/app.js — small improvements only: every page works without it (live ID-number check, search as you type,
// sync progress, confirm before a lowering).
extern const std::string_view kScript;

// The answer to GET /static/app.css or /static/app.js (no sign-in needed; cached for an hour: part of the program),
// and an empty one for /favicon.ico; nullopt for any other request.
std::optional<Response> serve(const Request& request);

}  // namespace tongdang::web::assets
