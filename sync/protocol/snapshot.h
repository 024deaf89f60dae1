// Township snapshots (docs/sync-protocol.md, "Snapshot"): a station that has never synced gets the current rows
// of its township — child files, relatives, events, field versions and, when both sides run the same county policy,
// the derived workflow rows (memberships, child state, visits, care measures, leads) — in a few large pages, instead of replaying the
// township's change log op by op through the projections. The rows are exactly those a station replaying the log
// would hold, so the station then goes on with ordinary pulls from the log position the snapshot was taken at.
//
// A page is a compact row stream, not JSON: parsing several MB of JSON rows cost more than loading them. Layout:
//   "TDSNAP1\n", varint n, n bytes of header JSON, then each table of header.tables in order, row by row, each
//   value a tag byte — 0 NULL, 1 integer (zigzag varint), 2 text (varint length + UTF-8 bytes), 3 the same value
//   as this column in the previous row, 4 real (8 bytes, little-endian IEEE 754).
// Header: {"township", "after", "upto" (the page's child id range (after, upto]), "done", "derived", "cursor" (pull
// cursor at the snapshot's start), "next" (position of the next page, "" when done), "schema_version", "policy",
// "children", "tables": [{"name", "columns": [...], "rows": n}]}.
//
// Pages are idempotent to load: a page is loaded in one transaction with the position of the next, so a page
// interrupted mid-way is fetched again and loaded once (keyed rows are upserted, keyless ones replaced by range).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/db/sqlite.h"

namespace tongdang::sync::snapshot {

// The rows of one page as the server reads them.
struct PageRows {
  nlohmann::json tables = nlohmann::json::array();  // [{name, columns, rows}]
  std::string payload;                              // the values of every table, in order (row stream)
  int children = 0;
  std::string last_child;                           // the page's last child id ("upto"); "" if none
  bool done = false;                                // the township's children are exhausted: township rows included
  std::int64_t rows = 0;
};

// Server side: the children of `township` with id > `after_child` (at most `limit`) and every row hanging off them;
// once that exhausts the township, the township-level rows too (leads, lead events, conflicts, duplicates).
// `derived`: include the derived tables (the station runs the same county policy). `db` holds the core schema and
// the server's field_registers.
PageRows read_rows(db::Database& db, std::string_view township, std::string_view after_child, int limit,
                   bool derived);

// A page's bytes: the magic, `header` with the tables' shape added, and the row stream.
std::string encode_page(nlohmann::json header, const PageRows& rows);

// A decoded page: the header and a view of the row stream inside the body (which must outlive it).
struct Page {
  nlohmann::json header;
  std::string_view payload;
};
Result<Page> decode_page(std::string_view body);

struct LoadStats {
  std::int64_t rows = 0;
  int children = 0;
};

// Station side: loads `page` into `db` inside the caller's transaction, which must hold a ProjectionBatch
// (core/store/projection.h; Station::write opens one) flushed before commit: the report rows of the page's children and leads are derived then. Every row must belong to `township` and to the page's
// child range; anything else refuses the whole page. `now_iso` stamps the profile rows' created_at/updated_at, as a
// pulled profile op would.
Result<LoadStats> load_page(db::Database& db, const Page& page, std::string_view township, std::string_view now_iso);

// A fingerprint of the county policy stored in `db`. Derived rows are copied only between databases with the same
// fingerprint (they are pure functions of the records and the policy); otherwise the station derives them itself.
std::string policy_fingerprint(db::Database& db);

}  // namespace tongdang::sync::snapshot
