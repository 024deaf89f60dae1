#include "core/workflow/referrals.h"

#include <algorithm>
#include <map>

#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "core/model/choices.h"
#include "core/store/events.h"
#include "core/store/record_ref.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

// Folds the referral events `query` yields (id, child_id, kind, payload, occurred_on, actor; in (hlc, id) order).
std::vector<Referral> fold_referrals(db::Statement& query) {
  std::vector<Referral> referrals;
  std::map<std::string, std::size_t> index;
  while (query.step()) {
    const std::string kind = query.get_text(2);
    const json payload = json::parse(query.get_text(3), nullptr, false);
    if (!payload.is_object()) continue;
    if (kind == "referral.add") {
      Referral r;
      r.id = query.get_text(0);
      r.child_id = query.get_text(1);
      r.to = payload.value("to", "");
      r.kind = payload.value("kind", "");
      r.summary = payload.value("summary", "");
      r.made_on = r.updated_on = query.get_text(4);
      r.made_by = query.get_text(5);
      index[r.id] = referrals.size();
      referrals.push_back(std::move(r));
    } else {
      // An update of a referral this file does not hold (of another child) is kept in the events, not shown.
      auto it = index.find(payload.value("referral_id", ""));
      if (it == index.end() || referrals[it->second].child_id != query.get_text(1)) continue;
      Referral& r = referrals[it->second];
      if (payload.contains("status") && payload["status"].is_string()) r.status = payload["status"];
      if (payload.contains("outcome") && payload["outcome"].is_string()) r.outcome = payload["outcome"];
      r.updated_on = query.get_text(4);
    }
  }
  return referrals;
}

constexpr const char* kReferralColumns = "SELECT e.id, e.child_id, e.kind, e.payload, e.occurred_on, e.actor";

}  // namespace

Result<std::string> add_referral(Station& station, std::string_view child_ref, const NewReferral& input) {
  auto child = resolve_child(station, child_ref);
  if (!child) return child.status();
  if (auto access = check_child_access(station, child.value(), true); !access) return access;
  auto to = parse_choice(Vocabulary::ReferralTo, input.to);
  if (!to) return Status::invalid("to", not_a_choice(Vocabulary::ReferralTo, input.to));
  auto kind = parse_choice(Vocabulary::ReferralKind, input.kind);
  if (!kind) return Status::invalid("kind", not_a_choice(Vocabulary::ReferralKind, input.kind));
  const Date today = station.clock().today();
  const Date on = input.on.value_or(today);
  if (on > today)
    return Status::invalid("date", trf("{} 晚于今天；报告或转介只能登记已发生的", "{} is after today; record a report "
                                       "or referral once made", on.to_string()));
  if (input.summary.empty())
    return Status::invalid("summary", tr("需要写明报告或转介的内容", "say what was reported or referred"));
  std::string id;
  Status written = station.write([&](WriteContext& w) {
    Event event;
    event.child_id = child.value();
    event.kind = "referral.add";
    event.occurred_on = on.to_string();
    event.payload = {{"to", std::string(*to)}, {"kind", std::string(*kind)}, {"summary", input.summary}};
    record_event(w, event);
    id = event.id;
    return Status::ok();
  });
  if (!written) return written;
  return id;
}

Status update_referral(Station& station, std::string_view ref, std::optional<std::string> status,
                       std::optional<std::string> outcome) {
  if (!status && !outcome)
    return Status::invalid("status", tr("需要 --status 或 --outcome", "give --status or --outcome"));
  std::optional<std::string_view> key;
  if (status) {
    key = parse_choice(Vocabulary::ReferralStatus, *status);
    if (!key) return Status::invalid("status", not_a_choice(Vocabulary::ReferralStatus, *status));
  }
  auto& db = station.db();
  std::string id(ref);
  if (!looks_like_uuid(ref)) {
    auto found = resolve_record_ref(db, "events", ref, "referral", "转介", "referral");
    if (!found) return found.status();
    id = found.value();
  }
  auto add = db.cached("SELECT child_id FROM events WHERE id = ?1 AND kind = 'referral.add'");
  add->bind(1, id);
  if (!add->step()) return Status::not_found(trf("找不到报告或转介 {}", "no report or referral {}", ref));
  const std::string child_id = add->get_text(0);
  add->reset();
  if (auto access = check_child_access(station, child_id, true); !access) return access;
  for (const Referral& r : child_referrals(db, child_id))
    if (r.id == id && !r.open())
      return Status::refused(tr("该报告或转介已办结", "the report or referral is already closed"));
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = child_id;
    event.kind = "referral.update";
    event.payload = {{"referral_id", id}};
    if (key) event.payload["status"] = std::string(*key);
    if (outcome) event.payload["outcome"] = *outcome;
    record_event(w, event);
    return Status::ok();
  });
}

std::vector<Referral> child_referrals(db::Database& db, std::string_view child_id) {
  auto query = db.cached(std::string(kReferralColumns) +
                         " FROM events e WHERE e.child_id = ?1 AND (e.kind = 'referral.add' OR e.kind = 'referral.update')"
                         " ORDER BY e.hlc, e.id");
  query->bind(1, child_id);
  return fold_referrals(*query);
}

std::vector<Referral> open_referrals(Station& station) {
  // A file transferred away: its referrals follow it.
  return open_referrals(station.db(), station.actor(), station.township());
}

std::vector<Referral> open_referrals(db::Database& db, const User& actor, std::string_view area) {
  const std::string first = area.size() == 9 ? std::string(area) : std::string(area) + "000";
  const std::string last = area.size() == 9 ? std::string(area) : std::string(area) + "999";
  // The area's children first (CROSS JOIN), each asked for its referral events through the partial index
  // events_referral (core/db/schema_queue.cc), whose term `e.kind IN (…)` is stated here exactly as there: SQLite uses
  // a partial index only for a query holding its WHERE term (a test reads the plan). Before, every event of every
  // child of the area was read: 40 ms for a county of 8,866 children on a province's server, 5 ms with the index.
  // Left to itself, on a database without statistics, SQLite walked the kind index over every referral of the
  // province instead.
  auto query = db.prepare(std::string(kReferralColumns) +
                          " FROM children c CROSS JOIN events e ON e.child_id = c.id WHERE c.status = 'open'"
                          " AND c.township BETWEEN ?1 AND ?2 AND e.kind IN ('referral.add', 'referral.update')"
                          " ORDER BY e.hlc, e.id");
  query.bind(1, first).bind(2, last);
  std::vector<Referral> open;
  for (Referral& r : fold_referrals(query)) {
    if (!r.open()) continue;
    auto child = db.cached("SELECT name, village FROM children WHERE id = ?1");
    child->bind(1, r.child_id);
    if (!child->step()) continue;
    r.name = child->get_text(0);
    r.village = child->get_text(1);
    child->reset();
    if (!actor.covers_village(r.village)) continue;
    open.push_back(std::move(r));
  }
  std::sort(open.begin(), open.end(), [](const Referral& a, const Referral& b) { return a.made_on < b.made_on; });
  return open;
}

}  // namespace tongdang
