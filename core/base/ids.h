// Record ids: UUIDs made on the device (Boost.Uuid), time-ordered like UUIDv7 (48 bits of milliseconds, then
// random bits) so that bulk inserts keep SQLite's index pages local (random v4 keys are 3–9× slower at a million
// rows). Text form: the usual 36-character lower-case UUID.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tongdang {

// A new id for a record made at `now_ms`. Thread-safe (one generator per thread).
std::string new_record_id(std::int64_t now_ms);

// The id of a fact that several devices may record independently and must record once (a file closing itself when
// its last category ends): a name-based UUID (version 5, SHA-1, in tongdang's own namespace) of `name`, so every
// station that notices the fact gives it the same id and the server's idempotent push keeps the first.
std::string name_based_record_id(std::string_view name);

// True for a 36-character UUID text.
bool looks_like_uuid(std::string_view text);

}  // namespace tongdang
