// Writing CSV cells (RFC 4180) that a spreadsheet reads as text: the one cell writer of every CSV tongdang
// produces (the ledger export, the coverage report), and its inverse for what comes back in a ledger import.
#pragma once

#include <string>
#include <string_view>

namespace tongdang {

// One CSV cell. A cell starting with = + - @ TAB or CR would be read by Excel (and LibreOffice, WPS) as a
// formula — `=HYPERLINK(…)` in a child's name becomes a link that sends data away (OWASP "CSV injection") — so
// such a cell gets a leading apostrophe, Excel's mark for text. Then the cell is quoted when it needs it (comma,
// quote, line break, leading or trailing space), doubling any quote inside.
std::string csv_cell(std::string_view text);

// A cell read back from a ledger: one leading apostrophe removed (the one csv_cell adds, or the one Excel users
// type before a long number such as an ID number so that Excel keeps every digit).
std::string_view csv_unguard(std::string_view cell);

}  // namespace tongdang
