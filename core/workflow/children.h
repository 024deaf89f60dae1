// The child file (一人一档): registering a child, finding, showing, listing, editing and closing files, category
// memberships with their age limits (docs/domain.md "Categories"), and the family (docs/domain.md "The child file").
// Every write is one transaction with its audit and outbox rows; bad input changes nothing.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/model/model.h"
#include "core/store/station.h"

namespace tongdang {

// A child as entered: raw text by field name (see profile.h: child_fields()), plus categories.
struct NewChild {
  std::map<std::string, std::string> fields;
  std::vector<std::string> categories;  // machine names or Chinese labels
  std::string category_reason;
  // A category whose age limit the child has reached (留守 at 16) is left out with a warning instead of refusing
  // the child: a ledger imported with --partial, where it would otherwise block a child who is still in difficulty.
  bool aged_out_as_warning = false;
};

// A new child that passed every check, ready to write.
struct PreparedChild {
  std::string id;
  nlohmann::json profile;               // normalised field values
  std::vector<Category> categories;
  Date birth_date;
  std::vector<std::string> warnings;    // e.g. an unknown county code in the ID number
  std::vector<std::string> category_warnings;  // categories left out at their age limit (aged_out_as_warning)
};

struct AddedChild {
  std::string id;
  std::vector<std::string> warnings;
};

// Checks a new child against every rule (ID number, village in scope, derived sex and date of birth, age
// limits, a duplicate ID number on this station) as of today; writes nothing.
Result<PreparedChild> prepare_child(Station& station, const NewChild& input);
// Writes a prepared child (profile, memberships, outbox, audit). Call inside Station::write().
void insert_child(WriteContext& w, const PreparedChild& child);
// prepare_child + insert_child in one transaction.
Result<AddedChild> add_child(Station& station, const NewChild& input);

// Finds a child by UUID, a unique prefix of it (at least 4 characters), the ID number or a temporary key.
Result<std::string> resolve_child(Station& station, std::string_view ref);

struct ChildFilter {
  std::optional<std::string> village;
  std::optional<Category> category;
  bool include_closed = false;
};

// A child as shown to the acting user: the profile with the ID number masked unless `full_id` (which needs a
// role that may see it), its active categories and memberships, colour (null until graded), relatives.
// Refused for a child outside the user's villages; opening a red file is audited.
Result<nlohmann::json> show_child(Station& station, std::string_view ref, bool full_id);
// The relatives of one file (profile fields and id), ID numbers masked unless full_id; the caller has checked access.
nlohmann::json relative_rows(db::Database& db, std::string_view child_id, bool full_id);
// The children the acting user may see, by village then name.
Result<std::vector<nlohmann::json>> list_children(Station& station, const ChildFilter& filter, bool full_id);
// list_children one child at a time, for a caller that writes each as it comes (an export of 100,000 files holds
// one child's view in memory, not all of them): the same checks, order and audit.
Status for_each_child(Station& station, const ChildFilter& filter, bool full_id,
                      const std::function<void(const nlohmann::json&)>& each);

// Sets profile fields ("name=张小明"). Only editable fields; the ID number, sex and date of birth are fixed by
// the ID number and change only through a correction.
Status edit_child(Station& station, std::string_view ref, const std::map<std::string, std::string>& sets);
// edit_child's two halves, for a caller that writes many edits in its own transaction (a ledger imported with
// --update): the changes `sets` would make to child `child_id` (every check of edit_child; normalised; only the
// fields that differ, so empty when nothing does), and writing them (synced, audited, conflict-checked like any
// edit).
Result<nlohmann::json> child_changes(Station& station, std::string_view child_id,
                                     const std::map<std::string, std::string>& sets);
void write_child_changes(WriteContext& w, std::string_view child_id, const nlohmann::json& changed);
// Closes a file (never deletes it) for a reason of Vocabulary::CloseReason — aged_out, death, moved_out_of_county,
// no_longer_eligible, entered_in_error (a void, which needs a `note` saying what was wrong) — or its words.
Status close_child(Station& station, std::string_view ref, std::string_view reason, std::string_view note = {});
// The closing reason of a file whose last category ended at its age limit (Vocabulary::CloseReason).
inline constexpr std::string_view kAgedOut = "aged_out";
// The id of the file.close a file's aging out records: the same on every station that notices it (ids.h), so the
// server keeps one; `ends_on` is the day the last category ended (the event's date).
std::string aged_out_close_id(std::string_view child_id, Date ends_on);
// The memberships `child_id` holds or held (the memberships projection), for aged_out_on (model.h).
std::vector<MembershipSpan> membership_spans(db::Database& db, std::string_view child_id);
// The settle step of the station's day (docs/design.md "Transfers, duplicates, deletion"): closes, as aged_out, every
// open file of the acting user's scope whose last category has ended at its age limit as of today, in one write,
// each by a file.close of the acting user with the id aged_out_close_id gives — never twice for one end date, so a
// file reopened after it stays open. Nothing for a user who may not write. Cheap when nothing changed since the
// same user's last settle today. Returns the ids of the files closed. Called where a signed-in user opens the
// station (the CLI's Context::open, the browser's session).
Result<std::vector<std::string>> settle_aged_out(Station& station);
// Reopens a closed file (file.reopen) with a reason: supervisors and the county (access::Action::ReopenFile).
Status reopen_child(Station& station, std::string_view ref, std::string_view reason);

// Adds a category membership from `from` (default today). Refused at or past the category's age limit; the
// membership ends by itself at the birthday of that limit.
Status add_membership(Station& station, std::string_view ref, std::string_view category, std::optional<Date> from,
                      std::string_view reason);
// Ends a membership on `to` (default today) with a reason.
Status end_membership(Station& station, std::string_view ref, std::string_view category, std::optional<Date> to,
                      std::string_view reason);

// Relatives and the entrusted guardian. `fields` are raw text by field name (profile.h: relative_fields()).
Result<std::string> add_relative(Station& station, std::string_view child_ref,
                                 const std::map<std::string, std::string>& fields);
Status edit_relative(Station& station, std::string_view relative_id, const std::map<std::string, std::string>& sets);
// Checks a new relative's raw fields (relation, name and status required; working away needs the place; an ID
// number is validated as of today); writes nothing. Returns the normalised fields, without child_id.
Result<nlohmann::json> prepare_relative(Station& station, const std::map<std::string, std::string>& fields);
// Writes a prepared relative of `child_id` with id `relative_id` (profile, outbox, audit). Call inside
// Station::write().
void insert_relative(WriteContext& w, std::string_view relative_id, std::string_view child_id,
                     const nlohmann::json& relative);

// Checks that the acting user may see or write `child_id` (director: own villages; viewer: no single files).
Status check_child_access(Station& station, std::string_view child_id, bool for_write);

// The categories (machine keys) `child_id` holds on `on`: a membership counts from its from date up to, not
// including, its to date (the age limit's birthday or its explicit end).
std::vector<std::string> active_categories(db::Database& db, std::string_view child_id, Date on);

// The child's current colour from the derived state, if graded.
std::optional<Colour> current_colour(db::Database& db, std::string_view child_id);

}  // namespace tongdang
