// The county server: the protocol's requests (hello, push, pull, a new station's snapshot, and the reads a station
// reports from its audit) handled against a CentralStore, and the HTTP(S) listener that carries them
// (Boost.Beast). SyncService knows nothing of HTTP, so tests can also call it in process; HttpServer adds TLS, gzip,
// limits, deadlines, connection caps and graceful shutdown.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/base/status.h"
#include "sync/server/tuning.h"
#include "sync/server/central_store.h"

namespace tongdang::sync {

struct ServiceRequest {
  std::string method;         // GET | POST
  std::string path;           // e.g. /v1/sync/push
  std::string authorization;  // the Authorization header ("Bearer …")
  std::string station_id;     // the X-Tongdang-Station header
  std::map<std::string, std::string> query;
  std::string body;           // JSON text, already inflated
  std::string remote;         // peer address, for the audit
};

struct ServiceResponse {
  int status = 200;
  std::string body;           // JSON text, or a snapshot page (content_type says which)
  std::string content_type = "application/json";
};

// A request for a path outside the sync API (not under /v1/), for the pages the server program wires in (the county's
// console, web/county). The server knows nothing of them: it hands over the request as read and sends back what the
// handler answers. Header names are in lower case.
struct PageRequest {
  std::string method;
  std::string target;  // the path and query as sent: "/children?q=%E7%8E%8B"
  std::map<std::string, std::string> headers;
  std::string body;    // already inflated
  std::string remote;
  bool secure = false;  // arrived over TLS
};

struct PageResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // Set-Cookie, Location, Content-Security-Policy, …
  std::string body;
};

// Answers a page request; must not throw (a failure is a 500 page of the handler's own).
using PageHandler = std::function<PageResponse(const PageRequest&)>;

// Whether `path` belongs to the sync API (everything else goes to the page handler, when there is one).
bool is_sync_path(std::string_view path);

// Writes one log line (already formatted). Default: stderr.
using LogSink = std::function<void(const std::string&)>;

class SyncService {
 public:
  SyncService(CentralStore& store, const Clock& clock, LogSink log = {});
  // Handles one request; never throws (an unexpected failure is a 500, logged).
  ServiceResponse handle(const ServiceRequest& request);
  // Checks the caller of a request whose body has not been read yet (`request.body` is ignored): the token and
  // the station header, as handle() checks them. A refusal (401, 403, 400) is logged and audited like handle()'s
  // answers, and the listener sends it without reading the body; nullopt: read the body, then call handle().
  std::optional<ServiceResponse> check_caller(const ServiceRequest& request);

  struct Outcome;  // a handler's result: status, body, counts for the log

 private:
  // The checks of the token and the station header that need no body; nullopt when they pass (`principal` is
  // then the token's). One rule for handle() and check_caller().
  std::optional<Outcome> refuse_caller(const ServiceRequest& request, std::optional<Principal>& principal);
  // The audit row and the log line of an answered request, and the response sent.
  ServiceResponse answer(const ServiceRequest& request, const std::optional<Principal>& principal, Outcome outcome,
                         std::chrono::steady_clock::time_point started);
  Outcome hello(const Principal& principal, const ServiceRequest& request);
  Outcome push(const Principal& principal, const ServiceRequest& request);
  Outcome pull(const Principal& principal, const ServiceRequest& request);
  Outcome snapshot(const Principal& principal, const ServiceRequest& request);
  Outcome audit(const Principal& principal, const ServiceRequest& request);

  CentralStore& store_;
  const Clock& clock_;
  LogSink log_;
  ServerIdentity identity_;
};

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 8443;                // 0: any free port (tests)
    std::string tls_cert;           // PEM files; both required unless insecure
    std::string tls_key;
    bool insecure = false;          // plain HTTP: only on a loopback address
    // Time for a request header to arrive in full (tuning::kServerHeaderDeadlineMs); tests shorten it.
    int header_deadline_ms = tuning::kServerHeaderDeadlineMs;
    // Connections one peer address may hold at once (tuning::kServerMaxConnectionsPerAddress): raised by a county
    // whose stations reach it through one NAT or VPN address (`serve --max-connections-per-address`).
    int max_connections_per_address = tuning::kServerMaxConnectionsPerAddress;
    // Paths outside the sync API, on the same listener (cli/server sets the county's console here). Unset: such a
    // path is a 404 of the sync API, as before.
    PageHandler pages;
  };

  HttpServer(SyncService& service, Options options, LogSink log = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on a background thread; returns the port bound. Refuses plain HTTP off loopback, and
  // a certificate or key that cannot be loaded.
  Result<int> start();
  // Stops accepting, closes idle connections, lets requests in flight finish (at most
  // tuning::kServerStopGraceSeconds), joins the threads. Idempotent.
  void stop();
  // Blocks until stop() is called (from a signal-watching thread) and the listener has finished.
  void wait();

  // Test hook: the next `count` responses to `path` are dropped after the request was fully handled (the
  // connection is closed without a response), as when a link fails mid-page.
  void drop_responses(const std::string& path, int count);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

}  // namespace tongdang::sync
