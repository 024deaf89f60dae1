#include "core/base/date.h"

#include <cstdlib>
#include <fmt/format.h>

namespace tongdang {
namespace {

using namespace std::chrono;

constexpr std::int64_t kMsPerDay = 24LL * 60 * 60 * 1000;
constexpr std::int64_t kCstOffsetMs = 8LL * 60 * 60 * 1000;

bool all_digits(std::string_view text) {
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return !text.empty();
}

int to_int(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

std::optional<Date> Date::parse(std::string_view text) {
  std::string_view y, m, d;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  } else if (text.size() == 8) {
    y = text.substr(0, 4), m = text.substr(4, 2), d = text.substr(6, 2);
  } else {
    return std::nullopt;
  }
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  Date date(to_int(y), static_cast<unsigned>(to_int(m)), static_cast<unsigned>(to_int(d)));
  if (!date.valid()) return std::nullopt;
  return date;
}

Date Date::from_days(std::int64_t days_since_epoch) {
  return Date(year_month_day{sys_days{days{days_since_epoch}}});
}

std::int64_t Date::days_since_epoch() const { return sys_days{ymd_}.time_since_epoch().count(); }

Date Date::plus_years(int years) const {
  year_month_day shifted = ymd_ + std::chrono::years{years};
  if (!shifted.ok()) shifted = year_month_day{sys_days{year_month_day_last{shifted.year(), month_day_last{shifted.month()}}} + days{1}};
  return Date(shifted);
}

Date Date::plus_months(int months) const {
  year_month_day shifted = ymd_ + std::chrono::months{months};
  if (!shifted.ok()) shifted = year_month_day{year_month_day_last{shifted.year(), month_day_last{shifted.month()}}};
  return Date(shifted);
}

std::string Date::to_string() const {
  // By hand, not fmt: the projections and report rows format dates by the thousand (a tenth of the time).
  const int y = year();
  if (y < 0 || y > 9999) return fmt::format("{:04}-{:02}-{:02}", y, month(), day());
  std::string text = "0000-00-00";
  auto put = [&text](std::size_t end, unsigned value) {
    for (std::size_t i = end; value > 0; value /= 10) text[--i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<unsigned>(y));
  put(7, month());
  put(10, day());
  return text;
}

int Date::age_on(Date on) const {
  int age = on.year() - year();
  if (on.month() < month() || (on.month() == month() && on.day() < day())) --age;
  return age;
}

std::int64_t days_between(Date from, Date to) { return to.days_since_epoch() - from.days_since_epoch(); }

Date Clock::today() const {
  std::int64_t ms = now_ms() + kCstOffsetMs;
  std::int64_t day = ms >= 0 ? ms / kMsPerDay : -((-ms + kMsPerDay - 1) / kMsPerDay);
  return Date::from_days(day);
}

std::string Clock::now_iso() const {
  std::int64_t ms = now_ms() + kCstOffsetMs;
  std::int64_t day = ms / kMsPerDay;
  std::int64_t in_day = (ms % kMsPerDay) / 1000;
  return fmt::format("{}T{:02}:{:02}:{:02}+08:00", Date::from_days(day).to_string(), in_day / 3600,
                     (in_day / 60) % 60, in_day % 60);
}

std::int64_t SystemClock::now_ms() const {
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t midnight_cst_ms(Date date) { return date.days_since_epoch() * kMsPerDay - kCstOffsetMs; }

namespace {

// TONGDANG_NOW fixes the clock: "2026-11-28" (noon CST that day) or "2026-11-28T09:30" (CST).
class FixedOrSystemClock final : public Clock {
 public:
  FixedOrSystemClock() {
    const char* fixed = std::getenv("TONGDANG_NOW");
    if (!fixed || !*fixed) return;
    std::string_view text(fixed);
    auto date = Date::parse(text.substr(0, 10));
    if (!date) return;
    std::int64_t at = midnight_cst_ms(*date) + 12LL * 3600 * 1000;
    if (text.size() >= 16 && text[10] == 'T') {
      int hours = std::atoi(std::string(text.substr(11, 2)).c_str());
      int minutes = std::atoi(std::string(text.substr(14, 2)).c_str());
      at = midnight_cst_ms(*date) + (hours * 60LL + minutes) * 60 * 1000;
    }
    fixed_ms_ = at;
  }
  std::int64_t now_ms() const override { return fixed_ms_ ? *fixed_ms_ : system_.now_ms(); }

 private:
  std::optional<std::int64_t> fixed_ms_;
  SystemClock system_;
};

}  // namespace

const Clock& process_clock() {
  static const FixedOrSystemClock clock;
  return clock;
}

std::string cst_time(std::string_view iso) {
  auto digits = [&iso](std::size_t at, std::size_t n, int& out) {
    if (at + n > iso.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (iso[i] < '0' || iso[i] > '9') return false;
      out = out * 10 + (iso[i] - '0');
    }
    return true;
  };
  int hour = 0, minute = 0;
  const std::optional<Date> day = iso.size() >= 16 ? Date::parse(iso.substr(0, 10)) : std::nullopt;
  if (!day || (iso[10] != 'T' && iso[10] != ' ') || !digits(11, 2, hour) || iso[13] != ':' || !digits(14, 2, minute))
    return std::string(iso);
  // The offset: after the seconds and their fraction, if any.
  std::size_t at = 16;
  while (at < iso.size() && (iso[at] == ':' || iso[at] == '.' || (iso[at] >= '0' && iso[at] <= '9'))) ++at;
  int offset_minutes = 8 * 60;  // none given: already CST
  if (at < iso.size()) {
    int oh = 0, om = 0;
    if (iso[at] == 'Z' && at + 1 == iso.size()) offset_minutes = 0;
    else if ((iso[at] == '+' || iso[at] == '-') && digits(at + 1, 2, oh) && at + 3 < iso.size() && iso[at + 3] == ':' &&
             digits(at + 4, 2, om) && at + 6 == iso.size())
      offset_minutes = (iso[at] == '+' ? 1 : -1) * (oh * 60 + om);
    else
      return std::string(iso);
  }
  std::int64_t minutes = day->days_since_epoch() * 24 * 60 + hour * 60 + minute - offset_minutes + 8 * 60;
  const std::int64_t days = minutes >= 0 ? minutes / (24 * 60) : -((-minutes + 24 * 60 - 1) / (24 * 60));
  minutes -= days * 24 * 60;
  return fmt::format("{} {:02}:{:02}", Date::from_days(days).to_string(), minutes / 60, minutes % 60);
}

}  // namespace tongdang
