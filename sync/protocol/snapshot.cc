#include "sync/protocol/snapshot.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/base/untrusted_json.h"
#include "core/model/policy.h"
#include "core/store/events.h"
#include "core/store/projection.h"
#include "sync/protocol/tokens.h"

namespace tongdang::sync::snapshot {

using i18n::trf;
using nlohmann::json;

namespace {

constexpr std::string_view kMagic = "TDSNAP1\n";

enum Tag : unsigned char { kNull = 0, kInteger = 1, kText = 2, kSame = 3, kReal = 4 };

// Which rows a table contributes: those of the page's children, or the township's own (sent with the last page).
enum class Scope { Child, Township };

struct TableSpec {
  std::string_view name;
  Scope scope;
  bool derived;  // a projection of the other rows: copied only under the same policy, else derived on the station
};

// Every table a station holds for its township, in the order they are loaded (a row's foreign-key parent first).
// The report rows and the per-township tallies maintained from them (report.h) are not copied: the station's own
// report projection derives them for each loaded child and lead when the write's batch flushes (projection.h),
// because the tallies encode counters by ids that each database assigns in its own order.
// Station-local tables (users, audit, outbox, sync_shadow, rejected_changes, meta) are never sent. A new table of
// child or township data must be added here: the snapshot tests compare every table of a bootstrapped station with
// one that replayed the log.
constexpr TableSpec kTables[] = {
    {"children", Scope::Child, false},
    {"relatives", Scope::Child, false},
    {"events", Scope::Child, false},
    {"field_versions", Scope::Child, false},  // from the server's field_registers
    {"memberships", Scope::Child, true},
    {"child_state", Scope::Child, true},
    {"colour_reviews", Scope::Child, true},
    {"visits", Scope::Child, true},
    {"care_measures", Scope::Child, true},
    {"events", Scope::Township, false},  // lead events not (yet) tied to a child
    {"leads", Scope::Township, true},
    {"conflicts", Scope::Township, false},
    {"duplicate_candidates", Scope::Township, false},
};

std::string_view scope_name(Scope scope) { return scope == Scope::Child ? "child" : "township"; }

const TableSpec* find_spec(std::string_view name, std::string_view scope) {
  for (const auto& spec : kTables)
    if (spec.name == name && scope_name(spec.scope) == scope) return &spec;
  return nullptr;
}

struct Column {
  std::string name;
  bool key = false;  // part of the primary key
};

std::vector<Column> columns_of(db::Database& db, std::string_view table) {
  auto query = db.cached("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid");
  query->bind(1, table);
  std::vector<Column> out;
  while (query->step()) out.push_back({query->get_text(0), query->get_int(1) > 0});
  return out;
}

// ---- the row stream ----

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

std::uint64_t zigzag(std::int64_t value) {
  return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

std::int64_t unzigzag(std::uint64_t value) {
  return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
}

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

struct Value {
  Tag tag = kNull;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view text;
};

class RowStream {
 public:
  explicit RowStream(std::string_view data) : at_(data.data()), end_(data.data() + data.size()) {}

  // Reads one value of a column whose previous value is `last`; false if the stream is malformed.
  bool read(Value& last) {
    if (at_ >= end_) return false;
    auto tag = static_cast<Tag>(static_cast<unsigned char>(*at_++));
    switch (tag) {
      case kSame: return last.tag != kSame;  // `last` stays as it is (its initial tag is kSame: no previous row)
      case kNull: last = Value{kNull, 0, 0, {}}; return true;
      case kInteger: {
        std::uint64_t raw = 0;
        if (!varint(raw)) return false;
        last = Value{kInteger, unzigzag(raw), 0, {}};
        return true;
      }
      case kReal: {
        if (end_ - at_ < 8) return false;
        double value = 0;
        std::memcpy(&value, at_, 8);
        at_ += 8;
        last = Value{kReal, 0, value, {}};
        return true;
      }
      case kText: {
        std::uint64_t size = 0;
        if (!varint(size) || size > static_cast<std::uint64_t>(end_ - at_)) return false;
        last = Value{kText, 0, 0, std::string_view(at_, static_cast<std::size_t>(size))};
        at_ += size;
        return true;
      }
    }
    return false;
  }

  bool at_end() const { return at_ == end_; }

 private:
  bool varint(std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && at_ < end_; shift += 7) {
      auto byte = static_cast<unsigned char>(*at_++);
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;
  }

  const char* at_;
  const char* end_;
};

std::string join_columns(const std::vector<std::string>& columns, std::string_view prefix) {
  std::string out;
  for (const auto& c : columns) out.append(out.empty() ? "" : ", ").append(prefix).append(c);
  return out;
}

// The SELECT of one table's rows for a page (?1 township; ?2, ?3 the child id range (after, upto]). The page's
// children drive every join (CROSS JOIN fixes SQLite's join order): each table is then read through its child_id
// index for just those children, whatever the size of the county. `+c.id` keeps SQLite from carrying the id range
// over to the joined table's key, which turned each lookup into a range scan (quadratic in the page).
std::string select_sql(const TableSpec& spec, const std::vector<std::string>& columns) {
  const std::string range = "c.township = ?1 AND c.id > ?2 AND c.id <= ?3";
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
    return fmt::format("SELECT {} FROM events WHERE child_id IS NULL AND township = ?1 ORDER BY id",
                       join_columns(columns, ""));
  if (spec.name == "duplicate_candidates")
    return fmt::format(
        "SELECT {} FROM duplicate_candidates d WHERE EXISTS (SELECT 1 FROM json_each(d.body, '$.files') f"
        " WHERE json_extract(f.value, '$.township') = ?1) ORDER BY d.id",
        join_columns(columns, "d."));
  return fmt::format("SELECT {} FROM {} WHERE township = ?1", join_columns(columns, ""), spec.name);
}

}  // namespace

PageRows read_rows(db::Database& db, std::string_view township, std::string_view after_child, int limit,
                   bool derived) {
  PageRows out;
  {
    auto ids = db.cached("SELECT id FROM children WHERE township = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
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
    auto query = db.cached(select_sql(spec, columns));
    query->bind(1, township);
    if (spec.scope == Scope::Child) query->bind(2, after_child).bind(3, upto);
    std::int64_t rows = append_rows(*query, out);
    out.rows += rows;
    out.tables.push_back({{"name", spec.name}, {"scope", scope_name(spec.scope)}, {"columns", columns}, {"rows", rows}});
  }
  return out;
}

std::string encode_page(json header, const PageRows& rows) {
  header["tables"] = rows.tables;
  header["children"] = rows.children;
  std::string head = header.dump();
  std::string out;
  out.reserve(kMagic.size() + head.size() + 10 + rows.payload.size());
  out.append(kMagic);
  put_varint(out, head.size());
  out.append(head);
  out.append(rows.payload);
  return out;
}

Result<Page> decode_page(std::string_view body) {
  auto malformed = [] { return Status::invalid("snapshot", i18n::tr("快照页格式不对", "the snapshot page is malformed")); };
  if (body.substr(0, kMagic.size()) != kMagic) return malformed();
  std::size_t at = kMagic.size();
  std::uint64_t size = 0;
  for (int shift = 0;; shift += 7) {
    if (at >= body.size() || shift > 28) return malformed();
    auto byte = static_cast<unsigned char>(body[at++]);
    size |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) break;
  }
  if (size > body.size() - at) return malformed();
  auto header = parse_untrusted_json(body.substr(at, size), "snapshot");
  if (!header || !header->is_object() || !header->contains("tables") || !(*header)["tables"].is_array())
    return malformed();
  return Page{std::move(header).value(), body.substr(at + size)};
}

namespace {

// Loads one table's rows (already positioned in `stream`).
class TableLoader {
 public:
  TableLoader(db::Database& db, const TableSpec& spec, const json& shape, std::string_view township,
              std::string_view after, std::string_view upto, std::string_view now_iso, bool derived,
              std::set<std::string>& relatives)
      : db_(db), spec_(spec), township_(township), after_(after), upto_(upto), now_iso_(now_iso),
        derived_(derived), relatives_(relatives) {
    for (const auto& c : shape.at("columns")) columns_.push_back(c.get<std::string>());
    rows_ = shape.at("rows").get<std::int64_t>();
  }

  Result<std::int64_t> load(RowStream& stream) {
    std::vector<Column> known = columns_of(db_, spec_.name);
    std::vector<std::string> set_clauses;
    bool keyed = false;
    for (const auto& column : known) keyed = keyed || column.key;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string& name = columns_[i];
      auto it = std::find_if(known.begin(), known.end(), [&](const Column& c) { return c.name == name; });
      // Only names of the station's own schema ever reach SQL.
      if (it == known.end())
        return Status::invalid("snapshot", trf("快照含未知列 {}.{}", "the snapshot has an unknown column {}.{}",
                                               spec_.name, name));
      if (!it->key) set_clauses.push_back(name + " = excluded." + name);
      if (name == "township") township_column_ = static_cast<int>(i);
      if (name == "child_id" || (spec_.name == "children" && name == "id")) child_column_ = static_cast<int>(i);
      if (spec_.name == "children" && (name == "created_at" || name == "updated_at")) stamped_.push_back(i);
      if (spec_.name == "relatives" && (name == "created_at" || name == "updated_at")) stamped_.push_back(i);
      if (name == "id") id_column_ = static_cast<int>(i);
      if (name == "entity") entity_column_ = static_cast<int>(i);
      if (name == "entity_id") entity_id_column_ = static_cast<int>(i);
      if (name == "lead_id") lead_column_ = static_cast<int>(i);
    }
    const bool as_events = spec_.name == "events" && !derived_;  // through apply_event and the projections
    if (spec_.scope == Scope::Child && spec_.name != "field_versions" && child_column_ < 0)
      return Status::invalid("snapshot", trf("快照表 {} 缺少儿童编号", "snapshot table {} has no child id", spec_.name));
    if (!keyed) {
      // Rows with no key of their own are replaced as a whole for the page's children (a page loaded again after an
      // interruption must not add them twice).
      auto clear = spec_.scope == Scope::Child
                       ? db_.cached(fmt::format("DELETE FROM {} WHERE child_id > ?1 AND child_id <= ?2", spec_.name))
                       : db_.cached(fmt::format("DELETE FROM {} WHERE township = ?1", spec_.name));
      if (spec_.scope == Scope::Child) clear->bind(1, after_).bind(2, upto_);
      else clear->bind(1, township_);
      clear->run();
    }
    std::string placeholders;
    for (std::size_t i = 0; i < columns_.size(); ++i) placeholders.append(i ? ", ?" : "?").append(std::to_string(i + 1));
    std::string sql = fmt::format("INSERT INTO {}({}) VALUES({})", spec_.name, join_columns(columns_, ""), placeholders);
    if (spec_.name == "events" || (keyed && set_clauses.empty())) sql += " ON CONFLICT DO NOTHING";
    else if (keyed) {
      sql += " ON CONFLICT DO UPDATE SET ";
      for (std::size_t i = 0; i < set_clauses.size(); ++i) sql.append(i ? ", " : "").append(set_clauses[i]);
    }
    auto insert = db_.cached(sql);
    std::vector<Value> row(columns_.size(), Value{kSame, 0, 0, {}});
    for (std::int64_t r = 0; r < rows_; ++r) {
      for (auto& value : row)
        if (!stream.read(value)) return Status::invalid("snapshot", i18n::tr("快照页数据不完整", "the snapshot page is truncated"));
      if (auto scoped = check_scope(row); !scoped) return scoped;
      if (as_events) {
        apply_as_event(row);
        continue;
      }
      for (std::size_t i = 0; i < row.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        if (std::find(stamped_.begin(), stamped_.end(), i) != stamped_.end()) {
          insert->bind_static(index, now_iso_);
          continue;
        }
        const Value& v = row[i];
        switch (v.tag) {
          case kInteger: insert->bind(index, v.integer); break;
          case kReal: insert->bind(index, v.real); break;
          case kText: insert->bind_static(index, v.text); break;
          default: insert->bind_null(index); break;
        }
      }
      insert->run();
      if (spec_.name == "relatives" && id_column_ >= 0) relatives_.insert(std::string(row[id_column_].text));
      // What is derived from each loaded child and lead (with derived rows copied: the report rows alone), when
      // the caller's batch flushes (projection.h); without derived rows apply_event tells the projections of events.
      ProjectionBatch& batch = *ProjectionBatch::open_on(db_);
      if (spec_.name == "children") batch.rows_loaded(row[child_column_].text);
      if (spec_.name == "events" && lead_column_ >= 0 && row[lead_column_].tag == kText)
        batch.lead_rows_loaded(row[lead_column_].text);
    }
    return rows_;
  }

 private:
  Status out_of_scope(std::string_view what) {
    return Status::refused(trf("快照含本乡镇以外的数据（{}：{}）", "the snapshot holds rows outside this township ({}: {})",
                               spec_.name, what));
  }

  Status check_scope(const std::vector<Value>& row) {
    if (township_column_ >= 0 && row[township_column_].text != township_) return out_of_scope(row[township_column_].text);
    if (spec_.scope == Scope::Child) {
      if (spec_.name == "field_versions") {
        std::string_view entity = entity_column_ >= 0 ? row[entity_column_].text : std::string_view();
        std::string_view id = entity_id_column_ >= 0 ? row[entity_id_column_].text : std::string_view();
        if (entity == "child" && id > after_ && id <= upto_) return Status::ok();
        if (entity == "relative" && relatives_.count(std::string(id))) return Status::ok();
        return out_of_scope(id);
      }
      std::string_view child = row[child_column_].text;
      if (!(child > after_ && child <= upto_)) return out_of_scope(child);
    } else if (spec_.name == "events" && child_column_ >= 0 && row[child_column_].tag != kNull) {
      return out_of_scope(row[child_column_].text);
    }
    return Status::ok();
  }

  void apply_as_event(const std::vector<Value>& row) {
    Event event;
    auto text = [&](std::string_view name) -> std::optional<std::string> {
      for (std::size_t i = 0; i < columns_.size(); ++i)
        if (columns_[i] == name && row[i].tag == kText) return std::string(row[i].text);
      return std::nullopt;
    };
    event.id = text("id").value_or("");
    event.child_id = text("child_id");
    event.lead_id = text("lead_id");
    event.township = text("township").value_or("");
    event.kind = text("kind").value_or("");
    auto payload = parse_untrusted_json(text("payload").value_or("{}"), "payload");
    event.payload = payload ? std::move(payload).value() : json::object();
    event.occurred_on = text("occurred_on").value_or("");
    event.hlc = text("hlc").value_or("");
    event.actor = text("actor").value_or("");
    event.actor_role = text("actor_role").value_or("");
    event.station_id = text("station_id").value_or("");
    event.recorded_at = text("recorded_at").value_or("");
    apply_event(db_, event);
  }

  db::Database& db_;
  const TableSpec& spec_;
  std::string_view township_, after_, upto_, now_iso_;
  bool derived_;
  std::set<std::string>& relatives_;
  std::vector<std::string> columns_;
  std::int64_t rows_ = 0;
  int township_column_ = -1, child_column_ = -1, id_column_ = -1, entity_column_ = -1, entity_id_column_ = -1,
      lead_column_ = -1;
  std::vector<std::size_t> stamped_;
};

}  // namespace

Result<LoadStats> load_page(db::Database& db, const Page& page, std::string_view township, std::string_view now_iso) {
  const json& header = page.header;
  if (header.value("township", "") != township)
    return Status::refused(trf("快照属于乡镇 {}，不是本站的 {}", "the snapshot is of township {}, not this station's {}",
                               header.value("township", ""), township));
  const std::string after = header.value("after", "");
  const std::string upto = header.value("upto", "");
  const bool derived = header.value("derived", false);
  LoadStats stats;
  stats.children = header.value("children", 0);
  RowStream stream(page.payload);
  std::set<std::string> relatives;
  for (const json& shape : header["tables"]) {
    const TableSpec* spec = find_spec(shape.value("name", ""), shape.value("scope", ""));
    if (!spec || (spec->derived && !derived))
      return Status::invalid("snapshot", trf("快照含未知的表 {}", "the snapshot has an unknown table {}",
                                             shape.value("name", "")));
    TableLoader loader(db, *spec, shape, township, after, upto, now_iso, derived, relatives);
    auto loaded = loader.load(stream);
    if (!loaded) return loaded.status();
    stats.rows += loaded.value();
  }
  if (!stream.at_end()) return Status::invalid("snapshot", i18n::tr("快照页格式不对", "the snapshot page is malformed"));
  return stats;
}

std::string policy_fingerprint(db::Database& db) {
  const Policy& policy = stored_policy(db);
  return tokens::hash(policy.version + "\n" + policy.document.dump());
}

}  // namespace tongdang::sync::snapshot
