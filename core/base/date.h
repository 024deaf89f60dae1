// Civil dates (no time zone: the stations work in China Standard Time and record dates as people say them),
// and an injectable clock so tests can skew time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tongdang {

// A calendar date. Stored and exchanged as "YYYY-MM-DD".
class Date {
 public:
  Date() = default;
  explicit Date(std::chrono::year_month_day ymd) : ymd_(ymd) {}
  Date(int year, unsigned month, unsigned day)
      : ymd_(std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}) {}

  // Parses "YYYY-MM-DD" (also "YYYYMMDD"); nullopt if malformed or not a real day (2023-02-29).
  static std::optional<Date> parse(std::string_view text);
  static Date from_days(std::int64_t days_since_epoch);

  int year() const { return static_cast<int>(ymd_.year()); }
  unsigned month() const { return static_cast<unsigned>(ymd_.month()); }
  unsigned day() const { return static_cast<unsigned>(ymd_.day()); }
  std::int64_t days_since_epoch() const;
  bool valid() const { return ymd_.ok(); }

  Date plus_days(std::int64_t days) const { return from_days(days_since_epoch() + days); }
  // The same day `years` later; 29 February becomes 1 March in a common year (a child born on 29 February
  // turns 16 on 1 March, as ages are counted in civil law).
  Date plus_years(int years) const;
  Date plus_months(int months) const;  // clamps to the month's last day (31 Jan + 1 month = 28/29 Feb)
  std::string to_string() const;       // "YYYY-MM-DD"

  // Full years of age on `on` (birthday counts on the day).
  int age_on(Date on) const;

  friend auto operator<=>(const Date& a, const Date& b) { return a.days_since_epoch() <=> b.days_since_epoch(); }
  friend bool operator==(const Date& a, const Date& b) { return a.days_since_epoch() == b.days_since_epoch(); }

 private:
  std::chrono::year_month_day ymd_{std::chrono::year{1970}, std::chrono::month{1}, std::chrono::day{1}};
};

// Days from `from` to `to` (negative if `to` is earlier).
std::int64_t days_between(Date from, Date to);

// The world's time, behind an interface so tests and the demo can set it.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::int64_t now_ms() const = 0;
  // Today in China Standard Time (UTC+8).
  Date today() const;
  // Now as ISO-8601 with offset, e.g. "2026-11-28T22:10:00+08:00".
  std::string now_iso() const;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
};

// A clock a test sets and moves by hand.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t now_ms) : now_ms_(now_ms) {}
  std::int64_t now_ms() const override { return now_ms_; }
  void set(std::int64_t now_ms) { now_ms_ = now_ms; }
  void advance_ms(std::int64_t delta) { now_ms_ += delta; }

 private:
  std::int64_t now_ms_;
};

// The process clock: the system clock, unless TONGDANG_NOW (ISO date or date-time, read once) fixes it — used by
// the demo and the CLI tests so that ages and due dates do not drift with the calendar.
const Clock& process_clock();

// Milliseconds since the epoch for midnight CST of `date`.
std::int64_t midnight_cst_ms(Date date);

// A stored time ("2026-12-03T05:30:00.125Z", "…+08:00", or without an offset, taken as CST) as people in China read
// it, in China Standard Time to the minute: "2026-12-03 13:30". Times are stored as they came (UTC from the server's
// database, +08:00 from a clock); every page shows them through this one function. Text that is not such a time
// comes back as it is.
std::string cst_time(std::string_view iso);

}  // namespace tongdang
