// Hybrid logical clock (Kulkarni et al.): a timestamp that follows wall time when clocks agree and still orders
// causally related changes when they do not. Stations stamp every change with one; the server orders merges by
// it (never by raw wall clocks) and re-stamps stamps too far ahead of its own clock.
//
// Text form (as stored and sent on the wire, since 64-bit numbers are not safe in JSON):
//   "PPPPPPPPPPPPPPP-CCCCC"  15 zero-padded digits of physical milliseconds, '-', 5 digits of logical counter.
// The text sorts in the same order as the value, so SQL can ORDER BY it.
//
// Invariants (docs/security.md, finding 8: a counter of 99999 once produced a stamp that did not parse, and the
// server's clock fell back to zero):
//   - Hlc::parse accepts exactly that form — no sign, no spaces, no more or fewer digits — and nothing else, so
//     a parsed stamp lies in [0, kMaxPhysicalMs] x [0, kMaxLogical].
//   - hlc_tick and hlc_receive return only stamps in that range, whatever their arguments: the text of every stamp
//     they produce parses back to the same stamp, and text order equals value order.
//   - A counter that would pass kMaxLogical advances physical_ms by one (counter 0) instead. At the last stamp
//     of the range (kMaxPhysicalMs, kMaxLogical), about the year 33658, the clock stays there: it never goes back
//     and never leaves the format. (A station's stamp far ahead of the server is re-stamped by the server, so a
//     hostile station cannot drive the server's clock there.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tongdang {

struct Hlc {
  // The largest values the text form holds: 15 and 5 digits.
  static constexpr std::int64_t kMaxPhysicalMs = 999'999'999'999'999;
  static constexpr std::uint32_t kMaxLogical = 99'999;

  std::int64_t physical_ms = 0;
  std::uint32_t logical = 0;

  // The text form; a value outside the range (only a hand-built Hlc can be) is first clamped into it.
  std::string to_string() const;
  // The stamp `text` spells, or nothing if it is not exactly "15 digits '-' 5 digits".
  static std::optional<Hlc> parse(std::string_view text);

  friend auto operator<=>(const Hlc&, const Hlc&) = default;
};

// The stamp for a local event: after `last` (unless `last` is the last stamp of the range), and at least `now_ms`
// (clamped into the range).
Hlc hlc_tick(Hlc last, std::int64_t now_ms);
// The clock after receiving `remote`: after both `last` and `remote` (same exception), and at least `now_ms`.
Hlc hlc_receive(Hlc last, Hlc remote, std::int64_t now_ms);

}  // namespace tongdang
