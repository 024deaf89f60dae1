// Issuing bearer tokens (the server's side of sync/protocol/tokens.h): made with libsodium's CSPRNG, shown once by
// `tongdang-server station add` / `user add`, and stored only as tokens::hash of them.
#pragma once

#include <string>

namespace tongdang::sync::tokens {

// A new token: "tdk_" followed by 64 hex digits (256 random bits).
std::string generate();

}  // namespace tongdang::sync::tokens
