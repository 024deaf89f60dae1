// The HTTP(S) listener of the county server (cpp-httplib, from Debian: a compiled library whose compile
// definitions come with its pkg-config target; see toolchain notes). Request bodies may be gzip'd (inflated here
// with a size limit); responses are gzip'd by cpp-httplib when the client accepts it.
#include <httplib.h>

#include <iostream>

#include "tongdang/core/i18n.h"
#include "tongdang/core/tuning.h"
#include "tongdang/sync/protocol.h"
#include "tongdang/sync/server.h"

namespace tongdang::sync {

using i18n::trf;

struct HttpServer::Impl {
  SyncService& service;
  Options options;
  LogSink log;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::mutex drop_mutex;
  std::map<std::string, int> drops;
  std::mutex join_mutex;

  void join() {
    std::lock_guard lock(join_mutex);
    if (thread.joinable()) thread.join();
  }

  bool take_drop(const std::string& path) {
    std::lock_guard lock(drop_mutex);
    auto it = drops.find(path);
    if (it == drops.end() || it->second <= 0) return false;
    --it->second;
    return true;
  }

  void handle(const httplib::Request& req, httplib::Response& res) {
    ServiceRequest request;
    request.method = req.method;
    request.path = req.path;
    request.authorization = req.get_header_value("Authorization");
    request.station_id = req.get_header_value(std::string(kStationHeader).c_str());
    for (const auto& [key, value] : req.params) request.query[key] = value;
    request.remote = req.remote_addr;
    request.body = req.body;
    // cpp-httplib inflates a gzip'd body itself when built with zlib; inflate here if it did not (JSON never starts
    // with the gzip magic bytes).
    if (request.body.size() >= 2 && static_cast<unsigned char>(request.body[0]) == 0x1f &&
        static_cast<unsigned char>(request.body[1]) == 0x8b) {
      auto inflated = gzip_decompress(request.body, static_cast<std::size_t>(tuning::kMaxBodyBytes) * 8);
      if (!inflated) {
        res.status = 400;
        res.set_content(R"({"error":"invalid","message":"corrupt gzip body"})", "application/json");
        return;
      }
      request.body = std::move(inflated).value();
    }
    ServiceResponse response = service.handle(request);
    res.status = response.status;
    if (take_drop(req.path)) {
      // Test hook: send half of the body, then cut the connection.
      auto body = std::make_shared<std::string>(std::move(response.body));
      res.set_content_provider(body->size(), "application/json",
                               [body](size_t offset, size_t, httplib::DataSink& sink) {
                                 if (offset == 0) sink.write(body->data(), body->size() / 2);
                                 return false;
                               });
      return;
    }
    if (response.content_type != "application/json" &&
        req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos) {
      // cpp-httplib compresses only text types, at zlib's default level; a snapshot page is compressed here, at the
      // faster level its size calls for.
      response.body = gzip_compress(response.body, tuning::kSnapshotGzipLevel);
      res.set_header("Content-Encoding", "gzip");
    }
    res.set_content(std::move(response.body), response.content_type.c_str());
  }
};

HttpServer::HttpServer(SyncService& service, Options options, LogSink log)
    : impl_(new Impl{service, std::move(options), std::move(log), nullptr, {}, {}, {}, {}}) {
  if (!impl_->log) impl_->log = [](const std::string& line) { std::cerr << line << std::endl; };
}

HttpServer::~HttpServer() { stop(); }

Result<int> HttpServer::start() {
  Options& o = impl_->options;
  if (o.insecure) {
    if (!is_loopback_host(o.host))
      return Status::refused(trf("明文 HTTP（--insecure）只能监听本机回环地址，不能监听 {}",
                                 "plain HTTP (--insecure) may listen only on a loopback address, not {}", o.host));
    impl_->server = std::make_unique<httplib::Server>();
  } else {
    if (o.tls_cert.empty() || o.tls_key.empty())
      return Status::invalid("tls-cert", trf("需要 --tls-cert 和 --tls-key（或仅在本机测试时用 --insecure）",
                                             "--tls-cert and --tls-key are required (or --insecure on loopback)"));
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!tls->is_valid())
      return Status::invalid("tls-cert", trf("无法加载证书 {} 或私钥 {}", "cannot load certificate {} or key {}",
                                             o.tls_cert, o.tls_key));
    impl_->server = std::move(tls);
  }
  httplib::Server& server = *impl_->server;
  server.set_payload_max_length(static_cast<std::size_t>(tuning::kMaxBodyBytes));
  server.set_read_timeout(tuning::kServerReadTimeoutSeconds, 0);
  server.set_write_timeout(tuning::kServerReadTimeoutSeconds, 0);
  server.set_keep_alive_max_count(tuning::kServerKeepAliveRequests);
  server.set_keep_alive_timeout(tuning::kServerKeepAliveTimeoutSeconds);
  // Without TCP_NODELAY, a response written as headers then body waits for the peer's delayed ACK (40 ms).
  server.set_tcp_nodelay(true);
  server.new_task_queue = [] { return new httplib::ThreadPool(tuning::kServerThreads); };
  auto handler = [impl = impl_.get()](const httplib::Request& req, httplib::Response& res) { impl->handle(req, res); };
  server.Post(std::string(kHelloPath), handler);
  server.Post(std::string(kPushPath), handler);
  server.Get(std::string(kPullPath), handler);
  server.Get(std::string(kSnapshotPath), handler);
  server.Post(std::string(kAuditPath), handler);
  int port = o.port == 0 ? server.bind_to_any_port(o.host) : (server.bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0)
    return Status::refused(trf("无法监听 {}:{}", "cannot listen on {}:{}", o.host, o.port));
  impl_->thread = std::thread([&server] { server.listen_after_bind(); });
  // stop() before the accept loop runs does nothing, so wait (bounded) until it does.
  for (int i = 0; i < 500 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return port;
}

void HttpServer::stop() {
  if (!impl_ || !impl_->server) return;
  impl_->server->stop();  // idempotent; requests in flight finish, then the accept loop returns
  impl_->join();
}

void HttpServer::wait() { impl_->join(); }

void HttpServer::drop_responses(const std::string& path, int count) {
  std::lock_guard lock(impl_->drop_mutex);
  impl_->drops[path] = count;
}

}  // namespace tongdang::sync
