// Search and file benchmark: a station of N children (default 10,000) imported from a synthetic ledger (the
// generator, seed 1, 王集镇, 12 villages), then each search of the children list (core/workflow/search.h) and the
// opening of one whole file (core/workflow/child_file.h) timed R times, in process. Prints the median and the
// slowest of each against the target: a search under 30 ms, a file under 50 ms (docs/benchmarks.md "bench_search").
//   bench_search [--children 10000] [--runs 20] [--seed 1] [--keep FILE]
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <vector>

#include "core/ledger/ledger.h"
#include "core/store/station.h"
#include "core/workflow/child_file.h"
#include "core/workflow/search.h"
#include "tongdang/fixtures/synthetic.h"

namespace {

constexpr double kSearchTargetMs = 30;  // issue 11: a search answers in < 30 ms on 10,000 children
constexpr double kFileTargetMs = 50;    // issue 11: a page renders in < 50 ms

// CPU time of this process, in ms: on a shared machine wall time also measures the neighbours.
double cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// Times `work` `runs` times; prints the median and the slowest wall time and the median CPU time. Returns whether
// the median CPU time meets `target_ms` (wall time is printed beside it: on a quiet machine they agree).
bool timed(const char* what, int runs, double target_ms, const std::function<std::int64_t()>& work) {
  std::vector<double> ms, cpu;
  std::int64_t found = 0;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_ms();
    found = work();
    cpu.push_back(cpu_ms() - cpu_start);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  const double median = ms[ms.size() / 2], cpu_median = cpu[cpu.size() / 2];
  std::printf("%-28s %6lld found  wall median %6.2f ms, max %6.2f ms  CPU median %6.2f ms  (target %.0f ms: %s)\n",
              what, static_cast<long long>(found), median, ms.back(), cpu_median, target_ms,
              cpu_median < target_ms ? "ok" : "SLOW");
  return cpu_median < target_ms;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tongdang;
  int children = 10'000;
  int runs = 20;
  std::uint64_t seed = 1;
  CLI::App app{"bench_search: search the children list and open a file on a station of N synthetic children"};
  app.add_option("--children", children, "children on the station");
  app.add_option("--runs", runs, "timings of each query")->check(CLI::Range(1, 10000));
  app.add_option("--seed", seed, "generator seed");
  std::string keep;
  app.add_option("--keep", keep, "also copy the station database here (to look at query plans)");
  CLI11_PARSE(app, argc, argv);

  const Date as_of(2026, 11, 28);
  ManualClock clock(midnight_cst_ms(as_of) + 10 * 3600 * 1000);
  fixtures::Generator generator(seed, as_of);
  const auto synthetic = generator.township_children("320324102", children, 12);
  const std::string ledger = fixtures::ledger_csv(synthetic);

  auto dir = std::filesystem::temp_directory_path() / ("tongdang-bench-search-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto created = Station::create((dir / "station.db").string(), {"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}},
                                 clock);
  if (!created) {
    std::cerr << created.status().to_string() << "\n";
    return 1;
  }
  Station& station = *created.value();
  auto report = import_ledger(station, ledger, {});
  if (!report || !report->written) {
    std::cerr << "import failed: " << report.status().to_string() << "\n";
    return 1;
  }
  std::printf("station: %d children (imported ledger, seed %llu)\n", children, static_cast<unsigned long long>(seed));

  // What people type: part of a common name, a whole name, four and six trailing ID digits, part of a phone.
  const fixtures::SyntheticChild& sample = synthetic[synthetic.size() / 2];
  const std::string surname = sample.name.substr(0, 3);  // one CJK character in UTF-8
  std::string phone;
  for (const auto& child : synthetic)
    if (child.guardian && !child.guardian->phone.empty()) {
      phone = child.guardian->phone.substr(3, 6);
      break;
    }
  bool ok = true;
  auto search = [&station](ChildSearch query) {
    return [&station, query]() -> std::int64_t {
      auto found = search_children(station, query);
      return found ? found.value().total : -1;
    };
  };
  ok &= timed("list, first page", runs, kSearchTargetMs, search({}));
  ok &= timed("list, page 100", runs, kSearchTargetMs, search({.page = 100}));
  ok &= timed("part of a name (surname)", runs, kSearchTargetMs, search({.text = surname}));
  ok &= timed("whole name", runs, kSearchTargetMs, search({.text = sample.name}));
  ok &= timed("last 4 ID digits", runs, kSearchTargetMs, search({.text = sample.id_number.substr(14)}));
  ok &= timed("last 6 ID digits", runs, kSearchTargetMs, search({.text = sample.id_number.substr(12)}));
  ok &= timed("part of a phone (6 digits)", runs, kSearchTargetMs, search({.text = phone}));
  ok &= timed("village filter + surname", runs, kSearchTargetMs,
              search({.text = surname, .village = std::string(sample.village)}));
  ok &= timed("category LEFT_BEHIND", runs, kSearchTargetMs, search({.category = Category::LeftBehind}));

  auto first = search_children(station, {.text = sample.id_number});
  if (!first || first.value().rows.empty()) {
    std::cerr << "the sample child was not found\n";
    return 1;
  }
  const std::string id = first.value().rows.front().id;
  ok &= timed("open one whole file", runs, kFileTargetMs, [&station, &id]() -> std::int64_t {
    auto file = open_child_file(station, id, false);
    return file ? static_cast<std::int64_t>(file.value().history.size()) : -1;
  });
  if (!keep.empty()) {
    auto copy = station.db().prepare("VACUUM INTO ?1");
    copy.bind(1, keep).run();
  }
  std::filesystem::remove_all(dir);
  return ok ? 0 : 2;
}
