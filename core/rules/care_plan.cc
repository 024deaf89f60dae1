#include "core/rules/care_plan.h"

#include <algorithm>

namespace tongdang {

bool care_status_counts(std::string_view status) { return status != "refused" && status != "not_needed"; }

CarePlanCheck check_minimum_plan(Colour colour, const std::vector<MeasureSummary>& measures, bool has_case_worker,
                                 const Policy& policy) {
  const CareMinimum& minimum = policy.minimum_for(colour);
  CarePlanCheck check;
  int counted = 0;
  bool area_found = minimum.areas_any.empty();
  for (const auto& m : measures) {
    if (!care_status_counts(m.status)) continue;
    ++counted;
    if (std::find(minimum.areas_any.begin(), minimum.areas_any.end(), m.area) != minimum.areas_any.end())
      area_found = true;
  }
  if (counted < minimum.measures) check.missing.push_back("measure");
  if (!area_found) {
    std::string areas;
    for (const auto& a : minimum.areas_any) areas += (areas.empty() ? "" : "|") + a;
    check.missing.push_back(areas);
  }
  if (minimum.case_worker && !has_case_worker) check.missing.push_back("case_worker");
  check.met = check.missing.empty();
  return check;
}

}  // namespace tongdang
