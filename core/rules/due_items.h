// What a child's work list (`due`, the web's 今日待办) is made of before the as-of date is known: the standing items
// of one open child (docs/domain.md "The schedule") and the earliest of their due dates, the key the list is ranked
// by. One rule for both readers: core/workflow builds each shown row's items from it (adding the pre-holiday visit,
// which depends on the day, and a care plan's missing parts, checked live), and the due_rank projection
// (core/projection) stores the keys of every child so that a page of the list is chosen by an indexed query instead
// of building every child's items. Pure: nothing here reads the clock or the database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/policy.h"
#include "core/rules/colour.h"

namespace tongdang {

// The derived facts of one child that its standing items come from (the child_state row, or the fold behind it).
// Dates are YYYY-MM-DD.
struct DueFacts {
  std::optional<Colour> colour;  // nullopt while ungraded: the only item is the first assessment
  std::string created_on;        // the day the file was registered
  std::string next_visit_due, next_supervisor_visit_due, next_reassessment_due;
  std::string key_event;         // a key event waiting for its reassessment (the reassessment's detail), or ""
  bool care_plan_met = true;     // the minimum plan of the colour is met (then no care-plan item)
  std::string care_plan_due;     // by when the plan must exist (the colour's day if the colour sets no deadline)
  std::int64_t pending_review = 0;
  std::string review_since;      // the day the oldest open review item was made
};

// One standing item. `supervision` items (the supervisor's own visit, a colour review) are listed only to a role
// that sees supervision (access::Action::SeeSupervision).
struct StandingDue {
  std::string what;  // first_assessment, visit, supervisor_visit, reassessment, care_plan, colour_review
  std::string due;
  std::string detail;
  bool supervision = false;
};
// In the order the list shows them; the pre-holiday visit (schedule.h pre_holiday_visit_due) goes after the
// reassessment.
std::vector<StandingDue> standing_due_items(const DueFacts& facts, const Policy& policy);

// The earliest due date of the standing items a director sees and of those a supervisor sees ("" if none).
struct DueKeys {
  std::string director, supervisor;
};
DueKeys due_keys(const std::vector<StandingDue>& items);

}  // namespace tongdang
