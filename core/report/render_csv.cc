// The coverage report as CSV for spreadsheets: one row per unit (the totals, each township, each village), then the
// stations' sync health and, on a station's own report, the overdue list with masked ID numbers. UTF-8 with a
// byte-order mark and CRLF line ends, as Excel expects.
#include <fmt/format.h>

#include "core/base/csv.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/report/render.h"
#include "core/report/render_parts.h"

namespace tongdang::report {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using namespace parts;

namespace {

std::string csv_line(const std::vector<std::string>& cells) {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';  // appended separately: g++ 12 -O3 warns falsely (-Wrestrict) on "," + std::string
    out += csv_cell(cells[i]);
  }
  return out + "\r\n";
}

std::vector<std::string> figure_headers() {
  std::vector<std::string> headers = {tr("层级", "level"), tr("代码", "code"), tr("名称", "name"), tr("截至日期", "as of"),
                                      tr("在册儿童", "children")};
  for (int c = 3; c >= 0; --c) headers.push_back(colour_label(c));
  headers.push_back(tr("未定级", "ungraded"));
  for (Category category : all_categories()) headers.push_back(i18n::label(to_string(category)));
  for (const char* h :
       {tr("本期新增", "registered in period"), tr("本期结案", "closed in period"), tr("已定级", "graded"),
        tr("复评逾期", "reassessments overdue"), tr("本期调高", "raises in period"), tr("本期调低", "lowerings in period"),
        tr("待审核", "pending reviews"), tr("按期走访人数", "visited within interval"), tr("走访覆盖率", "visit coverage")})
    headers.push_back(h);
  for (int c = 3; c >= 0; --c) headers.push_back(trf("走访逾期-{}", "overdue {}", colour_label(c)));
  for (int b = 0; b < 3; ++b) headers.push_back(trf("逾期{}", "overdue {}", age_label(b)));
  for (const char* h : {tr("已升级督办", "escalations open"), tr("红黄儿童", "red and yellow"),
                        tr("达到最低帮扶", "minimum plan met"), tr("最低帮扶达标率", "minimum plan share"),
                        tr("在办-入户核查", "open: verification"), tr("在办-审核认定", "open: review"),
                        tr("在办-县级认定", "open: confirmation"),
                        tr("本期办结环节", "steps completed"), tr("按时办结", "completed on time")})
    headers.push_back(h);
  return headers;
}

// The cells of one unit, in figure_headers() order.
std::vector<std::string> figure_cells(const Report& r, const char* level, const Figures& f) {
  std::vector<std::string> cells = {level, f.code, f.name, r.options.as_of.to_string(), std::to_string(f.children)};
  for (int c = 3; c >= 0; --c) cells.push_back(std::to_string(f.by_colour[c]));
  cells.push_back(std::to_string(f.ungraded));
  for (Category category : all_categories()) cells.push_back(std::to_string(children_in(f, category)));
  for (int n : {f.registered_in_period, f.closed_in_period, f.graded, f.reassess_overdue, f.raises_in_period,
                f.lowerings_in_period, f.pending_reviews, f.covered})
    cells.push_back(std::to_string(n));
  cells.push_back(fmt::format("{:.4f}", f.visit_coverage()));
  for (int c = 3; c >= 0; --c) cells.push_back(std::to_string(f.overdue[c]));
  for (int b = 0; b < 3; ++b) cells.push_back(std::to_string(f.overdue_by_days[b]));
  cells.push_back(std::to_string(f.escalations_open));
  cells.push_back(std::to_string(f.red_yellow));
  cells.push_back(std::to_string(f.minimum_plan_met));
  cells.push_back(fmt::format("{:.4f}", f.minimum_plan_share()));
  // every step, as `screen pending` lists them
  for (const ScreeningStep step : kScreeningSteps) cells.push_back(std::to_string(steps_open(f, step)));
  cells.push_back(std::to_string(f.steps_done_in_period));
  cells.push_back(std::to_string(f.steps_done_on_time));
  return cells;
}

// After a blank line: each station's sync health, then the completeness stamp.
std::string station_lines(const Report& r) {
  std::string out = "\r\n" + csv_line({tr("站点", "station"), tr("乡镇", "township"),
                                       tr("最近成功同步", "last successful sync"), tr("截至日已同步", "synced on as-of day"),
                                       tr("最早未上传", "oldest unsent"), tr("未解决冲突", "open conflicts"),
                                       tr("被拒变更", "rejected changes")});
  for (const auto& s : r.stations) {
    out += csv_line({s.name.empty() ? s.station_id : s.name, s.township, last_sync_text(s),
                     is_stale(r, s) ? tr("否", "no") : tr("是", "yes"), s.oldest_unsent.value_or(""),
                     std::to_string(s.open_conflicts), std::to_string(s.rejected_changes)});
  }
  return out + csv_line({completeness_line(r)});
}

// After a blank line: the overdue list.
std::string overdue_lines(const Report& r) {
  std::string out = "\r\n" + csv_line({tr("身份证号（脱敏）", "ID number (masked)"), tr("村(居)", "village"),
                                       tr("风险等级", "colour"), tr("应访日期", "due"), tr("逾期天数", "days overdue"),
                                       tr("已升级督办", "escalated")});
  for (const auto& c : r.overdue_children) out += csv_line(overdue_child_cells(c));
  return out;
}

}  // namespace

std::string to_csv(const Report& r) {
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte-order mark: Excel then reads Chinese correctly
  out += csv_line(figure_headers());
  const char* totals_level = r.options.level == ScopeLevel::Province ? "province"
                             : r.options.level == ScopeLevel::County ? "county" : "township_total";
  out += csv_line(figure_cells(r, totals_level, r.totals));
  for (const auto& f : r.townships) out += csv_line(figure_cells(r, "township", f));
  for (const auto& f : r.villages) out += csv_line(figure_cells(r, "village", f));
  out += station_lines(r);
  if (r.options.overdue_list) out += overdue_lines(r);
  return out;
}

}  // namespace tongdang::report
