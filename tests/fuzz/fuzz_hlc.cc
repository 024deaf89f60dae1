// HLC strings (core/hlc.h, finding 8). The input is up to three parts separated by '|': a stamp, a remote stamp,
// and a wall clock in milliseconds. Parsing is total and canonical; whatever tick and receive make of parsed stamps
// and any wall clock round-trips through its text, moves forward, and sorts as text the way it sorts as a value.
#include <charconv>
#include <string>

#include "core/base/hlc.h"
#include "fuzz_support.h"

using namespace tongdang;
using fuzz::require;

namespace {

void check_stamp(const Hlc& hlc) {
  const std::string text = hlc.to_string();
  require(text.size() == 21, "a produced stamp is not 21 characters");
  auto back = Hlc::parse(text);
  require(back.has_value() && *back == hlc, "a produced stamp does not parse back to itself");
}

void check_order(const Hlc& a, const Hlc& b) {
  require((a < b) == (a.to_string() < b.to_string()), "text order differs from value order");
  require((a == b) == (a.to_string() == b.to_string()), "text equality differs from value equality");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::text_of(data, size);
  // Every input string, whole: either one stamp that prints back to exactly this text, or refused.
  if (auto whole = Hlc::parse(input)) require(whole->to_string() == input, "parse accepted a non-canonical text");

  const std::size_t first = input.find('|');
  const std::size_t second = first == std::string_view::npos ? first : input.find('|', first + 1);
  const auto last = Hlc::parse(input.substr(0, first));
  const auto remote =
      first == std::string_view::npos ? std::nullopt : Hlc::parse(input.substr(first + 1, second - first - 1));
  std::int64_t now_ms = 0;
  if (second != std::string_view::npos) {
    std::string_view now_text = input.substr(second + 1);
    (void)std::from_chars(now_text.data(), now_text.data() + now_text.size(), now_ms);
  }
  const Hlc ceiling{Hlc::kMaxPhysicalMs, Hlc::kMaxLogical};
  if (last) {
    check_stamp(*last);
    const Hlc ticked = hlc_tick(*last, now_ms);
    check_stamp(ticked);
    check_order(*last, ticked);
    require(ticked > *last || *last == ceiling, "tick did not move the clock forward");
  }
  if (last && remote) {
    check_stamp(*remote);
    check_order(*last, *remote);
    const Hlc received = hlc_receive(*last, *remote, now_ms);
    check_stamp(received);
    require(received > *last || *last == ceiling, "receive did not move past the local clock");
    require(received > *remote || *remote == ceiling, "receive did not move past the remote stamp");
  }
  return 0;
}
