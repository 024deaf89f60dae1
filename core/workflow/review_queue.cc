#include "core/workflow/review_queue.h"

#include <algorithm>
#include <tuple>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/model/labels.h"
#include "core/store/file_merge.h"
#include "core/workflow/screening.h"
#include "core/workflow/transfer.h"

namespace tongdang {

using i18n::trf;

namespace {

std::vector<ColourReviewItem> open_colour_reviews(const QueueDesk& desk) {
  const User& actor = desk.actor;
  // The outer loop is the smaller side, fixed with CROSS JOIN. A township's station holds its own reviews (a few
  // hundred): those first; SQLite's own choice walked every child of the township to find them (4.5 ms against
  // 1.4 on 10,000 children). A county's desk sits on a server that may hold a province: its reviews are thousands
  // spread over every county, so the county's children (by the township index) come first and each is asked for
  // its reviews (on the 600,000-child province store, 5 ms against 60: docs/benchmarks.md "County console").
  const bool county_desk = desk.area.size() == 6;
  auto query = desk.db.prepare(
      std::string("SELECT r.event_id, r.child_id, c.name, c.village, s.colour, r.from_colour, r.proposed_colour,"
                  " r.why, r.opened_on, r.opened_by, c.township FROM ") +
      (county_desk ? "children c CROSS JOIN colour_reviews r ON r.child_id = c.id"
                   : "colour_reviews r CROSS JOIN children c ON c.id = r.child_id") +
      " LEFT JOIN child_state s ON s.child_id = r.child_id"
      " WHERE r.resolved_by IS NULL AND c.status = 'open' AND c.township BETWEEN ?1 AND ?2"
      " ORDER BY r.opened_on, r.event_id");
  // A file transferred away is the receiving township's to review.
  query.bind(1, desk.first_township()).bind(2, desk.last_township());
  std::vector<ColourReviewItem> items;
  while (query.step()) {
    if (!actor.covers_village(query.get_text(3))) continue;
    ColourReviewItem item;
    item.event_id = query.get_text(0);
    item.child_id = query.get_text(1);
    item.name = query.get_text(2);
    item.village = query.get_text(3);
    if (auto c = query.get_optional_text(4)) item.colour = parse_colour(*c);
    if (auto c = query.get_optional_text(5)) item.from = parse_colour(*c);
    item.proposed = parse_colour(query.get_text(6)).value_or(Colour::Green);
    item.why = query.get_text(7);
    item.opened_on = query.get_text(8);
    item.opened_by = query.get_text(9);
    item.township = query.get_text(10);
    items.push_back(std::move(item));
  }
  return items;
}

// Open files of the acting user's scope with a category ending at its age limit in (as_of, as_of + notice].
std::vector<AgeLimitItem> age_limits(Station& station, Date as_of) {
  const std::string from = as_of.to_string();
  const std::string until = as_of.plus_days(tuning::kAgeLimitNoticeDays).to_string();
  auto query = station.db().prepare(
      "SELECT c.id, c.name, c.village, c.birth_date, m.category, m.to_date FROM children c"
      " JOIN memberships m ON m.child_id = c.id WHERE c.status = 'open' AND c.township = ?2 AND m.from_date <= ?1"
      " AND ?1 < m.to_date"
      // Only the children with a category ending in the window are read whole (their other memberships decide
      // whether the file closes): the others' rows would be sorted for nothing.
      " AND c.id IN (SELECT child_id FROM memberships WHERE from_date <= ?1 AND ?1 < to_date AND to_date <= ?3)"
      " ORDER BY c.id, m.to_date, m.category");
  query.bind(1, from);
  query.bind(2, station.township());  // a file transferred away is the receiving township's to close
  query.bind(3, until);
  std::vector<AgeLimitItem> items;
  // Rows come grouped by child, each child's memberships by end date.
  std::string last_child;
  AgeLimitItem item;
  bool holds_later = false;
  auto finish = [&] {
    if (!item.categories.empty()) {
      item.file_closes = !holds_later;
      items.push_back(item);
    }
  };
  while (query.step()) {
    const std::string child = query.get_text(0);
    if (child != last_child) {
      if (!last_child.empty()) finish();
      last_child = child;
      item = AgeLimitItem{child, query.get_text(1), query.get_text(2), "", 0, {}, false, ""};
      holds_later = false;
    }
    if (!station.actor().covers_village(item.village)) continue;
    const std::string ends = query.get_text(5);
    auto birth = Date::parse(query.get_text(3));
    auto end = Date::parse(ends);
    // Only an end at the category's age limit (its birthday) is a notice; an explicit end date is a person's.
    const bool at_limit = birth && end && parse_category(query.get_text(4)) &&
                          birth->plus_years(category_age_limit(*parse_category(query.get_text(4)))) == *end;
    if (ends > until) {
      holds_later = true;
      continue;
    }
    if (!at_limit) continue;
    if (item.ends_on.empty() || item.ends_on == ends) {
      item.ends_on = ends;
      item.age = birth->age_on(*end);
      item.categories.push_back(query.get_text(4));
    }
    item.closes_on = ends;
  }
  if (!last_child.empty()) finish();
  std::sort(items.begin(), items.end(),
            [](const AgeLimitItem& a, const AgeLimitItem& b) { return std::tie(a.ends_on, a.name) < std::tie(b.ends_on, b.name); });
  return items;
}

// Files of this township still closed as moved out of the county by a closing in (as_of - window, as_of]: the
// county's to hand on. A file reopened since has left the list (it is open again).
std::vector<MovedOutItem> moved_out_of_county(const QueueDesk& desk, Date as_of) {
  auto query = desk.db.prepare(
      "SELECT c.id, c.name, c.village, e.occurred_on, json_extract(e.payload, '$.destination'), e.actor"
      " FROM events e JOIN children c ON c.id = e.child_id WHERE e.kind = 'file.close' AND e.occurred_on > ?1"
      " AND e.occurred_on <= ?2 AND json_extract(e.payload, '$.kind') = ?3 AND c.status = 'closed'"
      " AND c.township BETWEEN ?4 AND ?5 ORDER BY e.occurred_on DESC, c.name, c.id");
  query.bind(1, as_of.plus_days(-tuning::kMovedOutShownDays).to_string()).bind(2, as_of.to_string());
  query.bind(3, std::string(kMovedOutOfCounty)).bind(4, desk.first_township()).bind(5, desk.last_township());
  std::vector<MovedOutItem> items;
  while (query.step())
    items.push_back({query.get_text(0), query.get_text(1), query.get_text(2), query.get_text(3),
                     query.get_optional_text(4).value_or(""), query.get_text(5)});
  return items;
}

// Files that arrived from another county (a file.import, docs/design.md "Leaving the county") in the same window,
// still open here: the county checks what came with them.
std::vector<MovedInItem> moved_into_county(const QueueDesk& desk, Date as_of) {
  auto query = desk.db.prepare(
      "SELECT c.id, c.name, c.village, e.occurred_on, json_extract(e.payload, '$.from_county'),"
      " json_extract(e.payload, '$.from_county_name'), e.actor FROM events e JOIN children c ON c.id = e.child_id"
      " WHERE e.kind = ?1 AND e.occurred_on > ?2 AND e.occurred_on <= ?3 AND c.status = 'open'"
      " AND c.township BETWEEN ?4 AND ?5 ORDER BY e.occurred_on DESC, c.name, c.id");
  query.bind(1, std::string(file_merge::kImportKind));
  query.bind(2, as_of.plus_days(-tuning::kMovedOutShownDays).to_string()).bind(3, as_of.to_string());
  query.bind(4, desk.first_township()).bind(5, desk.last_township());
  std::vector<MovedInItem> items;
  while (query.step())
    items.push_back({query.get_text(0), query.get_text(1), query.get_text(2), query.get_text(3),
                     query.get_optional_text(4).value_or(""), query.get_optional_text(5).value_or(""),
                     query.get_text(6)});
  return items;
}

}  // namespace

std::string QueueDesk::first_township() const { return area.size() == 9 ? area : area + "000"; }
std::string QueueDesk::last_township() const { return area.size() == 9 ? area : area + "999"; }

Result<ReviewQueue> review_queue(Station& station, Date as_of, std::size_t escalations_shown) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::SeeSupervision))
    return Status::refused(trf("{}（{}）不能查看审核事项；审核由督导员或县级办理",
                               "{} ({}) may not see the review queue; a supervisor or the county decides",
                               actor.name, i18n::term(to_string(actor.role))));
  const QueueDesk desk{station.db(), actor, station.township()};
  ReviewQueue queue;
  queue.colour_reviews = open_colour_reviews(desk);
  auto screenings = pending_screenings(station, as_of, false);
  if (!screenings) return screenings.status();
  // A lead not yet verified is the director's (it is on their `due`); the queue holds what waits on a decision,
  // and what was returned to a director after one.
  for (auto& row : screenings.value())
    if (row["step"] != "verify" || row["state"] == "returned") queue.screenings.push_back(std::move(row));
  auto escalations = due_escalations(station, as_of, escalations_shown);
  if (!escalations) return escalations.status();
  queue.escalations = std::move(escalations.value().rows);
  queue.escalations_total = escalations.value().total;
  queue.referrals = open_referrals(station);
  queue.age_limits = age_limits(station, as_of);
  if (actor.role == Role::County) {
    queue.moved_out = moved_out_of_county(desk, as_of);
    queue.moved_in = moved_into_county(desk, as_of);
  }
  return queue;
}

Result<ReviewQueue> county_queue(const QueueDesk& desk, Date as_of) {
  if (desk.actor.role != Role::County || desk.area.size() != 6)
    return Status::refused(trf("{}（{}）不能办理县级审核", "{} ({}) may not do the county's review", desk.actor.name,
                               i18n::term(to_string(desk.actor.role))));
  ReviewQueue queue;
  queue.colour_reviews = open_colour_reviews(desk);
  auto screenings = pending_screenings(desk.db, desk.actor, as_of, false);
  if (!screenings) return screenings.status();
  // The county decides the confirmations; the township's steps stay on the township's queue.
  for (auto& row : screenings.value())
    if (row["step"] == "confirm" && row.value("village", "").rfind(desk.area, 0) == 0)
      queue.screenings.push_back(std::move(row));
  for (Referral& referral : open_referrals(desk.db, desk.actor, desk.area)) {
    auto updated = Date::parse(referral.updated_on);
    if (updated && updated->plus_days(tuning::kReferralLongOpenDays) <= as_of)
      queue.referrals.push_back(std::move(referral));
  }
  queue.moved_out = moved_out_of_county(desk, as_of);
  queue.moved_in = moved_into_county(desk, as_of);
  return queue;
}

}  // namespace tongdang
