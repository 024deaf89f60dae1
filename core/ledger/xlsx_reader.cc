// The .xlsx reader (xlsx_reader.h): libzip opens the workbook in memory, expat streams each XML part out of it.
#include "core/ledger/xlsx_reader.h"

#include <zip.h>
#include <expat.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "core/base/date.h"
#include "core/base/i18n.h"
#include "core/base/tuning.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;

namespace {

Status not_a_workbook(std::string_view why) {
  return Status::invalid("file", trf("不是可读取的 Excel 工作簿（.xlsx）：{}；请在 Excel 中重新另存为 .xlsx 或 CSV",
                                     "not a readable Excel workbook (.xlsx): {}; save it again from Excel as .xlsx "
                                     "or CSV",
                                     why));
}

// An attribute of an expat start tag, or "" (attributes come as name, value, name, value …, null-terminated).
std::string_view attribute(const XML_Char** attributes, std::string_view name) {
  for (int i = 0; attributes[i]; i += 2)
    if (name == attributes[i]) return attributes[i + 1];
  return {};
}

// An attribute whose name ends in `suffix` ("r:id" however the relationships prefix is spelt).
std::string_view attribute_ending(const XML_Char** attributes, std::string_view suffix) {
  for (int i = 0; attributes[i]; i += 2) {
    std::string_view n = attributes[i];
    if (n.size() >= suffix.size() && n.substr(n.size() - suffix.size()) == suffix) return attributes[i + 1];
  }
  return {};
}

// The local name of an element ("x:c" and "c" are the same cell: some writers prefix the main namespace).
std::string_view local(const XML_Char* name) {
  std::string_view n = name;
  auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// One XML part, streamed: start, end and text handlers.
struct XmlHandlers {
  std::function<void(std::string_view, const XML_Char**)> start = [](std::string_view, const XML_Char**) {};
  std::function<void(std::string_view)> end = [](std::string_view) {};
  std::function<void(std::string_view)> text = [](std::string_view) {};
};

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct ParserFree {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

class Workbook {
 public:
  static Result<Workbook> open(std::string_view bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (!source) return not_a_workbook(zip_error_strerror(&error));
    zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (!archive) {
      zip_source_free(source);
      std::string why = zip_error_strerror(&error);
      zip_error_fini(&error);
      return not_a_workbook(why);
    }
    zip_error_fini(&error);
    return Workbook(archive);
  }

  bool has(const std::string& part) const { return zip_name_locate(zip_.get(), part.c_str(), 0) >= 0; }

  // Streams `part` through expat; a missing part, bad XML or one over tuning::kXlsxPartMaxBytes fails.
  Status parse(const std::string& part, XmlHandlers& handlers) const {
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen(zip_.get(), part.c_str(), 0));
    if (!file) return not_a_workbook(fmt::format("{} missing", part));
    std::unique_ptr<XML_ParserStruct, ParserFree> parser(XML_ParserCreate("UTF-8"));
    XML_SetUserData(parser.get(), &handlers);
    XML_SetElementHandler(
        parser.get(),
        [](void* data, const XML_Char* name, const XML_Char** attributes) {
          static_cast<XmlHandlers*>(data)->start(local(name), attributes);
        },
        [](void* data, const XML_Char* name) { static_cast<XmlHandlers*>(data)->end(local(name)); });
    XML_SetCharacterDataHandler(parser.get(), [](void* data, const XML_Char* text, int length) {
      static_cast<XmlHandlers*>(data)->text(std::string_view(text, static_cast<std::size_t>(length)));
    });
    std::vector<char> buffer(tuning::kXlsxReadChunkBytes);
    std::uint64_t total = 0;
    while (true) {
      zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
      if (n < 0) return not_a_workbook(fmt::format("{} unreadable", part));
      total += static_cast<std::uint64_t>(n);
      if (total > tuning::kXlsxPartMaxBytes) return not_a_workbook(fmt::format("{} too large", part));
      if (XML_Parse(parser.get(), buffer.data(), static_cast<int>(n), n == 0) == XML_STATUS_ERROR)
        return not_a_workbook(fmt::format("{}: {} (line {})", part, XML_ErrorString(XML_GetErrorCode(parser.get())),
                                          XML_GetCurrentLineNumber(parser.get())));
      if (n == 0) return Status::ok();
    }
  }

 private:
  explicit Workbook(zip_t* archive) : zip_(archive) {}
  std::unique_ptr<zip_t, ZipCloser> zip_;
};

// Excel's built-in date and time formats (ECMA-376 Part 1, 18.8.30: numFmtId 14–22, 45–47) and the East Asian
// ones (27–36, 50–58) that Chinese Excel and WPS use for 2014年3月15日.
bool builtin_date_format(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

// A custom format code that shows a date: y, m, d (or 年 月 日) outside quoted text and [colour] brackets.
bool custom_date_format(std::string_view code) {
  bool quoted = false, bracket = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') quoted = !quoted;
    else if (!quoted && c == '[') bracket = true;
    else if (!quoted && c == ']') bracket = false;
    else if (!quoted && !bracket && c == '\\') ++i;
    else if (!quoted && !bracket && (c == 'y' || c == 'Y' || c == 'd' || c == 'D')) return true;
  }
  return false;
}

// Which cell styles (the s attribute, an index into cellXfs) are dates.
Result<std::vector<bool>> date_styles(const Workbook& book) {
  std::vector<bool> dates;
  if (!book.has("xl/styles.xml")) return dates;
  std::map<int, bool> custom;  // numFmtId -> is a date
  bool in_cell_xfs = false;
  XmlHandlers handlers;
  handlers.start = [&](std::string_view name, const XML_Char** attributes) {
    if (name == "numFmt")
      custom[std::atoi(std::string(attribute(attributes, "numFmtId")).c_str())] =
          custom_date_format(attribute(attributes, "formatCode"));
    else if (name == "cellXfs")
      in_cell_xfs = true;
    else if (name == "xf" && in_cell_xfs) {
      int id = std::atoi(std::string(attribute(attributes, "numFmtId")).c_str());
      auto it = custom.find(id);
      dates.push_back(it != custom.end() ? it->second : builtin_date_format(id));
    }
  };
  handlers.end = [&](std::string_view name) {
    if (name == "cellXfs") in_cell_xfs = false;
  };
  if (Status parsed = book.parse("xl/styles.xml", handlers); !parsed) return parsed;
  return dates;
}

// The shared strings, by index: each <si>'s text runs joined, without phonetic guides (<rPh>).
Result<std::vector<std::string>> shared_strings(const Workbook& book) {
  std::vector<std::string> strings;
  if (!book.has("xl/sharedStrings.xml")) return strings;
  bool in_text = false;
  int phonetic = 0;
  XmlHandlers handlers;
  handlers.start = [&](std::string_view name, const XML_Char**) {
    if (name == "si") strings.emplace_back();
    else if (name == "rPh") ++phonetic;
    else if (name == "t") in_text = phonetic == 0 && !strings.empty();
  };
  handlers.end = [&](std::string_view name) {
    if (name == "rPh") --phonetic;
    else if (name == "t") in_text = false;
  };
  handlers.text = [&](std::string_view text) {
    if (in_text) strings.back() += text;
  };
  if (Status parsed = book.parse("xl/sharedStrings.xml", handlers); !parsed) return parsed;
  return strings;
}

// The worksheet part of the first sheet or of the one named: the workbook's sheet list, then its relationships.
Result<std::string> sheet_part(const Workbook& book, std::string_view wanted, std::string& sheet_used) {
  std::vector<std::pair<std::string, std::string>> sheets;  // (name, relationship id), in workbook order
  XmlHandlers list;
  list.start = [&](std::string_view name, const XML_Char** attributes) {
    if (name == "sheet")
      sheets.emplace_back(std::string(attribute(attributes, "name")), std::string(attribute_ending(attributes, ":id")));
  };
  if (Status parsed = book.parse("xl/workbook.xml", list); !parsed) return parsed;
  if (sheets.empty()) return not_a_workbook("no sheets");
  const std::pair<std::string, std::string>* chosen = &sheets.front();
  if (!wanted.empty()) {
    chosen = nullptr;
    std::string names;
    for (const auto& sheet : sheets) {
      if (sheet.first == wanted) chosen = &sheet;
      names += (names.empty() ? "" : "、") + sheet.first;
    }
    if (!chosen)
      return Status::invalid("sheet", trf("工作簿中没有名为“{}”的工作表；有：{}", "the workbook has no sheet '{}'; it has: {}",
                                          wanted, names));
  }
  sheet_used = chosen->first;
  std::string target;
  XmlHandlers rels;
  rels.start = [&](std::string_view name, const XML_Char** attributes) {
    if (name == "Relationship" && attribute(attributes, "Id") == chosen->second)
      target = std::string(attribute(attributes, "Target"));
  };
  if (Status parsed = book.parse("xl/_rels/workbook.xml.rels", rels); !parsed) return parsed;
  if (target.empty()) return not_a_workbook(fmt::format("sheet {} has no part", chosen->first));
  // Targets are relative to xl/ unless absolute.
  return target.front() == '/' ? target.substr(1) : "xl/" + target;
}

// The 0-based column of a cell reference ("C7" -> 2), or -1 without one.
int column_of(std::string_view ref) {
  int column = 0;
  std::size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) column = column * 26 + (ref[i] - 'A' + 1);
  return i == 0 ? -1 : column - 1;
}

// Beyond this, a number in a cell has lost digits (a double keeps 15 significant decimal digits): Excel shows it
// in scientific notation, and so does the reader, so that an ID number typed as a number is refused for that.
constexpr double kExactDigitsLimit = 1e15;

// A number cell as Excel shows it in a General cell: whole numbers without ".0", long ones as 3.20324E+17.
std::string number_text(std::string_view raw) {
  const std::string text(raw);
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return text;
  if (std::fabs(value) >= kExactDigitsLimit) return fmt::format("{:.5E}", value);
  if (value == std::floor(value)) return fmt::format("{:.0f}", value);
  return text;
}

// A date cell's serial as YYYY-MM-DD (the time of day, the fraction, dropped; serials from 1900-03-01 on).
std::string date_text(std::string_view raw) {
  const double serial = std::strtod(std::string(raw).c_str(), nullptr);
  return Date(1899, 12, 30).plus_days(static_cast<std::int64_t>(std::floor(serial))).to_string();
}

}  // namespace

bool looks_like_xlsx(std::string_view bytes) { return bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4); }

Result<std::vector<SheetRow>> read_xlsx(std::string_view bytes, std::string_view sheet, std::string& sheet_used) {
  auto book = Workbook::open(bytes);
  if (!book) return book.status();
  auto part = sheet_part(book.value(), sheet, sheet_used);
  if (!part) return part.status();
  auto strings = shared_strings(book.value());
  if (!strings) return strings.status();
  auto dates = date_styles(book.value());
  if (!dates) return dates.status();

  std::vector<SheetRow> rows;
  struct Cell {
    int column = -1;
    std::string type;  // the t attribute: s, str, inlineStr, b, e, d, or n (the default)
    int style = 0;
    std::string value;  // <v>, or the inline string's text
    bool in_value = false;
  } cell;
  int next_column = 0;
  XmlHandlers handlers;
  handlers.start = [&](std::string_view name, const XML_Char** attributes) {
    if (name == "row") {
      std::string_view r = attribute(attributes, "r");
      rows.push_back({r.empty() ? static_cast<int>(rows.size()) + 1 : std::atoi(std::string(r).c_str()), {}});
      next_column = 0;
    } else if (name == "c" && !rows.empty()) {
      cell = Cell{};
      cell.column = column_of(attribute(attributes, "r"));
      if (cell.column < 0) cell.column = next_column;
      cell.type = std::string(attribute(attributes, "t"));
      cell.style = std::atoi(std::string(attribute(attributes, "s")).c_str());
    } else if (name == "v" || name == "t") {
      cell.in_value = true;
    }
  };
  handlers.text = [&](std::string_view text) {
    if (cell.in_value) cell.value += text;
  };
  handlers.end = [&](std::string_view name) {
    if (name == "v" || name == "t") {
      cell.in_value = false;
    } else if (name == "c" && !rows.empty()) {
      std::string text;
      if (cell.type == "s") {
        const auto index = static_cast<std::size_t>(std::atoi(cell.value.c_str()));
        if (index < strings->size()) text = (*strings)[index];
      } else if (cell.type == "b") {
        text = cell.value == "1" ? "TRUE" : "FALSE";
      } else if (cell.type == "d") {
        text = cell.value.substr(0, 10);  // an ISO 8601 date cell
      } else if (cell.type.empty() || cell.type == "n") {
        const bool is_date = cell.style >= 0 && static_cast<std::size_t>(cell.style) < dates->size() &&
                             (*dates)[static_cast<std::size_t>(cell.style)];
        if (!cell.value.empty()) text = is_date ? date_text(cell.value) : number_text(cell.value);
      } else {
        text = cell.value;  // str (a formula's text), inlineStr, e (an error such as #N/A)
      }
      auto& cells = rows.back().cells;
      if (static_cast<int>(cells.size()) <= cell.column) cells.resize(static_cast<std::size_t>(cell.column) + 1);
      cells[static_cast<std::size_t>(cell.column)] = std::move(text);
      next_column = cell.column + 1;
    }
  };
  if (Status parsed = book->parse(part.value(), handlers); !parsed) return parsed;
  return rows;
}

}  // namespace tongdang
