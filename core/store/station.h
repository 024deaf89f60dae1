// The station: one SQLite file holding a township's child files, its users, its audit trail and its outbox.
// Every write goes through Station::write(), which runs it in one transaction that also appends the audit and
// outbox rows, so a write is all or nothing.
//
// Thread safety: a Station belongs to one thread at a time. Several processes may open the same file: a writer
// waits for another (busy timeout) rather than failing.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/base/hlc.h"
#include "core/base/status.h"
#include "core/db/audit_chain.h"
#include "core/db/sqlite.h"
#include "core/model/model.h"

namespace tongdang {

// A person using the station.
struct User {
  std::string name;
  Role role = Role::Director;
  std::vector<std::string> villages;  // a director's villages (12-digit codes); empty for other roles

  // Whether this user may read and write the children of `village` on this station (access::covers_village).
  bool covers_village(std::string_view village) const;
};

// One captured change, as appended to the outbox (docs/design.md "Change capture") and later pushed to the server.
// A view of the change, valid for the capture() call it is made for: nothing is copied (an import captures
// thousands of whole profiles).
struct CapturedChange {
  std::string_view entity;       // "child", "relative", "event"
  std::string_view entity_id;
  std::string_view child_id;
  std::string_view op;           // "create", "update", "event"
  const nlohmann::json& fields;  // changed fields, or the whole event
  nlohmann::json base = nlohmann::json::object();  // field -> server version last seen
};

class Station;

// Thrown inside a Station::write() body by a step deep in a chain that returns no Status (record_event refusing
// an event's text, text_limits.h); write() catches it, rolls the transaction back and returns the Status. It
// never leaves write().
struct WriteRefused {
  Status status;
};

// What a write may do; only valid inside Station::write().
class WriteContext {
 public:
  explicit WriteContext(Station& station) : station_(station) {}
  Station& station() { return station_; }
  db::Database& db();
  // The next HLC stamp (persisted in this transaction, so never reused after a crash).
  Hlc stamp();
  // The time of this write, ISO-8601: one value for the whole transaction (every audit and outbox row of one
  // write carries the same time, and a bulk import does not format the clock thousands of times).
  const std::string& now_iso();
  // Appends an audit row: who (the acting user), when, what, before/after, chained to the row before it
  // (core/audit_chain.h).
  void audit(std::string_view action, std::string_view entity, std::string_view entity_id,
             const nlohmann::json& before, const nlohmann::json& after);
  // The same with before/after already serialised (nullopt for none): a caller that has just captured the same
  // fields passes capture()'s text instead of serialising them twice.
  void audit_text(std::string_view action, std::string_view entity, std::string_view entity_id,
                  std::optional<std::string_view> before, std::optional<std::string_view> after);
  // Appends an outbox row stamped with `hlc`. Returns change.fields as serialised into the row.
  std::string capture(const CapturedChange& change, const Hlc& hlc);

 private:
  friend class Station;
  // Writes the last stamp to meta; Station::write calls it before committing. Stamps are kept in memory during
  // the write because a bulk import takes thousands and each meta update cost a row write.
  void persist_stamp();

  Station& station_;
  std::optional<Hlc> last_stamp_;
  bool stamp_dirty_ = false;
  std::string now_iso_;
  // The audit chain's last link as this transaction left it: read once per write (an import appends thousands of
  // rows), never kept beyond the transaction, whose BEGIN IMMEDIATE keeps every other writer out meanwhile.
  std::optional<audit_chain::Head> audit_head_;
};

class Station {
 public:
  struct InitOptions {
    std::string township;  // 9-digit code
    std::string name;      // e.g. 王集镇未保站
    std::string user;      // the first user
    Role role = Role::Supervisor;
    std::vector<std::string> villages;
    std::string password;  // the first user's password (sign_in.h); empty: none (a library caller's station)
  };

  // Creates a new station database at `path` (refused if the file exists). Returns it with the first user acting.
  static Result<std::unique_ptr<Station>> create(const std::string& path, const InitOptions& options,
                                                 const Clock& clock);
  // Opens an existing station database, migrating it forward; refuses a newer schema or a missing file.
  static Result<std::unique_ptr<Station>> open(const std::string& path, const Clock& clock);

  db::Database& db() { return db_; }
  const Clock& clock() const { return clock_; }
  const std::string& station_id() const { return station_id_; }
  const std::string& township() const { return township_; }
  const std::string& name() const { return name_; }
  // The county (first six digits of the township code).
  std::string county() const { return township_.substr(0, 6); }

  std::optional<std::string> meta(std::string_view key);
  void set_meta(std::string_view key, std::string_view value);

  // Chooses who acts: NotFound if no such user.
  Status act_as(std::string_view user_name);
  const User& actor() const { return actor_; }
  // The user created at init (the default actor).
  std::string default_user();

  Result<User> find_user(std::string_view name);
  std::vector<User> users();
  // Adds a user (supervisors and the county only). Villages must be in this township. A non-empty `password`
  // (sign_in::check_new_password) is stored, hashed, in the same write.
  Status add_user(const User& user, std::string_view password = {});

  // A new record id.
  std::string new_id() const;

  // Runs `body` in one transaction; commits if it returns ok, rolls back otherwise (or on an exception).
  Status write(const std::function<Status(WriteContext&)>& body);

  // Audits a read that must be audited (opening a red file), in its own transaction.
  void audit_read(std::string_view action, std::string_view entity, std::string_view entity_id);

 private:
  friend class WriteContext;
  Station(db::Database db, const Clock& clock);
  void load_identity();
  // The clock stored in meta: read once per write, then kept here (a write takes a stamp per record, thousands in
  // an import); set_meta("hlc", …) drops it, so a clock moved inside a write (sync's hlc_receive) is honoured.
  Hlc stored_hlc();

  db::Database db_;
  const Clock& clock_;
  std::string station_id_;
  std::string township_;
  std::string name_;
  User actor_;
  std::optional<Hlc> stored_hlc_;
};

}  // namespace tongdang
