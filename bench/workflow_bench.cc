// Benchmark (not a test): the cost of the workflow projections on a township-sized station. Registers N children,
// grades each, records three visits and a care measure per child, then builds the director's work list.
// Prints rates per second and the work-list time. Usage: workflow_bench [--children N] [--db FILE]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/workflow/care.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"

using namespace tongdang;

namespace {

// A valid synthetic GB 11643 number for county 320324 (docs/domain.md "ID numbers": weights and check characters).
std::string id_number(int serial) {
  const int year = 2010 + serial % 8, month = 1 + serial % 12, day = 1 + serial % 28;
  std::string body = fmt::format("320324{:04}{:02}{:02}{:03}", year, month, day, serial % 1000);
  static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * weights[i];
  return body + "10X98765432"[sum % 11];
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  int children = 500;
  std::string path = (std::filesystem::temp_directory_path() / "tongdang_workflow_bench.db").string();
  CLI::App app{"workflow projection benchmark"};
  app.add_option("--children", children, "children in the township");
  app.add_option("--db", path, "scratch database (overwritten)");
  CLI11_PARSE(app, argc, argv);
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");

  ManualClock clock(midnight_cst_ms(Date(2026, 11, 28)) + 10LL * 3600 * 1000);
  Station::InitOptions options{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}};
  auto station = Station::create(path, options, clock);
  if (!station) {
    std::cerr << station.status().to_string() << "\n";
    return 1;
  }
  Station& s = *station.value();

  std::vector<std::string> ids;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < children; ++i) {
    NewChild child;
    child.fields = {{"name", fmt::format("测试儿童{}", i)}, {"id_number", id_number(i * 7 + 1)},
                    {"village", fmt::format("320324102{:03}", 201 + i % 20)}};
    child.categories = {"LOW_INCOME"};
    auto added = add_child(s, child);
    if (!added) {
      std::cerr << added.status().to_string() << "\n";
      return 1;
    }
    ids.push_back(added->id);
  }
  double register_s = seconds_since(start);

  start = std::chrono::steady_clock::now();
  int events = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    Answers answers;
    answers.carer = i % 3 == 0 ? "both_away_capable_relative" : "one_parent_away";
    answers.income = "below_1x_or_dibao";
    answers.warning_signs = static_cast<int>(i % 4);
    if (i % 50 == 0) answers.triggers = {RedTrigger::NoCarer};
    if (!assess(s, ids[i], answers, Date(2026, 9, 1), "")) return 1;
    for (int v = 0; v < 3; ++v)
      if (!add_visit(s, ids[i], {Date(2026, 9 + v, 10), v == 1 ? "phone" : "home", {}, "", std::nullopt})) return 1;
    NewMeasure measure;
    measure.area = "LIVING";
    measure.item = "低保";
    if (!add_care_measure(s, ids[i], measure)) return 1;
    events += 5;
  }
  double workflow_s = seconds_since(start);

  start = std::chrono::steady_clock::now();
  auto due = due_list(s, {Date(2026, 12, 1), false, 7});
  double due_s = seconds_since(start);
  if (!due) return 1;

  std::cout << fmt::format("children: {}\n", children);
  std::cout << fmt::format("register (child + membership event): {:.0f} children/s\n", children / register_s);
  std::cout << fmt::format("workflow events (assessment, 3 visits, care), one transaction each: {:.0f} events/s\n",
                           events / workflow_s);
  std::cout << fmt::format("due list over {} children: {:.1f} ms ({} rows)\n", children, due_s * 1000, due->size());
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return 0;
}
