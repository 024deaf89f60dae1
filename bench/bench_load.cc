// Load benchmark (issue 14, "Many stations at once"): many station databases syncing at the same moment with the
// county server as a county runs it — the real `tongdang-server serve` binary on loopback TLS (a throwaway
// self-signed certificate), its database named by --db as everywhere (`init`, tokens issued with `station add`) —
// each station driven by the station's own sync client (sync/station: libcurl over TLS, gzip), as `tongdang sync`
// runs it, one thread per station so that every sync of a round is in flight together. In process rather than 200
// `tongdang sync` processes: the client is the same code, and 200 processes starting would measure process start-up
// and the division table's loading, not the server.
//
// The county has --townships townships (synthetic codes 320324101…, two laptops each by default: --stations 200).
// Rounds, all stations at once in each:
//   1. first syncs: laptop A of each township holds its township's --children files (registered before it ever
//      synced, as after a ledger import) and pushes them all; laptop B starts empty and pulls what is there;
//   2. --rounds incremental rounds: each laptop edits --edits children of its township, records a home visit and
//      syncs; in every round
//      both laptops of a township also edit the same field of the same child (the server must keep a conflict and
//      lose neither value);
//   3. two settling rounds, then the digest: every station's children and events of its township equal the
//      server's, the server holds exactly the events the stations wrote (none lost, none twice), and every
//      same-field edit pair left a conflict.
// Prints p50/p99/max sync latency per kind, changes per second, errors, the digest comparison, and PASS/FAIL
// against the targets: 0 errors, 0 lost, p99 of an incremental sync under 0.5 s.
//
//   ./build/bench_load [--stations 200] [--townships 100] [--children 50] [--rounds 5] [--edits 3]
//                      [--per-address N] [--db PATH_OR_URI] [--dir DIR] [--keep]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include "core/db/sqlite.h"
#include "core/store/station.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"
#include "sync/station/client.h"
#include "sync/station/curl_transport.h"

extern char** environ;

using namespace tongdang;
using nlohmann::json;
using Stopwatch = std::chrono::steady_clock;

namespace {

constexpr const char* kCounty = "320324";
// The target of issue 14: an incremental sync's p99 with every station syncing.
constexpr double kIncrementalP99Ms = 500;

double ms_since(Stopwatch::time_point start) {
  return std::chrono::duration<double, std::milli>(Stopwatch::now() - start).count();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Runs a program to its end, stdout into `out` (when given) and stderr into `err_path`; returns its exit code.
int run_program(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.empty() ? "/dev/null" : out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start " + args[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// `tongdang-server serve` in the background; the port is read from its first log line.
struct Server {
  pid_t pid = 0;
  int port = 0;
  std::string log;

  Server(const std::string& binary, const std::string& db, const std::string& dir, int per_address)
      : log(dir + "/server.log") {
    std::vector<std::string> args{binary,         "--db",       db,       "serve",   "--listen", "127.0.0.1:0",
                                  "--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem",
                                  "--max-connections-per-address", std::to_string(per_address)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) throw std::runtime_error("cannot start " + binary);
    for (int i = 0; i < 1000 && port == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      const std::string text = slurp(log);
      const auto end = text.find('\n');
      if (end == std::string::npos) continue;
      const json line = json::parse(text.substr(0, end), nullptr, false);
      if (line.is_object() && line.value("msg", "") == "listening") {
        const std::string listen = line.value("listen", "");
        port = std::stoi(listen.substr(listen.rfind(':') + 1));
      }
    }
    if (port == 0) throw std::runtime_error("the server did not start:\n" + slurp(log));
  }
  ~Server() { stop(); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  void stop() {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = 0;
  }
  // CPU time the server has used so far (user + system), in ms.
  double cpu_ms() const {
    std::ifstream stat(fmt::format("/proc/{}/stat", pid));
    std::string text((std::istreambuf_iterator<char>(stat)), {});
    const auto close = text.rfind(')');  // the command name may hold spaces; the fields follow it
    if (close == std::string::npos) return -1;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; fields >> field && i <= 15; ++i)
      if (i == 14 || i == 15) ticks += std::stod(field);
    return ticks * 1000.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  // Peak resident memory of the server so far (VmHWM), in MiB.
  double peak_mib() const {
    std::ifstream status(fmt::format("/proc/{}/status", pid));
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024;
    return -1;
  }
};

// A valid GB 11643 number, unique per serial (born 2012-01-01 plus serial / 900 days).
std::string id_number(const std::string& county, int serial) {
  const Date birth = Date(2012, 1, 1).plus_days(serial / 900);
  const std::string ymd = birth.to_string();
  const std::string body = county + ymd.substr(0, 4) + ymd.substr(5, 2) + ymd.substr(8, 2) +
                           fmt::format("{:03}", serial % 900 + 100);
  static const int weights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[static_cast<std::size_t>(i)] - '0') * weights[i];
  return body + "10X98765432"[sum % 11];
}

struct Laptop {
  std::string township;
  std::string token;
  std::unique_ptr<Station> station;
  std::vector<std::string> children;  // its township's files, as this laptop holds them
  std::mutex mutex;                   // one sync or edit at a time on its database
};

struct Sample {
  std::string kind;  // "first (push)", "first (pull)", "incremental"
  double ms = 0;
  bool ok = false;
  std::string error;
  std::int64_t pushed = 0;
};

Sample sync_once(Laptop& laptop, const std::string& url, const std::string& ca, const std::string& kind) {
  std::lock_guard lock(laptop.mutex);
  auto transport = sync::make_curl_transport({url, laptop.token, laptop.station->station_id(), ca});
  Sample sample{kind};
  const auto start = Stopwatch::now();
  auto result = sync::run_sync(*laptop.station, *transport);
  sample.ms = ms_since(start);
  sample.ok = result.is_ok();
  if (!result) sample.error = result.status().to_string();
  else sample.pushed = result.value().pushed;
  return sample;
}

// Every station of the round syncs at once (one thread each); the samples in station order.
std::vector<Sample> round_of_syncs(std::vector<std::unique_ptr<Laptop>>& laptops, const std::string& url,
                                   const std::string& ca, const std::function<std::string(std::size_t)>& kind) {
  std::vector<Sample> samples(laptops.size());
  std::vector<std::thread> threads;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  for (std::size_t i = 0; i < laptops.size(); ++i)
    threads.emplace_back([&, i] {
      ++ready;
      while (!go) std::this_thread::yield();
      samples[i] = sync_once(*laptops[i], url, ca, kind(i));
    });
  while (ready < static_cast<int>(laptops.size())) std::this_thread::yield();
  go = true;
  for (auto& t : threads) t.join();
  return samples;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(at, values.size() - 1)];
}

// What a township holds, as text to compare: each child's profile and the ids of its events.
std::string township_digest(db::Database& db, const std::string& township) {
  std::string out;
  auto children = db.prepare(
      "SELECT id, name, village, coalesce(school, ''), coalesce(phone, ''), status FROM children"
      " WHERE township = ?1 ORDER BY id");
  children.bind(1, township);
  while (children.step())
    for (int c = 0; c < 6; ++c) out += children.get_text(c) + (c == 5 ? "\n" : "|");
  auto events = db.prepare("SELECT id FROM events WHERE township = ?1 ORDER BY id");
  events.bind(1, township);
  while (events.step()) out += events.get_text(0) + "\n";
  return out;
}

std::int64_t count(db::Database& db, const std::string& sql, const std::string& township) {
  auto query = db.prepare(sql);
  query.bind(1, township);
  return query.step() ? query.get_int(0) : -1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"load benchmark: many stations syncing with the county server at once"};
  int stations = 200;
  int townships = 100;
  int children = 50;
  int rounds = 5;
  int edits = 3;
  std::string db_name;
  std::string dir = (std::filesystem::temp_directory_path() / "tongdang-bench-load").string();
  std::string server_binary = TONGDANG_SERVER_CLI;
  bool keep = false;
  int per_address = 0;
  app.add_option("--stations", stations, "station databases (laptops), spread evenly over the townships");
  app.add_option("--townships", townships, "townships of the county")->check(CLI::Range(1, 199));
  app.add_option("--children", children, "files each township holds before its first sync");
  app.add_option("--rounds", rounds, "incremental rounds (every station edits and syncs, all at once)");
  app.add_option("--edits", edits, "children each laptop edits per incremental round");
  app.add_option("--db", db_name, "the server's database, as `tongdang-server --db` takes it (default DIR/central.db)");
  app.add_option("--dir", dir, "scratch directory (removed and recreated)");
  app.add_option("--server", server_binary, "the tongdang-server program");
  app.add_option("--per-address", per_address,
                 "the server's --max-connections-per-address (default: --stations, as if each station had its own "
                 "address; every station here connects from 127.0.0.1)");
  app.add_flag("--keep", keep, "keep the scratch directory");
  CLI11_PARSE(app, argc, argv);
  if (stations < townships) {
    std::cerr << "bench_load: --stations must be at least --townships\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (sodium_init() < 0) return 1;

  try {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    if (db_name.empty()) db_name = dir + "/central.db";
    const std::string errors_log = dir + "/cli.log";
    auto start = Stopwatch::now();
    // The key docs/operations.md tells a county to make (ECDSA P-256); each sync is a TLS handshake of its own.
    if (run_program({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-days", "1", "-keyout",
                     dir + "/key.pem", "-out", dir + "/cert.pem", "-subj", "/CN=localhost", "-addext",
                     "subjectAltName=DNS:localhost,IP:127.0.0.1"},
                    "", errors_log) != 0)
      throw std::runtime_error("openssl failed: " + slurp(errors_log));
    if (run_program({server_binary, "--db", db_name, "init", "--county", kCounty, "--name", "睢宁县未保中心"}, "",
                    errors_log) != 0)
      throw std::runtime_error("init failed: " + slurp(errors_log));

    // The laptops: stations spread over the townships; the first laptop of each township registers its files.
    std::vector<std::unique_ptr<Laptop>> laptops;
    std::map<std::string, std::vector<Laptop*>> by_township;
    int serial = 0;
    for (int s = 0; s < stations; ++s) {
      auto laptop = std::make_unique<Laptop>();
      laptop->township = fmt::format("{}{:03}", kCounty, 101 + s % townships);
      const std::string out = dir + "/token.json";
      if (run_program({server_binary, "--db", db_name, "--json", "station", "add", "--township", laptop->township},
                      out, errors_log) != 0)
        throw std::runtime_error("station add failed: " + slurp(errors_log));
      laptop->token = json::parse(slurp(out)).at("token").get<std::string>();
      auto made = Station::create(fmt::format("{}/station-{:03}.db", dir, s),
                                  {laptop->township, fmt::format("{}未保站（{}号机）", laptop->township, s / townships + 1),
                                   "督导" + std::to_string(s), Role::Supervisor, {}, ""},
                                  process_clock());
      if (!made) throw std::runtime_error(made.status().to_string());
      laptop->station = std::move(made).value();
      if (by_township[laptop->township].empty()) {
        for (int c = 0; c < children; ++c) {
          NewChild child;
          child.fields = {{"village", fmt::format("{}{:03}", laptop->township, 201 + c % 10)},
                          {"name", fmt::format("负载儿童{}", serial)},
                          {"id_number", id_number(kCounty, serial)}};
          child.categories = {"LEFT_BEHIND"};
          ++serial;
          auto added = add_child(*laptop->station, child);
          if (!added) throw std::runtime_error(added.status().to_string());
          laptop->children.push_back(added->id);
        }
      }
      by_township[laptop->township].push_back(laptop.get());
      laptops.push_back(std::move(laptop));
    }
    std::cout << fmt::format("{} stations of {} townships, {} files registered, tokens issued, in {:.1f} s\n", stations,
                             townships, serial, ms_since(start) / 1000);

    // Every station of this benchmark connects from 127.0.0.1, where a county's come from their own addresses:
    // the server's per-address limit (32 by default) would close most of them at accept. It is raised to the
    // number of stations unless --per-address says otherwise (docs/benchmarks.md shows both).
    if (per_address <= 0) per_address = stations;
    Server server(server_binary, db_name, dir, per_address);
    const std::string url = fmt::format("https://localhost:{}", server.port);
    const std::string ca = dir + "/cert.pem";
    std::cout << fmt::format("tongdang-server serve on {} (TLS, --max-connections-per-address {}), database {}\n\n",
                             url, per_address,
                             db_name.find("://") == std::string::npos ? "SQLite" : db_name.substr(0, db_name.find(':')));

    std::vector<Sample> all;
    // 1. First syncs, all at once.
    start = Stopwatch::now();
    auto first = round_of_syncs(laptops, url, ca, [&](std::size_t i) {
      return laptops[i]->children.empty() ? std::string("first (pull)") : std::string("first (push)");
    });
    const double first_ms = ms_since(start);
    all.insert(all.end(), first.begin(), first.end());
    // A laptop that pulled while its township's files were still on their way up gets the rest now (timed as an
    // incremental sync: it is one), so that both laptops of a township hold every file before the edits.
    {
      auto samples = round_of_syncs(laptops, url, ca, [](std::size_t) { return std::string("incremental"); });
      all.insert(all.end(), samples.begin(), samples.end());
    }
    // Each laptop now holds its township's files: it knows them for its edits.
    for (auto& laptop : laptops) {
      laptop->children.clear();
      auto ids = laptop->station->db().prepare("SELECT id FROM children WHERE township = ?1 ORDER BY id");
      ids.bind(1, laptop->township);
      while (ids.step()) laptop->children.push_back(ids.get_text(0));
    }

    // 2. Incremental rounds: every laptop edits, then all sync at once. The laptops of a township also edit the
    //    same field (school) of the same child in each round, each its own value.
    std::int64_t incremental_changes = 0;
    int same_field_pairs = 0;
    double incremental_wall_ms = 0, incremental_server_cpu_ms = 0;
    for (int r = 0; r < rounds; ++r) {
      for (std::size_t i = 0; i < laptops.size(); ++i) {
        Laptop& laptop = *laptops[i];
        if (laptop.children.empty()) continue;
        // Its own edits: children of its slot among the township's laptops (never another laptop's, never the
        // shared one), so the only same-field edits of a round are the shared child's school.
        const auto& mates = by_township[laptop.township];
        const std::size_t slot = static_cast<std::size_t>(std::find(mates.begin(), mates.end(), &laptop) - mates.begin());
        const std::size_t shared_at = static_cast<std::size_t>(r) % laptop.children.size();
        std::vector<std::string> own;
        for (std::size_t j = 0; j < laptop.children.size(); ++j)
          if (j % mates.size() == slot && j != shared_at) own.push_back(laptop.children[j]);
        for (int e = 0; e < edits && !own.empty(); ++e) {
          const std::string& child = own[static_cast<std::size_t>(r * edits + e) % own.size()];
          Status edited = edit_child(*laptop.station, child,
                                     {{"phone", fmt::format("1390000{:04}", (r * 97 + e * 13 + static_cast<int>(i)) % 10000)}});
          if (!edited) throw std::runtime_error(edited.to_string());
        }
        // And a home visit (an event: the server must hold every one, once).
        if (!own.empty()) {
          NewVisit visit;
          visit.on = process_clock().today();
          visit.notes = fmt::format("第{}轮走访", r);
          auto visited = add_visit(*laptop.station, own[static_cast<std::size_t>(r) % own.size()], visit);
          if (!visited) throw std::runtime_error(visited.status().to_string());
        }
        const std::string& shared = laptop.children[shared_at];
        Status edited = edit_child(*laptop.station, shared, {{"school", fmt::format("第{}轮{}号机填的学校", r, i)}});
        if (!edited) throw std::runtime_error(edited.to_string());
      }
      for (const auto& [township, list] : by_township)
        if (list.size() >= 2) same_field_pairs += static_cast<int>(list.size()) - 1;
      start = Stopwatch::now();
      const double cpu_before = server.cpu_ms();
      auto samples = round_of_syncs(laptops, url, ca, [](std::size_t) { return std::string("incremental"); });
      incremental_wall_ms += ms_since(start);
      incremental_server_cpu_ms += server.cpu_ms() - cpu_before;
      for (const Sample& s : samples) incremental_changes += s.pushed;
      all.insert(all.end(), samples.begin(), samples.end());
    }
    // 3. Settling: two more rounds, so that every laptop has pulled what the others pushed last.
    for (int settle = 0; settle < 2; ++settle) {
      auto samples = round_of_syncs(laptops, url, ca, [](std::size_t) { return std::string("settling"); });
      all.insert(all.end(), samples.begin(), samples.end());
    }
    // The events each laptop wrote itself (its own station id on them), summed: what the server must hold.
    std::int64_t events_written = 0;
    for (const auto& laptop : laptops) {
      auto own = laptop->station->db().prepare("SELECT count(*) FROM events WHERE station_id = ?1");
      own.bind(1, laptop->station->station_id());
      if (own.step()) events_written += own.get_int(0);
    }
    // Nothing left to send: every change a laptop made was acknowledged by the server.
    std::int64_t unsent = 0;
    for (const auto& laptop : laptops) {
      auto outbox = laptop->station->db().prepare("SELECT count(*) FROM outbox");
      if (outbox.step()) unsent += outbox.get_int(0);
    }
    const double peak_mib = server.peak_mib();

    // Latencies per kind.
    std::map<std::string, std::vector<double>> ms_of;
    int errors = 0;
    std::map<std::string, int> error_kinds;
    for (const Sample& s : all) {
      if (!s.ok) {
        ++errors;
        ++error_kinds[s.error.substr(0, 200)];
        continue;
      }
      ms_of[s.kind].push_back(s.ms);
    }
    std::cout << fmt::format("{:<16} {:>6} {:>9} {:>9} {:>9}\n", "sync", "count", "p50 ms", "p99 ms", "max ms");
    for (const auto& [kind, values] : ms_of)
      std::cout << fmt::format("{:<16} {:>6} {:>9.1f} {:>9.1f} {:>9.1f}\n", kind, values.size(),
                               percentile(values, 0.5), percentile(values, 0.99), percentile(values, 1.0));
    std::cout << fmt::format("\nfirst syncs: {} stations at once in {:.2f} s\n", stations, first_ms / 1000);
    std::cout << fmt::format("incremental: {} changes pushed in {} rounds of {} stations at once, {:.1f} s of rounds: "
                             "{:.0f} changes/s\n",
                             incremental_changes, rounds, stations, incremental_wall_ms / 1000,
                             static_cast<double>(incremental_changes) / (incremental_wall_ms / 1000));
    std::cout << fmt::format("server CPU in the incremental rounds: {:.0f} ms of {:.0f} ms ({:.1f} ms a sync; the "
                             "stations' clients use the rest of the machine's {} cores)\n",
                             incremental_server_cpu_ms, incremental_wall_ms,
                             incremental_server_cpu_ms / (rounds * static_cast<double>(stations)),
                             std::thread::hardware_concurrency());
    std::cout << fmt::format("server peak memory (VmHWM): {:.0f} MiB\n", peak_mib);
    std::cout << fmt::format("errors: {}\n", errors);
    for (const auto& [error, n] : error_kinds) std::cout << fmt::format("  {} x {}\n", n, error);
    server.stop();

    // The digest: each township as every laptop holds it and as the server holds it.
    int differing = 0;
    std::int64_t server_events = 0, server_distinct = 0, conflicts = 0;
    {
      db::Database central(db_name, db::Database::Mode::ReadOnly);
      for (const auto& [township, list] : by_township) {
        const std::string held = township_digest(central, township);
        for (Laptop* laptop : list)
          if (township_digest(laptop->station->db(), township) != held) ++differing;
        server_events += count(central, "SELECT count(*) FROM events WHERE township = ?1", township);
        server_distinct += count(central, "SELECT count(DISTINCT id) FROM events WHERE township = ?1", township);
        conflicts += count(central, "SELECT count(*) FROM conflicts WHERE township = ?1", township);
      }
    }
    const std::int64_t lost = std::max<std::int64_t>(0, events_written - server_distinct);
    const std::int64_t twice = server_events - server_distinct;
    std::cout << fmt::format("\ndigest: {} of {} stations differ from the server for their township\n", differing,
                             stations);
    std::cout << fmt::format("events: {} written by the stations, {} on the server ({} distinct): {} lost, {} twice\n",
                             events_written, server_events, server_distinct, lost, twice);
    std::cout << fmt::format("changes still waiting in the stations' outboxes after settling: {}\n", unsent);
    std::cout << fmt::format("same-field edits from two laptops: {} expected conflicts (a later push of the same field "
                             "each), {} kept\n", same_field_pairs, conflicts);

    const double p99 = percentile(ms_of["incremental"], 0.99);
    const bool no_errors = errors == 0;
    const bool nothing_lost =
        lost == 0 && twice == 0 && differing == 0 && server_events == events_written && unsent == 0;
    const bool conflicts_kept = conflicts == same_field_pairs;
    const bool fast = p99 < kIncrementalP99Ms && !ms_of["incremental"].empty();
    std::cout << fmt::format("\n{:<48} {}\n", "0 errors", no_errors ? "PASS" : "FAIL");
    std::cout << fmt::format("{:<48} {}\n", "0 lost, 0 twice, outboxes empty, stations equal", nothing_lost ? "PASS" : "FAIL");
    std::cout << fmt::format("{:<48} {}\n", "every same-field pair kept as a conflict", conflicts_kept ? "PASS" : "FAIL");
    std::cout << fmt::format("{:<48} {} ({:.1f} ms)\n", "p99 of an incremental sync < 500 ms", fast ? "PASS" : "FAIL",
                             p99);
    laptops.clear();
    if (!keep) std::filesystem::remove_all(dir);
    curl_global_cleanup();
    return no_errors && nothing_lost && conflicts_kept && fast ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "bench_load: " << error.what() << "\n";
    return 1;
  }
}
