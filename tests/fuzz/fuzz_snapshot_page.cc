// A snapshot page as a station decodes and loads it (sync/snapshot.h): what a hostile or broken server may send a
// new station. Each page is loaded in a station transaction that is then rolled back, so every input meets the
// same empty station.
#include <exception>

#include "core/store/projection.h"
#include "fuzz_support.h"
#include "sync/protocol/snapshot.h"

using namespace tongdang;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::fuzz_station();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto page = sync::snapshot::decode_page(fuzz::text_of(data, size));
  if (!page) return 0;
  Station& station = fuzz::fuzz_station();
  try {
    (void)station.write([&](WriteContext& w) {
      auto loaded = sync::snapshot::load_page(w.db(), page.value(), station.township(), w.now_iso());
      if (loaded) (void)refresh_now(w.db());  // the derived rows of what loaded, before the rollback
      return Status::invalid("fuzz", "rolled back");  // every input meets the same station
    });
  } catch (const std::exception&) {
    // A page of the wrong shape may throw (a member of the wrong type): the sync fails with the message at the
    // CLI's boundary, as here; the transaction is rolled back. Crashes and sanitizer reports are what we look for.
  }
  return 0;
}
