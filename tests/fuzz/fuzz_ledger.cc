// A ledger CSV (core/ledger.h) as `tongdang ledger import --dry-run` checks it, in a real station: every row
// through the rules of `child add`; a dry run writes nothing, so every input meets the same station.
#include "core/ledger/ledger.h"
#include "fuzz_support.h"

using namespace tongdang;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::fuzz_station();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ImportOptions options;
  options.dry_run = true;
  auto report = import_ledger(fuzz::fuzz_station(), fuzz::text_of(data, size), options);
  if (report) {
    fuzz::require(!report->written, "a dry run wrote the ledger");
    (void)report->to_json().dump();
  }
  return 0;
}
