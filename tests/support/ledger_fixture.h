// What the ledger tests share (tests/core/ledger_*_test.cc, tests/cli/cli_ledger_test.cc): valid ID numbers, text as
// Chinese Windows Excel saves "CSV", and a township station of 王集镇 on a fixed day with its supervisor signed in.
#pragma once

#include <iconv.h>

#include <memory>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "core/base/date.h"
#include "core/model/id_number.h"
#include "core/store/station.h"
#include "support/cli_harness.h"

namespace tongdang::test {

// The ledger tests' day.
inline const Date kLedgerDay(2026, 11, 28);

// A valid ID number: county, date of birth, three sequence digits (odd last digit = male), check character.
inline std::string id_for(std::string_view county, Date birth, int sequence) {
  std::string first17 = std::string(county) + birth.to_string().substr(0, 4) + birth.to_string().substr(5, 2) +
                        birth.to_string().substr(8, 2) + fmt::format("{:03d}", sequence);
  return first17 + id_number_check_character(first17);
}

// UTF-8 text as a Chinese Windows Excel or WPS saves "CSV": GB18030 (GBK for these characters).
inline std::string as_gb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 4, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size(), out_left = out.size();
  char* to = out.data();
  REQUIRE(iconv(cd, &in, &in_left, &to, &out_left) != static_cast<std::size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

// 王集镇's station at 10:00 on the ledger tests' day, acting as its supervisor 李芳.
struct LedgerStation {
  ScratchDir dir;
  ManualClock clock{midnight_cst_ms(kLedgerDay) + 10LL * 3600 * 1000};
  std::unique_ptr<Station> station;

  LedgerStation() {
    auto created =
        Station::create(dir.file("station.db"), {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}}, clock);
    REQUIRE(created);
    station = std::move(created).value();
  }

  std::int64_t count(const std::string& sql) {
    auto query = station->db().prepare(sql);
    REQUIRE(query.step());
    return query.get_int(0);
  }
  std::string text(const std::string& sql) {
    auto query = station->db().prepare(sql);
    REQUIRE(query.step());
    return query.get_text(0);
  }
};

}  // namespace tongdang::test
