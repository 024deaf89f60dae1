// Ledger benchmark (issue 13's three targets, docs/benchmarks.md "Ledgers as townships keep them"):
//   1. a 2,000-row .xlsx ledger imports in under 0.5 s: the generator's ledger (seed 1, 王集镇) made into a workbook
//      in process with libxlsxwriter, imported into a fresh station N times (CPU time and wall time, median);
//   2. a 100,000-row ledger imports with peak memory under 300 MB;
//   3. an export of those 100,000 children (JSON, CSV, .xlsx) peaks under 100 MB.
// Peak memory is each step's own: the step runs in a new process (this program started again with --step), which
// reads its input from a file as `tongdang import` does and reports its VmHWM (/proc/self/status) when done.
//   bench_ledger [--rows 2000] [--runs 5] [--big-rows 100000] [--seed 1] [--skip-big]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/ledger/ledger.h"
#include "core/store/station.h"
#include "tongdang/fixtures/synthetic.h"

extern char** environ;

namespace {

using namespace tongdang;

constexpr double kXlsxTargetSeconds = 0.5;  // a 2,000-row .xlsx
constexpr int kXlsxTargetRows = 2000;
constexpr double kImportTargetMb = 300;     // a 100,000-row ledger
constexpr double kExportTargetMb = 100;     // an export of 100,000 children
constexpr int kBigTargetRows = 100000;

const Date kAsOf(2026, 11, 28);

double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

// This process's peak resident memory, in MB (VmHWM).
double peak_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

std::string read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  std::string bytes(static_cast<std::size_t>(file.tellg()), '\0');
  file.seekg(0);
  file.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

// A CSV ledger made into an .xlsx workbook as a township's Excel would hold it: every cell a text cell, one sheet.
std::string as_xlsx(const std::string& csv, const std::string& path) {
  auto sheet = read_sheet(csv);
  if (!sheet) throw std::runtime_error(sheet.status().to_string());
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* worksheet = workbook_add_worksheet(workbook, "台账");
  for (std::size_t r = 0; r < sheet->rows.size(); ++r)
    for (std::size_t c = 0; c < sheet->rows[r].cells.size(); ++c)
      if (!sheet->rows[r].cells[c].empty())
        worksheet_write_string(worksheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c),
                               sheet->rows[r].cells[c].c_str(), nullptr);
  if (workbook_close(workbook) != LXW_NO_ERROR) throw std::runtime_error("libxlsxwriter failed");
  return read_bytes(path);
}

ManualClock bench_clock() { return ManualClock(midnight_cst_ms(kAsOf) + 10 * 3600 * 1000); }

std::unique_ptr<Station> fresh_station(const std::string& path, const Clock& clock) {
  auto station = Station::create(path, {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}, ""}, clock);
  if (!station) throw std::runtime_error(station.status().to_string());
  return std::move(station).value();
}

// --step import LEDGER DB: imports the ledger file into a new station at DB. --step export DB FORMAT: exports the
// station's children to /dev/null. Either prints "rows cpu_seconds peak_mb".
int run_step(const std::vector<std::string>& step) {
  ManualClock clock = bench_clock();
  const double cpu_start = cpu_seconds();
  int rows = 0;
  if (step.at(0) == "import") {
    const std::string bytes = read_bytes(step.at(1));
    auto station = fresh_station(step.at(2), clock);
    ImportOptions options;
    options.source = step.at(1);
    auto report = import_ledger(*station, bytes, options);
    if (!report || !report->written) {
      std::cerr << "import failed: " << report.status().to_string();
      if (report) for (const auto& p : report->problems) std::cerr << "\n  line " << p.line << " " << p.column << ": " << p.reason;
      std::cerr << "\n";
      return 1;
    }
    rows = report->children;
  } else {
    auto station = Station::open(step.at(1), clock);
    if (!station) throw std::runtime_error(station.status().to_string());
    ExportOptions options;
    options.format = step.at(2) == "json" ? ExportFormat::Json : step.at(2) == "xlsx" ? ExportFormat::Xlsx : ExportFormat::Csv;
    options.full_id = true;
    std::ofstream out("/dev/null", std::ios::binary);
    auto exported = export_children_to(*station.value(), options, out);
    if (!exported) throw std::runtime_error(exported.status().to_string());
    rows = exported.value();
  }
  std::printf("%d %.3f %.1f\n", rows, cpu_seconds() - cpu_start, peak_mb());
  return 0;
}

struct StepResult {
  int rows = 0;
  double cpu = 0;
  double peak = 0;
  double wall = 0;
};

// Runs this program again with --step ARGS…, and reads what the step printed.
StepResult spawn_step(const std::string& self, const std::vector<std::string>& args, const std::string& out_path) {
  std::vector<std::string> argv_text = {self, "--step"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& text : argv_text) argv.push_back(text.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + self);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  StepResult result;
  result.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("step failed: " + args.at(0));
  std::ifstream printed(out_path);
  printed >> result.rows >> result.cpu >> result.peak;
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 && std::string(argv[1]) == "--step") return run_step(std::vector<std::string>(argv + 2, argv + argc));
  int rows = kXlsxTargetRows;
  int runs = 5;
  int big_rows = kBigTargetRows;
  std::uint64_t seed = 1;
  bool skip_big = false;
  CLI::App app{"bench_ledger: .xlsx import time, 100,000-row import and export peak memory (issue 13)"};
  app.add_option("--rows", rows, "rows of the .xlsx ledger");
  app.add_option("--runs", runs, "imports of the .xlsx ledger, each into a fresh station")->check(CLI::Range(1, 1000));
  app.add_option("--big-rows", big_rows, "rows of the large ledger (memory)");
  app.add_option("--seed", seed, "generator seed");
  app.add_flag("--skip-big", skip_big, "only the .xlsx timing");
  CLI11_PARSE(app, argc, argv);

  auto dir = std::filesystem::temp_directory_path() / ("tongdang-bench-ledger-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  try {
    // 1. The .xlsx ledger's import time, in process.
    ManualClock clock = bench_clock();
    std::string xlsx;
    {
      fixtures::Generator generator(seed, kAsOf);
      xlsx = as_xlsx(fixtures::ledger_csv(generator.township_children("320324102", rows)), (dir / "ledger.xlsx").string());
    }
    std::vector<double> wall, cpu;
    for (int run = 0; run < runs; ++run) {
      auto station = fresh_station((dir / ("station-" + std::to_string(run) + ".db")).string(), clock);
      const auto start = std::chrono::steady_clock::now();
      const double cpu_start = cpu_seconds();
      auto report = import_ledger(*station, xlsx, {});
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double used = cpu_seconds() - cpu_start;
      if (!report || !report->written || report->children != rows) {
        std::cerr << "xlsx import failed: " << report.status().to_string() << "\n";
        return 1;
      }
      wall.push_back(elapsed);
      cpu.push_back(used);
      std::printf("xlsx run %d: %d rows (%zu KB) in %.3f s wall, %.3f s CPU\n", run + 1, rows, xlsx.size() / 1024,
                  elapsed, used);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    const double median_wall = wall[wall.size() / 2], median_cpu = cpu[cpu.size() / 2];
    const double target = kXlsxTargetSeconds * rows / kXlsxTargetRows;
    std::printf("xlsx import: median %.3f s wall, %.3f s CPU = %.0f rows/s (CPU); target %.3f s; CPU/target = %.2f (%s)\n",
                median_wall, median_cpu, rows / median_cpu, target, median_cpu / target,
                median_cpu <= target ? "met" : "NOT met");

    if (!skip_big) {
      // 2. The large ledger's import, in a process of its own.
      const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
      const std::string ledger_path = (dir / "big.csv").string(), db_path = (dir / "big.db").string();
      {
        fixtures::Generator generator(seed, kAsOf);
        std::ofstream(ledger_path, std::ios::binary)
            << fixtures::ledger_csv(generator.township_children("320324102", big_rows, 22));
      }
      const double import_target = kImportTargetMb;  // for 100,000 rows; fewer rows are held to the same bound
      StepResult imported = spawn_step(self, {"import", ledger_path, db_path}, (dir / "step.out").string());
      std::printf("import of %d rows (%.1f MB CSV): %.1f s CPU, %.1f s wall = %.0f rows/s (CPU); peak %.0f MB; "
                  "target %.0f MB; peak/target = %.2f (%s)\n",
                  imported.rows, static_cast<double>(std::filesystem::file_size(ledger_path)) / 1e6, imported.cpu,
                  imported.wall, imported.rows / imported.cpu, imported.peak, import_target,
                  imported.peak / import_target, imported.peak <= import_target ? "met" : "NOT met");
      // 3. The export of those children, each format in a process of its own.
      for (const char* format : {"json", "csv", "xlsx"}) {
        StepResult exported = spawn_step(self, {"export", db_path, format}, (dir / "step.out").string());
        std::printf("export %s of %d children: %.1f s CPU, %.1f s wall = %.0f children/s (CPU); peak %.0f MB; "
                    "target %.0f MB; peak/target = %.2f (%s)\n",
                    format, exported.rows, exported.cpu, exported.wall, exported.rows / exported.cpu, exported.peak,
                    kExportTargetMb, exported.peak / kExportTargetMb, exported.peak <= kExportTargetMb ? "met" : "NOT met");
      }
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    std::filesystem::remove_all(dir);
    return 1;
  }
  std::filesystem::remove_all(dir);
  return 0;
}
