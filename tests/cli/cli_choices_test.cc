// The CLI speaks Chinese (issue 11): the choices typed as a director types them (入户, 一方外出, 完成, 红, 留守, 奶奶),
// a wrong word refused in the reader's language with the choices listed and nothing written, and help and argument
// errors in Chinese under --lang zh (TONGDANG_LANG, LANG) and in English under --lang en. TONGDANG_NOW is 2026-11-28.
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

using nlohmann::json;
using tongdang::test::RunResult;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;

namespace {

const std::string kChild = "32032420140315012X";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A station with a director (王强, village 320324102203) and one child of that village, left-behind, typed in Chinese.
void init_station(const Tongdang& tongdang) {
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳", "--role", "督导员"})
              .exit_code == 0);
  REQUIRE(tongdang({"user", "add", "王强", "--role", "儿童主任", "--villages", "320324102203"}).exit_code == 0);
  REQUIRE(tongdang({"child", "add", "--name", "张小明", "--id-number", kChild, "--village", "320324102203",
                    "--category", "留守"})
              .exit_code == 0);
}

// How many audit rows the station holds: every write adds at least one, a refused command none.
std::int64_t audit_rows(const Tongdang& tongdang) {
  auto verified = tongdang({"--json", "audit", "verify"});
  REQUIRE(verified.exit_code == 0);
  return json::parse(verified.out)["rows"].get<std::int64_t>();
}

json due_row(const Tongdang& tongdang) {
  auto due = tongdang({"--as", "王强", "--json", "due"});
  REQUIRE(due.exit_code == 0);
  json rows = json::parse(due.out)["rows"];
  REQUIRE(rows.size() == 1);
  return rows[0];
}

}  // namespace

TEST_CASE("CLI choices: roles, categories and relations typed in Chinese are stored as their keys", "[cli][choices]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);

  auto users = json::parse(tongdang({"--json", "user", "list"}).out);
  REQUIRE(users.size() == 2);
  CHECK(users[0]["role"] == "supervisor");  // 督导员
  CHECK(users[1]["role"] == "director");    // 儿童主任

  json child = json::parse(tongdang({"--json", "child", "show", kChild}).out);
  CHECK(child["categories"] == json::array({"LEFT_BEHIND"}));  // 留守
  CHECK(json::parse(tongdang({"--json", "child", "list", "--category", "留守儿童"}).out).size() == 1);
  CHECK(json::parse(tongdang({"--json", "child", "list", "--category", "孤儿"}).out).empty());

  REQUIRE(tongdang({"relative", "add", kChild, "--relation", "奶奶", "--name", "王秀英", "--status", "在家",
                    "--capacity", "有能力", "--is-guardian", "是"})
              .exit_code == 0);
  REQUIRE(tongdang({"relative", "add", kChild, "--relation", "爸爸", "--name", "张大", "--status", "打工", "--place",
                    "江苏省苏州市"})
              .exit_code == 0);
  child = json::parse(tongdang({"--json", "child", "show", kChild}).out);
  REQUIRE(child["relatives"].size() == 2);
  std::set<std::pair<std::string, std::string>> relatives;
  for (const auto& r : child["relatives"])
    relatives.emplace(r["relation"].get<std::string>(), r["status"].get<std::string>());
  CHECK(relatives ==
        std::set<std::pair<std::string, std::string>>{{"grandmother", "present"}, {"father", "working_away"}});
}

TEST_CASE("CLI choices: a visit's kind and key event, a carer, a colour and a care status typed in Chinese",
          "[cli][choices]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);

  // The instrument in Chinese: 一方外出 4 + 一般 5 = 9 → green (0–9).
  auto assessed =
      tongdang({"--as", "王强", "--json", "assess", kChild, "--carer", "一方外出", "--guardianship", "一般"});
  REQUIRE(assessed.exit_code == 0);
  json a = json::parse(assessed.out);
  CHECK(a["score"] == 9);
  CHECK(a["domains"]["G"] == 9);
  CHECK(a["colour"] == "green");

  // A phone call is a contact, not a home visit: only 入户 sets the last home visit.
  REQUIRE(tongdang({"--as", "王强", "visit", "add", kChild, "--date", "2026-11-20", "--kind", "电话"}).exit_code == 0);
  CHECK(due_row(tongdang)["last_home_visit"].is_null());
  auto visited = tongdang({"--as", "王强", "visit", "add", kChild, "--date", "2026-11-21", "--kind", "入户", "--with",
                           "奶奶", "--event", "住院"});
  REQUIRE(visited.exit_code == 0);
  CHECK(has(visited.out, "已登记入户走访（2026-11-21）"));
  json row = due_row(tongdang);
  CHECK(row["last_home_visit"] == "2026-11-21");
  // The key event (住院 → hospitalised) makes a reassessment due 7 days later: 2026-11-28, today.
  bool reassessment = false;
  for (const auto& item : row["items"])
    if (item["what"] == "reassessment") reassessment = item["due"] == "2026-11-28";
  CHECK(reassessment);

  // The colour in Chinese: 红 raises green to red.
  auto raised = tongdang({"--json", "colour", "raise", kChild, "--to", "红", "--reason", "发现独居"});
  REQUIRE(raised.exit_code == 0);
  CHECK(json::parse(raised.out)["colour"] == "red");

  // A care measure in an area and a status typed in Chinese.
  auto measure =
      tongdang({"--json", "care", "add", kChild, "--area", "监护", "--item", "签订监护责任书", "--status", "实施中"});
  REQUIRE(measure.exit_code == 0);
  const std::string measure_id = json::parse(measure.out)["measure_id"];
  REQUIRE(tongdang({"care", "update", measure_id, "--status", "完成", "--outcome", "已签订"}).exit_code == 0);
  json measures = json::parse(tongdang({"--json", "care", "list", kChild}).out);
  REQUIRE(measures.size() == 1);
  CHECK(measures[0]["area"] == "GUARDIANSHIP");
  CHECK(measures[0]["status"] == "done");
  CHECK(has(tongdang({"care", "list", kChild}).out, "已完成"));

  // The English codes still work.
  CHECK(tongdang({"--as", "王强", "visit", "add", kChild, "--date", "2026-11-22", "--kind", "home"}).exit_code == 0);
  CHECK(due_row(tongdang)["last_home_visit"] == "2026-11-22");
}

TEST_CASE("CLI choices: a wrong word is refused with the choices listed, in Chinese or English, and nothing is written",
          "[cli][choices]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  const auto before = audit_rows(tongdang);

  auto letter = tongdang({"--as", "王强", "visit", "add", kChild, "--date", "2026-11-21", "--kind", "信"});
  CHECK(letter.exit_code == 2);
  CHECK(has(letter.err, "错误：--kind：“信”不是可选的走访方式；可选：入户走访、电话联系、视频联系"));
  CHECK(has(letter.err, "tongdang visit add --help"));
  CHECK(letter.out.empty());

  auto english =
      tongdang({"--lang", "en", "--as", "王强", "visit", "add", kChild, "--date", "2026-11-21", "--kind", "letter"});
  CHECK(english.exit_code == 2);
  CHECK(has(english.err,
            "error: --kind: 'letter' is not among the choices for kind of visit: home (home visit), "
            "phone (phone call), video (video call)"));
  CHECK(!has(english.err, "错误"));

  auto status = tongdang({"care", "add", kChild, "--area", "监护", "--item", "签订监护责任书", "--status", "好了"});
  CHECK(status.exit_code == 2);
  CHECK(has(status.err, "“好了”不是可选的措施状态；可选：计划、实施中、已完成、拒绝、无需"));
  auto carer = tongdang({"--as", "王强", "assess", kChild, "--carer", "爷爷"});
  CHECK(carer.exit_code == 2);
  CHECK(has(carer.err, "“爷爷”不是可选的照料情况；可选：父母均在家、父母一方外出"));
  auto colour = tongdang({"colour", "raise", kChild, "--to", "橙", "--reason", "x"});
  CHECK(colour.exit_code == 2);
  CHECK(has(colour.err, "可选：红色、黄色、蓝色、绿色"));  // Jiangsu has no orange
  auto category = tongdang({"child", "category", "add", kChild, "--category", "贫困"});
  CHECK(category.exit_code == 2);
  CHECK(has(category.err, "“贫困”不是可选的类别"));
  // A profile field takes the same words through --set, and is refused the same way.
  auto relation = tongdang({"relative", "add", kChild, "--relation", "邻居", "--name", "赵", "--status", "在家"});
  CHECK(relation.exit_code == 2);
  CHECK(has(relation.err, "“邻居”不是可选的关系"));
  auto schooling = tongdang({"child", "edit", kChild, "--set", "schooling=打工"});
  CHECK(schooling.exit_code == 2);
  CHECK(has(schooling.err, "就学情况 (schooling): “打工”不是可选的就学情况；可选：学前、在校、辍学、未入学、已毕业"));

  CHECK(audit_rows(tongdang) == before);
  CHECK(json::parse(tongdang({"--json", "care", "list", kChild}).out).empty());
  CHECK(due_row(tongdang)["last_home_visit"].is_null());
  // The audit count does move on a write, so an unchanged count means nothing was written.
  REQUIRE(tongdang({"--as", "王强", "visit", "add", kChild, "--date", "2026-11-21", "--kind", "入户"}).exit_code == 0);
  CHECK(audit_rows(tongdang) > before);
}

TEST_CASE("CLI help: Chinese under --lang zh, English under --lang en, from TONGDANG_LANG or LANG otherwise",
          "[cli][help]") {
  ScratchDir dir;
  Tongdang tongdang(dir);

  auto zh = tongdang({"--lang", "zh", "visit", "add", "--help"});
  CHECK(zh.exit_code == 0);
  CHECK(has(zh.out, "用法: tongdang visit add [选项] 儿童"));
  CHECK(has(zh.out, "走访方式（只有入户走访重置走访时钟）"));        // an option's description
  CHECK(has(zh.out, "--kind 入户走访|电话联系|视频联系=入户走访"));  // the choices and the default, as labels
  CHECK(has(zh.out, "显示本帮助并退出"));
  CHECK(!has(zh.out, "Usage"));
  CHECK(!has(zh.out, "REQUIRED"));
  CHECK(!has(zh.out, "Options"));

  auto en = tongdang({"--lang", "en", "visit", "add", "--help"});
  CHECK(en.exit_code == 0);
  CHECK(has(en.out, "Usage: tongdang visit add [OPTIONS] child"));
  CHECK(has(en.out, "kind of visit (only a home visit resets the clock)"));
  CHECK(has(en.out, "--kind home|phone|video=home"));
  CHECK(!has(en.out, "用法"));
  CHECK(!has(en.out, "走访方式"));

  // --lang=… and --lang after the command are read too; the environment decides when no --lang is given.
  CHECK(has(tongdang({"visit", "add", "--help", "--lang=en"}).out, "Usage"));
  CHECK(has(tongdang({"--help"}, {"TONGDANG_LANG=en"}).out, "Usage"));
  CHECK(has(tongdang({"--help"}, {"LANG=en_GB.UTF-8"}).out, "Usage"));
  CHECK(has(tongdang({"--lang", "zh", "--help"}, {"TONGDANG_LANG=en"}).out, "用法"));
  CHECK(has(tongdang({"--help"}, {"TONGDANG_LANG=zh", "LANG=en_US.UTF-8"}).out, "用法"));
  auto top = tongdang({"--help"}, {"LANG=C.UTF-8"});  // Chinese first: only a language asking for English gets it
  CHECK(has(top.out, "子命令:"));
  CHECK(has(top.out, "走访与联系"));
}

TEST_CASE("CLI errors: a missing or unknown argument is told in the reader's language, naming it", "[cli][help]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);

  auto no_date = tongdang({"--lang", "zh", "--as", "王强", "visit", "add", kChild});
  CHECK(no_date.exit_code == 2);
  CHECK(has(no_date.err, "错误：缺少必填项 --date：走访日期（YYYY-MM-DD）"));
  CHECK(!has(no_date.err, "is required"));
  auto no_date_en = tongdang({"--lang", "en", "--as", "王强", "visit", "add", kChild});
  CHECK(no_date_en.exit_code == 2);
  CHECK(has(no_date_en.err, "error: --date is required: date of the visit (YYYY-MM-DD)"));

  auto no_child = tongdang({"visit", "add", "--date", "2026-11-21"});
  CHECK(no_child.exit_code == 2);
  CHECK(has(no_child.err, "缺少必填项 儿童（child）"));

  auto extra = tongdang({"visit", "add", kChild, "--date", "2026-11-21", "--kindd", "入户"});
  CHECK(extra.exit_code == 2);
  CHECK(has(extra.err, "无法识别的参数：--kindd"));
  CHECK(!has(extra.err, "not expected"));

  auto no_value = tongdang({"visit", "add", kChild, "--date"});
  CHECK(no_value.exit_code == 2);
  CHECK(has(no_value.err, "--date 后面缺少取值"));

  auto not_a_number = tongdang({"assess", kChild, "--home-hazards", "两个"});
  CHECK(not_a_number.exit_code == 2);
  CHECK(has(not_a_number.err, "--home-hazards 的值“两个”不对：应为整数"));

  auto both = tongdang({"screen", "review", kChild, "--approve", "--return", "资料不全"});
  CHECK(both.exit_code == 2);
  CHECK(has(both.err, "--approve 与 --return 不能同时使用"));

  auto no_command = tongdang({"visit"});
  CHECK(no_command.exit_code == 2);
  CHECK(has(no_command.err, "“tongdang visit”后面需要一个子命令：add"));
  auto typo = tongdang({"vist"});
  CHECK(typo.exit_code == 2);
  CHECK(has(typo.err, "“vist”不是“tongdang”的子命令"));

  auto limit = tongdang({"audit", "list", "--limit", "0"});
  CHECK(limit.exit_code == 2);
  CHECK(has(limit.err, "--limit：应为 1 到 1000000 的整数"));
  auto format = tongdang({"--lang", "en", "export", "--format", "xls"});
  CHECK(format.exit_code == 2);
  CHECK(has(format.err, "--format: 'xls' is not one of: csv, xlsx, json"));
}

TEST_CASE("CLI help and errors of tongdang-server follow the language too", "[cli][help][server]") {
  ScratchDir dir;
  auto server = [&dir](const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> environment{"LANG=zh_CN.UTF-8"};
    environment.insert(environment.end(), env.begin(), env.end());
    return tongdang::test::run_program(TONGDANG_SERVER_CLI, args, dir.path(), environment);
  };
  auto help = server({"user", "add", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(has(help.out, "用法: tongdang-server user add [选项] 姓名"));
  CHECK(has(help.out, "--role 儿童主任|儿童督导员|县级未保中心|查看者"));
  CHECK(!has(help.out, "Usage"));
  CHECK(has(server({"--help"}, {"TONGDANG_LANG=en"}).out, "Usage: tongdang-server [OPTIONS] SUBCOMMAND"));

  auto missing = server({"--db", "c.db", "station", "add"});
  CHECK(missing.exit_code == 2);
  CHECK(has(missing.err, "缺少必填项 --township：9 位乡镇代码"));
  auto role = server({"--lang", "en", "--db", "c.db", "user", "add", "张", "--role", "boss"});
  CHECK(role.exit_code == 2);
  CHECK(has(role.err, "--role: 'boss' is not among the choices for role"));

  // A role typed in Chinese issues the token (县级 → county).
  REQUIRE(server({"--db", "c.db", "init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  REQUIRE(server({"--db", "c.db", "user", "add", "县中心", "--role", "县级"}).exit_code == 0);
  auto tokens = json::parse(server({"--db", "c.db", "--json", "token", "list"}).out);
  REQUIRE(tokens.size() == 1);
  CHECK(tokens[0]["role"] == "county");
}

TEST_CASE("CLI choices: tongdang choices lists the words each vocabulary accepts", "[cli][choices]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  auto kinds = tongdang({"choices", "走访方式"});
  CHECK(kinds.exit_code == 0);
  CHECK(has(kinds.out, "入户走访"));
  CHECK(has(kinds.out, "入户、上门、家访、走访"));
  CHECK(!has(kinds.out, "红色"));
  auto listed = tongdang({"--json", "choices", "visit_kind"});
  REQUIRE(listed.exit_code == 0);
  json v = json::parse(listed.out);
  REQUIRE(v.size() == 1);
  CHECK(v[0]["zh"] == "走访方式");
  REQUIRE(v[0]["choices"].size() == 3);
  CHECK(
      v[0]["choices"][0] ==
      json(
          {{"key", "home"}, {"zh", "入户走访"}, {"en", "home visit"}, {"synonyms", {"入户", "上门", "家访", "走访"}}}));
  CHECK(json::parse(tongdang({"--json", "choices"}).out).size() == 27);
  auto unknown = tongdang({"choices", "颜色"});
  CHECK(unknown.exit_code == 4);
  CHECK(has(unknown.err, "没有叫“颜色”的词表"));
}
