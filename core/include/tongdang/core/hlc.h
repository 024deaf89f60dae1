// Hybrid logical clock (Kulkarni et al.): a timestamp that follows wall time when clocks agree and still orders
// causally related changes when they do not. Stations stamp every change with one; the server orders merges by
// it (never by raw wall clocks) and re-stamps stamps too far ahead of its own clock.
//
// Text form (as stored and sent on the wire, since 64-bit numbers are not safe in JSON):
//   "PPPPPPPPPPPPPPP-CCCCC"  15 zero-padded digits of physical milliseconds, '-', 5 digits of logical counter.
// The text sorts in the same order as the value, so SQL can ORDER BY it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tongdang {

struct Hlc {
  std::int64_t physical_ms = 0;
  std::uint32_t logical = 0;

  std::string to_string() const;
  static std::optional<Hlc> parse(std::string_view text);

  friend auto operator<=>(const Hlc&, const Hlc&) = default;
};

// The stamp for a local event: after `last`, and at least `now_ms`.
Hlc hlc_tick(Hlc last, std::int64_t now_ms);
// The clock after receiving `remote`: after both `last` and `remote`, and at least `now_ms`.
Hlc hlc_receive(Hlc last, Hlc remote, std::int64_t now_ms);

}  // namespace tongdang
