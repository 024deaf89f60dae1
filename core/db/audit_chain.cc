#include "core/db/audit_chain.h"

#include <sodium.h>

#include <bit>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <fmt/format.h>

#include "core/base/i18n.h"

namespace tongdang::audit_chain {

namespace {

// Type bytes of the encoding (audit_chain.h): part of the format, never renumber.
enum Tag : unsigned char { kNull = 0x00, kInteger = 0x01, kText = 0x02, kReal = 0x03, kBlob = 0x04 };

constexpr std::string_view kFormatTag = "tongdang.audit.v1";
constexpr std::string_view kGenesisTag = "tongdang.audit.genesis.v1";
constexpr std::size_t kHashBytes = crypto_generichash_BYTES;  // 32: BLAKE2b-256

void put_u64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

void put_bytes(std::string& out, Tag tag, std::string_view bytes) {
  out.push_back(static_cast<char>(tag));
  put_u64(out, bytes.size());
  out.append(bytes);
}

void put(std::string& out, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    out.push_back(static_cast<char>(kNull));
  } else if (const auto* integer = std::get_if<std::int64_t>(&value)) {
    out.push_back(static_cast<char>(kInteger));
    put_u64(out, static_cast<std::uint64_t>(*integer));
  } else if (const auto* real = std::get_if<double>(&value)) {
    out.push_back(static_cast<char>(kReal));
    put_u64(out, std::bit_cast<std::uint64_t>(*real));
  } else {
    put_bytes(out, kText, std::get<std::string_view>(value));
  }
}

std::string hash_hex(const std::string& bytes) {
  // sodium_init picks the fastest BLAKE2b for this CPU; idempotent and thread-safe, run once.
  static const int initialised = sodium_init();
  if (initialised < 0) throw std::runtime_error("libsodium could not be initialised");
  unsigned char digest[kHashBytes];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                     nullptr, 0);
  char hex[kHashBytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, kHashBytes * 2);
}

// The value of column `column` of the current row, as stored.
Value column_value(const db::Statement& row, int column) {
  switch (row.column_type(column)) {
    case SQLITE_NULL: return std::monostate{};
    case SQLITE_INTEGER: return row.get_int(column);
    case SQLITE_FLOAT: return row.get_double(column);
    default: return row.get_text_view(column);  // text (a blob is hashed as such below)
  }
}

// The rows after key ?1, in key order.
std::string select_sql(const Table& table) {
  std::string sql = fmt::format("SELECT {}, hash, {}, {}", table.key, table.at, table.action);
  for (auto column : table.columns) sql += fmt::format(", {}", column);
  sql += fmt::format(" FROM {} WHERE {} > ?1", table.name, table.key);
  return sql + fmt::format(" ORDER BY {}", table.key);
}

// The link of the current row of a select_sql() statement after `prev`.
std::string row_link(const Table& table, std::string_view prev, const db::Statement& row) {
  std::string bytes;
  put_bytes(bytes, kText, kFormatTag);
  put_bytes(bytes, kText, table.name);
  put_bytes(bytes, kText, prev);
  put(bytes, row.get_int(0));
  for (int i = 0; i < static_cast<int>(table.columns.size()); ++i) {
    const int column = 4 + i;
    if (row.column_type(column) == SQLITE_BLOB) put_bytes(bytes, kBlob, row.get_blob(column));
    else put(bytes, column_value(row, column));
  }
  return hash_hex(bytes);
}

std::int64_t autoincrement_counter(db::Database& db, std::string_view table) {
  auto exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'");
  if (!exists.step()) return 0;
  auto query = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?1");
  query.bind(1, table);
  return query.step() ? query.get_int(0) : 0;
}

}  // namespace

Table::Table(std::string_view name_, std::string_view key_, std::vector<std::string_view> columns_,
             std::string_view at_, std::string_view action_)
    : name(name_), key(key_), columns(std::move(columns_)), at(at_), action(action_) {
  std::string names(key), params = "?1";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    names += fmt::format(", {}", columns[i]);
    params += fmt::format(", ?{}", i + 2);
  }
  insert = fmt::format("INSERT INTO {}({}, hash) VALUES({}, ?{})", name, names, params, columns.size() + 2);
}

const Table& station_audit() {
  static const Table table("audit", "seq", {"at", "actor", "action", "entity", "entity_id", "before", "after"}, "at",
                           "action");
  return table;
}

std::string genesis(std::string_view table) {
  std::string bytes;
  put_bytes(bytes, kText, kGenesisTag);
  put_bytes(bytes, kText, table);
  return hash_hex(bytes);
}

std::string link(std::string_view table, std::string_view prev, std::int64_t key, const std::vector<Value>& columns) {
  // One buffer per thread: an import links thousands of rows, each a few hundred bytes.
  thread_local std::string bytes;
  bytes.clear();
  put_bytes(bytes, kText, kFormatTag);
  put_bytes(bytes, kText, table);
  put_bytes(bytes, kText, prev);
  put(bytes, key);
  for (const Value& value : columns) put(bytes, value);
  return hash_hex(bytes);
}

Head head(db::Database& db, const Table& table) {
  auto query = db.cached(fmt::format("SELECT {0}, hash FROM {1} ORDER BY {0} DESC LIMIT 1", table.key, table.name));
  if (!query->step()) return {0, genesis(table.name)};
  return {query->get_int(0), query->get_optional_text(1).value_or("")};
}

Head append(db::Database& db, const Table& table, const Head& prev, const std::vector<Value>& columns) {
  Head next{prev.key + 1, link(table.name, prev.hash, prev.key + 1, columns)};
  auto insert = db.cached(table.insert);
  insert->bind(1, next.key);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const int index = static_cast<int>(i) + 2;
    const Value& value = columns[i];
    if (std::holds_alternative<std::monostate>(value)) insert->bind_null(index);
    else if (const auto* integer = std::get_if<std::int64_t>(&value)) insert->bind(index, *integer);
    else if (const auto* real = std::get_if<double>(&value)) insert->bind(index, *real);
    else insert->bind_static(index, std::get<std::string_view>(value));
  }
  insert->bind_static(static_cast<int>(columns.size()) + 2, next.hash);
  insert->run();
  return next;
}

Verification verify(db::Database& db, const Table& table) {
  Verification whole_so_far;
  whole_so_far.table = std::string(table.name);
  whole_so_far.head = {0, genesis(table.name)};
  return verify_after(db, table, whole_so_far);
}

Verification verify_after(db::Database& db, const Table& table, const Verification& earlier) {
  if (earlier.broken) return verify(db, table);
  Verification out = earlier;
  auto rows = db.prepare(select_sql(table));
  // From the very first key when nothing was checked yet: a row inserted by hand with key 0 or below is a break too.
  rows.bind(1, out.rows == 0 ? std::numeric_limits<std::int64_t>::min() : out.head.key);
  auto broken_here = [&](BrokenLink::Kind kind) {
    BrokenLink broken;
    broken.kind = kind;
    broken.table = out.table;
    broken.key = rows.get_int(0);
    broken.at = rows.is_null(2) ? std::string() : rows.get_text(2);
    broken.action = rows.is_null(3) ? std::string() : rows.get_text(3);
    out.broken = std::move(broken);
  };
  while (rows.step()) {
    const std::int64_t key = rows.get_int(0);
    if (rows.column_type(1) != SQLITE_TEXT) {
      broken_here(BrokenLink::Kind::NoHash);
      return out;
    }
    if (row_link(table, out.head.hash, rows) != rows.get_text_view(1)) {
      // A key that does not follow the previous one: rows between them were deleted (or this one was inserted
      // with a key of its own choosing).
      broken_here(key != out.head.key + 1 && out.rows > 0 ? BrokenLink::Kind::Missing : BrokenLink::Kind::Altered);
      return out;
    }
    out.head = {key, rows.get_text(1)};
    ++out.rows;
  }
  // The last rows deleted leave a whole chain behind, but SQLite's AUTOINCREMENT counter remembers how far the
  // table went (unless that was edited too: see audit_chain.h on what the chain does not prove).
  if (std::int64_t counter = autoincrement_counter(db, table.name); counter > out.head.key) {
    BrokenLink broken;
    broken.kind = BrokenLink::Kind::Truncated;
    broken.table = out.table;
    broken.key = out.head.key;
    broken.counter = counter;
    if (out.head.key > 0) {
      auto last = db.prepare(fmt::format("SELECT {}, {} FROM {} WHERE {} = ?1", table.at, table.action, table.name,
                                         table.key));
      last.bind(1, out.head.key);
      if (last.step()) {
        broken.at = last.is_null(0) ? std::string() : last.get_text(0);
        broken.action = last.is_null(1) ? std::string() : last.get_text(1);
      }
    }
    out.broken = std::move(broken);
  }
  return out;
}

std::string describe(const BrokenLink& b) {
  using i18n::trf;
  switch (b.kind) {
    case BrokenLink::Kind::Altered:
      return trf("审计链断裂：{} 表第 {} 行（{}，{}）的哈希与内容不符——该行被修改过，或是后来插入的",
                 "audit chain broken: {} row {} ({}, {}): its hash does not match its contents and the row before "
                 "it — the row was altered, or inserted",
                 b.table, b.key, b.at, b.action);
    case BrokenLink::Kind::Missing:
      return trf("审计链断裂：{} 表第 {} 行（{}，{}）之前缺少记录——有行被删除（或该行是插入的）",
                 "audit chain broken: {} row {} ({}, {}): rows before it are missing — deleted (or this row was "
                 "inserted)",
                 b.table, b.key, b.at, b.action);
    case BrokenLink::Kind::NoHash:
      return trf("审计链断裂：{} 表第 {} 行（{}，{}）没有哈希——该行是绕过程序插入的",
                 "audit chain broken: {} row {} ({}, {}) has no hash — it was inserted bypassing the program",
                 b.table, b.key, b.at, b.action);
    case BrokenLink::Kind::Truncated:
      if (b.key == 0)
        return trf("审计链断裂：{} 表已没有记录，但该表曾写到第 {} 行——记录被删除",
                   "audit chain broken: {} holds no rows, but the table once reached row {} — rows were deleted",
                   b.table, b.counter);
      return trf("审计链断裂：{} 表最后一行是第 {} 行（{}，{}），但该表曾写到第 {} 行——末尾的记录被删除",
                 "audit chain broken: the last row of {} is row {} ({}, {}), but the table once reached row {} — "
                 "rows at the end were deleted",
                 b.table, b.key, b.at, b.action, b.counter);
  }
  return {};
}

void chain_existing_rows(db::Database& db, const Table& table) {
  std::vector<std::pair<std::string, std::string>> triggers;
  {
    auto query = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1");
    query.bind(1, table.name);
    while (query.step()) triggers.emplace_back(query.get_text(0), query.get_text(1));
  }
  for (const auto& [name, sql] : triggers) db.exec(fmt::format("DROP TRIGGER {}", name));
  // Links are computed in one pass and written after it: SQLite leaves undefined whether a running SELECT sees
  // rows updated under it.
  std::vector<std::pair<std::int64_t, std::string>> links;
  {
    std::string prev = genesis(table.name);
    auto rows = db.prepare(select_sql(table));
    rows.bind(1, std::numeric_limits<std::int64_t>::min());
    while (rows.step()) {
      if (rows.column_type(1) == SQLITE_TEXT) {
        prev = rows.get_text(1);
        continue;
      }
      prev = row_link(table, prev, rows);
      links.emplace_back(rows.get_int(0), prev);
    }
  }
  auto update = db.prepare(fmt::format("UPDATE {} SET hash = ?1 WHERE {} = ?2", table.name, table.key));
  for (const auto& [key, hash] : links) update.bind(1, hash).bind(2, key).run();
  for (const auto& [name, sql] : triggers) db.exec(sql);
}

}  // namespace tongdang::audit_chain
