#include "sync/server/token_issue.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace tongdang::sync::tokens {

std::string generate() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  std::string hex(random.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  hex.pop_back();
  return "tdk_" + hex;
}

}  // namespace tongdang::sync::tokens
