// The station's side of a township snapshot (sync/protocol/snapshot.h): loading one decoded page into the station
// database, refusing the whole page if any row lies outside the station's township or the page's child range.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/base/status.h"
#include "core/db/sqlite.h"
#include "sync/protocol/snapshot.h"

namespace tongdang::sync::snapshot {

struct LoadStats {
  std::int64_t rows = 0;
  int children = 0;
};

// Loads `page` into `db` inside the caller's transaction, which must hold a ProjectionBatch (core/store/projection.h;
// Station::write opens one) flushed before commit: the report rows of the page's children and leads are derived then. Every row must belong to `township` and to the
// page's child range; anything else refuses the whole page. `now_iso` stamps the profile rows'
// created_at/updated_at, as a pulled profile op would.
Result<LoadStats> load_page(db::Database& db, const Page& page, std::string_view township, std::string_view now_iso);

}  // namespace tongdang::sync::snapshot
