// The station app's state, shared by its page files (page.h's Page::app): the station, the options, the routes, and
// what long-running work (a sync) keeps between requests.
#pragma once

#include <memory>
#include <mutex>

#include "core/store/station.h"
#include "web/station/app.h"
#include "web/station/page.h"

namespace tongdang::web::station {

struct SyncJob;      // sync_page.cc: a sync running on its own thread
struct HeldLedgers;  // import_page.cc: ledgers checked by a dry run, kept until they are imported

struct StationApp::Impl {
  Impl(std::unique_ptr<Station> station, AppOptions options);
  Response handle(const Request& request);

  std::mutex mutex;  // one request at a time on the station
  std::unique_ptr<Station> station;
  AppOptions options;
  Routes routes;
  std::shared_ptr<HeldLedgers> held_ledgers;
  std::shared_ptr<SyncJob> sync_job;  // last: destroyed first, so a running sync ends before the station closes
};

}  // namespace tongdang::web::station
