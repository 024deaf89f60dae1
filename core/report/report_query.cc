// Computing the coverage report (report.h) from the maintained rows. Every query is a GROUP BY over one narrow
// table restricted by a covering index (kind, township range, day range): its cost grows with the children in
// the scope, never with the number of events. docs/reports.md defines each figure.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/base/tuning.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/model/policy.h"
#include "core/projection/report_tally.h"
#include "core/report/report.h"
#include "core/rules/schedule.h"

namespace tongdang::report {

namespace {

int colour_index(std::string_view text) {
  auto colour = parse_colour(text);
  return colour ? static_cast<int>(*colour) : -1;
}

// Days overdue -> bucket 0 (1–7), 1 (8–30), 2 (over 30).
int age_bucket(std::int64_t days) { return days <= 7 ? 0 : days <= 30 ? 1 : 2; }

// The figures being filled, by unit code (townships and, on a station, villages).
class Units {
 public:
  Units(bool by_village, int trend_points) : by_village_(by_village), trend_points_(trend_points) {}

  // The figures of `township`, and of `village` when villages are kept; visits each with `fn`.
  template <typename Fn>
  void add(const std::string& township, const std::string& village, Fn&& fn) {
    fn(unit(townships_, township));
    if (by_village_) fn(unit(villages_, village));
    fn(totals_);
  }
  Figures& township(const std::string& code) { return unit(townships_, code); }
  std::map<std::string, Figures>& townships() { return townships_; }
  std::map<std::string, Figures>& villages() { return villages_; }
  Figures& totals() { return totals_; }

 private:
  Figures& unit(std::map<std::string, Figures>& units, const std::string& code) {
    auto [it, inserted] = units.try_emplace(code);
    if (inserted) {
      it->second.code = code;
      it->second.overdue_trend.assign(trend_points_, 0);
    }
    return it->second;
  }
  bool by_village_;
  int trend_points_;
  std::map<std::string, Figures> townships_;
  std::map<std::string, Figures> villages_;
  Figures totals_;
};

// What the figures are computed for.
struct Query {
  db::Database& db;
  const Policy& policy;
  Date as_of;
  std::string day;          // as_of as text
  Date period_start;
  std::string period_from;  // period_start as text
  std::string low, high;    // township codes of the scope: an index range
  std::vector<Date> trend_days;
  bool by_village = false;
};

// The townships of the scope that hold children, found by a loose index scan (one seek per township), into a
// temporary table: the span queries then seek (kind, township, to_day > day) once per township and never read
// the spans that ended before the day — most of a year's history.
void fill_scope(db::Database& db, const std::string& low, const std::string& high) {
  db.exec("CREATE TEMP TABLE IF NOT EXISTS report_scope(township TEXT PRIMARY KEY) WITHOUT ROWID;"
          "DELETE FROM temp.report_scope;");
  auto fill = db.cached(
      "INSERT INTO temp.report_scope(township) WITH RECURSIVE t(code) AS ("
      " SELECT (SELECT min(township) FROM report_child WHERE township >= ?1 AND township <= ?2)"
      " UNION ALL SELECT (SELECT min(township) FROM report_child WHERE township > t.code AND township <= ?2)"
      " FROM t WHERE t.code IS NOT NULL) SELECT code FROM t WHERE code IS NOT NULL");
  fill->bind_all(low, high);
  fill->run();
}

// The rows of `query` (bound, not stepped) counted by their first `columns` columns, as `GROUP BY … count(*)` would
// count them, in no particular order. A hash table, not SQLite's GROUP BY: over spans read in index order (kind,
// township, to_day) SQLite sorts every row in a temporary B-tree, which took most of a 10,000-child township's
// report (50 of its 80 ms); counting the rows as they come costs a hash lookup each.
std::vector<std::pair<std::vector<std::string>, int>> count_by(db::Statement& query, int columns) {
  std::vector<std::pair<std::vector<std::string>, int>> groups;
  std::unordered_map<std::string, std::size_t> group_of;
  std::string key;
  while (query.step()) {
    key.clear();
    for (int c = 0; c < columns; ++c) {
      key += query.get_text_view(c);
      key += '\0';
    }
    auto [it, inserted] = group_of.try_emplace(key, groups.size());
    if (inserted) {
      std::vector<std::string> values;
      for (int c = 0; c < columns; ++c) values.emplace_back(query.get_text_view(c));
      groups.emplace_back(std::move(values), 0);
    }
    ++groups[it->second].second;
  }
  return groups;
}

// The figures from_rows fills, one group per query. Each reads the spans (or rows) of the scope in fill_scope's
// temporary table and adds them to the units with `units.add`.

// Facts true on the day: monitored, categories, colours, coverage.
void count_day_facts(const Query& q, Units& units) {
  auto query = q.db.cached(
      "SELECT township, iif(?9, village, ''), kind, value FROM report_span"
      " WHERE kind IN ('monitored', 'category', 'colour', 'covered') AND township IN (SELECT township FROM temp.report_scope)"
      " AND to_day > ?3 AND from_day <= ?3");
  query->bind_all(q.low, q.high, q.day);
  query->bind(9, q.by_village ? 1 : 0);
  for (const auto& counted : count_by(*query, 4)) {
    // Named, not a structured binding: the lambda below captures them, which clang 14 does not allow.
    const std::vector<std::string>& group = counted.first;
    const int n = counted.second;
    const std::string& kind = group[2];
    const std::string& value = group[3];
    const int colour = colour_index(value);
    units.add(group[0], group[1], [&](Figures& f) {
      if (kind == "monitored") f.children += n;
      else if (kind == "category") f.by_category[value] += n;
      else if (kind == "colour" && colour >= 0) f.by_colour[colour] += n, f.graded += n;
      else if (kind == "covered") f.covered += n;
    });
  }
}

// Overdue on the day (visits and reassessments), by how long.
void count_overdue(const Query& q, Units& units) {
  // ref_day is counted as it is and its days overdue worked out once a group (count_by).
  auto query = q.db.cached(
      "SELECT township, iif(?9, village, ''), kind, value, ref_day FROM report_span"
      " WHERE kind IN ('overdue', 'reassess') AND township IN (SELECT township FROM temp.report_scope) AND to_day > ?3 AND from_day <= ?3");
  query->bind_all(q.low, q.high, q.day);
  query->bind(9, q.by_village ? 1 : 0);
  for (const auto& counted : count_by(*query, 5)) {
    // Named, not a structured binding: the lambda below captures them, which clang 14 does not allow.
    const std::vector<std::string>& group = counted.first;
    const int n = counted.second;
    const std::string& kind = group[2];
    const int colour = colour_index(group[3]);
    const auto ref = Date::parse(group[4]);
    const std::int64_t days = ref ? days_between(*ref, q.as_of) : 0;
    if (colour < 0) continue;
    units.add(group[0], group[1], [&](Figures& f) {
      if (kind == "reassess") {
        f.reassess_overdue += n;
        return;
      }
      f.overdue[colour] += n;
      f.overdue_by_days[age_bucket(days)] += n;
      if (days > q.policy.schedule.by_colour[colour].escalate_after_days) f.escalations_open += n;
    });
  }
}

// Things that happened in the period: registrations, closings, colour raises and lowerings.
void count_period_events(const Query& q, Units& units) {
  auto query = q.db.cached(
      "SELECT township, iif(?9, village, '') AS unit, kind, count(*) FROM report_span"
      " WHERE kind IN ('registered', 'closed', 'raise', 'lower') AND township IN (SELECT township FROM temp.report_scope)"
      " AND to_day > ?3 AND from_day <= ?4 GROUP BY township, unit, kind");
  query->bind_all(q.low, q.high, q.period_from, q.day);
  query->bind(9, q.by_village ? 1 : 0);
  while (query->step()) {
    const std::string kind = query->get_text(2);
    const int n = static_cast<int>(query->get_int(3));
    units.add(query->get_text(0), query->get_text(1), [&](Figures& f) {
      if (kind == "registered") f.registered_in_period += n;
      else if (kind == "closed") f.closed_in_period += n;
      else if (kind == "raise") f.raises_in_period += n;
      else f.lowerings_in_period += n;
    });
  }
}

// The overdue trend: overdue children on each weekly point up to the day.
void count_overdue_trend(const Query& q, Units& units) {
  auto query = q.db.cached(
      "SELECT township, village, from_day, to_day FROM report_span"
      " WHERE kind = 'overdue' AND township IN (SELECT township FROM temp.report_scope) AND to_day > ?3 AND from_day <= ?4");
  query->bind_all(q.low, q.high, q.trend_days.front().to_string(), q.day);
  std::vector<std::string> points;
  for (const Date& d : q.trend_days) points.push_back(d.to_string());
  while (query->step()) {
    const std::string from = query->get_text(2);
    const std::string to = query->get_text(3);
    units.add(query->get_text(0), query->get_text(1), [&](Figures& f) {
      for (std::size_t i = 0; i < points.size(); ++i)
        if (from <= points[i] && points[i] < to) ++f.overdue_trend[i];
    });
  }
}

// Care and reviews: the current plan of each child under monitoring on the day.
void count_care_plans(const Query& q, Units& units) {
  // A NULL colour (ungraded) reads as '' and so as no colour; pending_review is a count, grouped and multiplied.
  auto query = q.db.cached(
      "SELECT township, village, colour, minimum_plan_met != 0, pending_review FROM report_child"
      " WHERE township BETWEEN ?1 AND ?2 AND registered_on <= ?3 AND (closed_on IS NULL OR closed_on > ?3)");
  query->bind_all(q.low, q.high, q.day);
  for (const auto& counted : count_by(*query, 5)) {
    // Named, not a structured binding: the lambda below captures them, which clang 14 does not allow.
    const std::vector<std::string>& group = counted.first;
    const int n = counted.second;
    const int colour = colour_index(group[2]);
    const bool met = group[3] == "1";
    const int pending = std::stoi(group[4]) * n;
    units.add(group[0], group[1], [&](Figures& f) {
      f.pending_reviews += pending;
      if (colour == static_cast<int>(Colour::Red) || colour == static_cast<int>(Colour::Yellow)) {
        f.red_yellow += n;
        if (met) f.minimum_plan_met += n;
      }
    });
  }
}

// Care measures of the children under monitoring on the day, by area and status.
void count_care_measures(const Query& q, Units& units) {
  auto query = q.db.cached(
      "SELECT township, village, area, status, count(*) FROM report_measure"
      " WHERE township BETWEEN ?1 AND ?2 AND registered_on <= ?3 AND (closed_on IS NULL OR closed_on > ?3)"
      " GROUP BY township, village, area, status");
  query->bind_all(q.low, q.high, q.day);
  while (query->step()) {
    const std::string area = query->get_text(2);
    const std::string status = query->get_text(3);
    const int n = static_cast<int>(query->get_int(4));
    units.add(query->get_text(0), query->get_text(1), [&](Figures& f) { f.measures[area][status] += n; });
  }
}

// Screening steps: open on the day (and how far past their limit), completed in the period (and on time).
void count_screening_steps(const Query& q, Units& units) {
  auto query = q.db.cached(
      "SELECT township, village, step, started_on, due_on, done_on FROM report_step"
      " WHERE township BETWEEN ?1 AND ?2 AND started_on <= ?3 AND (done_on IS NULL OR done_on >= ?4)");
  query->bind_all(q.low, q.high, q.day, q.period_from);
  while (query->step()) {
    const std::string step = query->get_text(2);
    const Date due = *Date::parse(query->get_text(4));
    const auto done_text = query->get_optional_text(5);
    const bool open = !done_text || *done_text > q.day;
    const bool done_in_period = done_text && *done_text >= q.period_from && *done_text <= q.day;
    const std::int64_t late = days_between(due, q.as_of);
    units.add(query->get_text(0), query->get_text(1), [&](Figures& f) {
      if (open) {
        f.steps_open[step] += 1;
        if (late > 0) f.steps_overdue_by_days[age_bucket(late)] += 1;
      }
      if (done_in_period) {
        f.steps_done_in_period += 1;
        if (*done_text <= due.to_string()) f.steps_done_on_time += 1;
      }
    });
  }
}

// Every figure from the report rows themselves: GROUP BY over covering indexes, one pass per group of figures.
// Its cost follows the spans open on the day in the scope (about five per child); it gives villages too.
void from_rows(const Query& q, Units& units) {
  fill_scope(q.db, q.low, q.high);
  count_day_facts(q, units);
  count_overdue(q, units);
  count_period_events(q, units);
  count_overdue_trend(q, units);
  count_care_plans(q, units);
  count_care_measures(q, units);
  count_screening_steps(q, units);
}

// Adds one tally counter's change on the day to the figure it counts (the age buckets are done by the caller);
// `colour` is colour_index(value).
void add_counter(Figures& f, const std::string& kind, const std::string& value, int colour, int count) {
  if (kind == "monitored") f.children += count;
  else if (kind == "category") f.by_category[value] += count;
  else if (kind == "colour" && colour >= 0) f.by_colour[colour] += count, f.graded += count;
  else if (kind == "covered") f.covered += count;
  else if (kind == "overdue" && colour >= 0) f.overdue[colour] += count;
  else if (kind == "escalated") f.escalations_open += count;
  else if (kind == "reassess") f.reassess_overdue += count;
  else if (kind == "registered") f.registered_in_period += count;
  else if (kind == "closed") f.closed_in_period += count;
  else if (kind == "raise") f.raises_in_period += count;
  else if (kind == "lower") f.lowerings_in_period += count;
  else if (kind == "red_yellow") f.red_yellow += count;
  else if (kind == "plan_met") f.minimum_plan_met += count;
  else if (kind == "pending_review") f.pending_reviews += count;
  else if (kind == "measure") {
    const auto slash = value.find('/');
    f.measures[value.substr(0, slash)][slash == std::string::npos ? "" : value.substr(slash + 1)] += count;
  } else if (kind == "step_open") f.steps_open[value] += count;
  else if (kind == "step_done") f.steps_done_in_period += count;
  else if (kind == "step_done_on_time") f.steps_done_on_time += count;
}

// One township's figures from its tallies: its counters on the day, on the day before the period and on each trend
// day.
void add_township_tallies(const Query& q, tally::Reader& reader, const std::string& township, Units& units) {
  const auto& counters = reader.counters();
  const std::vector<std::int64_t> now = reader.at(township, q.as_of.days_since_epoch());
  const std::vector<std::int64_t> then = reader.at(township, q.period_start.days_since_epoch() - 1);
  // Sums over colours, for the age buckets (differences of "at least N days" counters).
  std::int64_t overdue = 0, overdue_8 = 0, overdue_31 = 0, late_1 = 0, late_8 = 0, late_31 = 0;
  std::vector<std::size_t> overdue_ids;
  for (std::size_t id = 1; id < counters.size(); ++id) {
    // Named references, not a structured binding: the lambda below captures them, which clang 14 (the fuzz build)
    // does not allow for structured bindings.
    const std::string& kind = counters[id].first;
    const std::string& value = counters[id].second;
    if (kind == "overdue") overdue_ids.push_back(id);
    const std::int64_t n = tally::is_cumulative(kind) ? now[id] - then[id] : now[id];
    if (n == 0) continue;
    const int count = static_cast<int>(n);
    const int colour = colour_index(value);
    if (kind == "overdue") overdue += n;
    else if (kind == "overdue_8") overdue_8 += n;
    else if (kind == "overdue_31") overdue_31 += n;
    else if (kind == "step_late_1") late_1 += n;
    else if (kind == "step_late_8") late_8 += n;
    else if (kind == "step_late_31") late_31 += n;
    units.add(township, "", [&](Figures& f) { add_counter(f, kind, value, colour, count); });
  }
  const std::array<std::int64_t, 3> overdue_by_days = {overdue - overdue_8, overdue_8 - overdue_31, overdue_31};
  const std::array<std::int64_t, 3> late_by_days = {late_1 - late_8, late_8 - late_31, late_31};
  std::vector<int> trend;
  for (const Date& point : q.trend_days) {
    const std::vector<std::int64_t> at = point == q.as_of ? now : reader.at(township, point.days_since_epoch());
    std::int64_t n = 0;
    for (std::size_t id : overdue_ids) n += at[id];
    trend.push_back(static_cast<int>(n));
  }
  units.add(township, "", [&](Figures& f) {
    for (std::size_t i = 0; i < 3; ++i) {
      f.overdue_by_days[i] += static_cast<int>(overdue_by_days[i]);
      f.steps_overdue_by_days[i] += static_cast<int>(late_by_days[i]);
    }
    for (std::size_t i = 0; i < trend.size(); ++i) f.overdue_trend[i] += trend[i];
  });
}

// Every figure from the per-township tallies (report_tally.h): a few index seeks per township, whatever its size.
void from_tallies(const Query& q, Units& units) {
  tally::Reader reader(q.db);
  std::vector<std::string> townships;
  {
    auto query = q.db.cached(
        "WITH RECURSIVE t(code) AS ("
        " SELECT (SELECT min(township) FROM report_tally WHERE township >= ?1 AND township <= ?2)"
        " UNION ALL SELECT (SELECT min(township) FROM report_tally WHERE township > t.code AND township <= ?2)"
        " FROM t WHERE t.code IS NOT NULL) SELECT code FROM t WHERE code IS NOT NULL");
    query->bind_all(q.low, q.high);
    while (query->step()) townships.push_back(query->get_text(0));
  }
  for (const std::string& township : townships) add_township_tallies(q, reader, township, units);
}

// The report's frame before any figure: its options, policy, coverage target, period and trend days.
Report start_report(const Options& options, const Policy& policy) {
  Report report;
  report.options = options;
  report.policy_version = policy.version;
  // The target line of the coverage chart: the county policy's report.coverage_target if it sets one.
  report.coverage_target = tuning::kCoverageTarget;
  if (policy.document.contains("report") && policy.document["report"].is_object())
    report.coverage_target = policy.document["report"].value("coverage_target", report.coverage_target);
  const Date as_of = options.as_of;
  report.period_from = options.period_from.value_or(Date(as_of.year(), as_of.month(), 1));
  if (report.period_from > as_of) report.period_from = as_of;
  const int trend_points = std::max(1, options.trend_points);
  for (int i = trend_points - 1; i >= 0; --i) report.trend_days.push_back(as_of.plus_days(-7LL * i));
  return report;
}

// Names the units, works out the ungraded (under monitoring without a colour on the day) and moves them into the
// report.
void finish_units(Units& units, const Options& options, Report& report) {
  auto finish = [](Figures& f) { f.ungraded = std::max(0, f.children - f.graded); };
  for (auto& [code, f] : units.townships()) {
    f.name = division_label(code);
    finish(f);
    report.townships.push_back(f);
  }
  for (auto& [code, f] : units.villages()) {
    f.name = division_label(code);
    finish(f);
    report.villages.push_back(f);
  }
  Figures totals = units.totals();
  totals.code = options.scope_code;
  totals.name = options.scope_name;
  finish(totals);
  report.totals = totals;
}

// The supervisor's overdue list (a station's own township): masked ID numbers, never names; reddest and longest
// overdue first.
std::vector<OverdueChild> overdue_children(const Query& q) {
  std::vector<OverdueChild> children;
  fill_scope(q.db, q.low, q.high);
  auto query = q.db.cached(
      "SELECT s.village, s.value, s.ref_day, c.id_number, c.temp_key, c.id, c.name FROM report_span s"
      " JOIN children c ON c.id = s.child_id"
      " WHERE s.kind = 'overdue' AND s.township IN (SELECT township FROM temp.report_scope) AND s.to_day > ?3 AND s.from_day <= ?3"
      " ORDER BY s.ref_day, s.village, s.child_id");
  query->bind_all(q.low, q.high, q.day);
  while (query->step()) {
    OverdueChild child;
    child.village = query->get_text(0);
    child.colour = parse_colour(query->get_text(1)).value_or(Colour::Green);
    child.due_on = query->get_text(2);
    child.days_overdue = static_cast<int>(days_between(*Date::parse(child.due_on), q.as_of));
    child.escalated = escalated(child.colour, child.days_overdue, q.policy.schedule);
    if (auto id = query->get_optional_text(3)) child.masked_id = mask_id_number(*id);
    else child.masked_id = query->get_optional_text(4).value_or("");
    child.child_id = query->get_text(5);
    child.name = query->get_text(6);
    children.push_back(std::move(child));
  }
  std::stable_sort(children.begin(), children.end(), [](const OverdueChild& a, const OverdueChild& b) {
    if (a.colour != b.colour) return a.colour > b.colour;
    return a.days_overdue > b.days_overdue;
  });
  return children;
}

// Stations that have not synced on or after the day `day` (or ever). The day is China's: the server stores its
// times in UTC, so a sync before 08:00 China time carries the day before in its first ten characters.
std::vector<std::string> stale_stations(const std::vector<StationHealth>& stations, const std::string& day) {
  std::vector<std::string> stale;
  for (const auto& station : stations) {
    if (!station.last_sync || cst_time(*station.last_sync).substr(0, 10) < day) stale.push_back(station.station_id);
  }
  return stale;
}

}  // namespace

Report build(db::Database& db, const Options& options, const std::vector<StationHealth>& stations) {
  const Policy& policy = stored_policy(db);
  Report report = start_report(options, policy);
  const bool county = options.level == ScopeLevel::County;
  const bool by_village = options.level == ScopeLevel::Township;
  // Township codes in the scope: the code padded to nine digits with 0s and with 9s (an index range).
  std::string low = options.scope_code, high = options.scope_code;
  low.resize(9, '0');
  high.resize(9, '9');
  const int trend_points = static_cast<int>(report.trend_days.size());

  // Tallies serve a county or a province; a township's report reads the rows, which also give its villages.
  const bool tallies = options.method == Method::Tallies || (options.method == Method::Auto && !by_village);
  Units units(by_village && !tallies, trend_points);
  units.totals().overdue_trend.assign(trend_points, 0);
  // Every township of the county is listed, even one with no child recorded: a silent township must show.
  if (county) {
    for (const auto& township : Divisions::bundled().townships_of(options.scope_code)) units.township(township.code);
  } else if (by_village) {
    units.township(options.scope_code);
  }
  const Query scope{db, policy, options.as_of, options.as_of.to_string(), report.period_from,
                    report.period_from.to_string(), low, high, report.trend_days, by_village && !tallies};
  if (tallies) from_tallies(scope, units);
  else from_rows(scope, units);
  finish_units(units, options, report);

  if (options.overdue_list) report.overdue_children = overdue_children(scope);
  report.stations = stations;
  report.stale_stations = stale_stations(stations, scope.day);
  return report;
}

}  // namespace tongdang::report
