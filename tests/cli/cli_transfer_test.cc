// `tongdang transfer` and `tongdang child set-id` through the real binaries, as two townships' supervisors and the
// county server run them (docs/user-guide.md "转移与更正身份证号").
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_harness.h"
#include "support/server_process.h"

using nlohmann::json;
using tongdang::test::issue_token;
using tongdang::test::ScratchDir;
using tongdang::test::server_cli;
using tongdang::test::ServerProcess;
using tongdang::test::Tongdang;

TEST_CASE("CLI transfer: a file moves to another township's station at the next sync, read-only where it was",
          "[cli][transfer]") {
  ScratchDir dir;
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  const std::string wangji_token = issue_token(dir, {"station", "add", "--township", "320324102"});
  const std::string shuanggou_token = issue_token(dir, {"station", "add", "--township", "320324103"});
  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--insecure"});
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port);

  Tongdang wangji(dir);
  auto shuanggou = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", dir.file("shuanggou.db")});
    return wangji(args);
  };
  REQUIRE(wangji({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(shuanggou({"init", "--township", "320324103", "--name", "双沟镇未保站", "--user", "周督导"}).exit_code == 0);
  REQUIRE(wangji.login().exit_code == 0);
  REQUIRE(shuanggou({"login"}).exit_code == 0);
  REQUIRE(wangji({"user", "add", "王强", "--role", "director", "--villages", "320324102201"}).exit_code == 0);
  auto added = wangji({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village",
                       "320324102201", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  REQUIRE(wangji({"sync", "--server", url, "--token", wangji_token}).exit_code == 0);
  REQUIRE(shuanggou({"sync", "--server", url, "--token", shuanggou_token}).exit_code == 0);

  // The error for a cross-township edit now names the command that does it.
  auto edit = wangji({"child", "edit", child, "--set", "village=320324103201"});
  CHECK(edit.exit_code == 3);
  CHECK(edit.err.find("tongdang transfer") != std::string::npos);
  // A director may not transfer (exit 3, refused), and a reason is required (a usage error).
  auto director = wangji({"--as", "王强", "transfer", child, "--to-village", "320324103201", "--reason", "迁居"});
  CHECK(director.exit_code == 3);
  CHECK(director.err.find("督导员或县级") != std::string::npos);
  CHECK(wangji({"transfer", child, "--to-village", "320324103201"}).exit_code != 0);

  auto moved = wangji({"transfer", child, "--to-village", "320324103201", "--reason", "随父母迁居双沟镇"});
  INFO(moved.err);
  REQUIRE(moved.exit_code == 0);
  CHECK(moved.out.find("只读") != std::string::npos);
  CHECK(json::parse(wangji({"--json", "child", "list"}).out).empty());
  auto shown = wangji({"child", "show", child});
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.out.find("320324103201") != std::string::npos);
  CHECK(shown.out.find("本站只读") != std::string::npos);
  CHECK(wangji({"child", "edit", child, "--set", "school=王集中心小学"}).exit_code == 3);

  REQUIRE(wangji({"sync"}).exit_code == 0);
  REQUIRE(shuanggou({"sync"}).exit_code == 0);
  const json received = json::parse(shuanggou({"--json", "child", "list"}).out);
  REQUIRE(received.size() == 1);
  CHECK(received[0]["village"] == "320324103201");
  CHECK(received[0]["categories"] == json::array({"LEFT_BEHIND"}));
  REQUIRE(shuanggou({"child", "edit", child, "--set", "school=双沟中心小学"}).exit_code == 0);

  // The county holds the file once, in the receiving township.
  auto report = server_cli(dir, {"--json", "show", "--township", "320324103"});
  REQUIRE(report.exit_code == 0);
  CHECK(json::parse(report.out)["children"].size() == 1);
  auto left = server_cli(dir, {"--json", "show", "--township", "320324102"});
  REQUIRE(left.exit_code == 0);
  CHECK(json::parse(left.out)["children"].empty());

  // Leaving the county closes the file with its destination.
  auto out = shuanggou({"transfer", child, "--out-of-county", "--destination", "安徽省合肥市", "--reason", "随父母迁居"});
  INFO(out.err);
  REQUIRE(out.exit_code == 0);
  const json closed = json::parse(shuanggou({"--json", "child", "show", child}).out);
  CHECK(closed["status"] == "closed");
  CHECK(closed["moved_out"]["destination"] == "安徽省合肥市");
  CHECK(shuanggou({"transfer", child, "--to-village", "320324102201", "--out-of-county", "--destination", "x",
                   "--reason", "y"}).exit_code != 0);
}

TEST_CASE("CLI child set-id: the number is corrected, the old one still finds the file", "[cli][set-id]") {
  ScratchDir dir;
  Tongdang station(dir);
  REQUIRE(station({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(station.login().exit_code == 0);
  REQUIRE(station({"user", "add", "王强", "--role", "director", "--villages", "320324102201"}).exit_code == 0);
  auto added = station({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X",
                        "--village", "320324102201"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];

  auto invalid = station({"child", "set-id", child, "--id-number", "320324201403150", "--reason", "录错"});
  CHECK(invalid.exit_code == 2);
  CHECK(invalid.err.find("id_number") != std::string::npos);
  CHECK(station({"--as", "王强", "child", "set-id", child, "--id-number", "320324201403160125", "--reason", "录错"})
            .exit_code == 3);
  // 320324 20140316 012 + check character: a girl born a day later than the file says.
  auto corrected = station({"child", "set-id", child, "--id-number", "320324201403160125", "--reason", "身份证号录错"});
  INFO(corrected.err);
  REQUIRE(corrected.exit_code == 0);
  CHECK(corrected.err.find("2014-03-16") != std::string::npos);  // the date of birth it re-derived, shown
  const json shown = json::parse(station({"--json", "child", "show", "32032420140315012X"}).out);
  CHECK(shown["id"] == child);
  CHECK(shown["birth_date"] == "2014-03-16");
  CHECK(shown["previous_id_numbers"] == json::array({"320324********012X"}));
}

TEST_CASE("CLI review: the county's queue lists files moved out of the county for 90 days, with what to run",
          "[cli][transfer][review]") {
  ScratchDir dir;
  Tongdang station(dir);
  REQUIRE(station({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(station.login().exit_code == 0);
  REQUIRE(station({"user", "add", "县中心", "--role", "county"}).exit_code == 0);
  auto added = station({"--json", "child", "add", "--name", "张小明", "--id-number", "32032420140315012X",
                        "--village", "320324102201", "--category", "LEFT_BEHIND"});
  REQUIRE(added.exit_code == 0);
  const std::string child = json::parse(added.out)["id"];
  auto out = station({"transfer", child, "--out-of-county", "--destination", "安徽省合肥市", "--reason", "随父母迁居"});
  INFO(out.err);
  REQUIRE(out.exit_code == 0);

  auto moved = [&](const std::vector<std::string>& args) {
    auto review = station(args);
    INFO(review.err);
    REQUIRE(review.exit_code == 0);
    std::vector<json> items;
    const json parsed = json::parse(review.out);
    for (const auto& item : parsed["items"])
      if (item["kind"] == "moved_out") items.push_back(item);
    return items;
  };
  auto county = moved({"--as", "县中心", "--json", "review"});
  REQUIRE(county.size() == 1);
  CHECK(county[0]["name"] == "张小明");
  CHECK(county[0]["since"] == "2026-11-28");
  CHECK(county[0]["detail"].get<std::string>().find("安徽省合肥市") != std::string::npos);
  CHECK(county[0]["detail"].get<std::string>().find("李芳") != std::string::npos);
  CHECK(county[0]["command"].get<std::string>().find("tongdang child reopen " + child.substr(child.size() - 8)) !=
        std::string::npos);
  CHECK(moved({"--json", "review"}).empty());  // the supervisor's queue: the county hands files on
  // 89 days later it is still listed; on the 90th day it has left the queue (2026-11-28 + 90 days = 2027-02-26).
  CHECK(moved({"--as", "县中心", "--json", "review", "--as-of", "2027-02-25"}).size() == 1);
  CHECK(moved({"--as", "县中心", "--json", "review", "--as-of", "2027-02-26"}).empty());
  auto text = station({"--as", "县中心", "review"});
  CHECK(text.out.find("迁出本县") != std::string::npos);
  // Reopened (the child never left), it leaves the queue.
  REQUIRE(station({"child", "reopen", child, "--reason", "并未迁出"}).exit_code == 0);
  CHECK(moved({"--as", "县中心", "--json", "review"}).empty());
}
