// Tamper-evident audit trails. Every audit table — the station's `audit`; on the county server `request_audit`,
// `server_rejections` and `station_openings` — carries in each row a `hash` chained to the row before it, so a
// row altered, deleted or inserted with the file opened by hand (triggers dropped) breaks the chain at that row,
// and `tongdang audit verify` / `tongdang-server audit verify` name the first broken link.
//
// Format (version 1; also docs/design.md "The audit chain"). For the row with key k (the table's INTEGER PRIMARY
// KEY) and hashed columns c1…cn, in the order its Table lists them:
//
//   hash(k) = BLAKE2b-256( enc("tongdang.audit.v1") || enc(table name) || prev || enc(k) || enc(c1) || … || enc(cn) )
//
//   prev    = enc(the previous row's hash, as its 64 hex digits) — the row with the next lower key; for the first
//             row, enc(genesis(table)), genesis(table) = hex(BLAKE2b-256( enc("tongdang.audit.genesis.v1") ||
//             enc(table name) ))
//   enc(v)  = one type byte, then the value: 0x00 NULL (nothing follows); 0x01 integer: 8 bytes, big-endian two's
//             complement; 0x02 text: its length in bytes as 8 bytes big-endian, then the UTF-8 bytes; 0x03 real:
//             the IEEE 754 double as 8 bytes big-endian; 0x04 blob: length as for text, then the bytes.
//
// Stored as 64 lowercase hex digits. Every field is typed and length-prefixed, so no two different rows encode to
// the same bytes (a plain concatenation would let "ab"+"c" pass for "a"+"bc"). The table name is hashed too, so a
// row cannot be moved between tables.
//
// What it proves: the rows form an unbroken sequence written by code that knew the previous hash. What it does
// not: someone holding the file can recompute the whole chain from the row they changed onwards (no key is
// involved, by design: a station has nowhere to keep one from its own administrator). The county's copy of each
// station's openings (with the station's row hash) and a chain head written down elsewhere narrow that
// (docs/design.md).
//
// Writers append with key = head().key + 1, inside the write transaction that already serialises writers
// (BEGIN IMMEDIATE), so reading the head is one index seek on the table's last row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/db/sqlite.h"

namespace tongdang::audit_chain {

// One chained table: which columns are hashed, and which ones name a broken link for a person. Made once per
// table (a static): it also holds the text of its INSERT.
struct Table {
  Table(std::string_view name, std::string_view key, std::vector<std::string_view> columns, std::string_view at,
        std::string_view action);
  std::string_view name;                  // e.g. "audit"
  std::string_view key;                   // its INTEGER PRIMARY KEY, e.g. "seq"
  std::vector<std::string_view> columns;  // hashed after the key, in this order (never reorder: the format)
  std::string_view at;                    // the column saying when (shown for a broken link)
  std::string_view action;                // the column saying what (shown for a broken link)
  std::string insert;                     // INSERT INTO name(key, columns…, hash) VALUES(?1, …)
};

// The station's audit table (core schema).
const Table& station_audit();

// A column value as it is stored: NULL, integer, real or text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string_view>;

// The last link of a table's chain: its key (0 when empty) and hash (genesis(table) when empty).
struct Head {
  std::int64_t key = 0;
  std::string hash;
};

// The table's genesis value, in hex.
std::string genesis(std::string_view table);
// The hash of the row with `key` and `columns` (in the Table's order) after the row whose hash is `prev` (hex).
std::string link(std::string_view table, std::string_view prev, std::int64_t key, const std::vector<Value>& columns);
// The last row of the table (by key), read inside the caller's transaction.
Head head(db::Database& db, const Table& table);
// Appends one row after `prev` (head(), or the head a writer already holds in this transaction): key prev.key + 1,
// `columns` in the table's order. Returns the new head. Texts are bound without copies (they outlive the call).
Head append(db::Database& db, const Table& table, const Head& prev, const std::vector<Value>& columns);

// Where the chain first fails, and how.
struct BrokenLink {
  enum class Kind {
    Altered,    // the row's hash does not match its columns and the row before it (changed, or inserted)
    Missing,    // rows are missing just before this one (its key does not follow the previous row's)
    NoHash,     // the row has no hash (inserted by hand)
    Truncated,  // rows after the last one were deleted (the table's AUTOINCREMENT counter went further)
  };
  Kind kind = Kind::Altered;
  std::string table;
  std::int64_t key = 0;  // the row named (for Truncated: the last row left)
  std::string at;
  std::string action;
  std::int64_t counter = 0;  // Truncated: the highest key the table ever had
};

struct Verification {
  std::string table;
  std::int64_t rows = 0;  // rows checked (up to the first broken link)
  Head head;              // the last row's key and hash when whole
  std::optional<BrokenLink> broken;
};

// Walks the whole chain in key order and recomputes every link.
Verification verify(db::Database& db, const Table& table);
// Goes on from `earlier` (a verify() or verify_after() of this table on this database): recomputes the links of the
// rows after earlier.head only, and checks the end of the chain as verify() does; the result is what verify() would
// give if the rows up to earlier.head are unchanged — which the caller must know by other means (the county server
// knows it while no other connection has written the file: sqlite_central_store.cc). A broken `earlier` is walked
// again whole.
Verification verify_after(db::Database& db, const Table& table, const Verification& earlier);

// A broken link for a person, in the current language: table, row, time, action and what is wrong.
std::string describe(const BrokenLink& broken);

// Migrations: adds nothing, but gives every row of `table` that has no hash yet its link, in key order (rows of
// a database written before the chain existed). The table's UPDATE triggers (append-only) are dropped for the
// backfill and recreated as they were, inside the caller's transaction.
void chain_existing_rows(db::Database& db, const Table& table);

}  // namespace tongdang::audit_chain
