// The report's per-township tallies (schema_report.cc, report_tally/report_counter): every counter a county or
// province report needs, kept as a step function of the day so that "as of D" is one index seek per township.
// Private to core. The tallies are derived from the report rows (report_span, report_child, report_measure,
// report_step) and only from them: a change collects a row set's contributions before and after it rewrites
// them (collect_* with sign -1, then +1) and applies the difference; rebuild() collects every township afresh.
// docs/reports.md "Tallies" lists the counters and how each figure reads them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/date.h"
#include "core/db/sqlite.h"

namespace tongdang::report::tally {

// Open-ended spans end on this day (exclusive), so one index range serves "still true".
inline constexpr std::string_view kForever = "9999-12-31";
inline constexpr std::int64_t kForeverDays = 2932896;  // days from 1970-01-01 to 9999-12-31

// "YYYY-MM-DD…" -> days since 1970-01-01; unparseable or empty -> kForeverDays.
inline std::int64_t day_of(std::string_view text) {
  auto date = Date::parse(text.substr(0, 10));
  return date ? date->days_since_epoch() : kForeverDays;
}

// Counters that count things that happened on a day (registrations, closings, raises, lowerings, screening steps
// completed): they are cumulative ("how many up to day D"), so a period's count is the difference of two days.
inline bool is_cumulative(std::string_view kind) {
  return kind == "registered" || kind == "closed" || kind == "raise" || kind == "lower" || kind == "step_done" ||
         kind == "step_done_on_time";
}

// A counter: (kind, value), e.g. ("colour", "red"), ("measure", "SAFETY/planned").
using Counter = std::pair<std::string, std::string>;

// Counter changes not yet written: per township, per day, how much each counter's value changes from that day on.
class Delta {
 public:
  // `weight` added to `counter` over the days [from, to) (to = kForeverDays: from `from` on).
  void add(const std::string& township, const Counter& counter, std::int64_t from, std::int64_t to,
           std::int64_t weight);
  bool empty() const { return changes_.empty(); }
  const std::map<std::string, std::map<std::int64_t, std::map<Counter, std::int64_t>>>& changes() const {
    return changes_;
  }

 private:
  std::map<std::string, std::map<std::int64_t, std::map<Counter, std::int64_t>>> changes_;
};

// Adds the contributions of the stored report rows of one child (spans, report_child, report_measure), of one
// lead (report_step), or of a whole township, times `sign`.
void collect_child(db::Database& db, std::string_view child_id, int sign, Delta& delta);
void collect_lead(db::Database& db, std::string_view lead_id, int sign, Delta& delta);
void collect_township(db::Database& db, const std::string& township, Delta& delta);

// Writes `delta` into report_tally (inside the caller's transaction), keeping one row per day on which some
// counter changes and none that repeats the row before it.
void apply(db::Database& db, const Delta& delta);

// Recomputes report_tally from the report rows (inside the caller's transaction).
void rebuild(db::Database& db);

// Reads counters back for the report.
class Reader {
 public:
  explicit Reader(db::Database& db);
  // The value of every counter in `township` on `day`, by counter id (index = id; 0 where unset).
  std::vector<std::int64_t> at(const std::string& township, std::int64_t day);
  // The counters by id (index = id; index 0 unused).
  const std::vector<Counter>& counters() const { return counters_; }

 private:
  db::Database& db_;
  std::vector<Counter> counters_;
};

}  // namespace tongdang::report::tally
