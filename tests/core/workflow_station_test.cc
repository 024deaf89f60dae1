// The 3+4+N workflow on a real station database (in a scratch directory, with a hand-set clock): the three
// screening steps with their deadlines and refusals, assessments through the projection, derived state, and
// events applied out of order giving the same colour.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/store/events.h"
#include "core/workflow/care.h"
#include "core/workflow/children.h"
#include "core/workflow/screening.h"
#include "core/workflow/workflow.h"
#include "support/cli_harness.h"

using namespace tongdang;
using nlohmann::json;
using tongdang::test::ScratchDir;

namespace {

constexpr const char* kVillage = "320324102203";

std::int64_t at(const char* date, int hour = 10) {
  return midnight_cst_ms(*Date::parse(date)) + static_cast<std::int64_t>(hour) * 3600 * 1000;
}

struct Fixture {
  ScratchDir dir;
  ManualClock clock{at("2026-11-27")};  // a Friday
  std::unique_ptr<Station> station;

  Fixture() {
    Station::InitOptions options{"320324102", "王集镇未保站", "李芳", Role::Supervisor, {}};
    auto created = Station::create(dir.file("s.db"), options, clock);
    REQUIRE(created);
    station = std::move(created).value();
    REQUIRE(station->add_user({"王强", Role::Director, {kVillage}}));
    REQUIRE(station->add_user({"县中心", Role::County, {}}));
  }
  void as(const char* user) { REQUIRE(station->act_as(user)); }

  json lead_row(const std::string& id) {
    auto q = station->db().prepare(
        "SELECT state, verify_due, review_due, confirm_due, child_id, red, return_reason FROM leads WHERE id = ?1");
    q.bind(1, id);
    REQUIRE(q.step());
    auto opt = [&q](int c) { return q.is_null(c) ? json(nullptr) : json(q.get_text(c)); };
    return {{"state", q.get_text(0)}, {"verify_due", q.get_text(1)}, {"review_due", opt(2)}, {"confirm_due", opt(3)},
            {"child_id", opt(4)}, {"red", q.get_int(5) != 0}, {"return_reason", opt(6)}};
  }

  std::string lead(bool suspected_red = false) {
    NewLead l;
    l.village = kVillage;
    l.reporter = "网格员张";
    l.source = "grid";
    l.seen = "祖父母照看";
    l.suspected_red = suspected_red;
    auto id = add_lead(*station, l);
    REQUIRE(id);
    return id.value();
  }

  Verified verify(const std::string& lead_id, const json& answers, const char* id_number = "32032420140315012X") {
    Verification v;
    v.lead_ref = lead_id;
    v.new_child.fields = {{"name", "张小明"}, {"id_number", id_number}};
    v.new_child.categories = {"FUC"};
    v.answers = parse_answers(answers).value();
    auto done = verify_lead(*station, v);
    REQUIRE(done);
    return done.value();
  }
};

const json kBlue = {{"carer", "both_away_capable_relative"}, {"income", "below_1x_or_dibao"}};  // 8 + 6 = 14

}  // namespace

TEST_CASE("Screening: the three steps with their deadlines", "[screening]") {
  Fixture f;
  f.as("王强");
  std::string lead = f.lead();
  // Discovered Friday 2026-11-27: verification due within 7 days → 2026-12-04.
  CHECK(f.lead_row(lead)["verify_due"] == "2026-12-04");
  CHECK(f.lead_row(lead)["state"] == "discovered");

  Verified done = f.verify(lead, kBlue);
  CHECK(done.created);
  REQUIRE(done.assessment);
  CHECK(done.assessment->score.total == 14);
  CHECK(done.assessment->colour == Colour::Blue);
  json row = f.lead_row(lead);
  CHECK(row["state"] == "verified");
  CHECK(row["child_id"] == *done.child_id);
  // Township review within 5 working days of Friday 2026-11-27: Mon 30, Tue 1, Wed 2, Thu 3, Fri 4 December.
  CHECK(row["review_due"] == "2026-12-04");

  // A director cannot review; a supervisor cannot confirm.
  CHECK(review_screening(*f.station, *done.child_id, true, "").code() == Code::Refused);
  f.as("李芳");
  CHECK(confirm_screening(*f.station, *done.child_id, {}).code() == Code::Refused);
  // Returned with a reason: the director's step waits again.
  CHECK(review_screening(*f.station, *done.child_id, false, "").code() == Code::InvalidInput);
  REQUIRE(review_screening(*f.station, *done.child_id, false, "缺少监护人信息"));
  CHECK(f.lead_row(lead)["state"] == "returned");
  CHECK(f.lead_row(lead)["return_reason"] == "缺少监护人信息");
  f.as("王强");
  Verification again;
  again.lead_ref = lead;
  again.answers = parse_answers(kBlue).value();
  auto reverified = verify_lead(*f.station, again);
  REQUIRE(reverified);
  CHECK(reverified->child_id == done.child_id);  // the same file, not a second one
  CHECK_FALSE(reverified->created);
  f.as("李芳");
  REQUIRE(review_screening(*f.station, *done.child_id, true, ""));
  // County confirmation within 10 working days of Friday 2026-11-27 → Friday 2026-12-11.
  CHECK(f.lead_row(lead)["confirm_due"] == "2026-12-11");
  f.as("县中心");
  Confirmation c;
  c.categories = {"FUC"};
  REQUIRE(confirm_screening(*f.station, *done.child_id, c));
  CHECK(f.lead_row(lead)["state"] == "confirmed");
  auto confirmed = f.station->db().prepare("SELECT confirmed_by FROM memberships WHERE category = 'FUC'");
  REQUIRE(confirmed.step());
  CHECK(confirmed.get_text(0) == "县中心");
}

TEST_CASE("Screening: a suspected red lead is due within 24 hours and reviewed the same day", "[screening]") {
  Fixture f;
  f.as("王强");
  std::string lead = f.lead(/*suspected_red=*/true);
  CHECK(f.lead_row(lead)["verify_due"] == "2026-11-28");
  Verified done = f.verify(lead, {{"triggers", {"R1"}}});
  CHECK(done.assessment->colour == Colour::Red);
  CHECK(f.lead_row(lead)["review_due"] == "2026-11-27");  // same day
  f.as("李芳");
  REQUIRE(review_screening(*f.station, *done.child_id, true, ""));
  CHECK(f.lead_row(lead)["confirm_due"] == "2026-11-27");
  // Overdue from the next day.
  auto pending = pending_screenings(*f.station, *Date::parse("2026-11-28"), true);
  REQUIRE(pending);
  REQUIRE(pending->size() == 1);
  CHECK((*pending)[0]["step"] == "confirm");
  CHECK((*pending)[0]["days_overdue"] == 1);
  CHECK((*pending)[0]["escalated"] == false);  // red: after 3 days
  auto later = pending_screenings(*f.station, *Date::parse("2026-12-01"), true);
  CHECK((*later)[0]["escalated"] == true);     // 4 days overdue
}

TEST_CASE("Screening: a lead closed as not eligible or duplicate, and an ID number already on file attaches",
          "[screening]") {
  Fixture f;
  f.as("王强");
  Verified first = f.verify(f.lead(), kBlue);
  // A second lead about the same child (same ID number) attaches to the existing file.
  std::string second = f.lead();
  Verified attached = f.verify(second, kBlue);
  CHECK(attached.attached);
  CHECK_FALSE(attached.created);
  CHECK(attached.child_id == first.child_id);
  CHECK(attached.warnings.size() == 1);
  auto count = f.station->db().prepare("SELECT count(*) FROM children");
  REQUIRE(count.step());
  CHECK(count.get_int(0) == 1);

  Verification closing;
  closing.lead_ref = f.lead();
  closing.not_eligible = "";
  CHECK(verify_lead(*f.station, closing).status().code() == Code::InvalidInput);  // a reason is needed
  closing.not_eligible = "父母均在家，监护良好";
  auto closed = verify_lead(*f.station, closing);
  REQUIRE(closed);
  CHECK(f.lead_row(closed->lead_id)["state"] == "not_eligible");

  Verification dup;
  dup.lead_ref = f.lead();
  dup.duplicate_of = *first.child_id;
  dup.reason = "同一儿童";
  auto duplicate = verify_lead(*f.station, dup);
  REQUIRE(duplicate);
  CHECK(f.lead_row(duplicate->lead_id)["state"] == "duplicate");
  CHECK(f.lead_row(duplicate->lead_id)["child_id"] == *first.child_id);
  // A closed lead cannot be verified again.
  Verification after;
  after.lead_ref = closed->lead_id;
  after.answers = parse_answers(kBlue).value();
  CHECK(verify_lead(*f.station, after).status().code() == Code::Refused);
}

TEST_CASE("Colour: through the station, assessments record the policy version and lowerings wait for review",
          "[colour]") {
  Fixture f;
  f.as("王强");
  std::string child = *f.verify(f.lead(), kBlue).child_id;
  // 29 → yellow: a raise, applied.
  auto yellow = assess(*f.station, child, parse_answers({{"carer", "both_away_capable_relative"},
                                                          {"income", "below_1x_or_dibao"}, {"guardianship", "fair"},
                                                          {"behaviour_problems", 1}, {"warning_signs", 2}}).value(),
                       std::nullopt, "");
  REQUIRE(yellow);
  CHECK(yellow->applied);
  CHECK(yellow->previous_colour == Colour::Blue);
  // Back to 14 by the director: a lowering the director may not make → stays yellow, review open.
  auto lower = assess(*f.station, child, parse_answers(kBlue).value(), std::nullopt, "");
  REQUIRE(lower);
  CHECK_FALSE(lower->applied);
  CHECK(lower->pending_review);
  CHECK(current_colour(f.station->db(), child) == Colour::Yellow);
  auto events = child_events(f.station->db(), child, "assessment");
  REQUIRE(events.size() == 3);
  for (const auto& e : events) CHECK(e.payload["policy_version"] == "jiangsu-default-2026.1");
  // The supervisor lowers yellow → blue: applied, the review item closes.
  f.as("李芳");
  auto agreed = change_colour(*f.station, child, false, Colour::Blue, "复核同意", std::nullopt);
  REQUIRE(agreed);
  CHECK(agreed->applied);
  auto open = f.station->db().prepare("SELECT pending_review FROM child_state WHERE child_id = ?1");
  open.bind(1, child);
  REQUIRE(open.step());
  CHECK(open.get_int(0) == 0);
  // A raise "to" the current colour is not a raise.
  CHECK(change_colour(*f.station, child, true, Colour::Blue, "x", std::nullopt).status().code() == Code::InvalidInput);
}

TEST_CASE("Colour: an assessment's preview scores as saving does and records nothing", "[colour]") {
  Fixture f;
  f.as("王强");
  std::string child = *f.verify(f.lead(), kBlue).child_id;  // blue (14)
  const auto count = [&] {
    auto q = f.station->db().prepare("SELECT count(*) FROM events");
    REQUIRE(q.step());
    return q.get_int(0);
  };
  const auto before = count();
  // 8 + 5 (fair) = G 13, 5 + 5 = B 10, L 6: 29 → yellow, a raise.
  const json yellow = {{"carer", "both_away_capable_relative"}, {"income", "below_1x_or_dibao"},
                       {"guardianship", "fair"}, {"behaviour_problems", 1}, {"warning_signs", 1}};
  auto preview = preview_assessment(*f.station, child, parse_answers(yellow).value(), std::nullopt);
  REQUIRE(preview);
  CHECK(preview->score.total == 29);
  CHECK(preview->score.g == 13);
  CHECK(preview->score.b == 10);
  CHECK(preview->score.l == 6);
  CHECK(preview->score.colour == Colour::Yellow);
  CHECK(preview->current_colour == Colour::Blue);
  CHECK_FALSE(preview->lowering);
  CHECK(count() == before);
  auto saved = assess(*f.station, child, parse_answers(yellow).value(), std::nullopt, "");
  REQUIRE(saved);
  CHECK(saved->score.total == preview->score.total);
  CHECK(saved->score.colour == preview->score.colour);
  // Back to 14 would be a lowering, said by the preview; left-behind contact counts as in saving (the category).
  auto lower = preview_assessment(*f.station, child, parse_answers(kBlue).value(), std::nullopt);
  REQUIRE(lower);
  CHECK(lower->lowering);
  REQUIRE(add_membership(*f.station, child, "LEFT_BEHIND", std::nullopt, "父母外出"));
  json gap = kBlue;
  gap["parent_contact_gap_months"] = 13;  // > 12 months: 3
  auto left_behind = preview_assessment(*f.station, child, parse_answers(gap).value(), std::nullopt);
  REQUIRE(left_behind);
  CHECK(left_behind->score.total == 17);
  // Outside a director's villages it is refused, as saving is.
  f.as("李芳");
  REQUIRE(f.station->add_user({"赵敏", Role::Director, {"320324102204"}}));
  f.as("赵敏");
  CHECK(preview_assessment(*f.station, child, parse_answers(kBlue).value(), std::nullopt).status().code() ==
        Code::Refused);
}

TEST_CASE("Colour: events applied in another order give the same derived colour", "[colour]") {
  // Record on one station, then apply the same events to a second database in reverse order.
  Fixture f;
  f.as("王强");
  std::string child = *f.verify(f.lead(), kBlue).child_id;
  f.as("李芳");
  REQUIRE(change_colour(*f.station, child, true, Colour::Red, "发现伤痕", std::nullopt));
  f.as("王强");
  REQUIRE(change_colour(*f.station, child, false, Colour::Yellow, "好转", std::nullopt));
  auto events = child_events(f.station->db(), child, "");
  REQUIRE(current_colour(f.station->db(), child) == Colour::Red);  // the director's lowering waits for review

  Fixture g;
  // The profile first (as sync would), then the events newest first.
  g.station->db().exec("PRAGMA foreign_keys = OFF");
  auto copy = g.station->db().prepare("ATTACH DATABASE ?1 AS other");
  copy.bind(1, f.dir.file("s.db")).run();
  g.station->db().exec("INSERT INTO children SELECT * FROM other.children");
  std::reverse(events.begin(), events.end());
  for (const auto& e : events) apply_event(g.station->db(), e);
  CHECK(current_colour(g.station->db(), child) == Colour::Red);
  auto reviews = g.station->db().prepare("SELECT count(*) FROM colour_reviews WHERE resolved_by IS NULL");
  REQUIRE(reviews.step());
  CHECK(reviews.get_int(0) == 1);
}

TEST_CASE("Schedule: derived due dates, key events and the work list", "[schedule]") {
  Fixture f;
  f.as("王强");
  std::string child = *f.verify(f.lead(), kBlue).child_id;  // blue since 2026-11-27
  auto state = [&](const char* column) {
    auto q = f.station->db().prepare(std::string("SELECT ") + column + " FROM child_state WHERE child_id = ?1");
    q.bind(1, child);
    REQUIRE(q.step());
    return q.get_optional_text(0).value_or("");
  };
  CHECK(state("next_visit_due") == "2026-12-27");          // never visited: 27 Nov + 30
  // + 180: 3 days to 30 Nov, Dec 31 (34), Jan 31 (65), Feb 28 (93), Mar 31 (124), Apr 30 (154), 26 May (180).
  CHECK(state("next_reassessment_due") == "2027-05-26");
  NewVisit phone{*Date::parse("2026-11-27"), "phone", {}, "", std::nullopt};
  REQUIRE(add_visit(*f.station, child, phone));
  CHECK(state("next_visit_due") == "2026-12-27");  // a phone call does not reset the clock
  NewVisit home{*Date::parse("2026-11-27"), "home", {}, "", std::string("carer_change")};
  REQUIRE(add_visit(*f.station, child, home));
  CHECK(state("last_home_visit") == "2026-11-27");
  CHECK(state("key_event") == "carer_change");
  CHECK(state("next_reassessment_due") == "2026-12-04");  // key event + 7
  // Blue needs one measure: the work list shows the missing plan; a measure removes it.
  DueOptions options{*Date::parse("2026-12-20"), false, 7};
  auto due = due_list(*f.station, options);
  REQUIRE(due);
  REQUIRE(due->size() == 1);
  const DueRow& row = (*due)[0];
  CHECK(row.colour == Colour::Blue);
  CHECK(row.days_overdue == 16);  // reassessment due 2026-12-04, as of 2026-12-20
  CHECK(row.escalated);           // blue: more than 7 days
  bool plan_listed = std::any_of(row.items.begin(), row.items.end(), [](const DueItem& i) { return i.what == "care_plan"; });
  CHECK(plan_listed);
  NewMeasure measure;
  measure.area = "SOCIAL";
  measure.item = "志愿者结对";
  REQUIRE(add_care_measure(*f.station, child, measure));
  CHECK(state("care_plan_met") == "1");
  due = due_list(*f.station, options);
  plan_listed = std::any_of((*due)[0].items.begin(), (*due)[0].items.end(), [](const DueItem& i) { return i.what == "care_plan"; });
  CHECK_FALSE(plan_listed);
}

TEST_CASE("Care: measures are folded from events, and a refused measure does not count", "[care]") {
  Fixture f;
  f.as("王强");
  std::string child = *f.verify(f.lead(), {{"triggers", {"R2"}}}).child_id;  // red
  NewMeasure m;
  m.area = "监护";  // the Chinese label works too
  m.item = "签订监护责任书";
  m.provider = "民政";
  auto id = add_care_measure(*f.station, child, m);
  REQUIRE(id);
  auto list = list_care_measures(*f.station, child);
  REQUIRE(list);
  REQUIRE(list->size() == 1);
  CHECK((*list)[0]["area"] == "GUARDIANSHIP");
  CHECK((*list)[0]["status"] == "planned");
  // Red also needs a case worker: only a supervisor or the county names one.
  CHECK(assign_case_worker(*f.station, child, "李芳").code() == Code::Refused);
  f.as("李芳");
  REQUIRE(assign_case_worker(*f.station, child, "李芳"));
  auto met = f.station->db().prepare("SELECT care_plan_met, case_worker FROM child_state WHERE child_id = ?1");
  met.bind(1, child);
  REQUIRE(met.step());
  CHECK(met.get_int(0) == 1);
  CHECK(met.get_text(1) == "李芳");
  met.reset();
  MeasureUpdate refused;
  refused.status = "refused";
  refused.outcome = "监护人拒绝签字";
  REQUIRE(update_care_measure(*f.station, id.value().substr(0, 12), refused));
  met.bind(1, child);
  REQUIRE(met.step());
  CHECK(met.get_int(0) == 0);
  CHECK(update_care_measure(*f.station, "ffffffff", refused).code() == Code::NotFound);
  MeasureUpdate bad;
  bad.status = "finished";
  CHECK(update_care_measure(*f.station, id.value(), bad).code() == Code::InvalidInput);
}

TEST_CASE("Policy: a station's policy can be replaced by a supervisor, not by a director", "[policy]") {
  Fixture f;
  json doc = default_policy().document;
  doc["version"] = "suining-2027";
  doc["schedule"]["blue"]["director_visit_days"] = 20;
  Policy p = parse_policy(doc).value();
  f.as("王强");
  std::string child = *f.verify(f.lead(), kBlue).child_id;
  CHECK(set_station_policy(*f.station, p).code() == Code::Refused);
  f.as("李芳");
  REQUIRE(set_station_policy(*f.station, p));
  CHECK(stored_policy(f.station->db()).version == "suining-2027");
  // Due dates are recomputed at once: blue since 27 Nov, never visited, + 20 = 17 Dec.
  auto q = f.station->db().prepare("SELECT next_visit_due FROM child_state WHERE child_id = ?1");
  q.bind(1, child);
  REQUIRE(q.step());
  CHECK(q.get_text(0) == "2026-12-17");
  auto assessed = assess(*f.station, child, parse_answers(kBlue).value(), std::nullopt, "");
  REQUIRE(assessed);
  CHECK(assessed->score.policy_version == "suining-2027");
}

TEST_CASE("Schedule: supervisor visits, phone calls and the pre-holiday visit in the work list", "[schedule]") {
  Fixture f;
  f.as("王强");
  std::string child = *f.verify(f.lead(), kBlue).child_id;  // blue since 2026-11-27
  f.clock.set(at("2027-06-20"));
  REQUIRE(add_visit(*f.station, child, {*Date::parse("2027-06-01"), "home", {}, "", std::nullopt}));
  REQUIRE(add_visit(*f.station, child, {*Date::parse("2027-06-19"), "phone", {}, "", std::nullopt}));
  auto column = [&](const char* name) {
    auto q = f.station->db().prepare(std::string("SELECT ") + name + " FROM child_state WHERE child_id = ?1");
    q.bind(1, child);
    REQUIRE(q.step());
    return q.get_optional_text(0).value_or("");
  };
  CHECK(column("last_home_visit") == "2027-06-01");
  CHECK(column("last_contact") == "2027-06-19");
  CHECK(column("last_supervisor_visit").empty());  // a director alone
  // Blue: next home visit 1 June + 30 = 1 July; the summer holiday (from 1 July, window 14 days from 17 June)
  // brings an extra visit due 30 June, since the last home visit (1 June) was before the window.
  auto due = due_list(*f.station, {*Date::parse("2027-06-20"), false, 7});
  REQUIRE(due);
  std::vector<DueItem> items = (*due)[0].items;
  auto holiday = std::find_if(items.begin(), items.end(), [](const DueItem& i) { return i.what == "pre_holiday_visit"; });
  REQUIRE(holiday != items.end());
  CHECK(holiday->due == "2027-06-30");
  CHECK(holiday->detail == "summer");
  // A home visit with the supervisor: counts for both clocks and answers the holiday visit.
  REQUIRE(add_visit(*f.station, child, {*Date::parse("2027-06-20"), "home", {"supervisor"}, "", std::nullopt}));
  CHECK(column("last_supervisor_visit") == "2027-06-20");
  CHECK(column("next_visit_due") == "2027-07-20");
  CHECK(column("next_supervisor_visit_due") == "2027-09-18");  // + 90: 10 days of June, 31 July, 31 Aug, 18 Sep
  due = due_list(*f.station, {*Date::parse("2027-06-20"), false, 7});
  items = (*due)[0].items;
  CHECK(std::none_of(items.begin(), items.end(), [](const DueItem& i) { return i.what == "pre_holiday_visit"; }));
  // A visit cannot be in the future, nor of an unknown kind.
  CHECK(add_visit(*f.station, child, {*Date::parse("2027-06-21"), "home", {}, "", std::nullopt}).status().code() ==
        Code::InvalidInput);
  CHECK(add_visit(*f.station, child, {*Date::parse("2027-06-20"), "letter", {}, "", std::nullopt}).status().code() ==
        Code::InvalidInput);
  CHECK(add_visit(*f.station, child, {*Date::parse("2027-06-20"), "home", {}, "", std::string("birthday")})
            .status()
            .code() == Code::InvalidInput);
}
