// The web pages' listener: cpp-httplib (Debian's libcpp-httplib) carrying Requests to one handler and its Responses
// back, with the headers every page gets (Content-Security-Policy, no sniffing, no referrer, no caching of pages).
//
// Why cpp-httplib and not the county server's Beast listener: a station serves a handful of people in one office,
// on loopback or its LAN; a pool of threads with read/write deadlines and a payload cap is enough, and it parses
// multipart uploads (the ledger). The county server's listener is built for thousands of slow stations and lives
// in the server library, which the station program must not link (docs/design.md "Layers").
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/base/status.h"
#include "web/base/http.h"

namespace tongdang::web {

using Handler = std::function<Response(const Request&)>;

class WebServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 8080;  // 0: any free port (tests)
    std::string tls_cert;  // PEM files; both or neither
    std::string tls_key;
    std::size_t max_body_bytes = 32 * 1024 * 1024;  // a ledger of tens of thousands of rows fits
    int threads = 4;
  };
  WebServer(Options options, Handler handler);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds and starts serving on a thread of its own; returns the bound port.
  Result<int> start();
  // Stops accepting and ends the listener (thread-safe: a signal-watching thread calls it).
  void stop();
  // Blocks until stop() has been called (from another thread) and the listener has ended.
  void wait();
  bool tls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongdang::web
