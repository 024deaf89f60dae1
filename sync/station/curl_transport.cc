#include "sync/station/curl_transport.h"

#include <curl/curl.h>

#include "sync/protocol/tuning.h"
#include "sync/station/tuning.h"
#include "sync/protocol/protocol.h"

namespace tongdang::sync {
namespace {

struct CurlHandleDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* target) {
  auto* body = static_cast<std::string*>(target);
  // Refuse (abort the transfer) rather than grow without bound on a hostile or broken server.
  if (body->size() + size * count > static_cast<std::size_t>(tuning::kMaxBodyBytes) * 8) return 0;
  body->append(data, size * count);
  return size * count;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(Endpoint endpoint) : endpoint_(std::move(endpoint)), handle_(curl_easy_init()) {
    while (!endpoint_.server_url.empty() && endpoint_.server_url.back() == '/') endpoint_.server_url.pop_back();
  }

  HttpReply send(const HttpCall& call) override {
    HttpReply reply;
    CURL* h = handle_.get();
    if (!h) {
      reply.transport_error = "curl_easy_init failed";
      return reply;
    }
    curl_easy_reset(h);
    std::string url = endpoint_.server_url + call.path + (call.query.empty() ? "" : "?" + call.query);
    std::unique_ptr<curl_slist, CurlListDeleter> headers;
    auto add_header = [&headers](const std::string& line) {
      headers.reset(curl_slist_append(headers.release(), line.c_str()));
    };
    add_header("Authorization: Bearer " + endpoint_.token);
    add_header(std::string(kStationHeader) + ": " + endpoint_.station_id);
    add_header("Accept: application/json");
    std::string compressed;
    if (call.method == "POST") {
      compressed = gzip_compress(call.body);
      add_header("Content-Type: application/json");
      add_header("Content-Encoding: gzip");
      curl_easy_setopt(h, CURLOPT_POST, 1L);
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, compressed.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(compressed.size()));
    } else {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    }
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, tuning::kConnectTimeoutSeconds);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, tuning::kRequestTimeoutSeconds);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, tuning::kLowSpeedTimeSeconds);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!endpoint_.ca_cert.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, endpoint_.ca_cert.c_str());
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      reply.transport_error = error[0] ? error : curl_easy_strerror(rc);
      reply.body.clear();
      reply.permanent = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
                        rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT;
      return reply;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    reply.status = static_cast<int>(status);
    return reply;
  }

 private:
  Endpoint endpoint_;
  std::unique_ptr<CURL, CurlHandleDeleter> handle_;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const Endpoint& endpoint) {
  return std::make_unique<CurlTransport>(endpoint);
}

}  // namespace tongdang::sync
