// The row format of township snapshot pages (the layout is documented in snapshot.h): the tables a page carries,
// in load order, and the value stream. Shared by the server, which writes pages (sync/server/sqlite/snapshot_rows.h),
// and the station, which loads them (sync/station/snapshot_load.h); private to sync/.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/sqlite.h"

namespace tongdang::sync::snapshot {

// The tag byte before each value of the row stream.
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
inline constexpr TableSpec kTables[] = {
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

// "child" or "township", as the page header names a table's scope.
std::string_view scope_name(Scope scope);
// The table of that name and scope; nullptr if a page names a table this program does not send.
const TableSpec* find_spec(std::string_view name, std::string_view scope);

struct Column {
  std::string name;
  bool key = false;  // part of the primary key
};
// The columns of `table` in this database's schema, in order.
std::vector<Column> columns_of(db::Database& db, std::string_view table);

// "a, b, c" with each name prefixed (a table alias such as "c.").
std::string join_columns(const std::vector<std::string>& columns, std::string_view prefix);

// ---- the value stream ----

// The row stream's hot path (every value of a page passes here): inline, so each end's loop inlines it.
inline void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

inline std::uint64_t zigzag(std::int64_t value) {
  return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

inline std::int64_t unzigzag(std::uint64_t value) {
  return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
}

// One value read from the stream; a text views the page body.
struct Value {
  Tag tag = kNull;
  std::int64_t integer = 0;
  double real = 0;
  std::string_view text;
};

// Reads a page's values in order.
class RowStream {
 public:
  explicit RowStream(std::string_view data) : at_(data.data()), end_(data.data() + data.size()) {}

  // Reads one value of a column whose previous value is `last`; false if the stream is malformed.
  bool read(Value& last);
  bool at_end() const { return at_ == end_; }

 private:
  bool varint(std::uint64_t& value);

  const char* at_;
  const char* end_;
};

inline bool RowStream::read(Value& last) {
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

inline bool RowStream::varint(std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && at_ < end_; shift += 7) {
    auto byte = static_cast<unsigned char>(*at_++);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

}  // namespace tongdang::sync::snapshot
