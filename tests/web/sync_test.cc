// /sync in process against a county server on loopback HTTP (tests/support/sync_fixture.h): the settings as the CLI
// keeps them (the token never shown back), a sync on its own thread polled through /sync/progress, and the page's
// last success and counts afterwards.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/workflow/children.h"
#include "support/sync_fixture.h"
#include "sync/station/settings.h"
#include "support/webops_fixture.h"

using namespace tongdang;
using namespace tongdang::test::webops;
using nlohmann::json;

namespace {

// Polls /sync/progress until the sync has ended (bounded), as app.js does.
json wait_for_sync(Browser& browser) {
  json progress;
  for (int i = 0; i < 600; ++i) {
    web::Response answer = browser.get("/sync/progress");
    REQUIRE(answer.status == 200);
    REQUIRE(answer.content_type.rfind("application/json", 0) == 0);
    progress = json::parse(answer.body);
    if (!progress["running"].get<bool>()) return progress;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("the sync did not end within 30 s");
  return progress;
}

}  // namespace

TEST_CASE("Web sync: settings kept, token never shown, a background sync pushes the outbox and the page shows it",
          "[web][sync]") {
  Fixture f;
  test::TestCounty county(f.dir);
  const std::string token = county.station_token("320324102");
  auto added = add_child(*f.setup, {{{"name", "张小明"},
                                     {"id_number", test::make_id_number("20140315", 12)},
                                     {"village", kVillage}},
                                    {"LEFT_BEHIND"}});
  REQUIRE(added);
  const std::int64_t waiting = f.count("SELECT count(*) FROM outbox");
  REQUIRE(waiting > 0);

  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  web::Response before = browser.get("/sync");
  REQUIRE(before.status == 200);
  CHECK(contains(before.body, R"(<dd id="last-success">从未</dd>)"));
  CHECK(contains(before.body, fmt::format(R"(<dd id="outbox">{}</dd>)", waiting)));
  const std::string csrf = Browser::csrf_of(before.body);

  // No server yet: the sync does not start, and says what is missing.
  web::Response unset = browser.post("/sync", {{"csrf", csrf}});
  CHECK(unset.status == 400);
  CHECK(contains(unset.body, "第一次同步前须先在下面填写县中心地址"));
  CHECK(contains(browser.get("/sync/progress").body, R"("running":false)"));

  // A bad address is refused beside its field, the typed value kept, nothing saved.
  web::Response bad = browser.post("/sync/settings", {{"csrf", csrf}, {"server", "county.example"}, {"token", token}});
  CHECK(bad.status == 400);
  CHECK(contains(bad.body, "应为 https:// 开头的地址"));
  CHECK(contains(bad.body, R"(value="county.example")"));
  CHECK_FALSE(contains(bad.body, token));
  CHECK(sync::load_sync_settings(*f.setup).server_url.empty());

  web::Response saved = browser.post("/sync/settings", {{"csrf", csrf}, {"server", county.url()}, {"token", token}});
  CHECK(saved.status == 303);
  CHECK(location_of(saved) == "/sync?saved=1");
  CHECK(sync::load_sync_settings(*f.setup).token == token);
  web::Response shown = browser.get("/sync?saved=1");
  CHECK(contains(shown.body, county.url()));
  CHECK(contains(shown.body, "已设置（不显示）"));
  CHECK_FALSE(contains(shown.body, token));

  web::Response started = browser.post("/sync", {{"csrf", csrf}});
  CHECK(started.status == 303);
  CHECK(location_of(started) == "/sync");
  const json progress = wait_for_sync(browser);
  INFO(progress.dump());
  CHECK(progress["error"].is_null());
  REQUIRE(progress["summary"].is_object());
  CHECK(progress["summary"]["pushed"] == waiting);
  CHECK(progress["summary"]["rejected"] == 0);
  CHECK(progress["outbox"] == 0);
  CHECK(progress["last_success"].is_string());

  web::Response after = browser.get("/sync");
  CHECK(after.status == 200);
  CHECK_FALSE(contains(after.body, R"(<dd id="last-success">从未</dd>)"));
  CHECK(contains(after.body, progress["last_success"].get<std::string>()));
  CHECK(contains(after.body, R"(<dd id="outbox">0</dd>)"));
  CHECK(contains(after.body, fmt::format("同步完成：上传 {}（冲突 0，被拒 0）", waiting)));
  CHECK(contains(after.body, R"(data-running="0")"));
  // The county holds the file now.
  CHECK(contains(test::server_digest(county, "320324102"), added.value().id));
}

TEST_CASE("Web sync: a director may sync but not change where the station's files are sent", "[web][sync]") {
  Fixture f;
  Browser director{*f.app};
  REQUIRE(director.sign_in("王强", kDirectorPassword).status == 303);
  web::Response page = director.get("/sync");
  CHECK(page.status == 200);
  CHECK_FALSE(contains(page.body, R"(action="/sync/settings")"));
  const std::string csrf = Browser::csrf_of(page.body);
  web::Response refused = director.post("/sync/settings", {{"csrf", csrf}, {"server", "https://evil.example"},
                                                           {"token", "x"}});
  CHECK(refused.status == 403);
  CHECK(sync::load_sync_settings(*f.setup).server_url.empty());
}

TEST_CASE("Web sync: a sync that cannot reach the county ends with its reason, the outbox kept", "[web][sync]") {
  Fixture f;
  REQUIRE(add_child(*f.setup, {{{"name", "李小红"},
                                {"id_number", test::make_id_number("20150601", 22)},
                                {"village", kVillage}},
                               {}}));
  const std::int64_t waiting = f.count("SELECT count(*) FROM outbox");
  // A token the county never issued: refused at once, not retried.
  test::TestCounty county(f.dir);
  sync::save_sync_settings(*f.setup, {county.url(), "tdk_not_issued", ""});
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  REQUIRE(browser.post("/sync", {{"csrf", browser.csrf()}}).status == 303);
  const json progress = wait_for_sync(browser);
  CHECK(progress["error"].is_string());
  CHECK(progress["summary"].is_null());
  CHECK(f.count("SELECT count(*) FROM outbox") == waiting);
  web::Response page = browser.get("/sync");
  CHECK(contains(page.body, "上次同步未完成"));
  CHECK(contains(page.body, R"(<dd id="last-success">从未</dd>)"));
}
