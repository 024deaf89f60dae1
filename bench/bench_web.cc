// Page-speed benchmark of the station in a browser (issue 11: "on a station with 10,000 children each page renders in
// < 50 ms and weighs < 150 KB"; a search answers in < 30 ms). Builds a township station of N children with a year
// of 3+4+N events (fixtures/gen: report_workload.h, the coverage benchmark's workload) and synthetic valid ID
// numbers, rebuilds its projections, signs in through /login, then times each page in process through
// StationApp::handle — the whole page as `tongdang serve` sends it, without the socket. Figures: docs/benchmarks.md
// "Web pages".
//
//   ./build/bench_web [--children 10000] [--runs 20] [--dir /tmp] [--reuse] [--only /review]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <regex>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "core/projection/report_rows.h"
#include "core/projection/workflow_state.h"
#include "core/store/station.h"
#include "core/workflow/workflow.h"
#include "tongdang/fixtures/report_workload.h"
#include "web/base/html.h"
#include "web/base/http.h"
#include "web/station/app.h"

using namespace tongdang;
using Stopwatch = std::chrono::steady_clock;

namespace {

constexpr const char* kTownship = "320324102";
constexpr const char* kSupervisor = "李芳";
constexpr const char* kPassword = "督导员的密码123";
// The targets of issue 11.
constexpr double kPageMs = 50;
constexpr double kSearchMs = 30;
constexpr double kPageKb = 150;

// CPU time of this process, in ms (as bench_search): on a shared machine wall time also measures the neighbours,
// so the targets are judged on the median CPU time when the load is high (docs/benchmarks.md).
double cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

double ms_since(Stopwatch::time_point start) {
  return std::chrono::duration<double, std::milli>(Stopwatch::now() - start).count();
}

// A valid synthetic GB 11643 number for county 320324 (docs/domain.md "ID numbers": weights and check characters),
// as bench/workflow_bench.cc makes them; the serial keeps them distinct.
std::string id_number(int serial) {
  const int year = 2010 + serial % 8, month = 1 + serial % 12, day = 1 + serial % 28;
  std::string body = fmt::format("320324{:04}{:02}{:02}{:03}", year, month, day, serial % 1000);
  static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * weights[i];
  return body + "10X98765432"[sum % 11];
}

// The station: the workload's children and events, each child given an ID number, projections rebuilt.
std::unique_ptr<Station> build_station(const std::string& path, int children, bool reuse, const Clock& clock) {
  if (reuse && std::filesystem::exists(path)) {
    std::cout << "reusing " << path << "\n";
    return std::move(Station::open(path, clock)).value();
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  Station::InitOptions init{kTownship, "王集镇未保站", kSupervisor, Role::Supervisor, {}, kPassword};
  auto station = std::move(Station::create(path, init, clock)).value();
  db::Database& db = station->db();
  auto start = Stopwatch::now();
  fixtures::ReportWorkload workload;
  workload.children = children;
  workload.townships = {kTownship};
  const auto counts = fixtures::write_report_workload(db, workload);
  {
    db::Transaction tx(db);
    auto set = db.prepare("UPDATE children SET id_number = ?1 WHERE id = ?2");
    for (int i = 0; i < children; ++i) set.bind(1, id_number(i * 7 + 1)).bind(2, fmt::format("c{:010}", i)).run();
    refresh_all_workflow_state(db);
    tx.commit();
  }
  report::rebuild(db);
  std::cout << fmt::format("station: {} children, {} events, built in {:.1f} s\n", counts.children, counts.events,
                           ms_since(start) / 1000);
  return station;
}

// A signed-in browser, in process: the cookies /login sets, sent back with every request.
struct Client {
  web::station::StationApp& app;
  std::map<std::string, std::string> cookies;

  web::Response send(web::Request request) {
    request.cookies = cookies;
    web::Response response = app.handle(request);
    for (const auto& [name, value] : response.headers) {
      if (name != "Set-Cookie") continue;
      const std::string pair = value.substr(0, value.find(';'));
      const std::size_t eq = pair.find('=');
      if (eq == std::string::npos) continue;
      if (pair.size() == eq + 1) cookies.erase(pair.substr(0, eq));
      else cookies[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    return response;
  }
  web::Response get(const std::string& target) {
    web::Request request;
    request.method = "GET";
    const std::size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = web::parse_urlencoded(target.substr(q + 1));
    return send(request);
  }
  bool sign_in() {
    const std::string form = get("/login").body;
    std::smatch m;
    if (!std::regex_search(form, m, std::regex(R"re(name="csrf" value="([0-9a-f]{64})")re"))) return false;
    web::Request request;
    request.method = "POST";
    request.path = "/login";
    request.form = {{"user", kSupervisor}, {"password", kPassword}, {"csrf", m[1]}, {"next", "/"}};
    return send(request).status == 303 && cookies.count("tongdang_session") == 1;
  }
};

struct Probe {
  std::string label;
  std::string target;
  double target_ms;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"station web pages benchmark"};
  int children = 10'000, runs = 20;
  std::string dir = std::filesystem::temp_directory_path().string();
  bool reuse = false;
  std::string only;
  app.add_option("--children", children, "children on the station");
  app.add_option("--runs", runs, "requests per page (median and max printed)");
  app.add_option("--dir", dir, "where to build the station");
  app.add_flag("--reuse", reuse, "reuse the station a previous run left in --dir");
  app.add_option("--only", only, "time only the pages whose label holds this text (with TONGDANG_SLOW_SQL_MS, "
                                 "to see one page's statements)");
  CLI11_PARSE(app, argc, argv);

  // The station's day is fixed (the workload ends on it); sign-in keeps real time (core/store/sign_in.h).
  ManualClock clock(midnight_cst_ms(Date(2026, 11, 28)) + 10LL * 3600 * 1000);
  const std::string path = dir + "/bench-web.db";
  auto station = build_station(path, children, reuse, clock);

  // A file with a year of events: the first red child.
  std::string red_child = "c0000000000";
  std::string id_tail;
  {
    auto query = station->db().prepare(
        "SELECT c.id, c.id_number FROM children c JOIN child_state s ON s.child_id = c.id WHERE s.colour = 'red' "
        "AND c.status = 'open' ORDER BY c.id LIMIT 1");
    if (query.step()) {
      red_child = query.get_text(0);
      id_tail = query.get_text(1).substr(14);
    }
  }
  if (id_tail.empty()) id_tail = id_number(1).substr(14);

  if (std::getenv("CACHE_KIB")) station->db().exec(fmt::format("PRAGMA cache_size = -{}", std::getenv("CACHE_KIB")));
  if (std::getenv("MMAP")) station->db().exec(fmt::format("PRAGMA mmap_size = {}", std::getenv("MMAP")));
  // The work list's use cases alone (core/workflow: due_list, the whole list `tongdang due` prints; due_page, the
  // web's first page of 50), to tell their cost from the page's.
  if (only.empty()) {
    std::vector<double> ms, ms_page, cpu, cpu_page;
    std::size_t rows = 0, total = 0;
    for (int i = 0; i < std::min(runs, 5); ++i) {
      auto start = Stopwatch::now();
      double cpu_start = cpu_ms();
      auto due = due_list(*station, {Date(2026, 11, 28), false, 7});
      cpu.push_back(cpu_ms() - cpu_start);
      ms.push_back(ms_since(start));
      rows = due ? due->size() : 0;
      start = Stopwatch::now();
      cpu_start = cpu_ms();
      auto page = due_page(*station, {Date(2026, 11, 28), false, 7}, 0, 50);
      cpu_page.push_back(cpu_ms() - cpu_start);
      ms_page.push_back(ms_since(start));
      total = page ? page->total : 0;
    }
    for (auto* v : {&ms, &ms_page, &cpu, &cpu_page}) std::sort(v->begin(), v->end());
    std::cout << fmt::format("due_list use case alone: median {:.1f} ms (CPU {:.1f} ms), {} rows\n", ms[ms.size() / 2],
                             cpu[cpu.size() / 2], rows);
    // The fast page must be the whole list's first 50 rows (tests/core/due_page_test.cc checks it on random
    // stations; here on this one).
    auto whole = due_list(*station, {Date(2026, 11, 28), false, 7});
    auto first = due_page(*station, {Date(2026, 11, 28), false, 7}, 0, 50);
    bool same = whole && first && first->total == whole->size();
    for (std::size_t i = 0; same && i < first->rows.size(); ++i)
      same = first->rows[i].to_json() == (*whole)[i].to_json();
    std::cout << fmt::format(
        "due_page (first 50 rows): median {:.1f} ms (CPU {:.1f} ms), {} rows in all, {} due_list's first 50\n",
        ms_page[ms_page.size() / 2], cpu_page[cpu_page.size() / 2], total, same ? "equal to" : "DIFFERENT FROM");
  }

  web::station::StationApp station_app(std::move(station), {path});
  Client client{station_app, {}};
  if (!client.sign_in()) {
    std::cerr << "could not sign in\n";
    return 1;
  }
  const std::vector<Probe> probes = {
      {"/ (due list)", "/", kPageMs},
      {"/children", "/children", kPageMs},
      {"/children?q=<name part>", "/children?q=" + web::percent_encode("测试99"), kSearchMs},
      {fmt::format("/children?q={} (4 digits)", id_tail), "/children?q=" + id_tail, kSearchMs},
      {"/children/{id} (a red file)", "/children/" + red_child, kPageMs},
      {"/review", "/review", kPageMs},
      {"/reports/coverage", "/reports/coverage?as_of=2026-11-28", kPageMs},
      // The report itself, which that page frames (web/station/report_page.cc).
      {"  its report.html (iframe)", "/reports/coverage/report.html?as_of=2026-11-28", kPageMs},
  };
  std::cout << fmt::format("{} children, {} requests per page, in process (StationApp::handle)\n\n", children, runs);
  std::cout << fmt::format("{:<34} {:>6} {:>10} {:>9} {:>8} {:>9}  {}\n", "page", "status", "median ms", "max ms",
                           "cpu ms", "KB", "target (judged on CPU time)");
  bool all_met = true;
  for (const Probe& probe : probes) {
    if (probe.label.find(only) == std::string::npos) continue;
    std::vector<double> ms, cpu;
    web::Response response;
    for (int i = 0; i < runs; ++i) {
      auto start = Stopwatch::now();
      const double cpu_start = cpu_ms();
      response = client.get(probe.target);
      cpu.push_back(cpu_ms() - cpu_start);
      ms.push_back(ms_since(start));
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    const double median = ms[ms.size() / 2], cpu_median = cpu[cpu.size() / 2];
    const double kb = static_cast<double>(response.body.size()) / 1024;
    const bool met = response.status == 200 && cpu_median < probe.target_ms && kb < kPageKb;
    all_met = all_met && met;
    std::cout << fmt::format("{:<34} {:>6} {:>10.1f} {:>9.1f} {:>8.1f} {:>9.1f}  < {:.0f} ms, < {:.0f} KB: {}\n",
                             probe.label, response.status, median, ms.back(), cpu_median, kb, probe.target_ms, kPageKb,
                             response.status != 200 ? "NO PAGE" : met ? "met" : "NOT met");
  }
  std::cout << "\n" << (all_met ? "every target met" : "some target NOT met") << "\n";
  return 0;
}
