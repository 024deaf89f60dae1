// /review in process: the supervisor's queue (colour review items, screenings, conflicts, escalations) and the
// decisions taken from it through the CLI's use cases; a director is refused.
#include <catch2/catch.hpp>

#include "core/workflow/children.h"
#include "core/workflow/review_queue.h"
#include "core/workflow/screening.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/server/service_transport.h"
#include "sync/station/client.h"
#include "support/webops_fixture.h"

using namespace tongdang;
using namespace tongdang::test::webops;

namespace {

constexpr const char* kHostile = "<img src=x onerror=alert(1)>";

// A child of the director's village, raised to yellow by the supervisor, then lowered to blue by the director: a
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
  auto lowered = change_colour(*f.setup, child, false, Colour::Blue, "祖母身体好转", std::nullopt);
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
