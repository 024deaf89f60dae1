#include "support/sync_fixture.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "core/store/profile.h"
#include "sync/protocol/tokens.h"
#include "sync/server/token_issue.h"
#include "sync/station/curl_transport.h"

namespace tongdang::test {

using nlohmann::json;

std::int64_t test_epoch_ms() { return midnight_cst_ms(Date(2026, 11, 28)) + 12 * 3600 * 1000; }

std::string make_id_number(const std::string& birth, int seq) {
  std::string body = "320324" + birth + fmt::format("{:03}", seq);
  static const int weights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * weights[i];
  return body + "10X98765432"[sum % 11];
}

TestCounty::TestCounty(const ScratchDir& d, bool with_http, const std::string& code, const std::string& name)
    : dir(d), db_path(d.file(code == "320324" ? "central.db" : "central-" + code + ".db")) {
  store = std::move(sync::create_sqlite_store(db_path, code, name, clock.now_iso())).value();
  service = std::make_unique<sync::SyncService>(*store, clock, [this](const std::string& line) { log.push_back(line); });
  if (with_http) start_http();
}

TestCounty::~TestCounty() { stop_http(); }

void TestCounty::start_http() {
  sync::HttpServer::Options options;
  options.host = "127.0.0.1";
  options.port = port;  // 0 the first time; the same port after a restart
  options.insecure = true;
  http = std::make_unique<sync::HttpServer>(*service, options, [this](const std::string& line) { log.push_back(line); });
  auto started = http->start();
  REQUIRE(started.is_ok());
  port = started.value();
}

void TestCounty::stop_http() {
  if (http) http->stop();
  http.reset();
}

std::string TestCounty::station_token(const std::string& township) {
  std::string token = sync::tokens::generate();
  REQUIRE(store->add_token({sync::TokenKind::Station, "station " + township, Role::Supervisor, township, {}},
                           sync::tokens::hash(token), clock.now_iso()).is_ok());
  return token;
}

std::string TestCounty::user_token(const std::string& name, Role role, const std::string& township,
                                   const std::vector<std::string>& villages) {
  std::string token = sync::tokens::generate();
  REQUIRE(store->add_token({sync::TokenKind::User, name, role, township, villages}, sync::tokens::hash(token),
                           clock.now_iso()).is_ok());
  return token;
}

TestStation::TestStation(const ScratchDir& dir, const std::string& name, const std::string& township,
                         TestCounty& c, std::int64_t clock_offset_ms)
    : county(c), clock(c.clock.now_ms() + clock_offset_ms), offset_ms(clock_offset_ms) {
  Station::InitOptions options{township, name, "督导" + name, Role::Supervisor, {}};
  auto created = Station::create(dir.file(name + ".db"), options, clock);
  REQUIRE(created.is_ok());
  station = std::move(created).value();
  token = county.station_token(township);
}

Result<sync::SyncSummary> TestStation::sync(bool over_http) {
  clock.set(county.clock.now_ms() + offset_ms);
  if (over_http) {
    auto transport = http_transport();
    return sync_with(*transport);
  }
  auto transport = sync::make_service_transport(*county.service, {"", token, station->station_id(), ""});
  return sync_with(*transport);
}

Result<sync::SyncSummary> TestStation::sync_with(sync::Transport& transport) {
  sync::SyncOptions options;
  options.sleep = [](int) {};
  options.jitter_seed = 7;
  options.snapshot = snapshot;
  options.snapshot_page = snapshot_page;
  return sync::run_sync(*station, transport, options);
}

std::unique_ptr<sync::Transport> TestStation::http_transport() {
  return sync::make_curl_transport({county.url(), token, station->station_id(), ""});
}

std::string TestStation::add_child(const std::string& name, const std::string& id_number, const std::string& village) {
  clock.set(county.clock.now_ms() + offset_ms);
  NewChild child;
  child.fields = {{"village", village.empty() ? station->township() + "201" : village}, {"name", name},
                  {"id_number", id_number}};
  child.categories = {"LEFT_BEHIND"};
  auto added = tongdang::add_child(*station, child);
  INFO(added.status().to_string());
  REQUIRE(added.is_ok());
  return added->id;
}

void TestStation::edit(const std::string& child, const std::string& field, const std::string& value) {
  clock.set(county.clock.now_ms() + offset_ms);
  auto edited = edit_child(*station, child, {{field, value}});
  INFO(edited.to_string());
  REQUIRE(edited.is_ok());
}

json TestStation::field(const std::string& child, const std::string& name) {
  return read_profile(station->db(), "child", child, {name})[name];
}

void TestStation::act_as_county(const std::string& user) {
  REQUIRE(station->add_user(User{user, Role::County, {}}).is_ok());
  REQUIRE(station->act_as(user).is_ok());
  token = county.user_token(user, Role::County, "");
}

std::int64_t TestStation::outbox() {
  auto query = station->db().prepare("SELECT count(*) FROM outbox");
  query.step();
  return query.get_int(0);
}

namespace {

std::vector<std::string> columns_of(db::Database& db, const std::string& table) {
  std::vector<std::string> out;
  auto query = db.prepare("SELECT name FROM pragma_table_info(?1)");
  query.bind(1, table);
  while (query.step()) {
    std::string name = query.get_text(0);
    if (name != "created_at" && name != "updated_at" && name != "recorded_at") out.push_back(name);
  }
  return out;
}

void dump_rows(db::Database& db, const std::string& table, const std::string& where, const std::string& township,
               std::vector<std::string>& lines) {
  auto columns = columns_of(db, table);
  std::string select;
  for (const auto& c : columns) select += (select.empty() ? "" : " || '|' || ") + fmt::format("coalesce(quote({}), 'NULL')", c);
  auto query = db.prepare(fmt::format("SELECT {} FROM {} WHERE {}", select, table, where));
  query.bind(1, township);
  while (query.step()) lines.push_back(table + ": " + query.get_text(0));
}

}  // namespace

std::string township_digest(db::Database& db, const std::string& township) {
  std::vector<std::string> lines;
  dump_rows(db, "children", "township = ?1", township, lines);
  dump_rows(db, "relatives", "child_id IN (SELECT id FROM children WHERE township = ?1)", township, lines);
  // A child's events wherever they were recorded (a transferred file brings its history along), and the
  // township's events of no child (leads).
  dump_rows(db, "events",
            "child_id IN (SELECT id FROM children WHERE township = ?1) OR (child_id IS NULL AND township = ?1)",
            township, lines);
  dump_rows(db, "memberships", "child_id IN (SELECT id FROM children WHERE township = ?1)", township, lines);
  dump_rows(db, "child_state", "child_id IN (SELECT id FROM children WHERE township = ?1)", township, lines);
  dump_rows(db, "conflicts", "township = ?1", township, lines);
  dump_rows(db, "duplicate_candidates", "instr(body, '\"township\":\"' || ?1 || '\"') > 0", township, lines);
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

std::string server_digest(const TestCounty& county, const std::string& township) {
  db::Database db(county.db_path, db::Database::Mode::ReadOnly);
  return township_digest(db, township);
}

std::int64_t server_count(const TestCounty& county, const std::string& sql) {
  db::Database db(county.db_path, db::Database::Mode::ReadOnly);
  auto query = db.prepare(sql);
  query.step();
  return query.get_int(0);
}

}  // namespace tongdang::test
