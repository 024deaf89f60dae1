// Move-only RAII wrappers over SQLite: a connection, a cached prepared statement with typed bind/get, and a
// scoped transaction that rolls back unless committed. SQLite errors are unexpected here (the schema and the
// statements are ours), so they throw DbError and are converted at the program's boundary.
//
// Thread safety: a Database and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tongdang::db {

class DbError : public std::runtime_error {
 public:
  DbError(int sqlite_code, const std::string& what) : std::runtime_error(what), sqlite_code_(sqlite_code) {}
  int sqlite_code() const { return sqlite_code_; }

 private:
  int sqlite_code_;
};

class Database;

// A prepared statement. Binding indexes are 1-based, column indexes 0-based (as in SQLite).
// On destruction (or reset()) the statement is reset and its bindings cleared, so a cached statement is always
// ready for the next use.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind(int index, const std::optional<std::int64_t>& value);
  Statement& bind_null(int index);
  // Binds text without copying it: the caller keeps `value` alive until the statement is stepped and reset (for
  // hot paths such as the audit and outbox rows of a ledger import; bind() copies).
  Statement& bind_static(int index, std::string_view value);
  // Binds bytes as a BLOB (copied).
  Statement& bind_blob(int index, std::string_view bytes);

  // Binds every argument in order, starting at index 1.
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances: true while a row is available.
  bool step();
  // Runs a statement that returns no rows (or ignores them) and resets it.
  void run();

  bool is_null(int column) const;
  std::int64_t get_int(int column) const;
  double get_double(int column) const;
  std::string get_text(int column) const;
  std::optional<std::string> get_optional_text(int column) const;
  std::optional<std::int64_t> get_optional_int(int column) const;
  // For code that copies rows generically (the sync snapshot): the result's shape, a value's storage class
  // (SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL), and text without a copy (valid until the
  // next step or reset).
  int column_count() const;
  std::string_view column_name(int column) const;
  int column_type(int column) const;
  std::string_view get_text_view(int column) const;
  // A BLOB column's bytes, valid until the next step() or reset().
  std::string_view get_blob(int column) const;

  void reset();

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// A connection. Opens with WAL, foreign keys on, a busy timeout (a second writer waits instead of failing).
class Database {
 public:
  enum class Mode { ReadWrite, CreateIfMissing, ReadOnly };

  // Opens `path`. A database file created here is made owner-readable only (0600).
  Database(const std::string& path, Mode mode);
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements with no parameters.
  void exec(std::string_view sql);
  // A fresh statement (for one-off queries).
  Statement prepare(std::string_view sql);
  // A cached statement: prepared once per connection; reset when the returned handle goes out of scope.
  class CachedStatement;
  CachedStatement cached(const std::string& sql);

  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

// Copies every page of `source` into `target` with SQLite's online backup: a consistent copy of one moment even
// while other connections write (in WAL mode they are not held up). `target`'s previous content is replaced.
void copy_database(Database& source, Database& target);

// A borrowed cached statement; resets it (and clears bindings) on scope exit.
class Database::CachedStatement {
 public:
  explicit CachedStatement(Statement& statement) : statement_(&statement) {}
  CachedStatement(const CachedStatement&) = delete;
  CachedStatement& operator=(const CachedStatement&) = delete;
  ~CachedStatement() { statement_->reset(); }
  Statement* operator->() { return statement_; }
  Statement& operator*() { return *statement_; }

 private:
  Statement* statement_;
};

// BEGIN IMMEDIATE on construction (takes the write lock at once, so a busy database waits up front rather than
// failing at commit); ROLLBACK on destruction unless commit() was called. Not nestable.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace tongdang::db
