// The ledger (台账): the spreadsheets stations already keep, imported from an Excel workbook (.xlsx) or CSV
// (RFC 4180; UTF-8 with or without a BOM, or GB18030/GBK; Chinese or English column names), and the export of a
// user's children back to CSV, an Excel workbook or JSON.
//
// Import is all or nothing unless asked for partial: every row is checked first (the same rules as `child add`, through prepare_child and
// the field table of profile.h, plus duplicates within the file); if any row is bad nothing is written and the
// report lists every bad row with its line, column and reason. Good ledgers are written in one transaction.
//
// The files of core/ledger, by concern: sheet.h (a file's bytes as rows, whatever the format) over csv_reader.h and
// utf8.h (UTF-8 and GB18030) and xlsx_reader.h; columns.h (the column vocabulary); cells.h (a cell as written
// made into a value: dates, full-width digits, scientific notation); import.cc and export.cc (this header's two
// use cases).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/csv.h"  // csv_cell: the one CSV cell writer
#include "core/base/status.h"
#include "core/ledger/cells.h"
#include "core/ledger/columns.h"
#include "core/ledger/csv_reader.h"
#include "core/ledger/sheet.h"
#include "core/ledger/utf8.h"
#include "core/ledger/xlsx_reader.h"
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

// A row above the header (a title such as 王集镇困境儿童台账（2026年11月）, a date), skipped.
struct LedgerSkippedRow {
  int line = 0;
  std::string text;  // its non-empty cells, joined by spaces
};

struct LedgerReport {
  std::string encoding;     // how the file was read: "UTF-8", "GB18030/GBK", an .xlsx sheet (sheet.h encoding_label)
  int header_line = 0;      // the line the header row was found on
  std::vector<LedgerSkippedRow> skipped_rows;    // rows above the header
  std::vector<std::string> ignored_columns;      // header cells that are not ledger columns (序号, 备注, empty)
  int rows = 0;             // data rows read (blank rows skipped)
  int children = 0;         // new children registered (or that would be, on a dry run)
  int relatives = 0;        // relatives written (or that would be)
  bool dry_run = false;
  bool written = false;     // true when the ledger was imported
  std::vector<LedgerProblem> problems;   // empty when every row passed
  std::vector<LedgerWarning> warnings;   // accepted, but worth a look (e.g. an unknown county code)
  std::vector<std::string> child_ids;    // ids of the children written, in file order
  int updated = 0;          // update: files matched and changed (each changed cell an ordinary edit)
  int unchanged = 0;        // update: files matched with nothing to change
  bool partial = false;     // imported with ImportOptions::partial
  int rows_left_out = 0;    // partial: the rows with problems, not imported
  // partial: the rows left out as a ledger to correct and import again — the header as in the file plus a 问题
  // column with every reason — as CSV (UTF-8 with a BOM, CRLF); empty when every row passed.
  std::string corrections;

  nlohmann::json to_json() const;
  // How the file was read, one line each, in the reader's language, for the summary every edge shows first: the
  // encoding, the header's line and the rows skipped above it, the columns ignored.
  std::vector<std::string> reading_notes() const;
};

struct ImportOptions {
  bool dry_run = false;            // check every row, write nothing
  // Import the good rows and leave the bad ones out (LedgerReport::corrections), instead of all or nothing; a
  // category only past its age limit (留守 at 16) is then left out of that child with a warning.
  bool partial = false;
  // Import again as an update: a row whose ID number (or, for a file without one, whose 编号 from an export)
  // matches a file on the station changes that file's own columns — each changed cell an ordinary edit, as
  // `child edit` makes it; an unchanged row is skipped; other rows are registered. The family and categories of a
  // matched file are left as they are (relative edit, child category).
  bool update = false;
  std::string source = "ledger";   // the file name, for the audit row
  std::string sheet;               // an .xlsx workbook's sheet to read (default: the first)
};

// Imports a ledger's bytes. The file may be UTF-8 or GB18030/GBK CSV (sheet.h); its header row is looked for among
// the first rows (tuning::kHeaderSearchRows), rows above it are skipped and columns that are not the ledger's are
// ignored, both listed in the report. Cells are cleaned as cells.h says (dates in the forms people type, full-width
// digits, Excel's apostrophe); a village may be given by its code or its name within the station's township.
// Errors that concern the whole file — empty, in no known encoding, no header, no data rows, a missing or
// repeated column — are InvalidInput naming the column. Row problems come
// back in the report (nothing written); the caller decides the exit code. A user who may not register children is
// Refused.
Result<LedgerReport> import_ledger(Station& station, std::string_view bytes, const ImportOptions& options);

// ---- export ----

enum class ExportFormat { Csv, Json, Xlsx };

struct ExportOptions {
  ExportFormat format = ExportFormat::Csv;
  bool full_id = false;          // full ID numbers: supervisor and county only
  bool include_closed = false;   // closed files too
};

struct ExportResult {
  std::string content;   // the CSV (UTF-8 with a BOM, headers in the current language), the workbook or the JSON array
  int children = 0;
};

// Every child in the acting user's scope with categories, colour and relatives, written to `out` as each is read
// (a few tens of MB at most, whatever the number of children); ID numbers masked unless full_id (refused for a
// director, before anything is written). CSV for Excel writes full ID numbers as ="…" text; the workbook (.xlsx,
// one sheet 台账) has Chinese headers in a frozen first row, every cell a text cell, columns as wide as their cells.
// Both import again with --update. Audited as one "ledger.export" row. Returns the number of children.
Result<int> export_children_to(Station& station, const ExportOptions& options, std::ostream& out);
// The same, into memory (tests, small exports).
Result<ExportResult> export_children(Station& station, const ExportOptions& options);

}  // namespace tongdang
