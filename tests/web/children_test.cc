// The children list with its search, the whole file of one child, and its print view (web/station/children_page.cc,
// child_file_page.cc), in process through StationApp::handle: what they show, what they mask and escape, and whom
// they refuse.
#include <catch2/catch.hpp>

#include <regex>

#include "core/db/sqlite.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"
#include "support/cli_harness.h"
#include "support/web_browser.h"
#include "tongdang/fixtures/synthetic.h"
#include "web/station/app.h"
#include "web/station/page.h"

using namespace tongdang;
using web::Request;
using web::Response;

namespace {

constexpr const char* kVillage1 = "320324102203";
constexpr const char* kVillage2 = "320324102204";
constexpr const char* kHostile = "<img src=x onerror=alert(1)>";
constexpr const char* kHostileEscaped = "&lt;img src=x onerror=alert(1)&gt;";

using test::Browser;

bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

// Rows of the results table (each row links to a file).
int result_rows(const std::string& body) {
  int rows = 0;
  for (std::size_t at = body.find("<tr><td><span class=\"colour"); at != std::string::npos;
       at = body.find("<tr><td><span class=\"colour", at + 1))
    ++rows;
  return rows;
}

struct Fixture {
  test::ScratchDir dir;
  ManualClock clock{midnight_cst_ms(Date(2026, 11, 27)) + 10 * 3600 * 1000};
  fixtures::Generator generator{11, Date(2026, 11, 27)};
  std::unique_ptr<web::station::StationApp> app;
  std::string ming, ming_number, hostile, hua, hua_number;

  std::pair<std::string, std::string> child(Station& station, const std::string& name, const char* village,
                                            Date birth) {
    const std::string number = generator.id_number("320324", birth, Sex::Male);
    NewChild input;
    input.fields = {{"name", name}, {"id_number", number}, {"village", village}};
    auto added = add_child(station, input);
    REQUIRE(added);
    return {added.value().id, number};
  }

  explicit Fixture(int extra_children = 0) {
    Station::InitOptions init{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}, "督导员的密码123"};
    auto created = Station::create(dir.file("s.db"), init, clock);
    REQUIRE(created);
    auto station = std::move(created).value();
    REQUIRE(station->add_user({"王强", Role::Director, {kVillage1}}, "主任的密码456"));
    std::tie(ming, ming_number) = child(*station, "张小明", kVillage1, Date(2014, 3, 15));
    std::tie(hostile, std::ignore) = child(*station, kHostile, kVillage1, Date(2015, 5, 5));
    std::tie(hua, hua_number) = child(*station, "李华", kVillage2, Date(2013, 9, 9));
    for (int i = 0; i < extra_children; ++i) child(*station, fmt::format("测试{:02}", i), kVillage1, Date(2014, 1, 1));
    REQUIRE(add_relative(*station, ming, {{"relation", "father"}, {"name", "张建国"}, {"status", "working_away"},
                                          {"place", "苏州"}, {"phone", "13800001111"}}));
    REQUIRE(add_relative(*station, hostile, {{"relation", "mother"}, {"name", kHostile}, {"status", "present"},
                                             {"phone", "13900002222"}}));
    NewVisit visit;
    visit.on = Date(2026, 11, 20);
    visit.notes = "家中整洁，祖母照看";
    REQUIRE(add_visit(*station, ming, visit));
    // 8 + 6 = 14: blue (docs/domain.md "The instrument").
    auto answers = parse_answers({{"carer", "both_away_capable_relative"}, {"income", "below_1x_or_dibao"}});
    REQUIRE(answers);
    REQUIRE(assess(*station, ming, answers.value(), Date(2026, 11, 21), "首次评估"));
    app = std::make_unique<web::station::StationApp>(std::move(station), web::station::AppOptions{dir.file("s.db")});
  }
  std::int64_t audit_rows(const char* action) {
    db::Database db(dir.file("s.db"), db::Database::Mode::ReadOnly);
    auto query = db.prepare("SELECT count(*) FROM audit WHERE action = ?1");
    query.bind(1, action);
    REQUIRE(query.step());
    return query.get_int(0);
  }
};

std::string masked(const std::string& number) { return number.substr(0, 6) + "********" + number.substr(14); }

}  // namespace

TEST_CASE("Web children: search by part of a name, the last 4 ID digits, a relative's phone", "[web]") {
  Fixture f;
  Browser b{*f.app};
  REQUIRE(b.sign_in("李芳", "督导员的密码123").status == 303);
  Response all = b.get("/children");
  CHECK(all.status == 200);
  CHECK(has(all.body, R"(data-live-search="results")"));
  CHECK(has(all.body, R"(<div id="results">)"));
  CHECK(has(all.body, R"(id="save")"));
  CHECK(result_rows(all.body) == 3);
  CHECK(has(all.body, "共 3 名儿童"));

  Response by_name = b.get("/children?q=%E5%B0%8F%E6%98%8E");  // 小明
  CHECK(result_rows(by_name.body) == 1);
  CHECK(has(by_name.body, "张小明"));
  CHECK_FALSE(has(by_name.body, "李华"));
  CHECK(has(by_name.body, R"(value="小明")"));  // the box keeps what was typed

  Response by_digits = b.get("/children?q=" + f.hua_number.substr(14));
  CHECK(result_rows(by_digits.body) == 1);
  CHECK(has(by_digits.body, "李华"));

  Response by_phone = b.get("/children?q=00001111");
  CHECK(result_rows(by_phone.body) == 1);
  CHECK(has(by_phone.body, "张小明"));

  // Too few digits: the reason beside the box, the typed value kept, 400.
  Response short_number = b.get("/children?q=12");
  CHECK(short_number.status == 400);
  CHECK(has(short_number.body, "至少输入 4 位数字"));
  CHECK(has(short_number.body, R"(value="12")"));
}

TEST_CASE("Web children: filters, closed files, the row's columns, masked ID numbers", "[web]") {
  Fixture f;
  Browser b{*f.app};
  REQUIRE(b.sign_in("李芳", "督导员的密码123").status == 303);
  Response village = b.get(std::string("/children?village=") + kVillage2);
  CHECK(result_rows(village.body) == 1);
  CHECK(has(village.body, "李华"));
  Response blue = b.get("/children?colour=blue");
  CHECK(result_rows(blue.body) == 1);
  CHECK(has(blue.body, "张小明"));
  CHECK(has(blue.body, "蓝色"));
  CHECK(has(blue.body, "2026-12-20"));  // next home visit: blue, every 30 days from the last one (11-20)
  CHECK(result_rows(b.get("/children?colour=red").body) == 0);
  Response unknown = b.get("/children?colour=orange");
  CHECK(unknown.status == 400);
  CHECK(has(unknown.body, "未知的风险等级"));
  // Every ID number masked in the list.
  const std::string list = b.get("/children").body;
  for (const std::string* number : {&f.ming_number, &f.hua_number}) {
    CHECK_FALSE(has(list, *number));
    CHECK(has(list, masked(*number)));
  }
}

TEST_CASE("Web children: 50 a page with a pager, and partial=1 answers the results only", "[web]") {
  Fixture f(55);  // 58 children: 3 + 55
  Browser b{*f.app};
  REQUIRE(b.sign_in("李芳", "督导员的密码123").status == 303);
  Response first = b.get("/children");
  CHECK(result_rows(first.body) == 50);
  CHECK(has(first.body, "共 58 名儿童"));
  CHECK(has(first.body, "第 1 / 2 页"));
  CHECK(has(first.body, R"(rel="next" href="/children?q=&amp;village=&amp;colour=&amp;category=&amp;closed=&amp;page=2")"));
  Response second = b.get("/children?page=2");
  CHECK(result_rows(second.body) == 8);
  CHECK(has(second.body, R"(rel="prev")"));
  CHECK(first.body.size() < 150 * 1024);
  Response partial = b.get("/children?q=%E6%B5%8B%E8%AF%95&partial=1");  // 测试
  CHECK(partial.status == 200);
  CHECK(result_rows(partial.body) == 50);
  CHECK(has(partial.body, "共 55 名儿童"));
  CHECK_FALSE(has(partial.body, "<html"));
  CHECK_FALSE(has(partial.body, "<form"));
}

TEST_CASE("Web children: a hostile name is only ever text, on the list, the file and the print view", "[web]") {
  Fixture f;
  Browser b{*f.app};
  REQUIRE(b.sign_in("李芳", "督导员的密码123").status == 303);
  for (const std::string& target : {std::string("/children"), "/children/" + f.hostile, "/children/" + f.hostile + "/print",
                                   "/children?q=" + web::percent_encode("<img")}) {
    Response page = b.get(target);
    INFO(target);
    CHECK(page.status == 200);
    CHECK(has(page.body, kHostileEscaped));
    CHECK_FALSE(has(page.body, "<img"));
  }
}

TEST_CASE("Web children: a director lists only their villages and is refused another village's file", "[web]") {
  Fixture f;
  Browser b{*f.app};
  REQUIRE(b.sign_in("王强", "主任的密码456").status == 303);
  Response list = b.get("/children");
  CHECK(result_rows(list.body) == 2);
  CHECK_FALSE(has(list.body, "李华"));
  CHECK(result_rows(b.get("/children?q=" + f.hua_number.substr(14)).body) == 0);
  Response refused = b.get("/children/" + f.hua);
  CHECK(refused.status == 403);
  CHECK(has(refused.body, "不负责村(居) 320324102204"));
  CHECK_FALSE(has(refused.body, "李华"));
  CHECK(b.get("/children/" + f.hua + "/print").status == 403);
  // Full ID numbers are not a director's to see.
  CHECK(b.get("/children/" + f.ming + "?full_id=1").status == 403);
  CHECK(b.get("/children/" + f.ming).status == 200);
  CHECK(b.get("/children/no-such-child").status == 404);
}

TEST_CASE("Web child file: profile, family with phones, visits, colour history and breakdown, history", "[web]") {
  Fixture f;
  Browser b{*f.app};
  REQUIRE(b.sign_in("李芳", "督导员的密码123").status == 303);
  Response file = b.get("/children/" + f.ming);
  REQUIRE(file.status == 200);
  const std::string& body = file.body;
  CHECK(has(body, "<h1>张小明"));
  CHECK(has(body, masked(f.ming_number)));
  CHECK_FALSE(has(body, f.ming_number));
  // Family: the father working away, his phone.
  CHECK(has(body, "张建国"));
  CHECK(has(body, "13800001111"));
  CHECK(has(body, "外出务工"));
  // The visit.
  CHECK(has(body, "2026-11-20"));
  CHECK(has(body, "家中整洁，祖母照看"));
  // The colour, its history and the breakdown of the assessment: 8 (G) + 6 (L) = 14.
  CHECK(has(body, R"(<span class="colour blue">蓝色</span>)"));
  CHECK(has(body, "得分 14（监护与安全 G 8，健康与残疾 H 0，心理行为 B 0，生活/上学/亲情 L 6）"));
  CHECK(has(body, "首次评估"));
  // Buttons to the forms.
  for (const char* form : {"/visits", "/assess", "/care", "/colour?direction=raise", "/colour?direction=lower", "/edit",
                           "/relatives/new", "/categories", "/close", "/print"})
    CHECK(has(body, "href=\"/children/" + f.ming + form));
  // The change history: the registration, the relative, the visit and the assessment.
  CHECK(has(body, R"(id="history")"));
  CHECK(has(body, "登记档案"));
  CHECK(has(body, "添加家庭成员"));
  CHECK(has(body, "<td>评估</td>"));
  // A supervisor may ask for the full number: shown, and audited.
  const std::int64_t before = f.audit_rows("file.open_full_id");
  Response full = b.get("/children/" + f.ming + "?full_id=1");
  CHECK(full.status == 200);
  CHECK(has(full.body, f.ming_number));
  CHECK(f.audit_rows("file.open_full_id") == before + 1);
}

TEST_CASE("Web child file: the print view is the file without navigation, with a print button", "[web]") {
  Fixture f;
  Browser b{*f.app};
  REQUIRE(b.sign_in("李芳", "督导员的密码123").status == 303);
  Response print = b.get("/children/" + f.ming + "/print");
  REQUIRE(print.status == 200);
  CHECK(has(print.body, "data-print"));
  CHECK(has(print.body, "打印"));
  CHECK_FALSE(has(print.body, R"(<header class="top")"));
  CHECK_FALSE(has(print.body, "/logout"));
  CHECK(has(print.body, "13800001111"));
  CHECK(has(print.body, "家中整洁，祖母照看"));
  CHECK(has(print.body, masked(f.ming_number)));
  CHECK_FALSE(has(print.body, f.ming_number));
}

TEST_CASE("Web child file: opening a red file is audited once", "[web]") {
  Fixture f;
  Browser b{*f.app};
  REQUIRE(b.sign_in("李芳", "督导员的密码123").status == 303);
  // Raise through the use case on a second handle of the same database, as another window would.
  {
    auto station = Station::open(f.dir.file("s.db"), f.clock);
    REQUIRE(station);
    REQUIRE(change_colour(*station.value(), f.ming, true, Colour::Red, "发现受虐迹象", std::nullopt));
  }
  const std::int64_t before = f.audit_rows("file.open_red");
  Response file = b.get("/children/" + f.ming);
  CHECK(has(file.body, R"(<span class="colour red">红色</span>)"));
  CHECK(f.audit_rows("file.open_red") == before + 1);
}

TEST_CASE("Web routes: a literal path wins over a wildcard, whatever the order they were added in", "[web]") {
  web::station::Routes routes;
  routes.get("/children/{}", [](web::station::Page&, const std::vector<std::string>&) { return Response::plain(200, "file"); });
  routes.get("/children/new", [](web::station::Page&, const std::vector<std::string>&) { return Response::plain(200, "new"); });
  std::vector<std::string> params;
  const web::station::Route* route = routes.match("GET", {"children", "new"}, params);
  REQUIRE(route);
  CHECK(route->pattern == "/children/new");
  CHECK(params.empty());
  route = routes.match("GET", {"children", "abc"}, params);
  REQUIRE(route);
  CHECK(route->pattern == "/children/{}");
  CHECK(params == std::vector<std::string>{"abc"});
}
