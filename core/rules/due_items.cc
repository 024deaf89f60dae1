#include "core/rules/due_items.h"

#include "core/base/date.h"

namespace tongdang {

std::vector<StandingDue> standing_due_items(const DueFacts& facts, const Policy& policy) {
  std::vector<StandingDue> items;
  if (!facts.colour) {
    // An ungraded file waits for its first assessment, due as a lead's verification would be.
    const std::optional<Date> created = Date::parse(facts.created_on);
    items.push_back({"first_assessment",
                     created ? created->plus_days(policy.screening.verify_days).to_string() : std::string(), "",
                     false});
    return items;
  }
  items.push_back({"visit", facts.next_visit_due, "", false});
  items.push_back({"supervisor_visit", facts.next_supervisor_visit_due, "", true});
  items.push_back({"reassessment", facts.next_reassessment_due, facts.key_event, false});
  if (!facts.care_plan_met) items.push_back({"care_plan", facts.care_plan_due, "", false});
  if (facts.pending_review > 0)
    items.push_back({"colour_review", facts.review_since, std::to_string(facts.pending_review), true});
  return items;
}

DueKeys due_keys(const std::vector<StandingDue>& items) {
  DueKeys keys;
  bool director_set = false, supervisor_set = false;
  for (const StandingDue& item : items) {
    if (!supervisor_set || item.due < keys.supervisor) keys.supervisor = item.due;
    supervisor_set = true;
    if (item.supervision) continue;
    if (!director_set || item.due < keys.director) keys.director = item.due;
    director_set = true;
  }
  return keys;
}

}  // namespace tongdang
