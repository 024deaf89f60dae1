// The file follows the child (issue 12): correcting a child's ID number, transferring a file to another township of
// the county, and closing it when the child leaves the county (docs/design.md "Transfers, duplicates, deletion").
// Each is one event, so it works offline and syncs like every other fact: `child.set_id` (the number, and the sex
// and date of birth it gives, are the latest correction's) and `file.transfer` (the child's township and village
// are the latest transfer's destination); the child-file projection applies both the same way on a station and on
// the server. A station keeps a file that left its township as a read-only record.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/db/sqlite.h"
#include "core/store/station.h"

namespace tongdang {

// What a correction did, for the person who made it.
struct IdCorrection {
  std::string child_id;
  std::string id_number;                // the new number (full: the one who typed it may see it)
  std::vector<std::string> notices;     // sex or date of birth re-derived and differing from the file, warnings
  std::string sex, birth_date;          // what the new number gives (sex's key, YYYY-MM-DD)
  std::optional<std::string> previous_id_number;  // the number it replaces (none for a child without one)
};

// Whether the acting user may transfer files (and close them as moved out of the county) or correct ID numbers:
// the refusal the use cases below give, for a page to say before it offers the form.
Status may_transfer(Station& station);
Status may_correct_id_number(Station& station);

// Every check of `set_id_number`, and what the correction would do (the re-derived sex and date of birth and how they
// differ from the file), with nothing written: the confirm step of the web form.
Result<IdCorrection> check_id_number_correction(Station& station, std::string_view ref, std::string_view id_text,
                                                std::string_view reason);

// `child set-id`: validates `id_text` as a new registration would (check character, date of birth, under 18), refuses
// a number another file of this station holds, and records the correction with its reason; the old number (or the
// temporary key of a child without household registration) still finds the file. Supervisor or county.
Result<IdCorrection> set_id_number(Station& station, std::string_view ref, std::string_view id_text,
                                   std::string_view reason);

// `transfer CHILD --to-village V`: moves an open file of this township to a village of another township of the same
// county (a move within the township is `child edit --set village=…`). Supervisor or county; offline; the server
// sends the whole file to the receiving township at the next sync.
Status transfer_child(Station& station, std::string_view ref, std::string_view to_village, std::string_view reason);

// `transfer CHILD --out-of-county --destination TEXT`: the child leaves the county; the file closes as moved out of
// the county, with the destination. Supervisor or county.
Status move_out_of_county(Station& station, std::string_view ref, std::string_view destination,
                          std::string_view reason);

// The closing kind a move out of the county records in its file.close event (payload "kind").
inline constexpr std::string_view kMovedOutOfCounty = "moved_out_of_county";

// The latest transfer of a child, as the file shows it.
struct TransferRecord {
  std::string event_id;
  std::string from_township, from_village, to_township, to_village;
  std::string on;  // the transfer's date
  std::string reason;
  std::string by;
};
std::optional<TransferRecord> latest_transfer(db::Database& db, std::string_view child_id);

// The file of a child found by a number it no longer holds (an ID number corrected since), if any.
std::optional<std::string> child_by_previous_id_number(db::Database& db, std::string_view id_number);

// The numbers a file held before its corrections, oldest first.
std::vector<std::string> previous_id_numbers(db::Database& db, std::string_view child_id);

}  // namespace tongdang
