#include "core/base/hlc.h"

#include <algorithm>
#include <fmt/format.h>

namespace tongdang {

namespace {

constexpr std::size_t kPhysicalDigits = 15;
constexpr std::size_t kLogicalDigits = 5;

// The value of `text` if it is all ASCII digits (std::from_chars would also take a sign for signed types).
template <typename T>
std::optional<T> digits(std::string_view text) {
  T value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<T>(c - '0');
  }
  return value;
}

Hlc clamped(Hlc hlc) {
  return {std::clamp<std::int64_t>(hlc.physical_ms, 0, Hlc::kMaxPhysicalMs), std::min(hlc.logical, Hlc::kMaxLogical)};
}

std::int64_t clamped_ms(std::int64_t ms) { return std::clamp<std::int64_t>(ms, 0, Hlc::kMaxPhysicalMs); }

// The next stamp after `at`: the counter, or the next millisecond once the counter is full; the last stamp of the
// range stays where it is.
Hlc successor(Hlc at) {
  if (at.logical < Hlc::kMaxLogical) return {at.physical_ms, at.logical + 1};
  if (at.physical_ms < Hlc::kMaxPhysicalMs) return {at.physical_ms + 1, 0};
  return at;
}

}  // namespace

std::string Hlc::to_string() const {
  const Hlc in_range = clamped(*this);
  return fmt::format("{:015}-{:05}", in_range.physical_ms, in_range.logical);
}

std::optional<Hlc> Hlc::parse(std::string_view text) {
  if (text.size() != kPhysicalDigits + 1 + kLogicalDigits || text[kPhysicalDigits] != '-') return std::nullopt;
  auto physical = digits<std::int64_t>(text.substr(0, kPhysicalDigits));
  auto logical = digits<std::uint32_t>(text.substr(kPhysicalDigits + 1));
  if (!physical || !logical) return std::nullopt;
  return Hlc{*physical, *logical};
}

Hlc hlc_tick(Hlc last, std::int64_t now_ms) {
  last = clamped(last);
  const std::int64_t now = clamped_ms(now_ms);
  if (now > last.physical_ms) return {now, 0};
  return successor(last);
}

Hlc hlc_receive(Hlc last, Hlc remote, std::int64_t now_ms) {
  last = clamped(last);
  remote = clamped(remote);
  const std::int64_t physical = std::max({last.physical_ms, remote.physical_ms, clamped_ms(now_ms)});
  if (physical == last.physical_ms && physical == remote.physical_ms)
    return successor({physical, std::max(last.logical, remote.logical)});
  if (physical == last.physical_ms) return successor(last);
  if (physical == remote.physical_ms) return successor(remote);
  return {physical, 0};
}

}  // namespace tongdang
