#include "web/base/http.h"

#include <algorithm>

namespace tongdang::web {

std::string Request::param(std::string_view name) const {
  const std::string key(name);
  if (auto it = form.find(key); it != form.end()) return it->second;
  if (auto it = query.find(key); it != query.end()) return it->second;
  return {};
}

std::vector<std::string> Request::params(std::string_view name) const {
  const std::string key(name);
  std::vector<std::string> values;
  for (auto [it, end] = form.equal_range(key); it != end; ++it) values.push_back(it->second);
  if (values.empty())
    for (auto [it, end] = query.equal_range(key); it != end; ++it) values.push_back(it->second);
  return values;
}

bool Request::has_param(std::string_view name) const {
  const std::string key(name);
  return form.count(key) > 0 || query.count(key) > 0;
}

int Request::page_param() const {
  const std::string text = param("page");
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) return 1;
  return std::max(1, std::stoi(text));
}

std::string Request::header(std::string_view lower_case_name) const {
  auto it = headers.find(std::string(lower_case_name));
  return it == headers.end() ? std::string() : it->second;
}

std::string Request::target() const {
  std::string out;
  for (unsigned char c : path) {
    // Re-encode what a path may not carry as it is.
    if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '%') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  bool first = true;
  for (const auto& [key, value] : query) {
    out += first ? '?' : '&';
    first = false;
    for (const std::string* part : {&key, &value}) {
      for (unsigned char c : *part) {
        const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '_' || c == '.' || c == '~';
        if (plain) {
          out += static_cast<char>(c);
        } else {
          static constexpr char kHex[] = "0123456789ABCDEF";
          out += '%';
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
      }
      if (part == &key) out += '=';
    }
  }
  return out;
}

std::vector<std::string> Request::segments() const {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

Response Response::html(std::string body, int status) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response Response::redirect(std::string location) {
  Response response;
  response.status = 303;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

Response Response::plain(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

Response& Response::header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::multimap<std::string, std::string> parse_urlencoded(std::string_view text) {
  std::multimap<std::string, std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = text.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos)
        out.emplace(percent_decode(pair, true), "");
      else
        out.emplace(percent_decode(pair.substr(0, eq), true), percent_decode(pair.substr(eq + 1), true));
    }
    start = end + 1;
  }
  return out;
}

std::map<std::string, std::string> parse_cookies(std::string_view header) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(start, end - start);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && eq > 0) out.emplace(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
    start = end + 1;
  }
  return out;
}

std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& options) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Strict";
  if (options.secure) out += "; Secure";
  if (options.max_age_seconds >= 0) out += "; Max-Age=" + std::to_string(options.max_age_seconds);
  return out;
}

void add_security_headers(Response& response) {
  // A response with a policy of its own (the coverage report's page, with its inline style) keeps it: a second
  // header would not loosen the first, browsers enforce both.
  const bool has_policy = std::any_of(response.headers.begin(), response.headers.end(),
                                      [](const auto& h) { return h.first == "Content-Security-Policy"; });
  if (!has_policy) response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "SAMEORIGIN");
  const bool cacheable = std::any_of(response.headers.begin(), response.headers.end(),
                                     [](const auto& h) { return h.first == "Cache-Control"; });
  if (!cacheable) response.headers.emplace_back("Cache-Control", "no-store");
}

}  // namespace tongdang::web
