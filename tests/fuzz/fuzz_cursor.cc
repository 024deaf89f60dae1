// Pull cursors and snapshot positions (sync/protocol.h) as the server decodes them from a query parameter: either
// refused, or a value that encodes to text decoding to the same value.
#include "fuzz_support.h"
#include "sync/protocol/protocol.h"

using namespace tongdang;
using fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  if (auto cursor = sync::Cursor::decode(text)) {
    auto again = sync::Cursor::decode(cursor->encode());
    require(again.is_ok(), "an encoded cursor does not decode");
    require(again->server_id == cursor->server_id && again->positions == cursor->positions,
            "a cursor does not survive encode and decode");
  }
  if (auto position = sync::SnapshotPosition::decode(text)) {
    auto again = sync::SnapshotPosition::decode(position->encode());
    require(again.is_ok(), "an encoded snapshot position does not decode");
    require(again->server_id == position->server_id && again->township == position->township &&
                again->seq == position->seq && again->after_child == position->after_child,
            "a snapshot position does not survive encode and decode");
  }
  return 0;
}
