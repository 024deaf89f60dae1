// Bearer tokens: made with libsodium's CSPRNG, shown once, stored only as a hash. A token has 256 random bits, so
// a fast keyless hash (BLAKE2b) is the right tool: a slow password hash (Argon2) protects low-entropy secrets
// and would only slow every request down.
#pragma once

#include <string>
#include <string_view>

namespace tongdang::sync::tokens {

// A new token: "tdk_" followed by 64 hex digits.
std::string generate();
// The stored form of a token: 64 hex digits of BLAKE2b-256.
std::string hash(std::string_view token);

}  // namespace tongdang::sync::tokens
