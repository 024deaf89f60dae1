// The ledger (台账): the spreadsheets stations already keep, imported as UTF-8 CSV (RFC 4180, with or without a
// BOM, Chinese or English column names), and the export of a user's children back to CSV or JSON.
//
// Import is all or nothing: every row is checked first (the same rules as `child add`, through prepare_child and
// the field table of profile.h, plus duplicates within the file); if any row is bad nothing is written and the
// report lists every bad row with its line, column and reason. Good ledgers are written in one transaction.
//
// The files of core/ledger, by concern: sheet.h (a file's bytes as rows, whatever the format) over csv_reader.h and
// utf8.h; columns.h (the column vocabulary); import.cc and export.cc (this header's two use cases).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/csv.h"  // csv_cell: the one CSV cell writer
#include "core/base/status.h"
#include "core/ledger/columns.h"
#include "core/ledger/csv_reader.h"
#include "core/ledger/sheet.h"
#include "core/ledger/utf8.h"
#include "core/store/station.h"

namespace tongdang {

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
