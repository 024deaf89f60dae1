// Migration for the sync area (see schema.cc for the order).
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kSyncSchema;
const std::string_view kSyncSchema = R"sql(
SELECT 1;
)sql";

}  // namespace tongdang::schema
