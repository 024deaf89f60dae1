// The sync commands. Filled in by the sync area.
#include "context.h"

namespace tongdang::cli {

void register_sync_commands(CLI::App& /*app*/, Context& /*context*/) {}

}  // namespace tongdang::cli
