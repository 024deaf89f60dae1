// Mandatory reports and referrals (强制报告, 转介; docs/domain.md "Mandatory reporting"): each is an append-only event
// of the child's file — referral.add opens one, referral.update moves its status on — synced like every other
// event. A mandatory report is red trigger R1: the colour rule reads referral.add as a raise to red
// (colour_event_of, core/rules/timeline.cc), so the child is red at once, on the station and on the server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/date.h"
#include "core/base/status.h"
#include "core/store/station.h"

namespace tongdang {

// What `referral add` is given: keys or words of Vocabulary::ReferralTo and Vocabulary::ReferralKind.
struct NewReferral {
  std::string to;              // police hospital school court civil_affairs other
  std::string kind;            // mandatory_report referral
  std::optional<Date> on;      // when it was made (default today; never in the future)
  std::string summary;         // what was reported or referred (required)
};

// One referral as its events fold: the add, then each update in (hlc, id) order.
struct Referral {
  std::string id;              // the referral.add event's id
  std::string child_id, name, village;
  std::string to, kind;        // machine keys
  std::string made_on;         // the business date of the add
  std::string summary;
  std::string status = "handed_over";  // handed_over accepted closed (Vocabulary::ReferralStatus)
  std::string outcome;         // the latest outcome given
  std::string updated_on;      // the business date of the latest update (the add's if none)
  std::string made_by;
  bool open() const { return status != "closed"; }
};

// Records a referral (referral.add) for a child the acting user may write (directors in their villages,
// supervisors, the county). Returns its id. Bad input names the field; nothing is written.
Result<std::string> add_referral(Station& station, std::string_view child_ref, const NewReferral& referral);

// Moves a referral on (referral.update): a new status (handed_over accepted closed, or their words) and/or an
// outcome; `id` may be a unique prefix of the referral's id. A closed referral is not updated again.
Status update_referral(Station& station, std::string_view id, std::optional<std::string> status,
                       std::optional<std::string> outcome);

// A child's referrals, oldest first.
std::vector<Referral> child_referrals(db::Database& db, std::string_view child_id);
// The open referrals of the open files the acting user may see, oldest first.
std::vector<Referral> open_referrals(Station& station);
// The same over an area of a database: a township (9 digits) or, on the county's server, a county (6 digits).
std::vector<Referral> open_referrals(db::Database& db, const User& actor, std::string_view area);

}  // namespace tongdang
