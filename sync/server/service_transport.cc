#include "sync/server/service_transport.h"

namespace tongdang::sync {
namespace {

class ServiceTransport final : public Transport {
 public:
  ServiceTransport(SyncService& service, Endpoint endpoint) : service_(service), endpoint_(std::move(endpoint)) {}

  HttpReply send(const HttpCall& call) override {
    ServiceRequest request;
    request.method = call.method;
    request.path = call.path;
    request.authorization = "Bearer " + endpoint_.token;
    request.station_id = endpoint_.station_id;
    request.body = call.body;
    request.remote = "in-process";
    // The query is "cursor=…&limit=…" with URL-safe values (the cursor is base64url).
    std::size_t start = 0;
    while (start < call.query.size()) {
      std::size_t end = call.query.find('&', start);
      if (end == std::string::npos) end = call.query.size();
      std::string item = call.query.substr(start, end - start);
      std::size_t eq = item.find('=');
      if (eq != std::string::npos) request.query[item.substr(0, eq)] = item.substr(eq + 1);
      start = end + 1;
    }
    ServiceResponse response = service_.handle(request);
    return {response.status, std::move(response.body), {}, false};
  }

 private:
  SyncService& service_;
  Endpoint endpoint_;
};

}  // namespace

std::unique_ptr<Transport> make_service_transport(SyncService& service, const Endpoint& endpoint) {
  return std::make_unique<ServiceTransport>(service, endpoint);
}

}  // namespace tongdang::sync
