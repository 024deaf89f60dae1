#include "sync/station/settings.h"

#include "sync/station/sync_meta.h"

namespace tongdang::sync {

using nlohmann::json;

SyncSettings load_sync_settings(Station& station) {
  return {station.meta(meta::kServer).value_or(""), station.meta(meta::kToken).value_or(""),
          station.meta(meta::kCaCert).value_or("")};
}

void save_sync_settings(Station& station, const SyncSettings& settings) {
  Status written = station.write([&](WriteContext& w) {
    station.set_meta(meta::kServer, settings.server_url);
    station.set_meta(meta::kToken, settings.token);
    station.set_meta(meta::kCaCert, settings.ca_cert);
    w.audit("sync.settings", "station", station.station_id(), json(), {{"server", settings.server_url}});
    return Status::ok();
  });
  (void)written;
}

}  // namespace tongdang::sync
