// The 3+4+N workflow on a station, past screening (see screening.h): the county policy in force, assessments and
// colour changes, review items, visits and the director's and supervisor's work list (`due`). Every fact is an
// append-only event recorded with record_event() inside Station::write(); the derived tables are projections
// (core/projection/workflow_state.h). Event kinds and derived columns: docs/workflow.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/model/policy.h"
#include "core/rules/colour.h"
#include "core/rules/instrument.h"
#include "core/store/events.h"
#include "core/store/station.h"

namespace tongdang {

// ---- policy ----

// Replaces the station's policy (supervisor or county), recomputing every derived due date in the same
// transaction. Audited with the old and new versions.
Status set_station_policy(Station& station, const Policy& policy);

// ---- grading ----

struct AssessmentResult {
  std::string event_id;
  Score score;
  std::optional<Colour> previous_colour;
  std::optional<Colour> colour;  // the current colour after the assessment
  bool applied = false;          // the assessment's colour is now the child's colour
  bool pending_review = false;   // it asked for a lowering that waits for a supervisor or the county

  nlohmann::json to_json() const;  // the issue's --json shape
};

// Assesses a child: scores the answers under the station's policy and records an `assessment` event that
// supersedes the grading the assessor sees. `left_behind` is set from the child's categories.
Result<AssessmentResult> assess(Station& station, std::string_view child_ref, Answers answers,
                                std::optional<Date> on, std::string_view notes);
// What assess() would give for these answers, recording nothing: the same scoring (the station's policy, left_behind
// from the child's categories on `on`) — the web form's preview before saving. Needs write access to the child, as
// saving does.
struct AssessmentPreview {
  Score score;
  std::optional<Colour> current_colour;  // the child's colour now
  bool lowering = false;                 // the score's colour is below the current one: it applies only as the
                                         // lowering rule allows (colour.h), otherwise it opens a review item
};
Result<AssessmentPreview> preview_assessment(Station& station, std::string_view child_ref, Answers answers,
                                             std::optional<Date> on);
// The same, inside an open write (screen verify records the first assessment in its own transaction).
AssessmentResult record_assessment(WriteContext& w, const std::string& child_id, Answers answers, Date on,
                                   std::string_view notes);

struct ColourChange {
  std::string event_id;
  std::optional<Colour> previous_colour;
  std::optional<Colour> colour;  // after the change
  bool applied = false;
  bool pending_review = false;
  nlohmann::json to_json() const;
};
// colour raise (raise = true) or colour lower by hand, with a reason. A raise to a colour not higher than the
// current one, or a lowering to one not lower, is invalid input. A lowering the role may not make is recorded
// and opens a review item (not an error: the proposal is kept for the supervisor).
Result<ColourChange> change_colour(Station& station, std::string_view child_ref, bool raise, Colour to,
                                   std::string_view reason, std::optional<Date> on);
// Closes the child's open review items, keeping the current colour (supervisor or county).
Status resolve_reviews(Station& station, std::string_view child_ref, std::string_view reason);

// The rule of a colour decision apart from where it is written: change_colour and resolve_reviews above, and the
// county console (sync/server/county_casework.h, on the server's database, which has the same tables).
struct ColourFacts {
  std::optional<Colour> colour;             // now
  std::optional<std::string> set_by;        // the event setting it
  std::vector<std::string> open_reviews;    // the child's open colour review items (their event ids)
  std::string policy_version;
};
ColourFacts colour_facts(db::Database& db, std::string_view child_id);
// A raise or lowering by hand, not yet stamped; bad input names the field. Whether a lowering applies is the colour
// rule's, when the event is applied (it may open a review item instead).
Result<Event> colour_change_event(const ColourFacts& facts, std::string_view child_id, bool raise, Colour to,
                                  std::string_view reason, Date day);
// Closing the open review items, keeping the colour (colour.resolve); NotFound when there is none.
Result<Event> keep_colour_event(const ColourFacts& facts, std::string_view child_id, std::string_view reason);
// Every colour event of the child, with its breakdown, actor, reason, and whether it applied.
Result<nlohmann::json> colour_history(Station& station, std::string_view child_ref);
// The same for a child whose access the caller has already checked (open_child_file, which audits the opening of
// a red file once for the whole file): no check, no audit row.
nlohmann::json colour_history_of(Station& station, const std::string& child_id);

// ---- visits and the work list ----

// Key events that make a reassessment due within the policy's window (docs/domain.md "The schedule"): the keys of
// Vocabulary::KeyEvent (core/model/choices.h), carer_change parent_left parent_returned hospitalised dropout
// new_report.
bool is_key_event(std::string_view kind);
const std::vector<std::string_view>& key_events();  // the keys, in the table's order

struct NewVisit {
  Date on;
  std::string kind = "home";          // a key of Vocabulary::VisitKind: home | phone | video
  std::vector<std::string> with;      // who came along ("supervisor", names …)
  std::string notes;
  std::optional<std::string> key_event;
};
Result<std::string> add_visit(Station& station, std::string_view child_ref, const NewVisit& visit);

// One line of the work list.
struct DueItem {
  std::string what;       // visit, supervisor_visit, reassessment, pre_holiday_visit, care_plan, case_worker,
                          // colour_review, first_assessment, screening_verify, screening_review, screening_confirm
  std::string due;        // YYYY-MM-DD
  int days_overdue = 0;
  bool escalated = false;
  std::string detail;     // e.g. the holiday, the missing area, the key event
};
// An item's detail as a reader reads it, in the edge's language (i18n::language()): the missing parts of a care
// plan ("measure,GUARDIANSHIP|SAFETY,case_worker" → 至少一项措施、监护或安全、个案负责人), a key event's or a
// holiday's name, a screening step's state. The CLI's `due` and the web's work list print the same words.
std::string due_detail_text(const std::string& detail);
struct DueRow {
  std::string child_id;   // empty for a lead not yet a file
  std::string lead_id;    // for screening items
  std::string name, village;
  std::optional<Colour> colour;
  std::optional<std::string> last_home_visit;
  std::string next_due;   // the earliest due date of the items
  int days_overdue = 0;   // the largest of the items
  bool escalated = false;
  std::vector<DueItem> items;
  nlohmann::json to_json() const;
};
struct DueOptions {
  Date as_of;
  bool overdue_only = false;
  int horizon_days = 0;   // list items due within this many days of as_of (children always listed, see docs)
};
// The acting user's work list as of a day: every open child in their scope with what is due, red first, then by
// days overdue. Supervisors and the county also get review items and escalations.
Result<std::vector<DueRow>> due_list(Station& station, const DueOptions& options);

// One page of that list — its rows [offset, offset + limit) — and how many rows the whole list has: the web's
// 今日待办. The same rows as due_list, without building every child's items: the page is chosen by the due_rank
// keys (core/rules/due_items.h, maintained with the report rows) and only its candidates are built (workflow.cc;
// docs/design.md "The work list on a large station"). On a station whose due_rank is not filled yet (migrated,
// before `report rebuild`) it builds the whole list, as due_list.
struct DuePage {
  std::vector<DueRow> rows;
  std::size_t total = 0;
};
Result<DuePage> due_page(Station& station, const DueOptions& options, std::size_t offset, std::size_t limit);

// The rows of the overdue list (due_list with overdue_only) that have an escalated item, each with only those
// items, in the list's order — the first `limit` of them (0: all) and how many there are: the review queue's
// escalations, chosen by the same keys.
Result<DuePage> due_escalations(Station& station, Date as_of, std::size_t limit = 0);

}  // namespace tongdang
