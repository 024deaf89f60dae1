// .xlsx ledgers read directly (issue 13): real workbooks made in the test's set-up with Debian's python3-openpyxl,
// the way Excel and WPS write them — shared strings, numbers, date cells with Chinese date formats, a title row,
// several sheets, an ID number typed as a number.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/base/i18n.h"
#include "core/ledger/ledger.h"
#include "core/store/station.h"
#include "support/cli_harness.h"
#include "support/ledger_fixture.h"

using namespace tongdang;
using tongdang::test::ScratchDir;

namespace {


// Runs a python3-openpyxl script that writes `path`; fails the test (with the line that installs it) if openpyxl
// is missing.
std::string make_xlsx(const ScratchDir& dir, const std::string& name, const std::string& body) {
  const std::string script = dir.file(name + ".py"), path = dir.file(name);
  std::ofstream(script) << "import datetime, openpyxl\nwb = openpyxl.Workbook()\nws = wb.active\n" << body
                        << "\nwb.save(" << "'" << path << "')\n";
  // Debian's own interpreter, which has python3-openpyxl, rather than another python3 found first on PATH (as
  // tests/CMakeLists.txt does for the browser journeys).
  const std::string python = std::ifstream("/usr/bin/python3").good() ? "/usr/bin/python3" : "python3";
  const int status = std::system((python + " " + script + " 2>" + dir.file(name + ".err")).c_str());
  std::ifstream err(dir.file(name + ".err"));
  std::stringstream why;
  why << err.rdbuf();
  INFO("python3-openpyxl is needed: apt-get install -y python3-openpyxl (scripts/install-deps.sh --with-test-tools); "
       << why.str());
  REQUIRE(status == 0);
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// The supervisor's station, messages in Chinese.
struct Fixture : test::LedgerStation {
  Fixture() { i18n::set_language(i18n::Lang::Zh); }
};

// A township's ledger as staff make it in Excel: a merged title, 序号, the ID column formatted as text, birth dates
// as date cells in a Chinese date format (one a date-time), a phone typed as a number, a second sheet of notes.
const std::string kLedgerSheet = R"PY(
ws.title = '台账'
ws['A1'] = '王集镇困境儿童台账（2026年11月）'
ws.merge_cells('A1:H1')
ws.append(['序号', '姓名', '身份证号', '出生日期', '村居代码', '类别', '联系电话'])
for row, (name, idn, born, village, category, phone) in enumerate([
    ('张小明', '32032420140315012X', datetime.date(2014, 3, 15), '大吴村', '孤儿', 13800000000),
    ('李小红', '320324201607010225', datetime.datetime(2016, 7, 1), '庄楼社区', '低保', 13900000001),
], start=3):
    ws.cell(row=row, column=1, value=row - 2)
    c = ws.cell(row=row, column=2, value=name)
    c = ws.cell(row=row, column=3, value=idn); c.number_format = '@'
    c = ws.cell(row=row, column=4, value=born); c.number_format = 'yyyy"年"m"月"d"日"'
    ws.cell(row=row, column=5, value=village)
    ws.cell(row=row, column=6, value=category)
    ws.cell(row=row, column=7, value=phone)
notes = wb.create_sheet('说明')
notes['A1'] = '本表由王集镇未保站填报'
)PY";

}  // namespace

TEST_CASE("Xlsx: the first sheet of an Excel ledger imports, dates and numbers read as Excel shows them", "[ledger][xlsx]") {
  Fixture f;
  const std::string bytes = make_xlsx(f.dir, "ledger.xlsx", kLedgerSheet);
  REQUIRE(looks_like_xlsx(bytes));
  std::string used;
  auto rows = read_xlsx(bytes, "", used);
  REQUIRE(rows);
  CHECK(used == "台账");
  REQUIRE(rows->size() == 4);
  CHECK(rows->at(0).line == 1);
  CHECK(rows->at(0).cells.at(0) == "王集镇困境儿童台账（2026年11月）");
  CHECK(rows->at(2).line == 3);
  CHECK(rows->at(2).cells == std::vector<std::string>{"1", "张小明", "32032420140315012X", "2014-03-15", "大吴村", "孤儿",
                                                      "13800000000"});

  auto report = import_ledger(*f.station, bytes, {});
  REQUIRE(report);
  INFO((report->problems.empty() ? std::string() : report->problems.front().reason));
  REQUIRE(report->problems.empty());
  CHECK(report->written);
  CHECK(report->encoding == "Excel 工作簿（.xlsx），工作表“台账”");
  CHECK(report->header_line == 2);
  REQUIRE(report->skipped_rows.size() == 1);
  CHECK(report->skipped_rows[0].text == "王集镇困境儿童台账（2026年11月）");
  CHECK(report->ignored_columns == std::vector<std::string>{"序号"});
  CHECK(report->children == 2);
  CHECK(f.text("SELECT village FROM children WHERE name = '张小明'") == "320324102203");
  CHECK(f.text("SELECT birth_date FROM children WHERE name = '李小红'") == "2016-07-01");
  CHECK(f.text("SELECT phone FROM children WHERE name = '张小明'") == "13800000000");
}

TEST_CASE("Xlsx: a sheet by name, an unknown one lists the sheets, a sheet for a CSV is refused", "[ledger][xlsx]") {
  Fixture f;
  const std::string bytes = make_xlsx(f.dir, "two.xlsx", kLedgerSheet);
  std::string used;
  auto notes = read_xlsx(bytes, "说明", used);
  REQUIRE(notes);
  CHECK(used == "说明");
  REQUIRE(notes->size() == 1);
  CHECK(notes->at(0).cells == std::vector<std::string>{"本表由王集镇未保站填报"});

  ImportOptions options;
  options.sheet = "2026年";
  auto missing = import_ledger(*f.station, bytes, options);
  REQUIRE_FALSE(missing);
  CHECK(missing.status().field() == "sheet");
  CHECK(missing.status().message() == "工作簿中没有名为“2026年”的工作表；有：台账、说明");

  auto csv = import_ledger(*f.station, "姓名,村居代码\n张三,320324102203\n", options);
  REQUIRE_FALSE(csv);
  CHECK(csv.status().field() == "sheet");
}

TEST_CASE("Xlsx: an ID number typed as a number is refused with Excel's reason, and a broken zip is not a workbook", "[ledger][xlsx]") {
  Fixture f;
  const std::string bytes = make_xlsx(f.dir, "number.xlsx", R"PY(
ws.append(['姓名', '身份证号', '村居代码', '出生日期'])
ws.append(['张三', 320324201403150128, '320324102203', 41713])
)PY");
  std::string used;
  auto rows = read_xlsx(bytes, "", used);
  REQUIRE(rows);
  CHECK(rows->at(1).cells[1] == "3.20324E+17");
  CHECK(rows->at(1).cells[3] == "41713");  // a plain number, not a date cell: the import reads it as a serial
  auto report = import_ledger(*f.station, bytes, {});
  REQUIRE(report);
  REQUIRE(report->problems.size() == 1);
  CHECK(report->problems[0].line == 2);
  CHECK(report->problems[0].reason == "“3.20324E+17”：Excel 把身份证号变成了科学计数法，请把该列设为文本后重新保存");

  auto broken = import_ledger(*f.station, bytes.substr(0, bytes.size() / 2), {});
  REQUIRE_FALSE(broken);
  CHECK(broken.status().field() == "file");
  CHECK(broken.status().message().find(".xlsx") != std::string::npos);
}
