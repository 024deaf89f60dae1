// The coverage report as aligned text tables for a terminal, one section after another. Only aggregates and, on a
// station's own report, the overdue list with masked ID numbers: never a name.
#include <algorithm>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/report/render.h"
#include "core/report/render_parts.h"

namespace tongdang::report {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using namespace parts;

namespace {

std::size_t width_of(std::string_view text) {
  // Terminal columns: code points from U+1100 up (CJK, full-width punctuation) take two.
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = c < 0x80 ? c : c < 0xE0 ? (c & 0x1F) : c < 0xF0 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
    width += (cp >= 0x1100 && !(cp >= 0x2010 && cp <= 0x2027)) ? 2 : 1;
    i += length;
  }
  return width;
}

// Writes `rows` under `headers`, each column padded to its widest cell plus two.
void table(std::ostream& out, const std::vector<std::string>& headers, const Rows& rows) {
  std::vector<std::size_t> widths(headers.size(), 0);
  for (std::size_t i = 0; i < headers.size(); ++i) widths[i] = width_of(headers[i]);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], width_of(row[i]));
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) {
      out << cells[i];
      if (i + 1 < cells.size()) out << std::string(widths[i] - width_of(cells[i]) + 2, ' ');
    }
    out << "\n";
  };
  line(headers);
  for (const auto& row : rows) line(row);
}

void write_heading(std::ostream& out, const Report& r) {
  out << trf("童档 · 困境儿童覆盖情况报表 — {}", "tongdang coverage report — {}", scope_title(r)) << "\n";
  out << trf("截至 {}（统计期 {} 至 {}）；政策版本 {}；生成于 {}", "As of {} (period {} to {}); policy {}; made {}",
             r.options.as_of.to_string(), r.period_from.to_string(), r.options.as_of.to_string(), r.policy_version,
             r.options.generated_at)
      << "\n";
  out << completeness_line(r) << "\n\n";
}

std::vector<std::string> unit_cells(const Figures& f, const std::string& name) {
  std::vector<std::string> row = {name, std::to_string(f.children)};
  for (int c = 3; c >= 0; --c) row.push_back(std::to_string(f.by_colour[c]));
  row.push_back(std::to_string(f.ungraded));
  row.push_back(f.graded == 0 ? "—" : percent(f.visit_coverage()));
  row.push_back(fmt::format("{} ({}/{}/{}/{})", f.overdue_total(), f.overdue[3], f.overdue[2], f.overdue[1],
                            f.overdue[0]));
  row.push_back(std::to_string(f.escalations_open));
  row.push_back(std::to_string(f.reassess_overdue));
  row.push_back(fmt::format("{}/{} {}", f.minimum_plan_met, f.red_yellow, percent_of(f.minimum_plan_met, f.red_yellow)));
  row.push_back(std::to_string(f.registered_in_period));
  row.push_back(std::to_string(f.closed_in_period));
  return row;
}

// One row per township (or village), then the total.
void write_unit_table(std::ostream& out, const Report& r, bool villages) {
  std::vector<std::string> headers = {villages ? tr("村(居)", "village") : tr("乡镇(街道)", "township"),
                                      tr("在册", "children")};
  for (int c = 3; c >= 0; --c) headers.push_back(colour_label(c));
  for (const char* h : {tr("未定级", "ungraded"), tr("走访覆盖率", "visit coverage"), tr("走访逾期", "visits overdue"),
                        tr("已升级督办", "escalated"), tr("复评逾期", "reassess overdue"),
                        tr("红黄最低帮扶达标", "red/yellow min. plan"), tr("本期新增", "new"), tr("本期结案", "closed")})
    headers.push_back(h);
  Rows rows;
  for (const Figures* f : unit_rows(r, villages))
    rows.push_back(unit_cells(*f, f->name == f->code ? f->code : f->name + " " + f->code));
  rows.push_back(unit_cells(r.totals, tr("合计", "total")));
  table(out, headers, rows);
  out << "\n";
}

void write_categories(std::ostream& out, const Report& r) {
  out << tr("【类别】（一名儿童可属多个类别）", "[Categories] (a child may hold several)") << "\n";
  table(out, {tr("类别", "category"), tr("人数", "children"), tr("占比", "share")}, category_rows(r.totals));
  out << "\n";
}

void write_screening(std::ostream& out, const Report& r) {
  out << tr("【三步排查与定级】", "[Screening and grading]") << "\n";
  const Figures& f = r.totals;
  Rows rows = screening_step_rows(f);
  rows.push_back({tr("已定级占比", "share graded"), percent_of(f.graded, f.children)});
  rows.push_back({tr("本期升级（调高）", "colour raised in period"), std::to_string(f.raises_in_period)});
  rows.push_back({tr("本期降级（调低）", "colour lowered in period"), std::to_string(f.lowerings_in_period)});
  rows.push_back({tr("待审核事项", "pending reviews"), std::to_string(f.pending_reviews)});
  for (int b = 0; b < 3; ++b)
    rows.push_back({trf("走访逾期：{}", "visits overdue: {}", age_label(b)), std::to_string(f.overdue_by_days[b])});
  table(out, {tr("指标", "figure"), tr("数值", "value")}, rows);
  out << "\n";
}

void write_care_measures(std::ostream& out, const Report& r) {
  out << tr("【关爱措施】（按领域、状态）", "[Care measures] (by area and status)") << "\n";
  Rows rows;
  for (const auto& [area, statuses] : r.totals.measures)
    for (const auto& [status, n] : statuses) rows.push_back({i18n::label(area), i18n::label(status), std::to_string(n)});
  if (rows.empty()) out << tr("（无）", "(none)") << "\n";
  else table(out, {tr("领域", "area"), tr("状态", "status"), tr("项数", "measures")}, rows);
  out << "\n";
}

void write_stations(std::ostream& out, const Report& r) {
  out << tr("【站点同步】", "[Station sync]") << "\n";
  Rows rows;
  for (const auto& s : r.stations) {
    rows.push_back({s.name.empty() ? s.station_id : s.name, s.township, last_sync_text(s),
                    is_stale(r, s) ? tr("未在截至日同步", "NOT synced on as-of day") : tr("已同步", "current"),
                    s.oldest_unsent.value_or("—"), std::to_string(s.open_conflicts), std::to_string(s.rejected_changes)});
  }
  if (rows.empty()) out << tr("（无）", "(none)") << "\n";
  else
    table(out, {tr("站点", "station"), tr("乡镇", "township"), tr("最近成功同步", "last successful sync"),
                tr("状态", "state"), tr("最早未上传", "oldest unsent"), tr("未解决冲突", "open conflicts"),
                tr("被拒变更", "rejected changes")},
          rows);
  out << "\n";
}

void write_overdue_children(std::ostream& out, const Report& r) {
  out << trf("【走访逾期名单】{} 名（身份证号已脱敏）", "[Overdue visits] {} children (ID numbers masked)",
             r.overdue_children.size())
      << "\n";
  Rows rows;
  for (const auto& c : r.overdue_children) rows.push_back(overdue_child_cells(c));
  if (!rows.empty())
    table(out, {tr("身份证号", "ID number"), tr("村(居)", "village"), tr("风险等级", "colour"), tr("应访日期", "due"),
                tr("逾期天数", "days overdue"), tr("已升级督办", "escalated")},
          rows);
}

}  // namespace

std::string to_table(const Report& r) {
  std::ostringstream out;
  write_heading(out, r);
  out << tr("【按乡镇】走访逾期括号内为 红/黄/蓝/绿", "[By township] visits overdue in brackets: red/yellow/blue/green") << "\n";
  write_unit_table(out, r, false);
  if (r.options.level == ScopeLevel::Township) {
    out << tr("【按村(居)】", "[By village]") << "\n";
    write_unit_table(out, r, true);
  }
  write_categories(out, r);
  write_screening(out, r);
  write_care_measures(out, r);
  write_stations(out, r);
  if (r.options.overdue_list) write_overdue_children(out, r);
  return out.str();
}

}  // namespace tongdang::report
