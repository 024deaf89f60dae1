// tongdang import LEDGER.csv [--dry-run], tongdang export [--format csv|json] [--full-id] [--out FILE].
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "command_line.h"
#include "context.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/ledger/ledger.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CommandFailed{Status::not_found(trf("找不到台账文件 {}", "no ledger file {}", path))};
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

// Writes an export owner-readable only (0600): it holds children's files. Refuses to overwrite.
void write_private_file(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0)
    throw CommandFailed{Status::refused(trf("不能创建 {}（文件已存在或目录不可写）；导出不会覆盖已有文件",
                                            "cannot create {} (it exists or the folder is not writable); an export "
                                            "never overwrites a file",
                                            path))};
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw CommandFailed{Status::internal(trf("写入 {} 失败", "writing {} failed", path))};
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

// The column as the file names it, or (for a column the file lacks, e.g. father_place) its usual name.
std::string column_text(const LedgerProblem& p) {
  if (!p.column.empty()) return p.column;
  const LedgerColumn* column = find_ledger_column(p.field);
  if (!column) return p.field;
  return i18n::language() == i18n::Lang::Zh ? trf("{}（缺少此列）", "{}", column->chinese.front())
                                            : trf("{}", "{} (column missing)", column->name);
}

void print_report(const LedgerReport& report, const std::string& path) {
  if (!report.problems.empty()) {
    std::cout << trf("台账 {}：{} 行中有 {} 处问题，未导入任何数据。请改正后重新导入：\n",
                     "ledger {}: {} rows, {} problems; nothing was imported. Correct them and import again:\n", path,
                     report.rows, report.problems.size());
    std::vector<std::vector<std::string>> rows;
    for (const auto& p : report.problems)
      rows.push_back({std::to_string(p.line), column_text(p), p.reason});
    print_table(std::cout, {label("line"), label("column"), tr("原因", "reason")}, rows);
    return;
  }
  for (const auto& w : report.warnings)
    std::cerr << trf("提示：第 {} 行 {}：{}\n", "warning: line {} {}: {}\n", w.line, w.column, w.message);
  if (report.dry_run)
    std::cout << trf("台账 {}：{} 行全部通过检查，可导入 {} 名儿童、{} 名家庭成员（试运行，未写入）\n",
                     "ledger {}: all {} rows pass; {} children and {} relatives would be imported (dry run, nothing "
                     "written)\n",
                     path, report.rows, report.children, report.relatives);
  else
    std::cout << trf("台账 {}：已导入 {} 名儿童、{} 名家庭成员（共 {} 行）\n",
                     "ledger {}: imported {} children and {} relatives ({} rows)\n", path, report.children,
                     report.relatives, report.rows);
}

void add_import(CLI::App& app, Context& context) {
  auto* import = app.add_subcommand("import", tr("导入台账 CSV：先逐行检查，全部无误才导入",
                                                 "import a ledger CSV: every row checked first, all or nothing"));
  auto ledger_path = std::make_shared<std::string>();
  auto dry_run = std::make_shared<bool>(false);
  import
      ->add_option("ledger", *ledger_path,
                   tr("台账文件，UTF-8 或 GBK 编码的 CSV（列见 docs/user-guide.md）",
                      "the ledger, a UTF-8 or GBK CSV (docs/user-guide.md lists the columns)"))
      ->required();
  import->add_flag("--dry-run", *dry_run, tr("只检查并报告，不写入", "check every row and report; write nothing"));
  import->callback([&context, ledger_path, dry_run] {
    Station& station = context.open();
    const std::string bytes = read_file(*ledger_path);
    ImportOptions options;
    options.dry_run = *dry_run;
    options.source = *ledger_path;
    LedgerReport report = context.take(import_ledger(station, bytes, options));
    if (context.json) context.print_json(report.to_json());
    else print_report(report, *ledger_path);
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
                           tr("csv（带 BOM 的 UTF-8，供 Excel）或 json；默认 csv，加 --json 时为 json",
                              "csv (UTF-8 with BOM, for Excel) or json; default csv, or json with --json")),
      {"csv", "json"});
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
    options.format = *format == "json" ? ExportFormat::Json : ExportFormat::Csv;
    options.full_id = *full_id;
    options.include_closed = *closed;
    ExportResult result = context.take(export_children(station, options));
    if (out_path->empty()) {
      std::cout << result.content;
      return;
    }
    write_private_file(*out_path, result.content);
    if (context.json)
      context.print_json({{"out", *out_path}, {"children", result.children}, {"format", *format}});
    else
      std::cout << trf("已导出 {} 名儿童到 {}\n", "exported {} children to {}\n", result.children, *out_path);
  });
}

}  // namespace

void register_ledger_commands(CLI::App& app, Context& context) {
  add_import(app, context);
  add_export(app, context);
}

}  // namespace tongdang::cli
