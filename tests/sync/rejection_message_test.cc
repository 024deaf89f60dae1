// Messages are data until the edge (core/base/message.h, sync/protocol/messages.h): the server sends and stores a
// rejection as a code and its arguments, and each station renders it in its own reader's language.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base/i18n.h"
#include "core/db/sqlite.h"
#include "support/cli_harness.h"
#include "support/server_process.h"
#include "sync/protocol/messages.h"
#include "sync/protocol/protocol.h"

using namespace tongdang;
using nlohmann::json;
using tongdang::test::issue_token;
using tongdang::test::ScratchDir;
using tongdang::test::server_cli;
using tongdang::test::ServerProcess;
using tongdang::test::Tongdang;

namespace {

constexpr const char* kTownship = "320324102";
constexpr const char* kVillage = "320324102203";

std::string text_of(const std::string& path, const std::string& sql) {
  db::Database db(path, db::Database::Mode::ReadWrite);
  auto query = db.prepare(sql);
  REQUIRE(query.step());
  return query.get_text(0);
}

void exec(const std::string& path, const std::string& sql) {
  db::Database db(path, db::Database::Mode::ReadWrite);
  db.exec(sql);
}

}  // namespace

TEST_CASE("Rejections: a server in English rejects a change and the Chinese station shows the Chinese reason",
          "[sync][cli][i18n]") {
  ScratchDir dir;
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  const std::string token = issue_token(dir, {"user", "add", "王强", "--role", "director", "--township", kTownship,
                                             "--villages", kVillage});
  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--insecure"}, {"LANG=en_US.UTF-8"});
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port);
  Tongdang station(dir);
  REQUIRE(station({"init", "--township", kTownship, "--name", "王强的电脑", "--user", "王强", "--role", "director",
                   "--villages", kVillage}).exit_code == 0);
  REQUIRE(station({"child", "add", "--name", "张小明", "--id-number", "32032420140315012X", "--village", kVillage})
              .exit_code == 0);
  // Someone edits the queue: the change's author is no longer the token's user.
  exec(station.db(), "UPDATE outbox SET actor = '赵敏'");
  REQUIRE(station({"sync", "--server", url, "--token", token}).exit_code == 0);

  auto status = station({"--json", "sync", "status"});
  REQUIRE(status.exit_code == 0);
  const json rejected = json::parse(status.out)["rejected"];
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0]["reason"] == "修改者 赵敏 不是令牌的用户 王强");
  // The same station read in English shows it in English.
  auto english = station({"--lang", "en", "--json", "sync", "status"});
  REQUIRE(english.exit_code == 0);
  CHECK(json::parse(english.out)["rejected"][0]["reason"] == "the author 赵敏 is not the token's user 王强");

  // The code survives storage, on the station and on the server.
  const json kept = json::parse(text_of(station.db(), "SELECT reason FROM rejected_changes"));
  CHECK(kept["code"] == "change.author_mismatch");
  CHECK(kept["args"] == json::array({"赵敏", "王强"}));
  const json stored = json::parse(text_of(dir.file("central.db"), "SELECT reason FROM server_rejections"));
  CHECK(stored["code"] == "change.author_mismatch");
}

TEST_CASE("Rejections: the wire form carries the code, and an older reader still has the text", "[sync][i18n]") {
  const i18n::Lang before = i18n::language();
  i18n::set_language(i18n::Lang::En);
  sync::ChangeResult result;
  result.change_id = "c1";
  result.status = sync::ChangeStatus::Rejected;
  result.reason = i18n::msg(sync::messages::kEventClaimMismatch, i18n::tr("角色", "role"), "county", "director");
  const json wire = result.to_json();
  i18n::set_language(before);
  // What a station from before message codes reads: the server's language.
  CHECK(wire["reason"] == "the event's role \"county\" differs from what the credentials vouch for (\"director\")");
  CHECK(wire["message"]["code"] == "event.claim_mismatch");
  CHECK(wire["message"]["args"][0] == json{{"zh", "角色"}, {"en", "role"}});

  auto read = sync::ChangeResult::from_json(wire);
  REQUIRE(read);
  CHECK(read->reason.code() == "event.claim_mismatch");
  CHECK(read->reason.in(i18n::Lang::Zh) == "事件的角色“county”与凭证不符（应为“director”）");

  // An unknown code (a newer server) or arguments that do not fit: the text the server rendered.
  json newer = wire;
  newer["message"]["code"] = "change.something_new";
  CHECK(sync::ChangeResult::from_json(newer)->reason.in(i18n::Lang::Zh) == wire["reason"]);
  json short_args = wire;
  short_args["message"]["args"] = json::array({"x"});
  CHECK(sync::ChangeResult::from_json(short_args)->reason.in(i18n::Lang::Zh) == wire["reason"]);
}

TEST_CASE("Rejections: every catalogued message renders in both languages with text arguments", "[i18n]") {
  std::vector<MessageArg> args(4, MessageArg{"甲", "A"});
  for (const MessageText* text : sync::messages::all()) {
    INFO(text->code);
    CHECK(sync::messages::find(text->code) == text);
    const Message message = Message::catalogued(*text, args);
    CHECK_FALSE(message.in(i18n::Lang::Zh).empty());
    CHECK_FALSE(message.in(i18n::Lang::En).empty());
    // Round trip through the wire form.
    auto read = Message::from_json(message.to_json(), sync::messages::find);
    REQUIRE(read);
    CHECK(*read == message);
  }
  // An uncatalogued message crosses as its two texts.
  const Message plain = i18n::trf("第 {} 行", "line {}", 3);
  auto read = Message::from_json(plain.to_json(), sync::messages::find);
  REQUIRE(read);
  CHECK(read->in(i18n::Lang::Zh) == "第 3 行");
  CHECK(read->in(i18n::Lang::En) == "line 3");
  CHECK(read->code().empty());
}
