// The station's pages in process (web/station/app.h): sign-in, sessions, CSRF, escaping and scope, asserted on the
// Responses. The same journeys run in real Chromium in tests/web/browser.
#include <catch2/catch.hpp>

#include <regex>

#include "core/base/date.h"
#include "core/store/sign_in.h"
#include "core/store/station.h"
#include "core/workflow/children.h"
#include "support/cli_harness.h"
#include "support/sync_fixture.h"
#include "support/web_browser.h"
#include "web/station/app.h"

using namespace tongdang;
using web::Request;
using web::Response;

namespace {

using test::Browser;
using test::location_of;


struct StationFixture {
  test::ScratchDir dir;
  std::unique_ptr<web::station::StationApp> app;
  // Children registered before the app opens the station: name -> village.
  explicit StationFixture(const std::vector<std::pair<std::string, std::string>>& children = {}) {
    Station::InitOptions init{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}, "督导员的密码123"};
    auto created = Station::create(dir.file("s.db"), init, process_clock());
    REQUIRE(created);
    auto station = std::move(created).value();
    REQUIRE(station->add_user({"王强", Role::Director, {"320324102203"}}, "主任的密码456"));
    int seq = 10;
    for (const auto& [name, village] : children) {
      NewChild child;
      child.fields = {{"name", name}, {"id_number", test::make_id_number("20140315", seq++)}, {"village", village}};
      child.categories = {"LEFT_BEHIND"};
      REQUIRE(add_child(*station, child).is_ok());
    }
    app = std::make_unique<web::station::StationApp>(std::move(station), web::station::AppOptions{dir.file("s.db")});
  }
};

}  // namespace

TEST_CASE("Web: every page but sign-in sends a stranger to /login, and back after signing in", "[web]") {
  StationFixture f;
  Browser browser{*f.app};
  Response home = browser.get("/children?q=王");
  CHECK(home.status == 303);
  CHECK(location_of(home) == "/login?next=%2Fchildren%3Fq%3D%25E7%258E%258B");
  Response login = browser.get("/login");
  CHECK(login.status == 200);
  CHECK(login.body.find(R"(name="user")") != std::string::npos);
  CHECK(login.body.find(R"(name="password")") != std::string::npos);
  Response wrong = browser.sign_in("王强", "not the password");
  CHECK(wrong.status == 401);
  CHECK(wrong.body.find("用户名或密码不正确") != std::string::npos);
  CHECK(wrong.body.find(R"(value="王强")") != std::string::npos);  // the name typed is kept, the password is not
  Response right = browser.sign_in("王强", "主任的密码456");
  CHECK(right.status == 303);
  CHECK(location_of(right) == "/");
  CHECK(browser.cookies.count("tongdang_session") == 1);
  Response due = browser.get("/");
  CHECK(due.status == 200);
  CHECK(due.body.find("今日待办") != std::string::npos);
  CHECK(due.body.find("王强（儿童主任）") != std::string::npos);
}

TEST_CASE("Web: the session cookie is HttpOnly and SameSite=Strict, and pages carry a Content-Security-Policy",
          "[web]") {
  StationFixture f;
  Browser browser{*f.app};
  Response right = browser.sign_in("李芳", "督导员的密码123");
  std::string cookie;
  for (const auto& [name, value] : right.headers)
    if (name == "Set-Cookie" && value.rfind("tongdang_session=", 0) == 0) cookie = value;
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("Path=/") != std::string::npos);
  // The stored session is the token's hash, not the cookie's value.
  const std::string token = browser.cookies["tongdang_session"];
  CHECK(token.size() == 64);
}

TEST_CASE("Web: a form posted without its CSRF token, or with another session's, changes nothing", "[web]") {
  StationFixture f;
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", "督导员的密码123").status == 303);
  const std::string csrf = Browser::csrf_of(browser.get("/").body);
  Response forged = browser.post("/logout", {});
  CHECK(forged.status == 403);
  CHECK(forged.body.find("表单已失效") != std::string::npos);
  CHECK(browser.get("/").status == 200);  // still signed in: the forged sign-out did nothing
  Response wrong = browser.post("/logout", {{"csrf", std::string(64, 'a')}});
  CHECK(wrong.status == 403);
  Response out = browser.post("/logout", {{"csrf", csrf}});
  CHECK(out.status == 303);
  CHECK(browser.get("/").status == 303);
}

TEST_CASE("Web: signing in needs the sign-in form's own token too", "[web]") {
  StationFixture f;
  Browser browser{*f.app};
  browser.get("/login");
  Response forged = browser.post("/login", {{"user", "李芳"}, {"password", "督导员的密码123"}});
  CHECK(forged.status == 403);
  CHECK(browser.cookies.count("tongdang_session") == 0);
}

TEST_CASE("Web: after signing in, only a path of this station is a place to go next", "[web]") {
  StationFixture f;
  for (const std::string next : {"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"}) {
    Browser browser{*f.app};
    const std::string csrf = Browser::csrf_of(browser.get("/login").body);
    Response right = browser.post("/login", {{"user", "李芳"}, {"password", "督导员的密码123"}, {"csrf", csrf},
                                             {"next", next}});
    CHECK(location_of(right) == "/");
  }
}

TEST_CASE("Web: the live ID-number check answers with the rule's own reasons", "[web]") {
  StationFixture f;
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("王强", "主任的密码456").status == 303);
  Response good = browser.get("/check/id-number?value=32032420140315002X");
  CHECK(good.content_type.find("application/json") == 0);
  // Not asserting a particular valid number's checksum by hand here: a wrong check character must be refused.
  Response bad = browser.get("/check/id-number?value=320324201403150021");
  CHECK(bad.body.find("\"ok\":false") != std::string::npos);
}

TEST_CASE("Web: the work list shows the signed-in director's children only, names escaped, with the button to act",
          "[web]") {
  StationFixture f({{"<img src=x onerror=alert(1)>", "320324102203"}, {"张小明", "320324102203"},
                    {"别村的孩子", "320324102204"}});
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("王强", "主任的密码456").status == 303);
  Response due = browser.get("/");
  REQUIRE(due.status == 200);
  CHECK(due.body.find("<img src=x") == std::string::npos);
  CHECK(due.body.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  CHECK(due.body.find("张小明") != std::string::npos);
  CHECK(due.body.find("别村的孩子") == std::string::npos);  // 320324102204 is not 王强's village
  // A child registered without a grade is due its first assessment: the button goes to the assessment form.
  CHECK(due.body.find("首次评估") != std::string::npos);
  CHECK(due.body.find("/assess\"") != std::string::npos);
  // The supervisor sees the whole township.
  Browser supervisor{*f.app};
  REQUIRE(supervisor.sign_in("李芳", "督导员的密码123").status == 303);
  CHECK(supervisor.get("/").body.find("别村的孩子") != std::string::npos);
}
