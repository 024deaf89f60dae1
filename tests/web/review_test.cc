// /review in process: the supervisor's queue (colour review items, screenings, conflicts, escalations) and the
// decisions taken from it through the CLI's use cases; a director is refused.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/workflow/children.h"
#include "core/workflow/referrals.h"
#include "core/workflow/review_queue.h"
#include "core/workflow/screening.h"
#include "core/workflow/transfer.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/server/service_transport.h"
#include "sync/station/client.h"
#include "support/webops_fixture.h"

using namespace tongdang;
using namespace tongdang::test::webops;

namespace {

constexpr const char* kHostile = "<img src=x onerror=alert(1)>";

// A child of the director's village, raised to yellow by the supervisor, then reassessed blue by the director: a
// director may not lower, so the lowering waits as a colour review item.
std::string child_with_waiting_lowering(Fixture& f, const std::string& name, int seq) {
  REQUIRE(f.setup->act_as("李芳"));
  auto added = add_child(*f.setup, {{{"name", name},
                                     {"id_number", test::make_id_number("20140315", seq)},
                                     {"village", kVillage}},
                                    {"LEFT_BEHIND"}});
  REQUIRE(added);
  const std::string child = added.value().id;
  REQUIRE(change_colour(*f.setup, child, true, Colour::Yellow, "父母均外出，祖母年迈", std::nullopt));
  REQUIRE(f.setup->act_as("王强"));
  // The director reassesses: 8 + 6 = 14, blue. A director may not lower, so it waits; and it is the assessment a
  // lowering needs as evidence (core/rules/colour.h), so the supervisor may then lower to blue.
  Answers answers;
  answers.carer = "both_away_capable_relative";
  answers.income = "below_1x_or_dibao";
  auto lowered = assess(*f.setup, child, answers, std::nullopt, "祖母身体好转");
  REQUIRE(lowered);
  REQUIRE_FALSE(lowered.value().applied);
  REQUIRE(lowered.value().pending_review);
  REQUIRE(f.setup->act_as("李芳"));
  return child;
}

}  // namespace

TEST_CASE("Web review: a director gets 403 on /review and on its forms", "[web]") {
  Fixture f;
  const std::string child = child_with_waiting_lowering(f, "张小明", 12);
  Browser director{*f.app};
  REQUIRE(director.sign_in("王强", kDirectorPassword).status == 303);
  const std::string csrf = director.csrf();
  web::Response page = director.get("/review");
  CHECK(page.status == 403);
  CHECK(contains(page.body, "不能办理审核"));
  CHECK_FALSE(contains(page.body, "张小明"));
  const std::int64_t events = f.count("SELECT count(*) FROM events");
  web::Response posted = director.post("/review/colour/" + child,
                                       {{"csrf", csrf}, {"decision", "lower"}, {"to", "blue"}, {"reason", "x"}});
  CHECK(posted.status == 403);
  CHECK(f.count("SELECT count(*) FROM events") == events);
  // The director's navigation has no 审核 entry.
  CHECK_FALSE(contains(director.get("/").body, R"(href="/review")"));
}

TEST_CASE("Web review: a supervisor approves a director's lowering from /review and the colour changes", "[web]") {
  Fixture f;
  const std::string child = child_with_waiting_lowering(f, "张小明", 12);
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  web::Response page = browser.get("/review");
  REQUIRE(page.status == 200);
  CHECK(contains(page.body, "张小明"));
  CHECK(contains(page.body, "待复核的等级变更 <span class=\"muted\">(1)</span>"));
  CHECK(contains(page.body, "该角色无权如此降级"));  // why it waits, as the rule says
  CHECK(contains(page.body, "同意降为蓝色"));
  const std::string csrf = Browser::csrf_of(page.body);
  const std::string item = review_queue(*f.setup, f.clock.today()).value().colour_reviews.at(0).event_id;

  // Without a reason: the queue again, the message beside the item, nothing written.
  const std::int64_t events = f.count("SELECT count(*) FROM events");
  web::Response missing = browser.post("/review/colour/" + child, {{"csrf", csrf}, {"item", item},
                                                                   {"decision", "lower"}, {"to", "blue"},
                                                                   {"reason", ""}});
  CHECK(missing.status == 400);
  CHECK(contains(missing.body, "改变风险等级必须写明原因"));
  CHECK(contains(missing.body, "未保存"));
  CHECK(f.count("SELECT count(*) FROM events") == events);
  CHECK(current_colour(f.setup->db(), child) == Colour::Yellow);

  web::Response approved = browser.post("/review/colour/" + child, {{"csrf", csrf}, {"item", item},
                                                                    {"decision", "lower"}, {"to", "blue"},
                                                                    {"reason", "入户核实，祖母身体好转"}});
  CHECK(approved.status == 303);
  CHECK(location_of(approved) == "/review?saved=1");
  CHECK(current_colour(f.setup->db(), child) == Colour::Blue);
  CHECK(f.count("SELECT count(*) FROM colour_reviews WHERE resolved_by IS NULL") == 0);
  web::Response after = browser.get("/review?saved=1");
  CHECK(contains(after.body, "已保存"));
  CHECK(contains(after.body, "没有待复核的等级变更"));
}

TEST_CASE("Web review: keeping the colour closes the item and the colour stays", "[web]") {
  Fixture f;
  const std::string child = child_with_waiting_lowering(f, "李小红", 22);
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  const std::string csrf = browser.csrf();
  web::Response kept = browser.post("/review/colour/" + child,
                                    {{"csrf", csrf}, {"decision", "keep"}, {"reason", "祖母仍需照护"}});
  CHECK(kept.status == 303);
  CHECK(current_colour(f.setup->db(), child) == Colour::Yellow);
  CHECK(f.count("SELECT count(*) FROM colour_reviews WHERE resolved_by IS NULL") == 0);
  CHECK(f.count("SELECT count(*) FROM events WHERE kind = 'colour.resolve'") == 1);
}

TEST_CASE("Web review: a hostile child's name reaches the queue only escaped", "[web]") {
  Fixture f;
  child_with_waiting_lowering(f, kHostile, 32);
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  web::Response page = browser.get("/review");
  REQUIRE(page.status == 200);
  CHECK_FALSE(contains(page.body, kHostile));
  CHECK(contains(page.body, "&lt;img src=x onerror=alert(1)&gt;"));
}

TEST_CASE("Web review: a screening is approved or returned from /review, a return needs its reason", "[web]") {
  Fixture f;
  REQUIRE(f.setup->act_as("王强"));
  NewLead lead;
  lead.village = kVillage;
  lead.reporter = "村网格员";
  lead.seen = "父母外出，孩子独自在家";
  auto lead_id = add_lead(*f.setup, lead);
  REQUIRE(lead_id);
  Verification verification;
  verification.lead_ref = lead_id.value();
  verification.new_child.fields = {{"name", "周小雨"}, {"id_number", test::make_id_number("20150601", 42)}};
  verification.new_child.categories = {"LEFT_BEHIND"};
  verification.answers = Answers{};
  auto verified = verify_lead(*f.setup, verification);
  REQUIRE(verified);
  const std::string child = *verified.value().child_id;

  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  web::Response page = browser.get("/review");
  REQUIRE(page.status == 200);
  CHECK(contains(page.body, "周小雨"));
  CHECK(contains(page.body, "乡镇审核"));
  const std::string csrf = Browser::csrf_of(page.body);

  web::Response no_reason = browser.post("/review/screenings/" + child + "/review",
                                         {{"csrf", csrf}, {"lead", lead_id.value()}, {"decision", "return"}});
  CHECK(no_reason.status == 400);
  CHECK(contains(no_reason.body, "退回必须写明原因"));
  CHECK(f.count("SELECT count(*) FROM leads WHERE state = 'verified'") == 1);

  web::Response approved = browser.post("/review/screenings/" + child + "/review",
                                        {{"csrf", csrf}, {"lead", lead_id.value()}, {"decision", "approve"}});
  CHECK(approved.status == 303);
  CHECK(f.count("SELECT count(*) FROM leads WHERE state = 'reviewed'") == 1);
  // Now it waits for the county: the supervisor sees it, without a form to confirm.
  web::Response waiting = browser.get("/review");
  CHECK(contains(waiting.body, "等待县级认定"));
  CHECK_FALSE(contains(waiting.body, "/review/screenings/" + child + "/confirm"));
}

TEST_CASE("Web review: a sync conflict is resolved from /review, keeping this station's value", "[web][sync]") {
  Fixture f;
  test::TestCounty county(f.dir, false);
  const std::string token = county.station_token("320324102");
  auto sync_here = [&] {
    auto transport = sync::make_service_transport(*county.service, {"", token, f.setup->station_id(), ""});
    sync::SyncOptions options;
    options.sleep = [](int) {};
    REQUIRE(sync::run_sync(*f.setup, *transport, options));
  };
  auto added = add_child(*f.setup, {{{"name", "张小明"}, {"id_number", test::make_id_number("20140315", 12)},
                                     {"village", kVillage}},
                                    {"LEFT_BEHIND"}});
  REQUIRE(added);
  const std::string child = added.value().id;
  sync_here();
  test::TestStation other(f.dir, "b", "320324102", county);
  REQUIRE(other.sync());
  // The same field edited on both stations while apart: the second push opens a conflict, synced down to both.
  REQUIRE(edit_child(*f.setup, child, {{"school", "王集中心小学"}}));
  other.edit(child, "school", "睢宁县实验小学");
  sync_here();
  REQUIRE(other.sync());
  sync_here();
  REQUIRE(f.count("SELECT count(*) FROM conflicts WHERE status = 'open'") == 1);
  auto conflict = f.setup->db().prepare("SELECT id FROM conflicts");
  REQUIRE(conflict.step());
  const std::string id = conflict.get_text(0);
  conflict.reset();

  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  web::Response page = browser.get("/review");
  REQUIRE(page.status == 200);
  CHECK(contains(page.body, "同步冲突 <span class=\"muted\">(1)</span>"));
  CHECK(contains(page.body, "王集中心小学"));
  CHECK(contains(page.body, "睢宁县实验小学"));
  const std::string csrf = Browser::csrf_of(page.body);

  web::Response empty = browser.post("/review/conflicts/" + id, {{"csrf", csrf}, {"keep", "value"}, {"value", ""}});
  CHECK(empty.status == 400);
  CHECK(contains(empty.body, "请填写要保留的值"));
  CHECK(contains(empty.body, R"(value="value" checked)"));
  CHECK(f.count("SELECT count(*) FROM conflicts WHERE status = 'open'") == 1);

  web::Response kept = browser.post("/review/conflicts/" + id, {{"csrf", csrf}, {"keep", "mine"}});
  CHECK(kept.status == 303);
  CHECK(location_of(kept) == "/review?saved=1");
  CHECK(f.count("SELECT count(*) FROM conflicts WHERE status = 'open'") == 0);
  auto shown = show_child(*f.setup, child, false);
  REQUIRE(shown);
  CHECK(shown.value()["school"] == "王集中心小学");
}

// Issue 12: open mandatory reports and referrals, and categories ending at 16 or 18 within 30 days, wait in the one
// review queue; the file shows its referrals; a closed file is reopened from its page by a supervisor.
TEST_CASE("Web review: referrals and age limits in the queue, referrals in the file, reopening a closed file",
          "[web][casework]") {
  Fixture f;
  REQUIRE(f.setup->act_as("李芳"));
  auto added = add_child(*f.setup, {{{"name", "张小明"}, {"id_number", test::make_id_number("20140315", 12)},
                                     {"village", kVillage}},
                                    {"LEFT_BEHIND"}});
  REQUIRE(added);
  const std::string child = added.value().id;
  auto report = add_referral(*f.setup, child, {"police", "mandatory_report", std::nullopt, "疑似遭受家庭暴力"});
  REQUIRE(report);
  CHECK(current_colour(f.setup->db(), child) == Colour::Red);  // R1 at once
  // 16 on the 10th of the month after the fixture's today: a LEFT_BEHIND membership ending then, the file with it.
  const Date today = f.clock.today();
  const Date sixteenth = today.plus_days(12);
  const Date birth = sixteenth.plus_years(-16);
  std::string birth_digits = birth.to_string();
  birth_digits.erase(std::remove(birth_digits.begin(), birth_digits.end(), '-'), birth_digits.end());
  auto turning = add_child(*f.setup, {{{"name", "赵十六"}, {"id_number", test::make_id_number(birth_digits, 21)},
                                       {"village", kVillage}},
                                      {"LEFT_BEHIND"}});
  REQUIRE(turning);

  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  web::Response queue = browser.get("/review");
  REQUIRE(queue.status == 200);
  CHECK(contains(queue.body, "未办结的强制报告与转介 <span class=\"muted\">(1)</span>"));
  CHECK(contains(queue.body, "公安机关"));
  CHECK(contains(queue.body, "30 天内到龄（满 16 或 18 岁） <span class=\"muted\">(1)</span>"));
  CHECK(contains(queue.body, "赵十六"));
  CHECK(contains(queue.body, sixteenth.to_string() + " 自动结案"));

  web::Response file = browser.get("/children/" + child);
  REQUIRE(file.status == 200);
  CHECK(contains(file.body, "强制报告与转介"));
  CHECK(contains(file.body, "疑似遭受家庭暴力"));
  CHECK(contains(file.body, "已移交"));

  // Closed, then reopened from the file's page; a reopen without a reason writes nothing.
  REQUIRE(close_child(*f.setup, child, "no_longer_eligible"));
  web::Response closed = browser.get("/children/" + child);
  CHECK(contains(closed.body, "不再符合条件"));
  CHECK(contains(closed.body, "/children/" + child + "/reopen"));
  const std::string csrf = browser.csrf();
  const std::int64_t events = f.count("SELECT count(*) FROM events");
  web::Response no_reason = browser.post("/children/" + child + "/reopen", {{"csrf", csrf}, {"reason", ""}});
  CHECK(no_reason.status == 400);
  CHECK(f.count("SELECT count(*) FROM events") == events);
  web::Response reopened = browser.post("/children/" + child + "/reopen", {{"csrf", csrf}, {"reason", "复核后仍符合"}});
  CHECK(reopened.status == 303);
  CHECK(f.count("SELECT count(*) FROM children WHERE status = 'open'") == 2);

  // A director may not reopen.
  REQUIRE(close_child(*f.setup, child, "death"));
  Browser director{*f.app};
  REQUIRE(director.sign_in("王强", kDirectorPassword).status == 303);
  web::Response refused = director.post("/children/" + child + "/reopen", {{"csrf", director.csrf()}, {"reason", "x"}});
  CHECK(refused.status == 403);
}

TEST_CASE("Web review: the county's queue lists a file moved out of the county, the supervisor's does not",
          "[web][transfer]") {
  Fixture f;
  REQUIRE(f.setup->add_user({"县级李", Role::County, {}}, "县级用户的密码789"));
  REQUIRE(f.setup->act_as("李芳"));
  auto added = add_child(*f.setup, {{{"name", "周迁迁"}, {"id_number", test::make_id_number("20140315", 31)},
                                     {"village", kVillage}},
                                    {"LEFT_BEHIND"}});
  REQUIRE(added);
  REQUIRE(move_out_of_county(*f.setup, added.value().id, "安徽省合肥市蜀山区", "随父母外出务工"));

  Browser county{*f.app};
  REQUIRE(county.sign_in("县级李", "县级用户的密码789").status == 303);
  web::Response queue = county.get("/review");
  REQUIRE(queue.status == 200);
  CHECK(contains(queue.body, "近 90 天迁出本县 <span class=\"muted\">(1)</span>"));
  CHECK(contains(queue.body, "周迁迁"));
  CHECK(contains(queue.body, "安徽省合肥市蜀山区"));
  CHECK(contains(queue.body, "/children/" + added.value().id));
  // The section is the county's: the supervisor hands the child on through the county, and is not shown it.
  Browser supervisor{*f.app};
  REQUIRE(supervisor.sign_in("李芳", kSupervisorPassword).status == 303);
  web::Response theirs = supervisor.get("/review");
  REQUIRE(theirs.status == 200);
  CHECK_FALSE(contains(theirs.body, "迁出本县 <span"));
  CHECK_FALSE(contains(theirs.body, "周迁迁"));
}
