#include "core/store/record_ref.h"

#include <fmt/format.h>

#include "core/base/i18n.h"

namespace tongdang {

using i18n::trf;

std::string short_record_id(std::string_view id) {
  return std::string(id.size() > 8 ? id.substr(id.size() - 8) : id);
}

Result<std::string> resolve_record_ref(db::Database& db, std::string_view table, std::string_view ref,
                                       std::string_view field, const char* what_zh, const char* what_en) {
  const std::string name(field);
  const std::string what = i18n::tr(what_zh, what_en);
  if (ref.size() < 4)
    return Status::invalid(name, trf("{}编号至少输入4位", "type at least 4 characters of the {} id", what));
  // Table names come from our code, never from input. A whole id is one primary-key seek (what programs pass);
  // what a person types — a prefix (a range scan on the primary key) or the short id of a list (a suffix, which
  // needs a scan: fine at a township's size, thousands of rows) — is looked up only when that finds nothing.
  auto exact = db.cached(fmt::format("SELECT id FROM {} WHERE id = ?1", table));
  exact->bind(1, ref);
  if (exact->step()) return exact->get_text(0);
  exact->reset();
  auto query = db.cached(fmt::format(
      "SELECT id FROM {} WHERE id = ?1 UNION SELECT id FROM {} WHERE (id >= ?1 AND id < ?1 || 'g') OR "
      "substr(id, -length(?1)) = ?1 LIMIT 3",
      table, table));
  query->bind(1, ref);
  if (!query->step()) return Status::not_found(trf("找不到{} {}", "no {} {}", what, ref));
  std::string id = query->get_text(0);
  if (id == ref) return id;
  if (query->step())
    return Status::invalid(name, trf("编号 {} 对应多个{}，请输入更多位", "{} matches several records ({}); type more of "
                                     "the id", ref, what));
  return id;
}

}  // namespace tongdang
