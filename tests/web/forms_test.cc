// The forms that write to a child's file (web/station/forms_page.cc and the files it adds), in process: each form's
// success writes and redirects; a bad value comes back with every typed value kept, the message beside its field, and
// nothing written (rows counted before and after); hostile text is stored and shown only escaped; scope and role
// refusals are 403; the assessment preview shows the rule's colour for hand-worked answers and writes nothing.
#include <catch2/catch.hpp>

#include <regex>

#include "core/base/date.h"
#include "core/store/station.h"
#include "core/workflow/children.h"
#include "core/workflow/screening.h"
#include "core/workflow/workflow.h"
#include "support/cli_harness.h"
#include "support/web_browser.h"
#include "web/station/app.h"

using namespace tongdang;
using web::Request;
using web::Response;

namespace {

constexpr const char* kVillage = "320324102203";       // 王强's village
constexpr const char* kOtherVillage = "320324102204";  // 赵敏's village
constexpr const char* kIdNumber = "32032420140315012X";
constexpr const char* kHostile = "<img src=x onerror=alert(1)>";

// support/web_browser.h's Browser that signs in once and posts every form with this session's CSRF token.
struct Browser : test::Browser {
  std::string csrf;

  // Posts with this session's CSRF token.
  Response post(const std::string& path, std::multimap<std::string, std::string> form) {
    form.emplace("csrf", csrf);
    return test::Browser::post(path, std::move(form));
  }
  void sign_in(const std::string& user, const std::string& password) {
    REQUIRE(test::Browser::sign_in(user, password).status == 303);
    csrf = csrf_of(get("/").body);
  }
};

using test::location_of;


bool has(const Response& response, const std::string& text) { return response.body.find(text) != std::string::npos; }

std::int64_t at(const char* date) { return midnight_cst_ms(*Date::parse(date)) + 10 * 3600 * 1000; }

// A station of 王集镇 with a supervisor, two directors (one village each) and the county centre, and two children
// registered on 2026-11-02 — 张小明 in 王强's village (graded blue), 李小红 in 赵敏's; the app runs on 2026-12-20.
struct FormsFixture {
  test::ScratchDir dir;
  ManualClock clock{at("2026-11-02")};
  std::unique_ptr<web::station::StationApp> app;
  std::string child;        // 张小明
  std::string other_child;  // 李小红

  FormsFixture() {
    Station::InitOptions init{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}, "督导员的密码123"};
    auto created = Station::create(dir.file("s.db"), init, clock);
    REQUIRE(created);
    auto station = std::move(created).value();
    REQUIRE(station->add_user({"王强", Role::Director, {kVillage}}, "主任的密码456"));
    REQUIRE(station->add_user({"赵敏", Role::Director, {kOtherVillage}}, "主任的密码789"));
    REQUIRE(station->add_user({"县中心", Role::County, {}}, "县级的密码000"));
    NewChild a;
    a.fields = {{"name", "张小明"}, {"id_number", kIdNumber}, {"village", kVillage}};
    a.categories = {"FUC"};
    auto added = add_child(*station, a);
    REQUIRE(added);
    child = added.value().id;
    auto answers = parse_answers({{"carer", "both_away_capable_relative"}, {"income", "below_1x_or_dibao"}});
    REQUIRE(assess(*station, child, answers.value(), std::nullopt, ""));  // 8 + 6 = 14: blue
    NewChild b;
    b.fields = {{"name", "李小红"}, {"id_number", "320324201505200028"}, {"village", kOtherVillage}};
    auto other = add_child(*station, b);
    REQUIRE(other);
    other_child = other.value().id;
    clock.set(at("2026-12-20"));
    app = std::make_unique<web::station::StationApp>(std::move(station), web::station::AppOptions{dir.file("s.db")});
  }

  // A row count read through a second handle on the same database (what was written, not what a page says).
  std::int64_t count(const std::string& sql) {
    auto opened = Station::open(dir.file("s.db"), clock);
    REQUIRE(opened);
    auto query = opened.value()->db().prepare(sql);
    REQUIRE(query.step());
    return query.get_int(0);
  }
  std::int64_t events(const std::string& kind) { return count("SELECT count(*) FROM events WHERE kind = '" + kind + "'"); }
  Browser as(const std::string& user, const std::string& password) {
    Browser browser{*app, {}, {}};
    browser.sign_in(user, password);
    return browser;
  }
  Browser director() { return as("王强", "主任的密码456"); }
  Browser supervisor() { return as("李芳", "督导员的密码123"); }
  Browser county() { return as("县中心", "县级的密码000"); }
};

}  // namespace

// ---- register and edit ----

TEST_CASE("Web forms: registering a child writes the file and goes to it", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  Response form = b.get("/children/new");
  REQUIRE(form.status == 200);
  CHECK(has(form, R"(data-check="id-number")"));
  CHECK(has(form, R"(<option value="320324102203")"));
  CHECK_FALSE(has(form, R"(<option value="320324102204")"));  // a director chooses among their own villages
  CHECK(has(form, R"(id="save")"));
  CHECK(has(form, "现住址"));
  const auto before = f.count("SELECT count(*) FROM children");
  Response saved = b.post("/children/new", {{"name", "王小虎"}, {"id_number", "32032420160307001X"},
                                            {"village", kVillage}, {"hukou_status", "registered"},
                                            {"current_address", "王集村3组"}, {"category", "LEFT_BEHIND"}});
  REQUIRE(saved.status == 303);
  CHECK(std::regex_match(location_of(saved), std::regex("/children/[0-9a-f-]{36}\\?saved=1")));
  CHECK(f.count("SELECT count(*) FROM children") == before + 1);
  CHECK(f.count("SELECT count(*) FROM children WHERE name = '王小虎' AND current_address = '王集村3组'") == 1);
  CHECK(f.count("SELECT count(*) FROM memberships WHERE category = 'LEFT_BEHIND'") == 1);
}

TEST_CASE("Web forms: a mistyped ID number keeps every value, says why beside the field, and writes nothing", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  const auto before = f.count("SELECT count(*) FROM children");
  const auto audit_before = f.count("SELECT count(*) FROM audit");
  Response bad = b.post("/children/new", {{"name", "王小虎"}, {"id_number", "320324201403150021"},
                                          {"village", kVillage}, {"hukou_status", "registered"},
                                          {"current_address", "王集村3组"}, {"school", "王集中心小学"},
                                          {"category", "LEFT_BEHIND"}});
  CHECK(bad.status == 400);
  CHECK(has(bad, R"(value="王小虎")"));
  CHECK(has(bad, R"(value="320324201403150021")"));
  CHECK(has(bad, R"(value="王集村3组")"));
  CHECK(has(bad, R"(value="王集中心小学")"));
  CHECK(has(bad, R"(<option value="320324102203" selected>)"));
  CHECK(has(bad, R"(value="LEFT_BEHIND" checked)"));
  CHECK(has(bad, R"(id="id_number-error")"));  // the message sits beside the ID number field
  CHECK(has(bad, R"(id="id_number-check")"));  // and the check says why, from the rule
  CHECK(has(bad, "未保存"));
  CHECK(f.count("SELECT count(*) FROM children") == before);
  CHECK(f.count("SELECT count(*) FROM audit") == audit_before);
}

TEST_CASE("Web forms: a child with a hostile name is stored as typed and shown only escaped", "[web]") {
  FormsFixture f;
  Browser b = f.supervisor();
  Response saved = b.post(
      "/children/new", {{"name", "小明"}, {"hukou_status", "unregistered"}, {"sex", "male"},
                        {"birth_date", "2016-04-01"}, {"village", kVillage}, {"current_address", kHostile}});
  REQUIRE(saved.status == 303);
  const std::string id = location_of(saved).substr(10, 36);
  CHECK(f.count("SELECT count(*) FROM children WHERE current_address = '<img src=x onerror=alert(1)>'") == 1);
  Response edit = b.get("/children/" + id + "/edit");
  REQUIRE(edit.status == 200);
  CHECK_FALSE(has(edit, kHostile));
  CHECK(has(edit, "&lt;img src=x onerror=alert(1)&gt;"));
}

TEST_CASE("Web forms: editing a file saves the change, and emptying the name keeps the values and writes nothing",
          "[web]") {
  FormsFixture f;
  Browser b = f.director();
  Response form = b.get("/children/" + f.child + "/edit");
  REQUIRE(form.status == 200);
  CHECK(has(form, R"(value="张小明")"));
  CHECK(has(form, "320324********012X"));  // the ID number masked
  CHECK_FALSE(has(form, kIdNumber));
  Response saved = b.post("/children/" + f.child + "/edit",
                          {{"name", "张小明"}, {"village", kVillage}, {"school", "王集中心小学"}, {"schooling", "in_school"}});
  REQUIRE(saved.status == 303);
  CHECK(location_of(saved) == "/children/" + f.child + "?saved=1");
  CHECK(f.count("SELECT count(*) FROM children WHERE school = '王集中心小学' AND schooling = 'in_school'") == 1);
  const auto versions = f.count("SELECT count(*) FROM field_versions");
  Response bad = b.post("/children/" + f.child + "/edit",
                        {{"name", ""}, {"village", kVillage}, {"school", "另一所学校"}, {"grade", "三年级"}});
  CHECK(bad.status == 400);
  CHECK(has(bad, R"(id="name-error")"));
  CHECK(has(bad, R"(value="另一所学校")"));
  CHECK(has(bad, R"(value="三年级")"));
  CHECK(f.count("SELECT count(*) FROM field_versions") == versions);
  CHECK(f.count("SELECT count(*) FROM children WHERE school = '王集中心小学'") == 1);
}

TEST_CASE("Web forms: a director cannot open or post the forms of a file outside their villages", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  for (const char* form : {"/edit", "/visits", "/assess", "/care", "/colour", "/categories", "/close",
                           "/relatives/new"})
    CHECK(b.get("/children/" + f.other_child + form).status == 403);
  const auto visits = f.count("SELECT count(*) FROM visits");
  Response posted = b.post("/children/" + f.other_child + "/visits", {{"on", "2026-12-20"}, {"kind", "home"}});
  CHECK(posted.status == 403);
  CHECK(f.count("SELECT count(*) FROM visits") == visits);
  Response edited = b.post("/children/" + f.other_child + "/edit", {{"name", "改名"}, {"village", kOtherVillage}});
  CHECK(edited.status == 403);
  CHECK(f.count("SELECT count(*) FROM children WHERE name = '改名'") == 0);
}

// ---- relatives ----

TEST_CASE("Web forms: adding and editing a relative, and a missing relation keeps the values", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  Response form = b.get("/children/" + f.child + "/relatives/new");
  REQUIRE(form.status == 200);
  CHECK(has(form, "受委托监护人"));  // the relation's choices in Chinese
  const auto before = f.count("SELECT count(*) FROM relatives");
  Response bad = b.post("/children/" + f.child + "/relatives/new",
                        {{"relation", ""}, {"name", kHostile}, {"status", "present"}, {"phone", "13800000000"}});
  CHECK(bad.status == 400);
  CHECK(has(bad, R"(id="relation-error")"));
  CHECK(has(bad, R"(value="13800000000")"));
  CHECK_FALSE(has(bad, kHostile));
  CHECK(has(bad, "&lt;img src=x onerror=alert(1)&gt;"));
  CHECK(f.count("SELECT count(*) FROM relatives") == before);
  Response saved = b.post("/children/" + f.child + "/relatives/new",
                          {{"relation", "grandmother"}, {"name", "张奶奶"}, {"status", "present"},
                           {"is_guardian", "true"}, {"capacity", "limited"}});
  REQUIRE(saved.status == 303);
  CHECK(f.count("SELECT count(*) FROM relatives") == before + 1);
  CHECK(f.count("SELECT count(*) FROM relatives WHERE name = '张奶奶' AND is_guardian = 1") == 1);
  auto rid = [&] {
    auto opened = Station::open(f.dir.file("s.db"), f.clock);
    auto q = opened.value()->db().prepare("SELECT id FROM relatives WHERE name = '张奶奶'");
    REQUIRE(q.step());
    return q.get_text(0);
  }();
  Response edit = b.get("/children/" + f.child + "/relatives/" + rid + "/edit");
  REQUIRE(edit.status == 200);
  CHECK(has(edit, R"(value="张奶奶")"));
  Response changed = b.post("/children/" + f.child + "/relatives/" + rid + "/edit",
                            {{"relation", "grandmother"}, {"name", "张奶奶"}, {"status", "working_away"},
                             {"place", "苏州"}, {"is_guardian", "false"}});
  REQUIRE(changed.status == 303);
  CHECK(f.count("SELECT count(*) FROM relatives WHERE status = 'working_away' AND place = '苏州'") == 1);
  // A new relative working away needs the place: refused beside the field, nothing added.
  const auto relatives = f.count("SELECT count(*) FROM relatives");
  Response no_place = b.post("/children/" + f.child + "/relatives/new",
                             {{"relation", "father"}, {"name", "张父"}, {"status", "working_away"}, {"place", ""}});
  CHECK(no_place.status == 400);
  CHECK(has(no_place, R"(id="place-error")"));
  CHECK(has(no_place, R"(value="张父")"));
  CHECK(f.count("SELECT count(*) FROM relatives") == relatives);
  // A guardian flag left empty is "no", never a null the table refuses.
  Response no_flag = b.post("/children/" + f.child + "/relatives/" + rid + "/edit",
                            {{"relation", "grandmother"}, {"name", "张奶奶"}, {"status", "present"}, {"is_guardian", ""}});
  CHECK(no_flag.status == 303);
  CHECK(f.count("SELECT count(*) FROM relatives WHERE name = '张奶奶' AND is_guardian = 0 AND status = 'present'") == 1);
}

// ---- visits ----

TEST_CASE("Web forms: a visit from the work list goes back to it, and the visit is no longer due", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  const std::string visit_link = "/children/" + f.child + "/visits?next=/";
  Response due = b.get("/");
  REQUIRE(due.status == 200);
  REQUIRE(has(due, visit_link));  // blue, never visited: due 2026-12-02, overdue on 2026-12-20
  Response form = b.get(visit_link);
  REQUIRE(form.status == 200);
  CHECK(has(form, R"(value="2026-12-20")"));  // the date defaults to today
  CHECK(has(form, R"(value="home" checked)"));
  CHECK(has(form, "入户走访"));
  CHECK(has(form, "电话联系"));
  CHECK(has(form, R"(name="next" value="/")"));
  const auto before = f.count("SELECT count(*) FROM visits");
  Response bad = b.post("/children/" + f.child + "/visits",
                        {{"on", "2026-12-32"}, {"kind", "home"}, {"notes", "祖母在家"}, {"next", "/"}});
  CHECK(bad.status == 400);
  CHECK(has(bad, R"(id="on-error")"));
  CHECK(has(bad, "祖母在家"));
  CHECK(f.count("SELECT count(*) FROM visits") == before);
  Response future = b.post("/children/" + f.child + "/visits", {{"on", "2027-01-05"}, {"kind", "home"}, {"next", "/"}});
  CHECK(future.status == 400);
  CHECK(f.count("SELECT count(*) FROM visits") == before);
  Response saved = b.post("/children/" + f.child + "/visits",
                          {{"on", "2026-12-20"}, {"kind", "home"}, {"with", "李芳、村医"}, {"notes", kHostile},
                           {"key_event", ""}, {"next", "/"}});
  REQUIRE(saved.status == 303);
  CHECK(location_of(saved) == "/?saved=1");
  CHECK(f.count("SELECT count(*) FROM visits") == before + 1);
  CHECK_FALSE(has(b.get("/"), visit_link));
  // Without `next` it goes back to the file.
  Response phone = b.post("/children/" + f.child + "/visits", {{"on", "2026-12-20"}, {"kind", "phone"}});
  CHECK(location_of(phone) == "/children/" + f.child + "?saved=1");
}

// ---- assessment ----

TEST_CASE("Web forms: the assessment preview shows the rule's score and colour and writes nothing", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  Response form = b.get("/children/" + f.child + "/assess");
  REQUIRE(form.status == 200);
  CHECK(has(form, "父母均外出，亲属有照料能力（8 分）"));  // the county policy's points beside each answer
  CHECK(has(form, R"(name="step" value="preview")"));
  const auto before = f.events("assessment");
  // By hand (docs/domain.md "The instrument"): carer both away, capable relative 8 + guardianship fair 5 = G 13;
  // 1 warning sign 5 + 1 behaviour problem 5 = B 10; a dibao household 6 = L 6; total 29 → yellow (25–44).
  const std::multimap<std::string, std::string> answers = {
      {"carer", "both_away_capable_relative"}, {"guardianship", "fair"}, {"warning_signs", "1"},
      {"behaviour_problems", "1"}, {"income", "below_1x_or_dibao"}, {"home_hazards", "0"}};
  auto with_step = [&](const char* step) {
    auto form_values = answers;
    form_values.emplace("step", step);
    return form_values;
  };
  Response preview = b.post("/children/" + f.child + "/assess", with_step("preview"));
  REQUIRE(preview.status == 200);
  CHECK(has(preview, R"(<strong id="preview-score">29</strong>)"));
  CHECK(has(preview, R"(<span id="preview-colour"><span class="colour yellow">黄色</span></span>)"));
  CHECK(has(preview, "<th>G 监护与安全</th><td>13</td>"));
  CHECK(has(preview, "<th>B 心理行为</th><td>10</td>"));
  CHECK(has(preview, "<th>L 生活、上学与亲情</th><td>6</td>"));
  CHECK(has(preview, R"(<option value="fair" selected>)"));  // the answers stay in the form
  CHECK(f.events("assessment") == before);
  // A red trigger makes the preview red whatever the score.
  auto red = with_step("preview");
  red.emplace("triggers", "R2");
  CHECK(has(b.post("/children/" + f.child + "/assess", red), R"(<span class="colour red">)"));
  CHECK(f.events("assessment") == before);
  // A count that is not a number: beside its field, nothing written.
  auto bad = with_step("save");
  bad.erase("warning_signs");
  bad.emplace("warning_signs", "两个");
  Response refused = b.post("/children/" + f.child + "/assess", bad);
  CHECK(refused.status == 400);
  CHECK(has(refused, R"(id="warning_signs-error")"));
  CHECK(has(refused, R"(value="两个")"));
  CHECK(f.events("assessment") == before);
  Response saved = b.post("/children/" + f.child + "/assess", with_step("save"));
  REQUIRE(saved.status == 303);
  CHECK(f.events("assessment") == before + 1);
  CHECK(f.count("SELECT count(*) FROM child_state WHERE colour = 'yellow'") == 1);
}

// ---- care ----

TEST_CASE("Web forms: adding a care measure and updating its status", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  Response form = b.get("/children/" + f.child + "/care");
  REQUIRE(form.status == 200);
  CHECK(has(form, "生活保障"));  // the catalogue's areas in Chinese
  const auto before = f.count("SELECT count(*) FROM care_measures");
  Response bad = b.post("/children/" + f.child + "/care",
                        {{"area", "SOCIAL"}, {"item", "志愿者结对"}, {"status", "maybe"}, {"provider", "团委"}});
  CHECK(bad.status == 400);
  CHECK(has(bad, R"(id="status-error")"));
  CHECK(has(bad, R"(value="志愿者结对")"));
  CHECK(has(bad, R"(value="团委")"));
  CHECK(f.count("SELECT count(*) FROM care_measures") == before);
  Response saved = b.post("/children/" + f.child + "/care",
                          {{"area", "SOCIAL"}, {"item", kHostile}, {"status", "planned"}, {"on", "2026-12-20"}});
  REQUIRE(saved.status == 303);
  CHECK(f.count("SELECT count(*) FROM care_measures") == before + 1);
  Response listed = b.get("/children/" + f.child + "/care");
  CHECK_FALSE(has(listed, kHostile));
  CHECK(has(listed, "&lt;img src=x onerror=alert(1)&gt;"));
  std::smatch m;
  REQUIRE(std::regex_search(listed.body, m, std::regex(R"re(name="measure" value="([0-9a-f-]{36})")re")));
  Response updated = b.post("/children/" + f.child + "/care", {{"measure", m[1]}, {"status", "done"}, {"outcome", "已结对"}});
  REQUIRE(updated.status == 303);
  CHECK(f.count("SELECT count(*) FROM care_measures WHERE status = 'done'") == 1);
  // A measure of another child cannot be updated through this child's page.
  CHECK(b.post("/children/" + f.child + "/care", {{"measure", "00000000-0000-0000-0000-000000000000"}, {"status", "done"}})
            .status == 404);
}

// ---- colour, categories, closing ----

TEST_CASE("Web forms: a director's lowering opens a review item and the form says so beforehand", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  Response form = b.get("/children/" + f.child + "/colour");
  REQUIRE(form.status == 200);
  CHECK(has(form, R"(id="lowering-rule")"));
  CHECK(has(form, "提交督导员或县级复核"));
  Response no_reason = b.post("/children/" + f.child + "/colour", {{"direction", "raise"}, {"to", "yellow"}, {"reason", ""}});
  CHECK(no_reason.status == 400);
  CHECK(has(no_reason, R"(id="reason-error")"));
  CHECK(has(no_reason, R"(<option value="yellow" selected>)"));
  CHECK(f.events("colour.raise") == 0);
  Response lowered = b.post("/children/" + f.child + "/colour",
                            {{"direction", "lower"}, {"to", "green"}, {"reason", "祖母照料良好"}});
  REQUIRE(lowered.status == 303);
  CHECK(location_of(lowered) == "/children/" + f.child + "?saved=1&review=1");
  CHECK(f.count("SELECT count(*) FROM colour_reviews WHERE resolved_by IS NULL") == 1);
  CHECK(f.count("SELECT count(*) FROM child_state WHERE colour = 'blue'") == 1);  // the colour stays
  Response raised = b.post("/children/" + f.child + "/colour", {{"direction", "raise"}, {"to", "yellow"}, {"reason", "父母外出"}});
  REQUIRE(raised.status == 303);
  CHECK(f.count("SELECT count(*) FROM child_state WHERE colour = 'yellow'") == 1);
}

TEST_CASE("Web forms: categories are added and ended with dates, and a file closes with a reason", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  Response form = b.get("/children/" + f.child + "/categories");
  REQUIRE(form.status == 200);
  CHECK(has(form, "事实无人抚养儿童"));
  Response added = b.post("/children/" + f.child + "/categories",
                          {{"action", "add"}, {"category", "LEFT_BEHIND"}, {"from", "2026-12-01"}, {"reason", "父母外出"}});
  REQUIRE(added.status == 303);
  CHECK(f.count("SELECT count(*) FROM memberships WHERE category = 'LEFT_BEHIND' AND from_date = '2026-12-01'") == 1);
  const auto memberships = f.events("membership.end");
  Response no_reason = b.post("/children/" + f.child + "/categories",
                              {{"action", "end"}, {"category", "FUC"}, {"to", "2026-12-20"}, {"reason", ""}});
  CHECK(no_reason.status == 400);
  CHECK(has(no_reason, R"(id="reason-error")"));
  CHECK(f.events("membership.end") == memberships);
  Response ended = b.post("/children/" + f.child + "/categories",
                          {{"action", "end"}, {"category", "FUC"}, {"to", "2026-12-20"}, {"reason", "父亲返乡"}});
  REQUIRE(ended.status == 303);
  CHECK(f.events("membership.end") == memberships + 1);
  Response no_close_reason = b.post("/children/" + f.child + "/close", {{"reason", ""}});
  CHECK(no_close_reason.status == 400);
  CHECK(f.count("SELECT count(*) FROM children WHERE status = 'closed'") == 0);
  // A void needs its note; the reason is a choice of the closing reasons, typed in Chinese here.
  Response void_without_note = b.post("/children/" + f.child + "/close", {{"reason", "entered_in_error"}});
  CHECK(void_without_note.status == 400);
  CHECK(has(void_without_note, R"(id="note-error")"));
  Response closed = b.post("/children/" + f.child + "/close", {{"reason", "迁出本县"}});
  REQUIRE(closed.status == 303);
  CHECK(f.count("SELECT count(*) FROM children WHERE status = 'closed' AND closed_reason = 'moved_out_of_county'") == 1);
}

// ---- leads and screening ----

TEST_CASE("Web forms: a lead, its verification into a file, the township review and the county confirmation",
          "[web]") {
  FormsFixture f;
  Browser director = f.director();
  const auto leads = f.count("SELECT count(*) FROM leads");
  Response no_seen = director.post("/leads/new", {{"village", kVillage}, {"reporter", "网格员张"}, {"source", "grid"}});
  CHECK(no_seen.status == 400);
  CHECK(has(no_seen, R"(value="网格员张")"));
  CHECK(f.count("SELECT count(*) FROM leads") == leads);
  Response lead = director.post("/leads/new", {{"village", kVillage}, {"reporter", "网格员张"}, {"source", "grid"},
                                               {"seen", "祖父母照看，父母外出"}});
  REQUIRE(lead.status == 303);
  CHECK(f.count("SELECT count(*) FROM leads") == leads + 1);
  const std::string lead_id = [&] {
    auto opened = Station::open(f.dir.file("s.db"), f.clock);
    auto q = opened.value()->db().prepare("SELECT id FROM leads ORDER BY discovered_at DESC LIMIT 1");
    REQUIRE(q.step());
    return q.get_text(0);
  }();
  Response verify = director.get("/leads/" + lead_id + "/verify");
  REQUIRE(verify.status == 200);
  CHECK(has(verify, "祖父母照看，父母外出"));
  CHECK(has(verify, "网格员"));
  // Without the first risk screen's answers nothing is registered.
  const auto children = f.count("SELECT count(*) FROM children");
  Response no_answers = director.post("/leads/" + lead_id + "/verify",
                                      {{"outcome", "register"}, {"name", "陈小雨"}, {"hukou_status", "unregistered"},
                                       {"sex", "female"}, {"birth_date", "2017-06-01"}, {"category", "LEFT_BEHIND"}});
  CHECK(no_answers.status == 400);
  CHECK(has(no_answers, R"(value="陈小雨")"));
  CHECK(has(no_answers, "首次风险筛查"));  // the use case's reason, for the whole form
  CHECK(f.count("SELECT count(*) FROM children") == children);
  Response verified = director.post("/leads/" + lead_id + "/verify",
                                    {{"outcome", "register"}, {"name", "陈小雨"}, {"hukou_status", "unregistered"},
                                     {"sex", "female"}, {"birth_date", "2017-06-01"}, {"category", "LEFT_BEHIND"},
                                     {"carer", "both_away_capable_relative"}, {"income", "above_2x"}});
  REQUIRE(verified.status == 303);
  CHECK(f.count("SELECT count(*) FROM children") == children + 1);
  const std::string new_child = location_of(verified).substr(10, 36);
  // The review is the supervisor's: a director is refused, on the form and on posting it.
  CHECK(director.get("/children/" + new_child + "/screening/review").status == 403);
  CHECK(director.post("/children/" + new_child + "/screening/review", {{"decision", "approve"}}).status == 403);
  CHECK(f.events("screen.review") == 0);
  Browser supervisor = f.supervisor();
  Response no_reason = supervisor.post("/children/" + new_child + "/screening/review", {{"decision", "return"}, {"reason", ""}});
  CHECK(no_reason.status == 400);
  CHECK(has(no_reason, R"(id="reason-error")"));
  Response reviewed = supervisor.post("/children/" + new_child + "/screening/review", {{"decision", "approve"}});
  REQUIRE(reviewed.status == 303);
  CHECK(f.events("screen.review") == 1);
  // The confirmation is the county's.
  CHECK(supervisor.get("/children/" + new_child + "/screening/confirm").status == 403);
  Browser county = f.county();
  Response confirm = county.get("/children/" + new_child + "/screening/confirm");
  REQUIRE(confirm.status == 200);
  CHECK(has(confirm, R"(value="LEFT_BEHIND" checked)"));
  Response confirmed = county.post("/children/" + new_child + "/screening/confirm", {{"category", "LEFT_BEHIND"}});
  REQUIRE(confirmed.status == 303);
  CHECK(f.events("screen.confirm") == 1);
}

TEST_CASE("Web forms: a lead closed as not eligible needs its reason", "[web]") {
  FormsFixture f;
  Browser b = f.director();
  REQUIRE(b.post("/leads/new", {{"village", kVillage}, {"seen", "邻居反映"}}).status == 303);
  const std::string lead_id = [&] {
    auto opened = Station::open(f.dir.file("s.db"), f.clock);
    auto q = opened.value()->db().prepare("SELECT id FROM leads LIMIT 1");
    REQUIRE(q.step());
    return q.get_text(0);
  }();
  Response no_reason = b.post("/leads/" + lead_id + "/verify", {{"outcome", "not_eligible"}, {"reason", ""}});
  CHECK(no_reason.status == 400);
  CHECK(has(no_reason, R"(id="reason-error")"));
  Response closed = b.post("/leads/" + lead_id + "/verify", {{"outcome", "not_eligible"}, {"reason", "父母均在家"}});
  REQUIRE(closed.status == 303);
  CHECK(f.count("SELECT count(*) FROM leads WHERE state = 'not_eligible'") == 1);
  // Another director's village: the lead is not theirs.
  Browser other = f.as("赵敏", "主任的密码789");
  CHECK(other.get("/leads/" + lead_id + "/verify").status == 403);
}
