// /reports/coverage in process: the township's figures for an as-of day (the same Report as `tongdang report
// coverage`), the printable report in its own framed page with its own Content-Security-Policy, the CSV download.
#include <catch2/catch.hpp>

#include "core/report/render.h"
#include "core/report/station_report.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "support/webops_fixture.h"

using namespace tongdang;
using namespace tongdang::test::webops;

namespace {

// Two left-behind children registered on 2026-11-28 in the director's village, one raised to yellow.
void two_children(Fixture& f) {
  auto a = add_child(*f.setup, {{{"name", "张小明"}, {"id_number", test::make_id_number("20140315", 12)},
                                 {"village", kVillage}},
                                {"LEFT_BEHIND"}});
  REQUIRE(a);
  REQUIRE(add_child(*f.setup, {{{"name", "李小红"}, {"id_number", test::make_id_number("20150601", 22)},
                                {"village", kVillage}},
                               {"LEFT_BEHIND"}}));
  REQUIRE(change_colour(*f.setup, a.value().id, true, Colour::Yellow, "父母均外出", std::nullopt));
}

}  // namespace

TEST_CASE("Web report: the township's numbers for an as-of day, the report framed and the CSV", "[web]") {
  Fixture f;
  two_children(f);
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);

  web::Response page = browser.get("/reports/coverage?as_of=2026-11-28");
  REQUIRE(page.status == 200);
  CHECK(contains(page.body, "王集镇 · 截至 2026-11-28"));
  CHECK(contains(page.body, R"(<dd id="children">2</dd>)"));
  CHECK(contains(page.body, R"(<span id="colour-yellow">1</span>)"));
  CHECK(contains(page.body, R"(<span id="colour-red">0</span>)"));
  CHECK(contains(page.body, R"(<span id="ungraded">1</span>)"));
  CHECK(contains(page.body, R"(src="/reports/coverage/report.html?as_of=2026-11-28")"));
  CHECK(contains(page.body, R"(href="/reports/coverage.csv?as_of=2026-11-28")"));
  CHECK(contains(page.body, R"(name="as_of")"));

  // Before anyone was registered, nobody is counted.
  web::Response earlier = browser.get("/reports/coverage?as_of=2026-11-01");
  CHECK(contains(earlier.body, R"(<dd id="children">0</dd>)"));

  // The framed report is core/report's own page (the same bytes `report coverage --format html` writes), under a
  // policy that lets its inline style in and nothing else.
  web::Response framed = browser.get("/reports/coverage/report.html?as_of=2026-11-28");
  REQUIRE(framed.status == 200);
  CHECK(framed.content_type.rfind("text/html", 0) == 0);
  const std::string policy = header_of(framed, "Content-Security-Policy");
  CHECK(contains(policy, "style-src 'unsafe-inline'"));
  CHECK(contains(policy, "default-src 'none'"));
  CHECK(contains(policy, "frame-ancestors 'self'"));
  CHECK_FALSE(contains(policy, "script-src"));
  CHECK(contains(framed.body, "<style>"));
  CHECK_FALSE(contains(framed.body, "<script"));
  CHECK_FALSE(contains(framed.body, "张小明"));  // aggregates and masked IDs only: never a name

  web::Response csv = browser.get("/reports/coverage.csv?as_of=2026-11-28");
  REQUIRE(csv.status == 200);
  CHECK(csv.content_type.rfind("text/csv", 0) == 0);
  CHECK(contains(header_of(csv, "Content-Disposition"), "coverage-320324102-2026-11-28.csv"));
  REQUIRE(f.setup->act_as("李芳"));
  CHECK(csv.body == report::to_csv(report::station_report(*f.setup, Date(2026, 11, 28))));
}

TEST_CASE("Web report: a day that is not a date is refused beside its field", "[web]") {
  Fixture f;
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("王强", kDirectorPassword).status == 303);
  web::Response bad = browser.get("/reports/coverage?as_of=2026-13-40");
  CHECK(bad.status == 400);
  CHECK(contains(bad.body, "应为日期 YYYY-MM-DD"));
  CHECK(contains(bad.body, R"(value="2026-13-40")"));
  CHECK(browser.get("/reports/coverage/report.html?as_of=soon").status == 400);
}
