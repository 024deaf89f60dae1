// The coverage report as JSON: stable keys, the schema of docs/reports.md ("tongdang.coverage/1"). Only aggregates
// and, on a station's own report, the overdue list with masked ID numbers: never a name.
#include "core/report/render.h"
#include "core/report/render_parts.h"

namespace tongdang::report {

using nlohmann::json;
using namespace parts;

namespace {

constexpr std::array<const char*, 3> kAgeKeys = {"1_7", "8_30", "over_30"};

json colour_object(const std::array<int, 4>& values) {
  return {{"red", values[3]}, {"yellow", values[2]}, {"blue", values[1]}, {"green", values[0]}};
}

json unit_json(const Figures& f) {
  json categories = json::object();
  for (Category category : all_categories()) categories[std::string(to_string(category))] = children_in(f, category);
  json colour_share = json::object();
  for (int c = 3; c >= 0; --c) colour_share[kColourKeys[c]] = share(f.by_colour[c], f.children);
  json measures = json::object();
  for (const auto& [area, statuses] : f.measures)
    for (const auto& [status, n] : statuses) measures[area][status] = n;
  json open_by_step = json::object();
  // every step, as `screen pending` lists them
  for (const ScreeningStep step : kScreeningSteps) open_by_step[std::string(to_string(step))] = steps_open(f, step);
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

// "stations" and "completeness": every station's sync health, and which have not synced since the day.
void add_stations(const Report& r, json& out) {
  json stale = json::array();
  json stations = json::array();
  for (const auto& s : r.stations) {
    const bool station_stale = is_stale(r, s);
    json station = {{"station_id", s.station_id},
                    {"name", s.name},
                    {"township", s.township},
                    {"last_sync", s.last_sync ? json(*s.last_sync) : json(nullptr)},
                    {"synced_on_as_of", !station_stale},
                    {"oldest_unsent", s.oldest_unsent ? json(*s.oldest_unsent) : json(nullptr)},
                    {"open_conflicts", s.open_conflicts},
                    {"rejected_changes", s.rejected_changes}};
    if (station_stale)
      stale.push_back({{"station_id", s.station_id}, {"name", s.name}, {"last_sync", station["last_sync"]}});
    stations.push_back(std::move(station));
  }
  out["completeness"] = {{"complete", !r.stations.empty() && r.stale_stations.empty()},
                         {"not_synced_since_as_of", stale},
                         {"statement", completeness_line(r)}};
  out["stations"] = stations;
}

json overdue_children_json(const Report& r) {
  json children = json::array();
  for (const auto& c : r.overdue_children)
    children.push_back({{"id", c.masked_id},
                        {"village", c.village},
                        {"colour", to_string(c.colour)},
                        {"due_on", c.due_on},
                        {"days_overdue", c.days_overdue},
                        {"escalated", c.escalated}});
  return children;
}

}  // namespace

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
  add_stations(r, out);
  out["totals"] = unit_json(r.totals);
  out["townships"] = json::array();
  for (const auto& f : r.townships) out["townships"].push_back(unit_json(f));
  if (r.options.level == ScopeLevel::Township) {
    out["villages"] = json::array();
    for (const auto& f : r.villages) out["villages"].push_back(unit_json(f));
  }
  json trend_days = json::array();
  for (const Date& d : r.trend_days) trend_days.push_back(d.to_string());
  out["trend_days"] = trend_days;
  if (r.options.overdue_list) out["overdue_children"] = overdue_children_json(r);
  return out;
}

}  // namespace tongdang::report
