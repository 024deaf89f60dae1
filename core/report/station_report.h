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
// `parts` says what the reader gets besides the township's figures: each village's figures (read from the report
// rows; without them the township's tallies serve, the same figures faster) and how much of the overdue list — all
// of it (the CLI, the CSV, the whole report), none (a page of the headline only), or in an HTML page its first rows
// with the count (Options::overdue_html_rows).
struct ReportParts {
  bool villages = true;
  bool overdue_list = true;
  std::size_t overdue_html_rows = 0;  // 0: every row
};
Report station_report(Station& station, Date as_of, std::optional<Date> period_from = std::nullopt,
                      ReportParts parts = {});

}  // namespace tongdang::report
