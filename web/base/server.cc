#include "web/base/server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/base/i18n.h"

namespace tongdang::web {

namespace {

Request to_request(const httplib::Request& in, bool secure) {
  Request out;
  out.method = in.method;
  out.path = in.path;  // cpp-httplib has percent-decoded it
  const std::size_t question = in.target.find('?');
  if (question != std::string::npos) out.query = parse_urlencoded(std::string_view(in.target).substr(question + 1));
  for (const auto& [name, value] : in.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers.emplace(lower, value);
  }
  out.cookies = parse_cookies(out.header("cookie"));
  const std::string content_type = out.header("content-type");
  if (in.is_multipart_form_data()) {
    for (const auto& [name, part] : in.files) {
      if (part.filename.empty())
        out.form.emplace(name, part.content);
      else
        out.files.push_back({name, part.filename, part.content_type, part.content});
    }
  } else if (content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    out.form = parse_urlencoded(in.body);
  }
  out.remote = in.remote_addr + ":" + std::to_string(in.remote_port);
  out.secure = secure;
  return out;
}

}  // namespace

struct WebServer::Impl {
  Options options;
  Handler handler;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool stopped = false;

  void serve(const httplib::Request& in, httplib::Response& out) {
    Response response;
    try {
      response = handler(to_request(in, !options.tls_cert.empty()));
    } catch (const std::exception& error) {
      response = Response::plain(500, i18n::edge::tr("内部错误，请重试或联系县级管理员",
                                                     "internal error; try again or ask the county's administrator"));
    }
    add_security_headers(response);
    out.status = response.status;
    for (const auto& [name, value] : response.headers) out.set_header(name, value);
    out.set_content(std::move(response.body), response.content_type);
  }
};

WebServer::WebServer(Options options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
}

WebServer::~WebServer() {
  stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

bool WebServer::tls() const { return !impl_->options.tls_cert.empty(); }

Result<int> WebServer::start() {
  using i18n::trf;
  const Options& options = impl_->options;
  if (options.tls_cert.empty() != options.tls_key.empty())
    return Status::invalid("tls", i18n::tr("--tls-cert 与 --tls-key 须同时给出", "give both --tls-cert and --tls-key"));
  if (options.tls_cert.empty()) {
    impl_->server = std::make_unique<httplib::Server>();
  } else {
    auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!tls->is_valid())
      return Status::invalid("tls", trf("无法读取证书 {} 或私钥 {}", "cannot read the certificate {} or the key {}",
                                        options.tls_cert, options.tls_key));
    impl_->server = std::move(tls);
  }
  httplib::Server& server = *impl_->server;
  server.set_payload_max_length(options.max_body_bytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(10, 0);
  server.set_keep_alive_max_count(100);
  server.set_keep_alive_timeout(5);
  const int threads = options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  auto route = [impl = impl_.get()](const httplib::Request& in, httplib::Response& out) { impl->serve(in, out); };
  server.Get(".*", route);
  server.Post(".*", route);
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port <= 0)
      return Status::refused(trf("无法在 {} 上监听", "cannot listen on {}", options.host));
  } else if (!server.bind_to_port(options.host, port)) {
    return Status::refused(trf("无法在 {}:{} 上监听（端口已被占用？）", "cannot listen on {}:{} (port in use?)",
                               options.host, port));
  }
  impl_->thread = std::thread([impl = impl_.get()] {
    impl->server->listen_after_bind();
    std::lock_guard lock(impl->mutex);
    impl->stopped = true;
    impl->stopped_cv.notify_all();
  });
  // stop() before the accept loop runs would do nothing (toolchain.md): wait, bounded, until it runs.
  for (int i = 0; i < 500 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return port;
}

void WebServer::stop() {
  if (impl_->server && impl_->server->is_running()) impl_->server->stop();
}

void WebServer::wait() {
  {
    std::unique_lock lock(impl_->mutex);
    impl_->stopped_cv.wait(lock, [&] { return impl_->stopped; });
  }
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace tongdang::web
