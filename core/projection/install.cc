// Registers core's projections with the store (core/store/projection.h), once, when the program starts, in the
// order they are refreshed: the child file's rows (memberships, closing: applied per event), the workflow state,
// then the report rows, which are computed by the same rules and must follow the state they summarise.
//
// Every program that links core gets them: the link options of tongdang_core (CMakeLists.txt) keep this object in
// the link by naming tongdang_projections_installed, which nothing else refers to.
#include "core/projection/report_rows.h"
#include "core/projection/workflow_state.h"

extern "C" {
// The symbol the link options name (see above).
extern const int tongdang_projections_installed;
}

namespace tongdang {
namespace {

int install() {
  Projections& projections = Projections::installed();
  projections.add(child_file_projection());
  projections.add(workflow_projection());
  projections.add(report::report_projection());
  return static_cast<int>(projections.all().size());
}

}  // namespace
}  // namespace tongdang

extern "C" const int tongdang_projections_installed = tongdang::install();
