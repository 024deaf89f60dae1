#include "support/http_probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tongdang::test {
namespace {

using SteadyClock = std::chrono::steady_clock;

int remaining_ms(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::max<std::int64_t>(0, left));
}

// Parses a response from `data` if it is complete; returns the bytes it took, 0 if more are needed.
std::size_t parse_response(const std::string& data, RawResponse& out) {
  const std::size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) return 0;
  RawResponse parsed;
  const std::size_t line_end = data.find("\r\n");
  const std::string status_line = data.substr(0, line_end);
  const std::size_t space = status_line.find(' ');
  if (space == std::string::npos) return 0;
  parsed.status = std::atoi(status_line.c_str() + space + 1);
  std::size_t at = line_end + 2;
  while (at < end) {
    std::size_t next = data.find("\r\n", at);
    std::string field = data.substr(at, next - at);
    at = next + 2;
    std::size_t colon = field.find(':');
    if (colon == std::string::npos) continue;
    std::string name = field.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = field.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    // A repeated header (Set-Cookie) keeps every value, one a line.
    auto [it, inserted] = parsed.headers.emplace(name, value);
    if (!inserted) it->second += "\n" + value;
  }
  std::size_t length = parsed.headers.count("content-length") ? std::stoul(parsed.headers["content-length"]) : 0;
  if (data.size() < end + 4 + length) return 0;
  parsed.body = data.substr(end + 4, length);
  if (parsed.status == 100) {  // "100 Continue": the real answer follows
    RawResponse rest;
    std::size_t taken = parse_response(data.substr(end + 4), rest);
    if (taken == 0) return 0;
    out = rest;
    return end + 4 + taken;
  }
  out = parsed;
  return end + 4 + length;
}

}  // namespace

RawConnection::RawConnection(int port, const std::string& source) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) close(fd_);
}

RawConnection::RawConnection(RawConnection&& other) noexcept : fd_(other.fd_), pending_(std::move(other.pending_)) {
  other.fd_ = -1;
}

bool RawConnection::send_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

RawResponse RawConnection::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  RawResponse response;
  char buffer[64 * 1024];
  while (true) {
    if (std::size_t taken = parse_response(pending_, response)) {
      pending_.erase(0, taken);
      return response;
    }
    pollfd wanted{fd_, POLLIN, 0};
    if (poll(&wanted, 1, remaining_ms(deadline)) <= 0) return {};
    ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) return {};
    pending_.append(buffer, static_cast<std::size_t>(got));
  }
}

bool RawConnection::closed_by_server(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  char buffer[4096];
  while (true) {
    pollfd wanted{fd_, POLLIN, 0};
    int ready = poll(&wanted, 1, remaining_ms(deadline));
    if (ready <= 0) return false;
    ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) return true;
  }
}

RawConnection::Streamed RawConnection::stream_chunked(const std::string& head, std::int64_t total,
                                                      std::chrono::milliseconds timeout) {
  Streamed out;
  if (!send_all(head)) return out;
  const auto deadline = SteadyClock::now() + timeout;
  const std::string chunk_body(64 * 1024, 'x');
  const std::string chunk = "10000\r\n" + chunk_body + "\r\n";
  std::string outgoing;
  std::size_t offset = 0;  // into `outgoing`
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
  bool ended = false;
  while (SteadyClock::now() < deadline) {
    if (offset == outgoing.size() && !ended) {
      if (out.body_sent + static_cast<std::int64_t>(chunk_body.size()) <= total) {
        outgoing = chunk;
        out.body_sent += static_cast<std::int64_t>(chunk_body.size());
      } else {
        outgoing = "0\r\n\r\n";
        ended = true;
      }
      offset = 0;
    }
    pollfd wanted{fd_, static_cast<short>(POLLIN | (offset < outgoing.size() ? POLLOUT : 0)), 0};
    if (poll(&wanted, 1, remaining_ms(deadline)) <= 0) break;
    if (wanted.revents & (POLLIN | POLLHUP | POLLERR)) break;  // an answer (or the end): stop sending
    if (wanted.revents & POLLOUT) {
      ssize_t sent = send(fd_, outgoing.data() + offset, outgoing.size() - offset, MSG_NOSIGNAL);
      if (sent < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (sent <= 0) break;
      offset += static_cast<std::size_t>(sent);
    }
  }
  // Body bytes counted per chunk taken whole: drop the one still partly unsent.
  if (offset < outgoing.size() && !ended) out.body_sent -= static_cast<std::int64_t>(chunk_body.size());
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
  out.response = read_response(std::chrono::milliseconds(std::max(remaining_ms(deadline), 1000)));
  return out;
}

std::string raw_request(const std::string& method, const std::string& target, const std::string& headers,
                        const std::string& body) {
  std::string text = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headers;
  if (!body.empty() || method == "POST") text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return text + "\r\n" + body;
}

std::string gzip_bomb(int inflated_mib) {
  z_stream stream{};
  if (deflateInit2(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  const std::string zeros(1024 * 1024, '\0');
  std::string segment(64 * 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
  stream.avail_in = static_cast<uInt>(zeros.size());
  stream.next_out = reinterpret_cast<Bytef*>(segment.data());
  stream.avail_out = static_cast<uInt>(segment.size());
  // A full flush ends the segment on a byte boundary with no reference to earlier data: it can be repeated.
  if (deflate(&stream, Z_FULL_FLUSH) != Z_OK || stream.avail_in != 0) throw std::runtime_error("deflate failed");
  segment.resize(segment.size() - stream.avail_out);
  deflateEnd(&stream);

  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(zeros.size()));
  const uLong one_mib_crc = crc;
  for (int i = 1; i < inflated_mib; ++i) crc = crc32_combine(crc, one_mib_crc, static_cast<z_off_t>(zeros.size()));
  const std::uint32_t size = static_cast<std::uint32_t>(static_cast<std::uint64_t>(inflated_mib) << 20);

  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);  // gzip header: deflate, no name, Unix
  out.reserve(out.size() + segment.size() * static_cast<std::size_t>(inflated_mib) + 10);
  for (int i = 0; i < inflated_mib; ++i) out += segment;
  out += std::string("\x03\x00", 2);  // an empty final block with fixed codes
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((crc >> shift) & 0xff);
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((size >> shift) & 0xff);
  return out;
}

}  // namespace tongdang::test
