// The forms of issue 12's use cases on the child file page, in process: transferring a file to another township of
// the county or out of it (/children/{id}/transfer), correcting an ID number with its confirm step
// (/children/{id}/id-number), and mandatory reports and referrals (/children/{id}/referrals/…). Each success writes
// what the CLI's use case writes; a bad field comes back with the typed values and its message and nothing written
// (events counted through a second handle); a director is refused the supervisor's forms; a post without its CSRF
// token changes nothing.
#include <catch2/catch.hpp>

#include "core/base/date.h"
#include "core/store/station.h"
#include "core/workflow/children.h"
#include "support/cli_harness.h"
#include "support/web_browser.h"
#include "web/station/app.h"

using namespace tongdang;
using web::Response;

namespace {

constexpr const char* kVillage = "320324102203";        // 王集镇 大吴村: 王强's village
constexpr const char* kShuanggou = "320324103204";      // 双沟镇 大白村: another township of the county
constexpr const char* kIdNumber = "32032420140315012X";  // female, born 2014-03-15
constexpr const char* kNewIdNumber = "32032420160307001X";  // male, born 2016-03-07

bool has(const Response& response, const std::string& text) { return response.body.find(text) != std::string::npos; }

std::int64_t at(const char* date) { return midnight_cst_ms(*Date::parse(date)) + 10 * 3600 * 1000; }

struct Browser : test::Browser {
  std::string csrf;
  Response post(const std::string& path, std::multimap<std::string, std::string> form) {
    form.emplace("csrf", csrf);
    return test::Browser::post(path, std::move(form));
  }
  Response post_without_token(const std::string& path, std::multimap<std::string, std::string> form) {
    return test::Browser::post(path, std::move(form));
  }
};

// A station of 王集镇 (320324102) with a supervisor, a director of 大吴村 and the county centre, and 张小明
// registered in 大吴村 on 2026-11-02 with no assessment; the app runs on 2026-12-20.
struct Fixture {
  test::ScratchDir dir;
  ManualClock clock{at("2026-11-02")};
  std::unique_ptr<web::station::StationApp> app;
  std::string child;

  Fixture() {
    Station::InitOptions init{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}, "督导员的密码123"};
    auto created = Station::create(dir.file("s.db"), init, clock);
    REQUIRE(created);
    auto station = std::move(created).value();
    REQUIRE(station->add_user({"王强", Role::Director, {kVillage}}, "主任的密码456"));
    REQUIRE(station->add_user({"县中心", Role::County, {}}, "县级的密码000"));
    NewChild a;
    a.fields = {{"name", "张小明"}, {"id_number", kIdNumber}, {"village", kVillage}};
    a.categories = {"FUC"};
    auto added = add_child(*station, a);
    REQUIRE(added);
    child = added.value().id;
    clock.set(at("2026-12-20"));
    app = std::make_unique<web::station::StationApp>(std::move(station), web::station::AppOptions{dir.file("s.db")});
  }

  std::string text(const std::string& sql) {
    auto opened = Station::open(dir.file("s.db"), clock);
    REQUIRE(opened);
    auto query = opened.value()->db().prepare(sql);
    REQUIRE(query.step());
    return query.is_null(0) ? std::string() : query.get_text(0);
  }
  std::int64_t events(const std::string& kind) {
    return std::stoll(text("SELECT count(*) FROM events WHERE kind = '" + kind + "'"));
  }
  Browser as(const std::string& user, const std::string& password) {
    Browser browser{{*app, {}}, {}};
    REQUIRE(browser.sign_in(user, password).status == 303);
    browser.csrf = test::Browser::csrf_of(browser.get("/").body);
    return browser;
  }
  Browser director() { return as("王强", "主任的密码456"); }
  Browser supervisor() { return as("李芳", "督导员的密码123"); }
  std::string file() { return "/children/" + child; }
};

}  // namespace

// ---- transfer ----

TEST_CASE("Web transfer: a supervisor moves a file to a village of another township and it becomes read-only",
          "[web]") {
  Fixture f;
  Browser b = f.supervisor();
  Response page = b.get(f.file());
  REQUIRE(page.status == 200);
  CHECK(has(page, R"(id="transfer")"));
  Response form = b.get(f.file() + "/transfer");
  REQUIRE(form.status == 200);
  // The villages of the county's other townships, by name, from the division table; none of this township.
  CHECK(has(form, R"(<optgroup label="双沟镇">)"));
  CHECK(has(form, R"(<option value="320324103204">双沟镇 大白村（320324103204）</option>)"));
  CHECK_FALSE(has(form, R"(<option value="320324102203")"));
  CHECK(has(form, "迁出本县"));
  Response moved = b.post(f.file() + "/transfer", {{"mode", "county"}, {"to_village", kShuanggou},
                                                   {"reason", "随父母迁居双沟镇"}});
  REQUIRE(moved.status == 303);
  CHECK(test::location_of(moved) == f.file() + "?saved=1");
  CHECK(f.events("file.transfer") == 1);
  CHECK(f.text("SELECT township || ' ' || village FROM children WHERE id = '" + f.child + "'") ==
        "320324103 320324103204");
  // The file stays here as a read-only record: it says where it went and offers no form.
  Response after = b.get(f.file());
  REQUIRE(after.status == 200);
  CHECK(has(after, R"(id="transferred")"));
  CHECK(has(after, "已转移至 大白村（320324103204）"));
  CHECK_FALSE(has(after, "/visits\""));
  CHECK_FALSE(has(after, R"(id="transfer")"));
  CHECK(b.get(f.file() + "/transfer").status == 403);
  Response visit = b.post(f.file() + "/visits", {{"on", "2026-12-20"}, {"kind", "home"}});
  CHECK(visit.status == 403);
  CHECK(f.events("visit") == 0);
}

TEST_CASE("Web transfer: a missing village or reason keeps the values, and a move out of the county closes the file",
          "[web]") {
  Fixture f;
  Browser b = f.supervisor();
  Response no_village = b.post(f.file() + "/transfer", {{"mode", "county"}, {"to_village", ""}, {"reason", "迁居"}});
  CHECK(no_village.status == 400);
  CHECK(has(no_village, R"(id="to_village-error")"));
  CHECK(has(no_village, ">迁居</textarea>"));
  Response no_reason = b.post(f.file() + "/transfer", {{"mode", "county"}, {"to_village", kShuanggou}, {"reason", ""}});
  CHECK(no_reason.status == 400);
  CHECK(has(no_reason, R"(id="reason-error")"));
  CHECK(has(no_reason, R"(<option value="320324103204" selected>)"));
  Response no_destination = b.post(f.file() + "/transfer", {{"mode", "out"}, {"destination", ""}, {"reason", "外出务工"}});
  CHECK(no_destination.status == 400);
  CHECK(has(no_destination, R"(id="destination-error")"));
  CHECK(has(no_destination, R"(value="out" checked)"));
  CHECK(f.events("file.transfer") == 0);
  CHECK(f.events("file.close") == 0);
  Response out = b.post(f.file() + "/transfer", {{"mode", "out"}, {"destination", "安徽省合肥市蜀山区"},
                                                 {"reason", "随父母外出务工"}});
  REQUIRE(out.status == 303);
  CHECK(f.text("SELECT status FROM children WHERE id = '" + f.child + "'") == "closed");
  CHECK(f.text("SELECT json_extract(payload, '$.kind') || ' ' || json_extract(payload, '$.destination') FROM events"
               " WHERE kind = 'file.close'") == "moved_out_of_county 安徽省合肥市蜀山区");
  Response after = b.get(f.file());
  CHECK(has(after, R"(id="moved-out")"));
  CHECK(has(after, "迁往：安徽省合肥市蜀山区"));
}

TEST_CASE("Web transfer: a director sees no transfer or ID correction button and is refused both in Chinese",
          "[web]") {
  Fixture f;
  Browser b = f.director();
  Response page = b.get(f.file());
  REQUIRE(page.status == 200);
  CHECK_FALSE(has(page, R"(id="transfer")"));
  CHECK_FALSE(has(page, R"(id="set-id")"));
  CHECK(has(page, R"(id="add-referral")"));  // a director records reports in their villages
  CHECK(b.get(f.file() + "/transfer").status == 403);
  Response refused = b.post(f.file() + "/transfer", {{"mode", "county"}, {"to_village", kShuanggou},
                                                     {"reason", "迁居"}});
  CHECK(refused.status == 403);
  CHECK(has(refused, "王强（儿童主任）不能办理转移；请乡镇督导员或县级办理"));
  Response refused_out = b.post(f.file() + "/transfer", {{"mode", "out"}, {"destination", "安徽省"}, {"reason", "迁居"}});
  CHECK(refused_out.status == 403);
  CHECK(b.get(f.file() + "/id-number").status == 403);
  Response refused_id = b.post(f.file() + "/id-number", {{"id_number", kNewIdNumber}, {"reason", "录错"},
                                                         {"confirm", "1"}});
  CHECK(refused_id.status == 403);
  CHECK(has(refused_id, "王强（儿童主任）不能更正身份证号"));
  CHECK(f.events("file.transfer") == 0);
  CHECK(f.events("file.close") == 0);
  CHECK(f.events("child.set_id") == 0);
}

// ---- correcting the ID number ----

TEST_CASE("Web ID number: the sex and date of birth the new number gives are shown before it is saved", "[web]") {
  Fixture f;
  Browser b = f.supervisor();
  CHECK(has(b.get(f.file()), R"(id="set-id")"));
  Response form = b.get(f.file() + "/id-number");
  REQUIRE(form.status == 200);
  CHECK(has(form, R"(data-check="id-number")"));
  // A check character that does not fit: the message beside the field, both values kept, nothing written.
  Response bad = b.post(f.file() + "/id-number", {{"id_number", "320324201603070010"}, {"reason", "户籍登记有误"}});
  CHECK(bad.status == 400);
  CHECK(has(bad, R"(id="id_number-error")"));
  CHECK(has(bad, R"(value="320324201603070010")"));
  CHECK(has(bad, ">户籍登记有误</textarea>"));
  // The confirm step: 17th digit 1 is male, the date of birth 2016-03-07; the file says female, 2014-03-15.
  Response check = b.post(f.file() + "/id-number", {{"id_number", kNewIdNumber}, {"reason", "户籍登记有误"}});
  REQUIRE(check.status == 200);
  CHECK(has(check, R"(id="id-confirm")"));
  CHECK(has(check, "2016-03-07"));
  CHECK(has(check, "出生日期：档案为 2014-03-15，新身份证号为 2016-03-07"));
  CHECK(has(check, "性别：档案为女"));
  CHECK(has(check, R"(<input type="hidden" name="confirm" value="1">)"));
  CHECK(f.events("child.set_id") == 0);
  Response saved = b.post(f.file() + "/id-number", {{"id_number", kNewIdNumber}, {"reason", "户籍登记有误"},
                                                    {"confirm", "1"}});
  REQUIRE(saved.status == 303);
  CHECK(f.events("child.set_id") == 1);
  CHECK(f.text("SELECT id_number || ' ' || sex || ' ' || birth_date FROM children WHERE id = '" + f.child + "'") ==
        std::string(kNewIdNumber) + " male 2016-03-07");
  // The same number again is no correction: said on the form, nothing written.
  Response again = b.post(f.file() + "/id-number", {{"id_number", kNewIdNumber}, {"reason", "再次更正"}});
  CHECK(again.status == 400);
  CHECK(has(again, "档案的身份证号已是该号码"));
  CHECK(f.events("child.set_id") == 1);
}

// ---- mandatory reports and referrals ----

TEST_CASE("Web referrals: a mandatory report makes the child red, and an open referral is moved on to closed",
          "[web]") {
  Fixture f;
  Browser b = f.director();
  Response form = b.get(f.file() + "/referrals/new");
  REQUIRE(form.status == 200);
  CHECK(has(form, "公安机关"));
  CHECK(has(form, "强制报告"));
  CHECK(has(form, R"(value="2026-12-20")"));  // the date defaults to today
  Response no_summary = b.post(f.file() + "/referrals/new", {{"kind", "mandatory_report"}, {"to", "police"},
                                                             {"date", "2026-12-19"}, {"summary", ""}});
  CHECK(no_summary.status == 400);
  CHECK(has(no_summary, R"(id="summary-error")"));
  CHECK(has(no_summary, R"(<option value="police" selected>)"));
  CHECK(has(no_summary, R"(value="mandatory_report" checked)"));
  CHECK(has(no_summary, R"(value="2026-12-19")"));
  Response future = b.post(f.file() + "/referrals/new", {{"kind", "mandatory_report"}, {"to", "police"},
                                                         {"date", "2026-12-21"}, {"summary", "身上有伤痕"}});
  CHECK(future.status == 400);
  CHECK(has(future, R"(id="date-error")"));
  CHECK(f.events("referral.add") == 0);
  Response added = b.post(f.file() + "/referrals/new", {{"kind", "mandatory_report"}, {"to", "police"},
                                                        {"date", "2026-12-19"}, {"summary", "身上有伤痕，疑似受虐"}});
  REQUIRE(added.status == 303);
  CHECK(f.events("referral.add") == 1);
  CHECK(f.text("SELECT colour FROM child_state WHERE child_id = '" + f.child + "'") == "red");  // R1 at once
  const std::string referral = f.text("SELECT id FROM events WHERE kind = 'referral.add'");
  Response page = b.get(f.file());
  CHECK(has(page, "/children/" + f.child + "/referrals/" + referral + "\""));
  CHECK(has(page, "已移交"));
  Response update = b.get(f.file() + "/referrals/" + referral);
  REQUIRE(update.status == 200);
  CHECK(has(update, "身上有伤痕，疑似受虐"));
  CHECK(has(update, R"(<option value="handed_over" selected>)"));
  Response nothing = b.post(f.file() + "/referrals/" + referral, {{"status", "handed_over"}, {"outcome", ""}});
  CHECK(nothing.status == 400);
  CHECK(has(nothing, R"(id="outcome-error")"));
  CHECK(f.events("referral.update") == 0);
  Response closed = b.post(f.file() + "/referrals/" + referral, {{"status", "closed"}, {"outcome", "公安已立案调查"}});
  REQUIRE(closed.status == 303);
  CHECK(f.events("referral.update") == 1);
  page = b.get(f.file());
  CHECK(has(page, "已办结"));
  CHECK(has(page, "公安已立案调查"));
  CHECK_FALSE(has(page, "/children/" + f.child + "/referrals/" + referral + "\""));
  Response again = b.post(f.file() + "/referrals/" + referral, {{"outcome", "补充"}});
  CHECK(again.status == 400);
  CHECK(has(again, "该报告或转介已办结"));
  CHECK(f.events("referral.update") == 1);
  CHECK(b.get(f.file() + "/referrals/no-such-referral").status == 404);
}

// ---- CSRF ----

TEST_CASE("Web transfer, ID number and referral forms refuse a post without its CSRF token", "[web]") {
  Fixture f;
  Browser b = f.supervisor();
  Response transfer = b.post_without_token(f.file() + "/transfer", {{"mode", "county"}, {"to_village", kShuanggou},
                                                                    {"reason", "迁居"}});
  CHECK(transfer.status == 403);
  CHECK(has(transfer, "表单已失效"));
  CHECK(b.post_without_token(f.file() + "/id-number", {{"id_number", kNewIdNumber}, {"reason", "录错"},
                                                       {"confirm", "1"}}).status == 403);
  CHECK(b.post_without_token(f.file() + "/referrals/new", {{"kind", "referral"}, {"to", "school"},
                                                           {"summary", "转介学校心理辅导"}}).status == 403);
  CHECK(f.events("file.transfer") == 0);
  CHECK(f.events("child.set_id") == 0);
  CHECK(f.events("referral.add") == 0);
}
