// How people refer to a record on the command line: the whole UUID, or a short piece of it. Ids are time-ordered
// (ids.h), so records made in the same millisecond share their first characters; the short form shown in lists is
// therefore the LAST 8 characters (random), and a reference matches a unique prefix or a unique suffix.
#pragma once

#include <string>
#include <string_view>

#include "core/base/status.h"
#include "core/db/sqlite.h"

namespace tongdang {

// The short id shown in lists and tables: the last 8 characters of the UUID.
std::string short_record_id(std::string_view id);

// Finds the id in `table` (a table of ours, column `id`) that `ref` names: the whole id, or a unique prefix or
// suffix of at least 4 characters. `field` names the input in errors; `what_zh`/`what_en` name the record.
Result<std::string> resolve_record_ref(db::Database& db, std::string_view table, std::string_view ref,
                                       std::string_view field, const char* what_zh, const char* what_en);

}  // namespace tongdang
