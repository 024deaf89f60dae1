// Migration for the report area (see schema.cc for the order).
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kReportSchema;
const std::string_view kReportSchema = R"sql(
SELECT 1;
)sql";

}  // namespace tongdang::schema
