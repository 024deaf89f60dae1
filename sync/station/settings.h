// What a station remembers about its server: the URL, the token and a county's own certificate (meta keys, set by
// `tongdang sync --server … --token …` and reused by later syncs).
#pragma once

#include <string>

#include "core/store/station.h"

namespace tongdang::sync {

struct SyncSettings {
  std::string server_url;
  std::string token;
  std::string ca_cert;
};
SyncSettings load_sync_settings(Station& station);
void save_sync_settings(Station& station, const SyncSettings& settings);

}  // namespace tongdang::sync
