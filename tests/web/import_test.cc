// /import in process: a ledger uploaded (multipart field `ledger`), checked by core/ledger's dry run, each problem
// shown by row and column with nothing written, and a good ledger checked, then imported in one step.
#include <catch2/catch.hpp>

#include <regex>

#include "support/sync_fixture.h"
#include "support/webops_fixture.h"

using namespace tongdang;
using namespace tongdang::test::webops;

namespace {

const std::string kHeader = "姓名,身份证号,村居代码,类别,监护人姓名,监护人关系,监护人电话\n";

web::Upload ledger(const std::string& csv) { return {"ledger", "王集镇台账.csv", "text/csv", csv}; }

std::string held_of(const std::string& body) {
  std::smatch m;
  REQUIRE(std::regex_search(body, m, std::regex(R"re(name="held" value="([0-9a-f]{64})")re")));
  return m[1];
}

}  // namespace

TEST_CASE("Web import: a ledger with a bad row shows the row and the column and writes nothing", "[web]") {
  Fixture f;
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  web::Response form = browser.get("/import");
  REQUIRE(form.status == 200);
  CHECK(contains(form.body, R"(enctype="multipart/form-data")"));
  CHECK(contains(form.body, R"(name="ledger" type="file")"));
  const std::string csrf = Browser::csrf_of(form.body);

  std::string wrong_check = test::make_id_number("20150601", 21);
  wrong_check.back() = wrong_check.back() == '1' ? '2' : '1';
  const std::string csv = kHeader + "张小明," + test::make_id_number("20140315", 12) +
                          ",320324102203,留守儿童,王奶奶,祖母,13800000000\n" + "<b>王五</b>," + wrong_check +
                          ",320324102203,留守儿童,,,\n";
  const std::int64_t audit = f.count("SELECT count(*) FROM audit");
  for (const std::string step : {"check", "import"}) {
    web::Response checked = browser.post("/import", {{"csrf", csrf}, {"step", step}}, {ledger(csv)});
    CHECK(checked.status == 400);
    CHECK(contains(checked.body, "2 行中有 1 处问题，未导入任何数据"));
    // Row 3 of the file (the header is row 1), the column as the file names it.
    CHECK(contains(checked.body, R"(<tr><td class="line">3</td><td class="column">身份证号</td>)"));
    CHECK_FALSE(contains(checked.body, "<b>王五</b>"));
    CHECK_FALSE(contains(checked.body, R"(name="held")"));
  }
  CHECK(f.count("SELECT count(*) FROM children") == 0);
  CHECK(f.count("SELECT count(*) FROM relatives") == 0);
  CHECK(f.count("SELECT count(*) FROM audit") == audit);
}

TEST_CASE("Web import: a good ledger is checked (nothing written), then imported", "[web]") {
  Fixture f;
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("王强", kDirectorPassword).status == 303);
  const std::string csrf = browser.csrf();
  const std::string csv = kHeader + "张小明," + test::make_id_number("20140315", 12) +
                          ",320324102203,留守儿童,王奶奶,祖母,13800000000\n" + "李小红," +
                          test::make_id_number("20150601", 22) + ",320324102203,留守儿童,,,\n";
  web::Response checked = browser.post("/import", {{"csrf", csrf}, {"step", "check"}}, {ledger(csv)});
  REQUIRE(checked.status == 200);
  CHECK(contains(checked.body, "2 行全部通过检查，可导入 2 名儿童、1 名家庭成员（尚未写入）"));
  // How the file was read comes first: its encoding and the header's line.
  CHECK(contains(checked.body, "<li>编码：UTF-8；表头在第 1 行</li>"));
  CHECK(f.count("SELECT count(*) FROM children") == 0);

  // Another user cannot import what this one checked.
  Browser other{*f.app};
  REQUIRE(other.sign_in("李芳", kSupervisorPassword).status == 303);
  const std::string held = held_of(checked.body);
  web::Response stolen = other.post("/import", {{"csrf", other.csrf()}, {"step", "import"}, {"held", held}});
  CHECK(stolen.status == 400);
  CHECK(f.count("SELECT count(*) FROM children") == 0);

  web::Response imported = browser.post("/import", {{"csrf", csrf}, {"step", "import"}, {"held", held}});
  CHECK(imported.status == 303);
  CHECK(location_of(imported) == "/import?saved=1&children=2&relatives=1");
  CHECK(f.count("SELECT count(*) FROM children") == 2);
  CHECK(f.count("SELECT count(*) FROM relatives") == 1);
  CHECK(contains(browser.get(location_of(imported)).body, "已导入 2 名儿童、1 名家庭成员"));
  // Held once: the same key does not import twice.
  CHECK(browser.post("/import", {{"csrf", csrf}, {"step", "import"}, {"held", held}}).status == 400);
  CHECK(f.count("SELECT count(*) FROM children") == 2);
}

TEST_CASE("Web import: no file, or a file that is not a ledger, is said beside the file field", "[web]") {
  Fixture f;
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  const std::string csrf = browser.csrf();
  web::Response none = browser.post("/import", {{"csrf", csrf}, {"step", "check"}});
  CHECK(none.status == 400);
  CHECK(contains(none.body, "请选择台账文件"));
  web::Response unknown = browser.post("/import", {{"csrf", csrf}, {"step", "check"}},
                                       {ledger("姓名,鞋码\n张三,38\n")});
  CHECK(unknown.status == 400);
  CHECK(contains(unknown.body, "鞋码"));
  CHECK(f.count("SELECT count(*) FROM children") == 0);
}

TEST_CASE("Web import: a GBK ledger with a title and a village by name is read, and says how", "[web]") {
  Fixture f;
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  // 王集镇台账 / 姓名,村居代码,备注 / 张三,大吴村, in GBK (D5C5C8FD is 张三).
  const std::string gbk = std::string("\xCD\xF5\xBC\xAF\xD5\xF2\xCC\xA8\xD5\xCB\r\n") +
                          "\xD0\xD5\xC3\xFB,\xB4\xE5\xBE\xD3\xB4\xFA\xC2\xEB,\xB1\xB8\xD7\xA2\r\n" +
                          "\xD5\xC5\xC8\xFD,\xB4\xF3\xCE\xE2\xB4\xE5,\r\n";
  web::Response checked = browser.post("/import", {{"csrf", browser.csrf()}, {"step", "check"}}, {ledger(gbk)});
  INFO(checked.body);
  CHECK(contains(checked.body, "<li>编码：GB18030/GBK；表头在第 2 行</li>"));
  CHECK(contains(checked.body, "<li>跳过表头上方第 1 行：王集镇台账</li>"));
  CHECK(contains(checked.body, "<li>忽略不属于台账的列：备注</li>"));
}

TEST_CASE("Web import: again as an update, and partial with a corrections file to download", "[web]") {
  Fixture f;
  Browser browser{*f.app};
  REQUIRE(browser.sign_in("李芳", kSupervisorPassword).status == 303);
  const std::string csrf = browser.csrf();
  web::Response form = browser.get("/import");
  CHECK(contains(form.body, R"(name="update" value="1")"));
  CHECK(contains(form.body, R"(name="partial" value="1")"));

  const std::string zhang = test::make_id_number("20140315", 12), li = test::make_id_number("20150601", 22);
  const std::string first = kHeader + "张小明," + zhang + ",320324102203,留守儿童,王奶奶,祖母,13800000000\n";
  REQUIRE(browser.post("/import", {{"csrf", csrf}, {"step", "import"}}, {ledger(first)}).status == 303);
  REQUIRE(f.count("SELECT count(*) FROM children") == 1);

  // A month later: 张小明's row unchanged, 李小红 new. Without 再次导入 the held file is refused row by row.
  const std::string again = first + "李小红," + li + ",320324102203,留守儿童,,,\n";
  web::Response plain = browser.post("/import", {{"csrf", csrf}, {"step", "check"}}, {ledger(again)});
  CHECK(plain.status == 400);
  web::Response checked =
      browser.post("/import", {{"csrf", csrf}, {"step", "check"}, {"update", "1"}}, {ledger(again)});
  INFO(checked.body);
  REQUIRE(checked.status == 200);
  CHECK(contains(checked.body, "再次导入：0 份已有档案有改动，1 份未改动，1 名新儿童。"));
  CHECK(f.count("SELECT count(*) FROM children") == 1);
  // The held ledger keeps its options: importing it is an update too.
  web::Response imported =
      browser.post("/import", {{"csrf", csrf}, {"step", "import"}, {"held", held_of(checked.body)}});
  REQUIRE(imported.status == 303);
  CHECK(location_of(imported) == "/import?saved=1&children=1&relatives=0&updated=0&unchanged=1");
  CHECK(contains(browser.get(location_of(imported)).body, "已有档案：0 份已更新，1 份未改动。"));
  CHECK(f.count("SELECT count(*) FROM children") == 2);

  // Partial: one good row imported, the bad one (a wrong check character) offered as a corrections file.
  std::string wrong = test::make_id_number("20160101", 31);
  wrong.back() = wrong.back() == '1' ? '2' : '1';
  const std::string mixed = kHeader + "王小五," + test::make_id_number("20130909", 41) +
                            ",320324102203,留守儿童,,,\n" + "赵小六," + wrong + ",320324102203,留守儿童,,,\n";
  web::Response partial_check =
      browser.post("/import", {{"csrf", csrf}, {"step", "check"}, {"partial", "1"}}, {ledger(mixed)});
  REQUIRE(partial_check.status == 200);
  CHECK(contains(partial_check.body, "2 行中 1 行有问题"));
  CHECK(contains(partial_check.body, R"(<tr><td class="line">3</td><td class="column">身份证号</td>)"));
  web::Response partial =
      browser.post("/import", {{"csrf", csrf}, {"step", "import"}, {"held", held_of(partial_check.body)}});
  REQUIRE(partial.status == 303);
  CHECK(f.count("SELECT count(*) FROM children") == 3);
  CHECK(f.count("SELECT count(*) FROM children WHERE name = '赵小六'") == 0);
  web::Response saved = browser.get(location_of(partial));
  CHECK(contains(saved.body, "1 行有问题，未导入。"));
  std::smatch m;
  REQUIRE(std::regex_search(saved.body, m, std::regex(R"re(href="(/import/corrections\?key=[0-9a-f]{64})")re")));
  // Only the user who imported may download it, once.
  Browser other{*f.app};
  REQUIRE(other.sign_in("王强", kDirectorPassword).status == 303);
  CHECK(other.get(m[1]).status == 404);
  web::Response corrections = browser.get(m[1]);
  REQUIRE(corrections.status == 200);
  CHECK(corrections.content_type == "text/csv; charset=utf-8");
  CHECK(contains(corrections.body, "赵小六," + wrong));
  CHECK(contains(corrections.body, ",问题\r\n"));
  CHECK_FALSE(contains(corrections.body, "王小五"));
  CHECK(browser.get(m[1]).status == 404);
}
