// The county's console in process (web/county/console.h) over a central store that two stations synced into:
// sign-in with a password (and nothing else: a token opens nothing), the session cookie, CSRF, the sign-in wait,
// escaping, and the coverage pages' figures.
//
// Hand-worked fixture (as of 2026-11-28, default policy), the county of tests/sync/report_server_test.cc with one
// more child in 双沟镇:
//   王集镇 320324102 (station s1, synced 11-28): 大吴村 320324102203: c1 blue graded 11-28, never visited (due
//     11-28 + 30), c3 not graded; 田河村 320324102204: c2 red graded 11-28, home visit 11-28
//     => 3 children, red 1, blue 1, ungraded 1; covered 1 of 2 graded = 50.0%; nothing overdue
//     => 大吴村: 2 children, blue 1, ungraded 1, 0 of 1 covered = 0.0%; 田河村: 1 child, red 1, 1 of 1 = 100.0%
//   双沟镇 320324103 (station s2, synced 11-20 and silent since): 大白村 320324103204: d1 测试儿童丁 and
//     d2 `<script>alert(1)</script>`, both yellow graded 11-20, never visited: first response due 11-20 + 3 = 11-23,
//     overdue 5 days on 11-28  => 2 children, yellow 2, 0 of 2 covered = 0.0%, overdue 2
//   completeness: 2 stations, s2 not synced since 11-20.
#include <catch2/catch.hpp>

#include <regex>

#include "core/base/i18n.h"
#include "core/report/render.h"
#include "core/store/sign_in.h"
#include "core/workflow/workflow.h"
#include "support/cli_harness.h"
#include "support/sync_fixture.h"
#include "support/web_browser.h"
#include "sync/protocol/tokens.h"
#include "sync/server/console_sign_in.h"
#include "web/base/html.h"
#include "web/county/console.h"

using namespace tongdang;
using nlohmann::json;
using test::ConsoleBrowser;
using test::location_of;
using test::ScratchDir;
using test::TestCounty;
using test::TestStation;
using web::Response;

namespace {

constexpr const char* kCountyPassword = "县中心的密码789";

void record(Station& station, const std::string& child, const std::string& kind, json payload, const std::string& on) {
  Status written = station.write([&](WriteContext& w) {
    Event e;
    e.child_id = child;
    e.kind = kind;
    e.payload = std::move(payload);
    e.occurred_on = on;
    record_event(w, e);
    return Status::ok();
  });
  REQUIRE(written.is_ok());
}

// The county above, a console over its store, and a county user 张主任 with a password. `wall` is the console's
// sign-in clock (the waits after failures), apart from the county's.
struct ConsoleFixture {
  ScratchDir dir;
  TestCounty county{dir, /*http=*/false};
  ManualClock wall{test::test_epoch_ms()};
  std::unique_ptr<web::county::CountyConsole> console;
  std::unique_ptr<TestStation> s1, s2;
  std::int64_t s2_waiting = 0;  // what s2 had in its outbox when it said hello

  explicit ConsoleFixture(bool with_children = true) {
    if (with_children) sync_stations();
    REQUIRE(sync::console::add_user(*county.store, "张主任", Role::County, kCountyPassword, wall).is_ok());
    console = std::make_unique<web::county::CountyConsole>(*county.store,
                                                           web::county::ConsoleOptions{&wall, &county.clock});
  }

  void sync_stations() {
    const std::int64_t nov28 = county.clock.now_ms();
    county.clock.set(nov28 - 8LL * 86400 * 1000);  // 2026-11-20
    s2 = std::make_unique<TestStation>(dir, "s2", "320324103", county);
    const std::string d1 = s2->add_child("测试儿童丁", test::make_id_number("20130303", 31), "320324103204");
    const std::string d2 =
        s2->add_child("<script>alert(1)</script>", test::make_id_number("20130404", 32), "320324103204");
    record(*s2->station, d1, "assessment", {{"colour", "yellow"}}, "2026-11-20");
    record(*s2->station, d2, "assessment", {{"colour", "yellow"}}, "2026-11-20");
    s2_waiting = s2->outbox();
    REQUIRE(s2->sync().is_ok());

    county.clock.set(nov28);
    s1 = std::make_unique<TestStation>(dir, "s1", "320324102", county);
    const std::string c1 = s1->add_child("测试儿童甲", test::make_id_number("20140315", 12), "320324102203");
    const std::string c2 = s1->add_child("测试儿童乙", test::make_id_number("20120601", 21), "320324102204");
    s1->add_child("测试儿童丙", test::make_id_number("20150505", 55), "320324102203");
    record(*s1->station, c1, "assessment", {{"colour", "blue"}}, "2026-11-28");
    record(*s1->station, c2, "assessment", {{"colour", "red"}}, "2026-11-28");
    NewVisit visit;
    visit.on = *Date::parse("2026-11-28");
    REQUIRE(add_visit(*s1->station, c2, visit).is_ok());
    REQUIRE(s1->sync().is_ok());
    REQUIRE(s1->sync().is_ok());  // a second sync: nothing waits at its hello
  }
};

bool has(const Response& response, const std::string& text) { return response.body.find(text) != std::string::npos; }

}  // namespace

TEST_CASE("Console: a county user signs in with a password, and a wrong one is refused and keeps the name typed",
          "[console]") {
  ConsoleFixture f(false);
  ConsoleBrowser browser{*f.console};
  Response home = browser.get("/");
  CHECK(home.status == 303);
  CHECK(location_of(home) == "/login?next=%2F");
  Response login = browser.get("/login");
  CHECK(login.status == 200);
  CHECK(has(login, R"(name="user")"));
  CHECK(has(login, R"(name="password")"));
  CHECK(has(login, "童档 · 县级控制台"));
  Response wrong = browser.sign_in("张主任", "not the password");
  CHECK(wrong.status == 401);
  CHECK(has(wrong, "用户名或密码不正确"));
  CHECK(has(wrong, R"(value="张主任")"));
  CHECK(browser.cookies.count("tongdang_session") == 0);
  Response right = browser.sign_in("张主任", kCountyPassword);
  CHECK(right.status == 303);
  CHECK(location_of(right) == "/");
  std::string cookie;
  for (const auto& [name, value] : right.headers)
    if (name == "Set-Cookie" && value.rfind("tongdang_session=", 0) == 0) cookie = value;
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  Response page = browser.get("/");
  CHECK(page.status == 200);
  CHECK(has(page, "张主任（县级未保中心）"));
  CHECK(test::header_of(page, "Content-Security-Policy") == web::kContentSecurityPolicy);
  CHECK(test::header_of(page, "Cache-Control") == "no-store");
  // The session is stored as its token's hash only.
  const std::string token = browser.cookies["tongdang_session"];
  CHECK(f.county.store->console_session(sign_in::session_token_hash(token)).has_value());
  CHECK_FALSE(f.county.store->console_session(token).has_value());
  // Both sign-in attempts are in the console's audit, and its chain verifies.
  bool chained = false;
  for (const auto& chain : f.county.store->verify_audit()) {
    if (chain.table != "console_audit") continue;
    chained = true;
    CHECK(chain.rows == 3);  // the user added, the failure, the sign-in
    CHECK_FALSE(chain.broken.has_value());
  }
  CHECK(chained);
}

TEST_CASE("Console: a station's token or a director's token does not open it", "[console]") {
  ConsoleFixture f(false);
  const std::string station_token = f.county.station_token("320324102");
  const std::string director_token = f.county.user_token("王强", Role::Director, "320324102", {"320324102203"});
  for (const std::string& token : {station_token, director_token}) {
    ConsoleBrowser browser{*f.console};
    Response bearer = browser.get("/", {{"authorization", "Bearer " + token}});
    CHECK(bearer.status == 303);
    CHECK(location_of(bearer).rfind("/login", 0) == 0);
    // Nor as a password under the token's name: the console knows only its own users.
    Response as_password = browser.sign_in(token == station_token ? "station 320324102" : "王强", token);
    CHECK(as_password.status == 401);
    CHECK(browser.cookies.count("tongdang_session") == 0);
  }
}

TEST_CASE("Console: a form posted without its CSRF token, or with a wrong one, changes nothing", "[console]") {
  ConsoleFixture f(false);
  ConsoleBrowser browser{*f.console};
  REQUIRE(browser.sign_in("张主任", kCountyPassword).status == 303);
  const std::string csrf = browser.csrf();
  Response forged = browser.post("/logout", {});
  CHECK(forged.status == 403);
  CHECK(has(forged, "表单已失效"));
  CHECK(browser.get("/").status == 200);  // still signed in
  CHECK(browser.post("/logout", {{"csrf", std::string(64, 'a')}}).status == 403);
  CHECK(browser.post("/logout", {{"csrf", csrf}}).status == 303);
  CHECK(browser.get("/").status == 303);
  // Signing in needs the sign-in form's own token.
  ConsoleBrowser other{*f.console};
  other.get("/login");
  CHECK(other.post("/login", {{"user", "张主任"}, {"password", kCountyPassword}}).status == 403);
  CHECK(other.cookies.count("tongdang_session") == 0);
}

TEST_CASE("Console: after three failed sign-ins a name waits 2 s, then 4 s, even with the right password",
          "[console]") {
  ConsoleFixture f(false);
  ConsoleBrowser browser{*f.console};
  for (int i = 0; i < 3; ++i) CHECK(browser.sign_in("张主任", "wrong password").status == 401);
  // kFreeSignInFailures = 3, then kSignInBackoffFirstSeconds = 2: inside the wait the right password is refused.
  Response waiting = browser.sign_in("张主任", kCountyPassword);
  CHECK(waiting.status == 401);
  CHECK(has(waiting, "请 2 秒后再试"));
  f.wall.advance_ms(2000);
  CHECK(browser.sign_in("张主任", "wrong password").status == 401);  // the 4th failure: 4 s
  f.wall.advance_ms(3000);
  CHECK(has(browser.sign_in("张主任", kCountyPassword), "请 1 秒后再试"));
  f.wall.advance_ms(1000);
  CHECK(browser.sign_in("张主任", kCountyPassword).status == 303);
}

TEST_CASE("Console: only county users, with a password a station would accept, and a new password ends sessions",
          "[console]") {
  ConsoleFixture f(false);
  Status supervisor = sync::console::add_user(*f.county.store, "李芳", Role::Supervisor, kCountyPassword, f.wall);
  CHECK(supervisor.code() == Code::InvalidInput);
  CHECK(supervisor.field() == "role");
  Status short_password = sync::console::add_user(*f.county.store, "刘县", Role::County, "short", f.wall);
  CHECK(short_password.code() == Code::InvalidInput);
  CHECK(short_password.field() == "password");
  CHECK_FALSE(f.county.store->console_user("刘县").has_value());
  Status twice = sync::console::add_user(*f.county.store, "张主任", Role::County, kCountyPassword, f.wall);
  CHECK(twice.field() == "name");

  ConsoleBrowser browser{*f.console};
  REQUIRE(browser.sign_in("张主任", kCountyPassword).status == 303);
  REQUIRE(sync::console::set_password(*f.county.store, "张主任", "新的县中心密码000", f.wall).is_ok());
  CHECK(browser.get("/").status == 303);  // the session the old password opened has ended
  CHECK(browser.sign_in("张主任", kCountyPassword).status == 401);
  CHECK(browser.sign_in("张主任", "新的县中心密码000").status == 303);
}

TEST_CASE("Console: coverage shows the completeness stamp first, then townships, villages and a village's overdue "
          "children by name",
          "[console]") {
  ConsoleFixture f;
  ConsoleBrowser browser{*f.console};
  REQUIRE(browser.sign_in("张主任", kCountyPassword).status == 303);

  Response county = browser.get("/");
  REQUIRE(county.status == 200);
  const std::size_t stamp = county.body.find(R"(id="completeness")");
  const std::size_t table = county.body.find(R"(<table class="coverage">)");
  REQUIRE(stamp != std::string::npos);
  REQUIRE(table != std::string::npos);
  CHECK(stamp < table);
  CHECK(has(county, R"(<div class="alert warn")"));
  CHECK(has(county, "2 个站点中有 1 个"));
  CHECK(has(county, "双沟镇 · "));
  CHECK(has(county, "最后同步 2026-11-20"));
  CHECK(has(county, "王集镇</a>（320324102）</td><td>3</td><td>1</td><td>0</td><td>1</td><td>0</td><td>1</td>"
                    "<td>50.0%</td><td>0</td>"));
  CHECK(has(county, "双沟镇</a>（320324103）</td><td>2</td><td>0</td><td>2</td><td>0</td><td>0</td><td>0</td>"
                    "<td>0.0%</td><td>2</td>"));
  CHECK(has(county, R"(href="/?township=320324102")"));
  // No child's name at the county level.
  CHECK_FALSE(has(county, "测试儿童"));

  Response township = browser.get("/?township=320324102");
  REQUIRE(township.status == 200);
  CHECK(has(township, "大吴村</a>（320324102203）</td><td>2</td><td>0</td><td>0</td><td>1</td><td>0</td><td>1</td>"
                      "<td>0.0%</td><td>0</td>"));
  CHECK(has(township, "田河村</a>（320324102204）</td><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td>"
                      "<td>100.0%</td><td>0</td>"));
  CHECK_FALSE(has(township, "测试儿童"));

  Response village = browser.get("/?township=320324103&village=320324103204");
  REQUIRE(village.status == 200);
  CHECK(has(village, "大白村 逾期未走访的儿童"));
  CHECK(has(village, "测试儿童丁</a></td><td><span class=\"colour yellow\">黄色</span></td><td>2026-11-23</td>"
                     "<td>5</td>"));
  // The child named <script> is text, never markup.
  CHECK_FALSE(has(village, "<script>alert(1)</script>"));
  CHECK(has(village, "&lt;script&gt;alert(1)&lt;/script&gt;</a></td>"));
  // Names only: no ID number, masked or not.
  CHECK_FALSE(has(village, "320324201303"));

  CHECK(browser.get("/?township=320311001").status == 404);  // another county's township
  CHECK(browser.get("/?township=320324102&village=320324103204").status == 404);
}

TEST_CASE("Console: a child is found across the county by part of a name, ID digits or phone, ID numbers masked, and "
          "opening the file is audited, a red one with its reason",
          "[console]") {
  ConsoleFixture f;
  ConsoleBrowser browser{*f.console};
  REQUIRE(browser.sign_in("张主任", kCountyPassword).status == 303);
  // 测试儿童 matches the four test children of both townships (the <script> child's name does not hold it).
  Response part = browser.get("/children?q=测试儿童");
  REQUIRE(part.status == 200);
  CHECK(has(part, "共 4 名"));
  CHECK(has(part, "王集镇"));
  CHECK(has(part, "双沟镇"));
  // The ID number of 测试儿童乙 is 320324 20120601 021 + check: shown masked, first 6 and last 4.
  const std::string id_b = test::make_id_number("20120601", 21);
  CHECK_FALSE(has(part, id_b));
  CHECK(has(part, id_b.substr(0, 6) + "********" + id_b.substr(14)));
  Response digits = browser.get("/children?q=" + id_b.substr(12));
  CHECK(has(digits, "共 1 名"));
  CHECK(has(digits, "测试儿童乙"));
  Response too_few = browser.get("/children?q=12");
  CHECK(too_few.status == 400);
  CHECK(has(too_few, "请至少输入"));

  // 测试儿童乙 is red: the file asks why first, and the audit keeps who and why.
  std::smatch m;
  REQUIRE(std::regex_search(digits.body, m, std::regex(R"re(href="/children/([0-9a-f-]+)")re")));
  const std::string child = m[1];
  Response ask = browser.get("/children/" + child);
  CHECK(ask.status == 200);
  CHECK(has(ask, R"(name="reason")"));
  CHECK_FALSE(has(ask, "田河村"));  // nothing of the file before the reason is given
  Response opened = browser.get("/children/" + child + "?reason=" + web::percent_encode("核查走访情况"));
  CHECK(opened.status == 200);
  CHECK(has(opened, "田河村"));
  CHECK(has(opened, "红色"));
  CHECK_FALSE(has(opened, id_b));
  db::Database central(f.county.db_path, db::Database::Mode::ReadWrite);
  auto audit = central.prepare(
      "SELECT user, action, entity_id, township, detail ->> '$.reason' FROM console_audit WHERE action LIKE 'file.%'");
  REQUIRE(audit.step());
  CHECK(audit.get_text(0) == "张主任");
  CHECK(audit.get_text(1) == "file.open_red");
  CHECK(audit.get_text(2) == child);
  CHECK(audit.get_text(3) == "320324102");
  CHECK(audit.get_text(4) == "核查走访情况");
  CHECK_FALSE(audit.step());
  CHECK(browser.get("/children/no-such-file").status == 404);
}

TEST_CASE("Console: stations by their own name and township, what waited at their last hello, and tokens issued once "
          "and revoked with the form's CSRF token",
          "[console]") {
  ConsoleFixture f;
  REQUIRE(f.s2_waiting > 0);
  ConsoleBrowser browser{*f.console};
  REQUIRE(browser.sign_in("张主任", kCountyPassword).status == 303);
  Response stations = browser.get("/stations");
  REQUIRE(stations.status == 200);
  // s2 said hello on 11-20 12:00 China time (the county's clock) with its whole outbox waiting, and has not
  // synced since; s1's second hello found nothing waiting.
  CHECK(has(stations, "<td>双沟镇（320324103）</td><td>s2 "));
  CHECK(has(stations, "<td>2026-11-20 12:00</td><td>" + std::to_string(f.s2_waiting) + " 条，最早 "));
  CHECK(has(stations, "<td>王集镇（320324102）</td><td>s1 "));
  CHECK(has(stations, "<td>2026-11-28 12:00</td><td>无</td><td>0</td><td>0</td><td>正常</td>"));
  // A laptop whose clock runs two hours ahead: its stamps are re-stamped by the server and the list says so, with
  // the minutes it ran ahead (120, rounded up) and when that was found (China time).
  TestStation fast(f.dir, "fast", "320324104", f.county, 2LL * 3600 * 1000);
  fast.add_child("测试儿童戊", test::make_id_number("20150606", 41), "320324104201");
  REQUIRE(fast.sync().is_ok());
  Response flagged = browser.get("/stations");
  CHECK(has(flagged, R"(<td class="clock-flag"><strong class="overdue">超前 120 分钟（2026-11-28 12:00 发现），请校准电脑时间</strong></td>)"));
  const std::size_t fast_row = flagged.body.find("（320324104）</td><td>fast ");
  REQUIRE(fast_row != std::string::npos);
  const std::string row = flagged.body.substr(fast_row, flagged.body.find("</tr>", fast_row) - fast_row);
  CHECK(row.find("clock-flag") != std::string::npos);
  CHECK(flagged.body.find("clock-flag") == flagged.body.rfind("clock-flag"));  // the others' clocks are fine

  const std::size_t before = f.county.store->tokens().size();
  // Without the form's CSRF token nothing is issued.
  CHECK(browser.post("/stations/tokens", {{"kind", "station"}, {"township", "320324104"}}).status == 403);
  CHECK(f.county.store->tokens().size() == before);
  const std::string csrf = browser.csrf();
  Response other_county = browser.post("/stations/tokens", {{"kind", "station"}, {"township", "320311001"}, {"csrf", csrf}});
  CHECK(other_county.status == 400);
  CHECK(has(other_county, "不属于本县"));
  CHECK(f.county.store->tokens().size() == before);
  Response issued = browser.post("/stations/tokens", {{"kind", "station"}, {"township", "320324104"}, {"csrf", csrf}});
  REQUIRE(issued.status == 200);
  std::smatch m;
  REQUIRE(std::regex_search(issued.body, m, std::regex(R"re(<code class="token">(tdk_[0-9a-f]{64})</code>)re")));
  const std::string token = m[1];
  const auto principal = f.county.store->find_token(sync::tokens::hash(token));
  REQUIRE(principal.has_value());
  CHECK(principal->township == "320324104");
  CHECK(principal->kind == sync::TokenKind::Station);
  // The list never shows a token again.
  CHECK_FALSE(has(browser.get("/stations"), token));

  const std::string id = std::to_string(principal->token_id);
  CHECK(browser.post("/stations/tokens/" + id + "/revoke", {}).status == 403);
  CHECK(f.county.store->find_token(sync::tokens::hash(token)).has_value());
  Response revoked = browser.post("/stations/tokens/" + id + "/revoke", {{"csrf", csrf}});
  CHECK(revoked.status == 303);
  CHECK_FALSE(f.county.store->find_token(sync::tokens::hash(token)).has_value());
  db::Database central(f.county.db_path, db::Database::Mode::ReadWrite);
  auto audit = central.prepare("SELECT user, action, entity_id FROM console_audit WHERE entity = 'token' ORDER BY seq");
  REQUIRE(audit.step());
  CHECK(audit.get_text(0) == "张主任");
  CHECK(audit.get_text(1) == "token.add");
  CHECK(audit.get_text(2) == id);
  REQUIRE(audit.step());
  CHECK(audit.get_text(1) == "token.revoke");
}

TEST_CASE("Bug: a station that synced before 08:00 China time was named stale for that day", "[console][report]") {
  ScratchDir dir;
  TestCounty county(dir, /*http=*/false);
  // 2026-11-28 07:30 China time is 2026-11-27 23:30 UTC, the form the server stores its times in.
  county.clock.set(midnight_cst_ms(Date(2026, 11, 28)) + (7 * 60 + 30) * 60 * 1000LL);
  TestStation early(dir, "early", "320324102", county);
  REQUIRE(early.sync().is_ok());
  report::Options options;
  options.level = report::ScopeLevel::County;
  options.scope_code = "320324";
  options.as_of = Date(2026, 11, 28);
  const report::Report r = county.store->coverage_report(options);
  i18n::set_language(i18n::Lang::Zh);
  REQUIRE(r.stations.size() == 1);
  CHECK(r.stale_stations.empty());
  CHECK(report::completeness_stamp(r).find("全部 1 个站点均已在 2026-11-28 同步") != std::string::npos);
}

TEST_CASE("Console: the audit lists the red files stations opened, filtered by person, child and date, as CSV too, "
          "with every chain verified",
          "[console][audit]") {
  ConsoleFixture f;
  // s1's supervisor opens 测试儿童乙 (red) on the station; the next sync reports the read to the county.
  ChildSearch search;
  search.text = "测试儿童乙";
  auto found = f.county.store->find_children(search, Date(2026, 11, 28));
  REQUIRE(found);
  REQUIRE(found.value().rows.size() == 1);
  REQUIRE(show_child(*f.s1->station, found.value().rows[0].id, false));
  REQUIRE(f.s1->sync().is_ok());

  ConsoleBrowser browser{*f.console};
  REQUIRE(browser.sign_in("张主任", kCountyPassword).status == 303);
  Response audit = browser.get("/audit");
  REQUIRE(audit.status == 200);
  CHECK(has(audit, "console_audit：完整"));
  CHECK(has(audit, "station_openings：完整，共 1 行"));
  CHECK(has(audit, "<td>督导s1</td>"));
  CHECK(has(audit, "<td>查看红色档案</td><td>测试儿童乙</td><td>王集镇</td>"));
  CHECK(has(browser.get("/audit?person=督导s1&child=儿童乙&from=2026-11-28&to=2026-11-28"), "<td>测试儿童乙</td>"));
  CHECK_FALSE(has(browser.get("/audit?person=王强"), "<td>测试儿童乙</td>"));
  CHECK_FALSE(has(browser.get("/audit?from=2026-11-29"), "<td>测试儿童乙</td>"));
  CHECK_FALSE(has(browser.get("/audit?child=测试儿童甲"), "<td>测试儿童乙</td>"));
  Response bad_date = browser.get("/audit?from=11/28");
  CHECK(bad_date.status == 400);
  CHECK(has(bad_date, "应为日期"));

  Response csv = browser.get("/audit.csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type == "text/csv; charset=utf-8");
  CHECK(csv.body.rfind("\xEF\xBB\xBF时间,站点用户,令牌,操作,儿童,乡镇\r\n", 0) == 0);
  CHECK(has(csv, ",督导s1,"));
  CHECK(has(csv, ",查看红色档案,测试儿童乙,王集镇\r\n"));
}

TEST_CASE("Console: the audit shows a hundred reads a page, with a pager that keeps the filters, and exports them all",
          "[console][audit]") {
  ConsoleFixture f;
  ChildSearch search;
  search.text = "测试儿童乙";
  auto found = f.county.store->find_children(search, Date(2026, 11, 28));
  REQUIRE(found);
  REQUIRE(found.value().rows.size() == 1);
  const std::string child = found.value().rows[0].id;
  // 230 reads of the red file, as s1 would report them: rows 1-100, 101-200 and 201-230.
  {
    auto tx = f.county.store->begin();
    for (int i = 1; i <= 230; ++i) {
      sync::StationOpening o;
      o.station_id = "s1";
      o.principal = "督导s1";
      o.township = "320324102";
      o.child_id = child;
      o.station_seq = i;
      o.station_hash = fmt::format("{:064x}", i);
      o.at = "2026-11-28T02:00:00.000Z";
      o.actor = i % 2 ? "王强" : "李娜";
      o.action = "file.open_red";
      o.entity = "child";
      o.entity_id = child;
      o.received_at = "2026-11-28T03:00:00.000Z";
      REQUIRE(tx->save_opening(o));
    }
    tx->commit();
  }
  auto rows_in = [](const Response& r) {
    std::size_t n = 0;
    for (std::size_t at = r.body.find("<td>查看红色档案</td>"); at != std::string::npos;
         at = r.body.find("<td>查看红色档案</td>", at + 1))
      ++n;
    return n;
  };
  ConsoleBrowser browser{*f.console};
  REQUIRE(browser.sign_in("张主任", kCountyPassword).status == 303);
  Response first = browser.get("/audit");
  REQUIRE(first.status == 200);
  CHECK(has(first, "第 1–100 条，共 230 条"));
  CHECK(rows_in(first) == 100);
  CHECK(has(first, "第 1 页，共 3 页"));
  CHECK(has(first, R"(<a rel="next" href="/audit?person=&amp;township=&amp;child=&amp;from=&amp;to=&amp;page=2">)"));
  CHECK_FALSE(has(first, R"(rel="prev")"));
  Response last = browser.get("/audit?page=3");
  CHECK(has(last, "第 201–230 条，共 230 条"));
  CHECK(rows_in(last) == 30);
  CHECK_FALSE(has(last, R"(rel="next")"));
  // A page past the end shows the last one; a page that is not a number, the first.
  CHECK(has(browser.get("/audit?page=99"), "第 201–230 条"));
  CHECK(has(browser.get("/audit?page=2x"), "第 1–100 条"));
  // A filter halves the rows (王强 read the odd ones) and its pager links keep it.
  Response filtered = browser.get("/audit?person=王强");
  CHECK(has(filtered, "第 1–100 条，共 115 条"));
  CHECK(has(filtered, "person=%E7%8E%8B%E5%BC%BA&amp;township=&amp;child=&amp;from=&amp;to=&amp;page=2"));
  CHECK(rows_in(browser.get("/audit?person=王强&page=2")) == 15);
  CHECK(has(browser.get("/audit?person=没有这个人"), "没有符合条件的记录"));
  // The CSV holds every row the filters keep, not one page.
  Response csv = browser.get("/audit.csv?person=王强");
  REQUIRE(csv.status == 200);
  std::size_t lines = 0;
  for (char c : csv.body) lines += c == '\n';
  CHECK(lines == 1 + 115);
}
