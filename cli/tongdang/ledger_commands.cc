// The ledger commands. Filled in by the ledger area.
#include "context.h"

namespace tongdang::cli {

void register_ledger_commands(CLI::App& /*app*/, Context& /*context*/) {}

}  // namespace tongdang::cli
