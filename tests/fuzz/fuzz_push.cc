// A push body as the server decodes it: POST /v1/sync/push from a station whose token is bound, into a real
// SQLite central store, so a well-formed change reaches the merge rules (server_merge.cc) and the store.
#include "fuzz_support.h"
#include "sync/protocol/protocol.h"

using namespace tongdang;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::FuzzCounty::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::check_answer(fuzz::FuzzCounty::get().send("POST", sync::kPushPath, std::string(fuzz::text_of(data, size))));
  return 0;
}
