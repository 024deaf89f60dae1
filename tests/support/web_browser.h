// A browser for the pages in process — the station's (web/station/app.h) or the county's console
// (web/county/console.h): it keeps the cookies /login sets and sends them back, follows no redirect (tests assert
// them), and reads the CSRF token a page carries. Shared by tests/web.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "web/county/console.h"
#include "web/station/app.h"

namespace tongdang::test {

// A browser: keeps cookies between requests, follows nothing (redirects are asserted). `App` answers a Request.
template <typename App>
struct BasicBrowser {
  App& app;
  std::map<std::string, std::string> cookies;

  web::Response send(web::Request request) {
    request.cookies = cookies;
    web::Response response = app.handle(request);
    for (const auto& [name, value] : response.headers) {
      if (name != "Set-Cookie") continue;
      const std::string pair = value.substr(0, value.find(';'));
      const std::size_t eq = pair.find('=');
      const std::string key = pair.substr(0, eq), val = pair.substr(eq + 1);
      if (val.empty() || value.find("Max-Age=0") != std::string::npos) cookies.erase(key);
      else cookies[key] = val;
    }
    return response;
  }
  web::Response get(const std::string& target, std::map<std::string, std::string> headers = {}) {
    web::Request request;
    request.headers = std::move(headers);
    request.method = "GET";
    const std::size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = web::parse_urlencoded(target.substr(q + 1));
    return send(request);
  }
  web::Response post(const std::string& path, std::multimap<std::string, std::string> form,
                     std::vector<web::Upload> files = {}) {
    web::Request request;
    request.method = "POST";
    request.path = path;
    request.form = std::move(form);
    request.files = std::move(files);
    return send(request);
  }
  // The hidden csrf field of a page.
  static std::string csrf_of(const std::string& body) {
    std::smatch m;
    REQUIRE(std::regex_search(body, m, std::regex(R"re(name="csrf" value="([0-9a-f]{64})")re")));
    return m[1];
  }
  web::Response sign_in(const std::string& user, const std::string& password) {
    const std::string csrf = csrf_of(get("/login").body);
    return post("/login", {{"user", user}, {"password", password}, {"csrf", csrf}, {"next", "/"}});
  }
  // This session's CSRF token, from a page every signed-in user may open.
  std::string csrf() { return csrf_of(get("/").body); }
};
using Browser = BasicBrowser<web::station::StationApp>;
using ConsoleBrowser = BasicBrowser<web::county::CountyConsole>;

inline std::string location_of(const web::Response& response) {
  for (const auto& [name, value] : response.headers)
    if (name == "Location") return value;
  return {};
}

inline std::string header_of(const web::Response& response, const std::string& header) {
  for (const auto& [name, value] : response.headers)
    if (name == header) return value;
  return {};
}

}  // namespace tongdang::test
