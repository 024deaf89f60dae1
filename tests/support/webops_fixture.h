// The supervisor's pages in process (tests/web: review, sync, report, import): web_app_test.cc's Browser
// (same API, plus a multipart upload) and a station on a fixed clock with a supervisor and a director, whose data a
// test sets up through a second handle on the same file (the app owns its own).
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <regex>
#include <string>

#include "core/base/date.h"
#include "core/store/station.h"
#include "support/cli_harness.h"
#include "web/station/app.h"

namespace tongdang::test::webops {

// A browser: keeps cookies between requests, follows nothing (redirects are asserted).
struct Browser {
  web::station::StationApp& app;
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
  web::Response get(const std::string& target) {
    web::Request request;
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

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// 2026-11-28 10:00 China time, the CLI tests' day.
inline std::int64_t webops_epoch_ms() { return midnight_cst_ms(Date(2026, 11, 28)) + 10LL * 3600 * 1000; }

inline constexpr const char* kSupervisorPassword = "督导员的密码123";
inline constexpr const char* kDirectorPassword = "主任的密码456";
inline constexpr const char* kVillage = "320324102201";

// 王集镇: supervisor 李芳, director 王强 (village 320324102201). `setup` is a second handle on the station's file
// for arranging and checking data; the app has its own.
struct Fixture {
  ScratchDir dir;
  ManualClock clock{webops_epoch_ms()};
  std::unique_ptr<Station> setup;
  std::unique_ptr<web::station::StationApp> app;

  Fixture() {
    Station::InitOptions init{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}, kSupervisorPassword};
    auto created = Station::create(dir.file("s.db"), init, clock);
    REQUIRE(created);
    auto station = std::move(created).value();
    REQUIRE(station->add_user({"王强", Role::Director, {kVillage}}, kDirectorPassword));
    app = std::make_unique<web::station::StationApp>(std::move(station), web::station::AppOptions{dir.file("s.db")});
    auto opened = Station::open(dir.file("s.db"), clock);
    REQUIRE(opened);
    setup = std::move(opened).value();
  }

  std::int64_t count(const std::string& sql) {
    auto query = setup->db().prepare(sql);
    REQUIRE(query.step());
    return query.get_int(0);
  }
};

}  // namespace tongdang::test::webops
