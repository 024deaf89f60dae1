// The whole file of one child (一人一档) as the file page and its print view show it (docs/domain.md "The child
// file"): the profile with its family, categories, the colour with its history, screening, visits, care, open
// review items and the change history. One call, one access check, one audit row when a red file is opened.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/store/station.h"
#include "core/workflow/referrals.h"

namespace tongdang {

struct ChildFile {
  nlohmann::json child;                  // show_child's view: profile, memberships, categories, colour, relatives
  nlohmann::json colour;                 // colour_history's: colour, since, open_reviews, history (each step's breakdown)
  nlohmann::json state;                  // the derived row: last_home_visit, next_visit_due, next_reassessment_due,
                                         // case_worker, last_score … (null before the child is screened or graded)
  std::vector<nlohmann::json> screening; // the leads this file came from or was attached to, with their steps
  std::vector<nlohmann::json> visits;    // newest first: visit_on, kind, with, notes, key_event, actor
  std::vector<nlohmann::json> care;      // list_care_measures's rows, oldest first
  std::vector<nlohmann::json> reviews;   // open colour review items: from, proposed, why, opened_on, opened_by
  std::vector<Referral> referrals;       // mandatory reports and referrals, oldest first (referrals.h)
  std::vector<nlohmann::json> history;   // audit rows of the child, its relatives and its events, newest first
                                         // (tuning::kChildHistoryRows at most): at, actor, action, entity, fields
};

// Opens a file for the acting user, as show_child does (scope, full_id for roles that may, audited; a red file's
// opening audited once). The history names the fields a change touched, never their values (they hold names and
// full ID numbers).
Result<ChildFile> open_child_file(Station& station, std::string_view ref, bool full_id);

// One line of a file's history (`tongdang child history`): an event of the child (its kind, the business date, who
// with which role, the reason or outcome it gave) or a change of its profile or a relative's (the fields touched,
// never their values), newest first.
struct HistoryEntry {
  std::string at;          // when it was recorded on a station (ISO-8601)
  std::string on;          // the business date of an event; empty for a profile change
  std::string actor, role; // role empty for a profile change (the audit row names the person only)
  std::string what;        // the event's kind (visit, assessment, referral.add …) or the audit action (child.update …)
  std::string entity;      // event, child or relative
  std::string id;          // the event's or the record's id
  std::vector<std::string> fields;  // a profile change: the fields it touched
  std::string note;        // an event's reason, outcome or summary, if it gave one
  std::int64_t seq = 0;    // the station's audit sequence (0 for an event pulled from another station)
  std::string file;        // empty for the file's own; the id of a file merged into it whose line this is
};

// Every event and change of a child's file the acting user may open (the checks and audit of open_child_file's
// show_child), newest first, without a limit — with those of the files merged into it that the station holds
// (their events keep their ids; `file` names the merged-away file). open_child_file reads the merged files'
// visits, relatives and history the same way, each row tagged `merged_from` (the merged-away file's short id).
Result<std::vector<HistoryEntry>> child_history(Station& station, std::string_view ref);

}  // namespace tongdang
