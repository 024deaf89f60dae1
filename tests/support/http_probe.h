// Raw HTTP/1.1 over loopback TCP, for tests of the county server's listener itself: clients that misbehave the
// way an attacker would (a header a byte at a time, a body that never ends, a gzip bomb), which libcurl will not.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace tongdang::test {

struct RawResponse {
  int status = 0;  // 0: no complete response arrived
  std::map<std::string, std::string> headers;  // names in lower case; a repeated one's values one a line
  std::string body;
};

// One TCP connection to 127.0.0.1:PORT, from SOURCE (any 127/8 address: Linux lets a socket bind it, so a test
// can play several peers).
class RawConnection {
 public:
  RawConnection(int port, const std::string& source = "127.0.0.1");
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // Sends everything (blocking); false if the connection failed.
  bool send_all(std::string_view data);
  // Reads one response (Content-Length body) within `timeout`.
  RawResponse read_response(std::chrono::milliseconds timeout);
  // True if the server closes the connection (EOF or reset) within `timeout`; reads and drops what arrives.
  bool closed_by_server(std::chrono::milliseconds timeout);

  // Sends `head` (ending in its blank line), then a chunked body of `total` bytes (64 KiB chunks), stopping as soon
  // as an answer arrives. Returns the answer and how many body bytes the server had taken by then.
  struct Streamed {
    RawResponse response;
    std::int64_t body_sent = 0;
  };
  Streamed stream_chunked(const std::string& head, std::int64_t total, std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string pending_;  // bytes read past the end of the last response
};

// A request's text: method, target, header lines ("Name: value\r\n" each), then the body with its length.
std::string raw_request(const std::string& method, const std::string& target, const std::string& headers,
                        const std::string& body);

// A gzip stream (about 1 MiB) that inflates to `inflated_mib` MiB of zeros, built in milliseconds: one deflated
// MiB of zeros, ended by a full flush so that it can be repeated, then an empty final block and the trailer.
std::string gzip_bomb(int inflated_mib);

}  // namespace tongdang::test
