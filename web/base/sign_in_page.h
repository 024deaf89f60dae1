// The sign-in exchange the station's pages and the county's console share: the /login form (fields `user` and
// `password`) with its own CSRF secret in a pre-session cookie, the session cookie (HttpOnly, SameSite=Strict,
// Secure over TLS), "come back here after signing in" limited to this application's paths, and the reader's
// language from its cookie. Where users and sessions are kept is the caller's (a station's database, the central
// store): these functions only speak HTTP.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/i18n.h"
#include "web/base/http.h"

namespace tongdang::web {

inline constexpr const char* kSessionCookie = "tongdang_session";
inline constexpr const char* kPreSessionCookie = "tongdang_pre";  // the sign-in form's own CSRF secret
inline constexpr const char* kLangCookie = "tongdang_lang";

// Where to go after signing in: a path of this application only (never "//elsewhere" or "https://…").
std::string safe_next(std::string_view next);

// The reader's language (its cookie; Chinese otherwise), set for this thread's messages.
i18n::Lang reader_language(const Request& request);
// GET /lang?to=en&next=…: sets the language cookie and goes back.
Response language_switch(const Request& request, bool secure);

// The part of /login before the password is checked. Answers a GET with the form, a POST without the pre-session
// cookie (cookies refused) or with a wrong CSRF token with the form and the reason; nullopt for a genuine POST,
// whose `user` and `password` the caller then checks. `brand` heads the form ("童档", "童档 · 县级控制台").
std::optional<Response> login_step(const Request& request, bool secure, std::string_view brand);
// The form again after a failed check, with the reason (401).
Response login_failed(const Request& request, std::string_view brand, const std::string& message);
// After a successful check: to `next`, with the session cookie, and the pre-session secret dropped (a form seen
// before signing in cannot be replayed).
Response signed_in(const Request& request, const std::string& session_token, bool secure);
// To the sign-in form (no live session): back here afterwards; `expired` when a session cookie was presented.
Response to_login(const Request& request, bool expired, bool secure);
// Signed out: to the sign-in form, the session cookie deleted.
Response signed_out(bool secure);

}  // namespace tongdang::web
