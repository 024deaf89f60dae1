// A request body read by the county server's listener: streamed into memory with a cap, and inflated as it
// arrives when it is gzip'd, so neither a long chunked body nor a small gzip bomb is ever held beyond
// tuning::kMaxBodyBytes. BodyInflater is the zlib part (no HTTP); BoundedBody is the Boost.Beast body type over it.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

namespace tongdang::sync::http_listener {

// Why a body was refused while it was read.
enum class BodyFault {
  None,
  TooLarge,  // more than the cap, as sent or once inflated: 413
  Corrupt,   // gzip data that does not inflate: 400
};

// Appends a body, chunk by chunk, to `out`: as is, or inflated (gzip or zlib) when `inflate`. Never lets `out`
// grow past `max_bytes`. Not thread-safe; one per request.
class BodyInflater {
 public:
  // `sniff`: no Content-Encoding was sent; inflate if the body starts with the gzip magic byte (JSON never does).
  BodyInflater(bool inflate, bool sniff, std::size_t max_bytes);
  ~BodyInflater();
  BodyInflater(const BodyInflater&) = delete;
  BodyInflater& operator=(const BodyInflater&) = delete;

  // Takes the next bytes as they arrived; a fault is final.
  [[nodiscard]] BodyFault append(std::string_view data, std::string& out);
  // The body has ended: a gzip stream must be complete.
  [[nodiscard]] BodyFault finish();

 private:
  BodyFault inflate_into(std::string_view data, std::string& out);

  bool inflate_ = false;
  bool sniff_ = false;
  bool ended_ = false;  // the gzip stream is complete; bytes after it are ignored
  std::size_t max_bytes_ = 0;
  std::unique_ptr<z_stream> zlib_;
};

// What the listener decides from the request header: how to read the body.
struct BodyEncoding {
  bool inflate = false;    // Content-Encoding: gzip, x-gzip or deflate
  bool sniff = false;      // no Content-Encoding (or identity)
  bool supported = true;   // false: another encoding (answered 415 before the body is read)
};
BodyEncoding body_encoding(std::string_view content_encoding);

// Beast (Boost 1.74) speaks boost::string_view; the rest of tongdang std::string_view.
inline std::string_view std_view(boost::beast::string_view text) { return {text.data(), text.size()}; }

// The Beast body type of a request: the text, capped as it is read, and why reading stopped.
struct BoundedBody {
  struct value_type {
    std::string text;
    BodyFault fault = BodyFault::None;
    std::size_t max_bytes = 0;  // set by the listener before the body is read (0: nothing may arrive)
  };

  class reader {
   public:
    // Beast constructs the reader with its parser, before the header has arrived: init() reads the header.
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>& header, value_type& body)
        : content_encoding_([&header] { return std_view(header[boost::beast::http::field::content_encoding]); }),
          body_(body) {}

    void init(const boost::optional<std::uint64_t>& length, boost::beast::error_code& ec) {
      ec = {};
      const BodyEncoding encoding = body_encoding(content_encoding_());
      inflater_.emplace(encoding.inflate, encoding.sniff, body_.max_bytes);
      // A plain body of known length gets its memory at once (the parser already held it to the wire limit).
      if (length && *length <= body_.max_bytes) body_.text.reserve(static_cast<std::size_t>(*length));
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      std::size_t taken = 0;
      for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
           ++it) {
        boost::asio::const_buffer buffer = *it;
        if (!fail(inflater_->append({static_cast<const char*>(buffer.data()), buffer.size()}, body_.text), ec))
          return taken;
        taken += buffer.size();
      }
      return taken;
    }

    void finish(boost::beast::error_code& ec) {
      ec = {};
      if (inflater_) fail(inflater_->finish(), ec);  // no init(): a message without a body
    }

   private:
    // Records a fault and turns it into the parser's error; true when there is none.
    bool fail(BodyFault fault, boost::beast::error_code& ec) {
      if (fault == BodyFault::None) return true;
      body_.fault = fault;
      ec = fault == BodyFault::TooLarge ? boost::beast::http::error::body_limit
                                        : boost::beast::http::error::bad_chunk;  // any error: the fault says which
      return false;
    }

    std::function<std::string_view()> content_encoding_;  // of the header the parser fills
    value_type& body_;
    std::optional<BodyInflater> inflater_;
  };
};

}  // namespace tongdang::sync::http_listener
