// The ledger (台账): the spreadsheets stations already keep, imported as UTF-8 CSV (RFC 4180, with or without a
// BOM, Chinese or English column names), and the export of a user's children back to CSV or JSON.
//
// Import is all or nothing: every row is checked first (the same rules as `child add`, through prepare_child and
// the field table of profile.h, plus duplicates within the file); if any row is bad nothing is written and the
// report lists every bad row with its line, column and reason. Good ledgers are written in one transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/csv.h"  // csv_cell: the one CSV cell writer
#include "core/base/status.h"
#include "core/store/station.h"

namespace tongdang {

// ---- CSV (RFC 4180) ----

// One record of a CSV file, with the physical line it starts on (1-based; a quoted cell may span lines).
struct CsvRecord {
  int line = 0;
  std::vector<std::string> cells;
};

// Splits CSV text into records: commas, double quotes ("" inside quotes is one quote), embedded commas and line
// breaks in quoted cells, LF or CRLF line ends. A leading UTF-8 BOM is skipped. Errors (an unterminated quote, a
// quote in the middle of an unquoted cell) name the line.
Result<std::vector<CsvRecord>> parse_csv(std::string_view text);

// Checks that `bytes` are well-formed UTF-8 (no overlong forms, no surrogates). On failure, the 1-based line of
// the first bad byte.
std::optional<int> first_invalid_utf8_line(std::string_view bytes);

// ---- columns ----

// One ledger column: its machine name (the English header) and the Chinese headers it is known by (the first is
// the one export writes). Child profile columns carry the profile field name; relative columns are prefixed
// (father_, mother_, guardian_).
struct LedgerColumn {
  std::string_view name;                   // English header, e.g. "guardian_phone"
  std::vector<std::string_view> chinese;   // e.g. {"监护人电话", "监护人联系电话"}
  std::string_view description;            // one line for the user guide, in English
};

// Every column a ledger may have, in the order export writes them.
const std::vector<LedgerColumn>& ledger_columns();
// The column a header cell names (English, case-insensitive, or any of its Chinese names; spaces trimmed).
const LedgerColumn* find_ledger_column(std::string_view header);

// ---- import ----

// A bad cell or row. `column` is the header as written in the file ("" for a problem with the whole row).
struct LedgerProblem {
  int line = 0;
  std::string column;
  std::string field;   // machine name of the field at fault, if any
  std::string reason;
};

struct LedgerWarning {
  int line = 0;
  std::string column;
  std::string message;
};

struct LedgerReport {
  int rows = 0;             // data rows read (blank rows skipped)
  int children = 0;         // children written (or that would be, on a dry run)
  int relatives = 0;        // relatives written (or that would be)
  bool dry_run = false;
  bool written = false;     // true when the ledger was imported
  std::vector<LedgerProblem> problems;   // empty when every row passed
  std::vector<LedgerWarning> warnings;   // accepted, but worth a look (e.g. an unknown county code)
  std::vector<std::string> child_ids;    // ids of the children written, in file order

  nlohmann::json to_json() const;
};

struct ImportOptions {
  bool dry_run = false;            // check every row, write nothing
  std::string source = "ledger";   // the file name, for the audit row
};

// Imports a ledger's bytes. Errors that concern the whole file — empty, not UTF-8 (e.g. GBK from an old Excel),
// no data rows, a missing, unknown or repeated column — are InvalidInput naming the column. Row problems come
// back in the report (nothing written); the caller decides the exit code. A user who may not register children is
// Refused.
Result<LedgerReport> import_ledger(Station& station, std::string_view bytes, const ImportOptions& options);

// ---- export ----

enum class ExportFormat { Csv, Json };

struct ExportOptions {
  ExportFormat format = ExportFormat::Csv;
  bool full_id = false;          // full ID numbers: supervisor and county only
  bool include_closed = false;   // closed files too
};

struct ExportResult {
  std::string content;   // the CSV (UTF-8 with a BOM, headers in the current language) or the JSON array
  int children = 0;
};

// Every child in the acting user's scope with categories, colour and relatives; ID numbers masked unless
// full_id (refused for a director). Audited as one "ledger.export" row.
Result<ExportResult> export_children(Station& station, const ExportOptions& options);

}  // namespace tongdang
