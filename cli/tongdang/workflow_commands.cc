// The 3+4+N workflow commands (lead, screen, assess, colour, visit, due, care, policy). Filled in by the
// workflow area.
#include "context.h"

namespace tongdang::cli {

void Context::after_init() {}

void register_workflow_commands(CLI::App& /*app*/, Context& /*context*/) {}

}  // namespace tongdang::cli
