// The report's per-township tallies (report_tally.h). Each stored report row contributes to a few counters over a
// range of days; a tally row holds every counter's value from its day on. Changes are applied as differences, so
// one visit rewrites only the township's rows from the visit's day on (a handful: the transitions still ahead);
// the rows stay canonical (no row repeats the one before it), so maintained tallies equal a rebuild byte for byte.
#include "core/projection/report_tally.h"

#include <algorithm>

#include "core/model/model.h"
#include "core/model/policy.h"

namespace tongdang::report::tally {

namespace {

// Every span kind report_maintain.cc writes (the tally of a township is collected kind by kind, one index seek
// each).
constexpr std::string_view kSpanKinds[] = {"monitored", "category", "colour",     "covered", "overdue", "reassess",
                                           "registered", "closed",  "raise",      "lower"};

void add_span(Delta& delta, const Policy& policy, const std::string& township, const std::string& kind,
              const std::string& value, std::int64_t from, std::int64_t to, std::optional<std::int64_t> ref,
              int sign) {
  if (is_cumulative(kind)) {  // a one-day span: counted from its day on
    delta.add(township, {kind, value}, from, kForeverDays, sign);
    return;
  }
  delta.add(township, {kind, value}, from, to, sign);
  if (kind != "overdue" || !ref) return;
  // How long overdue, as spans of their own: "8 days or more", "31 days or more", and escalated (more than the
  // colour's escalate_after_days): the report's age buckets are differences of these.
  delta.add(township, {"overdue_8", value}, std::max(from, *ref + 8), to, sign);
  delta.add(township, {"overdue_31", value}, std::max(from, *ref + 31), to, sign);
  if (auto colour = parse_colour(value))
    delta.add(township, {"escalated", value},
              std::max(from, *ref + policy.schedule[*colour].escalate_after_days + 1), to, sign);
}

void add_child(Delta& delta, const std::string& township, std::int64_t from, std::int64_t to,
               const std::optional<std::string>& colour, bool plan_met, std::int64_t pending_review, int sign) {
  // The current plan counts over the whole monitored period, as report_child holds only the current state.
  if (colour == "red" || colour == "yellow") {
    delta.add(township, {"red_yellow", ""}, from, to, sign);
    if (plan_met) delta.add(township, {"plan_met", ""}, from, to, sign);
  }
  if (pending_review > 0) delta.add(township, {"pending_review", ""}, from, to, sign * pending_review);
}

void add_step(Delta& delta, const std::string& township, const std::string& step, std::int64_t started,
              std::int64_t due, std::optional<std::int64_t> done, int sign) {
  const std::int64_t end = done.value_or(kForeverDays);
  delta.add(township, {"step_open", step}, started, end, sign);
  delta.add(township, {"step_late_1", ""}, std::max(started, due + 1), end, sign);
  delta.add(township, {"step_late_8", ""}, std::max(started, due + 8), end, sign);
  delta.add(township, {"step_late_31", ""}, std::max(started, due + 31), end, sign);
  if (!done) return;
  delta.add(township, {"step_done", ""}, *done, kForeverDays, sign);
  if (*done <= due) delta.add(township, {"step_done_on_time", ""}, *done, kForeverDays, sign);
}

std::optional<std::int64_t> optional_day(const db::Statement& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return day_of(row.get_text(column));
}

// Reads rows of the shape (township, kind, value, from_day, to_day, ref_day) from `query` (bound, not stepped).
void spans_from(db::Statement& query, const Policy& policy, int sign, Delta& delta) {
  while (query.step())
    add_span(delta, policy, query.get_text(0), query.get_text(1), query.get_text(2), day_of(query.get_text(3)),
             day_of(query.get_text(4)), optional_day(query, 5), sign);
}
// (township, registered_on, closed_on, colour, minimum_plan_met, pending_review)
void children_from(db::Statement& query, int sign, Delta& delta) {
  while (query.step())
    add_child(delta, query.get_text(0), day_of(query.get_text(1)), optional_day(query, 2).value_or(kForeverDays),
              query.get_optional_text(3), query.get_int(4) != 0, query.get_int(5), sign);
}
// (township, area, status, registered_on, closed_on)
void measures_from(db::Statement& query, int sign, Delta& delta) {
  while (query.step())
    delta.add(query.get_text(0), {"measure", query.get_text(1) + "/" + query.get_text(2)}, day_of(query.get_text(3)),
              optional_day(query, 4).value_or(kForeverDays), sign);
}
// (township, step, started_on, due_on, done_on)
void steps_from(db::Statement& query, int sign, Delta& delta) {
  while (query.step())
    add_step(delta, query.get_text(0), query.get_text(1), day_of(query.get_text(2)), day_of(query.get_text(3)),
             optional_day(query, 4), sign);
}

// ---- the counts of one tally row ----

using Counts = std::vector<std::int64_t>;  // by counter id; index 0 unused

void trim(Counts& counts) {
  while (!counts.empty() && counts.back() == 0) counts.pop_back();
}

std::string encode(const Counts& counts) {
  std::string bytes;
  for (std::size_t id = 1; id < counts.size(); ++id) {
    auto zigzag = (static_cast<std::uint64_t>(counts[id]) << 1) ^ static_cast<std::uint64_t>(counts[id] >> 63);
    do {
      auto byte = static_cast<unsigned char>(zigzag & 0x7f);
      zigzag >>= 7;
      if (zigzag) byte |= 0x80;
      bytes.push_back(static_cast<char>(byte));
    } while (zigzag);
  }
  return bytes;
}

Counts decode(std::string_view bytes) {
  Counts counts(1, 0);
  std::uint64_t value = 0;
  int shift = 0;
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    shift += 7;
    if (byte & 0x80) continue;
    counts.push_back(static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1));
    value = 0;
    shift = 0;
  }
  trim(counts);
  return counts;
}

// The counters' ids, adding the ones `delta` names that are not yet known.
std::map<Counter, int> counter_ids(db::Database& db, const Delta& delta) {
  std::map<Counter, int> ids;
  auto known = db.cached("SELECT id, kind, value FROM report_counter");
  while (known->step()) ids[{known->get_text(1), known->get_text(2)}] = static_cast<int>(known->get_int(0));
  known->reset();
  auto insert = db.cached("INSERT INTO report_counter(kind, value) VALUES(?1, ?2) RETURNING id");
  for (const auto& [township, days] : delta.changes())
    for (const auto& [day, counters] : days)
      for (const auto& [counter, change] : counters) {
        if (ids.count(counter)) continue;
        insert->bind_all(counter.first, counter.second);
        insert->step();
        ids[counter] = static_cast<int>(insert->get_int(0));
        insert->reset();
      }
  return ids;
}

}  // namespace

void Delta::add(const std::string& township, const Counter& counter, std::int64_t from, std::int64_t to,
                std::int64_t weight) {
  if (from >= to || weight == 0) return;
  auto& days = changes_[township];
  days[from][counter] += weight;
  if (to < kForeverDays) days[to][counter] -= weight;
}

void collect_child(db::Database& db, std::string_view child_id, int sign, Delta& delta) {
  const Policy& policy = stored_policy(db);
  auto spans = db.cached(
      "SELECT township, kind, value, from_day, to_day, ref_day FROM report_span WHERE child_id = ?1");
  spans->bind(1, child_id);
  spans_from(*spans, policy, sign, delta);
  auto child = db.cached(
      "SELECT township, registered_on, closed_on, colour, minimum_plan_met, pending_review FROM report_child"
      " WHERE child_id = ?1");
  child->bind(1, child_id);
  children_from(*child, sign, delta);
  auto measures = db.cached(
      "SELECT township, area, status, registered_on, closed_on FROM report_measure WHERE child_id = ?1");
  measures->bind(1, child_id);
  measures_from(*measures, sign, delta);
}

void collect_lead(db::Database& db, std::string_view lead_id, int sign, Delta& delta) {
  auto steps = db.cached("SELECT township, step, started_on, due_on, done_on FROM report_step WHERE lead_id = ?1");
  steps->bind(1, lead_id);
  steps_from(*steps, sign, delta);
}

void collect_township(db::Database& db, const std::string& township, Delta& delta) {
  const Policy& policy = stored_policy(db);
  // Kind by kind, so each reads one range of the covering index report_span_query.
  auto spans = db.cached(
      "SELECT township, kind, value, from_day, to_day, ref_day FROM report_span WHERE kind = ?2 AND township = ?1");
  for (std::string_view kind : kSpanKinds) {
    spans->bind(1, township).bind(2, kind);
    spans_from(*spans, policy, 1, delta);
    spans->reset();
  }
  auto children = db.cached(
      "SELECT township, registered_on, closed_on, colour, minimum_plan_met, pending_review FROM report_child"
      " WHERE township = ?1");
  children->bind(1, township);
  children_from(*children, 1, delta);
  auto measures = db.cached(
      "SELECT township, area, status, registered_on, closed_on FROM report_measure WHERE township = ?1");
  measures->bind(1, township);
  measures_from(*measures, 1, delta);
  auto steps = db.cached("SELECT township, step, started_on, due_on, done_on FROM report_step WHERE township = ?1");
  steps->bind(1, township);
  steps_from(*steps, 1, delta);
}

void apply(db::Database& db, const Delta& delta) {
  if (delta.empty()) return;
  const std::map<Counter, int> ids = counter_ids(db, delta);
  const std::size_t width = ids.empty() ? 1 : static_cast<std::size_t>(
      std::max_element(ids.begin(), ids.end(), [](auto& a, auto& b) { return a.second < b.second; })->second) + 1;
  auto before = db.cached(
      "SELECT counts FROM report_tally WHERE township = ?1 AND day < ?2 ORDER BY day DESC LIMIT 1");
  auto after = db.cached(
      "SELECT day, counts FROM report_tally WHERE township = ?1 AND day >= ?2 AND day <= ?3 ORDER BY day");
  auto insert = db.cached("INSERT INTO report_tally(township, day, counts) VALUES(?1, ?2, ?3)");
  auto update = db.cached("UPDATE report_tally SET counts = ?3 WHERE township = ?1 AND day = ?2");
  auto erase = db.cached("DELETE FROM report_tally WHERE township = ?1 AND day = ?2");

  for (const auto& [township, days] : delta.changes()) {
    // The changes by day and counter id, without the ones that cancelled out.
    std::vector<std::pair<std::int64_t, std::vector<std::pair<int, std::int64_t>>>> changes;
    for (const auto& [day, counters] : days) {
      std::vector<std::pair<int, std::int64_t>> nonzero;
      for (const auto& [counter, change] : counters)
        if (change != 0) nonzero.emplace_back(ids.at(counter), change);
      if (!nonzero.empty()) changes.emplace_back(day, std::move(nonzero));
    }
    if (changes.empty()) continue;
    const std::int64_t first = changes.front().first;
    // Rows after the last change need rewriting only if the changes do not sum to zero there (a span opened or
    // closed for good); a visit's changes usually do, so only the days between its first and last change are read.
    std::map<int, std::int64_t> net;
    for (const auto& [day, counters] : changes)
      for (const auto& [id, change] : counters) net[id] += change;
    const bool open_ended = std::any_of(net.begin(), net.end(), [](const auto& entry) { return entry.second != 0; });
    const std::int64_t last = open_ended ? kForeverDays : changes.back().first;

    Counts kept;  // the counts in force just before the current day, as the table will hold them
    before->bind(1, township).bind(2, first);
    if (before->step()) kept = decode(before->get_blob(0));
    before->reset();
    Counts original = kept;  // the same, as the table held them before this change
    std::vector<std::pair<std::int64_t, Counts>> rows;
    after->bind(1, township).bind(2, first).bind(3, last);
    while (after->step()) rows.emplace_back(after->get_int(0), decode(after->get_blob(1)));
    after->reset();

    Counts running(width, 0);
    std::size_t i = 0, j = 0;
    while (i < changes.size() || j < rows.size()) {
      const std::int64_t day = j == rows.size() || (i < changes.size() && changes[i].first < rows[j].first)
                                   ? changes[i].first
                                   : rows[j].first;
      if (i < changes.size() && changes[i].first == day) {
        for (const auto& [id, change] : changes[i].second) running[static_cast<std::size_t>(id)] += change;
        ++i;
      }
      const bool stored = j < rows.size() && rows[j].first == day;
      if (stored) original = rows[j++].second;
      Counts now = original;
      if (now.size() < running.size()) now.resize(running.size(), 0);
      for (std::size_t id = 1; id < running.size(); ++id) now[id] += running[id];
      trim(now);
      if (now == kept) {
        if (stored) erase->bind(1, township).bind(2, day).run();
        continue;
      }
      if (!stored) {
        insert->bind(1, township).bind(2, day).bind_blob(3, encode(now)).run();
      } else if (now != original) {
        update->bind(1, township).bind(2, day).bind_blob(3, encode(now)).run();
      }
      kept = std::move(now);
    }
  }
}

void rebuild(db::Database& db) {
  db.exec("DELETE FROM report_tally");
  std::vector<std::string> townships;
  {
    auto query = db.prepare(
        "SELECT DISTINCT township FROM report_child UNION SELECT DISTINCT township FROM report_step ORDER BY 1");
    while (query.step()) townships.push_back(query.get_text(0));
  }
  for (const auto& township : townships) {
    Delta delta;
    collect_township(db, township, delta);
    apply(db, delta);
  }
}

Reader::Reader(db::Database& db) : db_(db), counters_(1) {
  auto query = db.cached("SELECT id, kind, value FROM report_counter ORDER BY id");
  while (query->step()) {
    const auto id = static_cast<std::size_t>(query->get_int(0));
    if (counters_.size() <= id) counters_.resize(id + 1);
    counters_[id] = {query->get_text(1), query->get_text(2)};
  }
}

std::vector<std::int64_t> Reader::at(const std::string& township, std::int64_t day) {
  auto query = db_.cached(
      "SELECT counts FROM report_tally WHERE township = ?1 AND day <= ?2 ORDER BY day DESC LIMIT 1");
  query->bind(1, township).bind(2, day);
  Counts counts;
  if (query->step()) counts = decode(query->get_blob(0));
  query->reset();
  counts.resize(counters_.size(), 0);
  return counts;
}

}  // namespace tongdang::report::tally
