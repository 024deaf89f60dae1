// A small hand-computed township for the coverage report tests (docs/reports.md). Seven children and three
// leads in 王集镇 (320324102), two made-up villages; every expected figure is worked out from the domain rules in
// report_test.cc, never copied from the program's output. Visits, colour changes and care measures go through the
// workflow's own functions; gradings and screening steps are recorded as the workflow's events (record_event(),
// the path every local write takes; pulled events take apply_event(), the same projections).
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/model/id_number.h"
#include "core/store/events.h"
#include "core/store/station.h"
#include "core/workflow/care.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"
#include "support/cli_harness.h"

namespace tongdang::test {

inline constexpr const char* kVillage1 = "320324102203";
inline constexpr const char* kVillage2 = "320324102204";

// A valid ID number born on `birth` (YYYYMMDD) with sequence `seq` (3 digits).
inline std::string make_id_number(const std::string& birth, const std::string& seq) {
  std::string first17 = "320324" + birth + seq;
  return first17 + id_number_check_character(first17);
}

// Every maintained report row, in a canonical order, as text.
// The entry of township `code` in a report's JSON.
inline const nlohmann::json& township_entry(const nlohmann::json& report, const std::string& code) {
  for (const auto& t : report["townships"])
    if (t["code"] == code) return t;
  FAIL("no township " << code);
  throw std::logic_error("unreachable");
}

inline std::string report_rows(db::Database& db) {
  std::string out;
  for (const char* sql :
       {"SELECT ifnull(child_id, '') || '|' || ifnull(township, '') || '|' || ifnull(village, '') || '|' || ifnull(kind, '') || '|' || ifnull(value, '') || '|' || ifnull(from_day, '') || '|' || ifnull(to_day, '') || '|' || ifnull(ref_day, '') FROM report_span"
        " ORDER BY child_id, kind, value, from_day, to_day, ref_day",
        "SELECT ifnull(child_id, '') || '|' || ifnull(township, '') || '|' || ifnull(village, '') || '|' || ifnull(registered_on, '') || '|' || ifnull(closed_on, '') || '|' || ifnull(colour, '') || '|' || ifnull(colour_since, '') || '|' || ifnull(case_worker_named, '') || '|' || ifnull(last_home_visit, '') || '|' || ifnull(visit_interval, '') || '|' || ifnull(next_visit_due, '') || '|' || ifnull(last_assessment, '') || '|' || ifnull(reassess_due, '') || '|' || ifnull(minimum_plan_met, '') || '|' || ifnull(pending_review, '') FROM report_child ORDER BY child_id",
        "SELECT ifnull(measure_id, '') || '|' || ifnull(child_id, '') || '|' || ifnull(township, '') || '|' || ifnull(village, '') || '|' || ifnull(area, '') || '|' || ifnull(status, '') FROM report_measure"
        " ORDER BY measure_id",
        "SELECT ifnull(lead_id, '') || '|' || ifnull(step, '') || '|' || ifnull(township, '') || '|' || ifnull(village, '') || '|' || ifnull(started_on, '') || '|' || ifnull(due_on, '') || '|' || ifnull(done_on, '') FROM report_step"
        " ORDER BY lead_id, step, started_on",
        // The tallies are canonical (no row repeats the one before it), so maintained equals rebuilt byte for byte.
        "SELECT t.township || '|' || t.day || '|' || hex(t.counts) FROM report_tally t ORDER BY t.township, t.day",
        "SELECT id || '|' || kind || '|' || value FROM report_counter ORDER BY id",
        // The work list's keys, maintained with the report rows (core/rules/due_items.h).
        "SELECT child_id || '|' || ifnull(colour, '') || '|' || director_due || '|' || supervisor_due || '|' ||"
        " ifnull(last_home_visit, '') FROM due_rank ORDER BY child_id"}) {
    auto query = db.prepare(sql);
    while (query.step()) out += query.get_text(0) + "\n";
    out += "--\n";
  }
  return out;
}

class ReportFixture {
 public:
  explicit ReportFixture(const std::string& path) : clock_(at("2026-01-10")) {
    Station::InitOptions options;
    options.township = "320324102";
    options.name = "王集镇未保站";
    options.user = "李芳";
    options.role = Role::Supervisor;
    options.password = kTestPassword;  // so the CLI tests can sign in to it, as every test user does
    station_ = std::move(Station::create(path, options, clock_)).value();
  }

  Station& station() { return *station_; }
  ManualClock& clock() { return clock_; }
  static std::int64_t at(const std::string& day) { return midnight_cst_ms(*Date::parse(day)) + 10LL * 3600 * 1000; }
  void on(const std::string& day) { clock_.set(at(day)); }

  // Registers a child on `day`; returns its id. `name` never appears in any report.
  std::string child(const std::string& day, const std::string& key, const std::string& village,
                    const std::string& category, const std::string& id_number,
                    const std::string& case_worker = "") {
    on(day);
    NewChild input;
    input.fields = {{"name", "测试儿童" + key}, {"village", village}, {"id_number", id_number}};
    if (!case_worker.empty()) input.fields["case_worker"] = case_worker;
    input.categories = {category};
    auto added = add_child(*station_, input);
    REQUIRE(added.is_ok());
    ids_[key] = added->id;
    id_numbers_[key] = id_number;
    return added->id;
  }

  // Records one event of `kind` for child `key` (or a lead) that happened on `day`.
  void event(const std::string& day, const std::string& key, const std::string& kind, nlohmann::json payload,
             const std::string& lead = "") {
    on(day);
    Status written = station_->write([&](WriteContext& w) {
      Event e;
      if (!key.empty()) e.child_id = ids_.at(key);
      if (!lead.empty()) e.lead_id = lead;
      e.kind = kind;
      e.payload = std::move(payload);
      e.occurred_on = day;
      record_event(w, e);
      return Status::ok();
    });
    REQUIRE(written.is_ok());
  }
  void grade(const std::string& day, const std::string& key, const std::string& colour) {
    event(day, key, "assessment", {{"colour", colour}});
  }
  void home_visit(const std::string& day, const std::string& key) { visit(day, key, "home"); }
  void visit(const std::string& day, const std::string& key, const std::string& kind) {
    on(day);
    NewVisit v;
    v.on = *Date::parse(day);
    v.kind = kind;
    REQUIRE(add_visit(*station_, ids_.at(key), v).is_ok());
  }
  void change(const std::string& day, const std::string& key, bool raise, Colour to) {
    on(day);
    auto changed = change_colour(*station_, ids_.at(key), raise, to, "test", *Date::parse(day));
    REQUIRE(changed.is_ok());
  }
  std::string measure(const std::string& day, const std::string& key, const std::string& area, const std::string& status) {
    on(day);
    NewMeasure m;
    m.area = area;
    m.item = "test item";
    m.status = status;
    m.on = *Date::parse(day);
    auto added = add_care_measure(*station_, ids_.at(key), m);
    REQUIRE(added.is_ok());
    return added.value();
  }
  void close(const std::string& day, const std::string& key) {
    on(day);
    REQUIRE(close_child(*station_, ids_.at(key), "moved_out_of_county").is_ok());
  }

  const std::string& id(const std::string& key) const { return ids_.at(key); }
  const std::string& id_number(const std::string& key) const { return id_numbers_.at(key); }

  // The township of the tests (see report_test.cc for every expected figure).
  void build_township() {
    REQUIRE(station_->add_user(User{"王强", Role::Director, {kVillage1, kVillage2}}).is_ok());
    // A: village 1, left-behind, blue from 01-10; home visits 10-15 and 11-10.
    child("2026-01-10", "A", kVillage1, "LEFT_BEHIND", make_id_number("20140315", "012"));
    grade("2026-01-10", "A", "blue");
    home_visit("2026-10-15", "A");
    home_visit("2026-11-10", "A");
    // B: village 1, low-income, yellow; assessed again 10-01; home visit 10-20, a phone call 11-20 (no reset);
    // an education measure done; on 11-21 the director proposes blue, which a director may not decide: a review
    // item opens and B stays yellow.
    child("2026-01-10", "B", kVillage1, "LOW_INCOME", make_id_number("20120601", "021"));
    grade("2026-01-10", "B", "yellow");
    grade("2026-10-01", "B", "yellow");
    home_visit("2026-10-20", "B");
    visit("2026-11-20", "B", "phone");
    measure("2026-11-02", "B", "EDUCATION", "done");
    REQUIRE(station_->act_as("王强").is_ok());
    change("2026-11-21", "B", false, Colour::Blue);
    REQUIRE(station_->act_as("李芳").is_ok());
    // C: village 2, guardianship risk, blue; home visit 11-15; raised to red 11-20; a guardianship measure in
    // progress but no case worker named.
    child("2026-01-10", "C", kVillage2, "GUARDIAN_RISK", make_id_number("20130909", "033"));
    grade("2026-01-10", "C", "blue");
    home_visit("2026-11-15", "C");
    change("2026-11-20", "C", true, Colour::Red);
    const std::string measure_c = measure("2026-11-21", "C", "GUARDIANSHIP", "planned");
    on("2026-11-22");
    MeasureUpdate update;
    update.status = "in_progress";
    update.on = *Date::parse("2026-11-22");
    REQUIRE(update_care_measure(*station_, measure_c, update).is_ok());
    // D: village 2, orphan, blue; home visit 09-15; the director's reassessment on 11-04 scores green, which a
    // director may not decide (a review item opens, D stays blue); on 11-05 the supervisor lowers D to green (one
    // step), with that reassessment as the evidence a lowering needs, and the review item closes.
    child("2026-01-10", "D", kVillage2, "ORPHAN", make_id_number("20110101", "044"));
    grade("2026-01-10", "D", "blue");
    home_visit("2026-09-15", "D");
    REQUIRE(station_->act_as("王强").is_ok());
    grade("2026-11-04", "D", "green");
    REQUIRE(station_->act_as("李芳").is_ok());
    change("2026-11-05", "D", false, Colour::Green);
    // E: village 1, migrant, registered 11-10, not graded yet.
    child("2026-11-10", "E", kVillage1, "MIGRANT", make_id_number("20150505", "055"));
    // F: village 1, left-behind, blue, never visited, file closed 11-15.
    child("2026-01-10", "F", kVillage1, "LEFT_BEHIND", make_id_number("20140707", "066"));
    grade("2026-01-10", "F", "blue");
    close("2026-11-15", "F");
    // G: village 2, de-facto unsupported, registered 11-27 and graded red the same day, case worker named, a
    // safety measure planned; not visited yet.
    child("2026-11-27", "G", kVillage2, "FUC", make_id_number("20160808", "077"), "周社工");
    grade("2026-11-27", "G", "red");
    measure("2026-11-27", "G", "SAFETY", "planned");
    // Leads: L1 found 11-02, verified 11-06, waiting for the township review; L2 found 11-25 with a red trigger
    // suspected; L3 found 10-20, verified late on 11-03, reviewed 11-08, confirmed by the county 11-18.
    event("2026-11-02", "", "lead.add", {{"village", kVillage1}}, "L1");
    event("2026-11-06", "", "screen.verify", {{"created", false}}, "L1");
    event("2026-11-25", "", "lead.add", {{"village", kVillage2}, {"suspected_red", true}}, "L2");
    event("2026-10-20", "", "lead.add", {{"village", kVillage2}}, "L3");
    event("2026-11-03", "", "screen.verify", {{"created", false}}, "L3");
    event("2026-11-08", "", "screen.review", {{"reason", ""}}, "L3");
    event("2026-11-18", "", "screen.confirm", {{"categories", nlohmann::json::array()}}, "L3");
    on("2026-11-28");
  }

 private:
  ManualClock clock_;
  std::unique_ptr<Station> station_;
  std::map<std::string, std::string> ids_;
  std::map<std::string, std::string> id_numbers_;
};

}  // namespace tongdang::test
