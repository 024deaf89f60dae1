#include "core/base/ids.h"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace tongdang {

std::string new_record_id(std::int64_t now_ms) {
  // A Mersenne Twister whose whole state is seeded once per thread from the system's random source (Boost's
  // random_provider), not the system source itself: that costs a getrandom() system call per id, about a tenth of
  // a ledger import. Boost's generators are not thread-safe: one per thread.
  thread_local boost::uuids::random_generator_mt19937 generator;
  boost::uuids::uuid id = generator();
  auto ms = static_cast<std::uint64_t>(now_ms);
  for (int i = 0; i < 6; ++i) id.data[i] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  id.data[6] = static_cast<std::uint8_t>((id.data[6] & 0x0F) | 0x70);  // version 7
  id.data[8] = static_cast<std::uint8_t>((id.data[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return boost::uuids::to_string(id);
}

bool looks_like_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace tongdang
