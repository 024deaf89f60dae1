// The CSV reader (csv_reader.h) and read_sheet (sheet.h), which picks the reader for a file's bytes.
#include "core/ledger/csv_reader.h"

#include "core/base/i18n.h"
#include "core/ledger/utf8.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

Result<std::vector<CsvRecord>> parse_csv(std::string_view text) {
  if (text.substr(0, 3) == kUtf8Bom) text.remove_prefix(3);
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string cell;
  int line = 1;
  record.line = 1;
  bool in_quotes = false;
  bool cell_was_quoted = false;
  bool record_has_content = false;
  std::size_t i = 0;
  auto end_cell = [&] {
    record.cells.push_back(std::move(cell));
    cell.clear();
    cell_was_quoted = false;
  };
  auto end_record = [&] {
    end_cell();
    records.push_back(std::move(record));
    record = CsvRecord{};
    record_has_content = false;
  };
  while (i < text.size()) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          i += 2;
          continue;
        }
        in_quotes = false;
        ++i;
        continue;
      }
      if (c == '\n') ++line;
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        // CRLF inside a quoted cell is one line break; keep it as LF.
        ++i;
        continue;
      }
      cell += c;
      ++i;
      continue;
    }
    if (!record_has_content) {
      record.line = line;
      record_has_content = true;
    }
    if (c == '"') {
      if (!cell.empty() || cell_was_quoted)
        return Status::invalid("file", trf("第 {} 行：引号出现在单元格中间（含引号的单元格要整个用引号括起，内部引号写两次）",
                                           "line {}: a quote in the middle of a cell (quote the whole cell and double "
                                           "any quote inside it)",
                                           line));
      in_quotes = true;
      cell_was_quoted = true;
      ++i;
      continue;
    }
    if (c == ',') {
      end_cell();
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      end_record();
      ++line;
      continue;
    }
    if (cell_was_quoted)
      return Status::invalid("file", trf("第 {} 行：右引号后面还有字符", "line {}: characters after a closing quote",
                                         line));
    cell += c;
    ++i;
  }
  if (in_quotes)
    return Status::invalid("file", trf("第 {} 行开始的引号没有结束", "the quote opened on line {} is never closed",
                                       record.line));
  if (record_has_content) end_record();
  return records;
}

Result<std::vector<SheetRow>> read_sheet(std::string_view bytes) {
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")
    return Status::invalid("file", tr("文件是 UTF-16 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                                      "the file is UTF-16; save it from Excel as \"CSV UTF-8 (comma delimited)\""));
  if (auto line = first_invalid_utf8_line(bytes))
    return Status::invalid("file", trf("第 {} 行不是 UTF-8 编码（可能是 GBK/ANSI）；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                                       "line {} is not UTF-8 (GBK/ANSI?); save the file from Excel as \"CSV UTF-8 "
                                       "(comma delimited)\"",
                                       *line));
  return parse_csv(bytes);
}

}  // namespace tongdang
