#include "sync/protocol/tokens.h"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace tongdang::sync::tokens {
namespace {

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

}  // namespace

std::string generate() {
  ensure_sodium();
  std::array<unsigned char, 32> random{};
  randombytes_buf(random.data(), random.size());
  return "tdk_" + to_hex(random.data(), random.size());
}

std::string hash(std::string_view token) {
  ensure_sodium();
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return to_hex(digest.data(), digest.size());
}

}  // namespace tongdang::sync::tokens
