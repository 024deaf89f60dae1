// Ledger export (ledger.h): the children in the acting user's scope as CSV (for Excel) or JSON, audited.
#include "core/ledger/ledger.h"

#include <algorithm>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"

namespace tongdang {

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

// The children as a CSV file for Excel: a BOM, the header row, one row per child, CRLF line ends.
std::string ledger_csv(const std::vector<json>& children) {
  const bool zh = i18n::language() == i18n::Lang::Zh;
  const std::vector<const LedgerColumn*> columns = export_columns();
  std::string out(kUtf8Bom);  // Excel opens UTF-8 CSV correctly only with a BOM
  for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_cell(header_text(*columns[i]));
  out += "\r\n";
  for (const auto& child : children) {
    const FamilyByRole family = family_by_role(child, zh);
    std::vector<std::string> cells;
    for (const LedgerColumn* column : columns) {
      const std::string text = export_cell(child, family, std::string(column->name), zh);
      cells.push_back(is_full_id_number(column->name, text) ? excel_text_cell(text) : csv_cell(text));
    }
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
    out += "\r\n";
  }
  return out;
}

}  // namespace

Result<ExportResult> export_children(Station& station, const ExportOptions& options) {
  ChildFilter filter;
  filter.include_closed = options.include_closed;
  auto children = list_children(station, filter, options.full_id);
  if (!children) return children.status();
  ExportResult result;
  result.children = static_cast<int>(children->size());
  if (options.format == ExportFormat::Json)
    result.content = json(children.value()).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  else
    result.content = ledger_csv(children.value());

  Status audited = station.write([&](WriteContext& w) {
    w.audit("ledger.export", "station", station.station_id(), json(),
            json{{"format", options.format == ExportFormat::Csv ? "csv" : "json"},
                 {"children", result.children},
                 {"full_id", options.full_id},
                 {"include_closed", options.include_closed}});
    return Status::ok();
  });
  if (!audited) return audited;
  return result;
}

}  // namespace tongdang
