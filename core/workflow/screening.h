// 三步排查, the three screening steps (docs/domain.md "Screening: the three steps"): a lead is discovered (lead.add),
// verified at home into a child file with its first assessment — or closed as not eligible or a duplicate
// (screen.verify, screen.close_lead) — then reviewed by the township supervisor (screen.review, or screen.return with a
// reason) and confirmed by the county (screen.confirm: categories and colour). Deadlines follow the county policy; a
// suspected or graded red case has the short ones (24 hours to verify, same-day review and confirmation).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/rules/instrument.h"
#include "core/store/events.h"
#include "core/store/station.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"

namespace tongdang {

// Who reported a lead (docs/domain.md "Screening: the three steps", step 1).
// A key of Vocabulary::LeadSource (core/model/choices.h): director grid school hospital police hotline data other.
bool is_lead_source(std::string_view source);
const std::vector<std::string_view>& lead_sources();  // the keys, in the table's order (labels "lead_source.<key>")

struct NewLead {
  std::string village;   // 12-digit code in this township
  std::string reporter;  // who reported
  std::string source = "director";
  std::string seen;      // what was seen
  bool suspected_red = false;
  std::optional<Date> on;
};
// Step 1. Returns the lead id.
Result<std::string> add_lead(Station& station, const NewLead& lead);

// Finds a lead by id or a unique prefix of it.
Result<std::string> resolve_lead(Station& station, std::string_view ref);
// A lead as the acting user may see it (refused outside a director's villages): id, village, state, reporter,
// source, seen, suspected_red, red, child_id, discovered_on, verify_due, return_reason.
Result<nlohmann::json> show_lead(Station& station, std::string_view ref);

struct Verification {
  std::string lead_ref;
  std::optional<std::string> child_ref;  // attach to this existing file …
  NewChild new_child;                    // … or register this child (village defaults to the lead's); a child
                                         // whose ID number is already on file is attached instead
  std::optional<Answers> answers;        // the first risk screen (required unless closing)
  std::optional<std::string> not_eligible;   // close the lead as not eligible, with this reason
  std::optional<std::string> duplicate_of;   // close the lead as a duplicate of this child
  std::string reason;                        // the duplicate's reason
  std::optional<Date> on;
  std::string notes;
};
struct Verified {
  std::string lead_id;
  std::string state;                    // verified | not_eligible | duplicate
  std::optional<std::string> child_id;
  bool created = false;                 // a new file was registered
  bool attached = false;                // attached to an existing file
  std::optional<AssessmentResult> assessment;
  std::vector<std::string> warnings;
};
// Step 2, in one transaction: the child file (or the attachment), the screen.verify event and the first
// assessment; or the closing of the lead.
Result<Verified> verify_lead(Station& station, const Verification& verification);

// Step 3a (supervisor or county): approve, or return to the director with a reason. Directors are refused.
// `child_ref` names the child (resolve_child) or the lead `screen pending` lists; so does confirm_screening's.
Status review_screening(Station& station, std::string_view child_ref, bool approve, std::string_view reason);
// Step 3b (county only): confirms the child's categories (all active ones if none are named) and colour (the
// current one if none is given; a different colour is recorded as a county raise or lowering).
struct Confirmation {
  std::vector<std::string> categories;
  std::optional<Colour> colour;
  std::string reason;
};
Status confirm_screening(Station& station, std::string_view child_ref, const Confirmation& confirmation);

// The rule of a confirmation, apart from where it is written: the station's confirm_screening and the county
// console (sync/server/county_casework.h, on the server's database, which has the same tables) both use it.
// What the confirmation reads from the file: refused when no screening of the child waits for confirmation.
struct ConfirmationFacts {
  std::string lead_id;                         // the lead waiting for the county
  std::vector<std::string> active;             // the categories held today
  std::optional<Colour> colour;                // the colour now
  std::optional<std::string> colour_event_id;  // the event setting it
  std::string policy_version;
};
Result<ConfirmationFacts> confirmation_facts(db::Database& db, std::string_view child_id, Date today);
// The confirmation's events in order, not yet stamped: a membership.confirm per category, the county's raise or
// lowering when the colour differs, and screen.confirm last. Bad input names the field.
Result<std::vector<Event>> confirmation_events(const ConfirmationFacts& facts, std::string_view child_id,
                                               const Confirmation& confirmation);
// screen.confirm records the colour as it stands once the events before it are applied (a lowering may wait for
// review): the writer fills it in.
void set_confirmed_colour(Event& confirm, std::optional<Colour> colour);

// Leads waiting at a step, as of a day: step, since when, due, days overdue.
Result<std::vector<nlohmann::json>> pending_screenings(Station& station, Date as_of, bool overdue_only);
// The same over every lead of a database `actor` may see (the county's server holds the whole county's).
Result<std::vector<nlohmann::json>> pending_screenings(db::Database& db, const User& actor, Date as_of,
                                                       bool overdue_only);

}  // namespace tongdang
