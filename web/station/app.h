// The station in a browser (`tongdang serve`): every page of docs/user-guide.md "In the browser", as functions of a
// Request, over one Station. The pages call the same use cases as the CLI (core/workflow, core/ledger,
// core/report, sync/station): no rule is written here.
//
// One request at a time works on the station (a Station belongs to one thread at a time; a station office has a
// handful of people), under the app's lock. A sync runs on its own thread with its own Station handle, so pages
// stay usable while it runs.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/store/station.h"
#include "web/base/http.h"

namespace tongdang::web::station {

struct AppOptions {
  std::string db_path;                                   // the station database (a sync opens its own handle)
  std::chrono::seconds session_idle{0};                  // 0: tuning.h's kWebSessionIdleMinutes
  bool secure = false;                                   // served over TLS: cookies get Secure
};

class StationApp {
 public:
  StationApp(std::unique_ptr<Station> station, AppOptions options);
  ~StationApp();
  StationApp(const StationApp&) = delete;
  StationApp& operator=(const StationApp&) = delete;

  // Answers one request (thread-safe).
  Response handle(const Request& request);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongdang::web::station
