// Finding children (the web list `/children`, `tongdang child find`): one page of the children the acting user may
// see that match a search text and filters, with the count of all matches for the pager. Reads one page of rows
// (LIMIT/OFFSET in SQL), never every child: a station of 10,000 children answers in a few milliseconds
// (docs/benchmarks.md "bench_search").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "core/base/tuning.h"
#include "core/model/model.h"
#include "core/store/station.h"

namespace tongdang {

struct ChildSearch {
  // What was typed: part of a name (张, 小明); or digits (a trailing X allowed), at least tuning::kSearchMinDigits of
  // them, matched against the end of the child's ID number and anywhere in the child's or a relative's phone.
  std::string text;
  std::optional<std::string> village;  // 12-digit code
  std::optional<Colour> colour;
  std::optional<Category> category;    // held today
  bool include_closed = false;
  int page = 1;                        // 1-based; a page past the last is empty (total still counts every match)
  int page_size = tuning::kSearchPageSize;
};

// One child as a list shows it: the ID number always masked.
struct ChildListRow {
  std::string id;
  std::string name;
  std::string sex;                     // machine key (male, female)
  std::string birth_date;              // YYYY-MM-DD
  int age = 0;                         // on the station's today
  std::string village;
  std::string id_number;               // masked (mask_id_number); empty without household registration
  std::string status;                  // open, closed
  std::optional<Colour> colour;        // nullopt until graded
  std::vector<std::string> categories; // machine keys held today
  std::optional<std::string> next_visit_due;
};

struct ChildSearchPage {
  std::vector<ChildListRow> rows;      // by village, then name
  std::int64_t total = 0;              // every match, on every page
  int page = 1;
  int pages = 0;                       // ceil(total / page_size); 0 when nothing matched
};

// Where a search looks, apart from what was typed: a station's township, or a whole county on the county server.
struct SearchScope {
  std::string area;                   // a 9-digit township, or a 6-digit county (the server)
  bool director = false;              // only `villages` (a director's)
  std::vector<std::string> villages;
};

// One page of the matches in `scope`, ages and categories as of `today`: the search the station's and the county
// server's callers share (on the server's database: the same core schema). Open files of the area only, unless
// `include_closed` (then every file the database holds, a transferred one's too). Invalid input as below.
Result<ChildSearchPage> search_children(db::Database& db, const SearchScope& scope, const ChildSearch& search,
                                        Date today);

// One page of the matches. A director sees their own villages only (a village filter outside them matches
// nothing); a viewer is refused. Too few digits, a bad village code or a page below 1 is invalid input (field "q",
// "village", "page").
Result<ChildSearchPage> search_children(Station& station, const ChildSearch& search);

// The one child a person means by what they typed where one child is asked for (`child show`, `child history`,
// `visit list`): a file id, a unique prefix of it, an ID number or temporary key (resolve_child); otherwise a name,
// searched within the acting user's scope (search_children, closed files too). `id` is set when exactly one file
// bears that whole name, or when the text matches one file only; otherwise `matches` lists the files it matches
// (tuning::kSearchPageSize at most) and `total` counts them all.
struct ChildPick {
  std::optional<std::string> id;
  std::vector<ChildListRow> matches;
  std::int64_t total = 0;
};
Result<ChildPick> pick_child(Station& station, std::string_view typed);

}  // namespace tongdang
