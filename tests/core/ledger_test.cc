// The ledger (台账) import and the export, in process: CSV reading, encodings, headers, every-row validation with
// nothing written on a bad row, dry runs, relatives from the family columns, masking in the export.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "support/ledger_fixture.h"
#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/ledger/ledger.h"
#include "core/model/id_number.h"
#include "core/store/station.h"
#include "core/workflow/children.h"
#include "tongdang/fixtures/synthetic.h"

using namespace tongdang;
using nlohmann::json;
using tongdang::test::ScratchDir;

namespace {

const Date kToday = test::kLedgerDay;
using test::id_for;

// The supervisor's station with a director of two villages and a viewer.
struct Fixture : test::LedgerStation {
  Fixture() {
    REQUIRE(station->add_user({"王强", Role::Director, {"320324102203", "320324102204"}}));
    REQUIRE(station->add_user({"钱看", Role::Viewer, {}}));
  }
};

const std::string kHeaderZh = "姓名,身份证号,村居代码,类别,父亲姓名,父亲状态,父亲务工地点,母亲姓名,母亲状态,监护人姓名,监护人关系,监护人电话\n";

}  // namespace

TEST_CASE("CSV: quotes, embedded commas and line breaks, CRLF, BOM", "[ledger]") {
  auto records = parse_csv("\xEF\xBB\xBF" "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nlast,,\n");
  REQUIRE(records);
  REQUIRE(records->size() == 3);
  CHECK(records->at(0).cells == std::vector<std::string>{"a", "b", "c"});
  CHECK(records->at(1).cells == std::vector<std::string>{"x, y", "say \"hi\"", "two\nlines"});
  CHECK(records->at(1).line == 2);
  // The record after a cell spanning two lines starts on line 4.
  CHECK(records->at(2).line == 4);
  CHECK(records->at(2).cells == std::vector<std::string>{"last", "", ""});

  auto open_quote = parse_csv("a,b\n\"never closed,c\n");
  REQUIRE_FALSE(open_quote);
  CHECK(open_quote.status().code() == Code::InvalidInput);
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("plain") == "plain");
}

TEST_CASE("UTF-8 check: Chinese passes, GBK, overlong forms and surrogates fail with the line", "[ledger]") {
  CHECK_FALSE(first_invalid_utf8_line("姓名,村居代码\n张小明,320324102203\n"));
  // 张三 in GBK is D5 C5 C8 FD: D5 starts a two-byte sequence, C5 is not a continuation byte.
  CHECK(first_invalid_utf8_line("name\n\xD5\xC5\xC8\xFD\n") == 2);
  CHECK(first_invalid_utf8_line("\xC0\x80") == 1);          // overlong NUL
  CHECK(first_invalid_utf8_line("ok\n\n\xED\xA0\x80") == 3);  // a UTF-16 surrogate
  CHECK(first_invalid_utf8_line("\xE5\xBC") == 1);          // truncated
}

TEST_CASE("Ledger columns: Chinese and English names map to the same column", "[ledger]") {
  CHECK(find_ledger_column("姓名") == find_ledger_column("name"));
  CHECK(find_ledger_column("身份证号码") == find_ledger_column("ID_NUMBER"));
  CHECK(find_ledger_column(" 监护人电话 ") == find_ledger_column("guardian_phone"));
  CHECK(find_ledger_column("年龄") == nullptr);
}

TEST_CASE("Import: a good ledger is written in one transaction with its relatives", "[ledger]") {
  Fixture f;
  fixtures::Generator generator(11, kToday);
  auto children = generator.township_children("320324102", 40);
  // Expected relatives, worked from the generated input: father + mother + the guardian unless a parent is it.
  std::int64_t relatives = 0;
  std::int64_t memberships = 0;
  for (const auto& c : children) {
    relatives += (c.father ? 1 : 0) + (c.mother ? 1 : 0);
    if (c.guardian && c.guardian->relation != "father" && c.guardian->relation != "mother") ++relatives;
    memberships += static_cast<std::int64_t>(c.categories.size());
  }
  const std::int64_t audit_before = f.count("SELECT count(*) FROM audit");

  auto report = import_ledger(*f.station, fixtures::ledger_csv(children), {});
  REQUIRE(report);
  CHECK(report->problems.empty());
  CHECK(report->written);
  CHECK(report->rows == 40);
  CHECK(report->children == 40);
  CHECK(report->relatives == relatives);
  CHECK(f.count("SELECT count(*) FROM children") == 40);
  CHECK(f.count("SELECT count(*) FROM relatives") == relatives);
  CHECK(f.count("SELECT count(*) FROM memberships") == memberships);
  // Every child's guardian is marked: exactly one guardian per child in this ledger.
  CHECK(f.count("SELECT count(*) FROM relatives WHERE is_guardian = 1") == 40);
  // One outbox row per child, relative and membership event; one audit row each, plus the import's own.
  CHECK(f.count("SELECT count(*) FROM outbox WHERE entity <> 'user'") == 40 + relatives + memberships);
  CHECK(f.count("SELECT count(*) FROM audit") - audit_before == 40 + relatives + memberships + 1);
  CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'ledger.import'") == 1);
  // All rows carry the same write time: they were written by one Station::write.
  CHECK(f.count("SELECT count(DISTINCT created_at) FROM children") == 1);
}

TEST_CASE("Import: a ledger with bad rows writes nothing and reports every bad row", "[ledger]") {
  Fixture f;
  const std::string good = id_for("320324", Date(2014, 3, 15), 12);      // a girl, 12
  const std::string sixteen = id_for("320324", Date(2010, 11, 28), 31);  // 16 today
  std::string wrong_check = id_for("320324", Date(2015, 6, 1), 21);
  wrong_check.back() = wrong_check.back() == '1' ? '2' : '1';
  const std::string csv = kHeaderZh +
      "张小明," + good + ",320324102203,留守儿童,张大,外出务工,上海市,李梅,重病,王奶奶,奶奶,13800000000\n" +
      "\"王,五\"," + wrong_check + ",320324102203,FOO,,,,,,,,\n" +
      "刘大," + sixteen + ",320324102204,LEFT_BEHIND,,,,,,,,\n" +
      "赵六," + id_for("320324", Date(2016, 1, 2), 41) + ",320324102999,,,,,,,,,\n" +
      "重复," + good + ",320324102203,,,,,,,,,\n" +
      "父亲," + id_for("320324", Date(2017, 5, 5), 51) + ",320324102203,,孙父,外出务工,,,,,,\n";
  const std::int64_t audit_before = f.count("SELECT count(*) FROM audit");

  auto report = import_ledger(*f.station, csv, {});
  REQUIRE(report);
  CHECK_FALSE(report->written);
  CHECK(report->rows == 6);
  CHECK(f.count("SELECT count(*) FROM children") == 0);
  CHECK(f.count("SELECT count(*) FROM relatives") == 0);
  CHECK(f.count("SELECT count(*) FROM audit") == audit_before);
  CHECK(f.count("SELECT count(*) FROM outbox WHERE entity <> 'user'") == 0);

  // Line 2 is good. Line 3: wrong check character and an unknown category. Line 4: left-behind at 16.
  // Line 5: village 999 is outside 001–399. Line 6: the ID number of line 2. Line 7: working away, no place.
  std::vector<std::tuple<int, std::string, std::string>> found;
  for (const auto& p : report->problems) found.emplace_back(p.line, p.column, p.field);
  CHECK(found == std::vector<std::tuple<int, std::string, std::string>>{
                     {3, "身份证号", "id_number"},
                     {3, "类别", "categories"},
                     {4, "类别", "categories"},
                     {5, "村居代码", "village"},
                     {6, "身份证号", "id_number"},
                     {7, "父亲务工地点", "father_place"},
                 });
  for (const auto& p : report->problems) CHECK_FALSE(p.reason.empty());

  auto as_json = report->to_json();
  CHECK(as_json["problems"].size() == 6);
  CHECK(as_json["problems"][0]["line"] == 3);
  CHECK(as_json["written"] == false);
}

TEST_CASE("Import: empty, header-only and UTF-16 files are refused as a whole", "[ledger]") {
  Fixture f;
  for (std::string empty : {std::string(), std::string("\xEF\xBB\xBF"), std::string("\n\n"), std::string(",,,\r\n")}) {
    auto report = import_ledger(*f.station, empty, {});
    REQUIRE_FALSE(report);
    CHECK(report.status().code() == Code::InvalidInput);
    CHECK(report.status().field() == "file");
  }
  auto header_only = import_ledger(*f.station, "姓名,村居代码\n", {});
  REQUIRE_FALSE(header_only);
  CHECK(header_only.status().code() == Code::InvalidInput);

  // GBK bytes are decoded (姓名,村 / 张三,…): the header is read, and refused for the column it lacks, naming the
  // one it did not recognise.
  auto gbk = import_ledger(*f.station, "\xD0\xD5\xC3\xFB,\xB4\xE5\n\xD5\xC5\xC8\xFD,320324102203\n", {});
  REQUIRE_FALSE(gbk);
  CHECK(gbk.status().code() == Code::InvalidInput);
  CHECK(gbk.status().field() == "column");
  CHECK(gbk.status().message().find("未识别的列：村") != std::string::npos);

  auto utf16 = import_ledger(*f.station, std::string("\xFF\xFE" "n\0a\0", 6), {});
  REQUIRE_FALSE(utf16);
  CHECK(utf16.status().message().find("UTF-16") != std::string::npos);
  CHECK(f.count("SELECT count(*) FROM children") == 0);
}

TEST_CASE("Import: unknown columns are ignored and listed, export-only, repeated and missing ones are named", "[ledger]") {
  Fixture f;
  ImportOptions dry;
  dry.dry_run = true;
  auto unknown = import_ledger(*f.station, "姓名,身份证号,村居代码,年龄\n张三,32032420140315012X,320324102203,9\n", dry);
  REQUIRE(unknown);
  CHECK(unknown->ignored_columns == std::vector<std::string>{"年龄"});
  CHECK(unknown->children == 1);

  auto export_only = import_ledger(*f.station, "姓名,村居代码,风险等级\n张三,320324102203,红色\n", {});
  REQUIRE_FALSE(export_only);
  CHECK(export_only.status().message().find("风险等级") != std::string::npos);

  auto repeated = import_ledger(*f.station, "姓名,name,村居代码\n张三,张三,320324102203\n", {});
  REQUIRE_FALSE(repeated);
  CHECK(repeated.status().field() == "column");

  auto missing = import_ledger(*f.station, "姓名,身份证号\n张三,32032420140315012X\n", {});
  REQUIRE_FALSE(missing);
  CHECK(missing.status().message().find("village") != std::string::npos);
}

TEST_CASE("Import: BOM or not, Chinese or English headers, the same children", "[ledger]") {
  fixtures::Generator generator(5, kToday);
  auto children = generator.township_children("320324102", 12);
  std::vector<std::string> variants = {
      fixtures::ledger_csv(children, {fixtures::HeaderLanguage::Chinese, false, false}),
      fixtures::ledger_csv(children, {fixtures::HeaderLanguage::Chinese, true, true}),
      fixtures::ledger_csv(children, {fixtures::HeaderLanguage::English, false, false}),
      fixtures::ledger_csv(children, {fixtures::HeaderLanguage::English, true, true}),
  };
  CHECK(variants[2].substr(0, 5) == "name,");
  CHECK(variants[1].substr(0, 3) == "\xEF\xBB\xBF");
  std::vector<std::string> seen;
  for (const auto& csv : variants) {
    Fixture f;
    auto report = import_ledger(*f.station, csv, {});
    REQUIRE(report);
    REQUIRE(report->problems.empty());
    auto query = f.station->db().prepare(
        "SELECT group_concat(x, '|') FROM (SELECT c.id_number || c.name || c.village || coalesce(c.schooling, '') ||"
        " (SELECT group_concat(category) FROM (SELECT category FROM memberships m WHERE m.child_id = c.id ORDER BY 1))"
        " || (SELECT group_concat(r) FROM (SELECT relation || name || status || is_guardian AS r FROM relatives"
        " WHERE child_id = c.id ORDER BY 1)) AS x FROM children c ORDER BY c.id_number)");
    REQUIRE(query.step());
    seen.push_back(query.get_text(0));
  }
  CHECK(seen[0].size() > 100);
  CHECK(seen[1] == seen[0]);
  CHECK(seen[2] == seen[0]);
  CHECK(seen[3] == seen[0]);
}

TEST_CASE("Import: a dry run checks every row and writes nothing", "[ledger]") {
  Fixture f;
  fixtures::Generator generator(3, kToday);
  const std::string csv = fixtures::ledger_csv(generator.township_children("320324102", 10));
  const std::int64_t audit_before = f.count("SELECT count(*) FROM audit");
  ImportOptions options;
  options.dry_run = true;
  auto report = import_ledger(*f.station, csv, options);
  REQUIRE(report);
  CHECK(report->dry_run);
  CHECK_FALSE(report->written);
  CHECK(report->children == 10);
  CHECK(report->child_ids.empty());
  CHECK(f.count("SELECT count(*) FROM children") == 0);
  CHECK(f.count("SELECT count(*) FROM audit") == audit_before);
  // The same ledger then imports for real.
  auto real = import_ledger(*f.station, csv, {});
  REQUIRE(real);
  CHECK(real->written);
  CHECK(f.count("SELECT count(*) FROM children") == 10);
  // And a second import of it is all duplicates: nothing more is written.
  auto again = import_ledger(*f.station, csv, {});
  REQUIRE(again);
  CHECK(again->problems.size() == 10);
  CHECK(f.count("SELECT count(*) FROM children") == 10);
}

TEST_CASE("Import: a guardian who is a parent is marked, not added twice", "[ledger]") {
  Fixture f;
  const std::string csv = std::string("姓名,身份证号,村居代码,类别,父亲姓名,父亲状态,母亲姓名,母亲状态,监护人姓名,监护人关系,监护人电话\n") +
                          "张小明," + id_for("320324", Date(2014, 3, 15), 13) +
                          ",320324102203,低保,张大,在家,李梅,重病,张大,父亲,13900000000\n";
  auto report = import_ledger(*f.station, csv, {});
  REQUIRE(report);
  REQUIRE(report->problems.empty());
  CHECK(f.count("SELECT count(*) FROM relatives") == 2);
  CHECK(f.count("SELECT count(*) FROM relatives WHERE relation = 'father' AND is_guardian = 1 AND phone = '13900000000'") == 1);
  CHECK(f.count("SELECT count(*) FROM relatives WHERE relation = 'mother' AND status = 'seriously_ill'") == 1);
  CHECK(f.count("SELECT count(*) FROM memberships WHERE category = 'LOW_INCOME'") == 1);
}

TEST_CASE("Import: a director's rows outside their villages are refused, and a viewer may not import", "[ledger]") {
  Fixture f;
  REQUIRE(f.station->act_as("王强"));
  const std::string csv = kHeaderZh + "甲," + id_for("320324", Date(2014, 3, 15), 15) + ",320324102203,,,,,,,,,\n" +
                          "乙," + id_for("320324", Date(2014, 3, 16), 17) + ",320324102205,,,,,,,,,\n";
  auto report = import_ledger(*f.station, csv, {});
  REQUIRE(report);
  REQUIRE(report->problems.size() == 1);
  CHECK(report->problems[0].line == 3);
  CHECK(f.count("SELECT count(*) FROM children") == 0);

  REQUIRE(f.station->act_as("钱看"));
  auto viewer = import_ledger(*f.station, csv, {});
  REQUIRE_FALSE(viewer);
  CHECK(viewer.status().code() == Code::Refused);
}

TEST_CASE("Export: ID numbers masked unless full-id for a supervisor, and a director may not", "[ledger]") {
  Fixture f;
  const std::string id = id_for("320324", Date(2014, 3, 15), 12);
  const std::string csv = kHeaderZh + "张小明," + id + ",320324102203,留守儿童,张大,外出务工,上海市,李梅,重病,王奶奶,奶奶,13800000000\n";
  REQUIRE(import_ledger(*f.station, csv, {})->written);
  const std::string masked = mask_id_number(id);
  CHECK(masked == id.substr(0, 6) + "********" + id.substr(14));

  i18n::set_language(i18n::Lang::Zh);
  auto exported = export_children(*f.station, {ExportFormat::Csv, false, false});
  REQUIRE(exported);
  const std::string& text = exported->content;
  CHECK(text.substr(0, 3) == "\xEF\xBB\xBF");
  CHECK(text.substr(3, text.find("\r\n") - 3).find("编号,姓名,身份证号") == 0);
  CHECK(text.find(masked) != std::string::npos);
  CHECK(text.find(id) == std::string::npos);
  CHECK(text.find("留守儿童") != std::string::npos);
  CHECK(text.find("王奶奶") != std::string::npos);
  // The export reads back as CSV with one row per child.
  auto rows = parse_csv(text);
  REQUIRE(rows);
  CHECK(rows->size() == 2);

  auto as_json = export_children(*f.station, {ExportFormat::Json, false, false});
  REQUIRE(as_json);
  json children = json::parse(as_json->content);
  REQUIRE(children.size() == 1);
  CHECK(children[0]["id_number"] == masked);
  CHECK(children[0]["categories"] == json::array({"LEFT_BEHIND"}));
  CHECK(children[0]["relatives"].size() == 3);
  CHECK(as_json->content.find(id) == std::string::npos);

  auto full = export_children(*f.station, {ExportFormat::Json, true, false});
  REQUIRE(full);
  CHECK(json::parse(full->content)[0]["id_number"] == id);
  CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'ledger.export'") == 3);
  CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'ledger.export' AND after ->> '$.full_id' = 1") == 1);

  REQUIRE(f.station->act_as("王强"));
  auto refused = export_children(*f.station, {ExportFormat::Csv, true, false});
  REQUIRE_FALSE(refused);
  CHECK(refused.status().code() == Code::Refused);
  auto director = export_children(*f.station, {ExportFormat::Csv, false, false});
  REQUIRE(director);
  CHECK(director->children == 1);
}
