// A ledger cell as people and spreadsheets write it, made into the value the import checks: the stray marks
// Excel and Chinese input methods leave (a leading apostrophe or tab, full-width digits, spaces inside a number),
// the forms dates are typed in, and the scientific notation Excel turns long numbers into.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/date.h"

namespace tongdang {

// The cell without what is not its value: spaces around it (trim_cell), one leading apostrophe or tab (Excel's
// marks for "keep as text"), the ="…" an export writes around ID numbers, and full-width digits and letters (０-９, Ｘ, typed with a Chinese input method) as
// ASCII.
std::string clean_cell(std::string_view cell);

// A number-like cell (an ID number, a phone, a code) without the spaces inside it: "3203 2420 1403 15012X".
std::string without_spaces(std::string_view cell);

// True for a number Excel has shown in scientific notation (3.20324E+17, 3.20324e17): its digits are lost.
bool is_scientific_notation(std::string_view cell);

// A date in any form people type or spreadsheets store: 2014-03-15, 2014-3-5, 2014/3/15, 2014.3.15,
// 2014年3月15日, 20140315, or an Excel date serial (41713: days since 1899-12-30). nullopt if none fits.
std::optional<Date> parse_ledger_date(std::string_view cell);

}  // namespace tongdang
