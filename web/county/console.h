// The county centre's console in a browser (issue 16): served by `tongdang-server serve` beside the sync API, on the
// same listener, from the central store. County users sign in with a password (sync/server/console_sign_in.h);
// tokens never open it. The pages read through CentralStore and the report engine of core/report, as the
// server's CLI does: no rule is written here.
#pragma once

#include <memory>

#include "core/base/date.h"
#include "sync/server/central_store.h"
#include "sync/server/server.h"
#include "web/base/http.h"

namespace tongdang::web::county {

struct ConsoleOptions {
  const Clock* wall = nullptr;   // sign-in and sessions: the real time (default sign_in::real_clock())
  const Clock* clock = nullptr;  // "today" of the reports (default process_clock(): TONGDANG_NOW may fix it)
};

class CountyConsole {
 public:
  CountyConsole(sync::CentralStore& store, ConsoleOptions options = {});
  ~CountyConsole();
  CountyConsole(const CountyConsole&) = delete;
  CountyConsole& operator=(const CountyConsole&) = delete;

  // Answers one request (thread-safe: the store serialises its own work), security headers included.
  Response handle(const Request& request);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The Request a page request of the county server's listener carries (path decoded, query, cookies, a posted form).
Request request_of(const sync::PageRequest& page);
// The console as the listener's page handler (HttpServer::Options::pages), set by cli/server.
sync::PageHandler page_handler(CountyConsole& console);

}  // namespace tongdang::web::county
