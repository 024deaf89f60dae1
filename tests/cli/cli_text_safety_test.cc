// Text that is dangerous when shown or exported (docs/security.md, finding 10), through the real `tongdang` binary: a
// name that is a spreadsheet formula, control characters typed or imported, and escapes already in an old database.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/base/csv.h"
#include "core/db/sqlite.h"
#include "core/ledger/ledger.h"
#include "support/cli_harness.h"

using nlohmann::json;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;

namespace {

constexpr const char* kFormula = R"cell(=HYPERLINK("http://x","y"))cell";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

void init_station(const Tongdang& tongdang, const std::string& db) {
  REQUIRE(tongdang({"--db", db, "init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"})
              .exit_code == 0);
}

// The export without its export-only columns (编号, 档案状态, 风险等级, 其他家庭成员), as a user prepares it for an
// import: cells read with parse_csv and written back with the same cell writer.
std::string without_export_only(const std::string& exported) {
  auto records = tongdang::parse_csv(exported);
  REQUIRE(records);
  std::vector<std::size_t> kept;
  const auto& header = records.value()[0].cells;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] != "编号" && header[i] != "档案状态" && header[i] != "风险等级" && header[i] != "其他家庭成员")
      kept.push_back(i);
  std::string out;
  for (const auto& record : records.value()) {
    for (std::size_t k = 0; k < kept.size(); ++k) out += (k ? "," : "") + tongdang::csv_cell(record.cells[kept[k]]);
    out += "\r\n";
  }
  return out;
}

}  // namespace

TEST_CASE("Finding 10: a child named as a spreadsheet formula exports as a text cell and imports back unchanged", "[cli][ledger][text]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang, "a.db");
  REQUIRE(tongdang({"--db", "a.db", "child", "add", "--name", kFormula, "--id-number", "32032420140315012X",
                    "--village", "320324102203", "--category", "LEFT_BEHIND"})
              .exit_code == 0);
  REQUIRE(tongdang({"--db", "a.db", "--lang", "zh", "export", "--full-id", "--out", "children.csv"}).exit_code == 0);
  const std::string exported = slurp(dir.file("children.csv"));
  // Excel reads a cell starting with an apostrophe as text: the formula is never run.
  CHECK(exported.find(R"cell("'=HYPERLINK(""http://x"",""y"")")cell") != std::string::npos);
  CHECK(exported.find(",=") == std::string::npos);
  // The only cells that start with "=" are the full ID numbers written as ="…" so that Excel keeps every digit
  // (core/ledger/export.cc excel_text_cell): a constant of digits and X, never a formula of the user's text.
  const std::regex formula_cell(R"re(,"=([^"]|"")*")re");
  const std::regex id_text_cell(R"re(,"=""[0-9]{17}[0-9X]""")re");
  for (auto it = std::sregex_iterator(exported.begin(), exported.end(), formula_cell); it != std::sregex_iterator();
       ++it)
    CHECK(std::regex_match(it->str(), id_text_cell));

  write_file(dir.file("ledger.csv"), without_export_only(exported));
  init_station(tongdang, "b.db");
  auto imported = tongdang({"--db", "b.db", "--json", "import", "ledger.csv"});
  INFO(imported.out << imported.err);
  REQUIRE(imported.exit_code == 0);
  json children = json::parse(tongdang({"--db", "b.db", "--json", "child", "list"}).out);
  REQUIRE(children.size() == 1);
  CHECK(children[0]["name"] == kFormula);
}

TEST_CASE("Finding 10: a name with an escape or NUL is refused by child add and by a ledger import, naming the field", "[cli][ledger][text]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang, "a.db");
  auto typed = tongdang({"--db", "a.db", "--lang", "zh", "child", "add", "--name", "张\x1b[31m三", "--id-number",
                         "32032420140315012X", "--village", "320324102203", "--category", "LEFT_BEHIND"});
  CHECK(typed.exit_code == 2);
  CHECK(typed.err.find("姓名") != std::string::npos);
  CHECK(typed.err.find("U+001B") != std::string::npos);
  CHECK(typed.err.find('\x1b') == std::string::npos);  // the message itself carries no raw escape
  std::string long_name;
  for (int i = 0; i < 51; ++i) long_name += "张";
  auto too_long = tongdang({"--db", "a.db", "--lang", "zh", "child", "add", "--name", long_name, "--id-number",
                            "32032420140315012X", "--village", "320324102203", "--category", "LEFT_BEHIND"});
  CHECK(too_long.exit_code == 2);
  CHECK(too_long.err.find("最多 50 个字符，输入了 51 个") != std::string::npos);
  CHECK(json::parse(tongdang({"--db", "a.db", "--json", "child", "list"}).out).empty());

  const std::string header = "姓名,身份证号,村居代码,类别\r\n";
  write_file(dir.file("nul.csv"), header + "张" + '\0' + "三,32032420140315012X,320324102203,留守儿童\r\n");
  auto nul = tongdang({"--db", "a.db", "--lang", "zh", "import", "nul.csv"});
  INFO(nul.out << nul.err);
  CHECK(nul.exit_code == 2);
  CHECK(nul.out.find("姓名") != std::string::npos);
  CHECK(nul.out.find("U+0000") != std::string::npos);
  write_file(dir.file("esc.csv"), header + "张\x1b[31m三,32032420140315012X,320324102203,留守儿童\r\n");
  auto esc = tongdang({"--db", "a.db", "--lang", "zh", "import", "esc.csv"});
  CHECK(esc.exit_code == 2);
  CHECK(esc.out.find("U+001B") != std::string::npos);
  CHECK(json::parse(tongdang({"--db", "a.db", "--json", "child", "list"}).out).empty());
}

TEST_CASE("Finding 10: a name with an escape already in an old database prints with no raw escape byte", "[cli][text]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang, "a.db");
  auto added = tongdang({"--db", "a.db", "--json", "child", "add", "--name", "张三", "--id-number",
                         "32032420140315012X", "--village", "320324102203", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  {
    // As an older program (or direct SQL) could have left it.
    tongdang::db::Database db(dir.file("a.db"), tongdang::db::Database::Mode::ReadWrite);
    db.exec("UPDATE children SET name = '张' || char(27) || '[31m' || char(7) || char(155) || '三'");
  }
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"--db", "a.db", "child", "show", child}, {"--db", "a.db", "child", "list"},
        {"--db", "a.db", "--json", "child", "show", child}, {"--db", "a.db", "export"}}) {
    auto shown = tongdang(command);
    INFO(command.back() << ": " << shown.err);
    CHECK(shown.exit_code == 0);
    CHECK(shown.out.find("张") != std::string::npos);
    CHECK(shown.out.find('\x1b') == std::string::npos);
    CHECK(shown.out.find('\x07') == std::string::npos);
    CHECK(shown.out.find("\xc2\x9b") == std::string::npos);
  }
  // The JSON stays JSON and gives back the stored text.
  auto as_json = tongdang({"--db", "a.db", "--json", "child", "show", child});
  CHECK(json::parse(as_json.out)["name"] == "张\x1b[31m\x07\xc2\x9b三");
}
