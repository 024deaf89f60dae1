// A ledger as rows of cells, whatever file it came from. Each reader (CSV in UTF-8 or GB18030, csv_reader.h;
// .xlsx, xlsx_reader.h) turns a file's bytes into SheetRows; the import (ledger.h) reads only these, so a new
// format is a new reader, not a change to the import.
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

// The text encodings a CSV ledger comes in.
enum class SheetEncoding {
  Utf8,     // UTF-8 without a BOM
  Utf8Bom,  // UTF-8 with a BOM: Excel's "CSV UTF-8"
  Gb18030,  // GB18030/GBK: what Excel and WPS on a Chinese Windows PC save as plain "CSV"
  Xlsx,     // an Excel workbook (.xlsx): its XML is UTF-8 by definition
};

// A ledger file read: its rows and how its text was decoded (the import says so, so a wrong guess shows).
struct Sheet {
  std::vector<SheetRow> rows;
  SheetEncoding encoding = SheetEncoding::Utf8;
  std::string sheet_name;  // the worksheet read, for an .xlsx
};

// How the file was read, for the reader: "UTF-8", "UTF-8（带 BOM）", "GB18030/GBK", "Excel 工作簿，工作表“台账”".
Message encoding_label(const Sheet& sheet);

// Reads a ledger file's bytes into rows. An .xlsx workbook (a zip) is read by xlsx_reader.h: its first sheet, or
// the one named `sheet`. Otherwise the bytes are CSV: UTF-8 (with or without a BOM) when they are UTF-8, otherwise
// GB18030/GBK when they are that; UTF-16 and anything else are refused (naming the line and how to save the file
// from Excel). Errors are InvalidInput on the field "file" (or "sheet": no such sheet, or a sheet named for a CSV).
Result<Sheet> read_sheet(std::string_view bytes, std::string_view sheet = {});

}  // namespace tongdang
