#include "core/store/projection.h"

#include <algorithm>
#include <mutex>

namespace tongdang {

namespace {

// The batch open on each connection. A connection belongs to one thread at a time, but the server keeps
// connections on several threads, so the map itself is guarded.
std::mutex g_open_mutex;
std::unordered_map<const db::Database*, ProjectionBatch*> g_open;

}  // namespace

TouchedChild& Touched::child(std::string_view id) {
  auto [it, fresh] = child_index_.try_emplace(std::string(id), children_.size());
  if (fresh) children_.push_back({it->first, {}, false, false});
  return children_[it->second];
}

TouchedLead& Touched::lead(std::string_view id) {
  auto [it, fresh] = lead_index_.try_emplace(std::string(id), leads_.size());
  if (fresh) leads_.push_back({it->first, false});
  return leads_[it->second];
}

void Projection::apply(db::Database& db, const Event& event) {
  (void)db;
  (void)event;
}

Projections& Projections::installed() {
  static Projections projections;
  return projections;
}

void Projections::add(std::unique_ptr<Projection> projection) { projections_.push_back(std::move(projection)); }

ProjectionBatch::ProjectionBatch(db::Database& db, const Projections& projections)
    : db_(db), projections_(projections), owner_(this) {
  std::lock_guard lock(g_open_mutex);
  auto [it, fresh] = g_open.try_emplace(&db_, this);
  if (!fresh) owner_ = it->second;
}

ProjectionBatch::~ProjectionBatch() {
  if (owner_ != this) return;
  std::lock_guard lock(g_open_mutex);
  g_open.erase(&db_);
}

ProjectionBatch* ProjectionBatch::open_on(db::Database& db) {
  std::lock_guard lock(g_open_mutex);
  auto it = g_open.find(&db);
  return it == g_open.end() ? nullptr : it->second;
}

void ProjectionBatch::event_stored(const Event& event) {
  if (owner_ != this) return owner_->event_stored(event);
  for (const auto& projection : projections_.all()) projection->apply(db_, event);
  if (event.child_id) {
    auto& kinds = touched_.child(*event.child_id).event_kinds;
    if (std::find(kinds.begin(), kinds.end(), event.kind) == kinds.end()) kinds.push_back(event.kind);
  }
  if (event.lead_id) touched_.lead(*event.lead_id).events = true;
}

void ProjectionBatch::profile_written(std::string_view child_id, bool created, bool case_worker) {
  if (owner_ != this) return owner_->profile_written(child_id, created, case_worker);
  TouchedChild& child = touched_.child(child_id);
  child.profile_created |= created;
  child.case_worker |= case_worker;
}

void ProjectionBatch::rows_loaded(std::string_view child_id) {
  if (owner_ != this) return owner_->rows_loaded(child_id);
  touched_.child(child_id);
}

void ProjectionBatch::lead_rows_loaded(std::string_view lead_id) {
  if (owner_ != this) return owner_->lead_rows_loaded(lead_id);
  touched_.lead(lead_id);
}

Refreshed ProjectionBatch::flush() {
  Refreshed refreshed;
  if (owner_ != this || touched_.empty()) return refreshed;
  const Touched touched = std::move(touched_);
  touched_ = Touched();
  for (const auto& projection : projections_.all()) {
    std::any result = projection->refresh(db_, touched);
    if (result.has_value()) refreshed.emplace(std::string(projection->name()), std::move(result));
  }
  return refreshed;
}

Refreshed refresh_now(db::Database& db) {
  ProjectionBatch* batch = ProjectionBatch::open_on(db);
  return batch ? batch->flush() : Refreshed();
}

void with_batch(db::Database& db, const std::function<void(ProjectionBatch&)>& write) {
  ProjectionBatch batch(db);
  write(batch);
  batch.flush();
}

}  // namespace tongdang
