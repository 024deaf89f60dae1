// tongdang-server report coverage | rebuild | check: the county's coverage report from the central store, one row per
// township, stamped with each station's last successful sync so a silent station is never mistaken for a covered
// one. The engine is core's report.h, the same as a station's; every read goes through CentralStore.
#include "report_commands.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "command_line.h"
#include "core/base/i18n.h"
#include "core/model/division.h"
#include "core/projection/report_rows.h"
#include "core/report/render.h"
#include "sync/server/sqlite/sqlite_central_store.h"

namespace tongdang::server_cli {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

namespace {

struct CoverageArgs {
  std::string as_of, from, format, out;
};

using Check = std::function<void(const Status&)>;

// Builds the county's report from the store and writes it to the screen or to --out.
void run_coverage(const std::string& db_path, bool as_json, const Check& check, const CoverageArgs& args) {
  auto day = [&check](const std::string& text, const char* field) {
    auto date = Date::parse(text);
    if (!date) check(Status::invalid(field, tr("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD")));
    return *date;
  };
  auto store = sync::open_sqlite_store(db_path);  // migrates the file if needed
  check(store.status());
  const std::string county = store.value()->identity().county;
  report::Options options;
  options.level = report::ScopeLevel::County;
  options.scope_code = county;
  const County* known = Divisions::bundled().county(county);
  options.scope_name = known ? known->name : store.value()->identity().name;
  options.as_of = args.as_of.empty() ? process_clock().today() : day(args.as_of, "as-of");
  if (!args.from.empty()) options.period_from = day(args.from, "from");
  options.generated_at = process_clock().now_iso();
  options.source = "server";
  options.overdue_list = false;  // county aggregates: no child is ever listed
  report::Report built = store.value()->coverage_report(options);
  const std::string format = args.format.empty() ? (as_json ? "json" : "table") : args.format;
  const std::string text = *report::render(built, format);
  if (args.out.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  if (!out) check(Status::invalid("out", trf("无法写入 {}", "cannot write {}", args.out)));
  out << text;
  if (!out.flush()) check(Status::internal(trf("写入 {} 失败", "writing {} failed", args.out)));
  if (!as_json) std::cerr << trf("报表已写入 {}\n", "report written to {}\n", args.out);
}

void add_coverage(CLI::App& report, const std::string& db_path, const bool& as_json, const Check& check) {
  auto args = std::make_shared<CoverageArgs>();
  auto* coverage =
      report.add_subcommand("coverage", tr("全县覆盖情况报表，按乡镇", "the county's coverage report, per township"));
  coverage->add_option("--as-of", args->as_of,
                       tr("报表日期 YYYY-MM-DD（默认今天）", "the report's day, YYYY-MM-DD (default today)"));
  coverage->add_option(
      "--from", args->from,
      tr("统计期的第一天（默认报表日期当月 1 日）", "first day of the period (default the 1st of the as-of month)"));
  cli::one_of_option(coverage->add_option("--format", args->format,
                                          tr("table、csv、json 或 html（默认 table；加 --json 时为 json）",
                                             "table, csv, json or html (default table; json with --json)")),
                     {"table", "csv", "json", "html"});
  coverage->add_option("--out", args->out,
                       tr("写入该文件，而不是显示在屏幕上", "write to this file instead of the screen"));
  coverage->callback([&db_path, &as_json, check, args] { run_coverage(db_path, as_json, check, *args); });
}

void add_rebuild(CLI::App& report, const std::string& db_path, const bool& as_json, const Check& check) {
  auto* rebuild = report.add_subcommand("rebuild", tr("由原始记录重新计算全部报表数据（检查用）",
                                                      "recompute every report row from the records (for checks)"));
  rebuild->callback([&db_path, &as_json, check] {
    auto store = sync::open_sqlite_store(db_path);
    check(store.status());
    int children = store.value()->rebuild_report();
    if (as_json) std::cout << nlohmann::json{{"children", children}}.dump() << "\n";
    else std::cout << trf("已重建 {} 名儿童的报表数据\n", "rebuilt the report rows of {} children\n", children);
  });
}

void add_check(CLI::App& report, const std::string& db_path, const bool& as_json, const Check& check) {
  auto* verify = report.add_subcommand(
      "check", tr("核对报表数据和汇总与重新计算的结果是否一致（不作修改）",
                  "check that the maintained report rows and tallies equal a rebuild, changing nothing"));
  verify->callback([&db_path, &as_json, check] {
    auto store = sync::open_sqlite_store(db_path);
    check(store.status());
    const report::Verification checked = store.value()->check_report();
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

}  // namespace

void register_report_commands(CLI::App& app, const std::string& db_path, const bool& as_json, const Check& check) {
  auto* report = app.add_subcommand("report", tr("全县覆盖情况报表", "county coverage reports"));
  report->require_subcommand(1);
  add_coverage(*report, db_path, as_json, check);
  add_rebuild(*report, db_path, as_json, check);
  add_check(*report, db_path, as_json, check);
}

}  // namespace tongdang::server_cli
