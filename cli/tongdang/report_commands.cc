// The report commands. Filled in by the report area.
#include "context.h"

namespace tongdang::cli {

void register_report_commands(CLI::App& /*app*/, Context& /*context*/) {}

}  // namespace tongdang::cli
