// core/store/sign_in.h: passwords (argon2id), the slowing-down of repeated failures, sessions and CSRF tokens, on a
// real station database with a hand-moved clock.
#include <catch2/catch.hpp>

#include <string>

#include "core/base/date.h"
#include "core/base/tuning.h"
#include "core/store/sign_in.h"
#include "core/store/station.h"
#include "support/cli_harness.h"

using namespace tongdang;

namespace {

constexpr std::int64_t kNoon = 1'796'000'000'000;  // an instant in 2026; only differences matter here

std::unique_ptr<Station> station_with_users(const std::string& path, const Clock& clock) {
  Station::InitOptions init{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}, "督导员的密码123"};
  auto created = Station::create(path, init, clock);
  REQUIRE(created);
  auto station = std::move(created).value();
  REQUIRE(station->add_user({"王强", Role::Director, {"320324102203"}}, "主任的密码456"));
  REQUIRE(station->add_user({"赵县", Role::County, {}}, "county-password"));
  REQUIRE(station->add_user({"张二", Role::Director, {"320324102203"}}, "another-director"));
  return station;
}

}  // namespace

TEST_CASE("Sign-in: only an argon2id hash is stored, and it verifies the password and nothing else", "[sign-in]") {
  test::ScratchDir dir;
  ManualClock clock(kNoon);
  auto station = station_with_users(dir.file("s.db"), clock);
  auto query = station->db().prepare("SELECT password_hash FROM users WHERE name = '王强'");
  REQUIRE(query.step());
  const std::string hash = query.get_text(0);
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(hash.find("主任的密码456") == std::string::npos);
  CHECK(sign_in::password_matches(hash, "主任的密码456"));
  CHECK_FALSE(sign_in::password_matches(hash, "主任的密码457"));
  CHECK_FALSE(sign_in::password_matches("", ""));
  CHECK_FALSE(sign_in::password_matches("not a hash", "主任的密码456"));
  // Two hashes of one password differ (a salt each).
  CHECK(sign_in::hash_password("same password") != sign_in::hash_password("same password"));
}

TEST_CASE("Sign-in: a new password needs 8 characters, Chinese counted as characters, and not the user name",
          "[sign-in]") {
  CHECK(sign_in::check_new_password("李芳", "1234567").field() == "password");
  CHECK(sign_in::check_new_password("李芳", "1234567").code() == Code::InvalidInput);
  CHECK(sign_in::check_new_password("李芳", "12345678"));
  CHECK(sign_in::check_new_password("李芳", "王集镇儿童之家站"));            // 8 characters, 24 bytes
  CHECK_FALSE(sign_in::check_new_password("李芳", "王集镇儿童之家"));        // 7 characters, 21 bytes
  CHECK_FALSE(sign_in::check_new_password("abcdefghij", "abcdefghij"));
  CHECK_FALSE(sign_in::check_new_password("李芳", std::string(257, 'x')));
  test::ScratchDir dir;
  ManualClock clock(kNoon);
  // Refused at init and user add: nothing is written.
  Station::InitOptions init{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}, "short"};
  auto refused = Station::create(dir.file("s.db"), init, clock);
  REQUIRE_FALSE(refused);
  CHECK(refused.status().field() == "password");
  auto station = station_with_users(dir.file("t.db"), clock);
  CHECK(station->add_user({"钱多", Role::Director, {"320324102203"}}, "short").field() == "password");
  CHECK_FALSE(station->find_user("钱多"));
}

TEST_CASE("Sign-in: the right password acts as the user, a wrong one or an unknown name says the same", "[sign-in]") {
  test::ScratchDir dir;
  ManualClock clock(kNoon);
  auto station = station_with_users(dir.file("s.db"), clock);
  REQUIRE(sign_in::authenticate(*station, "王强", "主任的密码456", clock));
  CHECK(station->actor().name == "王强");
  CHECK(station->actor().role == Role::Director);
  Status wrong = sign_in::authenticate(*station, "王强", "wrong password", clock);
  Status unknown = sign_in::authenticate(*station, "无此人", "wrong password", clock);
  CHECK(wrong.code() == Code::Unauthenticated);
  CHECK(exit_code(wrong.code()) == 5);
  CHECK(unknown.code() == Code::Unauthenticated);
  CHECK(wrong.message() == unknown.message());
  // A failure is audited.
  auto audited = station->db().prepare("SELECT count(*) FROM audit WHERE action = 'user.sign_in_failed'");
  REQUIRE(audited.step());
  CHECK(audited.get_int(0) == 2);
}

TEST_CASE("Sign-in: after three failures each attempt waits 2, 4, 8 … seconds, even with the right password",
          "[sign-in]") {
  test::ScratchDir dir;
  ManualClock clock(kNoon);
  auto station = station_with_users(dir.file("s.db"), clock);
  for (int i = 0; i < tuning::kFreeSignInFailures; ++i)
    CHECK(sign_in::authenticate(*station, "王强", "guess" + std::to_string(i), clock).code() == Code::Unauthenticated);
  // Third failure made: the fourth attempt, 1 s later, must wait (2 s after the last failure).
  clock.advance_ms(1000);
  Status waiting = sign_in::authenticate(*station, "王强", "主任的密码456", clock);
  CHECK(waiting.code() == Code::Unauthenticated);
  CHECK(waiting.message().find("1 秒后再试") != std::string::npos);
  CHECK(station->actor().name == "李芳");  // the right password inside the wait does not sign in
  // After the wait a wrong guess is a fourth failure: the next wait is 4 s.
  clock.advance_ms(1000);
  CHECK(sign_in::authenticate(*station, "王强", "guess again", clock).message().find("不正确") != std::string::npos);
  clock.advance_ms(3000);
  CHECK(sign_in::authenticate(*station, "王强", "主任的密码456", clock).message().find("秒后再试") !=
        std::string::npos);
  clock.advance_ms(1000);
  REQUIRE(sign_in::authenticate(*station, "王强", "主任的密码456", clock));
  CHECK(station->actor().name == "王强");
  // Success clears the count: three fresh failures are free again.
  CHECK(sign_in::authenticate(*station, "王强", "x1", clock).message().find("不正确") != std::string::npos);
  CHECK(sign_in::authenticate(*station, "王强", "x2", clock).message().find("不正确") != std::string::npos);
  CHECK(sign_in::authenticate(*station, "王强", "x3", clock).message().find("不正确") != std::string::npos);
  // Another user is not slowed by 王强's failures.
  CHECK(sign_in::authenticate(*station, "张二", "another-director", clock));
}

TEST_CASE("Sign-in: a session resumes with its token, lapses when idle or too old, and ends on sign-out",
          "[sign-in]") {
  test::ScratchDir dir;
  ManualClock clock(kNoon);
  auto station = station_with_users(dir.file("s.db"), clock);
  REQUIRE(sign_in::authenticate(*station, "王强", "主任的密码456", clock));
  sign_in::Session session = sign_in::open_session(*station, sign_in::SessionKind::Web, clock);
  CHECK(session.token.size() == 64);
  // Only the token's hash is stored.
  auto stored = station->db().prepare("SELECT token_hash FROM sessions");
  REQUIRE(stored.step());
  CHECK(stored.get_text(0) != session.token);
  stored.reset();

  REQUIRE(station->act_as("李芳"));
  auto resumed = sign_in::resume_session(*station, session.token, sign_in::SessionKind::Web, {}, clock);
  REQUIRE(resumed);
  CHECK(station->actor().name == "王强");
  // The wrong kind, a wrong token: refused.
  CHECK(sign_in::resume_session(*station, session.token, sign_in::SessionKind::Cli, {}, clock).status().code() ==
        Code::Unauthenticated);
  CHECK_FALSE(sign_in::resume_session(*station, std::string(64, '0'), sign_in::SessionKind::Web, {}, clock));

  // Each use extends the idle deadline: 29 minutes, then 29 more, still alive.
  const std::int64_t minute = 60'000;
  clock.advance_ms(29 * minute);
  REQUIRE(sign_in::resume_session(*station, session.token, sign_in::SessionKind::Web, {}, clock));
  clock.advance_ms(29 * minute);
  REQUIRE(sign_in::resume_session(*station, session.token, sign_in::SessionKind::Web, {}, clock));
  // 30 minutes idle: gone, and gone for good.
  clock.advance_ms(30 * minute);
  auto lapsed = sign_in::resume_session(*station, session.token, sign_in::SessionKind::Web, {}, clock);
  CHECK(lapsed.status().code() == Code::Unauthenticated);
  CHECK(lapsed.status().message().find("过期") != std::string::npos);
  clock.advance_ms(-30 * minute);
  CHECK_FALSE(sign_in::resume_session(*station, session.token, sign_in::SessionKind::Web, {}, clock));

  // A session used every 20 minutes still ends 12 hours after sign-in.
  sign_in::Session busy = sign_in::open_session(*station, sign_in::SessionKind::Web, clock);
  for (int i = 0; i < 12 * 3 - 1; ++i) {
    clock.advance_ms(20 * minute);
    REQUIRE(sign_in::resume_session(*station, busy.token, sign_in::SessionKind::Web, {}, clock));
  }
  clock.advance_ms(20 * minute);
  CHECK_FALSE(sign_in::resume_session(*station, busy.token, sign_in::SessionKind::Web, {}, clock));

  // A shorter idle time chosen by the caller (tongdang serve --session-idle).
  sign_in::Session brief = sign_in::open_session(*station, sign_in::SessionKind::Web, clock);
  clock.advance_ms(3000);
  CHECK_FALSE(sign_in::resume_session(*station, brief.token, sign_in::SessionKind::Web, std::chrono::seconds(2), clock));

  // Sign-out.
  sign_in::Session again = sign_in::open_session(*station, sign_in::SessionKind::Web, clock);
  sign_in::end_session(*station, again.token);
  CHECK_FALSE(sign_in::resume_session(*station, again.token, sign_in::SessionKind::Web, {}, clock));
}

TEST_CASE("Sign-in: who may set whose password, and someone else's reset ends that user's sessions", "[sign-in]") {
  test::ScratchDir dir;
  ManualClock clock(kNoon);
  auto station = station_with_users(dir.file("s.db"), clock);
  REQUIRE(sign_in::authenticate(*station, "王强", "主任的密码456", clock));
  sign_in::Session session = sign_in::open_session(*station, sign_in::SessionKind::Web, clock);
  // A director may change their own, not another director's.
  CHECK(sign_in::set_password(*station, "张二", "taken over!").code() == Code::Refused);
  CHECK(sign_in::set_password(*station, "王强", "short").field() == "password");
  REQUIRE(sign_in::set_password(*station, "王强", "新的主任密码789"));
  CHECK(sign_in::authenticate(*station, "王强", "新的主任密码789", clock));
  CHECK_FALSE(sign_in::authenticate(*station, "王强", "主任的密码456", clock));
  CHECK(sign_in::resume_session(*station, session.token, sign_in::SessionKind::Web, {}, clock));  // own change
  // A supervisor may reset a director's (and that ends the director's sessions), not the county's.
  REQUIRE(station->act_as("李芳"));
  CHECK(sign_in::set_password(*station, "赵县", "county takeover").code() == Code::Refused);
  REQUIRE(sign_in::set_password(*station, "王强", "督导员重置的密码"));
  CHECK_FALSE(sign_in::resume_session(*station, session.token, sign_in::SessionKind::Web, {}, clock));
  // The county may reset a supervisor's.
  REQUIRE(station->act_as("赵县"));
  REQUIRE(sign_in::set_password(*station, "李芳", "县里重置的新密码"));
  auto audited = station->db().prepare("SELECT count(*) FROM audit WHERE action = 'user.password'");
  REQUIRE(audited.step());
  CHECK(audited.get_int(0) == 4 + 3);  // init + 3 user adds, then 3 changes
}

TEST_CASE("Sign-in: the CSRF token is tied to the session and compared exactly", "[sign-in]") {
  const std::string token(64, 'a');
  const std::string csrf = sign_in::csrf_token(token);
  CHECK(csrf.size() == 64);
  CHECK(csrf != token);
  CHECK(sign_in::check_csrf(token, csrf));
  CHECK_FALSE(sign_in::check_csrf(std::string(64, 'b'), csrf));
  CHECK_FALSE(sign_in::check_csrf(token, ""));
  CHECK_FALSE(sign_in::check_csrf(token, csrf.substr(0, 63)));
}
