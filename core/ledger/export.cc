// Ledger export (ledger.h): the children in the acting user's scope as CSV (for Excel), an Excel workbook or JSON,
// audited. Every format streams: one child's view is read, written out and dropped before the next (for_each_child),
// so a county's 100,000 children export in a few tens of MB, not the whole list's JSON.
#include "core/ledger/ledger.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

namespace {

// A value as an Excel user reads it: labels in the current language for vocabularies and yes/no.
std::string cell_text(const FieldSpec* spec, const json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return i18n::label(value.get<bool>() ? "yes" : "no");
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (!value.is_string()) return value.dump();
  const std::string text = value;
  if (spec && spec->kind == FieldKind::Choice && i18n::language() == i18n::Lang::Zh) return i18n::label(text);
  return text;
}

std::string header_text(const LedgerColumn& column) {
  return i18n::language() == i18n::Lang::Zh ? std::string(column.chinese.front()) : std::string(column.name);
}

// Column order: the file's id, the ledger columns, then the export-only state.
std::vector<const LedgerColumn*> export_columns() {
  std::vector<const LedgerColumn*> columns;
  columns.push_back(find_ledger_column("id"));
  for (const auto& column : ledger_columns())
    if (std::find(kExportOnlyColumns.begin(), kExportOnlyColumns.end(), column.name) == kExportOnlyColumns.end())
      columns.push_back(&column);
  for (std::string_view name : {"status", "colour", "other_relatives"}) columns.push_back(find_ledger_column(name));
  return columns;
}

// The family by role: the first father, the first mother, the guardian (indexed as kRelativePrefixes); everyone
// else in one cell.
struct FamilyByRole {
  const json* by_prefix[3] = {nullptr, nullptr, nullptr};
  std::string others;
};

FamilyByRole family_by_role(const json& child, bool zh) {
  FamilyByRole family;
  auto& by_prefix = family.by_prefix;
  for (const auto& relative : child["relatives"]) {
    const std::string relation = relative.value("relation", "");
    const bool guardian = relative.value("is_guardian", false);
    if (relation == "father" && !by_prefix[0])
      by_prefix[0] = &relative;
    else if (relation == "mother" && !by_prefix[1])
      by_prefix[1] = &relative;
    else if (guardian && !by_prefix[2])
      by_prefix[2] = &relative;
    else
      family.others += (family.others.empty() ? "" : (zh ? "；" : "; ")) +
                       cell_text(find_field(relative_fields(), "relation"), relative["relation"]) + " " +
                       relative.value("name", "") + " (" +
                       cell_text(find_field(relative_fields(), "status"), relative["status"]) + ")";
    // A parent who is also the guardian fills the guardian columns too.
    if (guardian && !by_prefix[2] && (relation == "father" || relation == "mother")) by_prefix[2] = &relative;
  }
  return family;
}

// One child's cell in the named column, as text (not yet quoted for CSV).
std::string export_cell(const json& child, const FamilyByRole& family, const std::string& name, bool zh) {
  std::string text;
  if (name == "categories") {
    for (const auto& category : child["categories"])
      text += (text.empty() ? "" : (zh ? "、" : ";")) +
              (zh ? i18n::label(category.get<std::string>()) : category.get<std::string>());
  } else if (name == "colour") {
    text = child["colour"].is_null()
               ? ""
               : (zh ? i18n::label(child["colour"].get<std::string>()) : child["colour"].get<std::string>());
  } else if (name == "status") {
    text = zh ? i18n::label(child.value("status", "open")) : child.value("status", "open");
  } else if (name == "other_relatives") {
    text = family.others;
  } else if (name == "id") {
    text = child["id"];
  } else if (auto prefix = std::find_if(kRelativePrefixes.begin(), kRelativePrefixes.end(),
                                        [&](std::string_view p) { return name.rfind(p, 0) == 0; });
             prefix != kRelativePrefixes.end()) {
    const json* relative = family.by_prefix[prefix - kRelativePrefixes.begin()];
    std::string field = name.substr(prefix->size());
    if (relative && relative->contains(field))
      text = cell_text(find_field(relative_fields(), field), (*relative)[field]);
  } else if (child.contains(name)) {
    text = cell_text(find_field(child_fields(), name), child[name]);
  }
  return text;
}

// A full ID number (a masked one holds '*', which Excel keeps as text anyway).
bool is_full_id_number(std::string_view column, const std::string& text) {
  return column.size() >= 9 && column.substr(column.size() - 9) == "id_number" && !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == 'X'; });
}

// A long number Excel must keep as text: the cell ="320324…" (Excel shows the text, every digit kept, and saves it
// back as text), quoted for CSV. Only digits and X come here, so the formula can be nothing but that text; the
// import reads it back (cells.h clean_cell). csv_cell's guard would instead show Excel an apostrophe.
std::string excel_text_cell(const std::string& digits) { return "\"=\"\"" + digits + "\"\"\""; }

// One child's row: the text of each export column (not yet quoted for CSV).
std::vector<std::string> export_row(const json& child, const std::vector<const LedgerColumn*>& columns, bool zh) {
  const FamilyByRole family = family_by_role(child, zh);
  std::vector<std::string> cells;
  cells.reserve(columns.size());
  for (const LedgerColumn* column : columns) cells.push_back(export_cell(child, family, std::string(column->name), zh));
  return cells;
}

// A writer of one format: the header, then each child's row as it is read, then the end.
class ExportWriter {
 public:
  virtual ~ExportWriter() = default;
  virtual void child(const json& child) = 0;
  virtual Status finish() = 0;
};

// CSV for Excel: a BOM, the header row, one row per child, CRLF line ends.
class CsvWriter final : public ExportWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out), zh_(i18n::language() == i18n::Lang::Zh), columns_(export_columns()) {
    out_ << kUtf8Bom;  // Excel opens UTF-8 CSV correctly only with a BOM
    for (std::size_t i = 0; i < columns_.size(); ++i) out_ << (i ? "," : "") << csv_cell(header_text(*columns_[i]));
    out_ << "\r\n";
  }
  void child(const json& child) override {
    const std::vector<std::string> cells = export_row(child, columns_, zh_);
    for (std::size_t i = 0; i < cells.size(); ++i)
      out_ << (i ? "," : "")
           << (is_full_id_number(columns_[i]->name, cells[i]) ? excel_text_cell(cells[i]) : csv_cell(cells[i]));
    out_ << "\r\n";
  }
  Status finish() override { return Status::ok(); }

 private:
  std::ostream& out_;
  bool zh_;
  std::vector<const LedgerColumn*> columns_;
};

// The JSON array, as json::dump(2) writes it, one element at a time.
class JsonWriter final : public ExportWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}
  void child(const json& child) override {
    std::string text = child.dump(2, ' ', false, json::error_handler_t::replace);
    // An element of the array is indented one level more than the child on its own.
    std::string indented;
    indented.reserve(text.size() + text.size() / 8);
    for (char c : text) {
      indented += c;
      if (c == '\n') indented += "  ";
    }
    out_ << (first_ ? "[\n  " : ",\n  ") << indented;
    first_ = false;
  }
  Status finish() override {
    out_ << (first_ ? "[]\n" : "\n]\n");
    return Status::ok();
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

// The width Excel needs for a text: a CJK character takes two columns, anything else one.
double display_width(std::string_view text) {
  double width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    width += byte >= 0xE0 ? 2 : 1;        // three- and four-byte sequences are CJK here (U+0800 on)
  }
  return width;
}

constexpr double kXlsxMinWidth = 6;   // Excel's own default is 8.43
constexpr double kXlsxMaxWidth = 60;  // a long address wraps in the cell rather than making the sheet unreadable

// An Excel workbook: one sheet (台账), Chinese headers in bold, the header row frozen, every cell a text cell with
// Excel's text format ("@"), so that ID numbers and codes keep every digit even when a user edits them; columns as
// wide as their longest cell. libxlsxwriter's constant_memory mode writes each row to a temporary file as it comes;
// the widths are set at the end, which that mode allows (the <cols> part is assembled on close).
class XlsxWriter final : public ExportWriter {
 public:
  XlsxWriter(std::string path, std::ostream& out)
      : path_(std::move(path)), out_(out), zh_(i18n::language() == i18n::Lang::Zh), columns_(export_columns()) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    workbook_ = workbook_new_opt(path_.c_str(), &options);
    if (!workbook_) return;
    sheet_ = workbook_add_worksheet(workbook_, zh_ ? "台账" : "ledger");
    text_ = workbook_add_format(workbook_);
    format_set_num_format(text_, "@");
    lxw_format* head = workbook_add_format(workbook_);
    format_set_num_format(head, "@");
    format_set_bold(head);
    worksheet_freeze_panes(sheet_, 1, 0);
    widths_.assign(columns_.size(), kXlsxMinWidth);
    for (std::size_t i = 0; i < columns_.size(); ++i) write(0, i, header_text(*columns_[i]), head);
  }
  ~XlsxWriter() override {
    if (workbook_) workbook_close(workbook_);  // only when finish() was not reached: the file is removed anyway
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  void child(const json& child) override {
    ++row_;
    const std::vector<std::string> cells = export_row(child, columns_, zh_);
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (!cells[i].empty()) write(row_, i, cells[i], text_);
  }
  Status finish() override {
    if (!workbook_ || failed_) return failure();
    for (std::size_t i = 0; i < columns_.size(); ++i)
      worksheet_set_column(sheet_, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i),
                           std::min(widths_[i] + 2, kXlsxMaxWidth), text_);
    const lxw_error closed = workbook_close(workbook_);
    workbook_ = nullptr;
    if (closed != LXW_NO_ERROR) return failure(lxw_strerror(closed));
    // The workbook is complete only now: copied to the output in blocks, never whole in memory.
    std::ifstream file(path_, std::ios::binary);
    char block[1 << 16];
    while (file.read(block, sizeof block) || file.gcount() > 0) out_.write(block, file.gcount());
    if (!file.eof() || !out_) return failure();
    return Status::ok();
  }

 private:
  void write(lxw_row_t row, std::size_t column, const std::string& text, lxw_format* format) {
    if (worksheet_write_string(sheet_, row, static_cast<lxw_col_t>(column), text.c_str(), format) != LXW_NO_ERROR)
      failed_ = true;
    widths_[column] = std::max(widths_[column], display_width(text));
  }
  Status failure(std::string_view why = "") const {
    return Status::internal(trf("写 Excel 工作簿失败{}", "writing the Excel workbook failed{}",
                                why.empty() ? std::string() : "：" + std::string(why)));
  }

  std::string path_;
  std::ostream& out_;
  bool zh_;
  std::vector<const LedgerColumn*> columns_;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* text_ = nullptr;
  std::vector<double> widths_;
  lxw_row_t row_ = 0;
  bool failed_ = false;
};

// A private temporary file for the workbook libxlsxwriter writes by name (0600: it holds children's files).
Result<std::string> temporary_workbook_path() {
  std::string path = (std::filesystem::temp_directory_path() / "tongdang-export-XXXXXX").string();
  const int fd = ::mkstemp(path.data());
  if (fd < 0) return Status::internal(tr("不能创建临时文件", "cannot create a temporary file"));
  ::close(fd);
  return path;
}

std::string_view format_name(ExportFormat format) {
  switch (format) {
    case ExportFormat::Csv: return "csv";
    case ExportFormat::Json: return "json";
    case ExportFormat::Xlsx: return "xlsx";
  }
  return "csv";
}

}  // namespace

Result<int> export_children_to(Station& station, const ExportOptions& options, std::ostream& out) {
  ChildFilter filter;
  filter.include_closed = options.include_closed;
  // The writer starts (a CSV header, a temporary workbook) only once for_each_child has passed its checks, so a
  // refused export writes nothing at all.
  std::unique_ptr<ExportWriter> writer;
  Status started = Status::ok();
  auto start = [&]() {
    if (writer || !started) return;
    if (options.format == ExportFormat::Xlsx) {
      auto path = temporary_workbook_path();
      if (!path) started = path.status();
      else writer = std::make_unique<XlsxWriter>(path.value(), out);
    } else if (options.format == ExportFormat::Json) {
      writer = std::make_unique<JsonWriter>(out);
    } else {
      writer = std::make_unique<CsvWriter>(out);
    }
  };
  int children = 0;
  Status listed = for_each_child(station, filter, options.full_id, [&](const json& child) {
    start();
    if (writer) writer->child(child);
    ++children;
  });
  if (!listed) return listed;
  start();
  if (!started) return started;
  if (Status finished = writer->finish(); !finished) return finished;
  if (!out) return Status::internal(tr("写出导出文件失败", "writing the export failed"));

  Status audited = station.write([&](WriteContext& w) {
    w.audit("ledger.export", "station", station.station_id(), json(),
            json{{"format", format_name(options.format)},
                 {"children", children},
                 {"full_id", options.full_id},
                 {"include_closed", options.include_closed}});
    return Status::ok();
  });
  if (!audited) return audited;
  return children;
}

Result<ExportResult> export_children(Station& station, const ExportOptions& options) {
  std::ostringstream out;
  auto children = export_children_to(station, options, out);
  if (!children) return children.status();
  return ExportResult{std::move(out).str(), children.value()};
}

}  // namespace tongdang
