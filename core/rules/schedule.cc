#include "core/rules/schedule.h"

#include <algorithm>

namespace tongdang {

Date next_visit_due(const ScheduleInput& in, const SchedulePolicy& policy) {
  const ColourSchedule& s = policy[in.colour];
  bool visited_since_grading = in.last_home_visit && *in.last_home_visit >= in.colour_since;
  // A colour with a first response (red, yellow) starts its own clock: a visit made under the earlier, lower
  // colour does not count towards it.
  if (s.first_response_days > 0 && !visited_since_grading) return in.colour_since.plus_days(s.first_response_days);
  return (in.last_home_visit ? *in.last_home_visit : in.colour_since).plus_days(s.director_visit_days);
}

Date next_supervisor_visit_due(const ScheduleInput& in, const SchedulePolicy& policy) {
  return (in.last_supervisor_visit ? *in.last_supervisor_visit : in.colour_since)
      .plus_days(policy[in.colour].supervisor_visit_days);
}

Date next_reassessment_due(const ScheduleInput& in, const SchedulePolicy& policy) {
  Date due = (in.last_assessed_on ? *in.last_assessed_on : in.colour_since).plus_days(policy[in.colour].reassess_days);
  if (in.key_event_on) due = std::min(due, in.key_event_on->plus_days(policy.key_event_reassess_days));
  return due;
}

int days_overdue(Date due, Date as_of) { return static_cast<int>(std::max<std::int64_t>(0, days_between(due, as_of))); }

bool escalated(Colour colour, int overdue_days, const SchedulePolicy& policy) {
  return overdue_days > policy[colour].escalate_after_days;
}

std::vector<HolidayWindow> holiday_windows(Date as_of, const SchedulePolicy& policy) {
  std::vector<HolidayWindow> windows;
  for (int year : {as_of.year(), as_of.year() + 1}) {
    for (const auto& holiday : policy.holidays) {
      Date starts(year, holiday.month, holiday.day);
      if (!starts.valid()) starts = Date(year, 3, 1);  // a 29 February start in a common year
      Date window_opens = starts.plus_days(-policy.pre_holiday_window_days);
      if (as_of < window_opens || as_of >= starts) continue;
      windows.push_back({window_opens, HolidayVisit{starts.plus_days(-1), holiday.name}});
    }
  }
  // Stable: of two windows due the same day, the one found first wins, as it always has.
  std::stable_sort(windows.begin(), windows.end(),
                   [](const HolidayWindow& a, const HolidayWindow& b) { return a.visit.due < b.visit.due; });
  return windows;
}

std::optional<HolidayVisit> pre_holiday_visit_due(Date as_of, std::optional<Date> last_home_visit,
                                                  const SchedulePolicy& policy) {
  for (const HolidayWindow& window : holiday_windows(as_of, policy))
    if (!last_home_visit || *last_home_visit < window.opens) return window.visit;
  return std::nullopt;
}

}  // namespace tongdang
