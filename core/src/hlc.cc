#include "tongdang/core/hlc.h"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace tongdang {

std::string Hlc::to_string() const { return fmt::format("{:015}-{:05}", physical_ms, logical); }

std::optional<Hlc> Hlc::parse(std::string_view text) {
  if (text.size() != 21 || text[15] != '-') return std::nullopt;
  Hlc hlc;
  auto [p1, e1] = std::from_chars(text.data(), text.data() + 15, hlc.physical_ms);
  auto [p2, e2] = std::from_chars(text.data() + 16, text.data() + 21, hlc.logical);
  if (e1 != std::errc() || e2 != std::errc() || p1 != text.data() + 15 || p2 != text.data() + 21) return std::nullopt;
  return hlc;
}

Hlc hlc_tick(Hlc last, std::int64_t now_ms) {
  if (now_ms > last.physical_ms) return {now_ms, 0};
  return {last.physical_ms, last.logical + 1};
}

Hlc hlc_receive(Hlc last, Hlc remote, std::int64_t now_ms) {
  std::int64_t physical = std::max({last.physical_ms, remote.physical_ms, now_ms});
  std::uint32_t logical = 0;
  if (physical == last.physical_ms && physical == remote.physical_ms) {
    logical = std::max(last.logical, remote.logical) + 1;
  } else if (physical == last.physical_ms) {
    logical = last.logical + 1;
  } else if (physical == remote.physical_ms) {
    logical = remote.logical + 1;
  }
  return {physical, logical};
}

}  // namespace tongdang
