// Bearer tokens as both ends know them: "tdk_" followed by 64 hex digits, stored only as a hash. A token has 256
// random bits, so a fast keyless hash (BLAKE2b) is the right tool: a slow password hash (Argon2) protects
// low-entropy secrets and would only slow every request down. Tokens are made by the server alone
// (sync/server/token_issue.h).
#pragma once

#include <string>
#include <string_view>

namespace tongdang::sync::tokens {

// The stored form of a token: 64 hex digits of BLAKE2b-256.
std::string hash(std::string_view token);

}  // namespace tongdang::sync::tokens
