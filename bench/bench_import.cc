// Ledger import benchmark: a fixed 2,000-row ledger (the generator, seed 1, 王集镇) imported into a fresh station
// N times, in process (no program start-up). Prints each run, the median, rows per second and the ratio to the
// target of 0.3 s for 2,000 rows (docs/benchmarks.md).
//   bench_import [--rows 2000] [--runs 5] [--seed 1]
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <vector>

#include "core/ledger/ledger.h"
#include "core/store/station.h"
#include "tongdang/fixtures/synthetic.h"

namespace {

constexpr double kTargetSeconds = 0.3;  // for 2,000 rows (docs/benchmarks.md)
constexpr int kTargetRows = 2000;

// CPU time of this process: on a shared machine wall time also measures the neighbours.
double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tongdang;
  int rows = kTargetRows;
  int runs = 5;
  std::uint64_t seed = 1;
  CLI::App app{"bench_import: import a fixed synthetic ledger into a fresh station, N times"};
  app.add_option("--rows", rows, "ledger rows");
  app.add_option("--runs", runs, "imports, each into a fresh station")->check(CLI::Range(1, 1000));
  app.add_option("--seed", seed, "generator seed");
  CLI11_PARSE(app, argc, argv);

  const Date as_of(2026, 11, 28);
  ManualClock clock(midnight_cst_ms(as_of) + 10 * 3600 * 1000);
  fixtures::Generator generator(seed, as_of);
  const std::string ledger = fixtures::ledger_csv(generator.township_children("320324102", rows));

  auto dir = std::filesystem::temp_directory_path() / ("tongdang-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<double> seconds;
  std::vector<double> cpu;
  for (int run = 0; run < runs; ++run) {
    const std::string path = (dir / ("station-" + std::to_string(run) + ".db")).string();
    auto station = Station::create(path, {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}}, clock);
    if (!station) {
      std::cerr << station.status().to_string() << "\n";
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    auto report = import_ledger(*station.value(), ledger, {});
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu_used = cpu_seconds() - cpu_start;
    if (!report || !report->written || report->children != rows) {
      std::cerr << "import failed: " << report.status().to_string();
      if (report) for (const auto& p : report->problems) std::cerr << "\n  line " << p.line << " " << p.column << ": " << p.reason;
      std::cerr << "\n";
      return 1;
    }
    seconds.push_back(elapsed);
    cpu.push_back(cpu_used);
    std::printf("run %d: %d rows in %.3f s wall, %.3f s CPU (%.0f rows/s)\n", run + 1, rows, elapsed, cpu_used,
                rows / elapsed);
  }
  std::filesystem::remove_all(dir);
  std::sort(seconds.begin(), seconds.end());
  std::sort(cpu.begin(), cpu.end());
  const double median = seconds[seconds.size() / 2];
  const double median_cpu = cpu[cpu.size() / 2];
  const double target = kTargetSeconds * rows / kTargetRows;
  std::printf("median: %d rows in %.3f s wall (%.3f s CPU) = %.0f rows/s; best %.3f s; target %.3f s; "
              "median/target = %.2f (%s)\n",
              rows, median, median_cpu, rows / median, seconds.front(), target, median / target,
              median <= target ? "met" : "NOT met");
  return 0;
}
