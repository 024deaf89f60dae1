// What waits for a supervisor's or the county's decision, in one place (the web's /review, `tongdang review`): the
// colour review items (lowerings that did not apply), the screenings waiting at the township's review, returned to
// a director or waiting for the county's confirmation, the escalations (items overdue past the colour's limit), the
// open mandatory reports and referrals, and the children whose categories end at 16 or 18 within the notice (a
// file whose last category ends closes itself then). Each list is read
// through the rule that owns it — colour_reviews as the colour rule derived it, pending_screenings, due_list — so
// the queue counts what `due` and `screen pending` count. Sync conflicts and duplicate candidates live in
// sync/station (conflicts.h, status.h) and are added by the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/base/status.h"
#include "core/store/station.h"
#include "core/workflow/referrals.h"
#include "core/workflow/workflow.h"

namespace tongdang {

// One open colour review item: a lowering that did not apply (docs/workflow.md "The colours and the lowering rule").
struct ColourReviewItem {
  std::string event_id;                // the lowering (assessment or colour.lower) event
  std::string child_id, name, village, township;
  std::optional<Colour> colour;        // the child's colour now
  std::optional<Colour> from;          // the colour the proposer saw
  Colour proposed = Colour::Green;
  std::string why;                     // stale | role_may_not_lower | red_needs_clear_reassessment |
                                       // lowering_needs_assessment
  std::string opened_on, opened_by;
};

// A child whose category ends at its age limit (16 or 18) within tuning::kAgeLimitNoticeDays: the categories
// that end then, and whether the file closes itself because no category is left (docs/domain.md "Closure").
struct AgeLimitItem {
  std::string child_id, name, village;
  std::string ends_on;                   // the birthday the first of them ends on
  int age = 0;                           // the age reached that day
  std::vector<std::string> categories;   // the categories ending that day (machine keys)
  bool file_closes = false;              // every category the child holds ends within the notice
  std::string closes_on;                 // when the last one ends (file_closes only)
};

// A file closed as moved out of the county within tuning::kMovedOutShownDays (county users only): where the child
// went and when, for the county to hand the file on (docs/domain.md "Moves, duplicates, corrections, closure").
struct MovedOutItem {
  std::string child_id, name, village;
  std::string on;           // the closing's date
  std::string destination;  // as the transfer recorded it
  std::string by;           // who closed it
};

// A file that arrived from another county (file.import) within tuning::kMovedOutShownDays (county users only).
struct MovedInItem {
  std::string child_id, name, village;
  std::string on;                        // the import's date
  std::string from_county, from_county_name;
  std::string by;                        // who imported it
};

struct ReviewQueue {
  std::vector<ColourReviewItem> colour_reviews;  // oldest first
  std::vector<nlohmann::json> screenings;        // pending_screenings rows at review, returned, or confirmation
  std::vector<DueRow> escalations;               // children with an escalated item (only those items kept)
  std::size_t escalations_total = 0;             // all of them (escalations may hold only the first)
  std::vector<Referral> referrals;               // open mandatory reports and referrals, oldest first
  std::vector<AgeLimitItem> age_limits;          // categories ending at 16 or 18 soon, soonest first
  std::vector<MovedOutItem> moved_out;           // the county's: files moved out of the county lately, newest first
  std::vector<MovedInItem> moved_in;             // the county's: files imported from another county lately
};

// Where a queue is read: the database, who reads it, and the area — a station's township (9 digits), or on the
// county's server, whose database holds every township's files in the same tables, the county (6 digits).
struct QueueDesk {
  db::Database& db;
  const User& actor;
  std::string area;
  // The townships of the area as a range of codes (an index range on children.township).
  std::string first_township() const;
  std::string last_township() const;
};

// The acting user's queue as of `as_of`, within their scope. Refused for a director or a viewer: deciding review
// items is the supervisor's and the county's (access::Action::SeeSupervision).
// `escalations_shown` keeps only the most urgent escalations (0: all; the web shows a page of them, the count of all).
Result<ReviewQueue> review_queue(Station& station, Date as_of, std::size_t escalations_shown = 0);

// The county's casework over a whole county (the county console's /review, on the server's database): the open
// colour review items, the screenings waiting for the county's confirmation, the reports and referrals open without
// an update for tuning::kReferralLongOpenDays, and the files moved out of and into the county lately. The township's
// own steps (reviews, escalations, age limits) stay on the township's queue. Refused unless a county user reads a
// county.
Result<ReviewQueue> county_queue(const QueueDesk& desk, Date as_of);

}  // namespace tongdang
