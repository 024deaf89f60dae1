#include "sync/protocol/snapshot.h"

#include <cstring>

#include "core/base/i18n.h"
#include "core/base/untrusted_json.h"
#include "core/model/policy.h"
#include "sync/protocol/snapshot_format.h"
#include "sync/protocol/tokens.h"

namespace tongdang::sync::snapshot {

using nlohmann::json;

namespace {

constexpr std::string_view kMagic = "TDSNAP1\n";

}  // namespace

std::string_view scope_name(Scope scope) { return scope == Scope::Child ? "child" : "township"; }

const TableSpec* find_spec(std::string_view name, std::string_view scope) {
  for (const auto& spec : kTables)
    if (spec.name == name && scope_name(spec.scope) == scope) return &spec;
  return nullptr;
}

std::vector<Column> columns_of(db::Database& db, std::string_view table) {
  auto query = db.cached("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid");
  query->bind(1, table);
  std::vector<Column> out;
  while (query->step()) out.push_back({query->get_text(0), query->get_int(1) > 0});
  return out;
}

std::string join_columns(const std::vector<std::string>& columns, std::string_view prefix) {
  std::string out;
  for (const auto& c : columns) out.append(out.empty() ? "" : ", ").append(prefix).append(c);
  return out;
}

std::string encode_page(json header, const PageRows& rows) {
  header["tables"] = rows.tables;
  header["children"] = rows.children;
  std::string head = header.dump();
  std::string out;
  out.reserve(kMagic.size() + head.size() + 10 + rows.payload.size());
  out.append(kMagic);
  put_varint(out, head.size());
  out.append(head);
  out.append(rows.payload);
  return out;
}

Result<Page> decode_page(std::string_view body) {
  auto malformed = [] { return Status::invalid("snapshot", i18n::tr("快照页格式不对", "the snapshot page is malformed")); };
  if (body.substr(0, kMagic.size()) != kMagic) return malformed();
  std::size_t at = kMagic.size();
  std::uint64_t size = 0;
  for (int shift = 0;; shift += 7) {
    if (at >= body.size() || shift > 28) return malformed();
    auto byte = static_cast<unsigned char>(body[at++]);
    size |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) break;
  }
  if (size > body.size() - at) return malformed();
  auto header = parse_untrusted_json(body.substr(at, size), "snapshot");
  if (!header || !header->is_object() || !header->contains("tables") || !(*header)["tables"].is_array())
    return malformed();
  return Page{std::move(header).value(), body.substr(at + size)};
}

std::string policy_fingerprint(db::Database& db) {
  const Policy& policy = stored_policy(db);
  return tokens::hash(policy.version + "\n" + policy.document.dump());
}

}  // namespace tongdang::sync::snapshot
