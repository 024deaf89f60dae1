#include "sync/station/snapshot_load.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/base/untrusted_json.h"
#include "core/store/events.h"
#include "core/store/file_merge.h"
#include "core/store/projection.h"
#include "sync/protocol/snapshot_format.h"

namespace tongdang::sync::snapshot {

using i18n::trf;
using nlohmann::json;

namespace {

// Loads one table's rows (already positioned in `stream`).
class TableLoader {
 public:
  TableLoader(db::Database& db, const TableSpec& spec, const json& shape, std::string_view township,
              std::string_view after, std::string_view upto, std::string_view now_iso, bool derived,
              std::set<std::string>& relatives)
      : db_(db), spec_(spec), township_(township), after_(after), upto_(upto), now_iso_(now_iso),
        derived_(derived), relatives_(relatives) {
    for (const auto& c : shape.at("columns")) columns_.push_back(c.get<std::string>());
    rows_ = shape.at("rows").get<std::int64_t>();
  }

  Result<std::int64_t> load(RowStream& stream) {
    std::vector<Column> known = columns_of(db_, spec_.name);
    std::vector<std::string> set_clauses;
    bool keyed = false;
    for (const auto& column : known) keyed = keyed || column.key;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::string& name = columns_[i];
      auto it = std::find_if(known.begin(), known.end(), [&](const Column& c) { return c.name == name; });
      // Only names of the station's own schema ever reach SQL.
      if (it == known.end())
        return Status::invalid("snapshot", trf("快照含未知列 {}.{}", "the snapshot has an unknown column {}.{}",
                                               spec_.name, name));
      if (!it->key) set_clauses.push_back(name + " = excluded." + name);
      if (name == "township") township_column_ = static_cast<int>(i);
      if (name == "child_id" || (spec_.name == "children" && name == "id")) child_column_ = static_cast<int>(i);
      if (spec_.name == "children" && (name == "created_at" || name == "updated_at")) stamped_.push_back(i);
      if (spec_.name == "relatives" && (name == "created_at" || name == "updated_at")) stamped_.push_back(i);
      if (name == "id") id_column_ = static_cast<int>(i);
      if (name == "entity") entity_column_ = static_cast<int>(i);
      if (name == "entity_id") entity_id_column_ = static_cast<int>(i);
      if (name == "lead_id") lead_column_ = static_cast<int>(i);
      if (name == "kind") kind_column_ = static_cast<int>(i);
      if (name == "payload") payload_column_ = static_cast<int>(i);
      if (spec_.name == "children" && name == "closed_reason") closed_reason_column_ = static_cast<int>(i);
    }
    const bool as_events = spec_.name == "events" && !derived_;  // through apply_event and the projections
    if (spec_.scope == Scope::Child && spec_.name != "field_versions" && child_column_ < 0)
      return Status::invalid("snapshot", trf("快照表 {} 缺少儿童编号", "snapshot table {} has no child id", spec_.name));
    if (!keyed) {
      // Rows with no key of their own are replaced as a whole for the page's children (a page loaded again after an
      // interruption must not add them twice).
      auto clear = spec_.scope == Scope::Child
                       ? db_.cached(fmt::format("DELETE FROM {} WHERE child_id > ?1 AND child_id <= ?2", spec_.name))
                       : db_.cached(fmt::format("DELETE FROM {} WHERE township = ?1", spec_.name));
      if (spec_.scope == Scope::Child) clear->bind(1, after_).bind(2, upto_);
      else clear->bind(1, township_);
      clear->run();
    }
    std::string placeholders;
    for (std::size_t i = 0; i < columns_.size(); ++i) placeholders.append(i ? ", ?" : "?").append(std::to_string(i + 1));
    std::string sql = fmt::format("INSERT INTO {}({}) VALUES({})", spec_.name, join_columns(columns_, ""), placeholders);
    if (spec_.name == "events" || (keyed && set_clauses.empty())) sql += " ON CONFLICT DO NOTHING";
    else if (keyed) {
      sql += " ON CONFLICT DO UPDATE SET ";
      for (std::size_t i = 0; i < set_clauses.size(); ++i) sql.append(i ? ", " : "").append(set_clauses[i]);
    }
    auto insert = db_.cached(sql);
    std::vector<Value> row(columns_.size(), Value{kSame, 0, 0, {}});
    for (std::int64_t r = 0; r < rows_; ++r) {
      for (auto& value : row)
        if (!stream.read(value)) return Status::invalid("snapshot", i18n::tr("快照页数据不完整", "the snapshot page is truncated"));
      if (auto scoped = check_scope(row); !scoped) return scoped;
      if (as_events) {
        apply_as_event(row);
        continue;
      }
      for (std::size_t i = 0; i < row.size(); ++i) {
        const int index = static_cast<int>(i) + 1;
        if (std::find(stamped_.begin(), stamped_.end(), i) != stamped_.end()) {
          insert->bind_static(index, now_iso_);
          continue;
        }
        const Value& v = row[i];
        switch (v.tag) {
          case kInteger: insert->bind(index, v.integer); break;
          case kReal: insert->bind(index, v.real); break;
          case kText: insert->bind_static(index, v.text); break;
          default: insert->bind_null(index); break;
        }
      }
      insert->run();
      if (spec_.name == "relatives" && id_column_ >= 0) relatives_.insert(std::string(row[id_column_].text));
      // What is derived from each loaded child and lead (with derived rows copied: the report rows alone), when
      // the caller's batch flushes (projection.h); without derived rows apply_event tells the projections of events.
      ProjectionBatch& batch = *ProjectionBatch::open_on(db_);
      if (spec_.name == "children") batch.rows_loaded(row[child_column_].text);
      if (spec_.name == "events" && lead_column_ >= 0 && row[lead_column_].tag == kText)
        batch.lead_rows_loaded(row[lead_column_].text);
    }
    return rows_;
  }

 private:
  Status out_of_scope(std::string_view what) {
    return Status::refused(trf("快照含本乡镇以外的数据（{}：{}）", "the snapshot holds rows outside this township ({}: {})",
                               spec_.name, what));
  }

  Status check_scope(const std::vector<Value>& row) {
    // A child's own rows must be this township's; the rest of its file (events, visits, care) may name the township
    // it was recorded in before a transfer brought the file here, and is bounded by the page's child range below.
    const bool history = spec_.scope == Scope::Child && spec_.name != "children";
    if (township_column_ >= 0 && !history && row[township_column_].text != township_ && !is_merge_into_here(row) &&
        !is_merged_away_file(row))
      return out_of_scope(row[township_column_].text);
    if (spec_.scope == Scope::Child) {
      if (spec_.name == "field_versions") {
        std::string_view entity = entity_column_ >= 0 ? row[entity_column_].text : std::string_view();
        std::string_view id = entity_id_column_ >= 0 ? row[entity_id_column_].text : std::string_view();
        if (entity == "child" && id > after_ && id <= upto_) return Status::ok();
        if (entity == "relative" && relatives_.count(std::string(id))) return Status::ok();
        return out_of_scope(id);
      }
      std::string_view child = row[child_column_].text;
      if (!(child > after_ && child <= upto_)) return out_of_scope(child);
    } else if (spec_.name == "events" && child_column_ >= 0 && row[child_column_].tag != kNull) {
      // A township-level event of a file is a merge of another township's file into one of this township's.
      if (!is_merge_into_here(row)) return out_of_scope(row[child_column_].text);
    }
    return Status::ok();
  }

  // A file.merge or file.unmerge event of another township's file whose survivor is this township's (the server
  // sends them with the township-level rows; sync/server/sqlite/snapshot_rows.h).
  bool is_merge_into_here(const std::vector<Value>& row) const {
    if (spec_.name != "events" || spec_.scope != Scope::Township || kind_column_ < 0 || payload_column_ < 0 ||
        child_column_ < 0 || row[child_column_].tag != kText || row[payload_column_].tag != kText)
      return false;
    const std::string_view kind = row[kind_column_].text;
    if (kind != "file.merge" && kind != "file.unmerge") return false;
    auto payload = parse_untrusted_json(row[payload_column_].text, "payload");
    return payload && payload.value().is_object() && payload.value().value("survivor_township", "") == township_;
  }

  // A file of another township closed as merged: the server sends it among the page's children (merged_files=1)
  // when it was merged into one of this township's, whose history reads through it. It stays off the lists here
  // (its rows keep their township), as after a replay of the log.
  bool is_merged_away_file(const std::vector<Value>& row) const {
    return spec_.name == "children" && closed_reason_column_ >= 0 && row[closed_reason_column_].tag == kText &&
           row[closed_reason_column_].text == file_merge::kMergedReason;
  }

  void apply_as_event(const std::vector<Value>& row) {
    Event event;
    auto text = [&](std::string_view name) -> std::optional<std::string> {
      for (std::size_t i = 0; i < columns_.size(); ++i)
        if (columns_[i] == name && row[i].tag == kText) return std::string(row[i].text);
      return std::nullopt;
    };
    event.id = text("id").value_or("");
    event.child_id = text("child_id");
    event.lead_id = text("lead_id");
    event.township = text("township").value_or("");
    event.kind = text("kind").value_or("");
    auto payload = parse_untrusted_json(text("payload").value_or("{}"), "payload");
    event.payload = payload ? std::move(payload).value() : json::object();
    event.occurred_on = text("occurred_on").value_or("");
    event.hlc = text("hlc").value_or("");
    event.actor = text("actor").value_or("");
    event.actor_role = text("actor_role").value_or("");
    event.station_id = text("station_id").value_or("");
    event.recorded_at = text("recorded_at").value_or("");
    apply_event(db_, event);
  }

  db::Database& db_;
  const TableSpec& spec_;
  std::string_view township_, after_, upto_, now_iso_;
  bool derived_;
  std::set<std::string>& relatives_;
  std::vector<std::string> columns_;
  std::int64_t rows_ = 0;
  int township_column_ = -1, child_column_ = -1, id_column_ = -1, entity_column_ = -1, entity_id_column_ = -1,
      lead_column_ = -1, kind_column_ = -1, payload_column_ = -1, closed_reason_column_ = -1;
  std::vector<std::size_t> stamped_;
};

}  // namespace

Result<LoadStats> load_page(db::Database& db, const Page& page, std::string_view township, std::string_view now_iso) {
  const json& header = page.header;
  if (header.value("township", "") != township)
    return Status::refused(trf("快照属于乡镇 {}，不是本站的 {}", "the snapshot is of township {}, not this station's {}",
                               header.value("township", ""), township));
  const std::string after = header.value("after", "");
  const std::string upto = header.value("upto", "");
  const bool derived = header.value("derived", false);
  LoadStats stats;
  stats.children = header.value("children", 0);
  RowStream stream(page.payload);
  std::set<std::string> relatives;
  for (const json& shape : header["tables"]) {
    const TableSpec* spec = find_spec(shape.value("name", ""), shape.value("scope", ""));
    if (!spec || (spec->derived && !derived))
      return Status::invalid("snapshot", trf("快照含未知的表 {}", "the snapshot has an unknown table {}",
                                             shape.value("name", "")));
    TableLoader loader(db, *spec, shape, township, after, upto, now_iso, derived, relatives);
    auto loaded = loader.load(stream);
    if (!loaded) return loaded.status();
    stats.rows += loaded.value();
  }
  if (!stream.at_end()) return Status::invalid("snapshot", i18n::tr("快照页格式不对", "the snapshot page is malformed"));
  return stats;
}

}  // namespace tongdang::sync::snapshot
