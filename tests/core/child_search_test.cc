// Finding children a page at a time (core/workflow/search.h): by part of a name, by the last digits of the ID
// number, by a family phone; filters; the director's scope in the count and the rows; paging; masking.
#include <catch2/catch.hpp>

#include "core/workflow/children.h"
#include "core/workflow/search.h"
#include "core/workflow/workflow.h"
#include "support/cli_harness.h"
#include "tongdang/fixtures/synthetic.h"

using namespace tongdang;
using tongdang::test::ScratchDir;

namespace {

constexpr const char* kVillage1 = "320324102203";
constexpr const char* kVillage2 = "320324102204";

struct Fixture {
  ScratchDir dir;
  ManualClock clock{midnight_cst_ms(Date(2026, 11, 27)) + 10 * 3600 * 1000};
  std::unique_ptr<Station> station;
  fixtures::Generator generator{7, Date(2026, 11, 27)};

  Fixture() {
    Station::InitOptions options{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}};
    auto created = Station::create(dir.file("s.db"), options, clock);
    REQUIRE(created);
    station = std::move(created).value();
    REQUIRE(station->add_user({"王强", Role::Director, {kVillage1}}));
    REQUIRE(station->add_user({"查看员", Role::Viewer, {}}));
  }
  // A child born on `birth` (its sex follows the ID number the generator makes), returning {id, ID number}.
  std::pair<std::string, std::string> child(const std::string& name, const char* village, Date birth,
                                            std::vector<std::string> categories = {}) {
    const std::string number = generator.id_number("320324", birth, Sex::Female);
    NewChild input;
    input.fields = {{"name", name}, {"id_number", number}, {"village", village}};
    input.categories = std::move(categories);
    auto added = add_child(*station, input);
    REQUIRE(added);
    return {added.value().id, number};
  }
  ChildSearchPage find(ChildSearch search) {
    auto found = search_children(*station, search);
    REQUIRE(found);
    return found.value();
  }
  static std::vector<std::string> names(const ChildSearchPage& page) {
    std::vector<std::string> out;
    for (const auto& row : page.rows) out.push_back(row.name);
    return out;
  }
};

using Names = std::vector<std::string>;

}  // namespace

TEST_CASE("Search: part of a name, the last digits of the ID number, a relative's phone", "[search]") {
  Fixture f;
  auto [ming, ming_number] = f.child("张小明", kVillage1, Date(2014, 3, 15));
  auto [hong, hong_number] = f.child("张小红", kVillage1, Date(2015, 6, 1));
  auto [hua, hua_number] = f.child("李华", kVillage2, Date(2013, 9, 9));
  REQUIRE(add_relative(*f.station, hong, {{"relation", "grandmother"}, {"name", "王秀英"}, {"status", "present"},
                                          {"phone", "13912345678"}, {"is_guardian", "是"}}));

  CHECK(Fixture::names(f.find({.text = "小明"})) == Names{"张小明"});
  CHECK(Fixture::names(f.find({.text = "张"})) == Names{"张小明", "张小红"});  // by village, then name
  CHECK(Fixture::names(f.find({.text = " 李华 "})) == Names{"李华"});          // whole name, spaces trimmed
  CHECK(f.find({.text = "赵"}).total == 0);
  // The last four digits of an ID number (what a masked list shows), or the whole number.
  CHECK(Fixture::names(f.find({.text = hua_number.substr(14)})) == Names{"李华"});
  CHECK(Fixture::names(f.find({.text = ming_number})) == Names{"张小明"});
  // Digits from the middle of an ID number are not its end: no match (the birth date would match many children).
  CHECK(f.find({.text = hua_number.substr(6, 8)}).total == 0);
  // Part of a relative's phone.
  CHECK(Fixture::names(f.find({.text = "1234567"})) == Names{"张小红"});
  CHECK(Fixture::names(f.find({.text = "13912345678"})) == Names{"张小红"});
  // A LIKE wildcard typed is a character, not "anything".
  CHECK(f.find({.text = "%"}).total == 0);
  CHECK(f.find({.text = "_"}).total == 0);
  // Fewer than four digits: the reason, beside the search box.
  auto short_number = search_children(*f.station, {.text = "123"});
  REQUIRE_FALSE(short_number);
  CHECK(short_number.status().code() == Code::InvalidInput);
  CHECK(short_number.status().field() == "q");
  CHECK(short_number.status().text().in(i18n::Lang::Zh).find("至少输入 4 位数字") != std::string::npos);
}

TEST_CASE("Search: filters by village, colour, category and closed files", "[search]") {
  Fixture f;
  auto [ming, ming_number] = f.child("张小明", kVillage1, Date(2014, 3, 15));
  auto [hong, hong_number] = f.child("张小红", kVillage1, Date(2015, 6, 1), {"LEFT_BEHIND"});
  f.child("李华", kVillage2, Date(2013, 9, 9));
  auto [gone, gone_number] = f.child("王小明", kVillage1, Date(2012, 1, 1));
  REQUIRE(close_child(*f.station, gone, "迁出本县"));
  // 8 (both parents away, capable relative) + 6 (a 低保 household) = 14: blue (docs/domain.md "The instrument").
  auto answers = parse_answers({{"carer", "both_away_capable_relative"}, {"income", "below_1x_or_dibao"}});
  REQUIRE(answers);
  NewVisit visit;
  visit.on = Date(2026, 11, 20);
  REQUIRE(add_visit(*f.station, ming, visit));
  auto assessed = assess(*f.station, ming, answers.value(), std::nullopt, "");
  REQUIRE(assessed);
  REQUIRE(assessed.value().colour == Colour::Blue);

  CHECK(Fixture::names(f.find({.village = std::string(kVillage2)})) == Names{"李华"});
  CHECK(Fixture::names(f.find({.colour = Colour::Blue})) == Names{"张小明"});
  CHECK(f.find({.colour = Colour::Red}).total == 0);
  CHECK(Fixture::names(f.find({.category = Category::LeftBehind})) == Names{"张小红"});
  // Closed files only when asked.
  CHECK(Fixture::names(f.find({.text = "小明"})) == Names{"张小明"});
  ChildSearchPage with_closed = f.find({.text = "小明", .include_closed = true});
  CHECK(Fixture::names(with_closed) == Names{"张小明", "王小明"});
  CHECK(with_closed.rows[1].status == "closed");
  // Filters combine.
  CHECK(f.find({.text = "张", .village = std::string(kVillage2)}).total == 0);
  // The row: masked ID number, sex and age from the ID number, categories held today, colour, next visit.
  ChildSearchPage hong_page = f.find({.text = "小红"});
  REQUIRE(hong_page.rows.size() == 1);
  const ChildListRow& row = hong_page.rows[0];
  CHECK(row.id_number == hong_number.substr(0, 6) + "********" + hong_number.substr(14));
  CHECK(row.sex == "female");
  CHECK(row.age == 11);  // born 2015-06-01, on 2026-11-27
  CHECK(row.categories == std::vector<std::string>{"LEFT_BEHIND"});
  CHECK_FALSE(row.colour);
  const ChildListRow graded = f.find({.text = "张小明"}).rows.at(0);
  CHECK(graded.colour == Colour::Blue);
  REQUIRE(graded.next_visit_due);
  CHECK(*graded.next_visit_due == "2026-12-20");  // blue: a home visit every 30 days from the last (11-20)
  auto bad_village = search_children(*f.station, {.village = std::string("3203241022")});
  REQUIRE_FALSE(bad_village);
  CHECK(bad_village.status().field() == "village");
}

TEST_CASE("Search: a director finds only their villages, in the rows and in the count", "[search]") {
  Fixture f;
  f.child("张小明", kVillage1, Date(2014, 3, 15));
  auto [hua, hua_number] = f.child("李华", kVillage2, Date(2013, 9, 9));
  REQUIRE(f.station->act_as("王强"));
  ChildSearchPage all = f.find({});
  CHECK(all.total == 1);
  CHECK(Fixture::names(all) == Names{"张小明"});
  CHECK(f.find({.text = hua_number.substr(14)}).total == 0);
  CHECK(f.find({.village = std::string(kVillage2)}).total == 0);
  REQUIRE(f.station->act_as("查看员"));
  auto viewer = search_children(*f.station, {});
  REQUIRE_FALSE(viewer);
  CHECK(viewer.status().code() == Code::Refused);
}

TEST_CASE("Search: pages of rows, with the count of every match", "[search]") {
  Fixture f;
  for (int i = 0; i < 53; ++i) f.child(fmt::format("测试{:02}", i), i % 2 ? kVillage2 : kVillage1, Date(2014, 1, 1));
  ChildSearchPage first = f.find({.text = "测试"});
  CHECK(first.total == 53);
  CHECK(first.pages == 2);  // 50 a page
  REQUIRE(first.rows.size() == 50);
  // Village 201 holds the even numbers (27 children), then 202: row 27 is the first of 202.
  CHECK(first.rows[0].name == "测试00");
  CHECK(first.rows[26].name == "测试52");
  CHECK(first.rows[27].name == "测试01");
  ChildSearchPage second = f.find({.text = "测试", .page = 2});
  CHECK(second.page == 2);
  CHECK(Fixture::names(second) == Names{"测试47", "测试49", "测试51"});
  CHECK(f.find({.text = "测试", .page = 3}).rows.empty());
  ChildSearchPage small = f.find({.text = "测试", .page = 4, .page_size = 5});
  CHECK(small.pages == 11);
  CHECK(Fixture::names(small) == Names{"测试30", "测试32", "测试34", "测试36", "测试38"});
  auto bad = search_children(*f.station, {.page = 0});
  REQUIRE_FALSE(bad);
  CHECK(bad.status().field() == "page");
}
