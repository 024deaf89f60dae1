// The store's one batch of derived-row refreshes (core/store/projection.h): a write refreshing each touched child
// once at its end must leave exactly the derived rows — workflow state and report rows — that the same writes leave
// when each one is refreshed at once. The writes are the hand-built township of the report
// tests, replayed as a pulled page would apply them (profiles through upsert_profile, events through
// apply_event), in an order that exercises the late cases: events that arrive before their child's profile, and a
// case worker typed into a profile after the child was graded.
#include <algorithm>

#include <catch2/catch.hpp>

#include "core/projection/report_rows.h"
#include "core/report/render.h"
#include "core/store/projection.h"
#include "core/store/profile.h"
#include "support/report_fixture.h"

using tongdang::ProjectionBatch;
using tongdang::Event;
using tongdang::ManualClock;
using tongdang::Role;
using tongdang::Station;
using tongdang::Status;
using tongdang::WriteContext;
using tongdang::test::ReportFixture;
using tongdang::test::report_rows;
using tongdang::test::ScratchDir;
using nlohmann::json;
namespace db = tongdang::db;

namespace {

// Every row of `table`, every column quoted, in primary-key order: equal text = equal table contents.
std::string table_rows(db::Database& db, const std::string& table) {
  std::string columns;
  {
    auto info = db.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid");
    info.bind(1, table);
    while (info.step()) columns += (columns.empty() ? "quote(" : " || '|' || quote(") + info.get_text(0) + ")";
  }
  REQUIRE(!columns.empty());
  auto query = db.prepare("SELECT " + columns + " FROM " + table + " ORDER BY 1");
  std::string out = table + ":\n";
  while (query.step()) out += query.get_text(0) + "\n";
  return out;
}

// The report's per-township tallies, by their meaning: the township's figures read from the tallies on days
// across the year. (Their stored form numbers each counter in the order it first appeared, which depends on the
// order children were refreshed, so two equal sets of tallies need not be equal bytes.)
std::string tally_figures(db::Database& db) {
  std::string out;
  for (const char* day : {"2026-01-10", "2026-02-28", "2026-07-15", "2026-11-05", "2026-11-21", "2026-11-28"}) {
    tongdang::report::Options options;
    options.level = tongdang::report::ScopeLevel::Township;
    options.method = tongdang::report::Method::Tallies;
    options.scope_code = "320324102";
    options.as_of = *tongdang::Date::parse(day);
    options.generated_at = "2026-11-28T10:00:00+08:00";
    options.source = "station";
    out += tongdang::report::to_json(tongdang::report::build(db, options, {})).dump() + "\n";
  }
  return out;
}

// The derived tables of the workflow projection, then the report rows and the tallies' figures.
std::string derived_rows(db::Database& db) {
  std::string out;
  for (const char* table : {"child_state", "colour_reviews", "care_measures", "leads", "visits", "memberships"})
    out += table_rows(db, table);
  // report_rows(): spans, children, measures, steps, then the stored tallies and counters, each section ending
  // in "--"; the tallies are compared by their figures instead.
  const std::string report = report_rows(db);
  std::size_t end = 0;
  for (int section = 0; section < 4; ++section) end = report.find("--\n", end) + 3;
  return out + "report:\n" + report.substr(0, end) + "tallies:\n" + tally_figures(db);
}

// One write to replay: a child's profile (entity "child", fields) or an event.
struct Op {
  std::string child_id;
  json profile;
  std::optional<Event> event;
};

// The township's writes in replay order: four children's profiles, every event in (hlc, id) order, the profiles of
// D, E and G (their gradings, visits and measures came first), then their memberships.
std::vector<Op> replay_ops(ReportFixture& source) {
  db::Database& db = source.station().db();
  std::vector<Op> early, late;
  for (const char* key : {"A", "B", "C", "D", "E", "F", "G"}) {
    const std::string& id = source.id(key);
    json profile = tongdang::read_profile(db, "child", id);
    profile["created_by"] = "李芳";
    auto created = db.prepare("SELECT created_at FROM children WHERE id = ?1");  // the registration day
    created.bind(1, id);
    REQUIRE(created.step());
    profile["created_at"] = created.get_text(0);
    const bool is_late = std::string("DEG").find(key) != std::string::npos;
    (is_late ? late : early).push_back({id, profile, std::nullopt});
  }
  std::vector<Op> ops = early;
  std::vector<Op> late_memberships;
  auto ids = db.prepare("SELECT id, child_id FROM events ORDER BY hlc, id");
  while (ids.step()) {
    auto child = ids.get_optional_text(1);
    auto events = child ? tongdang::child_events(db, *child) : std::vector<Event>{};
    Event event;
    bool found = false;
    for (auto& e : events)
      if (e.id == ids.get_text(0)) event = e, found = true;
    if (!found) {  // a lead's event: read it whole
      auto one = db.prepare(
          "SELECT id, lead_id, township, kind, payload, occurred_on, hlc, actor, actor_role, station_id, recorded_at"
          " FROM events WHERE id = ?1");
      one.bind(1, ids.get_text(0));
      REQUIRE(one.step());
      event.id = one.get_text(0);
      event.lead_id = one.get_optional_text(1);
      event.township = one.get_text(2);
      event.kind = one.get_text(3);
      event.payload = json::parse(one.get_text(4));
      event.occurred_on = one.get_text(5);
      event.hlc = one.get_text(6);
      event.actor = one.get_text(7);
      event.actor_role = one.get_text(8);
      event.station_id = one.get_text(9);
      event.recorded_at = one.get_text(10);
    }
    // A membership row needs its child (a foreign key): a late child's memberships come after its profile.
    const bool of_late = std::any_of(late.begin(), late.end(), [&](const Op& op) { return op.child_id == child; });
    (of_late && event.kind.rfind("membership.", 0) == 0 ? late_memberships : ops).push_back({child.value_or(""), json(), event});
  }
  ops.insert(ops.end(), late.begin(), late.end());
  ops.insert(ops.end(), late_memberships.begin(), late_memberships.end());
  return ops;
}

// A second page: only a case worker typed into B's profile (no event of B in the page).
std::vector<Op> case_worker_page(ReportFixture& source) {
  return {{source.id("B"), json{{"case_worker", "孙社工"}}, std::nullopt}};
}

std::unique_ptr<Station> empty_station(const std::string& path, ManualClock& clock) {
  Station::InitOptions options;
  options.township = "320324102";
  options.name = "王集镇未保站";
  options.user = "李芳";
  options.role = Role::Supervisor;
  return std::move(Station::create(path, options, clock)).value();
}

// Replays `ops` in one write: refreshed once at its end (bulk), or after every op.
void replay(Station& station, const std::vector<Op>& ops, bool bulk) {
  Status written = station.write([&](WriteContext& w) {
    for (const Op& op : ops) {
      if (op.event) tongdang::apply_event(w.db(), *op.event);
      else tongdang::upsert_profile(w.db(), "child", op.child_id, op.profile, "2026-11-28T10:00:00+08:00");
      if (!bulk) (void)tongdang::refresh_now(w.db());
    }
    return Status::ok();
  });
  REQUIRE(written.is_ok());
}

std::optional<std::string> state_text(db::Database& db, const std::string& child_id, const std::string& column) {
  auto query = db.prepare("SELECT " + column + " FROM child_state WHERE child_id = ?1");
  query.bind(1, child_id);
  if (!query.step()) return std::nullopt;
  return query.get_optional_text(0);
}

}  // namespace

TEST_CASE("ProjectionBatch: a write refreshed once at its end leaves the derived rows of the writes refreshed one by one", "[bulk]") {
  ScratchDir dir;
  ReportFixture source(dir.file("source.db"));
  source.build_township();
  const std::vector<Op> ops = replay_ops(source);
  REQUIRE(ops.size() > 30);

  ManualClock clock(ReportFixture::at("2026-11-28"));
  auto one_by_one = empty_station(dir.file("one_by_one.db"), clock);
  auto bulk = empty_station(dir.file("bulk.db"), clock);
  for (const auto& page : {ops, case_worker_page(source)}) {
    replay(*one_by_one, page, false);
    replay(*bulk, page, true);
  }

  const std::string expected = derived_rows(one_by_one->db());
  CHECK(derived_rows(bulk->db()) == expected);
  CHECK(table_rows(bulk->db(), "children") == table_rows(one_by_one->db(), "children"));
  CHECK(tongdang::report::verify(bulk->db()).consistent());  // rows and tallies equal a rebuild
  CHECK(tongdang::report::verify(one_by_one->db()).consistent());

  // Not vacuous: every graded child has its state, the late profiles included (D was graded and visited before
  // its profile arrived: its visit row and state exist now), and B's case worker typed into the profile counts.
  for (Station* station : {one_by_one.get(), bulk.get()}) {
    db::Database& db = station->db();
    CHECK(state_text(db, source.id("D"), "colour") == "green");
    CHECK(state_text(db, source.id("D"), "last_home_visit") == "2026-09-15");
    CHECK(state_text(db, source.id("G"), "colour") == "red");
    CHECK(state_text(db, source.id("G"), "case_worker") == "周社工");
    CHECK(state_text(db, source.id("E"), "child_id") == source.id("E"));  // registered, not graded: a state row
    CHECK(state_text(db, source.id("E"), "colour") == std::nullopt);
    CHECK(state_text(db, source.id("B"), "case_worker") == "孙社工");
    auto visits = db.prepare("SELECT count(*) FROM visits WHERE child_id = ?1");
    visits.bind(1, source.id("D"));
    REQUIRE(visits.step());
    CHECK(visits.get_int(0) == 1);
  }
  // The source station made the same writes locally, one command at a time: the same derived rows, except B's
  // case worker, which only the replay named.
  REQUIRE(source.station().write([&](WriteContext& w) {
    tongdang::upsert_profile(w.db(), "child", source.id("B"), json{{"case_worker", "孙社工"}},
                             "2026-11-28T10:00:00+08:00");
    return Status::ok();
  }).is_ok());
  CHECK(derived_rows(source.station().db()) == expected);
}

TEST_CASE("ProjectionBatch: nothing is refreshed when the write rolls back, and a nested batch defers to the first", "[bulk]") {
  ScratchDir dir;
  ReportFixture source(dir.file("source.db"));
  source.build_township();
  const std::vector<Op> ops = replay_ops(source);
  ManualClock clock(ReportFixture::at("2026-11-28"));
  auto station = empty_station(dir.file("station.db"), clock);

  // A failed write leaves nothing behind, and nothing noted leaks into the next write.
  Status failed = station->write([&](WriteContext& w) {
    for (const Op& op : ops) {
      if (op.event) tongdang::apply_event(w.db(), *op.event);
      else tongdang::upsert_profile(w.db(), "child", op.child_id, op.profile, "2026-11-28T10:00:00+08:00");
    }
    return Status::invalid("test", "roll back");
  });
  CHECK(!failed.is_ok());
  CHECK(table_rows(station->db(), "child_state") == "child_state:\n");
  CHECK(ProjectionBatch::open_on(station->db()) == nullptr);

  Status written = station->write([&](WriteContext& w) {
    {
      ProjectionBatch inner(w.db());  // the write's own batch is open: this one only forwards to it
      for (const Op& op : ops) {
        if (op.event) tongdang::apply_event(w.db(), *op.event);
        else tongdang::upsert_profile(w.db(), "child", op.child_id, op.profile, "2026-11-28T10:00:00+08:00");
      }
      CHECK(inner.flush().empty());  // the write's batch does the work: nothing yet
      CHECK(table_rows(w.db(), "child_state") == "child_state:\n");
    }
    for (const Op& op : case_worker_page(source))
      tongdang::upsert_profile(w.db(), "child", op.child_id, op.profile, "2026-11-28T10:00:00+08:00");
    return Status::ok();
  });
  REQUIRE(written.is_ok());
  CHECK(state_text(station->db(), source.id("C"), "colour") == "red");
  CHECK(state_text(station->db(), source.id("B"), "case_worker") == "孙社工");
}

namespace {

// Counts the writes of a child's workflow state row and report row from now on (temporary triggers: the count is
// what the database saw, not what the code says it did).
void count_refreshes(db::Database& db) {
  db.exec(
      "CREATE TEMP TABLE refresh_count(what TEXT PRIMARY KEY, n INTEGER NOT NULL);"
      "INSERT INTO refresh_count VALUES('state', 0), ('report', 0);"
      "CREATE TEMP TRIGGER state_insert AFTER INSERT ON main.child_state"
      " BEGIN UPDATE refresh_count SET n = n + 1 WHERE what = 'state'; END;"
      "CREATE TEMP TRIGGER state_update AFTER UPDATE ON main.child_state"
      " BEGIN UPDATE refresh_count SET n = n + 1 WHERE what = 'state'; END;"
      "CREATE TEMP TRIGGER report_insert AFTER INSERT ON main.report_child"
      " BEGIN UPDATE refresh_count SET n = n + 1 WHERE what = 'report'; END;"
      "CREATE TEMP TRIGGER report_update AFTER UPDATE ON main.report_child"
      " BEGIN UPDATE refresh_count SET n = n + 1 WHERE what = 'report'; END;");
}

std::int64_t refreshes(db::Database& db, const char* what) {
  auto query = db.prepare("SELECT n FROM refresh_count WHERE what = ?1");
  query.bind(1, what);
  REQUIRE(query.step());
  return query.get_int(0);
}

}  // namespace

TEST_CASE("ProjectionBatch: one event refreshes its child's state once and its report rows once", "[bulk]") {
  ScratchDir dir;
  ReportFixture fixture(dir.file("station.db"));
  fixture.build_township();
  Station& station = fixture.station();
  const std::string child = fixture.id("A");
  count_refreshes(station.db());

  // A visit: a workflow event of the child (its state and, from it, its report rows).
  Status visited = station.write([&](WriteContext& w) {
    Event visit;
    visit.child_id = child;
    visit.kind = "visit";
    visit.occurred_on = "2026-11-27";
    visit.payload = {{"kind", "home"}};
    tongdang::record_event(w, visit);
    return Status::ok();
  });
  REQUIRE(visited.is_ok());
  CHECK(refreshes(station.db(), "state") == 1);
  CHECK(refreshes(station.db(), "report") == 1);

  // Three events of the same child in one write: still once each.
  Status three = station.write([&](WriteContext& w) {
    for (const char* day : {"2026-11-25", "2026-11-26", "2026-11-27"}) {
      Event visit;
      visit.child_id = child;
      visit.kind = "visit";
      visit.occurred_on = day;
      visit.payload = {{"kind", "phone"}};
      tongdang::record_event(w, visit);
    }
    return Status::ok();
  });
  REQUIRE(three.is_ok());
  CHECK(refreshes(station.db(), "state") == 2);
  CHECK(refreshes(station.db(), "report") == 2);
  CHECK(tongdang::report::verify(station.db()).consistent());
}
