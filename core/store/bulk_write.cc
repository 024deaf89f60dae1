// BulkWrite (bulk_write.h): the workflow projection's deferral and the report's, in the order they depend.
#include "core/store/bulk_write.h"

#include "core/projection/projections.h"

namespace tongdang {

BulkWrite::BulkWrite(db::Database& db)
    : db_(db), report_rows_(db), workflow_(std::make_unique<projections::DeferredWorkflow>()) {}

BulkWrite::~BulkWrite() = default;

void BulkWrite::flush() {
  workflow_->flush(db_);  // child_state & co.; their report hooks only note the children
  report_rows_.flush();   // then each child's report rows, from the state just written
}

}  // namespace tongdang
