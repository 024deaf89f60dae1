// tongdang-server report coverage | rebuild | check: the county's coverage report (issue 5) from the central store, one
// row per township, stamped with each station's last successful sync so a silent station is never mistaken for a
// covered one. The engine is core's report.h, the same as a station's.
#include "report_commands.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "core/base/i18n.h"
#include "core/db/sqlite.h"
#include "core/model/division.h"
#include "core/projection/report_rows.h"
#include "core/report/render.h"
#include "sync/server/sqlite/sqlite_central_store.h"

namespace tongdang::server_cli {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

namespace {

// Each station the server knows: its township, its last successful sync (the last pull answered 200 — a station
// pushes before it pulls, so its changes up to then are in), the conflicts open in its township and the changes
// of its that were refused. The oldest unsent change is only known on the station itself.
std::vector<report::StationHealth> station_health(db::Database& db) {
  std::vector<report::StationHealth> out;
  auto stations = db.prepare("SELECT station_id, township FROM server_stations ORDER BY township, station_id");
  auto last_sync = db.prepare(
      "SELECT max(at) FROM request_audit WHERE station_id = ?1 AND http_status = 200 AND endpoint LIKE '%/sync/pull%'");
  auto conflicts = db.prepare("SELECT count(*) FROM conflicts WHERE township = ?1 AND status = 'open'");
  auto rejected = db.prepare("SELECT count(*) FROM server_rejections WHERE station_id = ?1");
  while (stations.step()) {
    report::StationHealth h;
    h.station_id = stations.get_text(0);
    h.township = stations.get_text(1);
    const Township* township = Divisions::bundled().township(h.township);
    h.name = (township ? township->name : h.township) + tr("未保站", " station");
    last_sync.bind(1, h.station_id);
    if (last_sync.step()) h.last_sync = last_sync.get_optional_text(0);
    last_sync.reset();
    conflicts.bind(1, h.township);
    if (conflicts.step()) h.open_conflicts = static_cast<int>(conflicts.get_int(0));
    conflicts.reset();
    rejected.bind(1, h.station_id);
    if (rejected.step()) h.rejected_changes = static_cast<int>(rejected.get_int(0));
    rejected.reset();
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace

void register_report_commands(CLI::App& app, const std::string& db_path, const bool& as_json,
                              const std::function<void(const Status&)>& check) {
  auto* report = app.add_subcommand("report", "county coverage reports (全县覆盖情况报表)");
  report->require_subcommand(1);

  struct Args {
    std::string as_of, from, format, out;
  };
  auto args = std::make_shared<Args>();
  auto* coverage = report->add_subcommand("coverage", "the county's coverage report, per township");
  coverage->add_option("--as-of", args->as_of, "the report's day, YYYY-MM-DD (default today)");
  coverage->add_option("--from", args->from, "first day of the period (default the 1st of the as-of month)");
  coverage->add_option("--format", args->format, "table, csv, json or html (default table; json with --json)")
      ->check(CLI::IsMember({"table", "csv", "json", "html"}));
  coverage->add_option("--out", args->out, "write to this file instead of the screen");
  coverage->callback([&db_path, &as_json, check, args] {
    auto day = [&check](const std::string& text, const char* field) {
      auto date = Date::parse(text);
      if (!date) check(Status::invalid(field, tr("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD")));
      return *date;
    };
    auto store = sync::open_sqlite_store(db_path);  // migrates the file if needed
    check(store.status());
    const std::string county = store.value()->identity().county;
    db::Database db(db_path, db::Database::Mode::ReadOnly);
    report::Options options;
    options.level = report::ScopeLevel::County;
    options.scope_code = county;
    const County* known = Divisions::bundled().county(county);
    options.scope_name = known ? known->name : store.value()->identity().name;
    options.as_of = args->as_of.empty() ? process_clock().today() : day(args->as_of, "as-of");
    if (!args->from.empty()) options.period_from = day(args->from, "from");
    options.generated_at = process_clock().now_iso();
    options.source = "server";
    options.overdue_list = false;  // county aggregates: no child is ever listed
    report::Report built = report::build(db, options, station_health(db));
    const std::string format = args->format.empty() ? (as_json ? "json" : "table") : args->format;
    const std::string text = *report::render(built, format);
    if (args->out.empty()) {
      std::cout << text;
      return;
    }
    std::ofstream out(args->out, std::ios::binary | std::ios::trunc);
    if (!out) check(Status::invalid("out", trf("无法写入 {}", "cannot write {}", args->out)));
    out << text;
    if (!out.flush()) check(Status::internal(trf("写入 {} 失败", "writing {} failed", args->out)));
    if (!as_json) std::cerr << trf("报表已写入 {}\n", "report written to {}\n", args->out);
  });

  auto* rebuild = report->add_subcommand("rebuild", "recompute every report row from the records (for checks)");
  rebuild->callback([&db_path, &as_json, check] {
    auto store = sync::open_sqlite_store(db_path);
    check(store.status());
    db::Database db(db_path, db::Database::Mode::ReadWrite);
    int children = report::rebuild(db);
    if (as_json) std::cout << nlohmann::json{{"children", children}}.dump() << "\n";
    else std::cout << trf("已重建 {} 名儿童的报表数据\n", "rebuilt the report rows of {} children\n", children);
  });

  auto* verify = report->add_subcommand(
      "check", "check that the maintained report rows and tallies equal a rebuild, changing nothing");
  verify->callback([&db_path, &as_json, check] {
    auto store = sync::open_sqlite_store(db_path);
    check(store.status());
    db::Database db(db_path, db::Database::Mode::ReadWrite);
    const report::Verification checked = report::verify(db);
    if (as_json) {
      std::cout << nlohmann::json{{"children", checked.children}, {"consistent", checked.consistent()},
                                  {"differing", checked.differing}}
                       .dump()
                << "\n";
    } else if (checked.consistent()) {
      std::cout << trf("报表数据与重建结果一致（{} 名儿童）\n", "the report rows equal a rebuild ({} children)\n",
                       checked.children);
    }
    check(report::verification_status(checked));
  });
}

}  // namespace tongdang::server_cli
