// Derived rows, registered with the store (docs/design.md "Rules and projections"). The store records facts — events
// (events.h) and profile fields (profile.h) — and knows nothing of what is derived from them: each kind of derived
// rows is a Projection, registered once in refresh order, and the store only tells the registered projections what
// a write touched. The event log never names a projection.
//
// One batching mechanism, for every write alike (a command, a ledger import, a pulled page, a pushed page on the
// server): a ProjectionBatch is open on the connection for the whole transaction. Storing an event runs each
// projection's apply() at once (rows that copy one event) and notes the event's child and lead; a profile write notes
// its child. flush() — before the write commits — refreshes every noted child and lead once per projection, in
// registration order (the workflow state, then the report rows that read it). The rows left are the same as if
// each write had refreshed at once: every derived row is a function of the records, not of their arrival order.
//
// Station::write opens and flushes a batch itself; a store without a Station (the server's) holds one beside its
// transaction. An event or profile written with no batch open is refreshed at once, in a batch of its own.
//
// A projection computes its rows with the pure rules (core/rules) as values and only writes them; a store other
// than SQLite (a PostgreSQL central store) implements the writing and nothing else.
//
// Thread safety: a batch belongs to its connection's thread; batches on different connections are independent.
#pragma once

#include <any>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/db/sqlite.h"
#include "core/store/events.h"

namespace tongdang {

// A child whose records a write changed.
struct TouchedChild {
  std::string id;
  std::vector<std::string> event_kinds;  // the kinds of its events stored, each once (empty: only its rows changed)
  bool profile_created = false;          // its profile row was inserted
  bool case_worker = false;              // its profile's case_worker field was written
};

// A lead whose records a write changed.
struct TouchedLead {
  std::string id;
  bool events = false;  // an event of the lead was stored (false: only rows loaded beside it)
};

// The children and leads a write touched, each once, in the order first touched.
class Touched {
 public:
  TouchedChild& child(std::string_view id);
  TouchedLead& lead(std::string_view id);
  const std::vector<TouchedChild>& children() const { return children_; }
  const std::vector<TouchedLead>& leads() const { return leads_; }
  bool empty() const { return children_.empty() && leads_.empty(); }

 private:
  std::vector<TouchedChild> children_;
  std::unordered_map<std::string, std::size_t> child_index_;
  std::vector<TouchedLead> leads_;
  std::unordered_map<std::string, std::size_t> lead_index_;
};

// One kind of derived rows.
class Projection {
 public:
  virtual ~Projection() = default;
  // A short name ("child_file", "workflow", "report"), for results and messages.
  virtual std::string_view name() const = 0;
  // Rows that copy one event (memberships, visits, a closed file), written as the event is stored: later steps of
  // the same write read them. Default: none.
  virtual void apply(db::Database& db, const Event& event);
  // Rewrites the rows folded from the records of every touched child and lead. Returns what it derived, for a use
  // case that wants the result (e.g. a child's new colour), or nothing.
  virtual std::any refresh(db::Database& db, const Touched& touched) = 0;
};

// The registered projections, in refresh order.
class Projections {
 public:
  // The process's projections: core/projection registers its own when the program starts (projection/install.cc).
  static Projections& installed();
  // Appends `projection`: it is refreshed after every one added before it.
  void add(std::unique_ptr<Projection> projection);
  const std::vector<std::unique_ptr<Projection>>& all() const { return projections_; }

 private:
  std::vector<std::unique_ptr<Projection>> projections_;
};

// What one flush derived, by projection name (only projections that returned something).
using Refreshed = std::map<std::string, std::any, std::less<>>;

// The one batch of derived-row refreshes of a transaction (see the top of this file). Open it after BEGIN and
// flush() it before COMMIT; a batch destroyed without flush() (the write failed and rolls back) refreshes nothing.
// A second batch opened on a connection that already has one is inert: the first one does the work.
class ProjectionBatch {
 public:
  explicit ProjectionBatch(db::Database& db, const Projections& projections = Projections::installed());
  ProjectionBatch(const ProjectionBatch&) = delete;
  ProjectionBatch& operator=(const ProjectionBatch&) = delete;
  ~ProjectionBatch();

  // The batch open on `db`, or null.
  static ProjectionBatch* open_on(db::Database& db);

  // A new event was stored: applies it (Projection::apply) and notes its child and lead.
  void event_stored(const Event& event);
  // A child's profile row was written (`created`: inserted; `case_worker`: that field among those written).
  void profile_written(std::string_view child_id, bool created, bool case_worker);
  // Rows of a child or lead were loaded directly (a snapshot page): what is derived from them is refreshed.
  void rows_loaded(std::string_view child_id);
  void lead_rows_loaded(std::string_view lead_id);

  // Refreshes everything noted so far, once per projection, and forgets it. Inside the write's transaction.
  Refreshed flush();

 private:
  db::Database& db_;
  const Projections& projections_;
  ProjectionBatch* owner_;  // the batch doing the work: this one, or the one opened before it
  Touched touched_;
};

// Flushes the batch open on `db` now (a use case that reads derived rows before its write commits), returning what
// was derived; nothing when no batch is open.
Refreshed refresh_now(db::Database& db);

// Runs `write` with a batch open on `db` and flushes it: every writer outside Station::write and the server's
// transaction (a test applying events by hand) gets its derived rows at once.
void with_batch(db::Database& db, const std::function<void(ProjectionBatch&)>& write);

}  // namespace tongdang
