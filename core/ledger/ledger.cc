// Ledger import and export (see ledger.h). The import checks every row before writing any, and then writes
// the whole ledger in one transaction; the checks run inside that transaction so that a child registered by
// another process in the meantime is still caught as a duplicate.
#include "core/ledger/ledger.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/model/id_number.h"
#include "core/store/bulk_write.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

// ---- CSV ----

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  // The ideographic space (U+3000) that Chinese input methods type.
  constexpr std::string_view kWideSpace = "\xE3\x80\x80";
  while (text.substr(0, 3) == kWideSpace) text.remove_prefix(3);
  while (text.size() >= 3 && text.substr(text.size() - 3) == kWideSpace) text.remove_suffix(3);
  return text;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

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

std::optional<int> first_invalid_utf8_line(std::string_view bytes) {
  int line = 1;
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) {
      if (b == '\n') ++line;
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) low = 0xA0;   // no overlong forms
      if (b == 0xED) high = 0x9F;  // no UTF-16 surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return line;
    }
    if (i + length > n) return line;
    auto second = static_cast<unsigned char>(bytes[i + 1]);
    if (second < low || second > high) return line;
    for (std::size_t k = 2; k < length; ++k) {
      auto next = static_cast<unsigned char>(bytes[i + k]);
      if (next < 0x80 || next > 0xBF) return line;
    }
    i += length;
  }
  return std::nullopt;
}

// ---- columns ----

const std::vector<LedgerColumn>& ledger_columns() {
  static const std::vector<LedgerColumn> columns = {
      {"name", {"姓名", "儿童姓名"}, "the child's name (required)"},
      {"id_number", {"身份证号", "身份证号码", "公民身份号码"}, "resident ID number, 18 characters (empty only for 无户籍)"},
      {"sex", {"性别"}, "男/女 or male/female; optional, must agree with the ID number"},
      {"birth_date", {"出生日期"}, "YYYY-MM-DD; optional, must agree with the ID number"},
      {"ethnicity", {"民族"}, "e.g. 汉族"},
      {"hukou_status", {"户籍状态", "户籍"}, "有户籍/无户籍 or registered/unregistered (default registered)"},
      {"village", {"村居代码", "现居村居代码", "村(居)代码", "现居村(居)代码"}, "12-digit code of the current village (required)"},
      {"registered_village", {"户籍村居代码", "户籍地村(居)代码"}, "12-digit code of the registered village"},
      {"registered_address", {"户籍地址"}, "registered address"},
      {"current_address", {"现住址", "现居住地址"}, "current address"},
      {"school", {"学校", "就读学校"}, "school"},
      {"grade", {"年级"}, "grade"},
      {"schooling", {"就学情况", "就学状态"}, "学前/在校/辍学/未入学/已毕业 or preschool/in_school/dropout/not_in_school/graduated"},
      {"boarding", {"是否寄宿", "寄宿"}, "是/否"},
      {"health", {"健康状况"}, "health"},
      {"disability_type", {"残疾类型"}, "disability type"},
      {"disability_grade", {"残疾等级"}, "disability grade, 1–4"},
      {"disability_cert", {"残疾证号"}, "disability certificate number"},
      {"phone", {"联系电话", "儿童电话"}, "the child's or household's phone"},
      {"household_income", {"家庭收入来源"}, "household income sources"},
      {"benefits", {"享受待遇", "享受政策"}, "benefits received"},
      {"categories", {"类别", "儿童类别", "困境类别"},
       "categories, several separated by 、 ; or |: codes (LEFT_BEHIND) or Chinese (留守儿童, 留守, 低保 …)"},
      {"father_name", {"父亲姓名"}, "father's name"},
      {"father_id_number", {"父亲身份证号"}, "father's ID number"},
      {"father_phone", {"父亲电话"}, "father's phone"},
      {"father_status", {"父亲状态", "父亲情况"}, "在家/外出务工/死亡/失踪/服刑/重残/重病/失联 or present/working_away/…"},
      {"father_place", {"父亲务工地点", "父亲外出地点"}, "where the father works away (required when working away)"},
      {"father_since", {"父亲外出时间", "父亲外出日期"}, "since when (YYYY-MM-DD)"},
      {"mother_name", {"母亲姓名"}, "mother's name"},
      {"mother_id_number", {"母亲身份证号"}, "mother's ID number"},
      {"mother_phone", {"母亲电话"}, "mother's phone"},
      {"mother_status", {"母亲状态", "母亲情况"}, "as father_status"},
      {"mother_place", {"母亲务工地点", "母亲外出地点"}, "where the mother works away (required when working away)"},
      {"mother_since", {"母亲外出时间", "母亲外出日期"}, "since when (YYYY-MM-DD)"},
      {"guardian_name", {"监护人姓名", "受委托监护人姓名", "委托监护人姓名"}, "the actual / entrusted guardian's name"},
      {"guardian_relation", {"监护人关系", "与儿童关系", "监护人与儿童关系"},
       "父亲/母亲/祖父/祖母/奶奶/外婆/叔叔/姑姑/… (default: entrusted guardian)"},
      {"guardian_id_number", {"监护人身份证号"}, "guardian's ID number"},
      {"guardian_phone", {"监护人电话", "监护人联系电话"}, "guardian's phone"},
      {"guardian_capacity", {"监护能力", "监护人监护能力"}, "有监护能力/监护能力弱/无监护能力 or capable/limited/incapable"},
      {"guardian_address", {"监护人地址", "监护人住址"}, "guardian's address"},
      // Written by export only; an import refuses them (a ledger adds new children, it does not update files).
      {"id", {"编号"}, "export only: the file's id"},
      {"status", {"档案状态"}, "export only: open or closed"},
      {"colour", {"风险等级"}, "export only: the current colour"},
      {"other_relatives", {"其他家庭成员"}, "export only: other relatives"},
  };
  return columns;
}

const LedgerColumn* find_ledger_column(std::string_view header) {
  std::string_view text = trim(header);
  for (const auto& column : ledger_columns()) {
    if (equals_ignore_case(column.name, text)) return &column;
    for (auto chinese : column.chinese)
      if (chinese == text) return &column;
  }
  return nullptr;
}

// ---- import ----

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

constexpr std::array<std::string_view, 4> kExportOnly = {"id", "status", "colour", "other_relatives"};
constexpr std::array<std::string_view, 3> kRelativePrefixes = {"father_", "mother_", "guardian_"};

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
    auto item = trim(current);
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
  while (!cells.empty() && trim(cells.back()).empty()) cells.pop_back();  // trailing empty cells Excel adds
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string text(trim(cells[i]));
    if (text.empty())
      return Status::invalid("column", trf("表头第 {} 列没有列名", "column {} of the header has no name", i + 1));
    const LedgerColumn* column = find_ledger_column(text);
    if (!column)
      return Status::invalid("column", trf("未知的列“{}”（可用的列见用户手册 docs/user-guide.md“台账列”）",
                                           "unknown column '{}' (the columns are listed in docs/user-guide.md, "
                                           "\"Ledger columns\")",
                                           text));
    if (std::find(kExportOnly.begin(), kExportOnly.end(), column->name) != kExportOnly.end())
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

// Checks ledger rows; fills `prepared` and the report's problems and warnings. Writes nothing.
void check_rows(Station& station, const Header& header, const std::vector<CsvRecord>& records, std::size_t first,
                LedgerReport& report, std::vector<PreparedRow>& prepared) {
  std::unordered_map<std::string, int> line_of_id;  // ID number -> first line it appears on
  const Date today = station.clock().today();
  for (std::size_t r = first; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    if (std::all_of(record.cells.begin(), record.cells.end(), [](const std::string& c) { return trim(c).empty(); }))
      continue;  // blank rows (Excel leaves ",,,," lines at the end)
    ++report.rows;
    const std::size_t problems_before = report.problems.size();
    auto problem = [&](std::string_view field, std::string reason) {
      auto it = header.header_of.find(field);
      report.problems.push_back({record.line, it == header.header_of.end() ? std::string() : it->second,
                                 std::string(field), std::move(reason)});
    };
    if (record.cells.size() > header.columns.size()) {
      bool extra_values = false;
      for (std::size_t i = header.columns.size(); i < record.cells.size(); ++i)
        extra_values = extra_values || !trim(record.cells[i]).empty();
      if (extra_values) {
        problem("", trf("该行有 {} 列，表头只有 {} 列（是否有未加引号的逗号？）",
                        "the row has {} cells but the header only {} (an unquoted comma?)", record.cells.size(),
                        header.columns.size()));
        continue;
      }
    }

    NewChild input;
    std::map<std::string, std::map<std::string, std::string>> relatives;  // prefix -> field -> raw
    for (std::size_t i = 0; i < header.columns.size() && i < record.cells.size(); ++i) {
      std::string_view name = header.columns[i]->name;
      // A leading apostrophe is Excel's mark for text (written by export before = + - @, typed by users before
      // long numbers): the value is what follows it.
      std::string value(trim(csv_unguard(trim(record.cells[i]))));
      if (value.empty()) continue;
      if (name == "categories") {
        for (auto& category : split_categories(value)) input.categories.push_back(category);
        continue;
      }
      bool is_relative = false;
      for (std::string_view prefix : kRelativePrefixes)
        if (name.substr(0, prefix.size()) == prefix) {
          relatives[std::string(prefix)][std::string(name.substr(prefix.size()))] = value;
          is_relative = true;
        }
      if (is_relative) continue;
      input.fields[std::string(name)] = value;
    }

    // Duplicates within the file, even when the first row with that ID number has problems of its own.
    if (auto cell = input.fields.find("id_number"); cell != input.fields.end()) {
      if (auto id = parse_id_number(cell->second, today)) {
        auto [it, fresh] = line_of_id.emplace(id->text, record.line);
        if (!fresh)
          problem("id_number", trf("与第 {} 行的身份证号重复；同一儿童只建一个档案",
                                   "same ID number as line {}; one file per child", it->second));
      }
    }

    // The family: father_*, mother_* and guardian_* columns become relatives.
    PreparedRow row;
    std::optional<std::size_t> father, mother;
    for (auto& [prefix, raw] : relatives) {
      if (prefix == "guardian_") continue;
      raw["relation"] = prefix == "father_" ? "father" : "mother";
      auto normalized = prepare_relative(station, raw);
      if (!normalized) {
        problem(prefix + normalized.status().field(), normalized.status().message());
        continue;
      }
      (prefix == "father_" ? father : mother) = row.relatives.size();
      row.relatives.emplace_back(station.new_id(), normalized.value());
    }
    if (auto it = relatives.find("guardian_"); it != relatives.end()) {
      auto raw = it->second;
      auto relation = raw.count("relation") ? parse_relation(raw["relation"]) : std::optional(Relation::Guardian);
      if (!relation) {
        problem("guardian_relation", trf("“{}”不是已知的关系（父亲、母亲、祖父、祖母、叔伯舅、姑姨、受委托监护人…）",
                                         "'{}' is not a relation (father, mother, grandfather, grandmother, uncle, "
                                         "aunt, guardian …)",
                                         raw["relation"]));
      } else if ((*relation == Relation::Father && father) || (*relation == Relation::Mother && mother)) {
        // The guardian is a parent already listed: mark that parent rather than adding the same person twice.
        json& parent = row.relatives[*relation == Relation::Father ? *father : *mother].second;
        if (raw.count("name") && raw["name"] != parent["name"].get<std::string>())
          problem("guardian_name", trf("监护人关系为{}，但姓名“{}”与{}姓名“{}”不同", "the guardian is the {} but "
                                       "the name '{}' differs from the {}'s name '{}'",
                                       i18n::label(to_string(*relation)), raw["name"], i18n::label(to_string(*relation)),
                                       parent["name"].get<std::string>()));
        parent["is_guardian"] = true;
        for (const char* field : {"phone", "capacity", "address", "id_number"}) {
          if (!raw.count(field) || (parent.contains(field) && !parent[field].is_null())) continue;
          if (std::string_view(field) == "id_number") {
            auto id = parse_id_number(raw[field], today);
            if (!id) problem("guardian_id_number", id.status().message());
            else parent[field] = id->text;
            continue;
          }
          auto value = normalize_field(*find_field(relative_fields(), field), raw[field]);
          if (!value) problem(std::string("guardian_") + field, value.status().message());
          else parent[field] = value.value();
        }
      } else {
        raw["relation"] = std::string(to_string(*relation));
        if (!raw.count("status")) raw["status"] = "present";
        raw["is_guardian"] = "true";
        auto normalized = prepare_relative(station, raw);
        if (!normalized) problem("guardian_" + normalized.status().field(), normalized.status().message());
        else row.relatives.emplace_back(station.new_id(), normalized.value());
      }
    }

    // Every rule (each field, scope, ID number against sex and date of birth, age limits, a file already on the
    // station) is prepare_child's, exactly as for `child add`. It stops at the first fault, so a failing row is
    // then checked cell by cell to report every bad cell at once.
    auto child = prepare_child(station, input);
    if (!child) {
      const std::size_t before_cells = report.problems.size();
      for (const auto& [name, value] : input.fields) {
        if (name == "id_number") {
          auto id = parse_id_number(value, today);
          if (!id) problem(name, id.status().message());
        } else if (name != "hukou_status") {
          auto normalized = normalize_field(*find_field(child_fields(), name), value);
          if (!normalized) problem(name, normalized.status().message());
        }
      }
      for (const auto& category : input.categories)
        if (!parse_category(category))
          problem("categories", trf("“{}”不是已知类别", "'{}' is not a category", category));
      if (report.problems.size() == before_cells) {
        std::string field = child.status().field();
        problem(field == "category" ? "categories" : field, child.status().message());
      }
      continue;
    }
    if (report.problems.size() > problems_before) continue;
    for (const auto& warning : child->warnings)
      report.warnings.push_back({record.line, header.header_of.count("id_number") ? header.header_of.at("id_number") : "",
                                 warning});
    row.child = std::move(child).value();
    prepared.push_back(std::move(row));
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
  if (!roles::may_write_children(station.actor().role))
    return Status::refused(trf("{} 是查看者，不能导入台账", "{} is a viewer and may not import a ledger",
                               station.actor().name));
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF")
    return Status::invalid("file", tr("文件是 UTF-16 编码；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                                      "the file is UTF-16; save it from Excel as \"CSV UTF-8 (comma delimited)\""));
  if (auto line = first_invalid_utf8_line(bytes))
    return Status::invalid("file", trf("第 {} 行不是 UTF-8 编码（可能是 GBK/ANSI）；请在 Excel 中另存为“CSV UTF-8（逗号分隔）”",
                                       "line {} is not UTF-8 (GBK/ANSI?); save the file from Excel as \"CSV UTF-8 "
                                       "(comma delimited)\"",
                                       *line));
  auto records = parse_csv(bytes);
  if (!records) return records.status();
  std::size_t first = 0;
  auto blank = [](const CsvRecord& record) {
    return std::all_of(record.cells.begin(), record.cells.end(), [](const std::string& c) { return trim(c).empty(); });
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
    // Each child's derived rows (workflow state, then report rows) are refreshed once, after all its rows and
    // events are in, not once per write.
    BulkWrite derived_rows(w.db());
    for (const auto& row : prepared) {
      insert_child(w, row.child);
      for (const auto& [id, relative] : row.relatives) insert_relative(w, id, row.child.id, relative);
      report.child_ids.push_back(row.child.id);
    }
    derived_rows.flush();
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

// ---- export ----

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

}  // namespace

Result<ExportResult> export_children(Station& station, const ExportOptions& options) {
  ChildFilter filter;
  filter.include_closed = options.include_closed;
  auto children = list_children(station, filter, options.full_id);
  if (!children) return children.status();
  ExportResult result;
  result.children = static_cast<int>(children->size());
  const bool zh = i18n::language() == i18n::Lang::Zh;

  if (options.format == ExportFormat::Json) {
    result.content = json(children.value()).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  } else {
    // Column order: the file's id, the ledger columns, then the export-only state.
    std::vector<const LedgerColumn*> columns;
    columns.push_back(find_ledger_column("id"));
    for (const auto& column : ledger_columns())
      if (std::find(kExportOnly.begin(), kExportOnly.end(), column.name) == kExportOnly.end()) columns.push_back(&column);
    for (std::string_view name : {"status", "colour", "other_relatives"}) columns.push_back(find_ledger_column(name));

    std::string out(kUtf8Bom);  // Excel opens UTF-8 CSV correctly only with a BOM
    for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_cell(header_text(*columns[i]));
    out += "\r\n";
    for (const auto& child : children.value()) {
      // The family by role: the first father, the first mother, the guardian; everyone else in one cell.
      const json* by_prefix[3] = {nullptr, nullptr, nullptr};
      std::string others;
      for (const auto& relative : child["relatives"]) {
        const std::string relation = relative.value("relation", "");
        const bool guardian = relative.value("is_guardian", false);
        if (relation == "father" && !by_prefix[0]) by_prefix[0] = &relative;
        else if (relation == "mother" && !by_prefix[1]) by_prefix[1] = &relative;
        else if (guardian && !by_prefix[2]) by_prefix[2] = &relative;
        else
          others += (others.empty() ? "" : (zh ? "；" : "; ")) +
                    cell_text(find_field(relative_fields(), "relation"), relative["relation"]) +
                    " " + relative.value("name", "") + " (" +
                    cell_text(find_field(relative_fields(), "status"), relative["status"]) + ")";
        // A parent who is also the guardian fills the guardian columns too.
        if (guardian && !by_prefix[2] && (relation == "father" || relation == "mother")) by_prefix[2] = &relative;
      }
      std::vector<std::string> cells;
      for (const LedgerColumn* column : columns) {
        const std::string name(column->name);
        std::string text;
        if (name == "categories") {
          for (const auto& category : child["categories"])
            text += (text.empty() ? "" : (zh ? "、" : ";")) +
                    (zh ? i18n::label(category.get<std::string>()) : category.get<std::string>());
        } else if (name == "colour") {
          text = child["colour"].is_null() ? "" : (zh ? i18n::label(child["colour"].get<std::string>())
                                                      : child["colour"].get<std::string>());
        } else if (name == "status") {
          text = zh ? i18n::label(child.value("status", "open")) : child.value("status", "open");
        } else if (name == "other_relatives") {
          text = others;
        } else if (name == "id") {
          text = child["id"];
        } else if (auto prefix = std::find_if(kRelativePrefixes.begin(), kRelativePrefixes.end(),
                                              [&](std::string_view p) { return name.rfind(p, 0) == 0; });
                   prefix != kRelativePrefixes.end()) {
          const json* relative = by_prefix[prefix - kRelativePrefixes.begin()];
          std::string field = name.substr(prefix->size());
          if (relative && relative->contains(field))
            text = cell_text(find_field(relative_fields(), field), (*relative)[field]);
        } else if (child.contains(name)) {
          text = cell_text(find_field(child_fields(), name), child[name]);
        }
        cells.push_back(csv_cell(text));
      }
      for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
      out += "\r\n";
    }
    result.content = std::move(out);
  }

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
