// Signing in to a station: passwords, sessions and the slowing-down of repeated failures, for the web pages and the
// CLI alike (docs/security.md "Signing in"). Only hashes are stored: a password as argon2id (libsodium's
// crypto_pwhash_str, its "interactive" cost), a session token as its SHA-256 (a token is 256 random bits, so a
// fast hash is enough and a stolen database holds no usable session).
//
// A user created before passwords existed (schema 6) has none and cannot sign in until someone who may set it does
// (docs/security.md). Station::act_as stays the plain "who acts" of the library; the programs call it only after
// authenticate() or resume_session() succeeded.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/store/station.h"

namespace tongdang::sign_in {

// Sign-in keeps physical time: the real system clock, never the station's (which TONGDANG_NOW may fix for the 3+4+N
// rules' "today"), so no setting skips a throttle or keeps a session alive. Tests pass their own clock as `wall`.
const Clock& real_clock();

// Whether `password` may be a password for `user`: at least kMinPasswordChars characters, not the user's name, at
// most kMaxPasswordBytes. InvalidInput on the field "password" with the reason otherwise.
Status check_new_password(std::string_view user, std::string_view password);

// The argon2id hash of `password` (a self-describing string: algorithm, cost, salt, hash).
std::string hash_password(std::string_view password);
// Whether `password` matches `hash` (constant time in the password; false for an empty or malformed hash).
bool password_matches(std::string_view hash, std::string_view password);

// Sets `user`'s password, as the station's acting user: a user may set their own; a supervisor a director's or a
// viewer's; the county anyone's (access::may_set_password); and a user who has none yet (from before schema 6) may
// be given one by whoever may add such a user (access::may_give_first_password). Audited (without the hash). Clears
// the failure count and ends the user's other sessions when someone else set it.
Status set_password(Station& station, std::string_view user, std::string_view password);
// Whether the station's acting user may set `user`'s password (the rule set_password applies), so a program can
// say so before asking for the new one: NotFound for an unknown user, Refused with the reason otherwise.
Status may_set_password(Station& station, std::string_view user);
// The same inside a write that creates the user (init, user add): the hash is stored with the new row.
// `without_sign_in` marks, in the audit row, the first password of a station nobody could sign in to.
void store_password(WriteContext& w, std::string_view user, std::string_view password, bool without_sign_in = false);

// Whether `user` has a password (a user from before schema 6 may not).
bool has_password(Station& station, std::string_view user);
// Whether no user of the station has a password: a station from before schema 6 (or one a library caller made
// without any), which nobody can sign in to until its first password is set.
bool no_one_has_password(Station& station);
// The way into such a station (docs/security.md "Signing in", the upgrade): its default user (the one created at
// init) sets their own password without signing in, once, while no_one_has_password(); then signs in with it and
// gives the others theirs (set_password). Refused once anyone has a password. The station acts as the default
// user afterwards. Audited as "user.password" with "without_sign_in".
Status set_first_station_password(Station& station, std::string_view password);

// Checks `user`'s password. On success the station acts as `user` and the failure count is cleared. Otherwise
// Unauthenticated, with the same message for an unknown user and a wrong password. After kFreeSignInFailures
// failures in a row each further attempt must wait (kSignInBackoff…): an attempt inside the wait is refused
// without looking at the password, and says how long to wait. Failures are audited.
Status authenticate(Station& station, std::string_view user, std::string_view password,
                    const Clock& wall = real_clock());

enum class SessionKind { Web, Cli };

struct Session {
  std::string token;  // the secret the browser (cookie) or the CLI (session file) presents; never stored
  std::string user;
  SessionKind kind = SessionKind::Web;
  std::int64_t expires_ms = 0;  // the idle deadline as of the last use (or the absolute one, whichever is first)
};

// Opens a session for the station's acting user (call after authenticate()). Audited.
Session open_session(Station& station, SessionKind kind, const Clock& wall = real_clock());
// Finds the live session for `token`, extends its idle deadline and makes its user act. Unauthenticated when
// unknown, expired (idle or absolute lifetime) or of another kind; an expired one is removed. `idle` is how long
// it lives without use (the kind's default from tuning.h when zero; `tongdang serve --session-idle`).
Result<Session> resume_session(Station& station, std::string_view token, SessionKind kind,
                               std::chrono::seconds idle = std::chrono::seconds(0), const Clock& wall = real_clock());
// Ends the session (sign out); nothing happens for an unknown token.
void end_session(Station& station, std::string_view token);

// The rules of signing in that do not depend on where users are kept, shared with the county's console
// (sync/server/console_sign_in.h), so a station and the console slow attackers down and keep sessions alike:
// The wait owed after `failures` failed sign-ins in a row, in seconds (0: none; kSignInBackoff… in tuning.h).
std::int64_t backoff_seconds(std::int64_t failures);
// What is stored of a session token: its SHA-256 in hex.
std::string session_token_hash(std::string_view token);
// The hash verified when a name is unknown, so that case costs what a wrong password costs.
const std::string& decoy_hash();
// How long a web session lives without use, and at most.
std::chrono::seconds web_session_idle();
std::chrono::seconds web_session_max_life();

// 256 random bits as 64 hex digits (a session token, the sign-in form's pre-session token).
std::string new_secret();

// The CSRF token of a session: a keyed hash of the session token, so nothing more is stored and it changes with
// every session. Forms carry it; check_csrf compares in constant time.
std::string csrf_token(std::string_view session_token);
bool check_csrf(std::string_view session_token, std::string_view presented);

}  // namespace tongdang::sign_in
