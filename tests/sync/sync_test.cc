// Sync end to end in one process: stations and a county server (over loopback HTTP or called directly), under
// the scenarios of docs/sync-protocol.md — first and incremental sync, replays, dropped connections, a server restart,
// concurrent edits, skewed clocks, scope and revoked tokens, duplicates — and a randomised convergence test.
#include <functional>
#include <random>
#include <utility>

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "core/workflow/referrals.h"

#include "sync/protocol/tuning.h"
#include "core/store/events.h"
#include "core/store/file_merge.h"
#include "core/workflow/merge.h"
#include "core/workflow/transfer.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/protocol.h"
#include "sync/station/conflicts.h"
#include "sync/station/status.h"

using namespace tongdang;
using namespace tongdang::test;
using nlohmann::json;

namespace {

constexpr const char* kWangji = "320324102";   // 王集镇
constexpr const char* kShuanggou = "320324103"; // 双沟镇
constexpr std::int64_t kYearMs = 365LL * 24 * 3600 * 1000;

std::int64_t count(db::Database& db, const std::string& sql) {
  auto query = db.prepare(sql);
  query.step();
  return query.get_int(0);
}

// Forwards to another transport, but loses the reply of chosen calls after the server handled them (a link that
// fails mid-page), or stops the server right after a chosen call (a server killed mid-push).
class FaultyTransport : public sync::Transport {
 public:
  explicit FaultyTransport(sync::Transport& inner) : inner_(inner) {}
  sync::HttpReply send(const sync::HttpCall& call) override {
    ++calls;
    if (call.path == "/v1/sync/pull" && before_pull) std::exchange(before_pull, nullptr)();
    sync::HttpReply reply = inner_.send(call);
    if (call.path == lose_reply_of && losses > 0) {
      --losses;
      return {0, {}, "connection reset by peer (test)", false};
    }
    if (call.path == kill_after && kills > 0) {
      --kills;
      if (on_kill) on_kill();
      return {0, {}, "connection reset by peer (test)", false};
    }
    return reply;
  }
  std::string lose_reply_of;
  int losses = 0;
  std::string kill_after;
  int kills = 0;
  std::function<void()> on_kill;
  std::function<void()> before_pull;  // runs once, before the first pull is sent
  int calls = 0;

 private:
  sync::Transport& inner_;
};


// The random convergence tests below share these steps.
const char* const kEditedFields[] = {"school", "phone", "grade", "health"};

// The files a station holds, by id: every open one, or (own_township) every one of its township — a file
// transferred away stays on the station, read-only, with the receiving township in its row.
std::vector<std::string> files_held(TestStation& s, bool own_township) {
  std::vector<std::string> ids;
  auto query = s.station->db().prepare(own_township ? "SELECT id FROM children WHERE township = ?1 ORDER BY id"
                                                    : "SELECT id FROM children WHERE status = 'open' ORDER BY id");
  if (own_township) query.bind(1, s.station->township());
  while (query.step()) ids.push_back(query.get_text(0));
  return ids;
}

// The station's person decides its first open conflict of its own township: theirs, or a value of their own.
template <class Pick>
void resolve_first_conflict(TestStation& s, TestCounty& county, Pick& pick) {
  auto open = sync::list_conflicts(*s.station, false);
  std::erase_if(open, [&](const json& c) { return c.value("township", "") != s.station->township(); });
  if (open.empty()) return;
  s.clock.set(county.clock.now_ms() + s.offset_ms);
  std::string keep = pick(2) ? "theirs" : fmt::format("裁定{}", pick(3));
  Status resolved = sync::resolve_conflict(*s.station, open[0]["id"].get<std::string>(), keep);
  if (!resolved) REQUIRE(resolved.code() == Code::InvalidInput);  // "theirs" needs a side from this station
}

// The stations of a random convergence test: two of 王集 (every third seed, b's clock a year ahead) and one of 双沟.
std::vector<std::unique_ptr<TestStation>> random_world_stations(ScratchDir& dir, TestCounty& county,
                                                                std::uint32_t seed) {
  std::vector<std::unique_ptr<TestStation>> stations;
  stations.push_back(std::make_unique<TestStation>(dir, "a", kWangji, county));
  stations.push_back(std::make_unique<TestStation>(dir, "b", kWangji, county, (seed % 3 == 0) ? kYearMs : 0));
  stations.push_back(std::make_unique<TestStation>(dir, "c", kShuanggou, county));
  return stations;
}

// Everyone syncs until quiet — twice round, so each station sees what the others pushed last — and then every
// station holds exactly its township's part of the server.
void settle_and_compare(std::vector<std::unique_ptr<TestStation>>& stations, TestCounty& county) {
  for (int round = 0; round < 2; ++round)
    for (auto& s : stations) REQUIRE(s->sync().is_ok());
  for (auto& s : stations) {
    CHECK(s->outbox() == 0);
    std::string township = s->station->township();
    CHECK(township_digest(s->station->db(), township) == server_digest(county, township));
  }
}

}  // namespace

TEST_CASE("Sync merge rule: base versions decide, the HLC only picks what is shown", "[sync]") {
  using sync::FieldMerge;
  sync::FieldRegister current{3, "000001700000000-00000", "station-b", "王强", "c1"};
  CHECK(sync::merge_field(current, {3, "000001600000000-00000", "station-a"}) == FieldMerge::Apply);
  // Concurrent (base 2 < version 3): the higher HLC is shown, whatever the wall clocks said.
  CHECK(sync::merge_field(current, {2, "000001800000000-00000", "station-a"}) == FieldMerge::ConflictTakes);
  CHECK(sync::merge_field(current, {2, "000001600000000-00000", "station-a"}) == FieldMerge::ConflictKeeps);
  // Same stamp: the station id breaks the tie.
  CHECK(sync::merge_field(current, {2, "000001700000000-00000", "station-c"}) == FieldMerge::ConflictTakes);
  // A station's own earlier write is never a conflict with its next edit.
  CHECK(sync::merge_field(current, {0, "000001600000000-00000", "station-b"}) == FieldMerge::Apply);
  CHECK(sync::merge_pulled_field(2, 3, false) == sync::PulledField::Apply);
  CHECK(sync::merge_pulled_field(2, 3, true) == sync::PulledField::Shadow);
  CHECK(sync::merge_pulled_field(3, 3, false) == sync::PulledField::Stale);
}

TEST_CASE("Sync protocol: cursor and gzip round-trip, and malformed input is refused", "[sync]") {
  sync::Cursor cursor{"server-1", {}};
  cursor.set("320324103", 7);
  cursor.set("320324102", 42);
  auto decoded = sync::Cursor::decode(cursor.encode());
  REQUIRE(decoded.is_ok());
  CHECK(decoded->server_id == "server-1");
  CHECK(decoded->position("320324102") == 42);
  CHECK(decoded->position("320324103") == 7);
  CHECK(decoded->position("320324104") == 0);
  CHECK_FALSE(sync::Cursor::decode("not a cursor!").is_ok());
  std::string text(100000, 'a');
  auto round = sync::gzip_decompress(sync::gzip_compress(text), 200000);
  REQUIRE(round.is_ok());
  CHECK(round.value() == text);
  CHECK_FALSE(sync::gzip_decompress(sync::gzip_compress(text), 1000).is_ok());  // a zip bomb is refused
}

TEST_CASE("Sync: first and incremental sync between two stations of one township", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  std::string child = a.add_child("张小明", "32032420140315012X");
  auto first = a.sync(true);
  REQUIRE(first.is_ok());
  CHECK(first->pushed == 2);  // the file and its LEFT_BEHIND membership event
  CHECK(a.outbox() == 0);

  auto second = b.sync(true);
  REQUIRE(second.is_ok());
  CHECK(b.field(child, "name") == "张小明");
  CHECK(count(b.station->db(), "SELECT count(*) FROM memberships") == 1);

  b.edit(child, "school", "王集中心小学");
  county.clock.advance_ms(60'000);
  REQUIRE(b.sync(true).is_ok());
  auto incremental = a.sync(true);
  REQUIRE(incremental.is_ok());
  CHECK(incremental->pushed == 0);
  CHECK(incremental->pulled >= 1);
  CHECK(a.field(child, "school") == "王集中心小学");
  CHECK(township_digest(a.station->db(), kWangji) == server_digest(county, kWangji));
  CHECK(township_digest(b.station->db(), kWangji) == server_digest(county, kWangji));
  // Every request was audited, and logged as one structured line.
  CHECK(server_count(county, "SELECT count(*) FROM request_audit") == static_cast<std::int64_t>(county.log.size()));
}

TEST_CASE("Sync: the same page pushed twice changes nothing (reply lost after the server committed)", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir);
  TestStation a(dir, "a", kWangji, county);
  std::string child = a.add_child("张小明", "32032420140315012X");
  a.edit(child, "school", "王集中心小学");
  auto inner = a.http_transport();
  FaultyTransport faulty(*inner);
  faulty.lose_reply_of = "/v1/sync/push";
  faulty.losses = 1;
  auto result = a.sync_with(faulty);
  REQUIRE(result.is_ok());
  CHECK(result->retries == 1);
  CHECK(result->duplicates == 3);  // the replayed page: every change already known
  CHECK(a.outbox() == 0);
  CHECK(server_count(county, "SELECT count(*) FROM children") == 1);
  CHECK(server_count(county, "SELECT count(*) FROM events") == 1);
  CHECK(server_count(county, "SELECT count(*) FROM change_log") == 3);
  CHECK(township_digest(a.station->db(), kWangji) == server_digest(county, kWangji));
}

TEST_CASE("Sync: a connection cut mid-page (server hook) resumes from the last committed page", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  for (int i = 0; i < 12; ++i) a.add_child(fmt::format("儿童{}", i), make_id_number("20150101", 100 + i));
  REQUIRE(a.sync().is_ok());
  county.http->drop_responses("/v1/sync/pull", 1);  // half of the first pull's body, then the connection closes
  auto transport = b.http_transport();
  sync::SyncOptions options;
  options.sleep = [](int) {};
  options.pull_page = 5;
  options.snapshot = false;  // the change log's pages (a snapshot's are tested in sync_snapshot_test.cc)
  auto result = sync::run_sync(*b.station, *transport, options);
  REQUIRE(result.is_ok());
  CHECK(result->retries == 1);
  CHECK(result->pulled == 24);  // 12 files + 12 membership events, each applied once
  CHECK(result->pull_pages == 5);
  CHECK(count(b.station->db(), "SELECT count(*) FROM children") == 12);
  CHECK(township_digest(b.station->db(), kWangji) == server_digest(county, kWangji));
}

TEST_CASE("Sync: the server killed mid-push and restarted loses and duplicates nothing", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir);
  TestStation a(dir, "a", kWangji, county);
  for (int i = 0; i < 6; ++i) a.add_child(fmt::format("儿童{}", i), make_id_number("20150101", 100 + i));
  auto inner = a.http_transport();
  FaultyTransport faulty(*inner);
  faulty.kill_after = "/v1/sync/push";
  faulty.kills = 1;
  faulty.on_kill = [&county] { county.stop_http(); };  // after the first page committed, before its reply
  sync::SyncOptions options;
  options.sleep = [](int) {};
  options.push_page = 4;
  auto failed = sync::run_sync(*a.station, faulty, options);
  REQUIRE_FALSE(failed.is_ok());  // every retry finds the server down
  CHECK(failed.status().code() == Code::Internal);
  CHECK(a.outbox() == 12);        // nothing was acknowledged, so nothing left the queue
  CHECK(server_count(county, "SELECT count(*) FROM change_results") == 4);

  county.start_http();  // restarted on the same port and database
  auto resumed = sync::run_sync(*a.station, faulty, options);
  REQUIRE(resumed.is_ok());
  CHECK(resumed->duplicates == 4);
  CHECK(resumed->applied == 8);
  CHECK(a.outbox() == 0);
  CHECK(server_count(county, "SELECT count(*) FROM children") == 6);
  CHECK(township_digest(a.station->db(), kWangji) == server_digest(county, kWangji));
}

TEST_CASE("Sync: concurrent edits of one field open a conflict on both stations, and a supervisor resolves it", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  std::string child = a.add_child("张小明", "32032420140315012X");
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());

  // Both offline: A edits first, B a minute later; neither saw the other's edit.
  a.edit(child, "school", "王集中心小学");
  county.clock.advance_ms(60'000);
  b.edit(child, "school", "睢宁县实验小学");
  county.clock.advance_ms(60'000);
  auto pushed_a = a.sync();
  REQUIRE(pushed_a.is_ok());
  CHECK(pushed_a->conflicts_opened == 0);
  auto pushed_b = b.sync();
  REQUIRE(pushed_b.is_ok());
  CHECK(pushed_b->conflicts_opened == 1);
  REQUIRE(a.sync().is_ok());

  // Provisional winner: B's later stamp; both values kept; visible on both stations.
  CHECK(a.field(child, "school") == "睢宁县实验小学");
  CHECK(b.field(child, "school") == "睢宁县实验小学");
  auto on_a = sync::list_conflicts(*a.station, false);
  auto on_b = sync::list_conflicts(*b.station, false);
  REQUIRE(on_a.size() == 1);
  REQUIRE(on_b.size() == 1);
  CHECK(on_a[0]["id"] == on_b[0]["id"]);
  CHECK(on_a[0]["values"][0]["value"] == "王集中心小学");
  CHECK(on_a[0]["values"][1]["value"] == "睢宁县实验小学");

  // A director may not resolve it; the supervisor at A keeps A's value ("mine").
  REQUIRE(a.station->add_user({"王强", Role::Director, {"320324102203"}}).is_ok());
  REQUIRE(a.station->act_as("王强").is_ok());
  CHECK(sync::resolve_conflict(*a.station, on_a[0]["id"].get<std::string>(), "mine").code() == Code::Refused);
  REQUIRE(a.station->act_as(a.station->default_user()).is_ok());
  REQUIRE(sync::resolve_conflict(*a.station, on_a[0]["id"].get<std::string>().substr(0, 8), "mine").is_ok());
  CHECK(a.field(child, "school") == "王集中心小学");
  county.clock.advance_ms(60'000);
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  CHECK(b.field(child, "school") == "王集中心小学");
  CHECK(sync::list_conflicts(*b.station, false).empty());
  auto resolved = sync::list_conflicts(*b.station, true);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0]["status"] == "resolved");
  CHECK(resolved[0]["resolution"]["value"] == "王集中心小学");
  CHECK(township_digest(a.station->db(), kWangji) == server_digest(county, kWangji));
  CHECK(township_digest(b.station->db(), kWangji) == server_digest(county, kWangji));
}

// Bug (issue 12): the conflict list labels the values 本站/他站, and `conflicts resolve ID --keep 本站` stored the word
// 本站 into the record on every station. The words the list shows mean mine and theirs.
TEST_CASE("Bug: conflicts resolve --keep 本站 wrote the word 本站 into the record", "[sync][bug]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  std::string child = a.add_child("张小明", "32032420140315012X");
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  for (const char* keep : {"本站", "他站"}) {
    INFO(keep);
    a.edit(child, "school", std::string("王集中心小学") + keep);
    county.clock.advance_ms(60'000);
    b.edit(child, "school", std::string("睢宁县实验小学") + keep);
    county.clock.advance_ms(60'000);
    REQUIRE(a.sync().is_ok());
    REQUIRE(b.sync().is_ok());
    REQUIRE(a.sync().is_ok());
    auto open = sync::list_conflicts(*a.station, false);
    REQUIRE(open.size() == 1);
    REQUIRE(sync::resolve_conflict(*a.station, open[0]["id"].get<std::string>(), keep).is_ok());
    // 本站 on A is A's own value; 他站 is B's.
    const std::string expected = std::string(keep) == "本站" ? std::string("王集中心小学") + keep
                                                             : std::string("睢宁县实验小学") + keep;
    CHECK(a.field(child, "school") == expected);
    county.clock.advance_ms(60'000);
    REQUIRE(a.sync().is_ok());
    REQUIRE(b.sync().is_ok());
    CHECK(b.field(child, "school") == expected);
  }
}

TEST_CASE("Sync: concurrent edits of different fields both apply, with no conflict", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  std::string child = a.add_child("张小明", "32032420140315012X");
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  a.edit(child, "school", "王集中心小学");
  b.edit(child, "phone", "13800000000");
  REQUIRE(a.sync().is_ok());
  auto pushed = b.sync();
  REQUIRE(pushed.is_ok());
  CHECK(pushed->conflicts_opened == 0);
  REQUIRE(a.sync().is_ok());
  for (TestStation* s : {&a, &b}) {
    CHECK(s->field(child, "school") == "王集中心小学");
    CHECK(s->field(child, "phone") == "13800000000");
  }
  CHECK(sync::list_conflicts(*a.station, true).empty());
}

TEST_CASE("Sync: a pulled value does not overwrite an unsent local edit until its push is answered", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  std::string child = a.add_child("张小明", "32032420140315012X");
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  b.edit(child, "school", "睢宁县实验小学");
  REQUIRE(b.sync().is_ok());
  county.clock.advance_ms(60'000);
  // The user at A edits the field while A's sync is between its push and its pull.
  auto inner = sync::make_service_transport(*county.service, {"", a.token, a.station->station_id(), ""});
  FaultyTransport during(*inner);
  during.before_pull = [&] { a.edit(child, "school", "王集中心小学"); };
  REQUIRE(a.sync_with(during).is_ok());
  CHECK(a.field(child, "school") == "王集中心小学");  // what the user typed stays visible
  CHECK(count(a.station->db(), "SELECT count(*) FROM sync_shadow") == 1);  // B's value, kept as server state
  CHECK(a.outbox() == 1);
  auto next = a.sync();
  REQUIRE(next.is_ok());
  CHECK(next->conflicts_opened == 1);  // A edited without having seen B's value
  CHECK(a.field(child, "school") == "王集中心小学");  // A's stamp is later: the provisional winner
  CHECK(count(a.station->db(), "SELECT count(*) FROM sync_shadow") == 0);
  REQUIRE(b.sync().is_ok());
  CHECK(b.field(child, "school") == "王集中心小学");
  CHECK(township_digest(a.station->db(), kWangji) == server_digest(county, kWangji));
}

TEST_CASE("Sync: a clock a year ahead is re-stamped and flagged, and a year behind still merges by base", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation normal(dir, "normal", kWangji, county);
  TestStation ahead(dir, "ahead", kWangji, county, kYearMs);
  TestStation behind(dir, "behind", kWangji, county, -kYearMs);
  std::string child = normal.add_child("张小明", "32032420140315012X");
  REQUIRE(normal.sync().is_ok());
  REQUIRE(ahead.sync().is_ok());
  REQUIRE(behind.sync().is_ok());

  // The fast station edits first and syncs; the normal station edits later without having seen it.
  ahead.edit(child, "school", "快钟小学");
  county.clock.advance_ms(60'000);
  auto flagged = ahead.sync();
  REQUIRE(flagged.is_ok());
  CHECK(flagged->clock_ahead_ms > tuning::kMaxClockAheadMs);
  county.clock.advance_ms(60'000);
  normal.edit(child, "school", "王集中心小学");
  auto later = normal.sync();
  REQUIRE(later.is_ok());
  CHECK(later->conflicts_opened == 1);
  // Without re-stamping, the stamp a year ahead would win; re-stamped at the server's time, the later edit wins.
  CHECK(normal.field(child, "school") == "王集中心小学");
  auto overview = county.store->overview(kWangji);
  bool station_flagged = false;
  for (const auto& s : overview["stations"])
    if (s["station_id"] == ahead.station->station_id()) station_flagged = s["clock_ahead_ms"].get<std::int64_t>() > 0;
  CHECK(station_flagged);
  CHECK(sync::sync_status(*ahead.station).clock_ahead_ms > 0);

  // The slow station has pulled everything: its edit is sequential (base = current version), so it applies even
  // though its wall clock is a year behind — conflicts come from base versions, never from clocks.
  county.clock.advance_ms(60'000);
  REQUIRE(behind.sync().is_ok());
  behind.edit(child, "school", "慢钟小学");
  auto slow = behind.sync();
  REQUIRE(slow.is_ok());
  CHECK(slow->conflicts_opened == 0);
  REQUIRE(normal.sync().is_ok());
  CHECK(normal.field(child, "school") == "慢钟小学");
  REQUIRE(ahead.sync().is_ok());
  for (TestStation* s : {&normal, &ahead, &behind})
    CHECK(township_digest(s->station->db(), kWangji) == server_digest(county, kWangji));
}

TEST_CASE("Sync: tokens are confined to their scope, and a revoked token is refused", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation wangji(dir, "wangji", kWangji, county);
  TestStation shuanggou(dir, "shuanggou", kShuanggou, county);
  std::string child = wangji.add_child("张小明", "32032420140315012X");
  REQUIRE(wangji.sync().is_ok());
  REQUIRE(shuanggou.sync().is_ok());
  CHECK(count(shuanggou.station->db(), "SELECT count(*) FROM children") == 0);  // nothing of 王集 reaches 双沟

  SECTION("a township token used by another township's station") {
    shuanggou.token = wangji.token;
    auto refused = shuanggou.sync();
    REQUIRE_FALSE(refused.is_ok());
    CHECK(refused.status().code() == Code::Refused);
  }
  SECTION("a director's token writes only their villages, the refusal never blocks the queue") {
    // Locally the director covers 201 and 202; the county's token for them covers only 201.
    REQUIRE(wangji.station->add_user({"王强", Role::Director, {"320324102203", "320324102204"}}).is_ok());
    REQUIRE(wangji.station->act_as("王强").is_ok());
    // The station moves from its station token to the director's own: a station id belongs to one live token
    // (finding 9), so the county revokes the station token first.
    for (const auto& t : county.store->tokens())
      if (t.principal.kind == sync::TokenKind::Station && t.principal.township == kWangji)
        REQUIRE(county.store->revoke_token(t.principal.token_id, "now").is_ok());
    wangji.token = county.user_token("王强", Role::Director, kWangji, {"320324102203"});
    std::string other = wangji.add_child("李小红", make_id_number("20160101", 202), "320324102204");
    std::string own = wangji.add_child("赵小刚", make_id_number("20160101", 311), "320324102203");
    auto result = wangji.sync();
    REQUIRE(result.is_ok());
    CHECK(result->rejected == 2);  // the file in 202 and its membership event
    CHECK(result->applied == 2);   // the file in 201 and its event, queued after the refused ones
    CHECK(wangji.outbox() == 0);
    auto status = sync::sync_status(*wangji.station);
    REQUIRE(status.rejected.size() == 2);
    CHECK(status.rejected[0]["reason"].get<std::string>().find("320324102204") != std::string::npos);
    CHECK(server_count(county, "SELECT count(*) FROM server_rejections") == 2);
    CHECK(server_count(county, "SELECT count(*) FROM children") == 2);
    (void)other;
    (void)own;
  }
  SECTION("a revoked token") {
    auto tokens = county.store->tokens();
    for (const auto& t : tokens)
      if (t.principal.township == kWangji) REQUIRE(county.store->revoke_token(t.principal.token_id, "now").is_ok());
    auto refused = wangji.sync();
    REQUIRE_FALSE(refused.is_ok());
    CHECK(refused.status().code() == Code::Refused);
  }
  SECTION("a county token reads the whole county") {
    TestStation county_desk(dir, "county", kWangji, county);
    county_desk.token = county.user_token("县中心", Role::County, "");
    county_desk.snapshot = false;  // read both townships' logs from the start
    shuanggou.add_child("钱小丽", make_id_number("20170101", 402), "320324103204");
    REQUIRE(shuanggou.sync().is_ok());
    auto transport = sync::make_service_transport(*county.service, {"", county_desk.token,
                                                                      county_desk.station->station_id(), ""});
    // The county's token pulls both townships' logs; a township station keeps only its own township.
    auto pulled = county_desk.sync_with(*transport);
    REQUIRE(pulled.is_ok());
    CHECK(pulled->pulled == 4);
  }
}

TEST_CASE("Sync: one ID number registered at two townships opens a duplicate candidate for both", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation wangji(dir, "wangji", kWangji, county);
  TestStation shuanggou(dir, "shuanggou", kShuanggou, county);
  wangji.add_child("张小明", "32032420140315012X");
  shuanggou.add_child("张晓明", "32032420140315012X", "320324103204");
  REQUIRE(wangji.sync().is_ok());
  auto second = shuanggou.sync();
  REQUIRE(second.is_ok());
  CHECK(second->rejected == 0);  // never rejected: that would lose work
  REQUIRE(wangji.sync().is_ok());
  CHECK(server_count(county, "SELECT count(*) FROM children") == 2);
  for (TestStation* s : {&wangji, &shuanggou}) {
    auto duplicates = sync::list_duplicates(*s->station);
    REQUIRE(duplicates.size() == 1);
    CHECK(duplicates[0]["id_number"] == "320324********012X");
    CHECK(duplicates[0]["files"].size() == 2);
  }
  CHECK(township_digest(wangji.station->db(), kWangji) == server_digest(county, kWangji));
  CHECK(township_digest(shuanggou.station->db(), kShuanggou) == server_digest(county, kShuanggou));
}

TEST_CASE("Sync convergence: random edits, merges and unmerges on four stations, synced in random orders, end equal",
          "[sync]") {
  int merges = 0, unmerges = 0;  // over every seed: the random operations must include both
  for (std::uint32_t seed = 1; seed <= 25; ++seed) {
    INFO("seed " << seed);
    std::mt19937 random(seed);
    ScratchDir dir;
    TestCounty county(dir, false);
    std::vector<std::unique_ptr<TestStation>> stations = random_world_stations(dir, county, seed);
    // The county's user works at a station of 王集 and merges and unmerges the duplicates the others register.
    stations.push_back(std::make_unique<TestStation>(dir, "d", kWangji, county));
    stations.back()->act_as_county("县级d");
    TestStation& office = *stations.back();
    int id_seq = 100;
    std::vector<std::string> numbers;  // every ID number registered so far, to register some of them again
    auto pick = [&random](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
    auto holds_number = [](TestStation& s, const std::string& number) {
      auto query = s.station->db().prepare("SELECT 1 FROM children WHERE id_number = ?1");
      query.bind(1, number);
      return query.step();
    };
    for (int step = 0; step < 40; ++step) {
      county.clock.advance_ms(1000 + pick(60'000));
      TestStation& s = *stations[pick(4)];
      const std::vector<std::string> children = files_held(s, false);
      int action = pick(14);
      if (action < 2 || children.empty()) {
        numbers.push_back(make_id_number("20150101", id_seq % 1000));
        s.add_child(fmt::format("儿童{}", id_seq), numbers.back(), s.station->township() + (pick(2) ? "201" : "202"));
        ++id_seq;
      } else if (action < 4) {
        // The same child registered again elsewhere: a duplicate candidate once both reach the server.
        const std::string number = numbers[pick(static_cast<int>(numbers.size()))];
        if (!holds_number(s, number))
          s.add_child(fmt::format("儿童{}再登记", id_seq++), number, s.station->township() + (pick(2) ? "201" : "202"));
      } else if (action < 6) {
        s.edit(children[pick(static_cast<int>(children.size()))], kEditedFields[pick(4)], fmt::format("值{}", pick(5)));
      } else if (action < 7) {
        resolve_first_conflict(s, county, pick);
      } else if (action < 9) {
        // The county merges two files of a candidate it has seen, taking some fields from the merged-away file.
        office.clock.set(county.clock.now_ms());
        for (const auto& candidate : sync::list_duplicates(*office.station)) {
          std::vector<std::string> files;
          for (const auto& f : candidate["files"])
            if (!file_merge::standing_merge(office.station->db(), f["child_id"].get<std::string>()))
              files.push_back(f["child_id"]);
          if (files.size() < 2) continue;
          const int keep = pick(static_cast<int>(files.size()));
          MergeRequest request{candidate["id"], files[keep], files[(keep + 1) % files.size()], "重复登记", {}};
          for (const char* field : kEditedFields)
            if (pick(3) == 0) request.take[field] = "other";
          (void)merge_duplicates(*office.station, request);  // refused locally when a file is graded higher
          break;
        }
      } else if (action < 10) {
        // The county undoes a merge that stands.
        office.clock.set(county.clock.now_ms());
        auto query = office.station->db().prepare("SELECT id FROM events WHERE kind = 'file.merge' ORDER BY hlc, id");
        std::vector<std::string> standing;
        while (query.step())
          if (auto found = file_merge::find_merge(office.station->db(), query.get_text(0)); found && found->standing)
            standing.push_back(query.get_text(0));
        if (!standing.empty())
          REQUIRE(unmerge_duplicates(*office.station, standing[pick(static_cast<int>(standing.size()))], "合并有误").is_ok());
      } else {
        auto synced = s.sync();
        INFO(synced.status().to_string());
        REQUIRE(synced.is_ok());
      }
    }
    settle_and_compare(stations, county);
    // What the server accepted, not what was tried.
    merges += static_cast<int>(server_count(county, "SELECT count(*) FROM events WHERE kind = 'file.merge'"));
    unmerges += static_cast<int>(server_count(county, "SELECT count(*) FROM events WHERE kind = 'file.unmerge'"));
  }
  CHECK(merges > 0);
  CHECK(unmerges > 0);
}

TEST_CASE("Sync convergence: random edits, transfers and ID corrections on three stations, synced in random "
          "orders, end equal", "[sync]") {
  for (std::uint32_t seed = 1; seed <= 25; ++seed) {
    INFO("seed " << seed);
    std::mt19937 random(seed);
    ScratchDir dir;
    TestCounty county(dir, false);
    std::vector<std::unique_ptr<TestStation>> stations = random_world_stations(dir, county, seed);
    int id_seq = 100;
    auto pick = [&random](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
    for (int step = 0; step < 40; ++step) {
      county.clock.advance_ms(1000 + pick(60'000));
      const int which = pick(3);
      TestStation& s = *stations[which];
      // The files this station may change: its township's (one transferred away stays here read-only).
      const std::vector<std::string> children = files_held(s, true);
      int action = pick(12);
      if (action < 2 || children.empty()) {
        s.add_child(fmt::format("儿童{}", id_seq), make_id_number("20150101", id_seq % 1000),
                    s.station->township() + (pick(2) ? "201" : "202"));
        ++id_seq;
      } else if (action < 6) {
        s.edit(children[pick(static_cast<int>(children.size()))], kEditedFields[pick(4)], fmt::format("值{}", pick(5)));
      } else if (action >= 10) {
        const std::string& child = children[pick(static_cast<int>(children.size()))];
        s.clock.set(county.clock.now_ms() + s.offset_ms);
        auto transferred = s.station->db().prepare("SELECT 1 FROM events WHERE child_id = ?1 AND kind = 'file.transfer'");
        transferred.bind(1, child);
        if (action == 10 && which != 1 && !transferred.step()) {
          // A transfer to the other township, of a file never transferred, by one station per township: a second
          // transfer of one file made offline is refused, and a rejected event stays on its station, which the
          // digest would show once the file came back (tests/sync/transfer_test.cc has those cases).
          const std::string other = s.station->township() == kWangji ? kShuanggou : kWangji;
          Status moved = transfer_child(*s.station, child, other + (pick(2) ? "201" : "202"), "迁居");
          INFO(moved.to_string());
          REQUIRE(moved.is_ok());
        } else {
          // An ID number correction, to a number no file holds.
          auto corrected = set_id_number(*s.station, child, make_id_number("20150101", id_seq++ % 1000), "录错");
          INFO(corrected.status().to_string());
          REQUIRE(corrected.is_ok());
        }
      } else if (action < 7) {
        resolve_first_conflict(s, county, pick);
      } else {
        auto synced = s.sync();
        INFO(synced.status().to_string());
        REQUIRE(synced.is_ok());
      }
    }
    settle_and_compare(stations, county);
  }
}

TEST_CASE("Sync: an offline lowering never wins over a raise, whichever station syncs first", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  std::string child = a.add_child("张小明", "32032420140315012X");
  // 8 (both parents away, capable relative) + 5 (fair guardianship) + 5 (1–2 warning signs) + 5 (one behaviour
  // problem) + 6 (低保 household) = 29 → yellow (docs/domain.md "The instrument"'s calibration example).
  Answers answers;
  answers.carer = "both_away_capable_relative";
  answers.guardianship = "fair";
  answers.warning_signs = 1;
  answers.behaviour_problems = 1;
  answers.income = "below_1x_or_dibao";
  auto assessed = assess(*a.station, child, answers, std::nullopt, "入户评估");
  REQUIRE(assessed.is_ok());
  REQUIRE(assessed->colour == Colour::Yellow);
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  REQUIRE(current_colour(b.station->db(), child) == Colour::Yellow);

  // Offline: B's supervisor reassesses blue (a lowering: allowed, one step, and B saw the yellow grading; an
  // assessment is its own evidence) while A's supervisor raises to red.
  county.clock.advance_ms(60'000);
  b.clock.set(county.clock.now_ms());
  Answers better;
  better.carer = "both_away_capable_relative";
  better.income = "below_1x_or_dibao";  // 8 + 6 = 14: blue
  auto lowered = assess(*b.station, child, better, std::nullopt, "情况好转");
  REQUIRE(lowered.is_ok());
  CHECK(current_colour(b.station->db(), child) == Colour::Blue);  // locally, B's lowering took effect
  county.clock.advance_ms(60'000);
  a.clock.set(county.clock.now_ms());
  REQUIRE(change_colour(*a.station, child, true, Colour::Red, "发现监护缺失", std::nullopt).is_ok());

  SECTION("the lowering reaches the server first") {
    REQUIRE(b.sync().is_ok());
    REQUIRE(a.sync().is_ok());
  }
  SECTION("the raise reaches the server first") {
    REQUIRE(a.sync().is_ok());
    REQUIRE(b.sync().is_ok());
  }
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  db::Database server(county.db_path, db::Database::Mode::ReadOnly);
  CHECK(current_colour(server, child) == Colour::Red);
  CHECK(current_colour(a.station->db(), child) == Colour::Red);
  CHECK(current_colour(b.station->db(), child) == Colour::Red);
  CHECK(township_digest(a.station->db(), kWangji) == server_digest(county, kWangji));
  CHECK(township_digest(b.station->db(), kWangji) == server_digest(county, kWangji));
}

// Issue 12: a mandatory report syncs like every other event, and the server's colour rule reads it as R1 too.
TEST_CASE("Sync: a mandatory report made offline makes the child red on the server and every station", "[sync][casework]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  TestStation b(dir, "b", kWangji, county);
  std::string child = a.add_child("张小明", "32032420140315012X");
  Answers answers;
  answers.carer = "both_away_capable_relative";
  answers.income = "below_1x_or_dibao";
  REQUIRE(assess(*a.station, child, answers, std::nullopt, "入户评估").is_ok());
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  auto report = add_referral(*a.station, child, {"police", "mandatory_report", std::nullopt, "疑似遭受家庭暴力"});
  REQUIRE(report.is_ok());
  CHECK(current_colour(a.station->db(), child) == Colour::Red);
  REQUIRE(a.sync().is_ok());
  REQUIRE(b.sync().is_ok());
  db::Database server(county.db_path, db::Database::Mode::ReadOnly);
  CHECK(current_colour(server, child) == Colour::Red);
  CHECK(current_colour(b.station->db(), child) == Colour::Red);
  // B moves it on; A sees the outcome.
  REQUIRE(update_referral(*b.station, report.value(), "accepted", "公安已受理").is_ok());
  REQUIRE(b.sync().is_ok());
  REQUIRE(a.sync().is_ok());
  auto on_a = child_referrals(a.station->db(), child);
  REQUIRE(on_a.size() == 1);
  CHECK(on_a[0].status == "accepted");
  CHECK(on_a[0].outcome == "公安已受理");
  CHECK(township_digest(a.station->db(), kWangji) == server_digest(county, kWangji));
  CHECK(township_digest(b.station->db(), kWangji) == server_digest(county, kWangji));
}

TEST_CASE("Sync server: malformed or unauthenticated requests are refused and audited, never applied", "[sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county);
  REQUIRE(a.sync().is_ok());  // binds the token to the station
  sync::ServiceRequest request;
  request.method = "POST";
  request.path = "/v1/sync/push";
  request.station_id = a.station->station_id();
  request.body = R"({"changes": [{"change_id": 7, "entity": "child"}]})";
  CHECK(county.service->handle(request).status == 401);  // no token
  request.authorization = "Bearer " + a.token;
  CHECK(county.service->handle(request).status == 400);  // a member of the wrong type
  request.body = "{not json";
  CHECK(county.service->handle(request).status == 400);
  request.body = R"({"changes": [{"change_id": "01a2204f-5600-7000-8000-000000000001", "entity": "child",
                    "entity_id": "01a2204f-5600-7000-8000-000000000002", "op": "update", "hlc": "nonsense",
                    "actor": "x", "actor_role": "supervisor", "fields": {"school": "x"}}]})";
  auto answered = county.service->handle(request);
  REQUIRE(answered.status == 200);
  CHECK(json::parse(answered.body)["results"][0]["status"] == "rejected");
  request.station_id = "01a2204f-5600-7000-8000-0000000000ff";  // the token is bound to another station
  CHECK(county.service->handle(request).status == 403);
  CHECK(server_count(county, "SELECT count(*) FROM children") == 0);
  CHECK(server_count(county, "SELECT count(*) FROM request_audit WHERE http_status >= 400") == 4);
}
