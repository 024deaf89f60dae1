// Township snapshots (sync/snapshot.h): a new station bootstrapped from a snapshot must hold exactly what a station
// that replayed the change log holds, resume an interrupted snapshot without duplicating anything, see only its own
// township, and go on with ordinary pulls afterwards.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <map>

#include "core/db/schema.h"
#include "core/model/policy.h"
#include "core/workflow/care.h"
#include "core/workflow/screening.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/protocol/protocol.h"
#include "sync/protocol/snapshot.h"
#include "sync/station/snapshot_load.h"

using namespace tongdang;
using namespace tongdang::test;

namespace {

constexpr const char* kWangji = "320324102";    // 王集镇
constexpr const char* kShuanggou = "320324103"; // 双沟镇

std::int64_t count(db::Database& db, const std::string& sql) {
  auto query = db.prepare(sql);
  query.step();
  return query.get_int(0);
}

// Every row of every table a station holds about its township (all but the station's own: users, audit, outbox,
// sync state), every column, one sorted line per row.
std::string station_tables(db::Database& db) {
  std::vector<std::string> tables;
  auto names = db.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('meta', 'users', 'audit', 'outbox',"
      " 'sync_shadow', 'rejected_changes', 'sqlite_sequence') ORDER BY name");
  while (names.step()) tables.push_back(names.get_text(0));
  std::vector<std::string> lines;
  // Tallies encode counters by ids each database assigns in its own order of first use (report_tally.h): compared
  // by what they count, not by their bytes.
  std::map<std::int64_t, std::string> counters;
  auto counter_rows = db.prepare("SELECT id, kind || '/' || value FROM report_counter");
  while (counter_rows.step()) counters[counter_rows.get_int(0)] = counter_rows.get_text(1);
  auto tallies = db.prepare("SELECT township, day, counts FROM report_tally");
  while (tallies.step()) {
    std::string_view bytes = tallies.get_blob(2);
    std::vector<std::string> counts;
    std::uint64_t value = 0;
    int shift = 0;
    std::int64_t id = 1;
    for (char c : bytes) {
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(c) & 0x7F) << shift;
      shift += 7;
      if (static_cast<unsigned char>(c) & 0x80) continue;
      auto count = static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
      if (count != 0) counts.push_back(counters[id] + "=" + std::to_string(count));
      ++id;
      value = 0;
      shift = 0;
    }
    std::sort(counts.begin(), counts.end());
    std::string line = "report_tally: " + tallies.get_text(0) + "|" + std::to_string(tallies.get_int(1));
    for (const auto& c : counts) line += "|" + c;
    lines.push_back(line);
  }
  for (const auto& table : tables) {
    if (table == "report_counter" || table == "report_tally") continue;
    std::string select;
    auto columns = db.prepare("SELECT name FROM pragma_table_info(?1)");
    columns.bind(1, table);
    while (columns.step())
      select += (select.empty() ? "" : " || '|' || ") + fmt::format("coalesce(quote({}), 'NULL')", columns.get_text(0));
    auto rows = db.prepare(fmt::format("SELECT {} FROM {}", select, table));
    while (rows.step()) lines.push_back(table + ": " + rows.get_text(0));
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

// A township holding every kind of row: children with a relative, edits, a home visit, an assessment (a colour),
// a care measure, a lead not yet tied to a child, a conflict, and a duplicate candidate shared with another
// township. Returns the children of 王集镇.
std::vector<std::string> fill_county(TestCounty& county, TestStation& a, TestStation& a2, TestStation& other) {
  std::vector<std::string> children;
  for (int i = 0; i < 6; ++i)
    children.push_back(a.add_child(fmt::format("儿童{}", i), make_id_number("20140315", 100 + i),
                                   fmt::format("3203241022{:02}", 1 + i % 3)));
  REQUIRE(add_relative(*a.station, children[0], {{"relation", "mother"}, {"name", "王芳"}, {"status", "working_away"},
                                                 {"place", "苏州"}}).is_ok());
  a.edit(children[1], "school", "王集中心小学");
  NewVisit visit;
  visit.on = Date(2026, 11, 20);
  REQUIRE(add_visit(*a.station, children[0], visit).is_ok());
  Answers answers;
  answers.carer = "both_away_capable_relative";
  answers.income = "below_1x_or_dibao";
  REQUIRE(assess(*a.station, children[2], answers, Date(2026, 11, 21), "").is_ok());
  NewMeasure measure;
  measure.area = "EDUCATION";
  measure.item = "助学金";
  REQUIRE(add_care_measure(*a.station, children[2], measure).is_ok());
  NewLead lead;
  lead.village = "320324102203";
  lead.reporter = "网格员";
  lead.source = "grid";
  lead.seen = "孩子独自在家";
  REQUIRE(add_lead(*a.station, lead).is_ok());
  REQUIRE(a.sync().is_ok());

  // A conflict: two stations of the township edit one field offline.
  REQUIRE(a2.sync().is_ok());
  a.edit(children[3], "school", "王集中学");
  county.clock.advance_ms(60'000);
  a2.edit(children[3], "school", "睢宁县实验小学");
  county.clock.advance_ms(60'000);
  REQUIRE(a.sync().is_ok());
  auto second = a2.sync();
  REQUIRE(second.is_ok());
  REQUIRE(second->conflicts_opened == 1);
  // A duplicate candidate: 双沟镇 registers a child with the ID number of one of 王集镇's.
  other.add_child("同号儿童", make_id_number("20140315", 100));
  other.add_child("双沟儿童", make_id_number("20140315", 200));
  REQUIRE(other.sync().is_ok());
  REQUIRE(a.sync().is_ok());
  county.clock.advance_ms(60'000);
  return children;
}

// Drops the replies of snapshot requests from the `fail_from`-th on (the server handled them; the link failed).
class LossyTransport final : public sync::Transport {
 public:
  LossyTransport(sync::Transport& inner, int fail_from) : inner_(inner), fail_from_(fail_from) {}
  sync::HttpReply send(const sync::HttpCall& call) override {
    if (call.path == sync::kSnapshotPath) {
      queries.push_back(call.query);
      if (static_cast<int>(queries.size()) >= fail_from_) {
        (void)inner_.send(call);
        return {0, "", "connection reset by peer", false};
      }
    }
    return inner_.send(call);
  }
  std::vector<std::string> queries;

 private:
  sync::Transport& inner_;
  int fail_from_;
};

std::string query_value(const std::string& query, const std::string& key) {
  auto at = query.find(key + "=");
  if (at == std::string::npos) return "";
  auto start = at + key.size() + 1;
  return query.substr(start, query.find('&', start) - start);
}

}  // namespace

TEST_CASE("Sync snapshot: a new station bootstrapped by snapshot holds exactly the tables of one that replayed the log",
          "[sync][snapshot]") {
  ScratchDir dir;
  TestCounty county(dir);
  TestStation a(dir, "a", kWangji, county), a2(dir, "a2", kWangji, county), other(dir, "other", kShuanggou, county);
  auto children = fill_county(county, a, a2, other);

  TestStation replay(dir, "replay", kWangji, county);
  replay.snapshot = false;  // as an older station: replays the change log
  auto replayed = replay.sync();
  REQUIRE(replayed.is_ok());
  CHECK(replayed->snapshot_pages == 0);
  CHECK(replayed->pulled > 0);

  TestStation fresh(dir, "fresh", kWangji, county);
  fresh.snapshot_page = 4;  // 6 children: two pages, the township's own rows with the second
  auto loaded = fresh.sync(true);  // over HTTP: the gzip'd row stream
  REQUIRE(loaded.is_ok());
  CHECK(loaded->snapshot_pages == 2);
  CHECK(loaded->snapshot_children == 6);
  CHECK(loaded->pulled == 0);  // nothing was logged after the snapshot's position

  // Every kind of row arrived: the digest below would pass on two empty stations too.
  db::Database& db = fresh.station->db();
  CHECK(count(db, "SELECT count(*) FROM children") == 6);
  CHECK(count(db, "SELECT count(*) FROM relatives") == 1);
  CHECK(count(db, "SELECT count(*) FROM memberships") == 6);
  CHECK(count(db, "SELECT count(*) FROM visits") == 1);
  CHECK(count(db, "SELECT count(*) FROM care_measures") == 1);
  CHECK(count(db, "SELECT count(*) FROM child_state WHERE colour = 'blue'") == 1);
  CHECK(count(db, "SELECT count(*) FROM leads WHERE child_id IS NULL") == 1);
  CHECK(count(db, "SELECT count(*) FROM conflicts") == 1);
  CHECK(count(db, "SELECT count(*) FROM duplicate_candidates") == 1);
  CHECK(count(db, "SELECT count(*) FROM report_child") == 6);
  CHECK(count(db, "SELECT count(*) FROM report_step") >= 1);
  CHECK(count(db, "SELECT version FROM field_versions WHERE entity = 'child' AND field = 'school' AND entity_id = '" +
                      children[3] + "'") == 2);
  CHECK(fresh.field(children[1], "school") == "王集中心小学");
  CHECK(station_tables(db) == station_tables(replay.station->db()));
  CHECK(township_digest(db, kWangji) == server_digest(county, kWangji));

  // Then ordinary incremental pulls from the snapshot's position.
  a.edit(children[4], "school", "双沟中学");
  NewVisit visit;
  visit.on = Date(2026, 11, 27);
  REQUIRE(add_visit(*a.station, children[5], visit).is_ok());
  county.clock.advance_ms(60'000);
  REQUIRE(a.sync().is_ok());
  auto later = fresh.sync(true);
  REQUIRE(later.is_ok());
  CHECK(later->snapshot_pages == 0);
  CHECK(later->pulled == 2);
  CHECK(fresh.field(children[4], "school") == "双沟中学");
  CHECK(count(db, "SELECT count(*) FROM visits") == 2);
  REQUIRE(replay.sync().is_ok());
  CHECK(station_tables(db) == station_tables(replay.station->db()));
  // Its next edit carries the version it loaded, so it is sequential, not a conflict.
  fresh.edit(children[4], "school", "双沟中心小学");
  auto edited = fresh.sync(true);
  REQUIRE(edited.is_ok());
  CHECK(edited->conflicts_opened == 0);
}

TEST_CASE("Sync snapshot: an interrupted page is fetched again and nothing is loaded twice", "[sync][snapshot]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county), a2(dir, "a2", kWangji, county), other(dir, "other", kShuanggou, county);
  fill_county(county, a, a2, other);
  TestStation replay(dir, "replay", kWangji, county);
  replay.snapshot = false;
  REQUIRE(replay.sync().is_ok());

  TestStation fresh(dir, "fresh", kWangji, county);
  fresh.snapshot_page = 2;  // three pages
  auto service = sync::make_service_transport(*county.service, {"", fresh.token, fresh.station->station_id(), ""});
  LossyTransport lossy(*service, 2);  // the second page's reply never arrives, however often it is asked for
  auto failed = fresh.sync_with(lossy);
  REQUIRE_FALSE(failed.is_ok());
  db::Database& db = fresh.station->db();
  CHECK(count(db, "SELECT count(*) FROM children") == 2);  // the first page, committed
  CHECK_FALSE(fresh.station->meta("sync.snapshot").value_or("").empty());
  CHECK(fresh.station->meta("sync.cursor").value_or("").empty());
  const std::string second_page = query_value(lossy.queries.at(1), "position");
  REQUIRE_FALSE(second_page.empty());

  auto resumed = fresh.sync();
  REQUIRE(resumed.is_ok());
  CHECK(resumed->snapshot_pages == 2);  // pages two and three
  CHECK(station_tables(db) == station_tables(replay.station->db()));

  // A page loaded a second time (as after a crash between the server's answer and the commit) adds nothing.
  fresh.station->set_meta("sync.snapshot", second_page);
  fresh.station->set_meta("sync.cursor", "");
  auto again = fresh.sync();
  REQUIRE(again.is_ok());
  CHECK(again->snapshot_pages == 2);
  CHECK(count(db, "SELECT count(*) FROM report_span") == count(replay.station->db(), "SELECT count(*) FROM report_span"));
  CHECK(station_tables(db) == station_tables(replay.station->db()));
}

TEST_CASE("Sync snapshot: a station receives only its own township, and a token only its scope", "[sync][snapshot]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county), a2(dir, "a2", kWangji, county), other(dir, "other", kShuanggou, county);
  fill_county(county, a, a2, other);

  TestStation fresh(dir, "fresh", kWangji, county);
  REQUIRE(fresh.sync().is_ok());
  db::Database& db = fresh.station->db();
  CHECK(count(db, "SELECT count(*) FROM children WHERE township != '320324102'") == 0);
  CHECK(count(db, "SELECT count(*) FROM events WHERE township != '320324102'") == 0);
  CHECK(count(db, "SELECT count(*) FROM report_child WHERE township != '320324102'") == 0);
  CHECK(count(db, "SELECT count(*) FROM field_versions WHERE entity_id NOT IN (SELECT id FROM children UNION ALL"
                  " SELECT id FROM relatives)") == 0);
  CHECK(count(db, "SELECT count(*) FROM children") == 6);

  // 王集镇's token asking for 双沟镇's snapshot is refused.
  auto service = sync::make_service_transport(*county.service, {"", fresh.token, fresh.station->station_id(), ""});
  const std::string query = fmt::format("township={}&schema={}&policy=&children=10&position=", kShuanggou,
                                        schema::latest_version());
  CHECK(service->send({"GET", std::string(sync::kSnapshotPath), query, ""}).status == 403);

  // A page of 双沟镇 (fetched with its own token) is refused whole by a 王集镇 station: nothing is written.
  auto theirs = sync::make_service_transport(*county.service, {"", other.token, other.station->station_id(), ""});
  auto reply = theirs->send({"GET", std::string(sync::kSnapshotPath), query, ""});
  REQUIRE(reply.status == 200);
  auto decoded = sync::snapshot::decode_page(reply.body);
  REQUIRE(decoded.is_ok());
  sync::snapshot::Page page = decoded.value();
  CHECK(page.header["children"] == 2);
  TestStation victim(dir, "victim", kWangji, county);
  Status loaded = victim.station->write([&](WriteContext& w) {
    return sync::snapshot::load_page(w.db(), page, kWangji, w.now_iso()).status();
  });
  CHECK(loaded.code() == Code::Refused);
  CHECK(count(victim.station->db(), "SELECT count(*) FROM children") == 0);
  // Even relabelled as 王集镇's, its rows name 双沟镇 and are refused.
  page.header["township"] = kWangji;
  loaded = victim.station->write([&](WriteContext& w) {
    return sync::snapshot::load_page(w.db(), page, kWangji, w.now_iso()).status();
  });
  CHECK(loaded.code() == Code::Refused);
  CHECK(count(victim.station->db(), "SELECT count(*) FROM children") == 0);
}

TEST_CASE("Sync snapshot: under another county policy the station derives its own rows, as a replay would",
          "[sync][snapshot]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county), a2(dir, "a2", kWangji, county), other(dir, "other", kShuanggou, county);
  fill_county(county, a, a2, other);

  nlohmann::json document = default_policy().document;
  document["version"] = "test-shorter-visits";
  document["schedule"]["blue"]["director_visit_days"] = 20;
  auto policy = parse_policy(document);
  REQUIRE(policy.is_ok());
  TestStation replay(dir, "replay", kWangji, county), fresh(dir, "fresh", kWangji, county);
  replay.snapshot = false;
  REQUIRE(set_station_policy(*replay.station, policy.value()).is_ok());
  REQUIRE(set_station_policy(*fresh.station, policy.value()).is_ok());
  REQUIRE(replay.sync().is_ok());
  auto loaded = fresh.sync();
  REQUIRE(loaded.is_ok());
  CHECK(loaded->snapshot_pages == 1);
  db::Database& db = fresh.station->db();
  CHECK(count(db, "SELECT count(*) FROM audit WHERE action = 'sync.snapshot' AND json_extract(after, '$.derived') = 0") == 1);
  CHECK(count(db, "SELECT count(*) FROM report_child") == 6);
  CHECK(station_tables(db) == station_tables(replay.station->db()));
}
