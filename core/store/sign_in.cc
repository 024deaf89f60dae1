#include "core/store/sign_in.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/base/text_limits.h"
#include "core/model/labels.h"

namespace tongdang::sign_in {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

void ensure_sodium() {
  static const int initialised = sodium_init();
  if (initialised < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, size);
  out.pop_back();
  return out;
}

std::string token_hash(std::string_view token) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return hex(digest.data(), digest.size());
}

const char* kind_key(SessionKind kind) { return kind == SessionKind::Web ? "web" : "cli"; }

std::chrono::seconds default_idle(SessionKind kind) {
  return kind == SessionKind::Web ? std::chrono::minutes(tuning::kWebSessionIdleMinutes)
                                  : std::chrono::minutes(tuning::kCliSessionIdleMinutes);
}
std::chrono::seconds max_life(SessionKind kind) {
  return kind == SessionKind::Web ? std::chrono::hours(tuning::kWebSessionMaxHours)
                                  : std::chrono::hours(tuning::kCliSessionMaxHours);
}
std::int64_t ms(std::chrono::seconds s) { return static_cast<std::int64_t>(s.count()) * 1000; }

Message wrong_credentials() {
  return tr("用户名或密码不正确", "wrong user name or password");
}

std::optional<std::string> stored_hash(Station& station, std::string_view user) {
  auto query = station.db().cached("SELECT password_hash FROM users WHERE name = ?1");
  query->bind(1, user);
  if (!query->step() || query->is_null(0)) return std::nullopt;
  return query->get_text(0);
}

}  // namespace

std::int64_t backoff_seconds(std::int64_t failures) {
  if (failures < tuning::kFreeSignInFailures) return 0;
  std::int64_t wait = tuning::kSignInBackoffFirstSeconds;
  for (std::int64_t i = tuning::kFreeSignInFailures; i < failures && wait < tuning::kSignInBackoffMaxSeconds; ++i)
    wait *= 2;
  return std::min<std::int64_t>(wait, tuning::kSignInBackoffMaxSeconds);
}

const std::string& decoy_hash() {
  static const std::string hash = hash_password("tongdang decoy password");
  return hash;
}

std::string session_token_hash(std::string_view token) { return token_hash(token); }
std::chrono::seconds web_session_idle() { return default_idle(SessionKind::Web); }
std::chrono::seconds web_session_max_life() { return max_life(SessionKind::Web); }

const Clock& real_clock() {
  static const SystemClock clock;
  return clock;
}

Status check_new_password(std::string_view user, std::string_view password) {
  if (password.size() > static_cast<std::size_t>(tuning::kMaxPasswordBytes))
    return Status::invalid("password", trf("密码太长（最多 {} 字节）", "the password is too long (at most {} bytes)",
                                           tuning::kMaxPasswordBytes));
  if (count_code_points(password) < static_cast<std::size_t>(tuning::kMinPasswordChars))
    return Status::invalid("password", trf("密码至少 {} 个字符", "the password needs at least {} characters",
                                           tuning::kMinPasswordChars));
  if (password == user)
    return Status::invalid("password", tr("密码不能与用户名相同", "the password must not be the user name"));
  return Status::ok();
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("out of memory hashing a password");
  return std::string(out.data());
}

bool password_matches(std::string_view hash, std::string_view password) {
  ensure_sodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::array<char, crypto_pwhash_STRBYTES> text{};  // crypto_pwhash_str_verify wants a NUL-terminated string
  std::copy(hash.begin(), hash.end(), text.begin());
  return crypto_pwhash_str_verify(text.data(), password.data(), password.size()) == 0;
}

void store_password(WriteContext& w, std::string_view user, std::string_view password, bool without_sign_in) {
  auto update = w.db().prepare("UPDATE users SET password_hash = ?2 WHERE name = ?1");
  update.bind(1, user).bind(2, hash_password(password)).run();
  json after{{"set_by", w.station().actor().name}};
  if (without_sign_in) after["without_sign_in"] = true;
  w.audit("user.password", "user", user, json(), after);
}

bool has_password(Station& station, std::string_view user) { return stored_hash(station, user).has_value(); }

bool no_one_has_password(Station& station) {
  auto query = station.db().cached("SELECT 1 FROM users WHERE password_hash IS NOT NULL LIMIT 1");
  return !query->step();
}

Status set_first_station_password(Station& station, std::string_view password) {
  if (!no_one_has_password(station))
    return Status::refused(tr("本站已有用户设置了密码：请登录后再修改密码（tongdang user passwd）",
                              "a user of this station already has a password: sign in, then change passwords "
                              "(tongdang user passwd)"));
  const std::string user = station.default_user();
  if (auto acted = station.act_as(user); !acted) return acted;
  if (auto checked = check_new_password(user, password); !checked) return checked;
  return station.write([&](WriteContext& w) {
    store_password(w, user, password, true);
    return Status::ok();
  });
}

Status may_set_password(Station& station, std::string_view user) {
  auto target = station.find_user(user);
  if (!target) return target.status();
  const User& actor = station.actor();
  const bool first = !has_password(station, user);
  if (!access::may_set_password(actor.role, actor.name, target.value().role, target.value().name) &&
      !(first && access::may_give_first_password(actor.role, target.value().role)))
    return Status::refused(trf("{}（{}）不能设置{}（{}）的密码", "{} ({}) may not set the password of {} ({})",
                               actor.name, i18n::term(to_string(actor.role)), target.value().name,
                               i18n::term(to_string(target.value().role))));
  return Status::ok();
}

Status set_password(Station& station, std::string_view user, std::string_view password) {
  if (auto allowed = may_set_password(station, user); !allowed) return allowed;
  const User& actor = station.actor();
  if (auto checked = check_new_password(user, password); !checked) return checked;
  return station.write([&](WriteContext& w) {
    store_password(w, user, password);
    auto clear = w.db().prepare("DELETE FROM sign_in_failures WHERE name = ?1");
    clear.bind(1, user).run();
    // Someone else set it (a forgotten or leaked password): every session that the old one opened ends.
    if (actor.name != user) {
      auto end = w.db().prepare("DELETE FROM sessions WHERE user = ?1");
      end.bind(1, user).run();
    }
    return Status::ok();
  });
}

Status authenticate(Station& station, std::string_view user, std::string_view password, const Clock& wall) {
  const std::int64_t now = wall.now_ms();
  // The name as typed keys the failure count; bounded so junk names cannot grow rows without limit in size.
  const std::string name(user.substr(0, std::min<std::size_t>(user.size(), 64)));
  std::int64_t failures = 0;
  {
    auto query = station.db().cached("SELECT failures, last_ms FROM sign_in_failures WHERE name = ?1");
    query->bind(1, name);
    if (query->step()) {
      failures = query->get_int(0);
      const std::int64_t wait_until = query->get_int(1) + backoff_seconds(failures) * 1000;
      if (now < wait_until) {
        const std::int64_t seconds = (wait_until - now + 999) / 1000;
        return Status::unauthenticated(trf("登录失败次数过多，请 {} 秒后再试", "too many failed sign-ins; try again in "
                                           "{} seconds", seconds));
      }
    }
  }
  const std::optional<std::string> hash =
      password.size() > static_cast<std::size_t>(tuning::kMaxPasswordBytes) ? std::nullopt : stored_hash(station, user);
  const bool matches = password_matches(hash ? *hash : decoy_hash(), password) && hash.has_value();
  if (!matches) {
    Status recorded = station.write([&](WriteContext& w) {
      auto upsert = w.db().prepare(
          "INSERT INTO sign_in_failures(name, failures, last_ms) VALUES(?1, 1, ?2) "
          "ON CONFLICT(name) DO UPDATE SET failures = failures + 1, last_ms = excluded.last_ms");
      upsert.bind(1, name).bind(2, now).run();
      w.audit("user.sign_in_failed", "user", name, json(), json{{"failures", failures + 1}});
      return Status::ok();
    });
    if (!recorded) return recorded;
    return Status::unauthenticated(wrong_credentials());
  }
  if (auto acted = station.act_as(user); !acted) return acted;
  if (failures > 0) {
    auto clear = station.db().prepare("DELETE FROM sign_in_failures WHERE name = ?1");
    clear.bind(1, name).run();
  }
  return Status::ok();
}

std::string new_secret() {
  ensure_sodium();
  std::array<unsigned char, 32> secret{};
  randombytes_buf(secret.data(), secret.size());
  return hex(secret.data(), secret.size());
}

Session open_session(Station& station, SessionKind kind, const Clock& wall) {
  Session session{new_secret(), station.actor().name, kind, 0};
  const std::int64_t now = wall.now_ms();
  session.expires_ms = now + std::min(ms(default_idle(kind)), ms(max_life(kind)));
  Status written = station.write([&](WriteContext& w) {
    // Sessions long dead are swept as new ones open, so the table stays the size of the office.
    auto sweep = w.db().prepare("DELETE FROM sessions WHERE created_ms < ?1");
    sweep.bind(1, now - ms(std::max(max_life(SessionKind::Web), max_life(SessionKind::Cli)))).run();
    auto insert = w.db().prepare(
        "INSERT INTO sessions(token_hash, user, kind, created_ms, last_seen_ms) VALUES(?1, ?2, ?3, ?4, ?4)");
    insert.bind(1, token_hash(session.token)).bind(2, session.user).bind(3, kind_key(kind)).bind(4, now).run();
    w.audit("user.sign_in", "user", session.user, json(), json{{"kind", kind_key(kind)}});
    return Status::ok();
  });
  if (!written) throw std::runtime_error("could not open a session: " + written.to_string());
  return session;
}

Result<Session> resume_session(Station& station, std::string_view token, SessionKind kind, std::chrono::seconds idle,
                               const Clock& wall) {
  if (idle.count() <= 0) idle = default_idle(kind);
  const Status expired = Status::unauthenticated(tr("登录已过期，请重新登录", "the session has expired; sign in again"));
  if (token.empty() || token.size() > 128) return expired;
  const std::string key = token_hash(token);
  auto query = station.db().cached("SELECT user, kind, created_ms, last_seen_ms FROM sessions WHERE token_hash = ?1");
  query->bind(1, key);
  if (!query->step()) return expired;
  const std::string user = query->get_text(0);
  const bool same_kind = query->get_text(1) == kind_key(kind);
  const std::int64_t created = query->get_int(2);
  const std::int64_t last_seen = query->get_int(3);
  query->reset();
  const std::int64_t now = wall.now_ms();
  const std::int64_t idle_deadline = last_seen + ms(idle);
  const std::int64_t life_deadline = created + ms(max_life(kind));
  if (!same_kind) return expired;
  if (now >= idle_deadline || now >= life_deadline) {
    end_session(station, token);
    return expired;
  }
  if (auto acted = station.act_as(user); !acted) return expired;  // the user is gone
  auto touch = station.db().cached("UPDATE sessions SET last_seen_ms = ?2 WHERE token_hash = ?1");
  touch->bind(1, key).bind(2, now).run();
  return Session{std::string(token), user, kind, std::min(now + ms(idle), life_deadline)};
}

void end_session(Station& station, std::string_view token) {
  auto remove = station.db().cached("DELETE FROM sessions WHERE token_hash = ?1");
  remove->bind(1, token_hash(token)).run();
}

std::string csrf_token(std::string_view session_token) {
  ensure_sodium();
  static constexpr std::string_view kPurpose = "tongdang csrf v1";
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(kPurpose.data()),
                     kPurpose.size(), reinterpret_cast<const unsigned char*>(session_token.data()),
                     session_token.size());
  return hex(digest.data(), digest.size());
}

bool check_csrf(std::string_view session_token, std::string_view presented) {
  const std::string expected = csrf_token(session_token);
  return presented.size() == expected.size() &&
         sodium_memcmp(expected.data(), presented.data(), expected.size()) == 0;
}

}  // namespace tongdang::sign_in
