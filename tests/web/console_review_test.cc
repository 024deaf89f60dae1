// The county console's /review (web/county/review_page.cc, sync/server/county_casework.h), in process over a central
// store that two laptops of 王集镇 sync with: a duplicate candidate side by side, merged or kept apart; a screening
// confirmed; a red lowering decided — each written as the county officer's change, which both stations take with
// their next sync. A refused decision shows its message beside the item and writes nothing.
#include <catch2/catch.hpp>

#include "core/store/record_ref.h"
#include "core/store/sign_in.h"
#include "core/workflow/screening.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "support/web_browser.h"
#include "sync/server/console_sign_in.h"
#include "sync/station/status.h"
#include "web/county/console.h"

using namespace tongdang;
using nlohmann::json;
using test::ConsoleBrowser;
using test::location_of;
using test::ScratchDir;
using test::server_count;
using test::TestCounty;
using test::TestStation;
using web::Response;

namespace {

constexpr const char* kPassword = "县中心的密码789";
constexpr const char* kTownship = "320324102";  // 王集镇
constexpr const char* kVillage = "320324102203";

bool has(const Response& response, const std::string& text) { return response.body.find(text) != std::string::npos; }

std::int64_t station_count(TestStation& s, const std::string& sql, const std::string& bound = {}) {
  auto query = s.station->db().prepare(sql);
  if (!bound.empty()) query.bind(1, bound);
  REQUIRE(query.step());
  return query.get_int(0);
}

// Two laptops of one township and a console with the county officer 张主任 signed in.
struct ReviewFixture {
  ScratchDir dir;
  TestCounty county{dir, /*http=*/false};
  ManualClock wall{test::test_epoch_ms()};
  TestStation a{dir, "a", kTownship, county};
  TestStation b{dir, "b", kTownship, county};
  std::unique_ptr<web::county::CountyConsole> console;
  std::unique_ptr<ConsoleBrowser> browser;

  ReviewFixture() {
    REQUIRE(sync::console::add_user(*county.store, "张主任", Role::County, kPassword, wall).is_ok());
    console = std::make_unique<web::county::CountyConsole>(*county.store,
                                                           web::county::ConsoleOptions{&wall, &county.clock});
    browser = std::make_unique<ConsoleBrowser>(*console);
    REQUIRE(browser->sign_in("张主任", kPassword).status == 303);
  }
  void sync_both() {
    REQUIRE(a.sync().is_ok());
    REQUIRE(b.sync().is_ok());
    REQUIRE(a.sync().is_ok());
  }
  std::int64_t change_log() { return server_count(county, "SELECT count(*) FROM change_log"); }
  std::string csrf() { return browser->csrf(); }
};

std::string only_candidate(TestCounty& county) {
  db::Database db(county.db_path, db::Database::Mode::ReadOnly);
  auto query = db.prepare("SELECT id FROM duplicate_candidates WHERE status = 'open'");
  REQUIRE(query.step());
  std::string id = query.get_text(0);
  REQUIRE_FALSE(query.step());
  return id;
}

}  // namespace

TEST_CASE("Console review: one child on two laptops, compared side by side, merged in place, one file on both after "
          "their next sync",
          "[console][review]") {
  ReviewFixture f;
  const std::string number = test::make_id_number("20140315", 12);
  const std::string kept = f.a.add_child("张小明", number, kVillage);
  f.a.edit(kept, "school", "王集中心小学");
  const std::string other = f.b.add_child("张晓明", number, kVillage);
  f.b.edit(other, "phone", "13800000001");
  f.sync_both();
  REQUIRE(f.b.sync().is_ok());
  const std::string candidate = only_candidate(f.county);

  Response page = f.browser->get("/review");
  REQUIRE(page.status == 200);
  CHECK(has(page, "疑似重复档案"));
  CHECK(has(page, "张小明"));
  CHECK(has(page, "张晓明"));
  // The names, the school and the phone differ: those rows are marked; the ID number shows masked only.
  CHECK(has(page, R"(<tr class="differs"><th>)"));
  CHECK_FALSE(has(page, number));
  CHECK(has(page, mask_id_number(number)));

  // A merge posted without the session's CSRF token is refused before anything reads it.
  const std::int64_t log_before = f.change_log();
  Response forged = f.browser->post("/review/duplicates/" + candidate + "/merge",
                                    {{"survivor", kept}, {"merged", other}, {"reason", "伪造的请求"}});
  CHECK(forged.status == 403);
  CHECK(f.change_log() == log_before);
  // Without a reason: the message beside the item, what was chosen kept, nothing written anywhere.
  Response no_reason = f.browser->post("/review/duplicates/" + candidate + "/merge",
                                       {{"csrf", f.csrf()}, {"survivor", kept}, {"merged", other}, {"take", "phone"}});
  CHECK(no_reason.status == 400);
  CHECK(has(no_reason, "合并必须写明原因"));
  CHECK(has(no_reason, R"(value="phone" checked)"));
  CHECK(f.change_log() == log_before);

  Response merged = f.browser->post("/review/duplicates/" + candidate + "/merge",
                                    {{"csrf", f.csrf()}, {"survivor", kept}, {"merged", other}, {"take", "phone"},
                                     {"reason", "核对户口簿，同一儿童两次登记"}});
  CHECK(merged.status == 303);
  CHECK(location_of(merged) == "/review?saved=1");
  CHECK(has(f.browser->get("/review?saved=1"), "没有疑似重复档案"));
  // The merge is the officer's event, made at the server, as the push path checks any station's.
  CHECK(server_count(f.county, "SELECT count(*) FROM events WHERE kind = 'file.merge' AND actor = '张主任' AND "
                               "actor_role = 'county' AND child_id = '" + other + "'") == 1);
  CHECK(server_count(f.county, "SELECT count(*) FROM console_audit WHERE action = 'file.merge'") == 1);
  // The audit page names who changed the file: the merge among its events, the officer among the console's actions.
  Response audit = f.browser->get("/audit?child=" + other);
  REQUIRE(audit.status == 200);
  const std::string changes = audit.body.substr(audit.body.find(R"(id="record-changes")"));
  CHECK(changes.find("张主任（县级未保中心）") != std::string::npos);
  CHECK(changes.find("督导b") != std::string::npos);  // the laptop's supervisor registered it
  CHECK(changes.find("13800000001") == std::string::npos);  // who and what field, never the value
  Response all = f.browser->get("/audit");
  const std::string actions = all.body.substr(all.body.find(R"(id="console-actions")"));
  CHECK(actions.find("张主任") != std::string::npos);
  CHECK(actions.find(short_record_id(candidate)) != std::string::npos);

  f.sync_both();
  for (TestStation* s : {&f.a, &f.b}) {
    INFO(s->station->name());
    CHECK(station_count(*s, "SELECT count(*) FROM children WHERE id_number = ?1 AND status = 'open'", number) == 1);
    CHECK(station_count(*s, "SELECT count(*) FROM children WHERE id = ?1 AND closed_reason = 'merged'", other) == 1);
    CHECK(s->field(kept, "phone") == "13800000001");  // taken from the merged-away file
    CHECK(s->field(kept, "school") == "王集中心小学");
    auto candidates = sync::list_duplicates(*s->station);
    REQUIRE(candidates.size() == 1);
    CHECK(candidates[0]["status"] == "merged");
  }
  // Decided: a second merge of the same candidate is refused, beside the item, and writes nothing.
  const std::int64_t log_after = f.change_log();
  Response again = f.browser->post("/review/duplicates/" + candidate + "/merge",
                                   {{"csrf", f.csrf()}, {"survivor", kept}, {"merged", other}, {"reason", "再合并"}});
  CHECK(again.status != 303);
  CHECK(f.change_log() == log_after);
}

TEST_CASE("Console review: twins kept apart need a reason, both stations see the candidate dismissed, and a third "
          "file opens it again",
          "[console][review]") {
  ReviewFixture f;
  const std::string number = test::make_id_number("20150505", 21);
  f.a.add_child("王大宝", number, kVillage);
  f.b.add_child("<img src=x onerror=alert(1)>", number, kVillage);
  f.sync_both();
  // A name typed as markup is shown as text in the side-by-side table.
  Response page = f.browser->get("/review");
  CHECK_FALSE(has(page, "<img src=x"));
  CHECK(has(page, "&lt;img src=x onerror=alert(1)&gt;"));
  const std::string candidate = only_candidate(f.county);
  const std::int64_t log_before = f.change_log();
  Response no_reason = f.browser->post("/review/duplicates/" + candidate + "/dismiss", {{"csrf", f.csrf()}});
  CHECK(no_reason.status == 400);
  CHECK(has(no_reason, "不合并须写明原因"));
  CHECK(f.change_log() == log_before);
  Response kept_apart = f.browser->post("/review/duplicates/" + candidate + "/dismiss",
                                        {{"csrf", f.csrf()}, {"reason", "双胞胎，户籍登记时号码录错"}});
  CHECK(kept_apart.status == 303);
  CHECK(f.change_log() == log_before + 1);  // one township: one op tells its stations
  CHECK(has(f.browser->get("/review"), "没有疑似重复档案"));
  f.sync_both();
  for (TestStation* s : {&f.a, &f.b}) {
    auto candidates = sync::list_duplicates(*s->station);
    REQUIRE(candidates.size() == 1);
    CHECK(candidates[0]["status"] == "dismissed");
    CHECK(candidates[0]["dismissal"]["reason"] == "双胞胎，户籍登记时号码录错");
    CHECK(station_count(*s, "SELECT count(*) FROM children WHERE id_number = ?1 AND status = 'open'", number) == 2);
  }
  // A third file of the number is a new question: the candidate is open again.
  TestStation c{f.dir, "c", "320324103", f.county};  // 双沟镇, which holds neither file
  c.add_child("王小宝", number, "320324103201");
  REQUIRE(c.sync().is_ok());
  CHECK(only_candidate(f.county) == candidate);
  CHECK(has(f.browser->get("/review"), "王小宝"));
}

TEST_CASE("Console review: a screening the township reviewed is confirmed by the county, a lowering without a reason "
          "is refused first",
          "[console][review]") {
  ReviewFixture f;
  NewLead lead;
  lead.village = kVillage;
  lead.reporter = "村网格员";
  lead.source = "grid";
  lead.seen = "父母外出，孩子独自在家";
  auto lead_id = add_lead(*f.a.station, lead);
  REQUIRE(lead_id);
  Verification verification;
  verification.lead_ref = lead_id.value();
  verification.new_child.fields = {{"name", "周小雨"}, {"id_number", test::make_id_number("20150601", 42)}};
  verification.new_child.categories = {"LEFT_BEHIND"};
  Answers answers;
  answers.carer = "both_away_capable_relative";
  answers.income = "below_1x_or_dibao";  // 8 + 6 = 14: blue
  verification.answers = answers;
  auto verified = verify_lead(*f.a.station, verification);
  REQUIRE(verified);
  const std::string child = *verified.value().child_id;
  REQUIRE(review_screening(*f.a.station, child, true, "").is_ok());
  f.sync_both();

  Response page = f.browser->get("/review");
  REQUIRE(page.status == 200);
  CHECK(has(page, "待县级认定的排查"));
  CHECK(has(page, "周小雨"));
  CHECK(has(page, "/review/screenings/" + child + "/confirm"));

  const std::int64_t log_before = f.change_log();
  Response lowering = f.browser->post("/review/screenings/" + child + "/confirm",
                                      {{"csrf", f.csrf()}, {"lead", lead_id.value()}, {"colour", "green"}});
  CHECK(lowering.status == 400);
  CHECK(has(lowering, "降级须写明原因"));
  CHECK(has(lowering, R"(<option value="green" selected)"));
  CHECK(f.change_log() == log_before);

  Response confirmed = f.browser->post("/review/screenings/" + child + "/confirm",
                                       {{"csrf", f.csrf()}, {"lead", lead_id.value()}, {"colour", "yellow"},
                                        {"reason", "入户核实：祖母年迈，无力照护"}});
  CHECK(confirmed.status == 303);
  CHECK_FALSE(has(f.browser->get("/review"), "/review/screenings/" + child + "/confirm"));
  f.sync_both();
  for (TestStation* s : {&f.a, &f.b}) {
    INFO(s->station->name());
    CHECK(station_count(*s, "SELECT count(*) FROM leads WHERE state = 'confirmed' AND confirmed_by = '张主任'") == 1);
    CHECK(current_colour(s->station->db(), child) == Colour::Yellow);
    // The county's raise, the category confirmed, the confirmation: the officer's, recorded in that order.
    CHECK(station_count(*s, "SELECT count(*) FROM events WHERE child_id = ?1 AND actor = '张主任' AND kind IN "
                            "('membership.confirm', 'colour.raise', 'screen.confirm')", child) == 3);
    auto q = s->station->db().prepare(
        "SELECT json_extract(payload, '$.colour') FROM events WHERE kind = 'screen.confirm' AND child_id = ?1");
    q.bind(1, child);
    REQUIRE(q.step());
    CHECK(q.get_text(0) == "yellow");  // the colour as the raise before it left it
  }
}

TEST_CASE("Console review: a red lowering a supervisor could not make is decided by the county, kept or lowered",
          "[console][review]") {
  ReviewFixture f;
  auto red_waiting = [&](const std::string& name, int seq) {
    const std::string child = f.a.add_child(name, test::make_id_number("20130303", seq), kVillage);
    REQUIRE(change_colour(*f.a.station, child, true, Colour::Red, "父母失联，独自在家", std::nullopt));
    Answers answers;
    answers.carer = "both_away_capable_relative";
    answers.income = "below_1x_or_dibao";  // 14: blue, with no red trigger
    auto lowered = assess(*f.a.station, child, answers, std::nullopt, "父亲已返乡照看");
    REQUIRE(lowered);
    REQUIRE_FALSE(lowered.value().applied);  // a supervisor does not lower red
    return child;
  };
  const std::string kept = red_waiting("李小红", 31);
  const std::string lowered = red_waiting("李小蓝", 32);
  f.sync_both();
  Response page = f.browser->get("/review");
  CHECK(has(page, "待复核的等级变更"));
  CHECK(has(page, "李小红"));
  CHECK(has(page, "李小蓝"));

  const std::int64_t log_before = f.change_log();
  Response no_reason = f.browser->post("/review/colour/" + kept, {{"csrf", f.csrf()}, {"decision", "keep"}});
  CHECK(no_reason.status == 400);
  CHECK(has(no_reason, "需要写明原因"));
  CHECK(f.change_log() == log_before);
  CHECK(f.browser->post("/review/colour/" + kept, {{"csrf", f.csrf()}, {"decision", "keep"},
                                                    {"reason", "父亲仅短期返乡"}}).status == 303);
  Response lower = f.browser->post("/review/colour/" + lowered, {{"csrf", f.csrf()}, {"decision", "lower"},
                                                                  {"to", "blue"}, {"reason", "复评无触发项，父亲返乡照看"}});
  CHECK(lower.status == 303);
  CHECK(location_of(lower) == "/review?saved=1");  // applied: the reassessment had no trigger
  f.sync_both();
  for (TestStation* s : {&f.a, &f.b}) {
    INFO(s->station->name());
    CHECK(current_colour(s->station->db(), kept) == Colour::Red);
    CHECK(current_colour(s->station->db(), lowered) == Colour::Blue);
    CHECK(station_count(*s, "SELECT count(*) FROM colour_reviews WHERE resolved_by IS NULL") == 0);
  }
  CHECK(has(f.browser->get("/review"), "没有待复核的等级变更"));
}
