#include "sync/server/sqlite/snapshot_rows.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "sync/protocol/snapshot_format.h"

namespace tongdang::sync::snapshot {

namespace {

// Appends every row of `query` to `out.payload`; returns the number of rows. A value equal to the previous row's in
// the same column is written as one byte (township, village, dates, kinds repeat down a table).
std::int64_t append_rows(db::Statement& query, PageRows& out) {
  const int count = query.column_count();
  std::vector<int> last_type(static_cast<std::size_t>(count), -1);
  std::vector<std::string> last_text(static_cast<std::size_t>(count));
  std::vector<std::int64_t> last_int(static_cast<std::size_t>(count), 0);
  std::int64_t rows = 0;
  std::string& p = out.payload;
  while (query.step()) {
    ++rows;
    for (int c = 0; c < count; ++c) {
      const auto i = static_cast<std::size_t>(c);
      const int type = query.column_type(c);
      switch (type) {
        case SQLITE_NULL:
          p.push_back(static_cast<char>(last_type[i] == SQLITE_NULL ? kSame : kNull));
          break;
        case SQLITE_INTEGER: {
          std::int64_t value = query.get_int(c);
          if (last_type[i] == SQLITE_INTEGER && last_int[i] == value) {
            p.push_back(static_cast<char>(kSame));
          } else {
            p.push_back(static_cast<char>(kInteger));
            put_varint(p, zigzag(value));
            last_int[i] = value;
          }
          break;
        }
        case SQLITE_FLOAT: {
          double value = query.get_double(c);
          char bytes[8];
          std::memcpy(bytes, &value, 8);
          p.push_back(static_cast<char>(kReal));
          p.append(bytes, 8);
          break;
        }
        default: {  // text (no table sent holds blobs)
          std::string_view value = query.get_text_view(c);
          if (last_type[i] == SQLITE_TEXT && last_text[i] == value) {
            p.push_back(static_cast<char>(kSame));
          } else {
            p.push_back(static_cast<char>(kText));
            put_varint(p, value.size());
            p.append(value);
            last_text[i].assign(value);
          }
          break;
        }
      }
      last_type[i] = type == SQLITE_BLOB ? SQLITE_TEXT : type;
    }
  }
  return rows;
}

// Which children a page is made of (`c` the children table, ?1 the township): the township's own, and with
// `merged_files` the files merged into them from other townships (an OR only then: it costs the township index's
// id range, so only a township that holds such a merge pays for it).
std::string page_members(bool merged_files) {
  return merged_files ? fmt::format("c.township = ?1 OR c.id IN ({})", kStandingMergesIntoTownship)
                      : std::string("c.township = ?1");
}

// The SELECT of one table's rows for a page (?1 township; ?2, ?3 the child id range (after, upto]; `members`,
// page_members). The page's
// children drive every join (CROSS JOIN fixes SQLite's join order): each table is then read through its child_id
// index for just those children, whatever the size of the county. `+c.id` keeps SQLite from carrying the id range
// over to the joined table's key, which turned each lookup into a range scan (quadratic in the page).
std::string select_sql(const TableSpec& spec, const std::vector<std::string>& columns, const std::string& members) {
  const std::string range = "(" + members + ") AND c.id > ?2 AND c.id <= ?3";
  if (spec.scope == Scope::Child) {
    if (spec.name == "children")
      return fmt::format("SELECT {} FROM children c WHERE {} ORDER BY c.id", join_columns(columns, "c."), range);
    if (spec.name == "field_versions")
      // The station's field_versions are the server's register versions (what a pulled op would have carried).
      return fmt::format(
          "SELECT r.entity, r.entity_id, r.field, r.version FROM children c CROSS JOIN field_registers r"
          " ON r.entity = 'child' AND r.entity_id = +c.id WHERE {0}"
          " UNION ALL SELECT r.entity, r.entity_id, r.field, r.version FROM children c"
          " CROSS JOIN relatives rel ON rel.child_id = +c.id CROSS JOIN field_registers r ON r.entity = 'relative'"
          " AND r.entity_id = +rel.id WHERE {0}",
          range);
    return fmt::format("SELECT {} FROM children c CROSS JOIN {} t ON t.child_id = +c.id WHERE {} ORDER BY c.id",
                       join_columns(columns, "t."), spec.name, range);
  }
  if (spec.name == "events")
    // The township's lead events, and the merge events of other townships' files merged into its own: the old id
    // of such a file finds the survivor only through them (its other rows stay in its own township).
    return fmt::format("SELECT {0} FROM events WHERE child_id IS NULL AND township = ?1 UNION ALL SELECT {0} FROM"
                       " ({1}) ORDER BY id",
                       join_columns(columns, ""), kMergesFromOtherTownships);
  if (spec.name == "duplicate_candidates")
    return fmt::format(
        "SELECT {} FROM duplicate_candidates d WHERE EXISTS (SELECT 1 FROM json_each(d.body, '$.files') f"
        " WHERE json_extract(f.value, '$.township') = ?1) ORDER BY d.id",
        join_columns(columns, "d."));
  return fmt::format("SELECT {} FROM {} WHERE township = ?1", join_columns(columns, ""), spec.name);
}

}  // namespace

PageRows read_rows(db::Database& db, std::string_view township, std::string_view after_child, int limit,
                   bool derived, bool merged_files) {
  PageRows out;
  const std::string members = page_members(merged_files);
  {
    auto ids = db.cached(fmt::format("SELECT c.id FROM children c WHERE ({}) AND c.id > ?2 ORDER BY c.id LIMIT ?3",
                                     members));
    ids->bind(1, township).bind(2, after_child).bind(3, limit + 1);
    int seen = 0;
    while (ids->step()) {
      if (++seen > limit) break;
      out.last_child = ids->get_text(0);
    }
    out.children = std::min(seen, limit);
    out.done = seen <= limit;
  }
  const std::string upto = out.last_child.empty() ? std::string(after_child) : out.last_child;
  for (const auto& spec : kTables) {
    if (spec.derived && !derived) continue;
    if (spec.scope == Scope::Township && !out.done) continue;
    if (spec.scope == Scope::Child && out.children == 0) continue;
    std::vector<std::string> columns;
    if (spec.name == "field_versions") columns = {"entity", "entity_id", "field", "version"};
    else
      for (const auto& column : columns_of(db, spec.name)) columns.push_back(column.name);
    auto query = db.cached(select_sql(spec, columns, members));
    query->bind(1, township);
    if (spec.scope == Scope::Child) query->bind(2, after_child).bind(3, upto);
    std::int64_t rows = append_rows(*query, out);
    out.rows += rows;
    out.tables.push_back({{"name", spec.name}, {"scope", scope_name(spec.scope)}, {"columns", columns}, {"rows", rows}});
  }
  return out;
}

}  // namespace tongdang::sync::snapshot
