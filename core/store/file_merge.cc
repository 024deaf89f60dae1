#include "core/store/file_merge.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "core/store/events.h"
#include "core/store/profile.h"

namespace tongdang::file_merge {

using nlohmann::json;

namespace {

// A chain of merges longer than this is a loop the server would have refused; reading stops there.
constexpr int kMaxChain = 16;

StandingMerge merge_of(const Event& event) {
  StandingMerge m;
  m.merge_id = event.id;
  m.merged = event.child_id.value_or("");
  m.survivor = event.payload.value("survivor", "");
  m.survivor_township = event.payload.value("survivor_township", "");
  m.candidate = event.payload.value("candidate", "");
  if (event.payload.contains("take") && event.payload["take"].is_array())
    for (const auto& field : event.payload["take"])
      if (field.is_string()) m.taken.push_back(field.get<std::string>());
  return m;
}

// The merges of `child` that an unmerge undid.
std::set<std::string> undone_merges(const std::vector<Event>& events) {
  std::set<std::string> undone;
  for (const Event& e : events)
    if (e.kind == kUnmergeKind) undone.insert(e.payload.value("merge_id", ""));
  return undone;
}

}  // namespace

std::optional<StandingMerge> standing_merge(db::Database& db, std::string_view child) {
  const std::vector<Event> events = child_events(db, child, "file.");
  const std::set<std::string> undone = undone_merges(events);
  std::optional<StandingMerge> standing;
  for (const Event& e : events)
    if (e.kind == kMergeKind && !undone.contains(e.id)) standing = merge_of(e);
  return standing;
}

std::optional<MergeRecord> find_merge(db::Database& db, std::string_view merge_id) {
  auto query = db.cached("SELECT child_id FROM events WHERE id = ?1 AND kind = 'file.merge'");
  query->bind(1, merge_id);
  if (!query->step()) return std::nullopt;
  const std::string child = query->get_text(0);
  query->reset();
  for (const Event& e : child_events(db, child, "file.merge"))
    if (e.id == merge_id) {
      auto standing = standing_merge(db, child);
      return MergeRecord{merge_of(e), standing && standing->merge_id == e.id};
    }
  return std::nullopt;
}

std::vector<std::string> merged_into(db::Database& db, std::string_view survivor) {
  std::vector<std::string> out;
  std::vector<std::string> frontier{std::string(survivor)};
  std::set<std::string> seen{std::string(survivor)};
  for (int depth = 0; depth < kMaxChain && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const auto& target : frontier) {
      auto query = db.cached(
          "SELECT child_id FROM events WHERE kind = 'file.merge' AND json_extract(payload, '$.survivor') = ?1"
          " GROUP BY child_id ORDER BY min(hlc), child_id");
      query->bind(1, target);
      std::vector<std::string> candidates;
      while (query->step()) candidates.push_back(query->get_text(0));
      query->reset();
      for (const auto& child : candidates) {
        auto standing = standing_merge(db, child);
        if (!standing || standing->survivor != target || !seen.insert(child).second) continue;
        out.push_back(child);
        next.push_back(child);
      }
    }
    frontier = std::move(next);
  }
  return out;
}

std::string survivor_of(db::Database& db, std::string_view child) {
  std::string current(child);
  for (int depth = 0; depth < kMaxChain; ++depth) {
    auto standing = standing_merge(db, current);
    if (!standing || standing->survivor.empty() || standing->survivor == current) break;
    current = standing->survivor;
  }
  return current;
}

std::vector<Event> history_events(db::Database& db, std::string_view survivor) {
  std::vector<Event> events = child_events(db, survivor);
  for (const auto& merged : merged_into(db, survivor)) {
    std::vector<Event> more = child_events(db, merged);
    events.insert(events.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  }
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.hlc != b.hlc ? a.hlc < b.hlc : a.id < b.id; });
  return events;
}

bool takeable_field(std::string_view field) {
  static const std::set<std::string_view> kNotTaken{"township", "village", "id_number", "hukou_status", "temp_key"};
  const FieldSpec* spec = find_field(child_fields(), field);
  return spec && spec->editable && !kNotTaken.contains(field);
}

std::string closing_reason(const nlohmann::json& payload) {
  if (!payload.is_object()) return {};
  const std::string kind = payload.value("kind", "");
  return kind.empty() ? payload.value("reason", "") : kind;
}

void refresh_file_status(db::Database& db, std::string_view child) {
  const std::vector<Event> events = child_events(db, child, "file.");
  const std::set<std::string> undone = undone_merges(events);
  // A close a reopen names is undone whatever their stamps: two stations write the same automatic close (one id),
  // and the server keeps either copy, so a reopen written after one copy may carry an earlier stamp than the other.
  std::set<std::string> reopened;
  for (const Event& e : events)
    if (e.kind == "file.reopen" && e.payload.is_object() && e.payload.contains("closes") && e.payload["closes"].is_string())
      reopened.insert(e.payload["closes"].get<std::string>());
  bool closed = false;
  std::optional<std::string> reason, on;
  for (const Event& e : events) {
    if (e.kind == "file.close") {
      if (reopened.contains(e.id)) continue;
      closed = true;
      reason = closing_reason(e.payload);
      on = e.occurred_on;
    } else if (e.kind == "file.reopen" || e.kind == kImportKind) {
      closed = false;
    } else if (e.kind == kMergeKind && !undone.contains(e.id)) {
      closed = true;
      reason = std::string(kMergedReason);
      on = e.occurred_on;
    }
  }
  auto update = db.cached(
      "UPDATE children SET status = ?2, closed_reason = ?3, closed_on = ?4 WHERE id = ?1"
      " AND (status IS NOT ?2 OR closed_reason IS NOT ?3 OR closed_on IS NOT ?4)");
  update->bind(1, child).bind(2, closed ? "closed" : "open");
  update->bind(3, closed ? reason : std::nullopt).bind(4, closed ? on : std::nullopt);
  update->run();
}

Event merge_event(const MergeDecision& d) {
  Event event;
  event.child_id = d.merged;
  event.township = d.merged_township;
  event.kind = std::string(kMergeKind);
  event.payload = {{"survivor", d.survivor}, {"survivor_township", d.survivor_township}, {"candidate", d.candidate},
                   {"reason", d.reason}, {"take", d.take}};
  return event;
}

}  // namespace tongdang::file_merge
