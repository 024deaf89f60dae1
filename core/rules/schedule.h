// The follow-up schedule of docs/domain.md "The schedule" as pure functions of dates: when the next home visit,
// supervisor visit and reassessment fall due, how many days a due date is overdue as of a day, when an overdue item is
// escalated, and the extra visit before the summer and winter holidays. Nothing here reads the clock: callers pass the
// as-of date.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/date.h"
#include "core/model/model.h"
#include "core/model/policy.h"

namespace tongdang {

// What the schedule of one graded child depends on.
struct ScheduleInput {
  Colour colour = Colour::Green;
  Date colour_since;                          // the day the colour took its current value
  std::optional<Date> last_home_visit;        // only in-person home visits reset the clock
  std::optional<Date> last_supervisor_visit;  // a home visit made by or with the supervisor
  std::optional<Date> last_assessed_on;
  std::optional<Date> key_event_on;           // a key event not yet followed by a reassessment
};

// Last home visit + the colour's interval (from the grading day if never visited). For a colour with a first
// response (red 1 day, yellow 3), while no home visit has been made since the colour was set: colour_since + the
// first-response time (a visit made under an earlier, lower colour does not count).
Date next_visit_due(const ScheduleInput& in, const SchedulePolicy& policy);
// Last supervisor visit (or the grading day) + the supervisor interval.
Date next_supervisor_visit_due(const ScheduleInput& in, const SchedulePolicy& policy);
// Last assessment (or the grading day) + the colour's reassessment interval; no later than a pending key event
// + key_event_reassess_days.
Date next_reassessment_due(const ScheduleInput& in, const SchedulePolicy& policy);

// Days past `due` as of `as_of`: 0 on the due day itself ("overdue from the next day").
int days_overdue(Date due, Date as_of);
// Whether an item this many days overdue goes to the supervisor: more than the colour's escalate_after_days
// (red 3, others 7).
bool escalated(Colour colour, int overdue_days, const SchedulePolicy& policy);

// The extra visit before a holiday: if `as_of` falls in the window before a holiday's first day and no home visit
// was made in that window, the day before the holiday; otherwise nullopt.
struct HolidayVisit {
  Date due;
  std::string holiday;  // "summer", "winter"
};
std::optional<HolidayVisit> pre_holiday_visit_due(Date as_of, std::optional<Date> last_home_visit,
                                                  const SchedulePolicy& policy);
// The holiday windows `as_of` falls in, earliest due first: a child whose last home visit is before a window's
// opening day (or who was never visited) has that window's visit due — pre_holiday_visit_due is the first such
// window. A work list ranks every child by it at once (core/workflow due_list) without asking child by child.
struct HolidayWindow {
  Date opens;
  HolidayVisit visit;
};
std::vector<HolidayWindow> holiday_windows(Date as_of, const SchedulePolicy& policy);

}  // namespace tongdang
