#include "core/report/station_report.h"

#include <algorithm>

#include "core/model/division.h"
#include "core/store/station_health.h"

namespace tongdang::report {

Report station_report(Station& station, Date as_of, std::optional<Date> period_from, ReportParts parts) {
  Options options;
  options.level = ScopeLevel::Township;
  options.scope_code = station.township();
  const Township* township = Divisions::bundled().township(station.township());
  options.scope_name = township ? township->name : station.name();
  options.as_of = as_of;
  options.period_from = period_from;
  options.generated_at = station.clock().now_iso();
  options.source = "station";
  const User& actor = station.actor();
  options.overdue_list = parts.overdue_list && actor.role != Role::Viewer;
  options.overdue_html_rows = parts.overdue_html_rows;
  if (!parts.villages) options.method = Method::Tallies;
  Report built = build(station.db(), options, {station_health(station)});
  if (actor.role == Role::Director)
    std::erase_if(built.overdue_children,
                  [&actor](const OverdueChild& child) { return !actor.covers_village(child.village); });
  return built;
}

}  // namespace tongdang::report
