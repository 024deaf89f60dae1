// How the sync client reaches the server, behind a small interface so tests can run it in process
// (sync/server/service_transport.h), drop a connection mid-page, or kill the server between pages. The real one is
// libcurl's (sync/station/curl_transport.h).
#pragma once

#include <memory>
#include <string>

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

}  // namespace tongdang::sync
