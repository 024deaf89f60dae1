#include "sync/server/console_sign_in.h"

#include <algorithm>

#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/model/labels.h"
#include "core/store/sign_in.h"

namespace tongdang::sync::console {

using i18n::tr;
using i18n::trf;

namespace {

std::int64_t ms(std::chrono::seconds s) { return static_cast<std::int64_t>(s.count()) * 1000; }

ConsoleAuditRow row(const Clock& wall, std::string_view user, std::string_view action, std::string_view entity_id,
                    nlohmann::json detail = nlohmann::json::object()) {
  return {wall.now_iso(), std::string(user), std::string(action), "user", std::string(entity_id), "",
          std::move(detail)};
}

Status check_name(std::string_view name) {
  if (name.empty()) return Status::invalid("name", tr("不能为空", "must not be empty"));
  if (name.size() > 64) return Status::invalid("name", tr("太长（最多 64 字节）", "too long (at most 64 bytes)"));
  return Status::ok();
}

}  // namespace

Status add_user(CentralStore& store, std::string_view name, Role role, std::string_view password, const Clock& wall) {
  if (auto checked = check_name(name); !checked) return checked;
  if (role != Role::County)
    return Status::invalid("role", trf("控制台只供县级用户使用，不能是{}；儿童主任和督导员在站点上工作",
                                       "the console is for county users only, not {}: directors and supervisors "
                                       "work on their stations", i18n::term(to_string(role))));
  if (auto checked = sign_in::check_new_password(name, password); !checked) return checked;
  const ConsoleUser user{std::string(name), role, sign_in::hash_password(password), wall.now_iso()};
  return store.add_console_user(user, row(wall, "", "console.user_add", name, {{"role", to_string(role)}}));
}

Status set_password(CentralStore& store, std::string_view name, std::string_view password, const Clock& wall) {
  if (!store.console_user(name)) return Status::not_found(trf("没有控制台用户 {}", "no console user {}", name));
  if (auto checked = sign_in::check_new_password(name, password); !checked) return checked;
  return store.set_console_password(name, sign_in::hash_password(password), row(wall, "", "console.password", name));
}

Result<ConsoleUser> authenticate(CentralStore& store, std::string_view name, std::string_view password,
                                 std::string_view remote, const Clock& wall) {
  const std::int64_t now = wall.now_ms();
  // The name as typed keys the failure count; bounded so junk names cannot grow rows without limit in size.
  const std::string typed(name.substr(0, std::min<std::size_t>(name.size(), 64)));
  const ConsoleFailures failures = store.console_failures(typed);
  const std::int64_t wait_until = failures.last_ms + sign_in::backoff_seconds(failures.failures) * 1000;
  if (failures.failures > 0 && now < wait_until)
    return Status::unauthenticated(trf("登录失败次数过多，请 {} 秒后再试", "too many failed sign-ins; try again in {} "
                                       "seconds", (wait_until - now + 999) / 1000));
  std::optional<ConsoleUser> user;
  if (password.size() <= static_cast<std::size_t>(tuning::kMaxPasswordBytes)) user = store.console_user(name);
  const bool matches = sign_in::password_matches(user ? user->password_hash : sign_in::decoy_hash(), password) &&
                       user.has_value();
  if (!matches) {
    store.record_console_failure(typed, now, row(wall, typed, "console.sign_in_failed", typed,
                                                 {{"failures", failures.failures + 1}, {"remote", remote}}));
    return Status::unauthenticated(tr("用户名或密码不正确", "wrong user name or password"));
  }
  if (failures.failures > 0) store.clear_console_failures(typed);
  return *user;
}

Session open_session(CentralStore& store, std::string_view user, std::string_view remote, const Clock& wall) {
  Session session{sign_in::new_secret(), std::string(user)};
  const std::int64_t now = wall.now_ms();
  store.open_console_session(sign_in::session_token_hash(session.token), user, now,
                             now - ms(sign_in::web_session_max_life()),
                             row(wall, user, "console.sign_in", user, {{"remote", remote}}));
  return session;
}

Result<Session> resume_session(CentralStore& store, std::string_view token, const Clock& wall) {
  const Status expired = Status::unauthenticated(tr("登录已过期，请重新登录", "the session has expired; sign in again"));
  if (token.empty() || token.size() > 128) return expired;
  const std::string key = sign_in::session_token_hash(token);
  const std::optional<ConsoleSession> found = store.console_session(key);
  if (!found) return expired;
  const std::int64_t now = wall.now_ms();
  if (now >= found->last_seen_ms + ms(sign_in::web_session_idle()) ||
      now >= found->created_ms + ms(sign_in::web_session_max_life())) {
    store.end_console_session(key);
    return expired;
  }
  store.touch_console_session(key, now);
  return Session{std::string(token), found->user};
}

void end_session(CentralStore& store, std::string_view token) {
  store.end_console_session(sign_in::session_token_hash(token));
}

}  // namespace tongdang::sync::console
