// A request to and a response from the web pages, independent of the HTTP library that carries them: the pages are
// functions of a Request, testable in process, and the listener (server.h) is the only code that knows cpp-httplib.
// The county console (issue 16) can carry the same pages over the county server's own listener.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tongdang::web {

// A file posted with a multipart form (a ledger upload).
struct Upload {
  std::string field;
  std::string filename;
  std::string content_type;
  std::string content;
};

struct Request {
  std::string method;  // "GET", "POST"
  std::string path;    // percent-decoded, without the query: "/children/0193…"
  std::multimap<std::string, std::string> query;
  std::multimap<std::string, std::string> form;  // a POST's fields (urlencoded or multipart), decoded
  std::vector<Upload> files;
  std::map<std::string, std::string> cookies;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string remote;                          // "127.0.0.1:53122"
  bool secure = false;                         // arrived over TLS

  // The form field `name`, else the query parameter, else "".
  std::string param(std::string_view name) const;
  // Every value of form field (or query parameter) `name`, in order (checkboxes, multi-selects).
  std::vector<std::string> params(std::string_view name) const;
  bool has_param(std::string_view name) const;
  // The page a pager link asks for (`page`): 1 when absent or not a plain number, so a link edited by hand shows
  // the first page; the caller clamps it to the pages there are.
  int page_param() const;
  std::string header(std::string_view lower_case_name) const;
  // The path and query as sent, for "come back here after signing in".
  std::string target() const;
  // The path split at '/', without empty parts: "/children/abc/visits" -> {"children", "abc", "visits"}.
  std::vector<std::string> segments() const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, Location, …)

  static Response html(std::string body, int status = 200);
  // 303 See Other to `location` (a path of this application): after a POST, so a reload does not post again.
  static Response redirect(std::string location);
  static Response plain(int status, std::string body);
  Response& header(std::string name, std::string value);
};

// Percent-decoding of a query or form value ('+' is a space in a form).
std::string percent_decode(std::string_view text, bool plus_is_space);
// "a=1&b=%E7%8E%8B" -> {{"a","1"},{"b","王"}}.
std::multimap<std::string, std::string> parse_urlencoded(std::string_view text);
// A Cookie header "a=1; b=2" -> {{"a","1"},{"b","2"}}.
std::map<std::string, std::string> parse_cookies(std::string_view header);

// A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/ always; Secure over TLS; Max-Age when given (0 deletes).
struct CookieOptions {
  bool secure = false;
  int max_age_seconds = -1;  // -1: a session cookie (gone when the browser closes)
};
std::string set_cookie(std::string_view name, std::string_view value, const CookieOptions& options);

// The headers every answer gets. The policy allows only this application's own style sheet and script: no inline
// script, no other origin, no framing, forms posting only here. A response that sets its own
// Content-Security-Policy (a stricter or differently-shaped one, e.g. the coverage report's) keeps it.
void add_security_headers(Response& response);
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'";

}  // namespace tongdang::web
