// Ledger import (ledger.h). The whole ledger is checked and written in one transaction, row by row: a row that
// passes every check is written at once and dropped, so a 100,000-row ledger never holds its prepared files in
// memory (docs/benchmarks.md); if any row is bad (and the import is not partial) the transaction is rolled back and
// nothing stays written. The checks run inside that transaction so that a child registered by another process in
// the meantime is still caught as a duplicate; a dry run writes nothing at all.
#include "core/ledger/ledger.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/base/tuning.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/store/profile.h"
#include "core/store/projection.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

json LedgerReport::to_json() const {
  json out = {{"rows", rows},         {"children", children}, {"relatives", relatives},
              {"dry_run", dry_run},   {"written", written},   {"child_ids", child_ids},
              {"partial", partial},   {"rows_left_out", rows_left_out},
              {"updated", updated},   {"unchanged", unchanged}};
  out["problems"] = json::array();
  for (const auto& p : problems)
    out["problems"].push_back({{"line", p.line}, {"column", p.column}, {"field", p.field}, {"reason", p.reason}});
  out["encoding"] = encoding;
  out["header_line"] = header_line;
  out["skipped_rows"] = json::array();
  for (const auto& r : skipped_rows) out["skipped_rows"].push_back({{"line", r.line}, {"text", r.text}});
  out["ignored_columns"] = ignored_columns;
  out["warnings"] = json::array();
  for (const auto& w : warnings)
    out["warnings"].push_back({{"line", w.line}, {"column", w.column}, {"message", w.message}});
  return out;
}

std::vector<std::string> LedgerReport::reading_notes() const {
  std::vector<std::string> notes;
  notes.push_back(trf("编码：{}；表头在第 {} 行", "encoding: {}; header on line {}", encoding, header_line));
  for (const auto& row : skipped_rows)
    notes.push_back(trf("跳过表头上方第 {} 行：{}", "skipped line {} above the header: {}", row.line, row.text));
  if (!ignored_columns.empty()) {
    std::string listed;
    for (const auto& column : ignored_columns) listed += (listed.empty() ? "" : "、") + column;
    notes.push_back(trf("忽略不属于台账的列：{}", "ignored columns that are not the ledger's: {}", listed));
  }
  return notes;
}

namespace {

// A file an update changes: its id and the normalised fields that differ (child_changes).
struct ChildUpdate {
  std::string child_id;
  json changed;
};

// A row that passed every check.
struct PreparedRow {
  PreparedChild child;
  std::vector<std::pair<std::string, json>> relatives;  // (id, normalised fields)
};

// The import refreshes the derived rows (workflow state, report rows) of the children written so far every this many
// children, inside its one transaction, instead of once for all at commit: the batch's list of touched children and
// what a refresh reads for them stay small (a 100,000-row ledger peaked at 335 MB with a single refresh at commit).
// Each row's child is complete when its row is written, so the rows left are the same.
constexpr std::size_t kRefreshEveryChildren = 1000;

// Where the rows that passed go, as each is checked: written at once (or only counted, on a dry run or once an
// all-or-nothing import has a bad row and will be rolled back).
struct RowSink {
  std::function<void(PreparedRow&&)> child;
  std::function<void(ChildUpdate&&)> update;
};

// Splits a categories cell on 、 ; ； | ， and commas.
std::vector<std::string> split_categories(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    auto item = trim_cell(current);
    if (!item.empty()) out.emplace_back(item);
    current.clear();
  };
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == ';' || text[i] == '|' || text[i] == ',') {
      flush();
      ++i;
    } else if (text.substr(i, 3) == "、" || text.substr(i, 3) == "；" || text.substr(i, 3) == "，") {
      flush();
      i += 3;
    } else {
      current += text[i++];
    }
  }
  flush();
  return out;
}

// The file's header: which column each cell position holds (nullptr for a column that is not ours, ignored).
struct Header {
  int line = 0;
  std::vector<const LedgerColumn*> columns;          // by position
  std::vector<std::string> written;                  // header text as in the file, by position
  std::map<std::string, std::string, std::less<>> header_of;  // machine name -> header text as in the file
};

bool blank_row(const SheetRow& row) {
  return std::all_of(row.cells.begin(), row.cells.end(), [](const std::string& c) { return trim_cell(c).empty(); });
}

// How many cells of a row name ledger columns: the header row is the first with any (a title or a date above it
// names none; a header with a misspelt column still names 姓名, and is then refused for what it lacks).
int known_columns(const SheetRow& row) {
  return static_cast<int>(std::count_if(row.cells.begin(), row.cells.end(),
                                        [](const std::string& c) { return find_ledger_column(clean_cell(c)) != nullptr; }));
}
constexpr int kHeaderKnownColumnsMin = 1;

// The header row among the first non-blank rows (tuning::kHeaderSearchRows); the rows above it go to the report.
Result<std::size_t> find_header(const std::vector<SheetRow>& rows, LedgerReport& report) {
  std::vector<std::size_t> above;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(above.size()) < tuning::kHeaderSearchRows; ++i) {
    if (blank_row(rows[i])) continue;
    if (known_columns(rows[i]) >= kHeaderKnownColumnsMin) {
      for (std::size_t a : above) {
        std::string text;
        for (const auto& cell : rows[a].cells)
          if (auto t = trim_cell(cell); !t.empty()) text += (text.empty() ? "" : " ") + std::string(t);
        report.skipped_rows.push_back({rows[a].line, text});
      }
      return i;
    }
    above.push_back(i);
  }
  if (above.empty()) return Status::invalid("file", tr("台账文件是空的", "the ledger file is empty"));
  return Status::invalid("column", trf("前 {} 行中没有表头（表头要有“姓名”“村居代码”等列名，见用户手册“台账列”）",
                                       "no header row among the first {} rows (a header names columns such as 姓名 "
                                       "and 村居代码; see the user guide, \"Ledger columns\")",
                                       tuning::kHeaderSearchRows));
}

Result<Header> read_header(const SheetRow& record, bool update, LedgerReport& report) {
  Header header;
  header.line = record.line;
  std::vector<std::string> cells = record.cells;
  while (!cells.empty() && trim_cell(cells.back()).empty()) cells.pop_back();  // trailing empty cells Excel adds
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string text = clean_cell(cells[i]);
    const LedgerColumn* column = text.empty() ? nullptr : find_ledger_column(text);
    header.columns.push_back(column);
    header.written.push_back(text);
    if (!column) {
      // Columns that are not ours (序号, 备注, an empty one): ignored, and listed once so a misspelt one shows.
      report.ignored_columns.push_back(
          text.empty() ? trf("第 {} 列（无列名）", "column {} (no name)", i + 1).str() : text);
      continue;
    }
    if (std::find(kExportOnlyColumns.begin(), kExportOnlyColumns.end(), column->name) != kExportOnlyColumns.end()) {
      if (!update)
        return Status::invalid("column", trf("“{}”只在导出时写出；导入新台账时请删除该列（再次导入导出的台账请加 --update）",
                                             "'{}' is written by export only; remove that column to import a ledger "
                                             "(to import an export again, use --update)",
                                             text));
      // An update matches files by the export's 编号 (id); the export's state columns are not edited by a ledger.
      if (column->name != "id") {
        header.columns.back() = nullptr;
        report.ignored_columns.push_back(text);
        continue;
      }
    }
    if (header.header_of.count(column->name))
      return Status::invalid("column", trf("列“{}”与“{}”重复", "column '{}' repeats '{}'", text,
                                           header.header_of[std::string(column->name)]));
    header.header_of[std::string(column->name)] = text;
  }
  // The columns a user must fill: the child's Entered fields (profile.h).
  for (const auto& spec : child_fields())
    if (spec.presence == Presence::Entered && !header.header_of.count(spec.name)) {
      const LedgerColumn* column = find_ledger_column(spec.name);
      std::string ignored;
      for (const auto& text : report.ignored_columns) ignored += (ignored.empty() ? "" : "、") + text;
      if (ignored.empty())
        return Status::invalid("column", trf("缺少必需的列“{}”（{}）", "the required column '{1}' ({0}) is missing",
                                             column->chinese.front(), column->name));
      return Status::invalid("column", trf("缺少必需的列“{}”（{}）；未识别的列：{}",
                                           "the required column '{1}' ({0}) is missing; columns not recognised: {2}",
                                           column->chinese.front(), column->name, ignored));
    }
  return header;
}

// One row being checked: where its problems go.
struct RowCheck {
  const Header& header;
  const SheetRow& record;
  LedgerReport& report;

  std::string column_of(std::string_view field) const {
    auto it = header.header_of.find(field);
    return it == header.header_of.end() ? std::string() : it->second;
  }
  void problem(std::string_view field, std::string reason) const {
    report.problems.push_back({record.line, column_of(field), std::string(field), std::move(reason)});
  }
  void warning(std::string_view field, std::string message) const {
    report.warnings.push_back({record.line, column_of(field), std::move(message)});
  }
};

// A row's cells by what they fill: the child's fields and categories, and the family's columns by prefix.
// `reported`: the fields whose cell was already found bad while reading it (not checked again).
struct RowCells {
  NewChild input;
  std::map<std::string, std::map<std::string, std::string>> relatives;  // prefix -> field -> raw
  std::set<std::string, std::less<>> reported;
};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The field spec a column fills: the child's, or a relative's for the prefixed columns.
const FieldSpec* spec_of(std::string_view name) {
  for (std::string_view prefix : kRelativePrefixes)
    if (name.substr(0, prefix.size()) == prefix) return find_field(relative_fields(), name.substr(prefix.size()));
  return find_field(child_fields(), name);
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A village cell given by name (大吴村, 庄楼社区): its code within the station's township, or the problem.
std::optional<std::string> village_by_name(Station& station, const RowCheck& row, std::string_view field,
                                           const std::string& written) {
  const Divisions& table = Divisions::bundled();
  VillageMatch match = table.find_village(station.township(), written);
  if (match.village) return match.village->code;
  std::string listed;
  for (const Village* v : match.candidates)
    listed += (listed.empty() ? "" : "、") + fmt::format("{}（{}）", v->name, v->code);
  const std::string township = division_label(station.township());
  if (match.ambiguous)
    row.problem(field, trf("“{}”在{}有不止一个村(居)：{}；请写全称或12位代码", "'{}' names more than one village of "
                           "{}: {}; write the full name or the 12-digit code",
                           written, township, listed));
  else if (!listed.empty())
    row.problem(field, trf("{}没有名为“{}”的村(居)；相近的有：{}", "{} has no village named '{}'; similar: {}",
                           township, written, listed));
  else
    row.problem(field, trf("{}没有名为“{}”的村(居)（{}年代码表）", "{} has no village named '{}' (the {} code table)",
                           township, written, Divisions::bundled_vintage()));
  return std::nullopt;
}

// One cell made into the value the checks read (cells.h), or a problem for it: ID numbers and phones without
// spaces (and never in scientific notation), dates in any typed form as YYYY-MM-DD, villages by name as codes.
std::optional<std::string> read_cell(Station& station, const RowCheck& row, std::string_view name,
                                     std::string value) {
  const bool is_id = ends_with(name, "id_number");
  if (is_id || ends_with(name, "phone")) value = without_spaces(value);
  if (is_id && is_scientific_notation(value)) {
    row.problem(name, trf("“{}”：Excel 把身份证号变成了科学计数法，请把该列设为文本后重新保存",
                          "'{}': Excel turned the ID number into scientific notation; format the column as text "
                          "and save again",
                          value));
    return std::nullopt;
  }
  const FieldSpec* spec = spec_of(name);
  if (spec && spec->kind == FieldKind::Date)
    if (auto date = parse_ledger_date(value)) return date->to_string();
  if (spec && spec->kind == FieldKind::Village) {
    if (std::string code = without_spaces(value); all_digits(code)) return code;
    return village_by_name(station, row, name, value);
  }
  return value;
}

RowCells split_cells(Station& station, const RowCheck& row) {
  const Header& header = row.header;
  const SheetRow& record = row.record;
  RowCells out;
  for (std::size_t i = 0; i < header.columns.size() && i < record.cells.size(); ++i) {
    if (!header.columns[i]) continue;  // not a ledger column
    std::string_view name = header.columns[i]->name;
    std::string cleaned = clean_cell(record.cells[i]);
    if (cleaned.empty()) continue;
    auto read = read_cell(station, row, name, std::move(cleaned));
    if (!read) {
      out.reported.emplace(name);
      continue;
    }
    std::string value = std::move(read).value();
    if (name == "categories") {
      for (auto& category : split_categories(value)) out.input.categories.push_back(category);
      continue;
    }
    bool is_relative = false;
    for (std::string_view prefix : kRelativePrefixes)
      if (name.substr(0, prefix.size()) == prefix) {
        out.relatives[std::string(prefix)][std::string(name.substr(prefix.size()))] = value;
        is_relative = true;
      }
    if (is_relative) continue;
    out.input.fields[std::string(name)] = value;
  }
  return out;
}

// A row with more cells than the header, where the extra ones hold values (an unquoted comma).
bool has_extra_values(const Header& header, const SheetRow& record) {
  for (std::size_t i = header.columns.size(); i < record.cells.size(); ++i)
    if (!trim_cell(record.cells[i]).empty()) return true;
  return false;
}

// The guardian_* columns when the guardian is a parent already listed: that parent is marked, and the guardian's
// phone, capacity, address and ID number fill what the parent's columns left empty.
void merge_guardian_into_parent(Station& station, const RowCheck& row, Relation relation,
                                std::map<std::string, std::string>& raw, json& parent) {
  if (raw.count("name") && raw["name"] != parent["name"].get<std::string>())
    row.problem("guardian_name", trf("监护人关系为{}，但姓名“{}”与{}姓名“{}”不同", "the guardian is the {} but "
                                     "the name '{}' differs from the {}'s name '{}'",
                                     i18n::term(to_string(relation)), raw["name"], i18n::term(to_string(relation)),
                                     parent["name"].get<std::string>()));
  parent["is_guardian"] = true;
  for (const char* field : {"phone", "capacity", "address", "id_number"}) {
    if (!raw.count(field) || (parent.contains(field) && !parent[field].is_null())) continue;
    if (std::string_view(field) == "id_number") {
      auto id = parse_id_number(raw[field], station.clock().today());
      if (!id) row.problem("guardian_id_number", id.status().message());
      else parent[field] = id->text;
      continue;
    }
    auto value = normalize_field(*find_field(relative_fields(), field), raw[field]);
    if (!value) row.problem(std::string("guardian_") + field, value.status().message());
    else parent[field] = value.value();
  }
}

// The column of a corrections file that says what is wrong with each row.
constexpr const char* kCorrectionsColumn = "问题";

// The name ledgers write for a parent whose name nobody knows.
constexpr const char* kUnknownName = "不详";

// The family: father_*, mother_* and guardian_* columns become relatives of the row's child.
void prepare_family(Station& station, const RowCheck& row,
                    std::map<std::string, std::map<std::string, std::string>>& relatives, PreparedRow& prepared) {
  std::optional<std::size_t> father, mother;
  for (auto& [prefix, raw] : relatives) {
    if (prefix == "guardian_") continue;
    // A parent known only by what became of them (母亲：死亡, name left empty): the file records the fact with the
    // name 不详, as ledgers write it, rather than refusing the child.
    if (!raw.count("name")) {
      raw["name"] = kUnknownName;
      row.warning(prefix + "name", trf("{}姓名未填，记为“{}”", "the {} has no name; recorded as '{}'",
                                       i18n::term(prefix == "father_" ? "father" : "mother"), kUnknownName));
    }
    raw["relation"] = prefix == "father_" ? "father" : "mother";
    auto normalized = prepare_relative(station, raw);
    if (!normalized) {
      row.problem(prefix + normalized.status().field(), normalized.status().message());
      continue;
    }
    (prefix == "father_" ? father : mother) = prepared.relatives.size();
    prepared.relatives.emplace_back(station.new_id(), normalized.value());
  }
  auto it = relatives.find("guardian_");
  if (it == relatives.end()) return;
  auto raw = it->second;
  auto relation = raw.count("relation") ? parse_relation(raw["relation"]) : std::optional(Relation::Guardian);
  if (!relation) {
    row.problem("guardian_relation", trf("“{}”不是已知的关系（父亲、母亲、祖父、祖母、叔伯舅、姑姨、受委托监护人…）",
                                         "'{}' is not a relation (father, mother, grandfather, grandmother, uncle, "
                                         "aunt, guardian …)",
                                         raw["relation"]));
  } else if ((*relation == Relation::Father && father) || (*relation == Relation::Mother && mother)) {
    json& parent = prepared.relatives[*relation == Relation::Father ? *father : *mother].second;
    merge_guardian_into_parent(station, row, *relation, raw, parent);
  } else {
    raw["relation"] = std::string(to_string(*relation));
    if (!raw.count("status")) raw["status"] = "present";
    raw["is_guardian"] = "true";
    auto normalized = prepare_relative(station, raw);
    if (!normalized) row.problem("guardian_" + normalized.status().field(), normalized.status().message());
    else prepared.relatives.emplace_back(station.new_id(), normalized.value());
  }
}

// prepare_child stops at the first fault, so a failing row is checked cell by cell to report every bad cell at
// once; its own reason is reported when no cell is at fault. `repeated`: the row repeats an earlier row's ID number,
// already reported; the earlier row may have been written by now, and prepare_child's own reason ("already
// registered") would only say the same again.
void report_child_problems(const RowCheck& row, const RowCells& cells, const Status& refused, Date today,
                           bool repeated) {
  const std::size_t before_cells = row.report.problems.size();
  for (const auto& [name, value] : cells.input.fields) {
    if (name == "id_number") {
      auto id = parse_id_number(value, today);
      if (!id) row.problem(name, id.status().message());
    } else if (name != "hukou_status") {
      auto normalized = normalize_field(*find_field(child_fields(), name), value);
      if (!normalized) row.problem(name, normalized.status().message());
    }
  }
  for (const auto& category : cells.input.categories)
    if (!parse_category(category)) row.problem("categories", trf("“{}”不是已知类别", "'{}' is not a category", category));
  // A cell already reported while it was read (a village name, an ID number in scientific notation) is the
  // reason; prepare_child's own (e.g. "required") would only repeat it.
  if (repeated) return;  // the row is bad already; its cells were checked above
  if (row.report.problems.size() == before_cells && !cells.reported.count(refused.field())) {
    std::string field = refused.field();
    row.problem(field == "category" ? "categories" : field, refused.message());
  }
}

// The file a row of an update names: by its ID number, else by the export's 编号; "" when none (a new child).
std::string matching_file(Station& station, const RowCells& cells, Date today) {
  if (auto cell = cells.input.fields.find("id_number"); cell != cells.input.fields.end())
    if (auto id = parse_id_number(cell->second, today)) {
      auto query = station.db().cached("SELECT id FROM children WHERE id_number = ?1");
      query->bind(1, id->text);
      std::string found = query->step() ? query->get_text(0) : "";
      query->reset();
      if (!found.empty()) return found;
    }
  if (auto cell = cells.input.fields.find("id"); cell != cells.input.fields.end()) {
    auto query = station.db().cached("SELECT id FROM children WHERE id = ?1");
    query->bind(1, cell->second);
    std::string found = query->step() ? query->get_text(0) : "";
    query->reset();
    return found;
  }
  return {};
}

// The identity columns a ledger cannot change on a file (they come from the ID number; 编号 is the file's own).
constexpr std::array<std::string_view, 5> kIdentityColumns = {"id", "id_number", "sex", "birth_date", "hukou_status"};

// An update's row for a file already held: its own columns compared with the file, through child_changes (the
// checks of `child edit`); what differs is kept for the write, an unchanged row only counted.
void check_update(Station& station, const RowCheck& row, const std::string& child_id, const RowCells& cells,
                  const RowSink& sink) {
  std::map<std::string, std::string> sets;
  for (const auto& [name, value] : cells.input.fields)
    if (std::find(kIdentityColumns.begin(), kIdentityColumns.end(), name) == kIdentityColumns.end()) sets[name] = value;
  auto changed = child_changes(station, child_id, sets);
  if (!changed) {
    const std::string field = changed.status().field();
    if (!cells.reported.count(field)) row.problem(field, changed.status().message());
    return;
  }
  if (!cells.reported.empty()) return;  // a cell was bad: reported while read
  if (changed->empty()) {
    ++row.report.unchanged;
    return;
  }
  ++row.report.updated;
  sink.update({child_id, std::move(changed).value()});
}

// Checks one data row; hands it to `sink` if it passed. `line_of_id`: ID number -> first line it appears on.
void check_row(Station& station, const Header& header, const SheetRow& record, const ImportOptions& options,
               LedgerReport& report, std::unordered_map<std::string, int>& line_of_id, const RowSink& sink) {
  const bool partial = options.partial;
  const RowCheck row{header, record, report};
  const Date today = station.clock().today();
  const std::size_t problems_before = report.problems.size();
  if (record.cells.size() > header.columns.size() && has_extra_values(header, record)) {
    row.problem("", trf("该行有 {} 列，表头只有 {} 列（是否有未加引号的逗号？）",
                        "the row has {} cells but the header only {} (an unquoted comma?)", record.cells.size(),
                        header.columns.size()));
    return;
  }
  RowCells cells = split_cells(station, row);
  cells.input.aged_out_as_warning = partial;
  // Duplicates within the file, even when the first row with that ID number has problems of its own.
  bool repeated = false;
  if (auto cell = cells.input.fields.find("id_number"); cell != cells.input.fields.end()) {
    if (auto id = parse_id_number(cell->second, today)) {
      auto [it, fresh] = line_of_id.emplace(id->text, record.line);
      if (!fresh) {
        repeated = true;
        row.problem("id_number", trf("与第 {} 行的身份证号重复；同一儿童只建一个档案",
                                     "same ID number as line {}; one file per child", it->second));
      }
    }
  }
  // A repeated row is checked as a new child: the file it matches may be the one its first row has just written.
  if (options.update && !repeated)
    if (const std::string existing = matching_file(station, cells, today); !existing.empty()) {
      check_update(station, row, existing, cells, sink);
      return;
    }
  cells.input.fields.erase("id");  // an export's 编号 that matches no file: a new child gets its own
  PreparedRow prepared_row;
  prepare_family(station, row, cells.relatives, prepared_row);
  // Every rule (each field, scope, ID number against sex and date of birth, age limits, a file already on the
  // station) is prepare_child's, exactly as for `child add`.
  auto child = prepare_child(station, cells.input);
  if (!child) {
    report_child_problems(row, cells, child.status(), today, repeated);
    return;
  }
  if (report.problems.size() > problems_before) return;
  // prepare_child's warnings are about the ID number (an unknown county) or a village code the table lacks; the
  // latter name the code, which says which column they are for.
  for (const auto& warning : child->warnings) {
    std::string_view field = "id_number";
    for (const char* village : {"village", "registered_village"})
      if (auto it = cells.input.fields.find(village);
          it != cells.input.fields.end() && warning.find(it->second) != std::string::npos)
        field = village;
    row.warning(field, warning);
  }
  for (const auto& warning : child->category_warnings) row.warning("categories", warning);
  prepared_row.child = std::move(child).value();
  sink.child(std::move(prepared_row));
}

// Checks ledger rows; hands the good ones to `sink`, fills `bad_rows` and the report's problems and warnings.
void check_rows(Station& station, const Header& header, const std::vector<SheetRow>& records, std::size_t first,
                const ImportOptions& options, LedgerReport& report, const RowSink& sink,
                std::vector<const SheetRow*>& bad_rows) {
  std::unordered_map<std::string, int> line_of_id;
  for (std::size_t r = first; r < records.size(); ++r) {
    const SheetRow& record = records[r];
    if (blank_row(record)) continue;  // blank rows (Excel leaves ",,,," lines at the end)
    ++report.rows;
    const std::size_t problems_before = report.problems.size();
    check_row(station, header, record, options, report, line_of_id, sink);
    if (report.problems.size() > problems_before) bad_rows.push_back(&record);
  }
  // In file order: by line, then by the column's position in the header.
  auto position = [&](const LedgerProblem& p) {
    auto it = std::find(header.written.begin(), header.written.end(), p.column);
    return it - header.written.begin();
  };
  std::stable_sort(report.problems.begin(), report.problems.end(), [&](const LedgerProblem& a, const LedgerProblem& b) {
    return a.line != b.line ? a.line < b.line : position(a) < position(b);
  });
}

// The rows left out of a partial import as a ledger to correct: the header as in the file and a 问题 column with
// every reason of the row ("身份证号：…；类别：…"), so the file imports again once corrected (问题 is not a ledger
// column, so it is ignored then).
std::string corrections_csv(const Header& header, const std::vector<const SheetRow*>& bad_rows,
                            const std::vector<LedgerProblem>& problems) {
  if (bad_rows.empty()) return {};
  std::string out = "\xEF\xBB\xBF";  // Excel opens UTF-8 CSV correctly only with a BOM
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_cell(cells[i]);
    out += "\r\n";
  };
  std::vector<std::string> head = header.written;
  head.push_back(kCorrectionsColumn);
  line(head);
  for (const SheetRow* row : bad_rows) {
    std::vector<std::string> cells = row->cells;
    cells.resize(header.written.size());
    std::string reasons;
    for (const auto& p : problems)
      if (p.line == row->line)
        reasons += (reasons.empty() ? "" : "；") + (p.column.empty() ? p.reason : p.column + "：" + p.reason);
    cells.push_back(reasons);
    line(cells);
  }
  return out;
}

}  // namespace

Result<LedgerReport> import_ledger(Station& station, std::string_view bytes, const ImportOptions& options) {
  if (!access::may(station.actor().role, access::Action::WriteFiles))
    return Status::refused(trf("{} 是查看者，不能导入台账", "{} is a viewer and may not import a ledger",
                               station.actor().name));
  auto sheet = read_sheet(bytes, options.sheet);
  if (!sheet) return sheet.status();
  LedgerReport report;
  report.encoding = encoding_label(sheet.value()).str();
  const std::vector<SheetRow>& records = sheet->rows;
  auto found = find_header(records, report);
  if (!found) return found.status();
  const std::size_t first = found.value();
  report.header_line = records[first].line;
  auto header = read_header(records[first], options.update, report);
  if (!header) return header.status();

  report.dry_run = options.dry_run;
  report.partial = options.partial;
  std::vector<const SheetRow*> bad_rows;
  int updates = 0;
  // Checks every row, handing each good one to `write` (none on a dry run), and fills the counts; an error when
  // the ledger has no data rows.
  auto check = [&](WriteContext* w) -> Status {
    RowSink sink;
    sink.child = [&](PreparedRow&& row) {
      ++report.children;
      report.relatives += static_cast<int>(row.relatives.size());
      // All or nothing: once a row is bad the transaction will be rolled back, so the rest are only checked.
      if (!w || (!report.problems.empty() && !options.partial)) return;
      // Each child's derived rows (workflow state, then report rows) are refreshed once, after all its rows and
      // events are in: every kRefreshEveryChildren children, and the rest when the write commits
      // (core/store/projection.h).
      insert_child(*w, row.child);
      for (const auto& [id, relative] : row.relatives) insert_relative(*w, id, row.child.id, relative);
      report.child_ids.push_back(row.child.id);
      if (report.child_ids.size() % kRefreshEveryChildren == 0) refresh_now(w->db());
    };
    sink.update = [&](ChildUpdate&& update) {
      ++updates;
      if (!w || (!report.problems.empty() && !options.partial)) return;
      write_child_changes(*w, update.child_id, update.changed);
    };
    check_rows(station, header.value(), records, first + 1, options, report, sink, bad_rows);
    if (report.rows == 0) return Status::invalid("file", tr("台账只有表头，没有数据行", "the ledger has a header but no rows"));
    if (options.partial) {
      report.rows_left_out = static_cast<int>(bad_rows.size());
      report.corrections = corrections_csv(header.value(), bad_rows, report.problems);
    }
    return Status::ok();
  };
  if (options.dry_run) {
    if (Status checked = check(nullptr); !checked) return checked;
    return report;
  }
  // A bigger page cache for the one large transaction (tuning.h), back to the default afterwards.
  struct CacheSize {
    db::Database& db;
    std::int64_t before;
    explicit CacheSize(db::Database& database) : db(database) {
      auto query = db.prepare("PRAGMA cache_size");
      before = query.step() ? query.get_int(0) : -2000;
      db.exec(fmt::format("PRAGMA cache_size = -{}", tuning::kImportCacheKiB));
    }
    ~CacheSize() {
      try {
        db.exec(fmt::format("PRAGMA cache_size = {}", before));
      } catch (const db::DbError&) {
        // Only memory is at stake; the connection is closed when the command ends.
      }
    }
  } cache_size(station.db());
  bool rows_bad = false;
  Status written = station.write([&](WriteContext& w) {
    if (Status checked = check(&w); !checked) return checked;
    // All or nothing; a partial import keeps the good rows, if there are any.
    if ((!report.problems.empty() && !options.partial) || (report.children == 0 && updates == 0)) {
      rows_bad = true;
      report.child_ids.clear();  // rolled back
      return Status::invalid("file", "");  // rolls back; the report says why
    }
    w.audit("ledger.import", "ledger", options.source, json(),
            json{{"source", options.source}, {"rows", report.rows}, {"children", report.children},
                 {"relatives", report.relatives}, {"rows_left_out", report.rows_left_out},
                 {"updated", report.updated}, {"unchanged", report.unchanged}});
    return Status::ok();
  });
  if (rows_bad) return report;
  if (!written) return written;
  report.written = true;
  return report;
}

}  // namespace tongdang
