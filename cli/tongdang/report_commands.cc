// tongdang report coverage | rebuild | check: the township's coverage report from the station's own (synced) data,
// stamped with how current that data is (the station's last successful sync). The engine is core's report.h.
#include <fstream>

#include "command_line.h"
#include "context.h"
#include "core/base/i18n.h"
#include "core/model/division.h"
#include "core/projection/report_rows.h"
#include "core/report/render.h"
#include "core/report/station_report.h"
#include "core/store/station_health.h"

namespace tongdang::cli {
namespace {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

Date day_option(const std::string& text, const char* field) {
  auto date = Date::parse(text);
  if (!date) throw CommandFailed{Status::invalid(field, tr("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"))};
  return *date;
}

// Writes `text` to `path` (or stdout when empty).
void write_report_output(const std::string& text, const std::string& path) {
  if (path.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw CommandFailed{Status::invalid("out", trf("无法写入 {}", "cannot write {}", path))};
  out << text;
  if (!out.flush()) throw CommandFailed{Status::internal(trf("写入 {} 失败", "writing {} failed", path))};
}

void add_report_coverage(CLI::App& report, Context& context) {
  auto* coverage = report.add_subcommand(
      "coverage", tr("乡镇覆盖情况报表，按村(居)", "the township's coverage report, per village"));
  auto as_of = std::make_shared<std::string>();
  auto from = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  coverage->add_option("--as-of", *as_of,
                       tr("报表日期 YYYY-MM-DD（默认今天）", "the report's day, YYYY-MM-DD (default today)"));
  coverage->add_option("--from", *from,
                       tr("“新增”“结案”和等级变化统计期的第一天（默认当月 1 日）",
                          "first day of the period for 'new', 'closed', colour changes (default the 1st)"));
  one_of_option(coverage->add_option("--format", *format,
                                     tr("table、csv、json 或 html（默认 table；加 --json 时为 json）",
                                        "table, csv, json or html (default table; json with --json)")),
                {"table", "csv", "json", "html"});
  coverage->add_option("--out", *out, tr("写入该文件，而不是显示在屏幕上", "write to this file instead of the screen"));
  coverage->callback([&context, as_of, from, format, out] {
    Station& station = context.open();
    const Date day = as_of->empty() ? station.clock().today() : day_option(*as_of, "as-of");
    std::optional<Date> period_from;
    if (!from->empty()) period_from = day_option(*from, "from");
    report::Report built = report::station_report(station, day, period_from);
    std::string chosen = format->empty() ? (context.json ? "json" : "table") : *format;
    write_report_output(*report::render(built, chosen), *out);
    if (!out->empty() && !context.json)
      std::cerr << trf("报表已写入 {}\n", "report written to {}\n", *out);
  });
}

void add_report_rebuild(CLI::App& report, Context& context) {
  auto* rebuild = report.add_subcommand("rebuild", tr("由原始记录重新计算全部报表数据（检查用）",
                                                      "recompute every report row from the records (for checks)"));
  rebuild->callback([&context] {
    Station& station = context.open();
    int children = report::rebuild(station.db());
    if (context.json) context.print_json({{"children", children}});
    else std::cout << trf("已重建 {} 名儿童的报表数据\n", "rebuilt the report rows of {} children\n", children);
  });
}

void add_report_check(CLI::App& report, Context& context) {
  auto* verify =
      report.add_subcommand("check", tr("核对报表数据与重新计算的结果是否一致（不作修改）",
                                        "check that the maintained report rows equal a rebuild, changing nothing"));
  verify->callback([&context] {
    Station& station = context.open();
    const report::Verification checked = report::verify(station.db());
    if (context.json) {
      context.print_json({{"children", checked.children}, {"consistent", checked.consistent()},
                          {"differing", checked.differing}});
    } else if (checked.consistent()) {
      std::cout << trf("报表数据与重建结果一致（{} 名儿童）\n", "the report rows equal a rebuild ({} children)\n",
                       checked.children);
    }
    if (!checked.consistent()) context.check(report::verification_status(checked));
  });
}

}  // namespace

void register_report_commands(CLI::App& app, Context& context) {
  auto* report = app.add_subcommand("report", tr("覆盖情况报表", "coverage reports"));
  report->require_subcommand(1);
  add_report_coverage(*report, context);
  add_report_rebuild(*report, context);
  add_report_check(*report, context);
}

}  // namespace tongdang::cli
