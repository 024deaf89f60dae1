// Limits on stored text and text safe to show (docs/security.md, findings 7 and 10), in process: the one check at the
// limit and one past it with multi-byte Chinese text, control characters and malformed UTF-8, on station entry
// (profile fields, events, user names) and in the server's merge of pushed changes; the CSV cell writer and the
// terminal filter.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/base/csv.h"
#include "core/base/hlc.h"
#include "core/base/i18n.h"
#include "core/base/text_limits.h"
#include "core/base/tuning.h"
#include "sync/protocol/tuning.h"
#include "core/ledger/ledger.h"
#include "core/store/profile.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/protocol/protocol.h"

using namespace tongdang;
using namespace tongdang::test;
using nlohmann::json;

namespace {

constexpr const char* kWangji = "320324102";

std::string repeat(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

std::int64_t count(db::Database& db, const std::string& sql) {
  auto query = db.prepare(sql);
  query.step();
  return query.get_int(0);
}

const FieldSpec& child_field(std::string_view name) { return *find_field(child_fields(), name); }

// The outbox rows of a station as the changes it would push (newest last).
std::vector<json> outbox_changes(Station& station) {
  auto query = station.db().prepare(
      "SELECT change_id, entity, entity_id, child_id, op, fields, base, hlc, actor, actor_role FROM outbox ORDER BY seq");
  std::vector<json> out;
  while (query.step()) {
    json change = {{"change_id", query.get_text(0)}, {"entity", query.get_text(1)}, {"entity_id", query.get_text(2)},
                   {"child_id", query.get_optional_text(3) ? json(query.get_text(3)) : json(nullptr)},
                   {"op", query.get_text(4)}, {"hlc", query.get_text(7)}, {"actor", query.get_text(8)},
                   {"actor_role", query.get_text(9)}};
    if (change["op"] == "event") change["event"] = json::parse(query.get_text(5));
    else change["fields"] = json::parse(query.get_text(5)), change["base"] = json::parse(query.get_text(6));
    out.push_back(std::move(change));
  }
  return out;
}

// Pushes `changes` to the county's service as station `station` would, and returns the results.
json push_directly(TestCounty& county, TestStation& station, const std::vector<json>& changes) {
  sync::ServiceRequest request;
  request.method = "POST";
  request.path = "/v1/sync/push";
  request.station_id = station.station->station_id();
  request.authorization = "Bearer " + station.token;
  request.body = json{{"batch_id", station.station->new_id()}, {"station_id", station.station->station_id()},
                      {"changes", changes}}.dump();
  auto answered = county.service->handle(request);
  INFO(answered.body);
  REQUIRE(answered.status == 200);
  return json::parse(answered.body)["results"];
}

}  // namespace

TEST_CASE("Text limits: lengths count code points, at the limit and one past it with Chinese text", "[text]") {
  i18n::set_language(i18n::Lang::Zh);  // messages are compared in Chinese
  // 50 characters of 3 bytes each: 150 bytes, still 50 characters.
  CHECK(normalize_field(child_field("name"), repeat("张", 50)).is_ok());
  auto long_name = normalize_field(child_field("name"), repeat("张", 51));
  REQUIRE_FALSE(long_name);
  CHECK(long_name.status().field() == "name");
  CHECK(long_name.status().message() == "最多 50 个字符，输入了 51 个");
  CHECK(normalize_field(child_field("current_address"), repeat("路", 200)).is_ok());
  CHECK_FALSE(normalize_field(child_field("current_address"), repeat("路", 201)));
  const FieldSpec& notes = *find_field(relative_fields(), "notes");
  CHECK(normalize_field(notes, repeat("记", 1999) + "\n").is_ok());  // notes may span lines
  CHECK_FALSE(normalize_field(notes, repeat("记", 2001)));
  // A four-byte character (outside the BMP) is one character too.
  CHECK(normalize_field(child_field("name"), repeat("\xF0\xA0\x80\x80", 50)).is_ok());
  CHECK_FALSE(normalize_field(child_field("name"), repeat("\xF0\xA0\x80\x80", 51)));
  // Non-text kinds are bounded before they are parsed: no megabyte echoed in an error.
  auto long_date = normalize_field(child_field("birth_date"), std::string(100'000, '1'));
  REQUIRE_FALSE(long_date);
  CHECK(long_date.status().message().size() < 100);
}

TEST_CASE("Finding 10: control characters and malformed UTF-8 are refused in text fields, naming the character", "[text]") {
  i18n::set_language(i18n::Lang::Zh);
  auto escape = normalize_field(child_field("name"), "张\x1b[31m三");
  REQUIRE_FALSE(escape);
  CHECK(escape.status().field() == "name");
  CHECK(escape.status().message() == "含有控制字符 U+001B（位置 2），请删除后重新输入");
  auto nul = normalize_field(child_field("name"), std::string("张\0三", 5));
  REQUIRE_FALSE(nul);
  CHECK(nul.status().message().find("U+0000") != std::string::npos);
  CHECK_FALSE(normalize_field(child_field("name"), "张\x7f三"));           // DEL
  CHECK_FALSE(normalize_field(child_field("name"), "张\xc2\x9b" "31m"));  // C1 CSI (U+009B)
  CHECK_FALSE(normalize_field(child_field("name"), "张\n三"));             // a name is one line
  auto bad_utf8 = normalize_field(child_field("name"), "张\xff三");
  REQUIRE_FALSE(bad_utf8);
  CHECK(bad_utf8.status().message().find("UTF-8") != std::string::npos);
  CHECK_FALSE(normalize_field(child_field("name"), "\xe5\xbc"));  // a truncated sequence
  CHECK_FALSE(normalize_field(child_field("name"), "\xc0\xaf"));  // an overlong form
  // Multi-line notes allow line feed and tab, and nothing else below U+0020.
  const FieldSpec& notes = *find_field(relative_fields(), "notes");
  CHECK(normalize_field(notes, "第一行\n\t第二行").is_ok());
  CHECK_FALSE(normalize_field(notes, "第一行\r第二行"));
  CHECK_FALSE(normalize_field(notes, "第一行\x1b]0;title\x07"));
  // Choices and dates are refused for the character, not misread.
  auto choice = normalize_field(child_field("sex"), "男\x1b");
  REQUIRE_FALSE(choice);
  CHECK(choice.status().message().find("U+001B") != std::string::npos);
}

TEST_CASE("Text limits: event payloads are checked by key, at any depth, and by their encoded size", "[text]") {
  json event = {{"id", "01a2204f-5600-7000-8000-000000000001"}, {"township", kWangji}, {"kind", "visit"},
                {"occurred_on", "2026-11-27"}, {"hlc", "000000000000001-00000"}, {"actor", "李芳"},
                {"actor_role", "supervisor"}, {"station_id", "s"}, {"recorded_at", "t"},
                {"payload", {{"kind", "home"}, {"with", {"王强"}}, {"notes", repeat("访", 2000)}}}};
  CHECK(check_event_text(event).is_ok());
  SECTION("notes one past the limit") {
    event["payload"]["notes"] = repeat("访", 2001);
    auto refused = check_event_text(event);
    REQUIRE_FALSE(refused);
    CHECK(refused.field() == "notes");
    CHECK(refused.message().find("2000") != std::string::npos);
  }
  SECTION("a name in an array") {
    event["payload"]["with"] = {"王强", repeat("王", 51)};
    CHECK(check_event_text(event).field() == "with");
    event["payload"]["with"] = {"王\x1b强"};
    CHECK(check_event_text(event).message().find("U+001B") != std::string::npos);
  }
  SECTION("an unlisted key holds a machine value") {
    event["payload"]["anything"] = {{"deeper", repeat("x", 65)}};
    CHECK(check_event_text(event).field() == "deeper");
  }
  SECTION("the actor") {
    event["actor"] = std::string("李\0芳", 7);
    CHECK(check_event_text(event).field() == "event.actor");
  }
  SECTION("the whole event over the per-change limit") {
    json many = json::array();
    for (int i = 0; i < 30'000; ++i) many.push_back(repeat("王", 12));
    event["payload"]["with"] = many;  // every name within its limit, the event over a megabyte
    auto refused = check_event_text(event);
    REQUIRE_FALSE(refused);
    CHECK(refused.field() == "event");
  }
}

TEST_CASE("Text limits: station entry refuses overlong or control text and writes nothing", "[text]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation station(dir, "wangji", kWangji, county);
  std::string child = station.add_child("张小明", make_id_number("20140315", 12));
  db::Database& db = station.station->db();
  const auto events = count(db, "SELECT count(*) FROM events");
  const auto outbox = station.outbox();

  NewVisit visit;
  visit.on = *Date::parse("2026-11-27");
  visit.notes = repeat("访", 2001);
  auto refused = add_visit(*station.station, child, visit);
  REQUIRE_FALSE(refused);
  CHECK(refused.status().field() == "notes");
  visit.notes = "走访\x1b[2J";
  CHECK(add_visit(*station.station, child, visit).status().message().find("U+001B") != std::string::npos);
  CHECK(count(db, "SELECT count(*) FROM events") == events);  // nothing of the refused writes stays
  CHECK(station.outbox() == outbox);
  visit.notes = repeat("访", 2000);
  REQUIRE(add_visit(*station.station, child, visit).is_ok());

  CHECK_FALSE(station.station->add_user({repeat("李", 51), Role::Supervisor, {}}));
  CHECK_FALSE(station.station->add_user({"李\x1b芳", Role::Supervisor, {}}));
  CHECK(station.station->add_user({repeat("李", 50), Role::Supervisor, {}}).is_ok());
}

TEST_CASE("Findings 7 and 10: the server merge refuses pushed text over its limit or with control characters", "[text][sync]") {
  i18n::set_language(i18n::Lang::Zh);
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation station(dir, "wangji", kWangji, county);
  std::string child = station.add_child("张小明", make_id_number("20140315", 12));
  NewVisit visit;
  visit.on = *Date::parse("2026-11-27");
  visit.notes = repeat("访", 2000);
  REQUIRE(add_visit(*station.station, child, visit).is_ok());
  // A copy of the visit's change, as the station would push it, with new ids.
  const json original = outbox_changes(*station.station).back();
  REQUIRE(original["op"] == "event");
  REQUIRE(station.sync().is_ok());  // the visit at the limit (2,000 characters) is applied
  CHECK(server_count(county, "SELECT count(*) FROM events WHERE kind = 'visit'") == 1);
  auto copy = [&](const std::function<void(json&)>& edit) {
    json change = original;
    change["change_id"] = station.station->new_id();
    change["entity_id"] = change["event"]["id"] = station.station->new_id();
    edit(change);
    return change;
  };

  json results = push_directly(county, station, {
      copy([&](json& c) { c["event"]["payload"]["notes"] = repeat("访", 2001); }),
      copy([&](json& c) { c["event"]["payload"]["notes"] = "走访\x1b[31m"; }),
      copy([&](json& c) { c["event"]["payload"]["notes"] = std::string("走访\0", 7); }),
      copy([](json&) {}),  // the same visit, within every limit
  });
  REQUIRE(results.size() == 4);
  CHECK(results[0]["status"] == "rejected");
  CHECK(results[0]["reason"].get<std::string>().find("notes") != std::string::npos);
  CHECK(results[0]["reason"].get<std::string>().find("2001") != std::string::npos);
  CHECK(results[1]["status"] == "rejected");
  CHECK(results[1]["reason"].get<std::string>().find("U+001B") != std::string::npos);
  CHECK(results[2]["reason"].get<std::string>().find("U+0000") != std::string::npos);
  CHECK(results[3]["status"] == "applied");

  // Profile values: the server's own field check (normalize_field) applies the same limits.
  auto name_change = [&](const std::string& name) {
    return json{{"change_id", station.station->new_id()}, {"entity", "child"}, {"entity_id", child},
                {"child_id", child}, {"op", "update"}, {"hlc", original["hlc"]}, {"actor", original["actor"]},
                {"actor_role", original["actor_role"]}, {"fields", {{"name", name}}}, {"base", {{"name", 1}}}};
  };
  results = push_directly(county, station, {name_change(repeat("张", 51)), name_change("张\x1b[31m小明"),
                                            name_change(repeat("张", 50))});
  CHECK(results[0]["status"] == "rejected");
  CHECK(results[0]["reason"].get<std::string>().find("最多 50 个字符，输入了 51 个") != std::string::npos);
  CHECK(results[1]["status"] == "rejected");
  CHECK(results[1]["reason"].get<std::string>().find("U+001B") != std::string::npos);
  CHECK(results[2]["status"] != "rejected");

  // A change over the per-change byte limit: refused for good, and only its size kept.
  results = push_directly(county, station, {name_change(std::string(tuning::kMaxChangeBytes, 'x'))});
  CHECK(results[0]["status"] == "rejected");
  CHECK(results[0]["reason"].get<std::string>().find("变更过大") != std::string::npos);
  CHECK(server_count(county, "SELECT max(length(change)) FROM server_rejections") < 100'000);
}

TEST_CASE("Finding 10: CSV cells that a spreadsheet would run as a formula start with an apostrophe", "[text][ledger]") {
  CHECK(csv_cell("=HYPERLINK(\"http://x\",\"y\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(csv_cell("+86 13800000000") == "'+86 13800000000");
  CHECK(csv_cell("-1") == "'-1");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("\t=1") == "'\t=1");
  CHECK(csv_cell("\r=1") == "\"'\r=1\"");
  CHECK(csv_cell("张三") == "张三");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("") == "");
  CHECK(csv_unguard("'=1") == "=1");
  CHECK(csv_unguard("'320324201403150123") == "320324201403150123");
  CHECK(csv_unguard("张三") == "张三");
  // What csv_cell writes, parse_csv and csv_unguard read back.
  for (std::string text : {"=HYPERLINK(\"http://x\",\"y\")", "-", "@a,b", "plain"}) {
    auto parsed = parse_csv(csv_cell(text) + "\r\n");
    REQUIRE(parsed);
    CHECK(csv_unguard(parsed.value()[0].cells[0]) == text);
  }
}

TEST_CASE("Finding 10: text printed from a database cannot carry terminal escapes", "[text]") {
  CHECK(terminal_safe("张\x1b[31m三") == "张\\u001B[31m三");
  CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\u0000b");
  CHECK(terminal_safe("a\xc2\x9b" "b") == "a\\u009Bb");
  CHECK(terminal_safe("a\x7f") == "a\\u007F");
  CHECK(terminal_safe("a\xff") == "a\xEF\xBF\xBD");
  CHECK(terminal_safe("行一\r\n行二\t\n") == "行一\r\n行二\t\n");  // line ends and tabs stay
  CHECK(terminal_safe("a\rb") == "a\\u000Db");
}

namespace {

// Forwards every call and records the size of each push body.
class PushRecorder : public sync::Transport {
 public:
  explicit PushRecorder(sync::Transport& inner) : inner_(inner) {}
  sync::HttpReply send(const sync::HttpCall& call) override {
    if (call.path == "/v1/sync/push") push_bytes.push_back(call.body.size());
    return inner_.send(call);
  }
  std::vector<std::size_t> push_bytes;

 private:
  sync::Transport& inner_;
};

}  // namespace

TEST_CASE("Finding 7: push pages end at the byte budget and not only at the change count", "[text][sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation station(dir, "wangji", kWangji, county);
  std::string child = station.add_child("张小明", make_id_number("20140315", 12));
  // 40 visits with notes at their limit, about 6 KB each: far fewer changes than a page may count, more bytes than
  // a page of 64 KB (the budget this test sets; tuning::kPushPageBytes in use) may hold.
  NewVisit visit;
  visit.on = *Date::parse("2026-11-27");
  visit.notes = repeat("访", 2000);
  for (int i = 0; i < 40; ++i) REQUIRE(add_visit(*station.station, child, visit).is_ok());
  constexpr std::int64_t kBudget = 64 * 1024;

  auto inner = sync::make_service_transport(*county.service, {"", station.token, station.station->station_id(), ""});
  PushRecorder recorder(*inner);
  sync::SyncOptions options;
  options.sleep = [](int) {};
  options.push_page_bytes = kBudget;
  auto synced = sync::run_sync(*station.station, recorder, options);
  REQUIRE(synced.is_ok());
  CHECK(synced->rejected == 0);
  CHECK(synced->applied == 42);  // the file, its membership and the 40 visits
  CHECK(station.outbox() == 0);
  CHECK(recorder.push_bytes.size() >= 4);  // 250 KB in pages of at most 64 KB
  for (std::size_t bytes : recorder.push_bytes) CHECK(bytes <= static_cast<std::size_t>(kBudget));
  CHECK(server_count(county, "SELECT count(*) FROM events WHERE kind = 'visit'") == 40);
}
