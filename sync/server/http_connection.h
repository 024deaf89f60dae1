// One client connection of the county server's listener (Boost.Beast over Asio), plain or TLS. Everything runs
// on the connection's strand and never blocks: SyncService's work (SQLite) goes to the listener's worker pool and
// its answer comes back here. A request goes header -> caller check (token, station) -> body -> handle -> answer,
// each phase under its own deadline, so a slow or idle client holds a socket but no thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <nlohmann/json.hpp>

#include "core/base/i18n.h"
#include "sync/protocol/tuning.h"
#include "sync/server/tuning.h"
#include "sync/protocol/protocol.h"
#include "sync/server/http_body.h"
#include "sync/server/server.h"

namespace tongdang::sync::http_listener {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

// The listener's deadlines (tuning.h; the header deadline may be set per server for tests).
struct Deadlines {
  std::chrono::milliseconds header{tuning::kServerHeaderDeadlineMs};
  std::chrono::milliseconds body{std::chrono::seconds(tuning::kServerBodyDeadlineSeconds)};
  std::chrono::milliseconds idle{std::chrono::seconds(tuning::kServerKeepAliveTimeoutSeconds)};
  std::chrono::milliseconds write{std::chrono::seconds(tuning::kServerWriteDeadlineSeconds)};
  std::chrono::milliseconds linger{tuning::kServerLingerMs};
};

// What a connection needs from the listener that owns it. Thread-safe.
class ConnectionHost {
 public:
  virtual ~ConnectionHost() = default;
  virtual SyncService& service() = 0;
  // The handler of paths outside the sync API (HttpServer::Options::pages); nullptr when there is none.
  virtual const PageHandler* pages() const = 0;
  virtual asio::thread_pool& workers() = 0;
  virtual const Deadlines& deadlines() const = 0;
  // Test hook (HttpServer::drop_responses): true if this answer to `path` is to be cut.
  virtual bool take_drop(const std::string& path) = 0;
  virtual void log(const std::string& line) = 0;
  // The connection `id` from `remote` is gone (called from its destructor).
  virtual void closed(std::uint64_t id, const std::string& remote) = 0;
};

// The request fields SyncService reads, from the request line and header; the body is added once read.
ServiceRequest service_request(std::string_view method, std::string_view target, std::string_view authorization,
                               std::string_view station, const std::string& remote);

// A page request (server.h) from the request line and every header; the body is added once read.
template <class Fields>
PageRequest page_request(std::string_view method, std::string_view target, const Fields& fields,
                         const std::string& remote, bool secure) {
  PageRequest request{std::string(method), std::string(target), {}, {}, remote, secure};
  for (const auto& field : fields) {
    std::string name(std_view(field.name_string()));
    for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    request.headers[name] = std::string(std_view(field.value()));
  }
  return request;
}
// The HTTP response carrying a page handler's answer.
http::response<http::string_body> page_answer(PageResponse response, unsigned version);

// An answer ready to write: the HTTP response, or (drop hook) the raw bytes of a response cut in the middle.
struct Answer {
  http::response<http::string_body> response;
  bool cut = false;
  std::string cut_bytes;
};
// Builds the answer to `response`: gzip'd when the client accepts it (snapshot pages at kSnapshotGzipLevel).
// Runs on a worker thread (compressing a page is CPU work).
Answer make_answer(ServiceResponse response, unsigned version, std::string_view accept_encoding, bool cut);
// An error the listener answers itself (too large, corrupt gzip, bad header): {"error": code, "message": …}.
http::response<http::string_body> listener_error(http::status status, std::string_view code,
                                                 const std::string& message, unsigned version);

// Lets the listener stop a connection without knowing its stream type.
class ConnectionControl {
 public:
  virtual ~ConnectionControl() = default;
  // Starts the TLS handshake (or the first request) on the connection's strand.
  virtual void run() = 0;
  // Graceful: closes now if no request is in flight, else after its answer.
  virtual void stop() = 0;
  // Closes now, whatever is in flight.
  virtual void force_close() = 0;
};

template <class Stream>
class Connection final : public ConnectionControl, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  // `stream_args` construct the stream: an accepted socket (bound to a strand), and the TLS context.
  template <class... StreamArgs>
  Connection(ConnectionHost& host, std::uint64_t id, std::string remote, StreamArgs&&... stream_args)
      : host_(host), id_(id), remote_(std::move(remote)), stream_(std::forward<StreamArgs>(stream_args)...) {}
  ~Connection() override { host_.closed(id_, remote_); }

  void run() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->start(); });
  }
  void stop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->on_stop(); });
  }
  void force_close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

 private:
  enum class Phase { Handshake, Idle, Header, Checking, Body, Handling, Writing, Lingering, Closed };
  enum class After { NextRequest, Linger };  // Linger: the body was not read, so the connection cannot go on

  // The bytes a connection may buffer beyond the parser: a header, or one read of a body.
  static constexpr std::size_t kBufferLimit = 256 * 1024;
  // The first read of a kept-alive connection's next request.
  static constexpr std::size_t kFirstReadBytes = 4096;

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  std::shared_ptr<Connection> shared() { return this->shared_from_this(); }

  void start() {
    lowest().expires_after(host_.deadlines().header);  // the handshake and the first header share one deadline
    if constexpr (kTls) {
      phase_ = Phase::Handshake;
      stream_.async_handshake(asio::ssl::stream_base::server, [self = shared()](beast::error_code ec) {
        if (ec || self->closed()) return self->close();
        self->read_header();
      });
    } else {
      read_header();
    }
  }

  // Between requests: wait (idle deadline) for the next request's first bytes, then give its header the header
  // deadline from there.
  void await_request() {
    if (stopping_) return close();
    phase_ = Phase::Idle;
    parser_.reset();
    response_.reset();
    if (buffer_.size() > 0) {
      lowest().expires_after(host_.deadlines().header);
      return read_header();
    }
    lowest().expires_after(host_.deadlines().idle);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes), [self = shared()](beast::error_code ec, std::size_t n) {
      if (ec || self->closed()) return self->close();
      self->buffer_.commit(n);
      self->lowest().expires_after(self->host_.deadlines().header);
      self->read_header();
    });
  }

  void read_header() {
    phase_ = Phase::Header;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(tuning::kServerMaxHeaderBytes));
    parser_->body_limit(static_cast<std::uint64_t>(tuning::kMaxBodyBytes));  // as sent; BoundedBody caps inflated
    parser_->get().body().max_bytes = static_cast<std::size_t>(tuning::kMaxBodyBytes);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (closed()) return;
    if (ec == http::error::body_limit) {  // a Content-Length over the limit: the header itself was read
      take_head();
      return refuse_too_large();
    }
    if (ec == http::error::header_limit)
      return refuse(listener_error(http::status::request_header_fields_too_large, "too_large",
                                   i18n::trf("请求头超过 {} 字节", "the request header exceeds {} bytes",
                                             tuning::kServerMaxHeaderBytes), 11));
    const bool malformed = ec && ec.category() == beast::error_code(http::error::bad_method).category() &&
                           ec != http::error::end_of_stream && ec != http::error::partial_message;
    if (malformed)
      return refuse(listener_error(http::status::bad_request, "invalid",
                                   i18n::tr("HTTP 请求格式错误", "malformed HTTP request"), 11));
    if (ec) return close();  // closed by the client, header deadline passed, reset
    take_head();
    auto& head = parser_->get();
    if (parser_->is_done()) return handle();  // no body: handle() checks the caller itself
    // A page (the console) has no bearer token to check before its body: its own handler signs people in.
    if (page_) return on_checked(std::nullopt);
    if (!body_encoding(std_view(head[http::field::content_encoding])).supported)
      return refuse(listener_error(http::status::unsupported_media_type, "unsupported_encoding",
                                   i18n::trf("不支持的 Content-Encoding：{}", "unsupported Content-Encoding: {}",
                                             std::string(head[http::field::content_encoding])), version_));
    // The caller is checked before a byte of the body is read: a refused one never makes the server hold it.
    phase_ = Phase::Checking;
    asio::post(host_.workers(), [self = shared(), request = request_, executor = stream_.get_executor()] {
      std::optional<ServiceResponse> refusal;
      try {
        refusal = self->host_.service().check_caller(request);
      } catch (const std::exception& error) {  // check_caller never throws; its log sink might
        refusal = ServiceResponse{500, nlohmann::json{{"error", "internal"}, {"message", error.what()}}.dump()};
      }
      asio::post(executor, [self, refusal = std::move(refusal)]() mutable { self->on_checked(std::move(refusal)); });
    });
  }

  // The request line and the fields SyncService reads, once the header is parsed.
  void take_head() {
    auto& head = parser_->get();
    version_ = head.version();
    request_ = service_request(std_view(head.method_string()), std_view(head.target()),
                               std_view(head[http::field::authorization]),
                               std_view(head[beast::string_view(kStationHeader.data(), kStationHeader.size())]),
                               remote_);
    page_.reset();
    if (host_.pages() && !is_sync_path(request_.path))
      page_ = page_request(std_view(head.method_string()), std_view(head.target()), head, remote_, kTls);
  }

  void on_checked(std::optional<ServiceResponse> refusal) {
    if (closed()) return;
    if (refusal) return refuse(make_answer(std::move(*refusal), version_, {}, false).response);
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      // libcurl waits for this before sending a large body (or gives up waiting after a second).
      auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
      lowest().expires_after(host_.deadlines().write);
      http::async_write(stream_, *go_on, [self = shared(), go_on](beast::error_code ec, std::size_t) {
        if (ec || self->closed()) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    phase_ = Phase::Body;
    lowest().expires_after(host_.deadlines().body);
    http::async_read(stream_, buffer_, *parser_, [self = shared()](beast::error_code ec, std::size_t) {
      self->on_body(ec);
    });
  }

  void on_body(beast::error_code ec) {
    if (closed()) return;
    BodyFault fault = parser_->get().body().fault;
    if (fault == BodyFault::TooLarge || ec == http::error::body_limit) return refuse_too_large();
    if (fault == BodyFault::Corrupt)
      return refuse(listener_error(http::status::bad_request, "invalid",
                                   i18n::tr("请求体的 gzip 数据已损坏", "the gzip'd request body is corrupt"), version_));
    if (ec) return close();  // body deadline passed, client gone, malformed chunks
    request_.body = std::move(parser_->get().body().text);
    if (page_) page_->body = std::move(request_.body);
    handle();
  }

  void handle() {
    phase_ = Phase::Handling;
    ++requests_;
    keep_alive_ = parser_->get().keep_alive();
    std::string accept_encoding(parser_->get()[http::field::accept_encoding]);
    if (page_) return handle_page();
    asio::post(host_.workers(), [self = shared(), request = std::move(request_), version = version_,
                                 accept_encoding = std::move(accept_encoding), executor = stream_.get_executor()] {
      auto answer = std::make_shared<Answer>();
      try {
        const bool cut = self->host_.take_drop(request.path);
        *answer = make_answer(self->host_.service().handle(request), version, accept_encoding, cut);
      } catch (const std::exception& error) {  // handle() never throws; gzip may run out of memory
        answer->response = listener_error(http::status::internal_server_error, "internal", error.what(), version);
      }
      asio::post(executor, [self, answer] { self->on_answer(answer); });
    });
  }

  // A page request goes to the page handler on a worker thread, as a sync request goes to the service.
  void handle_page() {
    asio::post(host_.workers(), [self = shared(), request = std::move(*page_), version = version_,
                                 executor = stream_.get_executor()] {
      auto answer = std::make_shared<Answer>();
      try {
        answer->response = page_answer((*self->host_.pages())(request), version);
      } catch (const std::exception& error) {  // the handler should not throw; if it does, a 500 and the connection lives
        answer->response = listener_error(http::status::internal_server_error, "internal", error.what(), version);
      }
      asio::post(executor, [self, answer] { self->on_answer(answer); });
    });
    page_.reset();
  }

  void on_answer(const std::shared_ptr<Answer>& answer) {
    if (closed()) return;
    if (answer->cut) {  // test hook: half a response, then the connection is gone
      phase_ = Phase::Writing;
      lowest().expires_after(host_.deadlines().write);
      asio::async_write(stream_, asio::buffer(answer->cut_bytes),
                        [self = shared(), answer](beast::error_code, std::size_t) { self->close(); });
      return;
    }
    send(std::move(answer->response), After::NextRequest);
  }

  void refuse_too_large() {
    host_.log(nlohmann::json{{"level", "warn"}, {"msg", "request body too large"}, {"remote", remote_},
                             {"endpoint", request_.method + " " + request_.path}, {"status", 413}}
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    refuse(listener_error(http::status::payload_too_large, "too_large",
                          i18n::trf("请求体超过上限 {} MiB（压缩前后都计）", "the request body exceeds the limit of "
                                    "{} MiB (as sent and once inflated)", tuning::kMaxBodyBytes / (1024 * 1024)),
                          version_));
  }

  // An answer before (or instead of) the body: the connection cannot carry another request.
  void refuse(http::response<http::string_body> response) { send(std::move(response), After::Linger); }

  void send(http::response<http::string_body> response, After after) {
    phase_ = Phase::Writing;
    const bool keep = after == After::NextRequest && keep_alive_ && !stopping_ &&
                      requests_ < tuning::kServerKeepAliveRequests;
    response_.emplace(std::move(response));
    response_->keep_alive(keep);
    response_->prepare_payload();
    lowest().expires_after(host_.deadlines().write);
    http::async_write(stream_, *response_, [self = shared(), keep, after](beast::error_code ec, std::size_t) {
      if (ec || self->closed()) return self->close();
      if (after == After::Linger) return self->linger();
      if (keep) return self->await_request();
      self->close();
    });
  }

  // After an early answer, read and drop what the client still sends (bounded), so that closing does not reset
  // the connection before the client has read the answer. Raw TCP: nothing is decrypted.
  void linger() {
    phase_ = Phase::Lingering;
    beast::error_code ignored;
    lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    lowest().expires_after(host_.deadlines().linger);
    drain_.resize(16 * 1024);
    drain();
  }

  void drain() {
    lowest().async_read_some(asio::buffer(drain_), [self = shared()](beast::error_code ec, std::size_t n) {
      self->drained_ += static_cast<std::int64_t>(n);
      if (ec || self->closed() || self->drained_ >= tuning::kServerLingerBytes) return self->close();
      self->drain();
    });
  }

  void on_stop() {
    stopping_ = true;
    // A request in flight (checked, being read, handled or answered) finishes; its answer closes the connection.
    if (phase_ == Phase::Handshake || phase_ == Phase::Idle || phase_ == Phase::Header || phase_ == Phase::Lingering)
      close();
  }

  bool closed() const { return phase_ == Phase::Closed; }

  void close() {
    if (closed()) return;
    phase_ = Phase::Closed;
    beast::error_code ignored;
    lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  ConnectionHost& host_;
  const std::uint64_t id_;
  const std::string remote_;
  Stream stream_;
  beast::flat_buffer buffer_{kBufferLimit};
  std::optional<http::request_parser<BoundedBody>> parser_;
  std::optional<http::response<http::string_body>> response_;
  ServiceRequest request_;
  std::optional<PageRequest> page_;  // set when the request is for the page handler, not the sync API
  std::vector<char> drain_;
  std::int64_t drained_ = 0;
  Phase phase_ = Phase::Idle;
  unsigned version_ = 11;
  int requests_ = 0;
  bool keep_alive_ = false;
  bool stopping_ = false;
};

}  // namespace tongdang::sync::http_listener
