// Projections of the 3+4+N workflow events (see projections.h). Filled in by the workflow area.
#include "projections.h"

namespace tongdang::projections {

void workflow(db::Database& /*db*/, const Event& /*event*/) {}

}  // namespace tongdang::projections
