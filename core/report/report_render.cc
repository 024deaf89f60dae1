// Rendering one Report (report.h) as JSON (stable keys, docs/reports.md), an aligned text table, CSV for
// spreadsheets and a self-contained printable HTML page with inline SVG charts. Only aggregates and, on a
// station's own report, the overdue list with masked ID numbers are ever rendered: never a name.
#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "core/base/csv.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/report/render.h"
#include "core/rules/timeline.h"

namespace tongdang::report {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

namespace {

constexpr std::array<const char*, 4> kColourKeys = {"green", "blue", "yellow", "red"};
// Screen and print colours of the four tiers (domain §4), and of "not graded".
constexpr std::array<const char*, 4> kColourFill = {"#2e9d4f", "#1f6fd1", "#f2b705", "#d7261e"};
constexpr const char* kUngradedFill = "#9e9e9e";
constexpr std::array<const char*, 3> kAgeKeys = {"1_7", "8_30", "over_30"};

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

// The completeness stamp: every report says how current its data is.
std::string completeness_line(const Report& r) {
  if (r.stations.empty())
    return tr("数据完整性：无站点同步记录", "Completeness: no station sync records");
  if (r.stale_stations.empty())
    return trf("数据完整性：全部 {} 个站点均已在 {} 同步", "Completeness: all {} stations synced on {}",
               r.stations.size(), r.options.as_of.to_string());
  std::string names;
  for (const auto& station : r.stations) {
    if (std::find(r.stale_stations.begin(), r.stale_stations.end(), station.station_id) == r.stale_stations.end())
      continue;
    if (!names.empty()) names += tr("；", "; ");
    names += station.name.empty() ? station.station_id : station.name;
    names += station.last_sync ? trf(" 自 {} 起未同步", " not synced since {}", station.last_sync->substr(0, 16))
                               : std::string(tr(" 从未同步", " never synced"));
  }
  return trf("数据不完整：{} 个站点中有 {} 个在截至日 {} 当天及之后没有成功同步，其数据可能缺失（{}）",
             "INCOMPLETE: {1} of {0} stations have not synced on or after {2}; their data may be missing ({3})",
             r.stations.size(), r.stale_stations.size(), r.options.as_of.to_string(), names);
}

json colour_object(const std::array<int, 4>& values) {
  return {{"red", values[3]}, {"yellow", values[2]}, {"blue", values[1]}, {"green", values[0]}};
}

json unit_json(const Figures& f) {
  json categories = json::object();
  for (Category category : all_categories()) {
    std::string key(to_string(category));
    auto it = f.by_category.find(key);
    categories[key] = it == f.by_category.end() ? 0 : it->second;
  }
  json colour_share = json::object();
  for (int c = 3; c >= 0; --c) colour_share[kColourKeys[c]] = share(f.by_colour[c], f.children);
  json measures = json::object();
  for (const auto& [area, statuses] : f.measures)
    for (const auto& [status, n] : statuses) measures[area][status] = n;
  json open_by_step = json::object();
  for (const ScreeningStep each : kScreeningSteps) {  // every step, as `screen pending` lists them
    const std::string step(to_string(each));
    auto it = f.steps_open.find(step);
    open_by_step[step] = it == f.steps_open.end() ? 0 : it->second;
  }
  json overdue_by_days = json::object();
  json steps_overdue = json::object();
  for (int b = 0; b < 3; ++b) {
    overdue_by_days[kAgeKeys[b]] = f.overdue_by_days[b];
    steps_overdue[kAgeKeys[b]] = f.steps_overdue_by_days[b];
  }
  return {
      {"code", f.code},
      {"name", f.name},
      {"children", f.children},
      {"by_colour", colour_object(f.by_colour)},
      {"by_colour_share", colour_share},
      {"ungraded", f.ungraded},
      {"by_category", categories},
      {"registered_in_period", f.registered_in_period},
      {"closed_in_period", f.closed_in_period},
      {"grading",
       {{"graded", f.graded},
        {"graded_share", share(f.graded, f.children)},
        {"reassessments_overdue", f.reassess_overdue},
        {"raises_in_period", f.raises_in_period},
        {"lowerings_in_period", f.lowerings_in_period},
        {"pending_reviews", f.pending_reviews}}},
      {"visit_coverage", rounded(f.visit_coverage())},
      {"visited_within_interval", f.covered},
      {"overdue", colour_object(f.overdue)},
      {"overdue_total", f.overdue_total()},
      {"overdue_by_days", overdue_by_days},
      {"escalations_open", f.escalations_open},
      {"overdue_trend", f.overdue_trend},
      {"screening",
       {{"open_by_step", open_by_step},
        {"completed_in_period", f.steps_done_in_period},
        {"completed_on_time", f.steps_done_on_time},
        {"on_time_share", share(f.steps_done_on_time, f.steps_done_in_period)},
        {"overdue_by_days", steps_overdue}}},
      {"care",
       {{"red_yellow", f.red_yellow},
        {"minimum_plan_met", f.minimum_plan_met},
        {"minimum_plan_share", share(f.minimum_plan_met, f.red_yellow)},
        {"measures", measures}}},
  };
}

// ---- text tables ----

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

void table(std::ostream& out, const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows) {
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

std::vector<const Figures*> unit_rows(const Report& r, bool villages) {
  std::vector<const Figures*> rows;
  for (const auto& f : villages ? r.villages : r.townships) rows.push_back(&f);
  return rows;
}

std::string last_sync_text(const StationHealth& s) {
  return s.last_sync ? *s.last_sync : std::string(tr("从未同步", "never"));
}

}  // namespace

// ---- JSON ----

json to_json(const Report& r) {
  json out;
  out["schema"] = "tongdang.coverage/1";
  out["as_of"] = r.options.as_of.to_string();
  out["period"] = {{"from", r.period_from.to_string()}, {"to", r.options.as_of.to_string()}};
  out["generated_at"] = r.options.generated_at;
  out["source"] = r.options.source;
  const char* level = r.options.level == ScopeLevel::Province ? "province"
                      : r.options.level == ScopeLevel::County ? "county" : "township";
  out["scope"] = {{"level", level},
                  {"code", r.options.scope_code},
                  {"name", r.options.scope_name}};
  out["policy_version"] = r.policy_version;
  out["coverage_target"] = rounded(r.coverage_target);
  json stale = json::array();
  json stations = json::array();
  for (const auto& s : r.stations) {
    bool is_stale = std::find(r.stale_stations.begin(), r.stale_stations.end(), s.station_id) != r.stale_stations.end();
    json station = {{"station_id", s.station_id},
                    {"name", s.name},
                    {"township", s.township},
                    {"last_sync", s.last_sync ? json(*s.last_sync) : json(nullptr)},
                    {"synced_on_as_of", !is_stale},
                    {"oldest_unsent", s.oldest_unsent ? json(*s.oldest_unsent) : json(nullptr)},
                    {"open_conflicts", s.open_conflicts},
                    {"rejected_changes", s.rejected_changes}};
    if (is_stale) stale.push_back({{"station_id", s.station_id}, {"name", s.name}, {"last_sync", station["last_sync"]}});
    stations.push_back(std::move(station));
  }
  out["completeness"] = {{"complete", !r.stations.empty() && r.stale_stations.empty()},
                         {"not_synced_since_as_of", stale},
                         {"statement", completeness_line(r)}};
  out["totals"] = unit_json(r.totals);
  out["townships"] = json::array();
  for (const auto& f : r.townships) out["townships"].push_back(unit_json(f));
  if (r.options.level == ScopeLevel::Township) {
    out["villages"] = json::array();
    for (const auto& f : r.villages) out["villages"].push_back(unit_json(f));
  }
  out["stations"] = stations;
  json trend_days = json::array();
  for (const Date& d : r.trend_days) trend_days.push_back(d.to_string());
  out["trend_days"] = trend_days;
  if (r.options.overdue_list) {
    out["overdue_children"] = json::array();
    for (const auto& c : r.overdue_children)
      out["overdue_children"].push_back({{"id", c.masked_id},
                                         {"village", c.village},
                                         {"colour", to_string(c.colour)},
                                         {"due_on", c.due_on},
                                         {"days_overdue", c.days_overdue},
                                         {"escalated", c.escalated}});
  }
  return out;
}

// ---- table ----

std::string to_table(const Report& r) {
  std::ostringstream out;
  out << trf("童档 · 困境儿童覆盖情况报表 — {}", "tongdang coverage report — {}", scope_title(r)) << "\n";
  out << trf("截至 {}（统计期 {} 至 {}）；政策版本 {}；生成于 {}", "As of {} (period {} to {}); policy {}; made {}",
             r.options.as_of.to_string(), r.period_from.to_string(), r.options.as_of.to_string(), r.policy_version,
             r.options.generated_at)
      << "\n";
  out << completeness_line(r) << "\n\n";

  auto unit_table = [&](bool villages) {
    std::vector<std::string> headers = {villages ? tr("村(居)", "village") : tr("乡镇(街道)", "township"),
                                        tr("在册", "children")};
    for (int c = 3; c >= 0; --c) headers.push_back(colour_label(c));
    for (const char* h : {tr("未定级", "ungraded"), tr("走访覆盖率", "visit coverage"), tr("走访逾期", "visits overdue"),
                          tr("已升级督办", "escalated"), tr("复评逾期", "reassess overdue"),
                          tr("红黄最低帮扶达标", "red/yellow min. plan"), tr("本期新增", "new"), tr("本期结案", "closed")})
      headers.push_back(h);
    std::vector<std::vector<std::string>> rows;
    auto row_of = [&](const Figures& f, const std::string& name) {
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
    };
    for (const Figures* f : unit_rows(r, villages))
      rows.push_back(row_of(*f, f->name == f->code ? f->code : f->name + " " + f->code));
    rows.push_back(row_of(r.totals, tr("合计", "total")));
    table(out, headers, rows);
    out << "\n";
  };
  out << tr("【按乡镇】走访逾期括号内为 红/黄/蓝/绿", "[By township] visits overdue in brackets: red/yellow/blue/green") << "\n";
  unit_table(false);
  if (r.options.level == ScopeLevel::Township) {
    out << tr("【按村(居)】", "[By village]") << "\n";
    unit_table(true);
  }

  out << tr("【类别】（一名儿童可属多个类别）", "[Categories] (a child may hold several)") << "\n";
  {
    std::vector<std::string> headers = {tr("类别", "category"), tr("人数", "children"), tr("占比", "share")};
    std::vector<std::vector<std::string>> rows;
    for (Category category : all_categories()) {
      std::string key(to_string(category));
      auto it = r.totals.by_category.find(key);
      int n = it == r.totals.by_category.end() ? 0 : it->second;
      rows.push_back({i18n::label(key), std::to_string(n), percent_of(n, r.totals.children)});
    }
    table(out, headers, rows);
    out << "\n";
  }

  out << tr("【三步排查与定级】", "[Screening and grading]") << "\n";
  {
    const Figures& f = r.totals;
    std::vector<std::vector<std::string>> rows;
    for (const ScreeningStep each : kScreeningSteps) {  // every step, as `screen pending` lists them
      const std::string step(to_string(each));
      auto it = f.steps_open.find(step);
      rows.push_back({trf("在办：{}", "open: {}", step_label(step)), std::to_string(it == f.steps_open.end() ? 0 : it->second)});
    }
    rows.push_back({tr("本期办结环节", "steps completed in period"), std::to_string(f.steps_done_in_period)});
    rows.push_back({tr("按时办结率", "completed within limit"), percent_of(f.steps_done_on_time, f.steps_done_in_period)});
    for (int b = 0; b < 3; ++b)
      rows.push_back({trf("超时环节：{}", "steps overdue: {}", age_label(b)), std::to_string(f.steps_overdue_by_days[b])});
    rows.push_back({tr("已定级占比", "share graded"), percent_of(f.graded, f.children)});
    rows.push_back({tr("本期升级（调高）", "colour raised in period"), std::to_string(f.raises_in_period)});
    rows.push_back({tr("本期降级（调低）", "colour lowered in period"), std::to_string(f.lowerings_in_period)});
    rows.push_back({tr("待审核事项", "pending reviews"), std::to_string(f.pending_reviews)});
    for (int b = 0; b < 3; ++b)
      rows.push_back({trf("走访逾期：{}", "visits overdue: {}", age_label(b)), std::to_string(f.overdue_by_days[b])});
    table(out, {tr("指标", "figure"), tr("数值", "value")}, rows);
    out << "\n";
  }

  out << tr("【关爱措施】（按领域、状态）", "[Care measures] (by area and status)") << "\n";
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [area, statuses] : r.totals.measures)
      for (const auto& [status, n] : statuses) rows.push_back({i18n::label(area), i18n::label(status), std::to_string(n)});
    if (rows.empty()) out << tr("（无）", "(none)") << "\n";
    else table(out, {tr("领域", "area"), tr("状态", "status"), tr("项数", "measures")}, rows);
    out << "\n";
  }

  out << tr("【站点同步】", "[Station sync]") << "\n";
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : r.stations) {
      bool stale = std::find(r.stale_stations.begin(), r.stale_stations.end(), s.station_id) != r.stale_stations.end();
      rows.push_back({s.name.empty() ? s.station_id : s.name, s.township, last_sync_text(s),
                      stale ? tr("未在截至日同步", "NOT synced on as-of day") : tr("已同步", "current"),
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

  if (r.options.overdue_list) {
    out << trf("【走访逾期名单】{} 名（身份证号已脱敏）", "[Overdue visits] {} children (ID numbers masked)",
               r.overdue_children.size())
        << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : r.overdue_children)
      rows.push_back({c.masked_id, c.village, i18n::label(to_string(c.colour)), c.due_on, std::to_string(c.days_overdue),
                      c.escalated ? tr("是", "yes") : tr("否", "no")});
    if (!rows.empty())
      table(out, {tr("身份证号", "ID number"), tr("村(居)", "village"), tr("风险等级", "colour"), tr("应访日期", "due"),
                  tr("逾期天数", "days overdue"), tr("已升级督办", "escalated")},
            rows);
  }
  return out.str();
}

// ---- CSV ----

std::string to_csv(const Report& r) {
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';  // appended separately: g++ 12 -O3 warns falsely (-Wrestrict) on "," + std::string
      out += csv_cell(cells[i]);
    }
    return out + "\r\n";
  };
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte-order mark: Excel then reads Chinese correctly
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
  out += line(headers);
  auto row = [&](const char* level, const Figures& f) {
    std::vector<std::string> cells = {level, f.code, f.name, r.options.as_of.to_string(), std::to_string(f.children)};
    for (int c = 3; c >= 0; --c) cells.push_back(std::to_string(f.by_colour[c]));
    cells.push_back(std::to_string(f.ungraded));
    for (Category category : all_categories()) {
      auto it = f.by_category.find(std::string(to_string(category)));
      cells.push_back(std::to_string(it == f.by_category.end() ? 0 : it->second));
    }
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
    for (const ScreeningStep each : kScreeningSteps) {  // every step, as `screen pending` lists them
      const std::string step(to_string(each));
      auto it = f.steps_open.find(step);
      cells.push_back(std::to_string(it == f.steps_open.end() ? 0 : it->second));
    }
    cells.push_back(std::to_string(f.steps_done_in_period));
    cells.push_back(std::to_string(f.steps_done_on_time));
    out += line(cells);
  };
  row(r.options.level == ScopeLevel::Province ? "province"
      : r.options.level == ScopeLevel::County ? "county" : "township_total", r.totals);
  for (const auto& f : r.townships) row("township", f);
  for (const auto& f : r.villages) row("village", f);

  out += "\r\n" + line({tr("站点", "station"), tr("乡镇", "township"), tr("最近成功同步", "last successful sync"),
                        tr("截至日已同步", "synced on as-of day"), tr("最早未上传", "oldest unsent"),
                        tr("未解决冲突", "open conflicts"), tr("被拒变更", "rejected changes")});
  for (const auto& s : r.stations) {
    bool stale = std::find(r.stale_stations.begin(), r.stale_stations.end(), s.station_id) != r.stale_stations.end();
    out += line({s.name.empty() ? s.station_id : s.name, s.township, last_sync_text(s), stale ? tr("否", "no") : tr("是", "yes"),
                 s.oldest_unsent.value_or(""), std::to_string(s.open_conflicts), std::to_string(s.rejected_changes)});
  }
  out += line({completeness_line(r)});
  if (r.options.overdue_list) {
    out += "\r\n" + line({tr("身份证号（脱敏）", "ID number (masked)"), tr("村(居)", "village"), tr("风险等级", "colour"),
                          tr("应访日期", "due"), tr("逾期天数", "days overdue"), tr("已升级督办", "escalated")});
    for (const auto& c : r.overdue_children)
      out += line({c.masked_id, c.village, i18n::label(to_string(c.colour)), c.due_on, std::to_string(c.days_overdue),
                   c.escalated ? tr("是", "yes") : tr("否", "no")});
  }
  return out;
}

// ---- HTML ----

namespace {

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

}  // namespace

std::string to_html(const Report& r) {
  std::vector<const Figures*> units = unit_rows(r, false);
  const bool station = r.options.level == ScopeLevel::Township;
  if (station && !r.villages.empty()) units = unit_rows(r, true);
  std::string title = trf("困境儿童覆盖情况报表 — {}", "Coverage report — {}", scope_title(r));
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
  out += "<h1>" + esc(title) + "</h1>\n";
  out += "<p class=\"meta\">" +
         esc(trf("截至 {}（统计期 {} 至 {}）；政策版本 {}；生成于 {}", "As of {} (period {} to {}); policy {}; made {}",
                 r.options.as_of.to_string(), r.period_from.to_string(), r.options.as_of.to_string(), r.policy_version,
                 r.options.generated_at)) +
         "</p>\n";
  bool complete = !r.stations.empty() && r.stale_stations.empty();
  out += std::string("<p class=\"stamp") + (complete ? "" : " incomplete") + "\" id=\"completeness\">" +
         esc(completeness_line(r)) + "</p>\n";

  const Figures& t = r.totals;
  out += "<h2>" + esc(tr("概况", "Summary")) + "</h2>\n";
  out += html_table({tr("在册儿童", "children"), tr("已定级", "graded"), tr("走访覆盖率", "visit coverage"),
                     tr("走访逾期", "visits overdue"), tr("已升级督办", "escalated"), tr("复评逾期", "reassessments overdue"),
                     tr("红黄最低帮扶达标率", "red/yellow minimum plan")},
                    {{std::to_string(t.children), std::to_string(t.graded), t.graded ? percent(t.visit_coverage()) : "—",
                      std::to_string(t.overdue_total()), std::to_string(t.escalations_open),
                      std::to_string(t.reassess_overdue), percent_of(t.minimum_plan_met, t.red_yellow)}});

  const char* unit_word = station ? tr("各村(居)", "each village") : tr("各乡镇", "each township");
  out += "<h2>" + esc(trf("{}风险等级分布", "Colour distribution, {}", unit_word)) + "</h2>\n" + colour_chart(units) + "\n";
  out += "<h2>" + esc(trf("{}走访覆盖率（虚线为目标 {}）", "Visit coverage, {} (dashed line: target {})", unit_word,
                          percent(r.coverage_target))) +
         "</h2>\n" + coverage_chart(units, r.coverage_target) + "\n";
  out += "<h2>" + esc(tr("走访逾期趋势（每周）", "Overdue visits, weekly trend")) + "</h2>\n" +
         trend_chart(t, r.trend_days) + "\n";

  auto unit_rows_html = [&](const std::vector<const Figures*>& list) {
    std::vector<std::vector<std::string>> rows;
    auto row = [&](const Figures& f, const std::string& name) {
      return std::vector<std::string>{name, std::to_string(f.children), std::to_string(f.by_colour[3]),
                                      std::to_string(f.by_colour[2]), std::to_string(f.by_colour[1]),
                                      std::to_string(f.by_colour[0]), std::to_string(f.ungraded),
                                      f.graded ? percent(f.visit_coverage()) : "—", std::to_string(f.overdue_total()),
                                      std::to_string(f.escalations_open), std::to_string(f.reassess_overdue),
                                      percent_of(f.minimum_plan_met, f.red_yellow),
                                      std::to_string(f.registered_in_period), std::to_string(f.closed_in_period)};
    };
    for (const Figures* f : list) rows.push_back(row(*f, f->name == f->code ? f->code : f->name + " " + f->code));
    rows.push_back(row(t, tr("合计", "total")));
    return html_table({station ? tr("村(居)", "village") : tr("乡镇(街道)", "township"), tr("在册", "children"),
                       colour_label(3), colour_label(2), colour_label(1), colour_label(0), tr("未定级", "ungraded"),
                       tr("走访覆盖率", "coverage"), tr("走访逾期", "overdue"), tr("已升级督办", "escalated"),
                       tr("复评逾期", "reassess overdue"), tr("最低帮扶", "min. plan"), tr("本期新增", "new"),
                       tr("本期结案", "closed")},
                      rows);
  };
  out += "<h2>" + esc(tr("分项数据", "Figures by unit")) + "</h2>\n" + unit_rows_html(units) + "\n";

  {
    std::vector<std::vector<std::string>> rows;
    for (Category category : all_categories()) {
      std::string key(to_string(category));
      auto it = t.by_category.find(key);
      int n = it == t.by_category.end() ? 0 : it->second;
      rows.push_back({i18n::label(key), std::to_string(n), percent_of(n, t.children)});
    }
    out += "<h2>" + esc(tr("儿童类别", "Categories")) + "</h2>\n" +
           html_table({tr("类别", "category"), tr("人数", "children"), tr("占比", "share")}, rows) + "\n";
  }
  {
    std::vector<std::vector<std::string>> rows;
    for (const ScreeningStep each : kScreeningSteps) {  // every step, as `screen pending` lists them
      const std::string step(to_string(each));
      auto it = t.steps_open.find(step);
      rows.push_back({trf("在办：{}", "open: {}", step_label(step)), std::to_string(it == t.steps_open.end() ? 0 : it->second)});
    }
    rows.push_back({tr("本期办结环节", "steps completed in period"), std::to_string(t.steps_done_in_period)});
    rows.push_back({tr("按时办结率", "completed within limit"), percent_of(t.steps_done_on_time, t.steps_done_in_period)});
    for (int b = 0; b < 3; ++b)
      rows.push_back({trf("超时环节：{}", "steps overdue: {}", age_label(b)), std::to_string(t.steps_overdue_by_days[b])});
    rows.push_back({tr("本期调高", "raised in period"), std::to_string(t.raises_in_period)});
    rows.push_back({tr("本期调低", "lowered in period"), std::to_string(t.lowerings_in_period)});
    rows.push_back({tr("待审核事项", "pending reviews"), std::to_string(t.pending_reviews)});
    out += "<h2>" + esc(tr("三步排查与定级", "Screening and grading")) + "</h2>\n" +
           html_table({tr("指标", "figure"), tr("数值", "value")}, rows) + "\n";
  }
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : r.stations) {
      bool stale = std::find(r.stale_stations.begin(), r.stale_stations.end(), s.station_id) != r.stale_stations.end();
      rows.push_back({s.name.empty() ? s.station_id : s.name, s.township, last_sync_text(s),
                      stale ? tr("未在截至日同步", "not synced on as-of day") : tr("已同步", "current"),
                      s.oldest_unsent.value_or("—"), std::to_string(s.open_conflicts), std::to_string(s.rejected_changes)});
    }
    out += "<h2>" + esc(tr("站点同步情况", "Station sync")) + "</h2>\n" +
           html_table({tr("站点", "station"), tr("乡镇", "township"), tr("最近成功同步", "last successful sync"),
                       tr("状态", "state"), tr("最早未上传", "oldest unsent"), tr("未解决冲突", "open conflicts"),
                       tr("被拒变更", "rejected changes")},
                      rows) +
           "\n";
  }
  if (r.options.overdue_list) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : r.overdue_children)
      rows.push_back({c.masked_id, c.village, i18n::label(to_string(c.colour)), c.due_on, std::to_string(c.days_overdue),
                      c.escalated ? tr("是", "yes") : tr("否", "no")});
    out += "<h2>" + esc(tr("走访逾期名单（身份证号已脱敏）", "Overdue visits (ID numbers masked)")) + "</h2>\n" +
           html_table({tr("身份证号", "ID number"), tr("村(居)", "village"), tr("风险等级", "colour"), tr("应访日期", "due"),
                       tr("逾期天数", "days overdue"), tr("已升级督办", "escalated")},
                      rows) +
           "\n";
  }
  out += "</body></html>\n";
  return out;
}

std::optional<std::string> render(const Report& report, std::string_view format) {
  if (format == "table") return to_table(report);
  if (format == "csv") return to_csv(report);
  if (format == "json") return to_json(report).dump(2) + "\n";
  if (format == "html") return to_html(report);
  return std::nullopt;
}

}  // namespace tongdang::report
