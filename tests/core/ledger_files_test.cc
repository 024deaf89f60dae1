// Ledgers as townships keep them (issue 13): the real division table and village names, GB18030/GBK files, a title
// above the header, foreign columns, dates and numbers as people type them, Excel's scientific notation, a parent
// whose name nobody knows.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/ledger/ledger.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/store/station.h"
#include "support/cli_harness.h"
#include "support/ledger_fixture.h"

using namespace tongdang;
using tongdang::test::ScratchDir;

namespace {

using test::as_gb18030;
using test::id_for;

// The supervisor's station, messages in Chinese.
struct Fixture : test::LedgerStation {
  Fixture() { i18n::set_language(i18n::Lang::Zh); }
};

std::vector<std::string> codes_of(const std::vector<const Village*>& villages) {
  std::vector<std::string> out;
  for (const Village* v : villages) out.push_back(v->code);
  return out;
}

}  // namespace

TEST_CASE("Divisions: the bundled 2023 table holds all of Jiangsu, and codes read as names", "[ledger][division]") {
  const Divisions& table = Divisions::bundled();
  CHECK(Divisions::bundled_vintage() == "2023");
  CHECK(table.townships_of("320324").size() == 20);  // 睢宁县: 3 streets, 15 towns, 2 development zones
  REQUIRE(table.village("320324102203"));
  CHECK(table.village("320324102203")->name == "大吴村委会");
  CHECK(table.village("320324102203")->vintage == "2023");
  CHECK(table.villages_of("320324102").size() == 28);  // 王集镇: 6 residents' and 22 villagers' committees
  CHECK_FALSE(table.village("320324102201"));           // the old synthetic village

  CHECK(division_label("320324102203") == "大吴村");
  CHECK(division_label("320324102001") == "大王集社区");
  CHECK(division_label("320114006203") == "高家库村");  // 高家库村村委会: not 高家库村村
  CHECK(division_label("320324102") == "王集镇");
  CHECK(division_label("320324") == "睢宁县");
  CHECK(division_label("320324102399") == "320324102399");  // not in the table: the code itself
  CHECK(village_short_name("城东居委会") == "城东居委会");
}

TEST_CASE("Divisions: villages by the names people write, ambiguous and unknown ones with candidates", "[ledger][division]") {
  const Divisions& table = Divisions::bundled();
  for (std::string written : {"大吴村委会", "大吴村", "大吴"}) {
    INFO(written);
    auto match = table.find_village("320324102", written);
    REQUIRE(match.village);
    CHECK(match.village->code == "320324102203");
  }
  REQUIRE(table.find_village("320324102", "庄楼社区").village);
  CHECK(table.find_village("320324102", "庄楼社区").village->code == "320324102002");
  // 羊尖镇 has 羊尖社区居民委员会 and 羊尖村委会: 羊尖 alone is ambiguous; 村 or 社区 settles it.
  auto both = table.find_village("320205102", "羊尖");
  CHECK_FALSE(both.village);
  CHECK(both.ambiguous);
  CHECK(codes_of(both.candidates) == std::vector<std::string>{"320205102001", "320205102200"});
  CHECK(table.find_village("320205102", "羊尖村").village->code == "320205102200");
  CHECK(table.find_village("320205102", "羊尖社区").village->code == "320205102001");
  // 高家库村 is the stem of 高家库村村委会 and of 高家库村社区居委会; written with 村 it is the villagers' committee.
  CHECK(table.find_village("320114006", "高家库村").village->code == "320114006203");
  // A typo: no village, the ones sharing a character listed (大王集社区, 大吴村, 大营村).
  auto typo = table.find_village("320324102", "大昊村");
  CHECK_FALSE(typo.village);
  CHECK_FALSE(typo.ambiguous);
  CHECK(codes_of(typo.candidates) == std::vector<std::string>{"320324102001", "320324102203", "320324102207"});
}

TEST_CASE("Divisions: a village the table lacks in a known township warns, a known one does not", "[ledger][division]") {
  auto known = check_village_code("320324102203", "village");
  REQUIRE(known);
  CHECK(known->empty());
  auto lacking = check_village_code("320324102201", "village");
  REQUIRE(lacking);
  REQUIRE(lacking->size() == 1);
  CHECK(lacking->front().find("320324102201") != std::string::npos);
  CHECK(lacking->front().find("王集镇") != std::string::npos);
  // An unknown township warns about the township only.
  auto township = check_village_code("320324198201", "village");
  REQUIRE(township);
  REQUIRE(township->size() == 1);
  CHECK(township->front().find("乡镇代码") != std::string::npos);
}

TEST_CASE("Cells: apostrophe, tab, full-width digits, spaces, dates and scientific notation", "[ledger]") {
  CHECK(clean_cell("  '320324201403150128 ") == "320324201403150128");
  CHECK(clean_cell("\t13800000000") == "13800000000");
  CHECK(clean_cell("３２０３２４２０１４０３１５０１２Ｘ") == "32032420140315012X");
  CHECK(clean_cell("　张三　") == "张三");         // ideographic spaces
  CHECK(clean_cell("上海市，浦东") == "上海市，浦东");  // full-width punctuation is the user's
  CHECK(without_spaces("3203 2420 1403 15012X") == "32032420140315012X");

  CHECK(is_scientific_notation("3.20324E+17"));
  CHECK(is_scientific_notation("3.20324e17"));
  CHECK(is_scientific_notation("3E+17"));
  CHECK_FALSE(is_scientific_notation("32032420140315012X"));
  CHECK_FALSE(is_scientific_notation("3.2"));
  CHECK_FALSE(is_scientific_notation("E+17"));

  for (std::string typed : {"2014-03-15", "2014-3-15", "2014/3/15", "2014.3.15", "2014年3月15日", "20140315",
                            "41713", "2014-03-15 00:00:00", "2014/03/15"}) {
    INFO(typed);
    auto date = parse_ledger_date(typed);
    REQUIRE(date);
    CHECK(date->to_string() == "2014-03-15");
  }
  CHECK(parse_ledger_date("1900/3/1")->to_string() == "1900-03-01");
  CHECK(parse_ledger_date("61")->to_string() == "1900-03-01");  // Excel's serial 61
  for (std::string bad : {"2014-02-30", "2014年13月1日", "15/3/2014", "三月", "60", "99999", "2014-3"}) {
    INFO(bad);
    CHECK_FALSE(parse_ledger_date(bad));
  }
}

TEST_CASE("Import: a WPS ledger in GBK with a title, 序号 and 备注, village names and typed dates", "[ledger]") {
  Fixture f;
  const std::string boy = id_for("320324", Date(2014, 3, 15), 11);
  const std::string girl = id_for("320324", Date(2016, 7, 1), 22);
  std::string wide_girl;  // the girl's ID number typed with a Chinese input method: full-width digits
  for (char c : girl) wide_girl += c == 'X' ? std::string("Ｘ") : "\xEF\xBC" + std::string(1, static_cast<char>(0x90 + (c - '0')));
  const std::string utf8 =
      "王集镇困境儿童台账（2026年11月）,,,,,,,\r\n"
      "填报单位：王集镇未保站,,,,,,,\r\n"
      "序号,姓名,身份证号,出生日期,村居代码,类别,母亲姓名,母亲状态,备注,\r\n"
      "1,张小明,'" + boy + ",2014年3月15日,大吴村,孤儿,,死亡,外婆照看,\r\n"
      "2,李小红," + wide_girl + ",2016/7/1,庄楼社区,低保,王梅,在家,,\r\n";
  auto report = import_ledger(*f.station, as_gb18030(utf8), {});
  REQUIRE(report);
  INFO((report->problems.empty() ? std::string() : report->problems.front().reason));
  REQUIRE(report->problems.empty());
  CHECK(report->written);
  CHECK(report->encoding == "GB18030/GBK");
  CHECK(report->header_line == 3);
  REQUIRE(report->skipped_rows.size() == 2);
  CHECK(report->skipped_rows[0].line == 1);
  CHECK(report->skipped_rows[0].text == "王集镇困境儿童台账（2026年11月）");
  CHECK(report->skipped_rows[1].text == "填报单位：王集镇未保站");
  CHECK(report->ignored_columns == std::vector<std::string>{"序号", "备注"});  // the trailing empty one is dropped
  CHECK(report->rows == 2);
  CHECK(report->children == 2);

  CHECK(f.text("SELECT village FROM children WHERE id_number = '" + boy + "'") == "320324102203");
  CHECK(f.text("SELECT village FROM children WHERE id_number = '" + girl + "'") == "320324102002");
  CHECK(f.text("SELECT birth_date FROM children WHERE id_number = '" + girl + "'") == "2016-07-01");
  // The orphan's mother, dead, name unknown: recorded as 不详, and said so.
  CHECK(f.count("SELECT count(*) FROM relatives WHERE name = '不详' AND relation = 'mother' AND status = 'dead'") == 1);
  REQUIRE(report->warnings.size() == 1);
  CHECK(report->warnings[0].line == 4);
  CHECK(report->warnings[0].column == "母亲姓名");
  CHECK(report->warnings[0].message.find("不详") != std::string::npos);

  const auto notes = report->reading_notes();
  REQUIRE(notes.size() == 4);
  CHECK(notes[0] == "编码：GB18030/GBK；表头在第 3 行");
  CHECK(notes[3] == "忽略不属于台账的列：序号、备注");
}

TEST_CASE("Import: UTF-8 with or without BOM says so, and bytes in neither encoding are refused", "[ledger]") {
  const std::string body = "姓名,身份证号,村居代码\n张三," + id_for("320324", Date(2014, 3, 15), 11) + ",320324102203\n";
  {
    Fixture f;
    ImportOptions dry;
    dry.dry_run = true;
    auto plain = import_ledger(*f.station, body, dry);
    REQUIRE(plain);
    CHECK(plain->encoding == "UTF-8");
    CHECK(plain->header_line == 1);
    auto bom = import_ledger(*f.station, "\xEF\xBB\xBF" + body, dry);
    REQUIRE(bom);
    CHECK(bom->encoding == "UTF-8（带 BOM）");
  }
  Fixture f;
  // 0xFF is no byte of UTF-8 or of GB18030.
  auto neither = import_ledger(*f.station, "姓名,村居代码\n\xFF\xFF,320324102203\n", {});
  REQUIRE_FALSE(neither);
  CHECK(neither.status().field() == "file");
  CHECK(neither.status().message().find("第 2 行") != std::string::npos);
  CHECK(neither.status().message().find("GB18030") != std::string::npos);
  // A title and nothing that names a column: no header found.
  auto no_header = import_ledger(*f.station, "王集镇困境儿童台账\n张三,320324102203\n", {});
  REQUIRE_FALSE(no_header);
  CHECK(no_header.status().field() == "column");
  CHECK(f.count("SELECT count(*) FROM children") == 0);
}

TEST_CASE("Import: Excel's scientific notation and unknown or ambiguous village names are row problems", "[ledger]") {
  Fixture f;
  const std::string csv = "姓名,身份证号,村居代码,父亲姓名,父亲状态,父亲身份证号\n"
                          "张三,3.20324E+17,320324102203,,,\n"
                          "李四," + id_for("320324", Date(2014, 3, 16), 13) + ",大昊村,,,\n"
                          "王五," + id_for("320324", Date(2014, 3, 17), 15) + ",320324102203,王大,在家,3.20324E+17\n"
                          "赵六," + id_for("320324", Date(2014, 3, 18), 17) + ",3203 2410 2203,,,\n";
  auto report = import_ledger(*f.station, csv, {});
  REQUIRE(report);
  CHECK_FALSE(report->written);
  REQUIRE(report->problems.size() == 3);
  CHECK(report->problems[0].line == 2);
  CHECK(report->problems[0].column == "身份证号");
  CHECK(report->problems[0].reason ==
        "“3.20324E+17”：Excel 把身份证号变成了科学计数法，请把该列设为文本后重新保存");
  CHECK(report->problems[1].line == 3);
  CHECK(report->problems[1].column == "村居代码");
  CHECK(report->problems[1].reason ==
        "王集镇没有名为“大昊村”的村(居)；相近的有：大王集社区居委会（320324102001）、大吴村委会（320324102203）、"
        "大营村委会（320324102207）");
  CHECK(report->problems[2].line == 4);
  CHECK(report->problems[2].column == "父亲身份证号");
  // Line 5: the code with spaces in it is read as the code.
  CHECK(f.count("SELECT count(*) FROM children") == 0);
}

TEST_CASE("Import: a village code the table lacks imports with a warning on its column", "[ledger]") {
  Fixture f;
  const std::string csv =
      "姓名,身份证号,村居代码\n张三," + id_for("320324", Date(2014, 3, 15), 11) + ",320324102209\n";
  auto report = import_ledger(*f.station, csv, {});
  REQUIRE(report);
  REQUIRE(report->problems.empty());
  CHECK(report->written);
  REQUIRE(report->warnings.size() == 1);
  CHECK(report->warnings[0].column == "村居代码");
  CHECK(report->warnings[0].message.find("320324102209") != std::string::npos);
}

TEST_CASE("Import --partial: good rows written, bad ones in a corrections file, turned 16 only a warning", "[ledger]") {
  Fixture f;
  const std::string good = id_for("320324", Date(2014, 3, 15), 11);
  const std::string sixteen = id_for("320324", Date(2010, 11, 28), 13);  // 16 today: 留守 has ended
  const std::string csv = "序号,姓名,身份证号,村居代码,类别\n"
                          "1,张三," + good + ",大吴村,留守儿童\n"
                          "2,李四,3.20324E+17,大吴村,低保\n"
                          "3,王五," + sixteen + ",320324102204,留守儿童、低保\n"
                          "4,赵六," + id_for("320324", Date(2015, 1, 1), 15) + ",大昊村,低保\n";
  ImportOptions options;
  options.partial = true;
  auto report = import_ledger(*f.station, csv, options);
  REQUIRE(report);
  CHECK(report->written);
  CHECK(report->partial);
  CHECK(report->rows == 4);
  CHECK(report->children == 2);
  CHECK(report->rows_left_out == 2);
  CHECK(f.count("SELECT count(*) FROM children") == 2);
  // 王五 is registered as 低保 only; 留守 ended at 16 is a warning on the categories column.
  CHECK(f.count("SELECT count(*) FROM memberships m JOIN children c ON c.id = m.child_id WHERE c.name = '王五'") == 1);
  CHECK(f.count("SELECT count(*) FROM memberships m JOIN children c ON c.id = m.child_id WHERE c.name = '王五'"
                " AND m.category = 'LOW_INCOME'") == 1);
  REQUIRE(report->warnings.size() == 1);
  CHECK(report->warnings[0].line == 4);
  CHECK(report->warnings[0].column == "类别");
  CHECK(report->warnings[0].message.find("未登记该类别") != std::string::npos);
  CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'ledger.import'") == 1);

  // The corrections: the header as written plus 问题, the two bad rows as they were, every reason.
  auto rows = parse_csv(report->corrections);
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  CHECK(report->corrections.substr(0, 3) == "\xEF\xBB\xBF");
  CHECK(rows->at(0).cells == std::vector<std::string>{"序号", "姓名", "身份证号", "村居代码", "类别", "问题"});
  CHECK(rows->at(1).cells[1] == "李四");
  CHECK(rows->at(1).cells[5] == "身份证号：“3.20324E+17”：Excel 把身份证号变成了科学计数法，请把该列设为文本后重新保存");
  CHECK(rows->at(2).cells[1] == "赵六");
  CHECK(rows->at(2).cells[5].find("村居代码：王集镇没有名为“大昊村”的村(居)") == 0);

  // Corrected, the file imports again: 问题 is not a ledger column and is ignored.
  std::string corrected = report->corrections;
  corrected.replace(corrected.find("3.20324E+17"), 11, id_for("320324", Date(2014, 5, 5), 17));
  corrected.replace(corrected.find(",大昊村,"), std::string(",大昊村,").size(), ",大营村,");
  auto again = import_ledger(*f.station, corrected, {});
  REQUIRE(again);
  INFO((again->problems.empty() ? std::string() : again->problems.front().reason));
  CHECK(again->written);
  CHECK(again->ignored_columns == std::vector<std::string>{"序号", "问题"});
  CHECK(f.count("SELECT count(*) FROM children") == 4);
}

TEST_CASE("Import: without --partial a child who turned 16 still blocks the ledger", "[ledger]") {
  Fixture f;
  const std::string csv = "姓名,身份证号,村居代码,类别\n张三," + id_for("320324", Date(2014, 3, 15), 11) +
                          ",大吴村,低保\n王五," + id_for("320324", Date(2010, 11, 28), 13) + ",大吴村,留守儿童\n";
  auto report = import_ledger(*f.station, csv, {});
  REQUIRE(report);
  CHECK_FALSE(report->written);
  REQUIRE(report->problems.size() == 1);
  CHECK(report->problems[0].column == "类别");
  CHECK(report->corrections.empty());
  CHECK(f.count("SELECT count(*) FROM children") == 0);
}

TEST_CASE("Import --update: changed cells become edits, unchanged rows are skipped, new rows registered", "[ledger]") {
  Fixture f;
  const std::string a = id_for("320324", Date(2014, 3, 15), 11), b = id_for("320324", Date(2015, 4, 1), 13),
                    c = id_for("320324", Date(2016, 5, 2), 15);
  const std::string header = "姓名,身份证号,村居代码,学校,类别\n";
  REQUIRE(import_ledger(*f.station, header + "张三," + a + ",大吴村,王集镇中心小学,低保\n李四," + b +
                                        ",大吴村,王集镇中心小学,低保\n", {})->written);
  const std::int64_t outbox_before = f.count("SELECT count(*) FROM outbox");
  const std::string next_month = header + "张三," + a + ",大吴村,王集镇中心小学,低保\n李四," + b +
                                 ",田河村,王集镇第二小学,低保\n王五," + c + ",大吴村,,孤儿\n";
  // Without --update the month's ledger is refused: two rows are already registered.
  auto plain = import_ledger(*f.station, next_month, {});
  REQUIRE(plain);
  CHECK_FALSE(plain->written);
  CHECK(plain->problems.size() == 2);

  ImportOptions update;
  update.update = true;
  auto report = import_ledger(*f.station, next_month, update);
  REQUIRE(report);
  REQUIRE(report->problems.empty());
  CHECK(report->written);
  CHECK(report->unchanged == 1);
  CHECK(report->updated == 1);
  CHECK(report->children == 1);
  CHECK(f.count("SELECT count(*) FROM children") == 3);
  CHECK(f.text("SELECT school FROM children WHERE id_number = '" + b + "'") == "王集镇第二小学");
  CHECK(f.text("SELECT village FROM children WHERE id_number = '" + b + "'") == "320324102204");
  // One edit of 李四 (both changed fields in one change), then 王五: the file and one membership.
  CHECK(f.count("SELECT count(*) FROM outbox") - outbox_before == 1 + 1 + 1);
  CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'ledger.import'") == 2);
}

TEST_CASE("Export then import --update changes nothing, with full or masked ID numbers", "[ledger]") {
  Fixture f;
  const std::string csv = "姓名,身份证号,民族,村居代码,现住址,学校,就学情况,是否寄宿,类别,父亲姓名,父亲状态,父亲务工地点,"
                          "母亲姓名,母亲状态,母亲务工地点,监护人姓名,监护人关系,监护人电话,监护能力\n"
                          "张三," + id_for("320324", Date(2014, 3, 15), 11) + ",汉族,大吴村,王集镇大吴村3组,王集镇中心小学,在校,"
                          "否,留守儿童、低保,张大,外出务工,上海市,李梅,外出务工,苏州市,王奶奶,祖母,13800000000,有监护能力\n"
                          "李四," + id_for("320324", Date(2012, 4, 1), 13) + ",回族,庄楼社区,,,,,孤儿,不详,死亡,,,死亡,,李爷爷,祖父,,"
                          "监护能力弱\n";
  auto first = import_ledger(*f.station, csv, {});
  REQUIRE(first);
  INFO((first->problems.empty() ? std::string() : first->problems.front().reason));
  REQUIRE(first->written);
  const std::int64_t outbox_before = f.count("SELECT count(*) FROM outbox");
  for (bool full_id : {true, false}) {
    INFO("full_id " << full_id);
    auto exported = export_children(*f.station, {ExportFormat::Csv, full_id, false});
    REQUIRE(exported);
    // Full ID numbers as ="…" cells, which Excel keeps as text.
    if (full_id) CHECK(exported->content.find("\"=\"\"" + id_for("320324", Date(2014, 3, 15), 11) + "\"\"\"") != std::string::npos);
    ImportOptions update;
    update.update = true;
    auto again = import_ledger(*f.station, exported->content, update);
    REQUIRE(again);
    INFO((again->problems.empty() ? std::string() : again->problems.front().reason));
    CHECK(again->problems.empty());
    CHECK(again->unchanged == 2);
    CHECK(again->updated == 0);
    CHECK(again->children == 0);
    CHECK_FALSE(again->written);
  }
  CHECK(f.count("SELECT count(*) FROM children") == 2);
  CHECK(f.count("SELECT count(*) FROM outbox") == outbox_before);
  // The updates wrote nothing: no import of theirs was audited (only the first one), only the exports were.
  CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'ledger.import'") == 1);
  CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'ledger.export'") == 2);
}
