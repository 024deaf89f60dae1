// Migration 7: indexes the station's pages need to stay fast on a large station (docs/design.md "The web pages").
#include <string_view>

namespace tongdang::schema {

extern const std::string_view kPagesSchema;
const std::string_view kPagesSchema = R"sql(
-- A child's change history on its file page (core/workflow/child_file.h): the audit rows of one record, found by
-- record instead of by reading the whole trail (a 10,000-child station holds hundreds of thousands of rows).
CREATE INDEX audit_record ON audit(entity, entity_id);
)sql";

}  // namespace tongdang::schema
