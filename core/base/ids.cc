#include "core/base/ids.h"

#include <boost/uuid/name_generator_sha1.hpp>
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

std::string name_based_record_id(std::string_view name) {
  // tongdang's namespace for name-based ids: a fixed random UUID, never to change (it would change every such id).
  static const boost::uuids::uuid kNamespace = {{0x6f, 0x2c, 0x1e, 0x5a, 0x93, 0x4b, 0x4d, 0x27,
                                                 0xa8, 0x61, 0x0c, 0x7e, 0x3f, 0xd5, 0x92, 0x14}};
  boost::uuids::name_generator_sha1 generator(kNamespace);
  return boost::uuids::to_string(generator(name.data(), name.size()));
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
