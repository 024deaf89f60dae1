// A ledger as rows of cells, whatever file it came from. Each reader (CSV today, csv_reader.h; .xlsx and GBK
// next) turns a file's bytes into SheetRows; the import (ledger.h) reads only these, so a new format is a new
// reader, not a change to the import.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace tongdang {

// One row of a ledger, with the line (or spreadsheet row) it starts on, 1-based, for the problems reported.
struct SheetRow {
  int line = 0;
  std::vector<std::string> cells;
};

// Reads a ledger file's bytes into rows: refuses UTF-16 and text that is not UTF-8 (naming the line and how to save
// the file from Excel), then parses the CSV. Errors are InvalidInput on the field "file".
Result<std::vector<SheetRow>> read_sheet(std::string_view bytes);

}  // namespace tongdang
