// A hello body as the server decodes it (POST /v1/sync/hello): protocol, station, township and the station's
// clock, which the server's own clock receives.
#include "core/base/hlc.h"
#include "core/base/untrusted_json.h"
#include "fuzz_support.h"
#include "sync/protocol/protocol.h"

using namespace tongdang;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::FuzzCounty::get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Hlc last_server_hlc;
  auto response = fuzz::FuzzCounty::get().send("POST", sync::kHelloPath, std::string(fuzz::text_of(data, size)));
  fuzz::check_answer(response);
  if (response.status != 200) return 0;
  // Whatever stamp a station claims, the server's clock answers a stamp and never goes back (finding 8).
  auto answer = parse_untrusted_json(response.body, "answer");
  fuzz::require(answer.is_ok() && answer->contains("server_hlc"), "a hello answer without server_hlc");
  auto server_hlc = Hlc::parse(answer->value("server_hlc", ""));
  fuzz::require(server_hlc.has_value(), "the server's clock is not a stamp");
  fuzz::require(*server_hlc > last_server_hlc, "the server's clock went backwards");
  last_server_hlc = *server_hlc;
  return 0;
}
