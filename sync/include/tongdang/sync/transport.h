// How the sync client reaches the server, behind a small interface so tests can run it in process, drop a
// connection mid-page, or kill the server between pages. CurlTransport is the real one (HTTPS via libcurl, gzip
// both ways: libcurl inflates responses, request bodies are deflated here with zlib).
#pragma once

#include <memory>
#include <string>

#include "tongdang/sync/server.h"

namespace tongdang::sync {

struct HttpCall {
  std::string method;  // GET | POST
  std::string path;    // e.g. /v1/sync/pull
  std::string query;   // already encoded, without '?'
  std::string body;    // JSON text (POST)
};

struct HttpReply {
  int status = 0;               // 0 when no response arrived
  std::string body;
  std::string transport_error;  // set when the request could not complete (refused, reset, timed out, TLS)
  bool permanent = false;       // a transport error that retrying cannot fix (certificate refused, bad URL)
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual HttpReply send(const HttpCall& call) = 0;
};

struct Endpoint {
  std::string server_url;  // e.g. https://county.example:8443
  std::string token;
  std::string station_id;
  std::string ca_cert;     // PEM file to trust (a county's self-signed certificate); empty: the system store
};

// libcurl, one connection kept alive across calls. Call curl_global_init once at program start.
std::unique_ptr<Transport> make_curl_transport(const Endpoint& endpoint);

// Calls a SyncService directly (no sockets), for in-process tests and benchmarks.
std::unique_ptr<Transport> make_service_transport(SyncService& service, const Endpoint& endpoint);

}  // namespace tongdang::sync
