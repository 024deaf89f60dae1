// The ledger's CSV reader (RFC 4180): one of the readers that turn a ledger file into rows of cells (sheet.h);
// the .xlsx and GBK readers go beside it.
#pragma once

#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/ledger/sheet.h"

namespace tongdang {

// One record of a CSV file, with the physical line it starts on (1-based; a quoted cell may span lines).
using CsvRecord = SheetRow;

// Splits CSV text into records: commas, double quotes ("" inside quotes is one quote), embedded commas and line
// breaks in quoted cells, LF or CRLF line ends. A leading UTF-8 BOM is skipped. Errors (an unterminated quote, a
// quote in the middle of an unquoted cell) name the line.
Result<std::vector<CsvRecord>> parse_csv(std::string_view text);

}  // namespace tongdang
