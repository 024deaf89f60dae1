#include "sync/server/http_connection.h"

#include <fmt/format.h>

namespace tongdang::sync::http_listener {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding of a path or a query item ('+' is a space in a query, as in a form).
std::string decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += plus_is_space && c == '+' ? ' ' : c;
  }
  return out;
}

}  // namespace

ServiceRequest service_request(std::string_view method, std::string_view target, std::string_view authorization,
                               std::string_view station, const std::string& remote) {
  ServiceRequest request;
  request.method = std::string(method);
  const std::size_t question = target.find('?');
  request.path = decode(target.substr(0, question), false);
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      std::string_view item = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      if (item.empty()) continue;
      const std::size_t eq = item.find('=');
      std::string key = decode(item.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? std::string() : decode(item.substr(eq + 1), true);
      request.query.emplace(std::move(key), std::move(value));  // the first of repeated keys wins
    }
  }
  request.authorization = std::string(authorization);
  request.station_id = std::string(station);
  request.remote = remote;
  return request;
}

Answer make_answer(ServiceResponse response, unsigned version, std::string_view accept_encoding, bool cut) {
  Answer answer;
  if (cut) {
    // Test hook: the header promises the whole body; half of it is sent, then the connection closes.
    answer.cut = true;
    answer.cut_bytes = fmt::format("HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n", response.status,
                                   response.content_type, response.body.size());
    answer.cut_bytes.append(response.body, 0, response.body.size() / 2);
    return answer;
  }
  http::response<http::string_body>& out = answer.response;
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  out.set(http::field::content_type, response.content_type);
  // JSON and snapshot pages alike: a pull page of JSON compresses about tenfold. Snapshot pages are large and
  // paced by the server's CPU, so they get the faster level; JSON zlib's default, as cpp-httplib gave it.
  if (accept_encoding.find("gzip") != std::string_view::npos) {
    const bool snapshot = response.content_type != "application/json";
    response.body = gzip_compress(response.body, snapshot ? tuning::kSnapshotGzipLevel : -1);
    out.set(http::field::content_encoding, "gzip");
  }
  out.body() = std::move(response.body);
  return answer;
}

http::response<http::string_body> page_answer(PageResponse response, unsigned version) {
  http::response<http::string_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::content_type, response.content_type);
  // insert, not set: a page may send several Set-Cookie headers.
  for (auto& [name, value] : response.headers) out.insert(beast::string_view(name.data(), name.size()), value);
  out.body() = std::move(response.body);
  return out;
}

http::response<http::string_body> listener_error(http::status status, std::string_view code,
                                                 const std::string& message, unsigned version) {
  http::response<http::string_body> out{status, version};
  out.set(http::field::content_type, "application/json");
  out.body() = nlohmann::json{{"error", code}, {"message", message}}.dump(-1, ' ', false,
                                                                          nlohmann::json::error_handler_t::replace);
  return out;
}

}  // namespace tongdang::sync::http_listener
