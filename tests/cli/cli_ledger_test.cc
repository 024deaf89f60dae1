// `tongdang import` and `tongdang export` run as a supervisor and a director run them: exit codes 0/2/3/4, the
// JSON report, masking, the fixture ledger of the demo.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "support/ledger_fixture.h"

using nlohmann::json;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;

namespace {

using tongdang::test::as_gb18030;

const std::string kFixtureLedger = std::string(TONGDANG_SOURCE_DIR) + "/fixtures/ledgers/wangji-2026.csv";

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

void init_station(const Tongdang& tongdang) {
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(tongdang({"user", "add", "王强", "--role", "director", "--villages", "320324102203,320324102204"}).exit_code == 0);
  REQUIRE(tongdang.login().exit_code == 0);  // the supervisor's commands use a session (cli_harness.h)
}

}  // namespace

TEST_CASE("CLI: a GBK ledger with a title and village names imports, says how it was read, lists names", "[cli][ledger]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  write_file(dir.file("wps.csv"), as_gb18030("王集镇困境儿童台账（2026年11月）,,,\r\n"
                                             "序号,姓名,身份证号,村居代码,备注\r\n"
                                             "1,张小明,'32032420140315012X,大吴村,\r\n"));
  auto imported = tongdang({"import", "wps.csv"});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out.find("编码：GB18030/GBK；表头在第 2 行") != std::string::npos);
  CHECK(imported.out.find("跳过表头上方第 1 行：王集镇困境儿童台账（2026年11月）") != std::string::npos);
  CHECK(imported.out.find("忽略不属于台账的列：序号、备注") != std::string::npos);
  CHECK(imported.out.find("已导入 1 名儿童") != std::string::npos);
  // The list shows the village's name; the JSON keeps the code.
  auto list = tongdang({"child", "list"});
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("大吴村") != std::string::npos);
  CHECK(list.out.find("320324102203") == std::string::npos);
  CHECK(json::parse(tongdang({"--json", "child", "list"}).out)[0]["village"] == "320324102203");
  auto card = tongdang({"child", "show", json::parse(tongdang({"--json", "child", "list"}).out)[0]["id"].get<std::string>()});
  CHECK(card.out.find("大吴村（320324102203）") != std::string::npos);
}

TEST_CASE("CLI: the demo's fixture ledger imports and lists 60 children", "[cli][ledger]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  auto dry = tongdang({"--json", "import", "--dry-run", kFixtureLedger});
  REQUIRE(dry.exit_code == 0);
  CHECK(json::parse(dry.out)["children"] == 60);
  CHECK(json::parse(tongdang({"--json", "child", "list"}).out).empty());

  auto imported = tongdang({"--json", "import", kFixtureLedger});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  json report = json::parse(imported.out);
  CHECK(report["written"] == true);
  CHECK(report["rows"] == 60);
  CHECK(report["child_ids"].size() == 60);
  json children = json::parse(tongdang({"--json", "child", "list"}).out);
  CHECK(children.size() == 60);
  // Every ID number shown masked, every child in one of the township's villages, at least one category each.
  for (const auto& child : children) {
    CHECK(child["id_number"].get<std::string>().find("********") == 6);
    CHECK(child["village"].get<std::string>().substr(0, 9) == "320324102");
    CHECK_FALSE(child["categories"].empty());
  }
  // A director sees only their two villages.
  json own = json::parse(tongdang({"--as", "王强", "--json", "child", "list"}).out);
  CHECK(own.size() < 60);
  for (const auto& child : own) {
    std::string village = child["village"];
    CHECK((village == "320324102203" || village == "320324102204"));
  }
  // The short ids of the printed list tell the children apart and open their files (ids made in one import share
  // their first 13 characters).
  auto table = tongdang({"child", "list"});
  REQUIRE(table.exit_code == 0);
  std::istringstream lines(table.out);
  std::string line;
  std::set<std::string> short_ids;
  int row = 0;
  while (std::getline(lines, line))
    if (++row > 2 && line.find(' ') != std::string::npos && line.find("********") != std::string::npos)
      short_ids.insert(line.substr(0, line.find(' ')));
  CHECK(short_ids.size() == 60);
  CHECK(tongdang({"child", "show", *short_ids.begin()}).exit_code == 0);
  // Importing it again: every row is already on the station, exit 2, nothing more written.
  auto again = tongdang({"--json", "import", kFixtureLedger});
  CHECK(again.exit_code == 2);
  CHECK(json::parse(again.out)["problems"].size() == 60);
  CHECK(json::parse(tongdang({"--json", "child", "list"}).out).size() == 60);
}

TEST_CASE("CLI: a ledger with bad rows exits 2 and reports lines and columns", "[cli][ledger]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  write_file(dir.file("bad.csv"), "name,id_number,village,categories\r\n"
                                  "张小明,32032420140315012X,320324102203,LEFT_BEHIND\r\n"
                                  "李四,320324201403150121,320324102203,\r\n"
                                  "王五,321281201202281230,320324102203,NOT_A_CATEGORY\r\n");
  auto human = tongdang({"--lang", "en", "import", "bad.csv"});
  CHECK(human.exit_code == 2);
  CHECK(human.out.find("nothing was imported") != std::string::npos);
  CHECK(human.out.find("id_number") != std::string::npos);

  auto machine = tongdang({"--json", "import", "bad.csv"});
  CHECK(machine.exit_code == 2);
  json report = json::parse(machine.out);
  REQUIRE(report["problems"].size() == 2);
  CHECK(report["problems"][0]["line"] == 3);
  CHECK(report["problems"][0]["column"] == "id_number");
  CHECK(report["problems"][1]["line"] == 4);
  CHECK(report["problems"][1]["column"] == "categories");
  CHECK(json::parse(tongdang({"--json", "child", "list"}).out).empty());
}

TEST_CASE("CLI: empty, wrongly encoded and missing ledgers", "[cli][ledger]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  write_file(dir.file("empty.csv"), "");
  auto empty = tongdang({"import", "empty.csv"});
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("空") != std::string::npos);
  CHECK(empty.out.empty());

  // Neither UTF-8 nor GB18030 (0xFF is a byte of neither).
  write_file(dir.file("bad.csv"), "name,village\n\xFF\xFF,320324102203\n");
  auto bad = tongdang({"--lang", "en", "import", "bad.csv"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("neither UTF-8 nor GB18030/GBK") != std::string::npos);

  CHECK(tongdang({"import", "no-such-file.csv"}).exit_code == 4);
  CHECK(tongdang({"import"}).exit_code == 2);  // usage
}

TEST_CASE("CLI: export masks ID numbers, and full numbers for a supervisor only", "[cli][ledger]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  REQUIRE(tongdang({"child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                    "320324102203", "--category", "LEFT_BEHIND"})
              .exit_code == 0);

  auto csv = tongdang({"--lang", "zh", "export"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.substr(0, 3) == "\xEF\xBB\xBF");
  CHECK(csv.out.find("姓名") != std::string::npos);
  CHECK(csv.out.find("320324********012X") != std::string::npos);
  CHECK(csv.out.find("32032420140315012X") == std::string::npos);

  auto english = tongdang({"--lang", "en", "export", "--format", "csv"});
  CHECK(english.out.find("name,id_number") != std::string::npos);

  auto as_json = tongdang({"--json", "export"});
  REQUIRE(as_json.exit_code == 0);
  json children = json::parse(as_json.out);
  REQUIRE(children.size() == 1);
  CHECK(children[0]["id_number"] == "320324********012X");

  auto full = tongdang({"--json", "export", "--full-id"});
  REQUIRE(full.exit_code == 0);
  CHECK(json::parse(full.out)[0]["id_number"] == "32032420140315012X");

  auto director = tongdang({"--as", "王强", "export", "--full-id"});
  CHECK(director.exit_code == 3);
  CHECK(director.out.empty());
  CHECK(tongdang({"--as", "王强", "export"}).exit_code == 0);
  // An unknown name signs in as nobody: the same answer as a wrong password (exit 5), nothing exported.
  CHECK(tongdang({"--as", "nobody", "export"}).exit_code == 5);

  auto to_file = tongdang({"export", "--out", "children.csv"});
  REQUIRE(to_file.exit_code == 0);
  struct stat info{};
  REQUIRE(::stat(dir.file("children.csv").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  // Never overwritten.
  CHECK(tongdang({"export", "--out", "children.csv"}).exit_code == 3);
}

TEST_CASE("CLI: export --format xlsx writes a private workbook that import --update reads back unchanged", "[cli][ledger][xlsx]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  REQUIRE(tongdang({"child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                    "320324102203", "--category", "LEFT_BEHIND"})
              .exit_code == 0);

  auto exported = tongdang({"export", "--format", "xlsx", "--full-id", "--out", "children.xlsx"});
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out == "已导出 1 名儿童到 children.xlsx\n");
  struct stat info{};
  REQUIRE(::stat(dir.file("children.xlsx").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::ifstream file(dir.file("children.xlsx"), std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  CHECK(bytes.str().substr(0, 2) == "PK");  // a zip: the workbook, not text

  auto again = tongdang({"--json", "import", dir.file("children.xlsx"), "--update"});
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  json report = json::parse(again.out);
  CHECK(report["unchanged"] == 1);
  CHECK(report["updated"] == 0);
  CHECK(report["children"] == 0);
  CHECK(report["problems"].empty());

  // To standard output as well (piped into a file by the user); a refused one leaves no file behind.
  auto piped = tongdang({"export", "--format", "xlsx"});
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out.substr(0, 2) == "PK");
  CHECK(tongdang({"--as", "王强", "export", "--format", "xlsx", "--full-id", "--out", "refused.xlsx"}).exit_code == 3);
  CHECK_FALSE(std::ifstream(dir.file("refused.xlsx")).good());
}
