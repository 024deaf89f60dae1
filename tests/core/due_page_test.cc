// The work list's fast path (core/workflow due_page, due_escalations) against the whole computation (due_list):
// on a station changed at random — children graded, visited, raised and lowered, care measures, case workers,
// leads, closings — every page of due_page, read one after the other, is due_list's list cut into pages, with the
// same count, for a supervisor and for directors of one village or two, on days inside and outside the pre-holiday
// windows (docs/domain.md "The schedule": 14 days before 01-20 and 07-01); and the escalations are due_list's
// overdue rows with an escalated item. The due_rank keys the fast path reads equal a rebuild (report check).
#include <catch2/catch.hpp>

#include <random>

#include "core/projection/report_rows.h"
#include "core/workflow/review_queue.h"
#include "core/workflow/workflow.h"
#include "support/report_fixture.h"

using namespace tongdang;
using tongdang::test::ReportFixture;
using tongdang::test::ScratchDir;
using nlohmann::json;

namespace {

json rows_json(const std::vector<DueRow>& rows) {
  json out = json::array();
  for (const DueRow& row : rows) out.push_back(row.to_json());
  return out;
}

// due_page's pages of `size` rows, concatenated, and the total each page reported.
json paged(Station& station, const DueOptions& options, std::size_t size, std::size_t& total) {
  json out = json::array();
  for (std::size_t offset = 0;; offset += size) {
    auto page = due_page(station, options, offset, size);
    REQUIRE(page.is_ok());
    total = page->total;
    for (const DueRow& row : page->rows) out.push_back(row.to_json());
    if (page->rows.size() < size) break;
  }
  return out;
}

// The rows of the overdue list with an escalated item, only those items: what the review queue showed before.
json escalated_of(std::vector<DueRow> rows) {
  json out = json::array();
  for (DueRow& row : rows) {
    std::erase_if(row.items, [](const DueItem& item) { return !item.escalated; });
    if (!row.items.empty()) out.push_back(row.to_json());
  }
  return out;
}

void check_lists_agree(Station& station, const std::string& as_of) {
  for (bool overdue_only : {false, true}) {
    const DueOptions options{*Date::parse(as_of), overdue_only, 7};
    auto full = due_list(station, options);
    REQUIRE(full.is_ok());
    const json expected = rows_json(full.value());
    for (std::size_t size : {1, 3, 50}) {
      INFO("as of " << as_of << ", overdue only " << overdue_only << ", pages of " << size << ", as "
                    << station.actor().name);
      std::size_t total = 0;
      CHECK(paged(station, options, size, total) == expected);
      CHECK(total == full.value().size());
    }
  }
  auto overdue = due_list(station, {*Date::parse(as_of), true, 0});
  REQUIRE(overdue.is_ok());
  const json expected = escalated_of(std::move(overdue).value());
  auto escalations = due_escalations(station, *Date::parse(as_of));
  REQUIRE(escalations.is_ok());
  INFO("escalations as of " << as_of << " as " << station.actor().name);
  CHECK(rows_json(escalations.value().rows) == expected);
  CHECK(escalations.value().total == expected.size());
  // The first two only (the review page's first rows), with the count of all.
  auto first = due_escalations(station, *Date::parse(as_of), 2);
  REQUIRE(first.is_ok());
  json expected_first = json::array();
  for (std::size_t i = 0; i < std::min<std::size_t>(2, expected.size()); ++i) expected_first.push_back(expected[i]);
  CHECK(rows_json(first.value().rows) == expected_first);
  CHECK(first.value().total == expected.size());
}

}  // namespace

TEST_CASE("Due: every page of the fast work list equals the whole computation on a random station", "[due][random]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  REQUIRE(fixture.station().add_user(User{"赵敏", Role::Director, {test::kVillage2}}).is_ok());
  std::mt19937 random(20261202);
  std::vector<std::string> keys = {"A", "B", "C", "D", "E", "G"};
  // More children, some never graded, so that pages of 1 and 3 rows cut the list in many places.
  for (int i = 0; i < 14; ++i) {
    const std::string key = "R" + std::to_string(i);
    fixture.child(Date(2026, 1, 10).plus_days(static_cast<int>(random() % 300)).to_string(), key,
                  i % 2 ? test::kVillage1 : test::kVillage2, i % 3 ? "LEFT_BEHIND" : "ORPHAN",
                  test::make_id_number("2014" + fmt::format("{:02}{:02}", 1 + i % 12, 1 + i % 28), fmt::format("{:03}", 100 + i)));
    keys.push_back(key);
  }
  const std::vector<std::string> colours = {"red", "yellow", "blue", "green"};
  auto day = [&] { return Date(2026, 1, 10).plus_days(static_cast<int>(random() % 320)).to_string(); };
  const std::vector<std::string> as_of_days = {"2026-11-28", "2026-01-12", "2026-06-25", "2026-03-15",
                                               "2026-12-20", "2027-01-15"};
  for (int round = 0; round < 160; ++round) {
    const std::string key = keys[random() % keys.size()];
    switch (random() % 8) {
      case 0: fixture.home_visit(day(), key); break;  // out of order on purpose: offline visits sync late
      case 1:
      case 2: fixture.grade(day(), key, colours[random() % 4]); break;
      case 3: {
        const Colour to = *parse_colour(colours[random() % 4]);
        const auto now = current_colour(fixture.station().db(), fixture.id(key));
        if (now && to != *now) {
          fixture.on("2026-11-28");
          (void)change_colour(fixture.station(), fixture.id(key), to > *now, to, "test", *Date::parse(day()));
        }
        break;
      }
      case 4: fixture.measure(day(), key, random() % 2 ? "SAFETY" : "GUARDIANSHIP", "planned"); break;
      case 5: fixture.visit(day(), key, random() % 2 ? "phone" : "video"); break;
      case 6: {
        const std::string lead = "LX" + std::to_string(random() % 4);
        const char* kinds[] = {"lead.add", "screen.verify", "screen.return", "screen.review", "screen.confirm"};
        fixture.event(day(), "", kinds[random() % 5],
                      {{"village", random() % 2 ? test::kVillage1 : test::kVillage2}}, lead);
        break;
      }
      case 7: {
        fixture.on("2026-11-28");
        (void)edit_child(fixture.station(), fixture.id(key), {{"case_worker", random() % 2 ? "周社工" : ""}});
        break;
      }
    }
    if (round == 100) fixture.close("2026-11-20", "R3");
    if (round % 40 == 39) {
      for (const char* user : {"李芳", "王强", "赵敏"}) {
        REQUIRE(fixture.station().act_as(user).is_ok());
        for (const std::string& as_of : as_of_days) check_lists_agree(fixture.station(), as_of);
      }
      REQUIRE(fixture.station().act_as("李芳").is_ok());
      const report::Verification checked = report::verify(fixture.station().db());
      CHECK(checked.differing.at("due_rank") == 0);
      CHECK(checked.consistent());
    }
  }
  // The review queue's escalations are these rows.
  auto queue = review_queue(fixture.station(), *Date::parse("2026-11-28"));
  REQUIRE(queue.is_ok());
  auto overdue = due_list(fixture.station(), {*Date::parse("2026-11-28"), true, 0});
  REQUIRE(overdue.is_ok());
  const json escalated = escalated_of(std::move(overdue).value());
  CHECK(rows_json(queue->escalations) == escalated);
  CHECK(queue->escalations_total == escalated.size());
  CHECK_FALSE(queue->escalations.empty());
  auto shown = review_queue(fixture.station(), *Date::parse("2026-11-28"), 1);
  REQUIRE(shown.is_ok());
  CHECK(shown->escalations.size() == 1);
  CHECK(shown->escalations_total == escalated.size());
}

TEST_CASE("Due: a station without its due_rank rows (migrated) still lists every child, the slow way", "[due]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  const DueOptions options{*Date::parse("2026-11-28"), false, 7};
  auto full = due_list(fixture.station(), options);
  REQUIRE(full.is_ok());
  fixture.station().db().exec("DELETE FROM due_rank");
  std::size_t total = 0;
  CHECK(paged(fixture.station(), options, 2, total) == rows_json(full.value()));
  CHECK(total == full.value().size());
  CHECK(total == 8);  // A B C D E G open (F closed), and the two leads with no file yet: L1 (review), L2 (verify)
  // report rebuild fills it again, and the check says so.
  report::rebuild(fixture.station().db());
  CHECK(report::verify(fixture.station().db()).consistent());
  CHECK(paged(fixture.station(), options, 2, total) == rows_json(full.value()));
}
