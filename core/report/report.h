// Coverage reports: one engine for the county server and the township station.
//
// The rows it reads are maintained by a projection (core/projection/report_rows.h), never written here.
// Query: build() computes every figure for an "as of" day from those rows alone (GROUP BY over a covering index),
// never by scanning events. The renderers (render.h) turn the one Report value into a table, CSV, JSON or a page.
// What each figure means, and the JSON schema, are in docs/reports.md.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/base/status.h"
#include "core/base/tuning.h"
#include "core/db/sqlite.h"
#include "core/model/model.h"
#include "core/store/station_health.h"

namespace tongdang::report {

// ---- the report ----

// One station's sync health, as the report shows it (core/store/station_health.h).
using StationHealth = ::tongdang::StationHealth;

// Every figure of one unit (the whole scope, a township, or a village), as of the report's day.
struct Figures {
  std::string code;  // 9-digit township or 12-digit village code; the scope's code for totals
  std::string name;
  int children = 0;                           // under monitoring on the day
  std::array<int, 4> by_colour{};             // by Colour index
  int ungraded = 0;
  std::map<std::string, int> by_category;     // category -> children holding it on the day
  int registered_in_period = 0;
  int closed_in_period = 0;
  // grading
  int graded = 0;
  int reassess_overdue = 0;
  int raises_in_period = 0;
  int lowerings_in_period = 0;
  int pending_reviews = 0;                    // current
  // visits
  int covered = 0;                            // graded and visited within their colour's interval
  std::array<int, 4> overdue{};               // by Colour index
  std::array<int, 3> overdue_by_days{};       // 1–7, 8–30, over 30 days overdue
  int escalations_open = 0;
  // care (current)
  int red_yellow = 0;
  int minimum_plan_met = 0;
  std::map<std::string, std::map<std::string, int>> measures;  // area -> status -> count
  // screening
  std::map<std::string, int> steps_open;      // step -> open on the day
  int steps_done_in_period = 0;
  int steps_done_on_time = 0;
  std::array<int, 3> steps_overdue_by_days{}; // 1–7, 8–30, over 30 days past the limit
  // trend: overdue children at each trend point (oldest first, the last is the report's day)
  std::vector<int> overdue_trend;

  double visit_coverage() const { return graded == 0 ? 0.0 : static_cast<double>(covered) / graded; }
  double minimum_plan_share() const {
    return red_yellow == 0 ? 0.0 : static_cast<double>(minimum_plan_met) / red_yellow;
  }
  int overdue_total() const { return overdue[0] + overdue[1] + overdue[2] + overdue[3]; }
};

// A child on the supervisor's overdue list: the renderers show the masked ID only, never a name. The county's
// console lists one village's children by name, and opens a file by its id (audited there).
struct OverdueChild {
  std::string child_id;
  std::string name;
  std::string masked_id;
  std::string village;
  Colour colour = Colour::Green;
  std::string due_on;
  int days_overdue = 0;
  bool escalated = false;
};

// The report's scope: a province (2-digit code, every township in the store), a county (6 digits: every township
// of the county is listed) or a township (9 digits, with its villages).
enum class ScopeLevel { Province, County, Township };

// Where the figures are read from: the per-township tallies (one seek per township and day, so fast at province
// scale, but no villages) or the report rows themselves (needed for villages). Both give the same figures
// (tested); Auto reads tallies for a county or province and rows for a township.
enum class Method { Auto, Tallies, Rows };

struct Options {
  ScopeLevel level = ScopeLevel::Township;
  Method method = Method::Auto;
  std::string scope_code;        // 2-digit province, 6-digit county or 9-digit township
  std::string scope_name;
  Date as_of;
  std::optional<Date> period_from;  // default: the first day of the as-of month
  int trend_points = tuning::kReportTrendPoints;  // weekly points ending on as_of
  bool overdue_list = false;        // the supervisor's list (station only)
  std::size_t overdue_html_rows = 0;  // the HTML shows only the first this many rows of it, with the count (0: all)
  std::string generated_at;         // ISO time the report was made
  std::string source;               // "station" or "server"
};

struct Report {
  Options options;
  Date period_from;
  std::string policy_version;
  double coverage_target = 0;
  std::vector<Date> trend_days;
  Figures totals;
  std::vector<Figures> townships;  // county: each township of the county; station: the station's township
  std::vector<Figures> villages;   // station only
  std::vector<StationHealth> stations;
  std::vector<OverdueChild> overdue_children;  // station only
  // Completeness: stations that have not synced since the as-of day (or ever). Empty = every station current.
  std::vector<std::string> stale_stations;
};

// Computes the report from the maintained rows.
Report build(db::Database& db, const Options& options, const std::vector<StationHealth>& stations);

}  // namespace tongdang::report
