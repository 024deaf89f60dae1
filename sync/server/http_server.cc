// The HTTP(S) listener of the county server, on Boost.Beast and Asio (header-only in Boost 1.74; TLS through
// boost::asio::ssl on OpenSSL). Why not cpp-httplib any more: docs/design.md "HTTP listener". Here: the accept
// loop with its connection caps, the I/O threads, the worker pool, and a graceful stop; one connection's protocol
// is http_connection.h.
#include <sys/resource.h>

#include <condition_variable>
#include <iostream>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "core/base/i18n.h"
#include "sync/server/tuning.h"
#include "sync/server/http_connection.h"
#include "sync/server/peer_limits.h"
#include "sync/server/server.h"

namespace tongdang::sync {

using i18n::trf;
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using http_listener::Connection;
using http_listener::ConnectionControl;
using nlohmann::json;

namespace {

// How long the accept loop pauses when accepting fails (out of descriptors): retrying at once would spin.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);
// After the grace period, how long closed connections get to unwind before the I/O threads stop.
constexpr auto kForcedCloseWait = std::chrono::seconds(1);

// Lets the process hold kServerMaxConnections sockets: the usual soft limit (1024) would make accept fail first.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(tuning::kServerMaxConnections) + 256;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

bool is_sync_path(std::string_view path) { return path.rfind("/v1/", 0) == 0; }

struct HttpServer::Impl final : http_listener::ConnectionHost {
  Impl(SyncService& service, Options options, LogSink log)
      : service_(service), options_(std::move(options)), log_(std::move(log)) {
    deadlines_.header = std::chrono::milliseconds(options_.header_deadline_ms);
  }

  // ---- ConnectionHost ----
  SyncService& service() override { return service_; }
  const PageHandler* pages() const override { return options_.pages ? &options_.pages : nullptr; }
  asio::thread_pool& workers() override { return workers_; }
  const http_listener::Deadlines& deadlines() const override { return deadlines_; }
  void log(const std::string& line) override { log_(line); }

  bool take_drop(const std::string& path) override {
    std::lock_guard lock(drop_mutex_);
    auto it = drops_.find(path);
    if (it == drops_.end() || it->second <= 0) return false;
    --it->second;
    return true;
  }

  void closed(std::uint64_t id, const std::string& remote) override {
    peers_.release(remote);
    std::lock_guard lock(connections_mutex_);
    connections_.erase(id);
    connections_changed_.notify_all();
  }

  // ---- start ----
  Status load_tls() {
    tls_.emplace(asio::ssl::context::tls_server);
    tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                      asio::ssl::context::single_dh_use);
    // An idle TLS connection gives its read and write buffers back (tens of KiB each).
    SSL_CTX_set_mode(tls_->native_handle(), SSL_MODE_RELEASE_BUFFERS);
    beast::error_code cert_error, key_error;
    tls_->use_certificate_chain_file(options_.tls_cert, cert_error);
    if (!cert_error) tls_->use_private_key_file(options_.tls_key, asio::ssl::context::pem, key_error);
    if (cert_error || key_error)
      return Status::invalid("tls-cert", trf("无法加载证书 {} 或私钥 {}", "cannot load certificate {} or key {}",
                                             options_.tls_cert, options_.tls_key));
    return Status::ok();
  }

  Result<int> listen() {
    beast::error_code ec;
    tcp::resolver resolver(io_);
    auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), tcp::resolver::passive, ec);
    acceptor_.emplace(asio::make_strand(io_));
    if (!ec && endpoints.begin() != endpoints.end()) {
      const tcp::endpoint endpoint = endpoints.begin()->endpoint();
      acceptor_->open(endpoint.protocol(), ec);
      if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acceptor_->bind(endpoint, ec);
      if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    } else if (!ec) {
      ec = asio::error::host_not_found;
    }
    if (ec) return Status::refused(trf("无法监听 {}:{}（{}）", "cannot listen on {}:{} ({})", options_.host,
                                       options_.port, ec.message()));
    return static_cast<int>(acceptor_->local_endpoint().port());
  }

  void run_io() {
    work_.emplace(io_.get_executor());
    for (int i = 0; i < tuning::kServerIoThreads; ++i) io_threads_.emplace_back([this] { io_.run(); });
    asio::post(acceptor_->get_executor(), [this] { accept(); });
    std::lock_guard lock(state_mutex_);
    running_ = true;
  }

  // ---- accepting (on the acceptor's strand) ----
  void accept() {
    acceptor_->async_accept(asio::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
      on_accept(ec, std::move(socket));
    });
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (stopping_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      accept_retry_.expires_after(kAcceptRetryDelay);
      accept_retry_.async_wait([this](beast::error_code wait_error) {
        if (!wait_error && !stopping_) accept();
      });
      return;
    }
    beast::error_code ignored;
    const tcp::endpoint peer = socket.remote_endpoint(ignored);
    if (!ignored) admit(std::move(socket), peer.address().to_string());
    accept();
  }

  void admit(tcp::socket socket, std::string remote) {
    auto admission = peers_.admit(remote, std::chrono::steady_clock::now());
    beast::error_code ignored;
    if (!admission.admitted) {
      // Closed at once: no thread, no buffer, no TLS handshake for a connection over the caps.
      socket.close(ignored);
      if (admission.log)
        log_(json{{"level", "warn"}, {"msg", "connection refused"}, {"remote", remote}, {"reason", admission.reason},
                  {"limit", admission.limit}, {"refused", admission.refused}}.dump());
      return;
    }
    // Without TCP_NODELAY, an answer written as header then body waits for the peer's delayed ACK (40 ms).
    socket.set_option(tcp::no_delay(true), ignored);
    std::uint64_t id = 0;
    {
      std::lock_guard lock(connections_mutex_);
      id = ++next_id_;
    }
    std::shared_ptr<ConnectionControl> connection;
    if (tls_)
      connection = std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(*this, id, remote,
                                                                                       std::move(socket), *tls_);
    else
      connection = std::make_shared<Connection<beast::tcp_stream>>(*this, id, remote, std::move(socket));
    {
      // Registered before it runs, so that closed() always finds it.
      std::lock_guard lock(connections_mutex_);
      connections_.emplace(id, connection);
    }
    connection->run();
    // stop() may have taken its list of connections just before this one was added.
    if (stopping_) connection->stop();
  }

  // ---- stopping ----
  std::vector<std::shared_ptr<ConnectionControl>> live_connections() {
    std::lock_guard lock(connections_mutex_);
    std::vector<std::shared_ptr<ConnectionControl>> live;
    for (auto& [id, weak] : connections_)
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    return live;
  }

  bool wait_for_connections(std::chrono::steady_clock::duration timeout) {
    std::unique_lock lock(connections_mutex_);
    return connections_changed_.wait_for(lock, timeout, [this] { return connections_.empty(); });
  }

  void stop() {
    std::lock_guard stopping(stop_mutex_);
    {
      std::lock_guard lock(state_mutex_);
      if (!running_ || stopped_) return;
    }
    stopping_ = true;
    asio::post(acceptor_->get_executor(), [this] {
      beast::error_code ignored;
      acceptor_->close(ignored);
      accept_retry_.cancel();
    });
    // Idle connections close now; requests in flight are answered (with Connection: close), for a bounded time.
    for (auto& connection : live_connections()) connection->stop();
    if (!wait_for_connections(std::chrono::seconds(tuning::kServerStopGraceSeconds))) {
      for (auto& connection : live_connections()) connection->force_close();
      wait_for_connections(kForcedCloseWait);
    }
    workers_.join();
    work_.reset();
    io_.stop();
    for (auto& thread : io_threads_) thread.join();
    std::lock_guard lock(state_mutex_);
    stopped_ = true;
    state_changed_.notify_all();
  }

  void wait() {
    std::unique_lock lock(state_mutex_);
    state_changed_.wait(lock, [this] { return !running_ || stopped_; });
  }

  SyncService& service_;
  Options options_;
  LogSink log_;
  http_listener::Deadlines deadlines_;
  std::mutex drop_mutex_;
  std::map<std::string, int> drops_;
  // Declared before io_: connections still queued in io_'s handlers when it is destroyed release themselves here.
  http_listener::PeerLimits peers_{options_.max_connections_per_address, tuning::kServerMaxConnections,
                                   std::chrono::seconds(tuning::kServerRefusalLogIntervalSeconds)};
  std::mutex connections_mutex_;
  std::condition_variable connections_changed_;
  std::map<std::uint64_t, std::weak_ptr<ConnectionControl>> connections_;
  std::uint64_t next_id_ = 0;
  std::optional<asio::ssl::context> tls_;
  std::mutex stop_mutex_;
  std::mutex state_mutex_;
  std::condition_variable state_changed_;
  bool running_ = false;
  bool stopped_ = false;
  std::atomic<bool> stopping_ = false;

  asio::io_context io_{tuning::kServerIoThreads};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::optional<tcp::acceptor> acceptor_;
  asio::steady_timer accept_retry_{io_};
  // Declared after io_: joined (or destroyed) first, so no job posts to a destroyed io_context.
  asio::thread_pool workers_{static_cast<std::size_t>(tuning::kServerWorkerThreads)};
  std::vector<std::thread> io_threads_;
};

HttpServer::HttpServer(SyncService& service, Options options, LogSink log) {
  if (!log) log = [](const std::string& line) { std::cerr << line << std::endl; };
  impl_ = std::make_unique<Impl>(service, std::move(options), std::move(log));
}

HttpServer::~HttpServer() { stop(); }

Result<int> HttpServer::start() {
  const Options& o = impl_->options_;
  if (o.insecure) {
    if (!is_loopback_host(o.host))
      return Status::refused(trf("明文 HTTP（--insecure）只能监听本机回环地址，不能监听 {}",
                                 "plain HTTP (--insecure) may listen only on a loopback address, not {}", o.host));
  } else {
    if (o.tls_cert.empty() || o.tls_key.empty())
      return Status::invalid("tls-cert", trf("需要 --tls-cert 和 --tls-key（或仅在本机测试时用 --insecure）",
                                             "--tls-cert and --tls-key are required (or --insecure on loopback)"));
    if (auto loaded = impl_->load_tls(); !loaded) return loaded;
  }
  auto port = impl_->listen();
  if (!port) return port;
  raise_descriptor_limit();
  impl_->run_io();
  return port;
}

void HttpServer::stop() {
  if (impl_) impl_->stop();
}

void HttpServer::wait() { impl_->wait(); }

void HttpServer::drop_responses(const std::string& path, int count) {
  std::lock_guard lock(impl_->drop_mutex_);
  impl_->drops_[path] = count;
}

}  // namespace tongdang::sync
