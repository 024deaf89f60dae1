// The minimum care plan of N重关爱 (docs/domain.md, docs/workflow.md "Care"): which measures count and whether a
// child of a colour, with its measures and case worker, meets the county's minimum. Pure: the workflow state, the
// coverage report and the work list (`due`) all ask this one function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model/model.h"
#include "core/model/policy.h"

namespace tongdang {

// A measure counts towards the minimum plan unless it was refused or found not needed.
bool care_status_counts(std::string_view status);

// A measure as the minimum-plan check sees it.
struct MeasureSummary {
  std::string area;
  std::string status;
};
// Whether a child of `colour` with these measures and case worker meets the county's minimum plan; `missing`
// says what is lacking ("measure", "GUARDIANSHIP|SAFETY", "case_worker").
struct CarePlanCheck {
  bool met = true;
  std::vector<std::string> missing;
};
CarePlanCheck check_minimum_plan(Colour colour, const std::vector<MeasureSummary>& measures, bool has_case_worker,
                                 const Policy& policy);

}  // namespace tongdang
