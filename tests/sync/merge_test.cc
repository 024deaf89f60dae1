// Duplicate files merged by the county and merges undone (core/workflow/merge.h, core/store/file_merge.h), end to
// end in one process: two townships' stations, a county user's station and the county server.
#include <map>
#include <set>

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "core/db/schema.h"
#include "core/store/events.h"
#include "core/store/file_merge.h"
#include "core/store/profile.h"
#include "core/workflow/child_file.h"
#include "core/workflow/children.h"
#include "core/workflow/merge.h"
#include "core/workflow/search.h"
#include "core/workflow/workflow.h"
#include "support/sync_fixture.h"
#include "sync/station/status.h"

using namespace tongdang;
using namespace tongdang::test;
using nlohmann::json;

namespace {

constexpr const char* kWangji = "320324102";    // 王集镇
constexpr const char* kShuanggou = "320324103";  // 双沟镇
constexpr const char* kNumber = "32032420140315012X";

// What a file holds, for "restored exactly": its profile (without the times of writes), its relatives, its events
// other than the merge's own two, its memberships, derived state and report row. One line per row.
std::string file_digest(db::Database& db, const std::string& child) {
  std::string out;
  auto dump = [&](const std::string& sql, const std::set<std::string>& skip = {}) {
    auto query = db.prepare(sql);
    query.bind(1, child);
    while (query.step()) {
      for (int c = 0; c < query.column_count(); ++c) {
        const std::string name(query.column_name(c));
        if (skip.contains(name)) continue;
        out += name + "=" + (query.is_null(c) ? std::string("NULL") : query.get_text(c)) + ";";
      }
      out += "\n";
    }
  };
  dump("SELECT * FROM children WHERE id = ?1", {"created_at", "updated_at"});
  dump("SELECT * FROM relatives WHERE child_id = ?1 ORDER BY id", {"created_at", "updated_at"});
  dump("SELECT * FROM events WHERE child_id = ?1 AND kind NOT IN ('file.merge', 'file.unmerge') ORDER BY id");
  dump("SELECT * FROM memberships WHERE child_id = ?1 ORDER BY id");
  dump("SELECT * FROM child_state WHERE child_id = ?1");
  dump("SELECT * FROM report_child WHERE child_id = ?1");
  return out;
}

std::string server_file(TestCounty& county, const std::string& child) {
  db::Database db(county.db_path, db::Database::Mode::ReadOnly);
  return file_digest(db, child);
}

json server_field(TestCounty& county, const std::string& child, const std::string& field) {
  db::Database db(county.db_path, db::Database::Mode::ReadOnly);
  return read_profile(db, "child", child, {field})[field];
}

std::string candidate_of(Station& station) {
  auto duplicates = sync::list_duplicates(station);
  REQUIRE(duplicates.size() == 1);
  return duplicates[0]["id"].get<std::string>();
}

// Whether the acting user's work list (`tongdang due`) lists the child.
bool on_work_list(TestStation& s, const std::string& child) {
  DueOptions options;
  options.as_of = s.station->clock().today();
  auto rows = due_list(*s.station, options);
  REQUIRE(rows.is_ok());
  for (const auto& row : rows.value())
    if (row.child_id == child) return true;
  return false;
}

int open_children_with_number(db::Database& db) {
  auto query = db.prepare("SELECT count(*) FROM children WHERE id_number = ?1 AND status = 'open'");
  query.bind(1, kNumber);
  query.step();
  return static_cast<int>(query.get_int(0));
}

// Two townships each registered the child; the county's user works at a station of 王集.
struct TwoTownships {
  ScratchDir dir;
  TestCounty county{dir, false};
  TestStation wangji{dir, "wangji", kWangji, county};
  TestStation shuanggou{dir, "shuanggou", kShuanggou, county};
  TestStation office{dir, "office", kWangji, county};
  std::string kept, other;

  TwoTownships() {
    office.act_as_county("县级李");
    kept = wangji.add_child("张小明", kNumber);
    wangji.edit(kept, "school", "王集中心小学");
    other = shuanggou.add_child("张晓明", kNumber, "320324103201");
    shuanggou.edit(other, "school", "双沟小学");
    shuanggou.edit(other, "phone", "13800000001");
    REQUIRE(wangji.sync().is_ok());
    REQUIRE(shuanggou.sync().is_ok());
    REQUIRE(wangji.sync().is_ok());
    REQUIRE(office.sync().is_ok());
  }
  void sync_all() {
    for (TestStation* s : {&office, &wangji, &shuanggou}) REQUIRE(s->sync().is_ok());
  }
};

}  // namespace

TEST_CASE("Duplicate merge: two townships' files, merged by the county, seen by both, undone exactly", "[merge][sync]") {
  TwoTownships t;
  const std::string kept_before = server_file(t.county, t.kept);
  const std::string other_before = server_file(t.county, t.other);
  const std::string wangji_before = file_digest(t.wangji.station->db(), t.kept);
  const std::string shuanggou_before = file_digest(t.shuanggou.station->db(), t.other);
  {
    db::Database server(t.county.db_path, db::Database::Mode::ReadOnly);
    REQUIRE(open_children_with_number(server) == 2);
  }

  REQUIRE(on_work_list(t.shuanggou, t.other));
  MergeRequest request;
  request.candidate = candidate_of(*t.office.station).substr(28);  // the short id a list shows
  request.keep = t.kept.substr(28);
  request.reason = "同一儿童在两个乡镇登记";
  request.take = {{"school", "other"}, {"name", "kept"}};
  auto merged = merge_duplicates(*t.office.station, request);
  INFO(merged.status().to_string());
  REQUIRE(merged.is_ok());
  CHECK(merged->survivor == t.kept);
  CHECK(merged->merged == t.other);
  // At once on the county user's station: the old id finds the survivor (only the merge's event is held here).
  auto found = resolve_child(*t.office.station, t.other);
  REQUIRE(found.is_ok());
  CHECK(found.value() == t.kept);
  t.sync_all();

  // The server: the merged-away file is closed as merged, the survivor took the school, the report counts one.
  CHECK(server_field(t.county, t.other, "status") == "closed");
  CHECK(server_field(t.county, t.other, "closed_reason") == "merged");
  CHECK(server_field(t.county, t.kept, "school") == "双沟小学");
  CHECK(server_field(t.county, t.kept, "name") == "张小明");   // kept: the survivor's
  CHECK(server_field(t.county, t.kept, "phone").is_null());  // not chosen: the survivor's (none)
  {
    db::Database server(t.county.db_path, db::Database::Mode::ReadOnly);
    CHECK(open_children_with_number(server) == 1);
    report::Options options;
    options.level = report::ScopeLevel::County;
    options.scope_code = "320324";
    options.as_of = t.county.clock.today();
    CHECK(t.county.store->coverage_report(options).totals.children == 1);
  }
  // The survivor's history holds the merged-away file's events, ids unchanged (the server holds both files).
  {
    db::Database server(t.county.db_path, db::Database::Mode::ReadOnly);
    std::set<std::string> own, history;
    for (const Event& e : child_events(server, t.other)) own.insert(e.id);
    for (const Event& e : file_merge::history_events(server, t.kept)) history.insert(e.id);
    REQUIRE(own.size() >= 2);  // the category given at registration, the merge
    for (const auto& id : own) CHECK(history.contains(id));
    CHECK(file_merge::merged_into(server, t.kept) == std::vector<std::string>{t.other});
  }
  // 王集's station: the survivor took the school; the old id and the ID number find the survivor.
  CHECK(t.wangji.field(t.kept, "school") == "双沟小学");
  CHECK(resolve_child(*t.wangji.station, t.other).value() == t.kept);
  CHECK(resolve_child(*t.wangji.station, kNumber).value() == t.kept);
  // 双沟's station: the file left its lists; a lookup says where it went.
  CHECK(t.shuanggou.field(t.other, "status") == "closed");
  CHECK(list_children(*t.shuanggou.station, {}, false).value().empty());
  CHECK_FALSE(on_work_list(t.shuanggou, t.other));
  CHECK(on_work_list(t.wangji, t.kept));
  auto gone = resolve_child(*t.shuanggou.station, t.other);
  REQUIRE_FALSE(gone.is_ok());
  CHECK(gone.status().to_string().find(kWangji) != std::string::npos);
  for (TestStation* s : {&t.wangji, &t.shuanggou}) {
    auto candidates = sync::list_duplicates(*s->station);
    REQUIRE(candidates.size() == 1);
    CHECK(candidates[0]["status"] == "merged");
    CHECK(candidates[0]["merges"][0]["id"] == merged->merge_id);
  }
  CHECK(township_digest(t.wangji.station->db(), kWangji) == server_digest(t.county, kWangji));
  CHECK(township_digest(t.shuanggou.station->db(), kShuanggou) == server_digest(t.county, kShuanggou));

  // Undone by the merged-away file's id: both files come back exactly, everywhere.
  auto undone = unmerge_duplicates(*t.office.station, t.other, "并非同一人");
  INFO(undone.status().to_string());
  REQUIRE(undone.is_ok());
  CHECK(undone->merge_id == merged->merge_id);
  t.sync_all();
  CHECK(server_file(t.county, t.kept) == kept_before);
  CHECK(server_file(t.county, t.other) == other_before);
  CHECK(file_digest(t.wangji.station->db(), t.kept) == wangji_before);
  CHECK(file_digest(t.shuanggou.station->db(), t.other) == shuanggou_before);
  CHECK(resolve_child(*t.shuanggou.station, t.other).value() == t.other);
  CHECK(on_work_list(t.shuanggou, t.other));
  CHECK(sync::list_duplicates(*t.wangji.station)[0]["status"] == "open");
  CHECK(township_digest(t.wangji.station->db(), kWangji) == server_digest(t.county, kWangji));
  CHECK(township_digest(t.shuanggou.station->db(), kShuanggou) == server_digest(t.county, kShuanggou));
  // A merge undone cannot be undone again.
  CHECK(unmerge_duplicates(*t.office.station, merged->merge_id, "").status().code() == Code::Refused);
}

TEST_CASE("Duplicate merge: only the county, by the token's authority", "[merge][sync]") {
  TwoTownships t;
  MergeRequest request;
  request.candidate = candidate_of(*t.wangji.station);
  request.keep = t.kept;
  request.reason = "重复";
  // A supervisor is refused on the station, writing nothing.
  auto refused = merge_duplicates(*t.wangji.station, request);
  CHECK(refused.status().code() == Code::Refused);
  CHECK(t.wangji.outbox() == 0);

  // A county user on a station that syncs with the station's token (at most a supervisor): the server refuses the
  // merge, and the station drops it, so its files agree with the server again.
  REQUIRE(t.wangji.station->add_user(User{"县级王", Role::County, {}}).is_ok());
  REQUIRE(t.wangji.station->act_as("县级王").is_ok());
  auto local = merge_duplicates(*t.wangji.station, {request.candidate, t.other, "", "重复", {}});
  REQUIRE(local.is_ok());
  CHECK(resolve_child(*t.wangji.station, t.other).is_ok() == false);  // the survivor (双沟's) is not held here
  auto synced = t.wangji.sync();
  REQUIRE(synced.is_ok());
  CHECK(synced->rejected == 1);
  CHECK(server_field(t.county, t.kept, "status") == "open");
  CHECK(t.wangji.field(t.kept, "status") == "open");
  CHECK(resolve_child(*t.wangji.station, t.kept).value() == t.kept);
  CHECK(township_digest(t.wangji.station->db(), kWangji) == server_digest(t.county, kWangji));
}

TEST_CASE("Duplicate merge: a merge never hides a higher colour, and bad choices are refused", "[merge][sync]") {
  TwoTownships t;
  const std::string candidate = candidate_of(*t.office.station);
  REQUIRE(change_colour(*t.shuanggou.station, t.other, true, Colour::Red, "发现监护缺失", std::nullopt).is_ok());
  t.sync_all();
  // Keeping 王集's ungraded file would hide 双沟's red one: the server refuses it.
  auto merged = merge_duplicates(*t.office.station, {candidate, t.kept, "", "重复", {}});
  REQUIRE(merged.is_ok());  // the office does not hold 双沟's file: only the server can tell
  auto synced = t.office.sync();
  REQUIRE(synced.is_ok());
  CHECK(synced->rejected == 1);
  CHECK(server_field(t.county, t.other, "status") == "open");
  // On the office's station the refused merge is gone: the candidate's files are both unmerged again.
  CHECK_FALSE(file_merge::standing_merge(t.office.station->db(), t.other));

  // A field that is not the child's description, a bad side, a file not of the candidate.
  CHECK(merge_duplicates(*t.office.station, {candidate, t.other, "", "重复", {{"village", "other"}}}).status().field() ==
        "take");
  CHECK(merge_duplicates(*t.office.station, {candidate, t.other, "", "重复", {{"school", "mine"}}}).status().field() ==
        "take");
  CHECK(merge_duplicates(*t.office.station, {candidate, "0123456789", "", "重复", {}}).status().field() == "keep");
  CHECK(merge_duplicates(*t.office.station, {candidate, t.other, "", "", {}}).status().field() == "reason");
  // Keeping the red file is accepted.
  auto kept_red = merge_duplicates(*t.office.station, {candidate, t.other, "", "重复", {{"school", "other"}}});
  REQUIRE(kept_red.is_ok());
  t.sync_all();
  CHECK(server_field(t.county, t.kept, "closed_reason") == "merged");
  CHECK(server_field(t.county, t.other, "school") == "王集中心小学");
  CHECK(t.shuanggou.field(t.other, "school") == "王集中心小学");
}

TEST_CASE("Duplicate merge: within one township, the old id, its short id and the ID number find the survivor",
          "[merge][sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county), b(dir, "b", kWangji, county), office(dir, "office", kWangji, county);
  office.act_as_county("县级李");
  const std::string kept = a.add_child("张小明", kNumber);
  const std::string other = b.add_child("张小明", kNumber, "320324102202");  // b registered it offline too
  for (TestStation* s : {&a, &b, &office, &a, &b}) REQUIRE(s->sync().is_ok());
  auto merged = merge_duplicates(*office.station, {candidate_of(*office.station), kept, "", "重复登记", {}});
  REQUIRE(merged.is_ok());
  for (TestStation* s : {&office, &a, &b}) REQUIRE(s->sync().is_ok());
  for (TestStation* s : {&a, &b}) {
    CHECK(resolve_child(*s->station, other).value() == kept);
    CHECK(resolve_child(*s->station, other.substr(28)).value() == kept);  // the short id a list showed
    CHECK(resolve_child(*s->station, kNumber).value() == kept);
    auto listed = list_children(*s->station, {}, false);
    REQUIRE(listed.value().size() == 1);
    CHECK(listed.value()[0]["id"] == kept);
    CHECK(township_digest(s->station->db(), kWangji) == server_digest(county, kWangji));
  }
}

TEST_CASE("Duplicate merge: the survivor's file reads the merged-away file's history, visits and family through it",
          "[merge][sync]") {
  ScratchDir dir;
  TestCounty county(dir, false);
  TestStation a(dir, "a", kWangji, county), b(dir, "b", kWangji, county), office(dir, "office", kWangji, county);
  office.act_as_county("县级李");
  const std::string kept = a.add_child("张小明", kNumber);
  const std::string other = b.add_child("张小明", kNumber, "320324102202");  // b registered it offline too
  // b's file holds what a's does not: a visit and the grandmother, with her phone.
  NewVisit visit;
  visit.on = b.station->clock().today();
  visit.notes = "奶奶在家照看";
  auto visited = add_visit(*b.station, other, visit);
  REQUIRE(visited.is_ok());
  auto grandmother = add_relative(*b.station, other, {{"relation", "祖母"}, {"name", "王秀英"}, {"status", "在家"},
                                                      {"phone", "13951234567"}});
  REQUIRE(grandmother.is_ok());
  for (TestStation* s : {&a, &b, &office, &a, &b}) REQUIRE(s->sync().is_ok());

  auto history_ids = [](Station& station, const std::string& child) {
    std::map<std::string, std::string> ids;  // id -> the merged-away file it belongs to ("" for the file's own)
    auto history = child_history(station, child);
    REQUIRE(history.is_ok());
    for (const auto& e : history.value()) ids[e.id] = e.file;
    return ids;
  };
  auto finds_by_phone = [](Station& station, const std::string& digits) {
    ChildSearch search;
    search.text = digits;
    auto page = search_children(station, search);
    REQUIRE(page.is_ok());
    std::vector<std::string> ids;
    for (const auto& row : page->rows) ids.push_back(row.id);
    return ids;
  };
  // Before the merge the survivor's file holds nothing of b's; the grandmother's phone finds b's file.
  CHECK_FALSE(history_ids(*a.station, kept).contains(visited.value()));
  CHECK(finds_by_phone(*a.station, "1234567") == std::vector<std::string>{other});

  auto merged = merge_duplicates(*office.station, {candidate_of(*office.station), kept, "", "重复登记", {}});
  REQUIRE(merged.is_ok());
  for (TestStation* s : {&office, &a, &b}) REQUIRE(s->sync().is_ok());
  for (TestStation* s : {&a, &b}) {
    // The history: b's visit under its own id, tagged with the file it stays on; on b, which recorded it, the
    // grandmother's registration too (a station's history of profile changes is its own audit log).
    const auto ids = history_ids(*s->station, kept);
    REQUIRE(ids.contains(visited.value()));
    CHECK(ids.at(visited.value()) == other);
    if (s == &b) {
      REQUIRE(ids.contains(grandmother.value()));
      CHECK(ids.at(grandmother.value()) == other);
    }
    // The file: the visit among its visits, the grandmother in its family, each saying which file it came from.
    auto file = open_child_file(*s->station, kept, false);
    REQUIRE(file.is_ok());
    bool visit_shown = false, relative_shown = false;
    for (const json& v : file->visits)
      if (v["id"] == visited.value()) visit_shown = v.value("merged_from", "") == other.substr(28);
    for (const json& r : file->child["relatives"])
      if (r["id"] == grandmother.value()) relative_shown = r.value("merged_from", "") == other.substr(28);
    CHECK(visit_shown);
    CHECK(relative_shown);
    // The grandmother's phone now finds the survivor, the one file listed.
    CHECK(finds_by_phone(*s->station, "1234567") == std::vector<std::string>{kept});
  }
  // Nothing moved: an unmerge gives the visit and the grandmother back to b's file alone.
  REQUIRE(unmerge_duplicates(*office.station, merged->merge_id, "并非同一人").is_ok());
  for (TestStation* s : {&office, &a, &b}) REQUIRE(s->sync().is_ok());
  for (TestStation* s : {&a, &b}) {
    CHECK_FALSE(history_ids(*s->station, kept).contains(visited.value()));
    CHECK(history_ids(*s->station, other).at(visited.value()).empty());
    auto file = open_child_file(*s->station, kept, false);
    REQUIRE(file.is_ok());
    CHECK(file->child["relatives"].empty());
    CHECK(finds_by_phone(*s->station, "1234567") == std::vector<std::string>{other});
  }
}

TEST_CASE("Duplicate merge: across two townships, the survivor's stations read the merged-away file's history",
          "[merge][sync]") {
  TwoTownships t;
  // 双沟's file holds a visit and a grandmother that 王集's does not.
  t.shuanggou.clock.set(t.county.clock.now_ms());
  NewVisit visit;
  visit.on = t.shuanggou.station->clock().today();
  visit.notes = "奶奶在家照看";
  auto visited = add_visit(*t.shuanggou.station, t.other, visit);
  REQUIRE(visited.is_ok());
  auto grandmother = add_relative(*t.shuanggou.station, t.other,
                                  {{"relation", "祖母"}, {"name", "王秀英"}, {"status", "在家"}, {"phone", "13951234567"}});
  REQUIRE(grandmother.is_ok());
  t.sync_all();
  auto history_of = [](Station& station, const std::string& child) {
    std::map<std::string, std::string> ids;  // event id -> the merged-away file it stays on
    auto history = child_history(station, child);
    REQUIRE(history.is_ok());
    for (const auto& e : history.value()) ids[e.id] = e.file;
    return ids;
  };
  REQUIRE_FALSE(history_of(*t.wangji.station, t.kept).contains(visited.value()));

  auto merged = merge_duplicates(*t.office.station, {candidate_of(*t.office.station), t.kept, "", "重复登记", {}});
  REQUIRE(merged.is_ok());
  t.sync_all();
  // 王集 never held 双沟's file: the merge sent it whole, so the survivor's history reads its visit through it, and
  // the grandmother is in the survivor's family, each tagged with the file it stays on.
  const auto ids = history_of(*t.wangji.station, t.kept);
  REQUIRE(ids.contains(visited.value()));
  CHECK(ids.at(visited.value()) == t.other);
  auto file = open_child_file(*t.wangji.station, t.kept, false);
  REQUIRE(file.is_ok());
  bool relative_shown = false;
  for (const json& r : file->child["relatives"])
    if (r["id"] == grandmother.value()) relative_shown = r.value("merged_from", "") == t.other.substr(28);
  CHECK(relative_shown);
  // The merged-away file stays 双沟's: off 王集's lists, and the old id still finds the survivor.
  CHECK(list_children(*t.wangji.station, {}, false).value().size() == 1);
  CHECK(resolve_child(*t.wangji.station, t.other).value() == t.kept);
  CHECK(t.wangji.field(t.other, "township") == kShuanggou);
  CHECK(township_digest(t.wangji.station->db(), kWangji) == server_digest(t.county, kWangji));
  CHECK(township_digest(t.shuanggou.station->db(), kShuanggou) == server_digest(t.county, kShuanggou));

  // Undone: the survivor no longer reads it; the old id is 双沟's file again, read-only here.
  REQUIRE(unmerge_duplicates(*t.office.station, merged->merge_id, "并非同一人").is_ok());
  t.sync_all();
  CHECK_FALSE(history_of(*t.wangji.station, t.kept).contains(visited.value()));
  CHECK(township_digest(t.wangji.station->db(), kWangji) == server_digest(t.county, kWangji));
}

TEST_CASE("Duplicate merge: a station of the survivor's township started from a snapshot follows the old id",
          "[merge][sync][snapshot]") {
  TwoTownships t;
  auto merged = merge_duplicates(*t.office.station, {candidate_of(*t.office.station), t.kept, "", "重复登记", {}});
  REQUIRE(merged.is_ok());
  t.sync_all();

  // A new laptop of 王集 loads its township from a snapshot: the merge event of 双沟's file comes with it.
  TestStation fresh(t.dir, "fresh", kWangji, t.county);
  auto first = fresh.sync();
  REQUIRE(first.is_ok());
  CHECK(first->snapshot_pages > 0);
  auto found = resolve_child(*fresh.station, t.other);
  INFO(found.status().to_string());
  REQUIRE(found.is_ok());
  CHECK(found.value() == t.kept);
  // 双沟's file itself came too (merged_files=1), so its short id finds the survivor, as on the station that
  // replayed the log.
  auto by_short_id = resolve_child(*fresh.station, t.other.substr(28));
  REQUIRE(by_short_id.is_ok());
  CHECK(by_short_id.value() == t.kept);
  CHECK(resolve_child(*t.wangji.station, t.other.substr(28)).value() == t.kept);
  CHECK(township_digest(fresh.station->db(), kWangji) == server_digest(t.county, kWangji));

  // A station from before this (it does not ask with merges=1) is told to replay the log, which it reads whole.
  sync::ServiceRequest old_style;
  old_style.method = "GET";
  old_style.path = "/v1/sync/snapshot";
  old_style.station_id = fresh.station->station_id();
  old_style.authorization = "Bearer " + fresh.token;
  old_style.query = {{"township", kWangji}, {"schema", std::to_string(schema::latest_version())},
                     {"children", "10"}, {"history", "1"}};
  CHECK(t.county.service->handle(old_style).status == 409);
  // 双沟's snapshot holds no merge of another township's file: a new laptop there still starts from one.
  TestStation fresh_shuanggou(t.dir, "fresh2", kShuanggou, t.county);
  auto loaded = fresh_shuanggou.sync();
  REQUIRE(loaded.is_ok());
  CHECK(loaded->snapshot_pages > 0);

  // Undone: the unmerge comes in the next snapshot too, and the old id is 双沟's file again (not held in 王集).
  REQUIRE(unmerge_duplicates(*t.office.station, merged->merge_id, "并非同一人").is_ok());
  t.sync_all();
  TestStation later(t.dir, "later", kWangji, t.county);
  REQUIRE(later.sync().is_ok());
  CHECK_FALSE(resolve_child(*later.station, t.other).is_ok());
  CHECK(resolve_child(*later.station, kNumber).value() == t.kept);
}

// Issue 12's edge: after a merge across townships, a visit and a relative recorded on the merged-away file (at a
// station of its township that had not yet heard of the merge) reached only that township's log, so the survivor's
// stations — which hold the merged-away file since the merge — never saw them in the survivor's history.
TEST_CASE("Duplicate merge: across two townships, what is recorded later on the merged-away file reaches the "
          "survivor's stations while the merge stands",
          "[merge][sync]") {
  TwoTownships t;
  auto merged = merge_duplicates(*t.office.station, {candidate_of(*t.office.station), t.kept, "", "重复登记", {}});
  REQUIRE(merged.is_ok());
  REQUIRE(t.office.sync().is_ok());  // the server holds the merge; 双沟's station does not know of it yet
  t.shuanggou.clock.set(t.county.clock.now_ms());
  NewVisit visit;
  visit.on = t.shuanggou.station->clock().today();
  visit.notes = "合并后补录的走访";
  auto visited = add_visit(*t.shuanggou.station, t.other, visit);
  REQUIRE(visited.is_ok());
  auto grandmother = add_relative(*t.shuanggou.station, t.other,
                                  {{"relation", "祖母"}, {"name", "王秀英"}, {"status", "在家"}, {"phone", "13951234567"}});
  REQUIRE(grandmother.is_ok());
  REQUIRE(t.shuanggou.sync().is_ok());  // pushes the visit and the grandmother, then pulls the merge
  REQUIRE(t.wangji.sync().is_ok());

  auto history_of = [](Station& station, const std::string& child) {
    std::map<std::string, std::string> ids;  // event id -> the merged-away file it stays on
    auto history = child_history(station, child);
    REQUIRE(history.is_ok());
    for (const auto& e : history.value()) ids[e.id] = e.file;
    return ids;
  };
  // 王集's station: the later visit is in the survivor's history, tagged with the file it stays on, and the
  // grandmother is in the survivor's family.
  const auto ids = history_of(*t.wangji.station, t.kept);
  REQUIRE(ids.contains(visited.value()));
  CHECK(ids.at(visited.value()) == t.other);
  auto file = open_child_file(*t.wangji.station, t.kept, false);
  REQUIRE(file.is_ok());
  bool relative_shown = false;
  for (const json& r : file->child["relatives"])
    if (r["id"] == grandmother.value()) relative_shown = r.value("merged_from", "") == t.other.substr(28);
  CHECK(relative_shown);
  // Both stations hold the merged-away file as the server does (王集 off its lists, its rows still 双沟's).
  CHECK(file_digest(t.wangji.station->db(), t.other) == server_file(t.county, t.other));
  CHECK(file_digest(t.shuanggou.station->db(), t.other) == server_file(t.county, t.other));
  CHECK(township_digest(t.wangji.station->db(), kWangji) == server_digest(t.county, kWangji));

  // Once the merge is undone, what 双沟 records on its file is 双沟's alone again: nothing of it in 王集's log.
  REQUIRE(unmerge_duplicates(*t.office.station, merged->merge_id, "并非同一人").is_ok());
  t.sync_all();
  t.shuanggou.clock.set(t.county.clock.now_ms());
  visit.notes = "撤销合并后的走访";
  auto after = add_visit(*t.shuanggou.station, t.other, visit);
  REQUIRE(after.is_ok());
  t.sync_all();
  CHECK(server_count(t.county, "SELECT count(*) FROM change_log WHERE township = '320324103' AND op LIKE '%" +
                                   after.value() + "%'") == 1);
  CHECK(server_count(t.county, "SELECT count(*) FROM change_log WHERE township = '320324102' AND op LIKE '%" +
                                   after.value() + "%'") == 0);
}

// Issue 12's edge: a station of the survivor's township started from a snapshot got the merge event but not the
// merged-away file itself (a snapshot sent the township's own rows only), so the survivor's history there lacked
// the other file's visits and family, which a station that replayed the log holds.
TEST_CASE("Duplicate merge: a station of the survivor's township started from a snapshot holds the merged-away file "
          "as one that replayed the log",
          "[merge][sync][snapshot]") {
  TwoTownships t;
  t.shuanggou.clock.set(t.county.clock.now_ms());
  NewVisit visit;
  visit.on = t.shuanggou.station->clock().today();
  visit.notes = "奶奶在家照看";
  auto visited = add_visit(*t.shuanggou.station, t.other, visit);
  REQUIRE(visited.is_ok());
  auto grandmother = add_relative(*t.shuanggou.station, t.other,
                                  {{"relation", "祖母"}, {"name", "王秀英"}, {"status", "在家"}, {"phone", "13951234567"}});
  REQUIRE(grandmother.is_ok());
  t.sync_all();
  auto merged = merge_duplicates(*t.office.station, {candidate_of(*t.office.station), t.kept, "", "重复登记", {}});
  REQUIRE(merged.is_ok());
  t.sync_all();

  TestStation fresh(t.dir, "fresh", kWangji, t.county);
  auto first = fresh.sync();
  INFO(first.status().to_string());
  REQUIRE(first.is_ok());
  CHECK(first->snapshot_pages > 0);
  // The merged-away file, exactly as 王集's station that replayed the log holds it: its rows still 双沟's.
  CHECK(file_digest(fresh.station->db(), t.other) == file_digest(t.wangji.station->db(), t.other));
  CHECK(fresh.field(t.other, "township") == kShuanggou);
  auto history = child_history(*fresh.station, t.kept);
  REQUIRE(history.is_ok());
  bool visit_read = false;
  for (const auto& e : history.value())
    if (e.id == visited.value()) visit_read = e.file == t.other;
  CHECK(visit_read);
  auto file = open_child_file(*fresh.station, t.kept, false);
  REQUIRE(file.is_ok());
  bool relative_shown = false;
  for (const json& r : file->child["relatives"])
    if (r["id"] == grandmother.value()) relative_shown = r.value("merged_from", "") == t.other.substr(28);
  CHECK(relative_shown);
  // Off its lists, as on the replaying station; the township's own rows are the server's.
  CHECK(list_children(*fresh.station, {}, false).value().size() == 1);
  CHECK(township_digest(fresh.station->db(), kWangji) == server_digest(t.county, kWangji));
  // 双沟's own new laptop is not sent 王集's survivor: nothing was merged into 双沟.
  TestStation fresh_shuanggou(t.dir, "fresh2", kShuanggou, t.county);
  REQUIRE(fresh_shuanggou.sync().is_ok());
  auto held = fresh_shuanggou.station->db().prepare("SELECT count(*) FROM children WHERE id = ?1");
  held.bind(1, t.kept);
  REQUIRE(held.step());
  CHECK(held.get_int(0) == 0);
}
