// The CSV reader (csv_reader.h) and read_sheet (sheet.h), which picks the reader for a file's bytes.
#include "core/ledger/csv_reader.h"

#include "core/base/i18n.h"
#include "core/ledger/utf8.h"
#include "core/ledger/xlsx_reader.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One pass over the text, a character (or a CRLF, or a doubled quote) at a time; a record's line is the line it
// starts on, and line breaks inside a quoted cell are counted too.
class CsvParser {
 public:
  explicit CsvParser(std::string_view text) : text_(text) {}

  Result<std::vector<CsvRecord>> parse() {
    if (text_.substr(0, 3) == kUtf8Bom) text_.remove_prefix(3);
    record_.line = 1;
    while (i_ < text_.size()) {
      if (in_quotes_) {
        step_in_quotes();
      } else if (Status stepped = step_outside_quotes(); !stepped) {
        return stepped;
      }
    }
    if (in_quotes_)
      return Status::invalid("file", trf("第 {} 行开始的引号没有结束", "the quote opened on line {} is never closed",
                                         record_.line));
    if (record_has_content_) end_record();
    return std::move(records_);
  }

 private:
  bool next_is(char c) const { return i_ + 1 < text_.size() && text_[i_ + 1] == c; }

  void end_cell() {
    record_.cells.push_back(std::move(cell_));
    cell_.clear();
    cell_was_quoted_ = false;
  }

  void end_record() {
    end_cell();
    records_.push_back(std::move(record_));
    record_ = CsvRecord{};
    record_has_content_ = false;
  }

  // Inside a quoted cell: a doubled quote is one quote, a single one closes the cell.
  void step_in_quotes() {
    char c = text_[i_];
    if (c == '"') {
      if (next_is('"')) {
        cell_ += '"';
        i_ += 2;
        return;
      }
      in_quotes_ = false;
      ++i_;
      return;
    }
    if (c == '\n') ++line_;
    if (c == '\r' && next_is('\n')) {
      // CRLF inside a quoted cell is one line break; keep it as LF.
      ++i_;
      return;
    }
    cell_ += c;
    ++i_;
  }

  // Outside quotes: a quote may only open a cell, a comma ends the cell, a line end ends the record.
  Status step_outside_quotes() {
    char c = text_[i_];
    if (!record_has_content_) {
      record_.line = line_;
      record_has_content_ = true;
    }
    if (c == '"') {
      if (!cell_.empty() || cell_was_quoted_)
        return Status::invalid("file", trf("第 {} 行：引号出现在单元格中间（含引号的单元格要整个用引号括起，内部引号写两次）",
                                           "line {}: a quote in the middle of a cell (quote the whole cell and double "
                                           "any quote inside it)",
                                           line_));
      in_quotes_ = true;
      cell_was_quoted_ = true;
      ++i_;
      return Status::ok();
    }
    if (c == ',') {
      end_cell();
      ++i_;
      return Status::ok();
    }
    if (c == '\r' || c == '\n') {
      i_ += (c == '\r' && next_is('\n')) ? 2 : 1;
      end_record();
      ++line_;
      return Status::ok();
    }
    if (cell_was_quoted_)
      return Status::invalid("file", trf("第 {} 行：右引号后面还有字符", "line {}: characters after a closing quote",
                                         line_));
    cell_ += c;
    ++i_;
    return Status::ok();
  }

  std::string_view text_;
  std::size_t i_ = 0;  // the next character
  int line_ = 1;       // the line of text_[i_]
  bool in_quotes_ = false;
  bool cell_was_quoted_ = false;
  bool record_has_content_ = false;  // the current record has begun (a blank line is no record)
  std::string cell_;
  CsvRecord record_;
  std::vector<CsvRecord> records_;
};

}  // namespace

Result<std::vector<CsvRecord>> parse_csv(std::string_view text) { return CsvParser(text).parse(); }

Message encoding_label(const Sheet& sheet) {
  switch (sheet.encoding) {
    case SheetEncoding::Utf8: return tr("UTF-8", "UTF-8");
    case SheetEncoding::Utf8Bom: return tr("UTF-8（带 BOM）", "UTF-8 (with BOM)");
    case SheetEncoding::Gb18030: return tr("GB18030/GBK", "GB18030/GBK");
    case SheetEncoding::Xlsx:
      return trf("Excel 工作簿（.xlsx），工作表“{}”", "Excel workbook (.xlsx), sheet '{}'", sheet.sheet_name);
  }
  return tr("", "");
}

Result<Sheet> read_sheet(std::string_view bytes, std::string_view sheet_name) {
  if (looks_like_xlsx(bytes)) {
    Sheet sheet;
    sheet.encoding = SheetEncoding::Xlsx;
    auto rows = read_xlsx(bytes, sheet_name, sheet.sheet_name);
    if (!rows) return rows.status();
    sheet.rows = std::move(rows).value();
    return sheet;
  }
  if (!sheet_name.empty())
    return Status::invalid("sheet", tr("只有 Excel 工作簿（.xlsx）才有工作表；CSV 文件请不要给 --sheet",
                                       "only an Excel workbook (.xlsx) has sheets; give no --sheet for a CSV"));
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")
    return Status::invalid("file", tr("文件是 UTF-16 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                                      "the file is UTF-16; save it from Excel as \"CSV UTF-8 (comma delimited)\""));
  Sheet sheet;
  auto parse = [&](std::string_view text) -> Result<Sheet> {
    auto rows = parse_csv(text);
    if (!rows) return rows.status();
    sheet.rows = std::move(rows).value();
    return std::move(sheet);
  };
  auto bad_line = first_invalid_utf8_line(bytes);
  if (!bad_line) {
    sheet.encoding = bytes.substr(0, 3) == kUtf8Bom ? SheetEncoding::Utf8Bom : SheetEncoding::Utf8;
    return parse(bytes);
  }
  // Not UTF-8: GB18030 (GBK's superset) is the only other encoding Chinese spreadsheets write CSV in. Text that is
  // UTF-8 is almost never valid GB18030 the other way round and vice versa, so the order decides nothing wrongly.
  if (auto converted = gb18030_to_utf8(bytes)) {
    sheet.encoding = SheetEncoding::Gb18030;
    return parse(*converted);
  }
  return Status::invalid("file", trf("第 {} 行既不是 UTF-8 也不是 GB18030/GBK 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                                     "line {} is neither UTF-8 nor GB18030/GBK; save the file from Excel as \"CSV "
                                     "UTF-8 (comma delimited)\"",
                                     *bad_line));
}

}  // namespace tongdang
