// The county policy: every number of docs/domain.md ("Screening: the three steps" to "The care catalogue") marked
// [default] (screening time limits, the instrument's points, caps and cut-offs, the visit and reassessment schedule per
// colour, escalation delays, the minimum care plan). One JSON document per county (fixtures/policy/default.json is the
// shipped default, compiled into the program); a station stores the one it runs under in meta, and every assessment
// records the policy version.
//
// A policy is all or nothing: a document with a missing or out-of-range value is refused, naming the key, so a
// county never runs on half a policy.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/base/status.h"
#include "core/db/sqlite.h"
#include "core/model/model.h"

namespace tongdang {

// Time limits of the three steps (docs/domain.md "Screening: the three steps"). Days are calendar days unless named
// working days.
struct ScreeningPolicy {
  int verify_days = 0;                // step 2 due this many days after the lead (7)
  int verify_days_suspected_red = 0;  // … when a red trigger is suspected (1 = within 24 hours)
  int review_working_days = 0;        // township review due after verification (5 working days)
  int confirm_working_days = 0;       // county confirmation due after the review (10 working days)
  int review_days_red = 0;            // red: same day (0)
  int confirm_days_red = 0;           // red: same day (0)
};

// The assessment instrument's points (docs/domain.md "The instrument").
struct InstrumentPolicy {
  std::map<std::string, int, std::less<>> caps;     // G H B L
  int red_from = 0, yellow_from = 0, blue_from = 0;  // cut-offs on the total
  std::map<std::string, int, std::less<>> carer, guardianship, disability, income, school;
  int home_hazard_each = 0, home_hazards_max = 0, past_abuse_resolved = 0;
  int serious_illness = 0, unmet_treatment = 0;
  int warning_signs_few = 0, warning_signs_many = 0, warning_signs_many_from = 0;
  int behaviour_problem_each = 0, behaviour_problems_max = 0;
  int parent_contact_gap_from_months = 0, parent_contact_gap_points = 0;
  int parent_contact_long_gap_over_months = 0, parent_contact_long_gap_points = 0;
};

// The follow-up schedule of one colour (docs/domain.md "The schedule"). 0 for "none" where the domain has a dash.
struct ColourSchedule {
  int first_response_days = 0;     // a home visit within this many days of the colour being set (0: none)
  int director_visit_days = 0;     // home visit interval
  int supervisor_visit_days = 0;   // supervisor (joint) visit interval
  int care_plan_working_days = 0;  // the minimum care plan due this many working days after grading (0: none)
  int reassess_days = 0;           // reassessment interval
  int escalate_after_days = 0;     // overdue for more than this many days → flagged for the supervisor
};

struct Holiday {
  std::string name;  // "summer", "winter"
  unsigned month = 0, day = 0;  // first day of the holiday, every year
};

struct SchedulePolicy {
  std::array<ColourSchedule, 4> by_colour;  // indexed by Colour (green, blue, yellow, red)
  int key_event_reassess_days = 0;          // reassess within this many days of a key event (7)
  int pre_holiday_window_days = 0;          // the extra visit falls in this many days before a holiday
  std::vector<Holiday> holidays;
  const ColourSchedule& operator[](Colour c) const { return by_colour[static_cast<int>(c)]; }
};

// The minimum care plan of one colour (docs/domain.md "The care catalogue").
struct CareMinimum {
  int measures = 0;                    // at least this many active measures
  std::vector<std::string> areas_any;  // … and at least one of these areas (empty: any)
  bool case_worker = false;            // … and a named case worker
};

struct Policy {
  std::string version;
  ScreeningPolicy screening;
  InstrumentPolicy instrument;
  SchedulePolicy schedule;
  std::array<CareMinimum, 4> care_minimum;  // indexed by Colour
  nlohmann::json document;                  // the source document, as stored

  const CareMinimum& minimum_for(Colour c) const { return care_minimum[static_cast<int>(c)]; }
};

// Parses and checks a policy document. Every key is required; errors name it ("instrument.carer.fair").
Result<Policy> parse_policy(const nlohmann::json& document);
Result<Policy> parse_policy_text(std::string_view text);

// The shipped default (fixtures/policy/default.json, compiled in).
const Policy& default_policy();

// The policy a station (or the server) runs under: meta 'policy', or the default if none is stored.
// Parsed once per distinct document (cheap to call from every projection).
const Policy& stored_policy(db::Database& db);
// Stores `policy` in meta (inside a write transaction).
void store_policy(db::Database& db, const Policy& policy);

// Working days after `from` (Monday–Friday; public holidays are not known to the program, see docs/workflow.md).
Date add_working_days(Date from, int working_days);

}  // namespace tongdang
