// The township's coverage report as a station makes it from its own (synced) data: `tongdang report coverage` and
// the web's /reports/coverage build it here, so both show the same figures to the same people.
#pragma once

#include <optional>

#include "core/base/date.h"
#include "core/report/report.h"
#include "core/store/station.h"

namespace tongdang::report {

// The report of the station's township as of `as_of` (period from `period_from`, default the 1st of the month),
// stamped with the station's sync health. The overdue list (masked IDs) is for the people who follow cases up:
// none for a viewer, and a director's holds only their own villages.
Report station_report(Station& station, Date as_of, std::optional<Date> period_from = std::nullopt);

}  // namespace tongdang::report
