// Sync benchmark (not a test): a township of N children (default 5,000) with a year of events each (a membership
// and monthly home visits), a county server on loopback HTTP (Boost.Beast + libcurl, gzip both ways), and:
//   1. the first sync of the station that holds the township (pushes everything),
//   2. the first sync of a new station of the same township (pulls everything),
//   3. an incremental sync of 10 edits, at this township size and at a tenth of it: the second must not grow with
//      the size of the township.
// Usage: bench_sync [--children 5000] [--visits 12] [--target true] [--main true] [--keep] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <fmt/format.h>

#include "core/store/events.h"
#include "core/workflow/children.h"
#include "sync/protocol/tokens.h"
#include "sync/server/token_issue.h"
#include "sync/server/server.h"
#include "sync/server/sqlite/sqlite_central_store.h"
#include "sync/station/client.h"
#include "sync/station/curl_transport.h"

using namespace tongdang;

namespace {

// Incremental syncs timed per workload (--rounds): the median is printed.
int incremental_rounds = 5;

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

std::string id_number(int seq) {
  // Born 2015-01-01 + (seq / 900) days, sequence seq % 900 + 100: unique and valid (GB 11643 check character).
  Date birth = Date(2015, 1, 1).plus_days(seq / 900);
  std::string ymd = birth.to_string();
  std::string body = "320324" + ymd.substr(0, 4) + ymd.substr(5, 2) + ymd.substr(8, 2) + fmt::format("{:03}", seq % 900 + 100);
  static const int weights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * weights[i];
  return body + "10X98765432"[sum % 11];
}

struct Township {
  std::unique_ptr<sync::CentralStore> store;
  std::unique_ptr<sync::SyncService> service;
  std::unique_ptr<sync::HttpServer> http;
  int port = 0;
  std::string token(const std::string& township) {
    std::string t = sync::tokens::generate();
    (void)store->add_token({sync::TokenKind::Station, "station", Role::Supervisor, township, {}}, sync::tokens::hash(t), "now");
    return t;
  }
};

struct Measured {
  double ms = 0;
  sync::SyncSummary summary;
};

Measured timed_sync(Station& station, Township& county, const std::string& token) {
  auto transport = sync::make_curl_transport({fmt::format("http://127.0.0.1:{}", county.port), token,
                                              station.station_id(), ""});
  auto start = Clock::now();
  auto result = sync::run_sync(station, *transport);
  double ms = ms_since(start);
  if (!result) {
    std::cerr << "sync failed: " << result.status().to_string() << "\n";
    std::exit(1);
  }
  return {ms, result.value()};
}

struct Run {
  double fill_ms = 0;
  Measured first_push, first_pull, incremental;  // incremental: the median of the rounds (--rounds, 5)
  std::int64_t events = 0;
};

// `reuse`: a scratch directory kept by an earlier run (--keep) is used as it is — the filled station and the server
// after its first push — so a profile of the new station's first sync does not wait for the fill each time.
Run run(const std::filesystem::path& dir, int children, int visits, const ManualClock& clock, bool reuse = false) {
  reuse = reuse && std::filesystem::exists(dir / "central.db") && std::filesystem::exists(dir / "a.db");
  if (!reuse) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  std::filesystem::remove(dir / "b.db");
  std::filesystem::remove(dir / "b.db-wal");
  std::filesystem::remove(dir / "b.db-shm");
  Township county;
  county.store = reuse ? std::move(sync::open_sqlite_store((dir / "central.db").string())).value()
                       : std::move(sync::create_sqlite_store((dir / "central.db").string(), "320324", "睢宁县未保中心",
                                                             clock.now_iso())).value();
  county.service = std::make_unique<sync::SyncService>(*county.store, clock, [](const std::string& line) {
    if (std::getenv("TONGDANG_BENCH_LOG")) std::cerr << line << "\n";
  });
  sync::HttpServer::Options options;
  options.port = 0;
  options.insecure = true;
  county.http = std::make_unique<sync::HttpServer>(*county.service, options, [](const std::string&) {});
  county.port = county.http->start().value();

  Run out;
  auto start = Clock::now();
  auto station = reuse ? std::move(Station::open((dir / "a.db").string(), clock)).value()
                       : std::move(Station::create((dir / "a.db").string(), {"320324102", "王集镇未保站", "李芳",
                                                                             Role::Supervisor, {}}, clock)).value();
  const Date today = clock.today();
  std::vector<std::string> ids;
  if (reuse) {
    auto query = station->db().prepare("SELECT id FROM children ORDER BY id");
    while (query.step()) ids.push_back(query.get_text(0));
    children = static_cast<int>(ids.size());
    visits = 0;
  }
  for (int i = 0; i < (reuse ? 0 : children); ++i) {
    NewChild child;
    child.fields = {{"village", fmt::format("320324102{:03}", 201 + i % 20)}, {"name", fmt::format("儿童{}", i)},
                    {"id_number", id_number(i)}};
    child.categories = {"LEFT_BEHIND"};
    auto added = add_child(*station, child);
    if (!added) {
      std::cerr << added.status().to_string() << "\n";
      std::exit(1);
    }
    ids.push_back(added->id);
  }
  // A year of monthly home visits, written in large transactions (a bulk load, not the CLI path).
  for (std::size_t begin = 0; begin < (reuse ? 0 : ids.size()); begin += 500) {
    (void)station->write([&](WriteContext& w) {
      for (std::size_t i = begin; i < std::min(ids.size(), begin + 500); ++i)
        for (int m = visits; m >= 1; --m) {
          Event visit;
          visit.child_id = ids[i];
          visit.kind = "visit";
          visit.occurred_on = today.plus_days(-30 * m).to_string();
          visit.payload = {{"kind", "home"}, {"with", nlohmann::json::array()}, {"notes", "例行走访"}};
          record_event(w, visit);
        }
      return Status::ok();
    });
  }
  out.fill_ms = ms_since(start);
  out.events = static_cast<std::int64_t>(children) * (visits + 1);

  std::string token_a = county.token("320324102");
  if (!reuse) out.first_push = timed_sync(*station, county, token_a);
  auto fresh = std::move(Station::create((dir / "b.db").string(), {"320324102", "王集镇未保站二", "周督导",
                                                                    Role::Supervisor, {}}, clock)).value();
  out.first_pull = timed_sync(*fresh, county, county.token("320324102"));
  std::vector<Measured> rounds;
  for (int round = 0; round < incremental_rounds; ++round) {
    for (int i = 0; i < 10; ++i)
      (void)edit_child(*station, ids[static_cast<std::size_t>(i) * ids.size() / 10],
                       {{"school", fmt::format("学校{}-{}", round, i)}});
    rounds.push_back(timed_sync(*station, county, token_a));
  }
  std::sort(rounds.begin(), rounds.end(), [](const Measured& x, const Measured& y) { return x.ms < y.ms; });
  out.incremental = rounds[rounds.size() / 2];
  county.http->stop();
  return out;
}

void print_result(const char* label, const Measured& m, std::int64_t items, const char* unit) {
  std::cout << fmt::format("  {:<34} {:>9.1f} ms  ({} {}, {:.0f} {}/s; {} push pages, {} snapshot pages, {} pull pages)\n",
                           label, m.ms, items, unit, items / (m.ms / 1000.0), unit, m.summary.push_pages,
                           m.summary.snapshot_pages, m.summary.pull_pages);
}

}  // namespace

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int children = 5000;
  int visits = 12;
  std::string dir = (std::filesystem::temp_directory_path() / "tongdang-bench-sync").string();
  CLI::App app{"sync benchmark"};
  app.add_option("--children", children, "children in the township");
  app.add_option("--visits", visits, "home visits per child over the year");
  app.add_option("--dir", dir, "scratch directory (removed and recreated)");
  bool target = true;
  app.add_option("--target", target, "also run the 10,000-file target workload (default true)");
  bool main_workload = true;
  app.add_option("--main", main_workload, "run the N-children and N/10 workloads (default true)");
  bool keep = false;
  app.add_option("--rounds", incremental_rounds, "incremental syncs of 10 edits timed (the median printed)")
      ->check(CLI::Range(1, 100000));
  app.add_flag("--keep", keep, "keep the scratch directory; a later --keep run reuses its filled station and server");
  CLI11_PARSE(app, argc, argv);
  ManualClock clock(midnight_cst_ms(Date(2026, 11, 28)) + 12 * 3600 * 1000);

  std::cout << fmt::format("bench_sync: township of {} children, {} events each (1 membership + {} visits), "
                           "loopback HTTP + gzip\n", children, visits + 1, visits);
  if (main_workload) {
    Run big = run(std::filesystem::path(dir) / "main", children, visits, clock);
    std::int64_t big_ops = children + big.events;
    std::cout << fmt::format("  station filled in {:.0f} ms\n", big.fill_ms);
    print_result("first sync, holder pushes all", big.first_push, big_ops, "changes");
    print_result("first sync, new station pulls all", big.first_pull, big_ops, "ops");
    print_result(fmt::format("incremental sync of 10 edits (median of {})", incremental_rounds).c_str(), big.incremental, 10, "edits");

    int small_children = std::max(1, children / 10);
    Run small = run(std::filesystem::path(dir) / "small", small_children, visits, clock);
    std::cout << fmt::format("  at {} children: incremental sync of 10 edits {:.1f} ms\n", small_children,
                             small.incremental.ms);
    std::cout << fmt::format("  ratio incremental({}) / incremental({}) = {:.2f}  (1.0 = independent of township size)\n",
                             children, small_children, big.incremental.ms / small.incremental.ms);
  }
  if (target) {
    // The target workload: 10,000 child files (each with its membership event), no visits.
    Run files = run(std::filesystem::path(dir) / "target", 10000, 0, clock, keep);
    std::cout << fmt::format("target: 10,000 child files (+1 membership event each), no visits\n");
    print_result("first sync, holder pushes all", files.first_push, 20000, "changes");
    print_result("first sync, new station pulls all", files.first_pull, 20000, "ops");
    print_result(fmt::format("incremental sync of 10 edits (median of {})", incremental_rounds).c_str(), files.incremental, 10, "edits");
  }
  if (!keep) std::filesystem::remove_all(dir);
  curl_global_cleanup();
  return 0;
}
