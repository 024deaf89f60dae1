// `/reports/coverage?as_of=YYYY-MM-DD` — 报表: the township's coverage report of core/report, the same as `tongdang
// report coverage` (report::station_report builds it for both): a date chooser, the headline figures, the printable
// report itself in an <iframe> from /reports/coverage/report.html, and the CSV from /reports/coverage.csv.
//
// Why an iframe: the report is one self-contained page with its own inline <style> (render.h), which the app's
// Content-Security-Policy refuses (style-src 'self'). Its response carries a policy of its own instead — inline
// style and nothing else: no script, no fetch, no form, framed only by this application.
#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/model/labels.h"
#include "core/report/render.h"
#include "core/report/station_report.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using i18n::edge::trf;

namespace {

// The report page's own policy (see the file comment); the app's is web/base/server.h's kContentSecurityPolicy.
constexpr const char* kReportPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'none'";

// The dates the request asks for (as_of, default today; from, default the 1st of the month), or the field at fault.
struct ReportDates {
  Date as_of;
  std::optional<Date> from;
};
Result<ReportDates> dates_of(Page& page) {
  ReportDates dates{page.station.clock().today(), std::nullopt};
  const std::string as_of = page.request.param("as_of");
  if (!as_of.empty()) {
    auto parsed = Date::parse(as_of);
    if (!parsed) return Status::invalid("as_of", i18n::tr("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"));
    dates.as_of = *parsed;
  }
  const std::string from = page.request.param("from");
  if (!from.empty()) {
    auto parsed = Date::parse(from);
    if (!parsed) return Status::invalid("from", i18n::tr("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"));
    if (*parsed > dates.as_of)
      return Status::invalid("from", i18n::tr("统计期起始日不能晚于报表日期", "the period cannot start after the report's day"));
    dates.from = *parsed;
  }
  return dates;
}

// The query string that asks for the same report.
std::string query_of(const ReportDates& dates) {
  std::string query = url("?as_of={}", dates.as_of.to_string());
  if (dates.from) query += url("&from={}", dates.from->to_string());
  return query;
}

Markup date_form(Page& page, const FormErrors& errors) {
  Html h;
  h(R"(<form class="card filters no-print" method="get" action="/reports/coverage">)");
  h("{}", input_field("as_of", tr("报表日期", "Report's day"), page.request.param("as_of"), errors,
                      {.type = "date", .hint = tr("默认今天", "default today")}));
  h("{}", input_field("from", tr("统计期起始日", "Period from"), page.request.param("from"), errors,
                      {.type = "date", .hint = tr("默认当月 1 日", "default the 1st of the month")}));
  h(R"(<div class="actions"><button type="submit" id="save">{}</button></div></form>)", tr("生成报表", "Show"));
  return std::move(h).markup();
}

std::string percent(double share) { return fmt::format("{:.1f}%", share * 100); }

// The headline figures of the township (the report below has every figure and each village).
Markup headline(const report::Report& report) {
  const report::Figures& t = report.totals;
  Html h;
  h(R"(<section class="card" id="headline"><h2>{}</h2><dl class="facts">)",
    trf("{} · 截至 {}", "{} · as of {}", report.options.scope_name, report.options.as_of.to_string()));
  h(R"(<dt>{}</dt><dd id="children">{}</dd>)", tr("在册监测儿童", "Children under monitoring"), t.children);
  h("<dt>{}</dt><dd>", tr("风险等级", "Colours"));
  for (Colour colour : {Colour::Red, Colour::Yellow, Colour::Blue, Colour::Green})
    h(R"({} <span id="colour-{}">{}</span> )", colour_badge(colour), to_string(colour),
      t.by_colour[static_cast<std::size_t>(colour)]);
  h(R"({} <span id="ungraded">{}</span></dd>)", colour_badge(std::optional<Colour>()), t.ungraded);
  h(R"(<dt>{}</dt><dd id="coverage">{}（{}/{}）</dd>)", tr("走访覆盖率", "Visit coverage"), percent(t.visit_coverage()),
    t.covered, t.graded);
  h(R"(<dt>{}</dt><dd id="overdue">{}</dd>)", tr("走访逾期", "Visits overdue"), t.overdue_total());
  h(R"(<dt>{}</dt><dd id="pending-reviews">{}</dd>)", tr("待复核等级", "Colour reviews open"), t.pending_reviews);
  h(R"(<dt>{}</dt><dd>{}</dd></dl>)", tr("本期新增 / 结案", "Registered / closed in the period"),
    trf("{} / {}", "{} / {}", t.registered_in_period, t.closed_in_period));
  if (!report.stale_stations.empty())
    h(R"(<div class="alert warn">{}</div>)", tr("数据不完整：本站在报表日期之后尚未与县中心同步。",
                                                "Incomplete: this station has not synced since the report's day."));
  h("</section>");
  return std::move(h).markup();
}

Response coverage_page(Page& page, const std::vector<std::string>&) {
  auto dates = dates_of(page);
  Html h;
  h(R"(<h1>{}</h1>)", tr("乡镇覆盖情况报表", "Township coverage report"));
  if (!dates) {
    FormErrors errors;
    errors.add(dates.status(), {"as_of", "from"});
    h("{}{}", form_errors(errors), date_form(page, errors));
    return render(page, tr("报表", "Reports"), std::move(h).markup(), Nav::Reports, 400);
  }
  // The page shows the township's headline figures, from the tallies; the villages and the overdue list are the
  // framed report's (the CSV and the whole report have all of it).
  const report::Report report = report::station_report(page.station, dates.value().as_of, dates.value().from,
                                                       {.villages = false, .overdue_list = false});
  const std::string query = query_of(dates.value());
  h("{}{}", date_form(page, {}), headline(report));
  h(R"(<p class="actions no-print"><a class="button secondary" id="csv" href="/reports/coverage.csv{}">{}</a>)"
    R"(<a class="button secondary" href="/reports/coverage/report.html{}" target="_blank" rel="noopener">{}</a>)"
    R"(<a class="button secondary" id="whole-report" href="/reports/coverage/report.html{}&amp;overdue=all")"
    R"( target="_blank" rel="noopener">{}</a></p>)",
    query, tr("下载 CSV", "Download CSV"), query, tr("在新窗口打开（打印）", "Open in a new window (print)"), query,
    tr("完整报表（含全部逾期名单）", "Whole report (every overdue child)"));
  h(R"(<iframe class="report" id="report" title="{}" src="/reports/coverage/report.html{}")"
    R"(></iframe>)",
    tr("覆盖情况报表", "Coverage report"), query);
  return render(page, tr("报表", "Reports"), std::move(h).markup(), Nav::Reports);
}

// The report rendered by core/report (HTML page or CSV), for the iframe and the download.
Response rendered(Page& page, std::string_view format) {
  auto dates = dates_of(page);
  if (!dates) return status_page(page, dates.status());
  // The HTML page lists the most urgent overdue children with the count; ?overdue=all and the CSV list every one.
  report::ReportParts parts;
  if (format == "html" && page.request.param("overdue") != "all")
    parts.overdue_html_rows = static_cast<std::size_t>(tuning::kReportOverdueRowsShown);
  const report::Report report =
      report::station_report(page.station, dates.value().as_of, dates.value().from, parts);
  Response response = Response::plain(200, *report::render(report, format));
  if (format == "html") {
    response.content_type = "text/html; charset=utf-8";
    response.header("Content-Security-Policy", kReportPolicy);
  } else {
    response.content_type = "text/csv; charset=utf-8";
    response.header("Content-Disposition",
                    fmt::format(R"(attachment; filename="coverage-{}-{}.csv")", page.station.township(),
                                dates.value().as_of.to_string()));
  }
  return response;
}

Response report_html(Page& page, const std::vector<std::string>&) { return rendered(page, "html"); }
Response report_csv(Page& page, const std::vector<std::string>&) { return rendered(page, "csv"); }

}  // namespace

void add_report_routes(Routes& routes) {
  routes.get("/reports/coverage", coverage_page);
  routes.get("/reports/coverage/report.html", report_html);
  routes.get("/reports/coverage.csv", report_csv);
}

}  // namespace tongdang::web::station
