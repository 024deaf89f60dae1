// The coverage report as one self-contained printable page: inline CSS and SVG charts, no scripts, A4 when
// printed. Only aggregates and, on a station's own report, the overdue list with masked ID numbers: never a name.
#include <algorithm>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/report/render.h"
#include "core/report/render_parts.h"

namespace tongdang::report {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using namespace parts;

namespace {

// Screen and print fills of the four colours (docs/workflow.md), and of "not graded".
constexpr std::array<const char*, 4> kColourFill = {"#2e9d4f", "#1f6fd1", "#f2b705", "#d7261e"};
constexpr const char* kUngradedFill = "#9e9e9e";

std::string esc(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Horizontal 100% stacked bars: the colour distribution of each unit.
std::string colour_chart(const std::vector<const Figures*>& units) {
  const int label_w = 170, bar_w = 520, row_h = 26, top = 30;
  const int height = top + static_cast<int>(units.size()) * row_h + 10;
  std::string svg = fmt::format(
      "<svg class=\"chart\" id=\"chart-colours\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
      label_w + bar_w + 60, height, label_w + bar_w + 60, height, esc(tr("各乡镇风险等级分布", "colour distribution")));
  int x = label_w;
  for (int c = 3; c >= 0; --c) {
    svg += fmt::format("<rect x=\"{}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"16\">{}</text>", x,
                       kColourFill[c], x + 16, esc(colour_label(c)));
    x += 80;
  }
  svg += fmt::format("<rect x=\"{}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"16\">{}</text>", x,
                     kUngradedFill, x + 16, esc(tr("未定级", "ungraded")));
  int y = top;
  for (const Figures* f : units) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label_w - 8, y + 16, esc(f->name));
    double offset = label_w;
    auto segment = [&](int n, const char* fill, const std::string& title) {
      if (f->children == 0 || n == 0) return;
      double w = static_cast<double>(bar_w) * n / f->children;
      svg += fmt::format("<rect class=\"seg\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title></rect>",
                         offset, y + 3, w, row_h - 6, fill, esc(title), n);
      offset += w;
    };
    for (int c = 3; c >= 0; --c) segment(f->by_colour[c], kColourFill[c], colour_label(c));
    segment(f->ungraded, kUngradedFill, tr("未定级", "ungraded"));
    if (f->children == 0)
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#bbb\"/>", label_w,
                         y + 3, bar_w, row_h - 6);
    svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", label_w + bar_w + 6, y + 16, f->children);
    y += row_h;
  }
  return svg + "</svg>";
}

// Horizontal bars: the visit coverage of each unit against the target line.
std::string coverage_chart(const std::vector<const Figures*>& units, double target) {
  const int label_w = 170, bar_w = 520, row_h = 26, top = 30;
  const int height = top + static_cast<int>(units.size()) * row_h + 24;
  std::string svg = fmt::format(
      "<svg class=\"chart\" id=\"chart-coverage\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
      label_w + bar_w + 70, height, label_w + bar_w + 70, height, esc(tr("走访覆盖率", "visit coverage")));
  int y = top;
  for (const Figures* f : units) {
    double coverage = f->visit_coverage();
    bool below = coverage < target;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", label_w - 8, y + 16, esc(f->name));
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#eeeeee\"/>", label_w, y + 3, bar_w, row_h - 6);
    svg += fmt::format("<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
                       label_w, y + 3, bar_w * coverage, row_h - 6, below ? kColourFill[3] : kColourFill[0],
                       percent(coverage));
    svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", label_w + bar_w + 6, y + 16,
                       f->graded == 0 ? std::string("—") : percent(coverage));
    y += row_h;
  }
  double tx = label_w + bar_w * target;
  svg += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>",
                     tx, top - 4, tx, y + 2);
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{} {}</text>", tx, top - 10,
                     esc(tr("目标", "target")), percent(target));
  return svg + "</svg>";
}

// Line: overdue children at each weekly point.
std::string trend_chart(const Figures& totals, const std::vector<Date>& days) {
  const int w = 700, h = 240, left = 50, right = 20, top = 20, bottom = 40;
  int peak = 1;
  for (int n : totals.overdue_trend) peak = std::max(peak, n);
  std::string svg = fmt::format(
      "<svg class=\"chart\" id=\"chart-trend\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">",
      w, h, w, h, esc(tr("走访逾期趋势", "overdue trend")));
  svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\"/>", left, h - bottom, w - right, h - bottom);
  svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#555\"/>", left, top, left, h - bottom);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 6, top + 4, peak);
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>", left - 6, h - bottom);
  const std::size_t n = totals.overdue_trend.size();
  std::string points;
  for (std::size_t i = 0; i < n; ++i) {
    double x = left + (n == 1 ? 0.0 : static_cast<double>(w - left - right) * i / (n - 1));
    double y = h - bottom - static_cast<double>(h - top - bottom) * totals.overdue_trend[i] / peak;
    points += fmt::format("{:.1f},{:.1f} ", x, y);
    svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"><title>{}: {}</title></circle>", x, y,
                       kColourFill[3], days[i].to_string(), totals.overdue_trend[i]);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>", x, y - 8, totals.overdue_trend[i]);
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>", x, h - bottom + 18,
                       days[i].to_string().substr(5));
  }
  svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"3\"/>", points, kColourFill[3]);
  return svg + "</svg>";
}

std::string html_table(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><thead><tr>";
  for (const auto& h : headers) out += "<th>" + esc(h) + "</th>";
  out += "</tr></thead><tbody>";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& c : row) out += "<td>" + esc(c) + "</td>";
    out += "</tr>";
  }
  return out + "</tbody></table>";
}

std::string h2(const std::string& text) { return "<h2>" + esc(text) + "</h2>\n"; }

// From the doctype to the opening <body>: the title and the page's style, for the screen and for print.
std::string page_head(const std::string& title) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"" + std::string(i18n::language() == i18n::Lang::Zh ? "zh-CN" : "en") +
         "\"><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>\n";
  out += R"css(<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei","Microsoft YaHei",sans-serif;margin:24px;color:#222}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:22px 0 8px;border-bottom:2px solid #333}
.stamp{padding:8px 12px;margin:10px 0;border:2px solid #2e9d4f;background:#eef8f0}
.stamp.incomplete{border-color:#d7261e;background:#fdeceb;font-weight:bold}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #999;padding:3px 7px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f0f0f0}
svg.chart text{font-size:12px;fill:#222}.meta{color:#555;font-size:13px}
@media print{body{margin:10mm}.chart,table{page-break-inside:avoid}h2{page-break-after:avoid}
 .stamp{-webkit-print-color-adjust:exact;print-color-adjust:exact}svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
@page{size:A4;margin:12mm}
</style></head><body>
)css";
  return out;
}

// The title, the report's day and policy, and the completeness stamp (red when incomplete).
std::string heading(const Report& r, const std::string& title) {
  std::string out = "<h1>" + esc(title) + "</h1>\n";
  out += "<p class=\"meta\">" +
         esc(trf("截至 {}（统计期 {} 至 {}）；政策版本 {}；生成于 {}", "As of {} (period {} to {}); policy {}; made {}",
                 r.options.as_of.to_string(), r.period_from.to_string(), r.options.as_of.to_string(), r.policy_version,
                 r.options.generated_at)) +
         "</p>\n";
  bool complete = !r.stations.empty() && r.stale_stations.empty();
  out += std::string("<p class=\"stamp") + (complete ? "" : " incomplete") + "\" id=\"completeness\">" +
         esc(completeness_line(r)) + "</p>\n";
  return out;
}

std::string summary_section(const Figures& t) {
  return h2(tr("概况", "Summary")) +
         html_table({tr("在册儿童", "children"), tr("已定级", "graded"), tr("走访覆盖率", "visit coverage"),
                     tr("走访逾期", "visits overdue"), tr("已升级督办", "escalated"), tr("复评逾期", "reassessments overdue"),
                     tr("红黄最低帮扶达标率", "red/yellow minimum plan")},
                    {{std::to_string(t.children), std::to_string(t.graded), t.graded ? percent(t.visit_coverage()) : "—",
                      std::to_string(t.overdue_total()), std::to_string(t.escalations_open),
                      std::to_string(t.reassess_overdue), percent_of(t.minimum_plan_met, t.red_yellow)}});
}

// The three charts: colours and coverage by unit, and the weekly overdue trend.
std::string charts_section(const Report& r, const std::vector<const Figures*>& units, bool station) {
  const char* unit_word = station ? tr("各村(居)", "each village") : tr("各乡镇", "each township");
  std::string out;
  out += h2(trf("{}风险等级分布", "Colour distribution, {}", unit_word)) + colour_chart(units) + "\n";
  out += h2(trf("{}走访覆盖率（虚线为目标 {}）", "Visit coverage, {} (dashed line: target {})", unit_word,
                percent(r.coverage_target))) +
         coverage_chart(units, r.coverage_target) + "\n";
  out += h2(tr("走访逾期趋势（每周）", "Overdue visits, weekly trend")) + trend_chart(r.totals, r.trend_days) + "\n";
  return out;
}

std::vector<std::string> unit_cells(const Figures& f, const std::string& name) {
  return {name, std::to_string(f.children), std::to_string(f.by_colour[3]),
          std::to_string(f.by_colour[2]), std::to_string(f.by_colour[1]),
          std::to_string(f.by_colour[0]), std::to_string(f.ungraded),
          f.graded ? percent(f.visit_coverage()) : "—", std::to_string(f.overdue_total()),
          std::to_string(f.escalations_open), std::to_string(f.reassess_overdue),
          percent_of(f.minimum_plan_met, f.red_yellow),
          std::to_string(f.registered_in_period), std::to_string(f.closed_in_period)};
}

// One row per unit of the charts, then the total.
std::string units_section(const Report& r, const std::vector<const Figures*>& units, bool station) {
  Rows rows;
  for (const Figures* f : units) rows.push_back(unit_cells(*f, f->name == f->code ? f->code : f->name + " " + f->code));
  rows.push_back(unit_cells(r.totals, tr("合计", "total")));
  return h2(tr("分项数据", "Figures by unit")) +
         html_table({station ? tr("村(居)", "village") : tr("乡镇(街道)", "township"), tr("在册", "children"),
                     colour_label(3), colour_label(2), colour_label(1), colour_label(0), tr("未定级", "ungraded"),
                     tr("走访覆盖率", "coverage"), tr("走访逾期", "overdue"), tr("已升级督办", "escalated"),
                     tr("复评逾期", "reassess overdue"), tr("最低帮扶", "min. plan"), tr("本期新增", "new"),
                     tr("本期结案", "closed")},
                    rows) +
         "\n";
}

std::string categories_section(const Figures& t) {
  return h2(tr("儿童类别", "Categories")) +
         html_table({tr("类别", "category"), tr("人数", "children"), tr("占比", "share")}, category_rows(t)) + "\n";
}

std::string screening_section(const Figures& t) {
  Rows rows = screening_step_rows(t);
  rows.push_back({tr("本期调高", "raised in period"), std::to_string(t.raises_in_period)});
  rows.push_back({tr("本期调低", "lowered in period"), std::to_string(t.lowerings_in_period)});
  rows.push_back({tr("待审核事项", "pending reviews"), std::to_string(t.pending_reviews)});
  return h2(tr("三步排查与定级", "Screening and grading")) +
         html_table({tr("指标", "figure"), tr("数值", "value")}, rows) + "\n";
}

std::string stations_section(const Report& r) {
  Rows rows;
  for (const auto& s : r.stations) {
    rows.push_back({s.name.empty() ? s.station_id : s.name, s.township, last_sync_text(s),
                    is_stale(r, s) ? tr("未在截至日同步", "not synced on as-of day") : tr("已同步", "current"),
                    s.oldest_unsent.value_or("—"), std::to_string(s.open_conflicts), std::to_string(s.rejected_changes)});
  }
  return h2(tr("站点同步情况", "Station sync")) +
         html_table({tr("站点", "station"), tr("乡镇", "township"), tr("最近成功同步", "last successful sync"),
                     tr("状态", "state"), tr("最早未上传", "oldest unsent"), tr("未解决冲突", "open conflicts"),
                     tr("被拒变更", "rejected changes")},
                    rows) +
         "\n";
}

std::string overdue_section(const Report& r) {
  Rows rows;
  const std::size_t total = r.overdue_children.size();
  const std::size_t shown = r.options.overdue_html_rows > 0 ? std::min(total, r.options.overdue_html_rows) : total;
  for (std::size_t i = 0; i < shown; ++i) rows.push_back(overdue_child_cells(r.overdue_children[i]));
  // A capped list says so, with where the rest is: the page stays light on a township with thousands overdue.
  const std::string note =
      shown < total ? "<p class=\"meta\" id=\"overdue-shown\">" +
                          esc(trf("共 {} 名儿童走访逾期，此处列出最紧急的前 {} 名；完整名单见 CSV 下载或完整报表。",
                                  "{} children are overdue; the {} most urgent are listed here, the whole list is in "
                                  "the CSV and in the whole report.",
                                  total, shown)) +
                          "</p>\n"
                    : std::string();
  return h2(tr("走访逾期名单（身份证号已脱敏）", "Overdue visits (ID numbers masked)")) + note +
         html_table({tr("身份证号", "ID number"), tr("村(居)", "village"), tr("风险等级", "colour"), tr("应访日期", "due"),
                     tr("逾期天数", "days overdue"), tr("已升级督办", "escalated")},
                    rows) +
         "\n";
}

}  // namespace

std::string to_html(const Report& r) {
  // A station's page charts its villages (when it has any); a county's, its townships.
  std::vector<const Figures*> units = unit_rows(r, false);
  const bool station = r.options.level == ScopeLevel::Township;
  if (station && !r.villages.empty()) units = unit_rows(r, true);
  const std::string title = trf("困境儿童覆盖情况报表 — {}", "Coverage report — {}", scope_title(r));
  std::string out = page_head(title);
  out += heading(r, title);
  out += summary_section(r.totals);
  out += charts_section(r, units, station);
  out += units_section(r, units, station);
  out += categories_section(r.totals);
  out += screening_section(r.totals);
  out += stations_section(r);
  if (r.options.overdue_list) out += overdue_section(r);
  out += "</body></html>\n";
  return out;
}

}  // namespace tongdang::report
