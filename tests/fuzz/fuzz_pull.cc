// A pull request as the server decodes it (GET /v1/sync/pull?cursor=…&limit=…): the input is the query string.
#include "fuzz_support.h"
#include "sync/protocol/protocol.h"

using namespace tongdang;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::FuzzCounty::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto& county = fuzz::FuzzCounty::get();
  fuzz::check_answer(county.send("GET", sync::kPullPath, "", county.own_server(fuzz::query_of(fuzz::text_of(data, size)))));
  return 0;
}
