// Issuing bearer tokens (the server's side of sync/protocol/tokens.h): made with libsodium's CSPRNG, shown once by
// `tongdang-server station add` / `user add`, and stored only as tokens::hash of them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/status.h"
#include "sync/server/central_store.h"

namespace tongdang::sync::tokens {

// A new token: "tdk_" followed by 64 hex digits (256 random bits).
std::string generate();

// Whether `spec` may be issued in `county`: a writer's role (a viewer holds none), a township of the county where
// the role needs one (a station's; a director's or a supervisor's), a director's villages in it (access::
// check_villages). InvalidInput naming the field otherwise. The rule `station add`, `user add` and the console's
// /stations share.
Status check_new_token(const NewToken& spec, std::string_view county);

struct Issued {
  std::int64_t id = 0;
  std::string token;  // shown once; only its hash is stored
};
// Checks `spec`, makes a token and stores its hash (audited as token.add).
Result<Issued> issue(CentralStore& store, const NewToken& spec, std::string_view at);

}  // namespace tongdang::sync::tokens
