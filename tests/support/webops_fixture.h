// The supervisor's pages in process (tests/web: review, sync, report, import): support/web_browser.h's Browser
// and a station on a fixed clock with a supervisor and a director, whose data a
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
#include "support/web_browser.h"
#include "web/station/app.h"

namespace tongdang::test::webops {

using test::Browser;
using test::header_of;
using test::location_of;

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// 2026-11-28 10:00 China time, the CLI tests' day.
inline std::int64_t webops_epoch_ms() { return midnight_cst_ms(Date(2026, 11, 28)) + 10LL * 3600 * 1000; }

inline constexpr const char* kSupervisorPassword = "督导员的密码123";
inline constexpr const char* kDirectorPassword = "主任的密码456";
inline constexpr const char* kVillage = "320324102203";

// 王集镇: supervisor 李芳, director 王强 (village 320324102203). `setup` is a second handle on the station's file
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
