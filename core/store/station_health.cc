#include "core/store/station_health.h"

namespace tongdang {

StationHealth station_health(Station& station) {
  StationHealth health;
  health.station_id = station.station_id();
  health.name = station.name();
  health.township = station.township();
  health.last_sync = station.meta(kMetaLastSync);
  auto& db = station.db();
  {
    auto query = db.cached("SELECT min(created_at) FROM outbox");
    if (query->step() && !query->is_null(0)) health.oldest_unsent = query->get_text(0);
  }
  {
    auto query = db.cached("SELECT count(*) FROM conflicts WHERE status = 'open'");
    if (query->step()) health.open_conflicts = static_cast<int>(query->get_int(0));
  }
  {
    auto query = db.cached("SELECT count(*) FROM rejected_changes");
    if (query->step()) health.rejected_changes = static_cast<int>(query->get_int(0));
  }
  return health;
}

}  // namespace tongdang
