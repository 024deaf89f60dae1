// The coverage report's format switch (render.h) and the pieces its renderers share (render_parts.h). The
// renderers themselves: render_json.cc, render_text.cc, render_csv.cc, render_html.cc.
#include "core/model/division.h"
#include "core/report/render.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/report/render_parts.h"

namespace tongdang::report {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

namespace parts {

double rounded(double value) { return std::round(value * 10000.0) / 10000.0; }
double share(int part, int whole) { return whole == 0 ? 0.0 : rounded(static_cast<double>(part) / whole); }
std::string percent(double fraction) { return fmt::format("{:.1f}%", fraction * 100.0); }
std::string percent_of(int part, int whole) { return whole == 0 ? "—" : percent(static_cast<double>(part) / whole); }

std::string colour_label(int index) { return i18n::label(kColourKeys[index]); }
std::string step_label(std::string_view step) {
  if (step == to_string(ScreeningStep::Verification)) return tr("入户核查", "home verification");
  if (step == to_string(ScreeningStep::Review)) return tr("审核认定", "review");
  return tr("县级认定", "county confirmation");
}
std::string age_label(int bucket) {
  return bucket == 0 ? tr("1–7天", "1–7 days") : bucket == 1 ? tr("8–30天", "8–30 days") : tr("30天以上", "over 30 days");
}
std::string scope_title(const Report& r) {
  if (r.options.level == ScopeLevel::County)
    return trf("{}（{}）全县", "{} ({}), whole county", r.options.scope_name, r.options.scope_code);
  return trf("{}（{}）", "{} ({})", r.options.scope_name, r.options.scope_code);
}

std::string completeness_line(const Report& r) {
  if (r.stations.empty())
    return tr("数据完整性：无站点同步记录", "Completeness: no station sync records");
  if (r.stale_stations.empty())
    return trf("数据完整性：全部 {} 个站点均已在 {} 同步", "Completeness: all {} stations synced on {}",
               r.stations.size(), r.options.as_of.to_string());
  std::string names;
  for (const auto& station : r.stations) {
    if (!is_stale(r, station)) continue;
    if (!names.empty()) names += tr("；", "; ");
    names += station.name.empty() ? station.station_id : station.name;
    names += station.last_sync ? trf(" 自 {} 起未同步", " not synced since {}", cst_time(*station.last_sync))
                               : std::string(tr(" 从未同步", " never synced"));
  }
  return trf("数据不完整：{} 个站点中有 {} 个在截至日 {} 当天及之后没有成功同步，其数据可能缺失（{}）",
             "INCOMPLETE: {1} of {0} stations have not synced on or after {2}; their data may be missing ({3})",
             r.stations.size(), r.stale_stations.size(), r.options.as_of.to_string(), names);
}

std::vector<const Figures*> unit_rows(const Report& r, bool villages) {
  std::vector<const Figures*> rows;
  for (const auto& f : villages ? r.villages : r.townships) rows.push_back(&f);
  return rows;
}

bool is_stale(const Report& r, const StationHealth& station) {
  return std::find(r.stale_stations.begin(), r.stale_stations.end(), station.station_id) != r.stale_stations.end();
}

std::string last_sync_text(const StationHealth& station) {
  return station.last_sync ? *station.last_sync : std::string(tr("从未同步", "never"));
}

int children_in(const Figures& f, Category category) {
  auto it = f.by_category.find(std::string(to_string(category)));
  return it == f.by_category.end() ? 0 : it->second;
}

int steps_open(const Figures& f, ScreeningStep step) {
  auto it = f.steps_open.find(std::string(to_string(step)));
  return it == f.steps_open.end() ? 0 : it->second;
}

Rows category_rows(const Figures& f) {
  Rows rows;
  for (Category category : all_categories()) {
    const int n = children_in(f, category);
    rows.push_back({i18n::label(to_string(category)), std::to_string(n), percent_of(n, f.children)});
  }
  return rows;
}

Rows screening_step_rows(const Figures& f) {
  Rows rows;
  for (const ScreeningStep step : kScreeningSteps)
    rows.push_back({trf("在办：{}", "open: {}", step_label(to_string(step))), std::to_string(steps_open(f, step))});
  rows.push_back({tr("本期办结环节", "steps completed in period"), std::to_string(f.steps_done_in_period)});
  rows.push_back({tr("按时办结率", "completed within limit"), percent_of(f.steps_done_on_time, f.steps_done_in_period)});
  for (int b = 0; b < 3; ++b)
    rows.push_back({trf("超时环节：{}", "steps overdue: {}", age_label(b)), std::to_string(f.steps_overdue_by_days[b])});
  return rows;
}

std::vector<std::string> overdue_child_cells(const OverdueChild& c) {
  return {c.masked_id, division_label(c.village), i18n::label(to_string(c.colour)), c.due_on, std::to_string(c.days_overdue),
          c.escalated ? tr("是", "yes") : tr("否", "no")};
}

}  // namespace parts

std::string completeness_stamp(const Report& report) { return parts::completeness_line(report); }

std::optional<std::string> render(const Report& report, std::string_view format) {
  if (format == "table") return to_table(report);
  if (format == "csv") return to_csv(report);
  if (format == "json") return to_json(report).dump(2) + "\n";
  if (format == "html") return to_html(report);
  return std::nullopt;
}

}  // namespace tongdang::report
