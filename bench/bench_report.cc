// Coverage-report benchmark (docs/reports.md): builds a county of 50,000 children and a province-sized store of 600,000
// children, each with a year of events (fixtures/gen: report_workload.h), rebuilds the projections over them, then
// times the report itself — the county's, and on the province store one county's and the whole province's — and
// the cost a single change pays to keep the report rows current. Figures: docs/benchmarks.md "Reports".
//
//   ./build/bench_report [--county 50000] [--province 600000] [--dir /tmp] [--runs 5] [--reuse]
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/projection/report_rows.h"
#include "core/projection/workflow_state.h"
#include "core/report/render.h"
#include "core/store/events.h"
#include "core/store/station.h"
#include "core/workflow/workflow.h"
#include "tongdang/fixtures/report_workload.h"

using namespace tongdang;
using Stopwatch = std::chrono::steady_clock;

namespace {

double seconds_since(Stopwatch::time_point start) {
  return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

struct Timing {
  double median_ms = 0;
  double min_ms = 0;
};

Timing time_report(db::Database& db, const report::Options& options, int runs, report::Report* out = nullptr) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto start = Stopwatch::now();
    report::Report r = report::build(db, options, {});
    ms.push_back(seconds_since(start) * 1000);
    if (out && i == 0) *out = std::move(r);
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

// Writes the workload into a fresh store and rebuilds its projections and report rows.
void build_store(db::Database& db, const std::string& label, const std::vector<std::string>& townships, int children,
                 bool workflow_rebuild) {
  fixtures::ReportWorkload w;
  w.children = children;
  w.townships = townships;
  auto start = Stopwatch::now();
  auto counts = fixtures::write_report_workload(db, w);
  double load = seconds_since(start);
  std::cout << fmt::format("{}: {} children, {} events over {} townships written in {:.1f} s ({:.0f} events/s)\n", label,
                           counts.children, counts.events, townships.size(), load, counts.events / load);

  if (workflow_rebuild) {
    start = Stopwatch::now();
    {
      db::Transaction tx(db);
      // child_state, care measures …; the report rows are rebuilt just below.
      refresh_all_workflow_state(db);
      tx.commit();
    }
    double projections = seconds_since(start);
    std::cout << fmt::format("  projections rebuilt (workflow + report rows): {:.1f} s ({:.0f} children/s)\n",
                             projections, counts.children / projections);
  } else {
    std::cout << "  workflow projections not rebuilt (see --province-workflow): care figures read as empty\n";
  }
  start = Stopwatch::now();
  int rebuilt = report::rebuild(db);
  double rebuild = seconds_since(start);
  std::int64_t spans = 0;
  {
    auto count = db.prepare("SELECT count(*) FROM report_span");
    count.step();
    spans = count.get_int(0);
  }
  std::int64_t tally_rows = 0;
  {
    auto count = db.prepare("SELECT count(*) FROM report_tally");
    count.step();
    tally_rows = count.get_int(0);
  }
  std::cout << fmt::format("  report rebuild alone: {} children in {:.1f} s ({:.0f} children/s); {} span rows, {} tally "
                           "rows\n", rebuilt, rebuild, rebuilt / rebuild, spans, tally_rows);
  db.exec("ANALYZE");
  // Fold the bulk load's write-ahead log into the database now, so the first timed commit below does not pay for
  // checkpointing gigabytes.
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void run(const std::string& label, const std::string& path, const std::vector<std::string>& townships, int children,
         const std::vector<std::pair<report::ScopeLevel, std::string>>& scopes, int runs, bool workflow_rebuild,
         bool reuse) {
  ManualClock clock(midnight_cst_ms(Date(2026, 11, 28)) + 10LL * 3600 * 1000);
  std::unique_ptr<Station> station;
  if (reuse && std::filesystem::exists(path)) {
    station = std::move(Station::open(path, clock)).value();
    std::cout << label << ": reusing " << path << "\n";
  } else {
    reuse = false;
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    Station::InitOptions init{townships.front(), "bench", "bench", Role::Supervisor, {}};
    station = std::move(Station::create(path, init, clock)).value();
  }
  db::Database& db = station->db();
  db.exec("PRAGMA cache_size = -262144");  // 256 MiB: a server's page cache, not a laptop's default 2 MiB
  if (!reuse) build_store(db, label, townships, children, workflow_rebuild);


  for (const auto& [level, code] : scopes) {
    report::Options options;
    options.level = level;
    options.scope_code = code;
    options.scope_name = code;
    options.as_of = Date(2026, 11, 28);
    report::Report first;
    Timing t = time_report(db, options, runs, &first);
    // The same report read from the span rows instead of the tallies (what every report cost before them).
    report::Options rows = options;
    rows.method = report::Method::Rows;
    report::Report from_rows;
    Timing r = time_report(db, rows, std::min(runs, 3), &from_rows);
    const bool same = report::to_json(from_rows) == report::to_json(first);
    auto render_start = Stopwatch::now();
    std::string html = report::to_html(first);
    std::string json = report::to_json(first).dump();
    double render_ms = seconds_since(render_start) * 1000;
    std::cout << fmt::format(
        "  report {} {}: {} children under monitoring, {} townships: median {:.0f} ms (min {:.0f} ms) over {} runs = "
        "{:.0f} children/s; JSON + HTML rendered in {:.0f} ms ({} KiB HTML)\n",
        level == report::ScopeLevel::Province ? "province" : "county", code, first.totals.children,
        first.townships.size(), t.median_ms, t.min_ms, runs, first.totals.children / (t.median_ms / 1000), render_ms,
        html.size() / 1024);
    std::cout << fmt::format("    read from the span rows instead: median {:.0f} ms ({:.1f}x the tallies); same figures: {}; "
                             "target < 1000 ms: {}\n",
                             r.median_ms, r.median_ms / t.median_ms, same ? "yes" : "NO", t.median_ms < 1000 ? "met" : "NOT met");
  }

  // Keeping the rows current: home visits recorded one per transaction, as a director records them.
  const int changes = 500;
  std::vector<std::string> ids;
  {
    auto query = db.prepare("SELECT id FROM children WHERE township = ?1 LIMIT ?2");
    query.bind(1, townships.front()).bind(2, changes);
    while (query.step()) ids.push_back(query.get_text(0));
  }
  auto start = Stopwatch::now();
  for (const auto& id : ids) {
    NewVisit visit;
    visit.on = Date(2026, 11, 28);
    auto added = add_visit(*station, id, visit);
    if (!added) std::cerr << added.status().to_string() << "\n";
  }
  double per_change = seconds_since(start) / static_cast<double>(ids.size());
  std::cout << fmt::format("  one home visit recorded (event + workflow projection + report rows, one commit): {:.2f} ms "
                           "({:.0f} changes/s)\n",
                           per_change * 1000, 1 / per_change);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"coverage report benchmark"};
  int county = 50'000, province = 600'000, runs = 5;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--county", county, "children in the county store (0: skip)");
  app.add_option("--province", province, "children in the province store (0: skip)");
  app.add_option("--dir", dir, "where to build the stores");
  app.add_option("--runs", runs, "report runs per scope (the median is printed)");
  bool province_workflow = false;
  app.add_flag("--province-workflow", province_workflow,
               "also rebuild the workflow projections of the province store (minutes; the report rows do not need it)");
  bool reuse = false;
  app.add_flag("--reuse", reuse, "time the reports on the stores a previous run left in --dir (no rebuild)");
  CLI11_PARSE(app, argc, argv);
  try {
    if (county > 0)
      run("county 睢宁县 320324", dir + "/bench-report-county.db", fixtures::county_townships("320324"), county,
          {{report::ScopeLevel::County, "320324"}}, runs, true, reuse);
    if (province > 0) {
      std::vector<std::string> counties;
      // Every bundled county code: the township table's counties.
      for (int prefecture = 1; prefecture <= 13; ++prefecture)
        for (int c = 1; c <= 99; ++c) {
          std::string code = fmt::format("32{:02}{:02}", prefecture, c);
          if (Divisions::bundled().county(code)) counties.push_back(code);
        }
      run(fmt::format("province ({} counties)", counties.size()), dir + "/bench-report-province.db",
          fixtures::province_townships(counties), province,
          {{report::ScopeLevel::County, "320324"}, {report::ScopeLevel::Province, "32"}}, runs, province_workflow,
          reuse);
    }
  } catch (const std::exception& error) {
    std::cerr << "bench_report: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
