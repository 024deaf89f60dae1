// The ledger export as Excel users get it back (issue 13): an .xlsx workbook with text cells, Chinese headers, a
// frozen header row and widths that fit, read back by Debian's python3-openpyxl and imported again with --update;
// the streamed JSON and CSV exports, identical to what the whole list would have given.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/base/i18n.h"
#include "core/ledger/ledger.h"
#include "core/store/station.h"
#include "core/workflow/children.h"
#include "support/cli_harness.h"
#include "support/ledger_fixture.h"

using namespace tongdang;
using nlohmann::json;
using test::id_for;

namespace {

struct Fixture : test::LedgerStation {
  Fixture() { i18n::set_language(i18n::Lang::Zh); }
};

// Two children as a township keeps them: a family with a guardian grandmother, an orphan whose parents are dead.
std::string two_children_csv() {
  return "姓名,身份证号,民族,村居代码,现住址,学校,就学情况,是否寄宿,类别,父亲姓名,父亲状态,父亲务工地点,"
         "母亲姓名,母亲状态,母亲务工地点,监护人姓名,监护人关系,监护人电话,监护能力\n"
         "张三," + id_for("320324", Date(2014, 3, 15), 11) + ",汉族,大吴村,王集镇大吴村3组,王集镇中心小学,在校,"
         "否,留守儿童、低保,张大,外出务工,上海市,李梅,外出务工,苏州市,王奶奶,祖母,13800000000,有监护能力\n"
         "李四," + id_for("320324", Date(2012, 4, 1), 13) + ",回族,庄楼社区,,,,,孤儿,不详,死亡,,,死亡,,李爷爷,祖父,,"
         "监护能力弱\n";
}

// Runs a python3 script (Debian's interpreter, which has python3-openpyxl) and returns what it printed.
std::string run_python(const test::ScratchDir& dir, const std::string& name, const std::string& script) {
  const std::string path = dir.file(name + ".py"), out = dir.file(name + ".out"), err = dir.file(name + ".err");
  std::ofstream(path) << script;
  const std::string python = std::ifstream("/usr/bin/python3").good() ? "/usr/bin/python3" : "python3";
  const int status = std::system((python + " " + path + " > " + out + " 2> " + err).c_str());
  std::stringstream printed, why;
  printed << std::ifstream(out).rdbuf();
  why << std::ifstream(err).rdbuf();
  INFO("python3-openpyxl is needed: apt-get install -y python3-openpyxl (scripts/install-deps.sh --with-test-tools); "
       << why.str());
  REQUIRE(status == 0);
  return printed.str();
}

}  // namespace

TEST_CASE("Export xlsx: text cells, Chinese headers, a frozen header and widths that fit, as openpyxl reads it", "[ledger][xlsx]") {
  Fixture f;
  auto first = import_ledger(*f.station, two_children_csv(), {});
  REQUIRE(first);
  REQUIRE(first->written);
  auto exported = export_children(*f.station, {ExportFormat::Xlsx, true, false});
  REQUIRE(exported);
  CHECK(exported->children == 2);
  REQUIRE(looks_like_xlsx(exported->content));
  const std::string path = f.dir.file("export.xlsx");
  std::ofstream(path, std::ios::binary) << exported->content;

  const json seen = json::parse(run_python(f.dir, "read", fmt::format(R"PY(
import json, openpyxl
wb = openpyxl.load_workbook('{}')
ws = wb.active
rows = [[c.value for c in row] for row in ws.iter_rows()]
types = sorted({{c.data_type for row in ws.iter_rows(min_row=2) for c in row if c.value is not None}})
widths = {{k: v.width for k, v in ws.column_dimensions.items()}}
print(json.dumps({{'title': ws.title, 'freeze': ws.freeze_panes, 'rows': rows, 'types': types, 'widths': widths,
                  'bold': ws['A1'].font.b, 'text_format': ws['C2'].number_format}}, ensure_ascii=False))
)PY", path)));
  CHECK(seen["title"] == "台账");
  CHECK(seen["freeze"] == "A2");  // the header row stays in view
  CHECK(seen["bold"] == true);
  CHECK(seen["text_format"] == "@");
  const json& rows = seen["rows"];
  REQUIRE(rows.size() == 3);
  const json& header = rows[0];
  CHECK(header[0] == "编号");
  CHECK(header[1] == "姓名");
  CHECK(header[2] == "身份证号");
  // Every cell a string: the ID numbers keep all 18 digits and the village codes all 12.
  CHECK(seen["types"] == json::array({"s"}));
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return i;
    FAIL("no column " << name);
    return std::size_t{0};
  };
  // By village, then name (list_children's order): 李四 of 庄楼社区 (…002) before 张三 of 大吴村 (…203).
  CHECK(rows[1][column("姓名")] == "李四");
  CHECK(rows[1][column("身份证号")] == id_for("320324", Date(2012, 4, 1), 13));
  CHECK(rows[1][column("村居代码")] == "320324102002");
  CHECK(rows[2][column("身份证号")] == id_for("320324", Date(2014, 3, 15), 11));
  CHECK(rows[2][column("村居代码")] == "320324102203");
  CHECK(rows[2][column("类别")] == "留守儿童、低保/特困家庭儿童");  // as export labels them
  // Widths (libxlsxwriter adds Excel's 0.71 of padding): the 18-character ID number 18 + 2, 王集镇大吴村3组 (7 CJK
  // characters and a digit) 15 + 2, a column of 2-character values and a 2-character header (汉族, 民族: 4) the
  // least width 6 + 2, 编号 (a 36-character UUID) 36 + 2.
  auto width = [&](std::size_t i) { return seen["widths"][std::string(1, static_cast<char>('A' + i))].get<double>(); };
  CHECK(width(column("身份证号")) == Approx(20.71).margin(0.01));
  CHECK(width(column("现住址")) == Approx(17.71).margin(0.01));
  CHECK(width(column("民族")) == Approx(8.71).margin(0.01));
  CHECK(width(0) == Approx(38.71).margin(0.01));
}

TEST_CASE("Export xlsx then import --update changes nothing, with full or masked ID numbers", "[ledger][xlsx]") {
  Fixture f;
  auto first = import_ledger(*f.station, two_children_csv(), {});
  REQUIRE(first);
  REQUIRE(first->written);
  const std::int64_t outbox_before = f.count("SELECT count(*) FROM outbox");
  for (bool full_id : {true, false}) {
    INFO("full_id " << full_id);
    auto exported = export_children(*f.station, {ExportFormat::Xlsx, full_id, false});
    REQUIRE(exported);
    ImportOptions update;
    update.update = true;
    auto again = import_ledger(*f.station, exported->content, update);
    REQUIRE(again);
    INFO((again->problems.empty() ? std::string() : again->problems.front().reason));
    CHECK(again->problems.empty());
    CHECK(again->encoding == "Excel 工作簿（.xlsx），工作表“台账”");
    CHECK(again->rows == 2);
    CHECK(again->unchanged == 2);
    CHECK(again->updated == 0);
    CHECK(again->children == 0);
    CHECK_FALSE(again->written);
  }
  CHECK(f.count("SELECT count(*) FROM children") == 2);
  CHECK(f.count("SELECT count(*) FROM outbox") == outbox_before);
  CHECK(f.count("SELECT count(*) FROM audit WHERE action = 'ledger.export' AND after ->> '$.format' = 'xlsx'") == 2);
}

TEST_CASE("Export streams: the JSON is exactly the whole list's, child by child, an empty one is a header or []", "[ledger]") {
  Fixture f;
  auto imported = import_ledger(*f.station, two_children_csv(), {});
  REQUIRE(imported);
  REQUIRE(imported->written);
  auto listed = list_children(*f.station, {}, false);
  REQUIRE(listed);
  auto as_json = export_children(*f.station, {ExportFormat::Json, false, false});
  REQUIRE(as_json);
  CHECK(as_json->content == json(listed.value()).dump(2) + "\n");

  // An empty scope: an empty array, and a CSV that is only the header.
  for (const auto& id : imported->child_ids) REQUIRE(close_child(*f.station, id, "迁出本县"));
  auto none = export_children(*f.station, {ExportFormat::Json, false, false});
  REQUIRE(none);
  CHECK(none->content == "[]\n");
  CHECK(none->children == 0);
  auto header_only = export_children(*f.station, {ExportFormat::Csv, false, false});
  REQUIRE(header_only);
  CHECK(std::count(header_only->content.begin(), header_only->content.end(), '\n') == 1);
  auto closed_too = export_children(*f.station, {ExportFormat::Xlsx, false, true});
  REQUIRE(closed_too);
  CHECK(closed_too->children == 2);
}
