// Signing in to the county's console (web/county): its users, their passwords and sessions, kept in the central
// store. The rules are the station's (core/store/sign_in.h: argon2id hashes, the same message for an unknown name
// and a wrong password, the wait after kFreeSignInFailures failures, session tokens stored as their SHA-256, the web
// session's idle and absolute lifetimes); only where users are kept differs. Tokens (stations, directors) are for
// the sync API and never open the console: it knows only these users.
#pragma once

#include <string>
#include <string_view>

#include "core/base/date.h"
#include "core/base/status.h"
#include "sync/server/central_store.h"

namespace tongdang::sync::console {

// Adds a console user with a password (`tongdang-server user add NAME --role county --password-stdin`). Only the
// county's role: anyone else works on a station. The password is checked as a station's (sign_in::check_new_password).
Status add_user(CentralStore& store, std::string_view name, Role role, std::string_view password, const Clock& wall);
// Sets a console user's password (`tongdang-server user passwd NAME --password-stdin`); ends their sessions.
Status set_password(CentralStore& store, std::string_view name, std::string_view password, const Clock& wall);

// Checks a name and password. Unauthenticated with one message for an unknown name and a wrong password; inside
// the wait after repeated failures, refused without looking at the password. Failures and successes are audited
// (with `remote`).
Result<ConsoleUser> authenticate(CentralStore& store, std::string_view name, std::string_view password,
                                 std::string_view remote, const Clock& wall);

struct Session {
  std::string token;  // the cookie's value; only its hash is stored
  std::string user;
};
// Opens a session for a user who has just authenticated.
Session open_session(CentralStore& store, std::string_view user, std::string_view remote, const Clock& wall);
// The live session of `token`, its idle deadline extended; Unauthenticated when unknown or expired (then removed).
Result<Session> resume_session(CentralStore& store, std::string_view token, const Clock& wall);
void end_session(CentralStore& store, std::string_view token);

}  // namespace tongdang::sync::console
