// N重关爱, care measures (docs/domain.md "The care catalogue"): the catalogue of areas with their typical items and
// providers, measures as append-only events (care.add, care.update) projected into care_measures; the minimum care plan
// is a rule (core/rules/care_plan.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/base/status.h"
#include "core/model/model.h"
#include "core/model/policy.h"
#include "core/rules/care_plan.h"
#include "core/store/station.h"

namespace tongdang {

// One area of the catalogue: its code and names are the choices of Vocabulary::CareArea (core/model/choices.h).
struct CareArea {
  std::string_view code;      // LIVING, MEDICAL, … (machine name)
  std::string_view zh, en;    // 生活保障 / living support
  std::string_view items_zh, items_en;        // typical items
  std::string_view provider_zh, provider_en;  // the usual responsible department
};
const std::vector<CareArea>& care_catalogue();
// The area a user named (its code, label or a synonym: parse_choice); nullptr for none.
const CareArea* find_care_area(std::string_view code_or_label);

// A key of Vocabulary::CareStatus: planned · in_progress · done · refused · not_needed
bool is_care_status(std::string_view status);
const std::vector<std::string_view>& care_statuses();  // the keys, in the table's order
struct NewMeasure {
  std::string area, item, provider;
  std::string status = "planned";
  std::optional<Date> on;  // start (default today)
  std::string notes;
};
// Adds a measure (care.add). Returns its id. Directors for their villages, supervisors, the county.
Result<std::string> add_care_measure(Station& station, std::string_view child_ref, const NewMeasure& measure);

struct MeasureUpdate {
  std::optional<std::string> status, outcome, provider, notes;
  std::optional<Date> on;
};
// Updates a measure (care.update); refused for an unknown id; `id` may be a unique prefix.
Status update_care_measure(Station& station, std::string_view id, const MeasureUpdate& update);

// The child's measures, oldest first, as stored in care_measures.
Result<std::vector<nlohmann::json>> list_care_measures(Station& station, std::string_view child_ref);

// Names the case worker of a child (case_worker.assign). Supervisors and the county only.
Status assign_case_worker(Station& station, std::string_view child_ref, std::string_view name);

}  // namespace tongdang
