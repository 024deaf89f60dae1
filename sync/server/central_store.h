// The county server's store, behind an interface: the protocol (server.h) and the merge rules (merge.h) use only
// this, so a PostgreSQL store can be added next to the SQLite one (sqlite_central_store.h) without touching either.
//
// A store holds: the county's identity, tokens (hashed) and the stations bound to them, and — inside a
// StoreTransaction — the child files themselves (the core schema: the same tables and projections as a station),
// each field's register (merge.h), per-township change logs with their counters, conflicts, duplicate candidates,
// rejected changes, the audit of every request and the openings stations report; every audit table is hash-chained
// (core/audit_chain.h).
//
// Thread safety: a CentralStore may be shared by the server's request threads. A StoreTransaction belongs to one
// thread and holds the store's write lock until it is committed or destroyed (destroyed = rolled back).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/access/access.h"
#include "core/base/hlc.h"
#include "core/base/status.h"
#include "core/db/audit_chain.h"
#include "core/model/model.h"
#include "core/projection/report_rows.h"
#include "core/report/report.h"
#include "core/store/events.h"
#include "core/store/station_health.h"
#include "core/workflow/review_queue.h"
#include "core/workflow/screening.h"
#include "core/workflow/search.h"
#include "core/workflow/workflow.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/snapshot.h"

namespace tongdang::sync {

struct ServerIdentity {
  std::string server_id;  // UUID made at init; cursors carry it
  std::string county;     // 6-digit code
  std::string name;       // e.g. 睢宁县未保中心
  // Set on a server restored from a backup (tongdang-server restore): the server the backup was of, and the server
  // clock it was taken at. Stations that knew that server push again what it acknowledged since.
  std::string restored_from;
  std::string restored_backup_hlc;
};

// Who a bearer token speaks for.
enum class TokenKind { Station, User };

struct Principal {
  std::int64_t token_id = 0;
  TokenKind kind = TokenKind::Station;
  std::string name;                   // the user's name, or "station <township>"
  Role role = access::kStationTokenRole;  // a station token acts at most as a supervisor
  std::string county;
  std::string township;               // empty for a county-wide token
  std::vector<std::string> villages;  // a director's villages
  std::string station_id;             // the station a station token is bound to (empty until first use)

  // Where the token may act, and whom it vouches for (core/access/access.h).
  access::Scope scope() const { return {role, county, township, villages}; }
  access::Credential credential() const { return {role, kind == TokenKind::User ? name : std::string()}; }
};

struct NewToken {
  TokenKind kind = TokenKind::Station;
  std::string name;
  Role role = access::kStationTokenRole;
  std::string township;
  std::vector<std::string> villages;
};

struct TokenInfo {
  Principal principal;
  std::string created_at;
  std::string revoked_at;  // empty while valid
  std::string last_used_at;
};

// Where a record lives: the scope checks of every change need its township and village.
struct EntityLocation {
  std::string township;
  std::string village;
  std::string child_id;
};

// One line of the request audit (and of the structured log).
struct RequestRecord {
  std::string at;
  std::int64_t token_id = 0;
  std::string principal;
  std::string station_id;
  std::string endpoint;
  int http_status = 0;
  nlohmann::json counts = nlohmann::json::object();
  double duration_ms = 0;
  std::string remote;
};

// A read that matters (a red file opened, full ID numbers shown or exported), recorded in a station's audit and
// reported to the county (POST /v1/sync/audit). Who and where are the server's: the token, the station it is bound
// to, the child's township as the server holds it. What and when are the station's row, as reported.
struct StationOpening {
  std::string station_id;        // the station bound to the token (the checked X-Tongdang-Station header)
  std::int64_t token_id = 0;
  std::string principal;         // the token's name
  std::string township;          // the child's township on the server; the token's township for a list or export
  std::string child_id;          // empty for a list or an export
  std::int64_t station_seq = 0;  // the station's audit row
  std::string station_hash;      // that row's link in the station's chain: the county's copy pins the chain there
  std::string at;                // when the station recorded it
  std::string actor;             // the station's user, as the station reported
  std::string action;
  std::string entity;
  std::string entity_id;
  std::string received_at;
};

// Which reported openings to list (newest first); empty members match everything.
struct OpeningFilter {
  std::string action;
  std::string township;
  int limit = 50;
};

// This county's keys for handing files to other counties (docs/design.md "Leaving the county"): an Ed25519 signing
// keypair and an X25519 box keypair, base64 (libsodium's original variant). The secret halves never leave the
// central database (0600) and are never printed.
struct CountyKeys {
  std::string sign_public, sign_secret;
  std::string box_public, box_secret;
  std::string created_at;
};

// Another county whose public keys this county's officer recorded (read over the phone, checked by fingerprint):
// a bundle it signs is verified with `sign_public`, a bundle for it is sealed to `box_public`.
struct TrustedCounty {
  std::string county;  // 6-digit code
  std::string name;    // as the division table names it (沛县)
  std::string sign_public, box_public;
  std::string trusted_at;
};

// A person who signs in to the county's console (web/county) with a password. Only the county's own people: a
// station or a director works on a station, and their tokens never open the console.
struct ConsoleUser {
  std::string name;
  Role role = Role::County;
  std::string password_hash;  // argon2id, self-describing (sign_in::hash_password); never the password
  std::string created_at;
};

// Failed sign-ins in a row under a name as typed (known or not), for the wait that follows them.
struct ConsoleFailures {
  std::int64_t failures = 0;
  std::int64_t last_ms = 0;  // the last failure, on the wall clock
};

// A console session, found by the hash of its token (the cookie's value is never stored).
struct ConsoleSession {
  std::string user;
  std::int64_t created_ms = 0;
  std::int64_t last_seen_ms = 0;
};

// One row of the console's audit (chained like the others): who did what to which record, from the console.
struct ConsoleAuditRow {
  std::string at;
  std::string user;
  std::string action;     // console.sign_in | console.sign_in_failed | console.user_add | console.password | file.open | …
  std::string entity;     // user | child | token | …
  std::string entity_id;
  std::string township;   // the record's township, for filtering ('' when none)
  nlohmann::json detail = nlohmann::json::object();
};

// One child's file as the console shows it, read-only: the list row (ID number masked) and its history.
struct ChildFileView {
  ChildListRow row;
  std::string township;
  struct Entry {
    std::string kind;         // the event's kind: assessment, visit, file.close, …
    std::string occurred_on;  // YYYY-MM-DD
    std::string actor;
    std::string actor_role;
  };
  std::vector<Entry> history;  // newest first
};

// What a station said of itself at its last hello (the console's /stations): its own name and what it had waiting
// to send. A station from before this sends neither (empty, and waiting_changes -1).
struct StationReport {
  StationHealth health;            // last successful sync, open conflicts, rejected changes (health.name: township's)
  std::int64_t token_id = 0;
  std::string reported_name;       // e.g. 王集镇未保站 (second laptop)
  std::int64_t waiting_changes = -1;
  std::string oldest_unsent;       // ISO time, '' when nothing waits or unknown
  std::string hello_at;            // when it said so
  // How far ahead of the server's clock the station's stamps ran when last found too far ahead (then re-stamped;
  // tuning::kMaxClockAheadMs), and when; 0 and '' if never. A station's clock put right keeps its stamps ahead until
  // real time catches up with them (a hybrid clock never goes back), so the flag stays as found.
  std::int64_t clock_ahead_ms = 0;
  std::string clock_flagged_at;
};

// Everything one push page or pull page reads and writes, in one transaction.
class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;
  virtual void commit() = 0;
  // Per-change isolation inside a page: a change that fails a constraint is rolled back alone and rejected.
  virtual void savepoint() = 0;
  virtual void release_savepoint() = 0;
  virtual void rollback_to_savepoint() = 0;

  // The server's hybrid logical clock (advanced by every push).
  virtual Hlc clock() = 0;
  virtual void set_clock(const Hlc& hlc) = 0;

  // Push idempotency, per station: the result first given to this station for a change id. Another station's
  // change ids are not seen (a foreign id reveals nothing and blocks nothing).
  virtual std::optional<nlohmann::json> change_result(std::string_view station_id, std::string_view change_id) = 0;
  virtual void save_change_result(std::string_view change_id, std::string_view station_id, std::string_view township,
                                  const nlohmann::json& result) = 0;
  virtual void save_rejection(std::string_view change_id, const Principal& principal, std::string_view station_id,
                              std::string_view reason, const nlohmann::json& change) = 0;

  // The child files (core schema).
  // `entity`: child | relative | lead (a lead's township and village are those its lead.add event gave; child_id is
  // empty).
  virtual std::optional<EntityLocation> locate(std::string_view entity, std::string_view entity_id) = 0;
  virtual nlohmann::json read_fields(std::string_view entity, std::string_view entity_id,
                                     const std::vector<std::string>& names) = 0;
  virtual void write_fields(std::string_view entity, std::string_view entity_id, const nlohmann::json& fields,
                            std::string_view now_iso) = 0;
  // The registers of a record's fields (merge.h), all of them in one read: a change of N fields costs one query,
  // not N. Fields never written are absent.
  virtual std::map<std::string, FieldRegister> field_registers(std::string_view entity, std::string_view entity_id) = 0;
  // Writes the registers of several fields of one record in one statement.
  virtual void set_field_registers(std::string_view entity, std::string_view entity_id,
                                   const std::vector<std::pair<std::string, FieldRegister>>& registers) = 0;
  // Inserts an event and runs the core projections; false if already stored.
  virtual bool apply_event(const Event& event) = 0;
  // The child's derived colour on the server (null until graded).
  virtual std::optional<Colour> child_colour(std::string_view child_id) = 0;
  // Children (other than `except_child`) registered with this ID number anywhere in the county, at most `limit`.
  virtual std::vector<EntityLocation> children_with_id_number(std::string_view id_number,
                                                              std::string_view except_child, int limit) = 0;

  // A child's events in (hlc, id) order, optionally only those whose kind starts with `kind_prefix`.
  virtual std::vector<Event> child_events(std::string_view child_id, std::string_view kind_prefix) = 0;
  // The category memberships a child holds or held (the core projection): the server checks a pushed aged_out
  // close against them (aged_out_on, model.h) rather than trusting the station.
  virtual std::vector<MembershipSpan> memberships_of(std::string_view child_id) = 0;
  // The ids of a child's relatives, and the records of its open conflicts: with its profile and events, the whole
  // file a transfer sends to the receiving township.
  virtual std::vector<std::string> relatives_of(std::string_view child_id) = 0;
  // Who registered a child (its profile ops carry it when they create the file on a station).
  virtual std::string created_by(std::string_view child_id) = 0;
  virtual std::vector<nlohmann::json> open_conflicts_of(std::string_view child_id) = 0;
  // A child's care measures still planned or in progress (the projection of its care events), as JSON rows: a
  // transfer bundle lists them for the receiving county to read (which folds its own from the events).
  virtual std::vector<nlohmann::json> open_care_measures(std::string_view child_id) = 0;

  // Change logs: appends an op to a township's log, bumping its counter in this transaction (so sequence order is
  // commit order); returns the op's sequence number.
  virtual std::int64_t append_op(std::string_view township, const nlohmann::json& op) = 0;
  // Ops of `township` after `after_seq`, at most `limit`, in sequence order: (seq, the op's JSON text). Text, not
  // parsed JSON, so a pull page is assembled without re-encoding every op.
  virtual std::vector<std::pair<std::int64_t, std::string>> read_ops(std::string_view township,
                                                                     std::int64_t after_seq, int limit) = 0;
  virtual std::int64_t last_seq(std::string_view township) = 0;
  // Townships of the county that have a change log.
  virtual std::vector<std::string> townships_of(std::string_view county) = 0;

  // Conflicts and duplicate candidates, stored as their JSON record (with "id" and "revision").
  virtual std::optional<nlohmann::json> conflict(std::string_view id) = 0;
  virtual void save_conflict(const nlohmann::json& record) = 0;
  // Duplicate candidates are grouped: one open record per ID number (docs/design.md "Transfers, duplicates, deletion"),
  // found here by the full number (the record itself carries only the masked one).
  virtual std::optional<nlohmann::json> duplicate_group(std::string_view id_number) = 0;
  virtual void save_duplicate(const nlohmann::json& record, std::string_view id_number) = 0;

  // Township snapshot (snapshot.h): one page of the current rows of `township` — its children after `after_child`
  // (at most `limit`) and their rows, then the township-level rows once the children are exhausted. `derived`:
  // include the derived tables (the station runs the policy whose fingerprint policy_fingerprint() gives).
  virtual snapshot::PageRows snapshot_rows(std::string_view township, std::string_view after_child, int limit,
                                           bool derived) = 0;
  virtual std::string policy_fingerprint() = 0;
  // Whether a file of `township` came from another township (a transfer) or another county (an import): its
  // history then holds rows of that township, which a station from before transfers refuses in a snapshot page (it
  // replays the log instead).
  virtual bool holds_transferred_files(std::string_view township) = 0;
  // Whether a file of another township was merged into one of `township` (docs/sync-protocol.md "Merging
  // duplicates"): the merge's events stay on the merged-away file, and travel in the survivor township's snapshot
  // so that the old id finds the survivor there; a station from before that refuses them (it replays the log).
  virtual bool holds_merges_from_other_townships(std::string_view township) = 0;

  // Clock trouble: the station's stamp was this far ahead of the server's clock.
  virtual void flag_station_clock(std::string_view station_id, std::int64_t ahead_ms, std::string_view at) = 0;

  // Stores a reported opening (chained); false if this station already reported this row (same row hash).
  virtual bool save_opening(const StationOpening& opening) = 0;

  // County keys and the counties trusted (sync/server/county_transfer.h decides when they may be written).
  virtual std::optional<CountyKeys> county_keys() = 0;
  virtual void save_county_keys(const CountyKeys& keys) = 0;
  virtual std::optional<TrustedCounty> trusted_county(std::string_view county) = 0;
  virtual std::vector<TrustedCounty> trusted_counties() = 0;
  virtual void save_trusted_county(const TrustedCounty& county) = 0;
  // Appends a row to the county's own actions log (server_admin_audit, chained), as tokens are: keys made or
  // replaced, counties trusted, files exported and imported. `detail` never holds a secret or a full ID number.
  virtual void audit_admin(std::string_view at, std::string_view action, const nlohmann::json& detail) = 0;

  // The county's casework from the console (sync/server/county_casework.h): the facts its decisions are planned
  // from, read through the same rules as on a station (core/workflow screening.h, workflow.h), and the derived rows
  // refreshed inside the transaction (a confirmation records the colour its own change left).
  virtual Result<ConfirmationFacts> confirmation_facts(std::string_view child_id, Date today) = 0;
  virtual ColourFacts colour_facts(std::string_view child_id) = 0;
  virtual void refresh_derived() = 0;
  // A duplicate candidate by its id: the full ID number it groups (its key) and its record.
  virtual std::optional<std::pair<std::string, nlohmann::json>> duplicate_candidate(std::string_view candidate_id) = 0;

  // As snapshot_rows, with the files of other townships merged into `township`'s while the merge stands among the
  // page's children (in the same id order, their rows keeping their own township): a station of the survivor's
  // township holds them after a replay of the log, and one that asks with merged_files=1 takes them in a page.
  virtual snapshot::PageRows snapshot_rows_with_merged_files(std::string_view township, std::string_view after_child,
                                                             int limit, bool derived) = 0;
};

class CentralStore {
 public:
  virtual ~CentralStore() = default;

  virtual ServerIdentity identity() = 0;

  // Tokens. Only a hash of each token is stored; `token_hash` is tokens::hash(token).
  virtual Result<std::int64_t> add_token(const NewToken& token, std::string_view token_hash, std::string_view at) = 0;
  virtual std::optional<Principal> find_token(std::string_view token_hash) = 0;
  virtual Status revoke_token(std::int64_t token_id, std::string_view at) = 0;
  virtual std::vector<TokenInfo> tokens() = 0;
  // Binds a station id to the token that first says hello from it (hello only). A station token serves one station:
  // another station id later is refused (a copied token). A station id belongs to one live token: a user token may
  // sync several stations of its own, but not one that another live token uses; a revoked token's stations pass to
  // the next token that says hello from them (a replaced station token).
  virtual Status bind_station(const Principal& principal, std::string_view station_id, std::string_view township,
                              std::string_view at) = 0;
  // Whether `station_id` (the request's station header) is bound to this principal's token: every request but
  // hello is refused otherwise, so nothing one token sends is recorded against another token's station.
  virtual Status check_station(const Principal& principal, std::string_view station_id) = 0;
  // Clock status of a station: how far ahead its last flagged stamp was (0 if never flagged).
  virtual std::int64_t station_clock_ahead_ms(std::string_view station_id) = 0;

  virtual std::unique_ptr<StoreTransaction> begin() = 0;

  // Console users and sessions (web/county; the rules of signing in are sync/server/console_sign_in.h). Each write
  // is one transaction with its console audit row.
  // Adds a user; Conflict when the name is taken.
  virtual Status add_console_user(const ConsoleUser& user, const ConsoleAuditRow& audit) = 0;
  // Replaces the password hash, clears the failures and ends every session of the user; NotFound when unknown.
  virtual Status set_console_password(std::string_view name, std::string_view password_hash,
                                      const ConsoleAuditRow& audit) = 0;
  virtual std::optional<ConsoleUser> console_user(std::string_view name) = 0;
  virtual ConsoleFailures console_failures(std::string_view name) = 0;
  // Counts one more failure under `name` (as typed) at `now_ms`, with its audit row.
  virtual void record_console_failure(std::string_view name, std::int64_t now_ms, const ConsoleAuditRow& audit) = 0;
  virtual void clear_console_failures(std::string_view name) = 0;
  // Stores a new session (by its token's hash), sweeping those older than `sweep_before_ms`, with its audit row.
  virtual void open_console_session(std::string_view token_hash, std::string_view user, std::int64_t now_ms,
                                    std::int64_t sweep_before_ms, const ConsoleAuditRow& audit) = 0;
  virtual std::optional<ConsoleSession> console_session(std::string_view token_hash) = 0;
  virtual void touch_console_session(std::string_view token_hash, std::int64_t now_ms) = 0;
  virtual void end_console_session(std::string_view token_hash) = 0;
  // Appends a row to the console's audit in a transaction of its own (a read that matters: a file opened).
  virtual void audit_console(const ConsoleAuditRow& audit) = 0;

  // Keeps what a station reported of itself at hello (its name, its changes waiting); untrusted text, bounded by
  // the caller.
  virtual void record_hello(std::string_view station_id, std::string_view name, std::int64_t waiting_changes,
                            std::string_view oldest_unsent, std::string_view at) = 0;
  // Every station with its health and its last hello's report, by township.
  virtual std::vector<StationReport> station_reports() = 0;

  // Finding a child across the county (core/workflow/search.h: the station's search over the same tables).
  virtual Result<ChildSearchPage> find_children(const ChildSearch& search, Date today) = 0;
  // One file, read-only; nullopt when the store holds no child with this id.
  virtual std::optional<ChildFileView> child_file(std::string_view child_id, Date today) = 0;

  virtual void audit_request(const RequestRecord& record) = 0;

  // Reported openings (newest first), each as JSON: the StationOpening's members and the child's name.
  virtual std::vector<nlohmann::json> openings(const OpeningFilter& filter) = 0;
  // Walks the chain of every audit table the store keeps (request_audit, server_rejections, station_openings,
  // server_admin_audit: the history of tokens, console_audit: what was done from the console). A store may keep its
  // last walk and link on from it while nothing but itself has written since (the SQLite store does): the answer is
  // the whole walk's, its cost the rows appended since.
  virtual std::vector<audit_chain::Verification> verify_audit() = 0;

  // What the server holds for a township (or the whole county if empty), for `tongdang-server show`: children
  // (with their derived colour), open conflicts, duplicate candidates, stations, and the change log's length.
  virtual nlohmann::json overview(std::string_view township) = 0;

  // Every station the server knows, by township: its last successful sync (the last pull answered 200 — a station
  // pushes before it pulls, so its changes up to then are in), the conflicts open in its township and its changes
  // that were refused. The oldest unsent change is known only on the station itself.
  virtual std::vector<StationHealth> station_health() = 0;
  // The county's coverage report (core/report/report.h) over the report rows the store holds, stamped with every
  // station's health (`tongdang-server report coverage`).
  virtual report::Report coverage_report(const report::Options& options) = 0;
  // Recomputes every report row from the records; returns the number of children (`report rebuild`).
  virtual int rebuild_report() = 0;
  // Whether the maintained report rows and tallies equal a rebuild, changing nothing (`report check`).
  virtual report::Verification check_report() = 0;

  // The county's review queue over the whole county (core/workflow/review_queue.h county_queue), read as `actor`.
  virtual Result<ReviewQueue> county_queue(const User& actor, Date today) = 0;
  // The duplicate candidates still open, oldest first, at most `limit`.
  virtual std::vector<nlohmann::json> open_duplicates(std::size_t limit) = 0;
  // The console's own audit rows, newest first, at most `limit`: {at, user, action, entity, entity_id, township,
  // detail}.
  virtual std::vector<nlohmann::json> console_actions(int limit) = 0;
  // Who changed a child's file: its events newest first ({at, actor, role, kind, occurred_on, station}) and the last
  // writer of each profile field ({field, version, actor, station, hlc}), the child's and its relatives'.
  virtual nlohmann::json record_changes(std::string_view child_id, int limit) = 0;
};

}  // namespace tongdang::sync
