// tongdang import LEDGER [--sheet NAME] [--dry-run] [--partial [--corrections FILE]],
// tongdang export [--format csv|xlsx|json] [--full-id] [--out FILE].
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "command_line.h"
#include "context.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/ledger/ledger.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using nlohmann::json;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw CommandFailed{Status::not_found(trf("找不到台账文件 {}", "no ledger file {}", path))};
  // Read once into a string of the file's size: a stringstream would hold the bytes twice (a 100,000-row ledger is
  // tens of MB).
  std::string bytes(static_cast<std::size_t>(file.tellg()), '\0');
  file.seekg(0);
  file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file) throw CommandFailed{Status::internal(trf("读取台账文件 {} 失败", "reading the ledger file {} failed", path))};
  return bytes;
}

// Creates an export's file owner-readable only (0600): it holds children's files. Refuses to overwrite.
void create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0)
    throw CommandFailed{Status::refused(trf("不能创建 {}（文件已存在或目录不可写）；导出不会覆盖已有文件",
                                            "cannot create {} (it exists or the folder is not writable); an export "
                                            "never overwrites a file",
                                            path))};
  ::close(fd);
}

// A corrections file, private like an export.
void write_private_file(const std::string& path, const std::string& content) {
  create_private_file(path);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  file.close();
  if (!file) throw CommandFailed{Status::internal(trf("写入 {} 失败", "writing {} failed", path))};
}

// The column as the file names it, or (for a column the file lacks, e.g. father_place) its usual name.
std::string column_text(const LedgerProblem& p) {
  if (!p.column.empty()) return p.column;
  const LedgerColumn* column = find_ledger_column(p.field);
  if (!column) return p.field;
  return i18n::language() == i18n::Lang::Zh ? trf("{}（缺少此列）", "{}", column->chinese.front())
                                            : trf("{}", "{} (column missing)", column->name);
}

void print_problems(const LedgerReport& report) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : report.problems) rows.push_back({std::to_string(p.line), column_text(p), p.reason});
  print_table(std::cout, {label("line"), label("column"), tr("原因", "reason")}, rows);
}

// An update's files already held: how many changed, how many were skipped as unchanged.
void print_update_counts(const LedgerReport& report) {
  if (report.updated == 0 && report.unchanged == 0) return;
  std::cout << trf("已有档案：{} 份有改动{}，{} 份无改动（跳过）\n", "files already held: {} changed{}, {} unchanged "
                   "(skipped)\n", report.updated, report.dry_run ? tr("（未写入）", " (not written)") : "",
                   report.unchanged);
}

void print_warnings(const LedgerReport& report) {
  for (const auto& w : report.warnings)
    std::cerr << trf("提示：第 {} 行 {}：{}\n", "warning: line {} {}: {}\n", w.line, w.column, w.message);
}

// A partial import: what was imported, what was left out and where the rows to correct are.
void print_partial_report(const LedgerReport& report, const std::string& path, const std::string& corrections) {
  print_warnings(report);
  const bool written = report.written || report.dry_run;
  std::cout << trf(report.dry_run ? "台账 {}：{} 行中 {} 行通过检查，可导入 {} 名儿童、{} 名家庭成员（试运行，未写入）；{} 行有问题\n"
                                  : "台账 {}：{} 行中 {} 行已导入（{} 名儿童、{} 名家庭成员）；{} 行有问题，未导入\n",
                   report.dry_run ? "ledger {}: of {} rows, {} pass; {} children and {} relatives would be imported "
                                    "(dry run, nothing written); {} rows have problems\n"
                                  : "ledger {}: of {} rows, {} imported ({} children, {} relatives); {} rows have "
                                    "problems and were left out\n",
                   path, report.rows, written ? report.children : 0, written ? report.children : 0,
                   written ? report.relatives : 0, report.rows_left_out);
  if (report.rows_left_out == 0) return;
  print_problems(report);
  if (!corrections.empty())
    std::cout << trf("有问题的行已写入 {}（原有列加“问题”列）：改正后可再导入该文件\n",
                     "the rows with problems are in {} (the columns plus 问题): correct them and import that file\n",
                     corrections);
}

void print_report(const LedgerReport& report, const std::string& path) {
  for (const auto& note : report.reading_notes()) std::cout << note << '\n';
  if (!report.problems.empty()) {
    std::cout << trf("台账 {}：{} 行中有 {} 处问题，未导入任何数据。请改正后重新导入：\n",
                     "ledger {}: {} rows, {} problems; nothing was imported. Correct them and import again:\n", path,
                     report.rows, report.problems.size());
    print_problems(report);
    return;
  }
  print_warnings(report);
  if (report.dry_run)
    std::cout << trf("台账 {}：{} 行全部通过检查，可导入 {} 名儿童、{} 名家庭成员（试运行，未写入）\n",
                     "ledger {}: all {} rows pass; {} children and {} relatives would be imported (dry run, nothing "
                     "written)\n",
                     path, report.rows, report.children, report.relatives);
  else
    std::cout << trf("台账 {}：已导入 {} 名儿童、{} 名家庭成员（共 {} 行）\n",
                     "ledger {}: imported {} children and {} relatives ({} rows)\n", path, report.children,
                     report.relatives, report.rows);
  print_update_counts(report);
}

void add_import(CLI::App& app, Context& context) {
  auto* import = app.add_subcommand("import", tr("导入台账（.xlsx 或 CSV）：先逐行检查，默认全部无误才导入",
                                                 "import a ledger (.xlsx or CSV): every row checked first, all or "
                                                 "nothing unless --partial"));
  auto ledger_path = std::make_shared<std::string>();
  auto dry_run = std::make_shared<bool>(false);
  import
      ->add_option("ledger", *ledger_path,
                   tr("台账文件：Excel 工作簿（.xlsx），或 UTF-8、GB18030/GBK 编码的 CSV（自动识别；列见 docs/user-guide.md）",
                      "the ledger: an Excel workbook (.xlsx), or a UTF-8 or GB18030/GBK CSV (detected; "
                      "docs/user-guide.md lists the columns)"))
      ->required();
  import->add_flag("--dry-run", *dry_run, tr("只检查并报告，不写入", "check every row and report; write nothing"));
  auto sheet = std::make_shared<std::string>();
  import->add_option("--sheet", *sheet,
                     tr("Excel 工作簿（.xlsx）中要导入的工作表名（默认第一个）", "the sheet of an .xlsx workbook to import "
                        "(default: the first)"));
  auto update = std::make_shared<bool>(false);
  import->add_flag("--update", *update,
                   tr("再次导入：按身份证号（或导出的编号）对应已有档案，改动的单元格作为修改记录，未改动的跳过，新的登记",
                      "import again: rows matched to files by ID number (or an export's 编号); changed cells become "
                      "edits, unchanged rows are skipped, new rows registered"));
  auto partial = std::make_shared<bool>(false);
  auto corrections = std::make_shared<std::string>();
  import->add_flag("--partial", *partial,
                   tr("导入通过检查的行，有问题的行写入改正文件（默认：任何一行有问题就都不导入）",
                      "import the rows that pass and write the others to a corrections file (default: all or "
                      "nothing)"));
  import->add_option("--corrections", *corrections,
                     tr("--partial 时有问题的行写入该文件（新建，不覆盖；默认：台账名-待改正.csv）",
                        "with --partial, where the rows with problems go (created, never overwritten; default: "
                        "LEDGER-待改正.csv)"));
  import->callback([&context, ledger_path, dry_run, sheet, update, partial, corrections] {
    Station& station = context.open();
    const std::string bytes = read_file(*ledger_path);
    ImportOptions options;
    options.dry_run = *dry_run;
    options.partial = *partial;
    options.sheet = *sheet;
    options.update = *update;
    options.source = *ledger_path;
    std::string corrections_path = *corrections;
    if (*partial && corrections_path.empty()) {
      const auto dot = ledger_path->rfind('.');
      const auto slash = ledger_path->rfind('/');
      const bool has_extension = dot != std::string::npos && (slash == std::string::npos || dot > slash);
      corrections_path = (has_extension ? ledger_path->substr(0, dot) : *ledger_path) + "-待改正.csv";
    }
    // Refused before anything is imported: the corrections must not overwrite a file.
    if (*partial && !*dry_run && ::access(corrections_path.c_str(), F_OK) == 0)
      context.check(Status::refused(trf("改正文件 {} 已存在；请用 --corrections 指定另一个文件名",
                                        "the corrections file {} exists; name another with --corrections",
                                        corrections_path)));
    LedgerReport report = context.take(import_ledger(station, bytes, options));
    const bool write_corrections = *partial && !*dry_run && !report.corrections.empty();
    if (write_corrections) write_private_file(corrections_path, report.corrections);
    if (context.json) {
      json out = report.to_json();
      if (write_corrections) out["corrections_file"] = corrections_path;
      context.print_json(out);
    } else if (*partial) {
      for (const auto& note : report.reading_notes()) std::cout << note << '\n';
      print_partial_report(report, *ledger_path, write_corrections ? corrections_path : "");
      print_update_counts(report);
    } else {
      print_report(report, *ledger_path);
    }
    // A partial import that wrote its good rows is done; one that could write none is not.
    if (*partial && (report.written || (report.dry_run && report.children > 0))) return;
    if (!report.problems.empty())
      context.check(Status::invalid("file", trf("{} 处问题，未导入", "{} problems; nothing imported",
                                                report.problems.size())));
  });
}

void add_export(CLI::App& app, Context& context) {
  auto* exporter = app.add_subcommand("export", tr("导出本人范围内的儿童（Excel 用的 CSV，或 JSON）",
                                                   "export the children in your scope (CSV for Excel, or JSON)"));
  auto format = std::make_shared<std::string>("csv");
  auto full_id = std::make_shared<bool>(false);
  auto closed = std::make_shared<bool>(false);
  auto out_path = std::make_shared<std::string>();
  auto* format_option = one_of_option(
      exporter->add_option("--format", *format,
                           tr("csv（带 BOM 的 UTF-8，供 Excel）、xlsx（Excel 工作簿）或 json；默认 csv，加 --json 时为 json",
                              "csv (UTF-8 with BOM, for Excel), xlsx (an Excel workbook) or json; default csv, or "
                              "json with --json")),
      {"csv", "xlsx", "json"});
  exporter->add_flag(
      "--full-id", *full_id,
      tr("完整身份证号（仅督导员和县级；记入审计）", "full ID numbers (supervisor and county only; audited)"));
  exporter->add_flag("--closed", *closed, tr("包括已结案的档案", "include closed files"));
  exporter->add_option("--out", *out_path,
                       tr("写入该文件（新建，权限 0600，不覆盖已有文件），而不是标准输出",
                          "write to this file (created 0600, never overwritten) instead of stdout"));
  exporter->callback([&context, format, format_option, full_id, closed, out_path] {
    Station& station = context.open();
    if (context.json && format_option->count() == 0) *format = "json";
    ExportOptions options;
    options.format = *format == "json" ? ExportFormat::Json : *format == "xlsx" ? ExportFormat::Xlsx : ExportFormat::Csv;
    options.full_id = *full_id;
    options.include_closed = *closed;
    // Written as the children are read (export_children_to), never whole in memory.
    if (out_path->empty()) {
      context.take(export_children_to(station, options, std::cout));
      std::cout.flush();
      return;
    }
    create_private_file(*out_path);
    std::ofstream file(*out_path, std::ios::binary | std::ios::trunc);
    auto exported = export_children_to(station, options, file);
    file.close();
    if (!exported || !file) {
      std::error_code ignored;
      std::filesystem::remove(*out_path, ignored);  // nothing written: no half file left behind
      if (exported) throw CommandFailed{Status::internal(trf("写入 {} 失败", "writing {} failed", *out_path))};
    }
    const int children = context.take(std::move(exported));
    if (context.json)
      context.print_json({{"out", *out_path}, {"children", children}, {"format", *format}});
    else
      std::cout << trf("已导出 {} 名儿童到 {}\n", "exported {} children to {}\n", children, *out_path);
  });
}

}  // namespace

void register_ledger_commands(CLI::App& app, Context& context) {
  add_import(app, context);
  add_export(app, context);
}

}  // namespace tongdang::cli
