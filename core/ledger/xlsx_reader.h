// The ledger's .xlsx reader: one of the readers that turn a ledger file into rows of cells (sheet.h). An .xlsx
// workbook is a zip (read with libzip) of XML parts (parsed with expat): the workbook's sheet list and its
// relationships, the shared strings, the styles (which cells are dates) and one worksheet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/ledger/sheet.h"

namespace tongdang {

// True when `bytes` start like a zip archive (PK\3\4), as every .xlsx does.
bool looks_like_xlsx(std::string_view bytes);

// The rows of one worksheet: the first, or the one named `sheet`. Cells come as text the way Excel shows them to
// the import: shared and inline strings as written; numbers without a trailing ".0" (a phone typed as a number
// reads 13800000000) and in Excel's scientific form when they were too long to keep every digit (an ID number
// typed as a number: refused by the import with the reason); date cells (a date number format) as YYYY-MM-DD;
// booleans as TRUE/FALSE. Each row carries its spreadsheet row number. `sheet_used` gets the sheet's name.
// A file that is not a workbook, or a sheet that does not exist (the message lists the sheets), is InvalidInput on
// "file" (or "sheet").
Result<std::vector<SheetRow>> read_xlsx(std::string_view bytes, std::string_view sheet, std::string& sheet_used);

}  // namespace tongdang
