// Ledger import (ledger.h). The import checks every row before writing any, and then writes the whole ledger in
// one transaction; the checks run inside that transaction so that a child registered by another process in the
// meantime is still caught as a duplicate.
#include "core/ledger/ledger.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/base/tuning.h"
#include "core/model/id_number.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

json LedgerReport::to_json() const {
  json out = {{"rows", rows},         {"children", children}, {"relatives", relatives},
              {"dry_run", dry_run},   {"written", written},   {"child_ids", child_ids}};
  out["problems"] = json::array();
  for (const auto& p : problems)
    out["problems"].push_back({{"line", p.line}, {"column", p.column}, {"field", p.field}, {"reason", p.reason}});
  out["warnings"] = json::array();
  for (const auto& w : warnings)
    out["warnings"].push_back({{"line", w.line}, {"column", w.column}, {"message", w.message}});
  return out;
}

namespace {

// A row that passed every check.
struct PreparedRow {
  PreparedChild child;
  std::vector<std::pair<std::string, json>> relatives;  // (id, normalised fields)
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

// The file's header: which column each cell position holds.
struct Header {
  int line = 0;
  std::vector<const LedgerColumn*> columns;          // by position
  std::vector<std::string> written;                  // header text as in the file, by position
  std::map<std::string, std::string, std::less<>> header_of;  // machine name -> header text as in the file
};

Result<Header> read_header(const CsvRecord& record) {
  Header header;
  header.line = record.line;
  std::vector<std::string> cells = record.cells;
  while (!cells.empty() && trim_cell(cells.back()).empty()) cells.pop_back();  // trailing empty cells Excel adds
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string text(trim_cell(cells[i]));
    if (text.empty())
      return Status::invalid("column", trf("表头第 {} 列没有列名", "column {} of the header has no name", i + 1));
    const LedgerColumn* column = find_ledger_column(text);
    if (!column)
      return Status::invalid("column", trf("未知的列“{}”（可用的列见用户手册 docs/user-guide.md“台账列”）",
                                           "unknown column '{}' (the columns are listed in docs/user-guide.md, "
                                           "\"Ledger columns\")",
                                           text));
    if (std::find(kExportOnlyColumns.begin(), kExportOnlyColumns.end(), column->name) != kExportOnlyColumns.end())
      return Status::invalid("column", trf("“{}”只在导出时写出；导入新台账时请删除该列", "'{}' is written by export "
                                           "only; remove that column to import a ledger",
                                           text));
    if (header.header_of.count(column->name))
      return Status::invalid("column", trf("列“{}”与“{}”重复", "column '{}' repeats '{}'", text,
                                           header.header_of[std::string(column->name)]));
    header.columns.push_back(column);
    header.written.push_back(text);
    header.header_of[std::string(column->name)] = text;
  }
  // The columns a user must fill: the child's Entered fields (profile.h).
  for (const auto& spec : child_fields())
    if (spec.presence == Presence::Entered && !header.header_of.count(spec.name)) {
      const LedgerColumn* column = find_ledger_column(spec.name);
      return Status::invalid("column", trf("缺少必需的列“{}”（{}）", "the required column '{1}' ({0}) is missing",
                                           column->chinese.front(), column->name));
    }
  return header;
}

// One row being checked: where its problems go.
struct RowCheck {
  const Header& header;
  const CsvRecord& record;
  LedgerReport& report;

  void problem(std::string_view field, std::string reason) const {
    auto it = header.header_of.find(field);
    report.problems.push_back({record.line, it == header.header_of.end() ? std::string() : it->second,
                               std::string(field), std::move(reason)});
  }
};

// A row's cells by what they fill: the child's fields and categories, and the family's columns by prefix.
struct RowCells {
  NewChild input;
  std::map<std::string, std::map<std::string, std::string>> relatives;  // prefix -> field -> raw
};

RowCells split_cells(const Header& header, const CsvRecord& record) {
  RowCells out;
  for (std::size_t i = 0; i < header.columns.size() && i < record.cells.size(); ++i) {
    std::string_view name = header.columns[i]->name;
    // A leading apostrophe is Excel's mark for text (written by export before = + - @, typed by users before
    // long numbers): the value is what follows it.
    std::string value(trim_cell(csv_unguard(trim_cell(record.cells[i]))));
    if (value.empty()) continue;
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
bool has_extra_values(const Header& header, const CsvRecord& record) {
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

// The family: father_*, mother_* and guardian_* columns become relatives of the row's child.
void prepare_family(Station& station, const RowCheck& row,
                    std::map<std::string, std::map<std::string, std::string>>& relatives, PreparedRow& prepared) {
  std::optional<std::size_t> father, mother;
  for (auto& [prefix, raw] : relatives) {
    if (prefix == "guardian_") continue;
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
// once; its own reason is reported when no cell is at fault.
void report_child_problems(const RowCheck& row, const NewChild& input, const Status& refused, Date today) {
  const std::size_t before_cells = row.report.problems.size();
  for (const auto& [name, value] : input.fields) {
    if (name == "id_number") {
      auto id = parse_id_number(value, today);
      if (!id) row.problem(name, id.status().message());
    } else if (name != "hukou_status") {
      auto normalized = normalize_field(*find_field(child_fields(), name), value);
      if (!normalized) row.problem(name, normalized.status().message());
    }
  }
  for (const auto& category : input.categories)
    if (!parse_category(category)) row.problem("categories", trf("“{}”不是已知类别", "'{}' is not a category", category));
  if (row.report.problems.size() == before_cells) {
    std::string field = refused.field();
    row.problem(field == "category" ? "categories" : field, refused.message());
  }
}

// Checks one data row; appends it to `prepared` if it passed. `line_of_id`: ID number -> first line it appears on.
void check_row(Station& station, const Header& header, const CsvRecord& record, LedgerReport& report,
               std::unordered_map<std::string, int>& line_of_id, std::vector<PreparedRow>& prepared) {
  const RowCheck row{header, record, report};
  const Date today = station.clock().today();
  const std::size_t problems_before = report.problems.size();
  if (record.cells.size() > header.columns.size() && has_extra_values(header, record)) {
    row.problem("", trf("该行有 {} 列，表头只有 {} 列（是否有未加引号的逗号？）",
                        "the row has {} cells but the header only {} (an unquoted comma?)", record.cells.size(),
                        header.columns.size()));
    return;
  }
  RowCells cells = split_cells(header, record);
  // Duplicates within the file, even when the first row with that ID number has problems of its own.
  if (auto cell = cells.input.fields.find("id_number"); cell != cells.input.fields.end()) {
    if (auto id = parse_id_number(cell->second, today)) {
      auto [it, fresh] = line_of_id.emplace(id->text, record.line);
      if (!fresh)
        row.problem("id_number", trf("与第 {} 行的身份证号重复；同一儿童只建一个档案",
                                     "same ID number as line {}; one file per child", it->second));
    }
  }
  PreparedRow prepared_row;
  prepare_family(station, row, cells.relatives, prepared_row);
  // Every rule (each field, scope, ID number against sex and date of birth, age limits, a file already on the
  // station) is prepare_child's, exactly as for `child add`.
  auto child = prepare_child(station, cells.input);
  if (!child) {
    report_child_problems(row, cells.input, child.status(), today);
    return;
  }
  if (report.problems.size() > problems_before) return;
  for (const auto& warning : child->warnings)
    report.warnings.push_back({record.line, header.header_of.count("id_number") ? header.header_of.at("id_number") : "",
                               warning});
  prepared_row.child = std::move(child).value();
  prepared.push_back(std::move(prepared_row));
}

// Checks ledger rows; fills `prepared` and the report's problems and warnings. Writes nothing.
void check_rows(Station& station, const Header& header, const std::vector<CsvRecord>& records, std::size_t first,
                LedgerReport& report, std::vector<PreparedRow>& prepared) {
  std::unordered_map<std::string, int> line_of_id;
  for (std::size_t r = first; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    if (std::all_of(record.cells.begin(), record.cells.end(), [](const std::string& c) { return trim_cell(c).empty(); }))
      continue;  // blank rows (Excel leaves ",,,," lines at the end)
    ++report.rows;
    check_row(station, header, record, report, line_of_id, prepared);
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

}  // namespace

Result<LedgerReport> import_ledger(Station& station, std::string_view bytes, const ImportOptions& options) {
  if (!access::may(station.actor().role, access::Action::WriteFiles))
    return Status::refused(trf("{} 是查看者，不能导入台账", "{} is a viewer and may not import a ledger",
                               station.actor().name));
  auto records = read_sheet(bytes);
  if (!records) return records.status();
  std::size_t first = 0;
  auto blank = [](const CsvRecord& record) {
    return std::all_of(record.cells.begin(), record.cells.end(), [](const std::string& c) { return trim_cell(c).empty(); });
  };
  while (first < records->size() && blank((*records)[first])) ++first;
  if (first == records->size()) return Status::invalid("file", tr("台账文件是空的", "the ledger file is empty"));
  auto header = read_header((*records)[first]);
  if (!header) return header.status();

  LedgerReport report;
  report.dry_run = options.dry_run;
  std::vector<PreparedRow> prepared;
  auto count = [&] {
    report.children = static_cast<int>(prepared.size());
    report.relatives = 0;
    for (const auto& row : prepared) report.relatives += static_cast<int>(row.relatives.size());
  };
  if (options.dry_run) {
    check_rows(station, header.value(), records.value(), first + 1, report, prepared);
    if (report.rows == 0) return Status::invalid("file", tr("台账只有表头，没有数据行", "the ledger has a header but no rows"));
    count();
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
    check_rows(station, header.value(), records.value(), first + 1, report, prepared);
    if (report.rows == 0) return Status::invalid("file", tr("台账只有表头，没有数据行", "the ledger has a header but no rows"));
    count();
    if (!report.problems.empty()) {
      rows_bad = true;
      return Status::invalid("file", "");  // rolls back; the report says why
    }
    // Each child's derived rows (workflow state, then report rows) are refreshed once, when the write commits
    // (core/store/projection.h), after all its rows and events are in.
    for (const auto& row : prepared) {
      insert_child(w, row.child);
      for (const auto& [id, relative] : row.relatives) insert_relative(w, id, row.child.id, relative);
      report.child_ids.push_back(row.child.id);
    }
    w.audit("ledger.import", "ledger", options.source, json(),
            json{{"source", options.source}, {"rows", report.rows}, {"children", report.children},
                 {"relatives", report.relatives}});
    return Status::ok();
  });
  if (rows_bad) return report;
  if (!written) return written;
  report.written = true;
  return report;
}

}  // namespace tongdang
