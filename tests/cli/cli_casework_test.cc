// Issue 12, the casework part, through the real binary: the whole file (`child show`, `child history`,
// `visit list`, a child named by name), the one review queue (`tongdang review`), mandatory reports and referrals,
// closing reasons and reopening, and a lowering that needs evidence. Today is 2026-11-28 (cli_harness.h).
#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"

using nlohmann::json;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;

namespace {

constexpr const char* kVillage = "320324102201";
constexpr const char* kXiaoming = "32032420140315012X";   // 张小明, born 2014-03-15
constexpr const char* kTurning16 = "320324201012100213";  // born 2010-12-10: 16 on 2026-12-10
constexpr const char* kTurning18 = "320324200812150214";  // born 2008-12-15: 18 on 2026-12-15
constexpr const char* kXiaohongA = "320324201405200215";  // two children named 王小红
constexpr const char* kXiaohongB = "320324201405200338";

void init_station(const Tongdang& tongdang) {
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(tongdang({"user", "add", "王强", "--role", "director", "--villages", kVillage}).exit_code == 0);
  REQUIRE(tongdang({"user", "add", "县中心", "--role", "county"}).exit_code == 0);
  REQUIRE(tongdang.login().exit_code == 0);  // the supervisor's commands use a session (cli_harness.h)
}

std::string add_child(const Tongdang& tongdang, const std::string& name, const std::string& id_number,
                      const std::vector<std::string>& categories) {
  std::vector<std::string> args = {"--json", "child", "add", "--name", name, "--id-number", id_number, "--village",
                                   kVillage};
  for (const auto& c : categories) args.insert(args.end(), {"--category", c});
  auto added = tongdang(args);
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  return json::parse(added.out)["id"];
}

json review_items(const Tongdang& tongdang, const std::vector<std::string>& as = {}) {
  std::vector<std::string> args = as;
  args.insert(args.end(), {"--json", "review"});
  auto review = tongdang(args);
  INFO(review.err);
  REQUIRE(review.exit_code == 0);
  return json::parse(review.out)["items"];
}

std::vector<json> items_of(const json& items, const std::string& kind) {
  std::vector<json> out;
  for (const auto& i : items)
    if (i["kind"] == kind) out.push_back(i);
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& word) {
  std::size_t n = 0;
  for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("CLI casework: child show prints the whole file, history and visit list, a name works when unique",
          "[cli][casework]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  const std::string child = add_child(tongdang, "张小明", kXiaoming, {"LEFT_BEHIND"});
  REQUIRE(tongdang({"relative", "add", child, "--relation", "祖母", "--name", "王秀英", "--status", "在家", "--phone",
                    "13900001111"}).exit_code == 0);
  // 8 (both away, a capable relative) + 6 (a dibao household) = 14: blue.
  REQUIRE(tongdang({"assess", child, "--carer", "both_away_capable_relative", "--income", "below_1x_or_dibao"})
              .exit_code == 0);
  REQUIRE(tongdang({"--as", "王强", "visit", "add", child, "--date", "2026-11-20", "--kind", "home", "--notes",
                    "祖母照料良好"}).exit_code == 0);
  REQUIRE(tongdang({"--as", "王强", "visit", "add", child, "--date", "2026-11-25", "--kind", "phone"}).exit_code == 0);
  REQUIRE(tongdang({"care", "add", child, "--area", "FAMILY_CONTACT", "--item", "每周与父母视频"}).exit_code == 0);

  auto shown = tongdang({"child", "show", "张小明"});  // by name, unique in scope
  INFO(shown.err);
  REQUIRE(shown.exit_code == 0);
  for (const char* part : {"王秀英", "13900001111", "留守儿童", "蓝色", "2026-11-20", "祖母照料良好", "每周与父母视频",
                           "最近变更"})
    CHECK(shown.out.find(part) != std::string::npos);

  json file = json::parse(tongdang({"--json", "child", "show", child}).out);
  CHECK(file["name"] == "张小明");  // the profile stays at the top level
  CHECK(file["file"]["colour"]["colour"] == "blue");
  CHECK(file["file"]["state"]["last_home_visit"] == "2026-11-20");
  CHECK(file["file"]["visits"].size() == 2);
  CHECK(file["file"]["care"].size() == 1);
  CHECK(file["file"]["referrals"].empty());
  CHECK(file["file"]["conflicts"].empty());

  // visit list: every visit, newest first.
  json visits = json::parse(tongdang({"--json", "visit", "list", "张小明"}).out);
  REQUIRE(visits.size() == 2);
  CHECK(visits[0]["visit_on"] == "2026-11-25");
  CHECK(visits[0]["kind"] == "phone");
  CHECK(visits[1]["kind"] == "home");

  // child history: every event and change, who and when.
  json history = json::parse(tongdang({"--json", "child", "history", child}).out);
  std::vector<std::string> what;
  for (const auto& e : history) what.push_back(e["what"]);
  for (const char* kind : {"child.add", "relative.add", "assessment", "visit", "care.add", "membership.add"})
    CHECK(std::count(what.begin(), what.end(), kind) >= 1);
  CHECK(std::count(what.begin(), what.end(), "visit") == 2);
  for (const auto& e : history)
    if (e["what"] == "visit") CHECK(e["actor"] == "王强");
  CHECK(tongdang({"child", "history", child}).out.find("入户走访") != std::string::npos);

  // Two children named 王小红: the name alone is not enough; the matches are listed, nothing is opened.
  add_child(tongdang, "王小红", kXiaohongA, {"LOW_INCOME"});
  add_child(tongdang, "王小红", kXiaohongB, {"LOW_INCOME"});
  auto ambiguous = tongdang({"child", "show", "王小红"});
  CHECK(ambiguous.exit_code == 2);
  CHECK(occurrences(ambiguous.out, "王小红") == 2);
  CHECK(ambiguous.err.find("对应 2 名儿童") != std::string::npos);
  auto part = tongdang({"--json", "child", "show", "小红"});
  CHECK(part.exit_code == 2);
  CHECK(json::parse(part.out)["total"] == 2);
  CHECK(tongdang({"child", "show", "无此人"}).exit_code != 0);
  CHECK(tongdang({"child", "show", kXiaohongB}).exit_code == 0);
}

TEST_CASE("CLI casework: a mandatory report makes the child red at once, referrals in the file and the review queue",
          "[cli][casework]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  const std::string child = add_child(tongdang, "张小明", kXiaoming, {"LEFT_BEHIND"});
  REQUIRE(tongdang({"assess", child, "--carer", "both_away_capable_relative", "--income", "below_1x_or_dibao"})
              .exit_code == 0);

  // Bad input names the field, in Chinese first, and writes nothing.
  auto bad_to = tongdang({"--as", "王强", "referral", "add", child, "--to", "邻居", "--kind", "referral", "--summary", "x"});
  CHECK(bad_to.exit_code == 2);
  auto future = tongdang({"--as", "王强", "referral", "add", child, "--to", "police", "--kind", "mandatory_report",
                          "--date", "2026-12-01", "--summary", "疑似遭受家庭暴力"});
  CHECK(future.exit_code == 2);
  CHECK(future.err.find("晚于今天") != std::string::npos);
  CHECK(json::parse(tongdang({"--json", "child", "show", child}).out)["colour"] == "blue");

  // The director reports suspected abuse to the police (强制报告): red at once, through the colour rule.
  auto reported = tongdang({"--as", "王强", "referral", "add", child, "--to", "公安", "--kind", "强制报告", "--date",
                            "2026-11-27", "--summary", "疑似遭受家庭暴力"});
  INFO(reported.err);
  REQUIRE(reported.exit_code == 0);
  CHECK(reported.out.find("R1") != std::string::npos);
  json file = json::parse(tongdang({"--json", "child", "show", child}).out);
  CHECK(file["colour"] == "red");
  REQUIRE(file["file"]["referrals"].size() == 1);
  const std::string report = file["file"]["referrals"][0]["id"];
  CHECK(file["file"]["referrals"][0]["to"] == "police");
  CHECK(file["file"]["referrals"][0]["kind"] == "mandatory_report");
  CHECK(file["file"]["referrals"][0]["status"] == "handed_over");
  // A referral is not a trigger; the colour history names the report as the raise.
  REQUIRE(tongdang({"referral", "add", child, "--to", "hospital", "--kind", "referral", "--summary", "心理评估"})
              .exit_code == 0);
  json colour = json::parse(tongdang({"--json", "colour", "history", child}).out);
  CHECK(colour["history"].back()["kind"] == "referral.add");
  CHECK(colour["history"].back()["to"] == "red");
  CHECK(colour["history"].size() == 2);

  // Both open referrals wait in the review queue, each with the command to act on it.
  auto referrals = items_of(review_items(tongdang), "referral");
  REQUIRE(referrals.size() == 2);
  CHECK(referrals[0]["command"].get<std::string>().find("tongdang referral update") != std::string::npos);
  auto shown = tongdang({"child", "show", child});
  CHECK(shown.out.find("强制报告") != std::string::npos);
  CHECK(shown.out.find("公安机关") != std::string::npos);

  // Moving it on: accepted, then closed with its outcome; a closed one is not updated again.
  CHECK(tongdang({"referral", "update", report.substr(report.size() - 8), "--status", "已受理"}).exit_code == 0);
  CHECK(tongdang({"referral", "update", report, "--status", "closed", "--outcome", "公安已立案"}).exit_code == 0);
  CHECK(tongdang({"referral", "update", report, "--outcome", "再次"}).exit_code == 3);
  CHECK(tongdang({"referral", "update", report}).exit_code == 2);
  CHECK(items_of(review_items(tongdang), "referral").size() == 1);
  json all = json::parse(tongdang({"--json", "referral", "list", child}).out);
  REQUIRE(all.size() == 2);
  CHECK(all[0]["status"] == "closed");
  CHECK(all[0]["outcome"] == "公安已立案");
  // Closing the report does not lower the colour: that needs a reassessment and the county.
  CHECK(json::parse(tongdang({"--json", "child", "show", child}).out)["colour"] == "red");
}

TEST_CASE("CLI casework: tongdang review lists what waits, each with its command, screen review takes the lead id",
          "[cli][casework]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  // A lead verified into a file by the director waits at the township review.
  auto lead = tongdang({"--as", "王强", "--json", "lead", "add", "--village", kVillage, "--seen", "父母均外出务工"});
  REQUIRE(lead.exit_code == 0);
  const std::string lead_id = json::parse(lead.out)["lead_id"];
  auto verified = tongdang({"--as", "王强", "--json", "screen", "verify", lead_id, "--name", "张小明", "--id-number",
                            kXiaoming, "--category", "LEFT_BEHIND", "--carer", "both_away_capable_relative"});
  INFO(verified.err);
  REQUIRE(verified.exit_code == 0);
  // Children whose categories end at 16 and 18 within 30 days: one keeps a category, one's file closes itself.
  add_child(tongdang, "赵十六", kTurning16, {"LEFT_BEHIND", "LOW_INCOME"});
  add_child(tongdang, "钱十八", kTurning18, {"LOW_INCOME"});
  // A director's lowering waits.
  const std::string yellow = add_child(tongdang, "王小红", kXiaohongA, {"LOW_INCOME"});
  REQUIRE(tongdang({"colour", "raise", yellow, "--to", "yellow", "--reason", "监护不力"}).exit_code == 0);
  REQUIRE(tongdang({"--as", "王强", "colour", "lower", yellow, "--to", "blue", "--reason", "情况好转"}).exit_code == 0);

  json items = review_items(tongdang);
  auto screenings = items_of(items, "screening_review");
  REQUIRE(screenings.size() == 1);
  const std::string command = screenings[0]["command"];
  CHECK(command.find("tongdang screen review " + lead_id.substr(lead_id.size() - 8)) != std::string::npos);
  auto age = items_of(items, "age_limit");
  REQUIRE(age.size() == 1);
  CHECK(age[0]["name"] == "赵十六");
  CHECK(age[0]["since"] == "2026-12-10");
  auto closing = items_of(items, "closing");
  REQUIRE(closing.size() == 1);
  CHECK(closing[0]["name"] == "钱十八");
  CHECK(closing[0]["detail"].get<std::string>().find("2026-12-15") != std::string::npos);
  auto lowerings = items_of(items, "lowering");
  REQUIRE(lowerings.size() == 1);
  CHECK(lowerings[0]["name"] == "王小红");
  CHECK(lowerings[0]["command"].get<std::string>().find("tongdang colour") != std::string::npos);
  // Not yet within 30 days on 2026-11-10: the 16th birthday is 30 days after the 10th of November.
  json earlier = json::parse(tongdang({"--json", "review", "--as-of", "2026-11-09"}).out)["items"];
  CHECK(items_of(earlier, "age_limit").empty());

  // The text view lists the commands.
  auto text = tongdang({"review"});
  CHECK(text.out.find("处理命令") != std::string::npos);
  CHECK(text.out.find("即将到龄结案") != std::string::npos);

  // The lead id `screen pending` shows acts as the child; the screening leaves the review and waits for the county.
  auto reviewed = tongdang({"screen", "review", lead_id.substr(lead_id.size() - 8), "--approve"});
  INFO(reviewed.err);
  CHECK(reviewed.exit_code == 0);
  CHECK(items_of(review_items(tongdang), "screening_review").empty());
  auto confirm = items_of(review_items(tongdang, {"--as", "县中心"}), "screening_confirm");
  REQUIRE(confirm.size() == 1);
  CHECK(confirm[0]["command"].get<std::string>().find("tongdang screen confirm") != std::string::npos);
  CHECK(tongdang({"--as", "县中心", "screen", "confirm", lead_id, "--category", "LEFT_BEHIND"}).exit_code == 0);
  // A director has no review queue.
  CHECK(tongdang({"--as", "王强", "review"}).exit_code == 3);
}

TEST_CASE("CLI casework: closing reasons, a void needs its note, reopening by a supervisor or the county",
          "[cli][casework]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  const std::string child = add_child(tongdang, "张小明", kXiaoming, {"LEFT_BEHIND"});
  auto bad = tongdang({"child", "close", child, "--reason", "搬家了"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("迁出本县") != std::string::npos);  // the refusal lists the reasons
  auto void_alone = tongdang({"child", "close", child, "--reason", "entered_in_error"});
  CHECK(void_alone.exit_code == 2);
  CHECK(void_alone.err.find("误录作废必须写明说明") != std::string::npos);
  CHECK(json::parse(tongdang({"--json", "child", "show", child}).out)["status"] == "open");

  REQUIRE(tongdang({"child", "close", child, "--reason", "误录", "--note", "与另一档案为同一人"}).exit_code == 0);
  json closed = json::parse(tongdang({"--json", "child", "show", child}).out);
  CHECK(closed["status"] == "closed");
  CHECK(closed["closed_reason"] == "entered_in_error");
  CHECK(tongdang({"child", "show", child}).out.find("误录作废") != std::string::npos);
  CHECK(tongdang({"child", "close", child, "--reason", "death"}).exit_code == 3);

  // Reopening: not a director's; a supervisor's with a reason; then the file is in the lists again.
  CHECK(tongdang({"--as", "王强", "child", "reopen", child, "--reason", "录错了结案"}).exit_code == 3);
  CHECK(tongdang({"child", "reopen", child, "--reason", ""}).exit_code == 2);
  REQUIRE(tongdang({"child", "reopen", child, "--reason", "结案有误，儿童仍在本村"}).exit_code == 0);
  CHECK(json::parse(tongdang({"--json", "child", "show", child}).out)["status"] == "open");
  CHECK(json::parse(tongdang({"--json", "child", "list"}).out).size() == 1);
  CHECK(tongdang({"child", "reopen", child, "--reason", "再次"}).exit_code == 3);
  json history = json::parse(tongdang({"--json", "child", "history", child}).out);
  REQUIRE(!history.empty());
  CHECK(history[0]["what"] == "file.reopen");
  CHECK(history[0]["note"] == "结案有误，儿童仍在本村");
  // The county may too; and the other reasons are accepted in Chinese.
  REQUIRE(tongdang({"child", "close", child, "--reason", "不再符合条件"}).exit_code == 0);
  CHECK(tongdang({"--as", "县中心", "child", "reopen", child, "--reason", "复核后仍符合"}).exit_code == 0);
}

TEST_CASE("CLI casework: a lowering needs evidence — two commands no longer take yellow to green", "[cli][casework]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  init_station(tongdang);
  const std::string child = add_child(tongdang, "张小明", kXiaoming, {"LEFT_BEHIND"});
  // 29: yellow (the calibration example of docs/domain.md).
  REQUIRE(tongdang({"assess", child, "--carer", "both_away_capable_relative", "--income", "below_1x_or_dibao",
                    "--guardianship", "fair", "--behaviour-problems", "1", "--warning-signs", "2"}).exit_code == 0);
  auto colour = [&] { return json::parse(tongdang({"--json", "child", "show", child}).out)["colour"]; };
  REQUIRE(colour() == "yellow");
  // Issue 12: two `colour lower` commands and no reassessment took the child to green. Now each waits.
  CHECK(tongdang({"colour", "lower", child, "--to", "blue", "--reason", "情况好转"}).exit_code == 0);
  CHECK(colour() == "yellow");
  auto lowerings = items_of(review_items(tongdang), "lowering");
  REQUIRE(lowerings.size() == 1);
  CHECK(lowerings[0]["detail"].get<std::string>().find("降级须有提级后的评估结果支持") != std::string::npos);
  // A reassessment scoring 14 (blue) is the evidence: the supervisor's own assessment lowers at once, and a later
  // lowering by hand to blue would have applied too.
  REQUIRE(tongdang({"assess", child, "--carer", "both_away_capable_relative", "--income", "below_1x_or_dibao"})
              .exit_code == 0);
  CHECK(colour() == "blue");
  CHECK(items_of(review_items(tongdang), "lowering").empty());  // the applied grading closed the waiting lowering
  // Blue to green by hand: the blue score is not evidence for green.
  CHECK(tongdang({"colour", "lower", child, "--to", "green", "--reason", "稳定"}).exit_code == 0);
  CHECK(colour() == "blue");
}

TEST_CASE("CLI casework: a file closes itself on the day its last category reaches its age limit", "[cli][closing]") {
  ScratchDir dir;
  Tongdang before(dir, "2026-12-09");  // 赵十六 is 15 today and 16 tomorrow (born 2010-12-10)
  init_station(before);
  const std::string turning = add_child(before, "赵十六", kTurning16, {"LEFT_BEHIND"});
  const std::string keeps = add_child(before, "钱十八", kTurning18, {"LOW_INCOME"});  // 18 only on 2026-12-15
  auto shown = before({"--json", "child", "show", turning});
  REQUIRE(shown.exit_code == 0);
  CHECK(json::parse(shown.out)["status"] == "open");
  // Not yet aged out: refused by hand too.
  auto early = before({"child", "close", turning, "--reason", "超龄"});
  CHECK(early.exit_code != 0);
  CHECK(early.err.find("不能以“超龄”结案") != std::string::npos);

  // The birthday: the first command of the day settles it, says so, and the file is closed as aged out.
  Tongdang birthday(dir, "2026-12-10");
  auto due = birthday({"due"});
  INFO(due.err);
  REQUIRE(due.exit_code == 0);
  CHECK(due.err.find("1 份档案的最后一个类别已到龄，已自动以“超龄”结案") != std::string::npos);
  json closed = json::parse(birthday({"--json", "child", "show", turning}).out);
  CHECK(closed["status"] == "closed");
  CHECK(closed["closed_reason"] == "aged_out");
  CHECK(closed["closed_on"] == "2026-12-10");
  CHECK(json::parse(birthday({"--json", "child", "show", keeps}).out)["status"] == "open");
  auto history = birthday({"child", "history", turning});
  CHECK(history.out.find("结案") != std::string::npos);
  CHECK(history.out.find("李芳") != std::string::npos);  // the signed-in supervisor is its author
  CHECK(birthday({"due"}).err.find("自动") == std::string::npos);  // once

  // Reopened, it stays open: that end date does not close it again.
  auto reopened = birthday({"child", "reopen", turning, "--reason", "仍需关注，将登记新类别"});
  INFO(reopened.err);
  REQUIRE(reopened.exit_code == 0);
  CHECK(json::parse(birthday({"--json", "child", "show", turning}).out)["status"] == "open");
  Tongdang later(dir, "2026-12-11");
  CHECK(json::parse(later({"--json", "child", "show", turning}).out)["status"] == "open");
}
