#include "core/workflow/search.h"

#include <algorithm>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/model/labels.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;

namespace {

// Digits, with at most a trailing X (the check character of an ID number): a number, not a name.
bool is_number_text(std::string_view text) {
  if (text.empty()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool last = i + 1 == text.size();
    if (!(c >= '0' && c <= '9') && !(last && (c == 'X' || c == 'x'))) return false;
  }
  return true;
}

std::string trimmed(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

// `text` as a LIKE pattern's literal part: its own % and _ (and the escape) taken as themselves.
std::string like_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The WHERE clause of a search and the values of its numbered parameters.
struct Where {
  std::string sql = " WHERE 1 = 1";
  std::vector<std::string> values;
  std::string param(std::string value) {
    values.push_back(std::move(value));
    return "?" + std::to_string(values.size());
  }
  void bind(db::Statement& query) const {
    for (std::size_t i = 0; i < values.size(); ++i) query.bind(static_cast<int>(i + 1), values[i]);
  }
};

Result<Where> where_of(const SearchScope& scope, const ChildSearch& search, Date today) {
  Where where;
  // Files transferred to another township stay here as read-only records, found only with the closed ones.
  if (!search.include_closed) {
    // A county as a range of township codes, so the township index serves both.
    std::string low = scope.area, high = scope.area;
    low.resize(9, '0');
    high.resize(9, '9');
    where.sql += " AND c.status = 'open' AND c.township BETWEEN " + where.param(low) + " AND " + where.param(high);
  }
  if (scope.director) {
    // A director's scope in SQL, so the count and the page hold only their villages.
    where.sql += " AND c.village IN (''";
    for (const auto& village : scope.villages) where.sql += ", " + where.param(village);
    where.sql += ")";
  }
  if (search.village) {
    if (auto checked = check_village_code(*search.village, "village"); !checked) return checked.status();
    where.sql += " AND c.village = " + where.param(*search.village);
  }
  if (search.colour) where.sql += " AND s.colour = " + where.param(std::string(to_string(*search.colour)));
  if (search.category) {
    const std::string category = where.param(std::string(to_string(*search.category)));
    const std::string on = where.param(today.to_string());
    where.sql += " AND EXISTS (SELECT 1 FROM memberships m WHERE m.child_id = c.id AND m.category = " + category +
                 " AND m.from_date <= " + on + " AND " + on + " < m.to_date)";
  }
  const std::string text = trimmed(search.text);
  if (is_number_text(text)) {
    const auto digits = static_cast<int>(std::count_if(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }));
    if (digits < tuning::kSearchMinDigits)
      return Status::invalid("q", trf("按身份证号或电话查找，请至少输入 {} 位数字", "to find by ID number or phone, type at "
                                      "least {} digits", tuning::kSearchMinDigits));
    // Digits and X hold no LIKE wildcard. LIKE ignores ASCII case, so a typed x finds the stored X.
    const std::string number = where.param(text);
    const std::string phone_of = "phone LIKE '%' || " + number + " || '%'";
    // Whether the file `id` holds the phone, its own or a relative's. Asked of each file in the scope (and of each
    // merged-away file), never as a list of every file in the database with the phone: on a county server holding
    // a province that list was two full scans per search (docs/benchmarks.md "County console (issue 16)").
    const auto holds_phone = [&phone_of](const std::string& id) {
      return "(EXISTS (SELECT 1 FROM children o WHERE o.id = " + id + " AND o." + phone_of +
             ") OR EXISTS (SELECT 1 FROM relatives r WHERE r.child_id = " + id + " AND r." + phone_of + "))";
    };
    // A phone held by a file merged into this one (its own, or a relative's, which stay on it) finds the survivor:
    // the merge events that stand (no unmerge names them) give the survivor (core/store/file_merge.h).
    where.sql += " AND (c.id_number LIKE '%' || " + number + " OR c." + phone_of + " OR EXISTS (SELECT 1 FROM"
                 " relatives r WHERE r.child_id = c.id AND r." + phone_of + ") OR c.id IN (SELECT"
                 " json_extract(m.payload, '$.survivor') FROM events m WHERE m.kind = 'file.merge' AND " +
                 holds_phone("m.child_id") + " AND NOT EXISTS (SELECT 1 FROM events u WHERE u.child_id = m.child_id"
                 " AND u.kind = 'file.unmerge' AND json_extract(u.payload, '$.merge_id') = m.id)))";
  } else if (!text.empty()) {
    where.sql += " AND c.name LIKE '%' || " + where.param(like_literal(text)) + " || '%' ESCAPE '\\'";
  }
  return where;
}

}  // namespace

Result<ChildSearchPage> search_children(Station& station, const ChildSearch& search) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::ReadFiles))
    return Status::refused(trf("{} 是查看者，只能看汇总报表", "{} is a viewer: aggregate reports only", actor.name));
  const SearchScope scope{station.township(), access::bounded_by_villages(actor.role), actor.villages};
  return search_children(station.db(), scope, search, station.clock().today());
}

Result<ChildSearchPage> search_children(db::Database& db, const SearchScope& scope, const ChildSearch& search,
                                        Date today) {
  if (search.page < 1) return Status::invalid("page", tr("页码应为正整数", "the page must be a positive number"));
  if (search.page_size < 1) return Status::invalid("page_size", tr("每页行数应为正整数", "rows per page must be positive"));
  auto where = where_of(scope, search, today);
  if (!where) return where.status();
  const std::string from = " FROM children c LEFT JOIN child_state s ON s.child_id = c.id" + where.value().sql;

  ChildSearchPage result;
  result.page = search.page;
  auto count = db.prepare("SELECT count(*)" + from);
  where.value().bind(count);
  if (count.step()) result.total = count.get_int(0);
  result.pages = static_cast<int>((result.total + search.page_size - 1) / search.page_size);

  auto query = db.prepare(
      "SELECT c.id, c.name, c.sex, c.birth_date, c.village, c.id_number, c.status, s.colour, s.next_visit_due" + from +
      " ORDER BY c.village, c.name, c.id LIMIT " + std::to_string(search.page_size) + " OFFSET " +
      std::to_string(static_cast<std::int64_t>(search.page - 1) * search.page_size));
  where.value().bind(query);
  while (query.step()) {
    ChildListRow row;
    row.id = query.get_text(0);
    row.name = query.get_text(1);
    row.sex = query.get_text(2);
    row.birth_date = query.get_text(3);
    if (auto birth = Date::parse(row.birth_date)) row.age = birth->age_on(today);
    row.village = query.get_text(4);
    if (auto number = query.get_optional_text(5)) row.id_number = mask_id_number(*number);
    row.status = query.get_text(6);
    if (auto colour = query.get_optional_text(7)) row.colour = parse_colour(*colour);
    row.next_visit_due = query.get_optional_text(8);
    row.categories = active_categories(db, row.id, today);
    result.rows.push_back(std::move(row));
  }
  return result;
}

Result<ChildPick> pick_child(Station& station, std::string_view typed) {
  ChildPick pick;
  auto direct = resolve_child(station, typed);
  if (direct) {
    pick.id = std::move(direct).value();
    pick.total = 1;
    return pick;
  }
  // An id, a number or a key that names no file stays "not found"; only words are names.
  const std::string text = trimmed(typed);
  if (direct.status().code() != Code::NotFound || text.empty() || is_number_text(text) || looks_like_uuid(text))
    return direct.status();
  ChildSearch search;
  search.text = text;
  search.include_closed = true;
  auto found = search_children(station, search);
  if (!found) return found.status();
  pick.total = found.value().total;
  pick.matches = std::move(found.value().rows);
  std::vector<const ChildListRow*> whole;
  for (const auto& row : pick.matches)
    if (row.name == text) whole.push_back(&row);
  if (whole.size() == 1 && pick.total == static_cast<std::int64_t>(pick.matches.size())) pick.id = whole.front()->id;
  else if (pick.total == 1) pick.id = pick.matches.front().id;
  if (pick.total == 0) return Status::not_found(trf("找不到儿童 {}", "no child {}", text));
  return pick;
}

}  // namespace tongdang
