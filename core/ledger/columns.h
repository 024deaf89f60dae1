// The ledger's column vocabulary: each column's machine name (the English header), the Chinese headers it is known
// by, and which columns are the family's (father_, mother_, guardian_) or written by export only. Shared by the
// import and the export.
#pragma once

#include <array>
#include <string_view>
#include <vector>

namespace tongdang {

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

// Columns export writes and an import refuses (a ledger adds new children, it does not update files).
inline constexpr std::array<std::string_view, 4> kExportOnlyColumns = {"id", "status", "colour", "other_relatives"};
// The prefixes of the family's columns, in the order export fills them: the first father, the first mother, the
// guardian.
inline constexpr std::array<std::string_view, 3> kRelativePrefixes = {"father_", "mother_", "guardian_"};

// A cell or header without the spaces around it: ASCII spaces, tabs, line ends, and the ideographic space (U+3000)
// that Chinese input methods type.
std::string_view trim_cell(std::string_view text);

}  // namespace tongdang
