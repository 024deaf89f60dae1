#include "core/base/text_list.h"
#include "core/store/station.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/base/ids.h"
#include "core/base/text_limits.h"
#include "core/db/schema.h"
#include "core/model/division.h"
#include "core/store/projection.h"
#include "core/store/sign_in.h"

namespace tongdang {

using i18n::trf;
using nlohmann::json;

bool User::covers_village(std::string_view village) const {
  return access::covers_village(role, villages, village);
}

db::Database& WriteContext::db() { return station_.db_; }

Hlc WriteContext::stamp() {
  // The stored clock as this write last saw it (Station::stored_hlc honours code that moves it inside the write,
  // sync's hlc_receive); only the write-back is deferred to the commit.
  Hlc stored = station_.stored_hlc();
  Hlc last = last_stamp_ && *last_stamp_ > stored ? *last_stamp_ : stored;
  last_stamp_ = hlc_tick(last, station_.clock_.now_ms());
  stamp_dirty_ = true;
  return *last_stamp_;
}

void WriteContext::persist_stamp() {
  if (!stamp_dirty_) return;
  Hlc stored = station_.stored_hlc();
  if (*last_stamp_ > stored) station_.set_meta("hlc", last_stamp_->to_string());
  stamp_dirty_ = false;
}

const std::string& WriteContext::now_iso() {
  if (now_iso_.empty()) now_iso_ = station_.clock_.now_iso();
  return now_iso_;
}

void WriteContext::audit(std::string_view action, std::string_view entity, std::string_view entity_id,
                         const json& before, const json& after) {
  std::optional<std::string> before_text, after_text;
  if (!before.is_null()) before_text = before.dump();
  if (!after.is_null()) after_text = after.dump();
  audit_text(action, entity, entity_id, before_text, after_text);
}

void WriteContext::audit_text(std::string_view action, std::string_view entity, std::string_view entity_id,
                              std::optional<std::string_view> before, std::optional<std::string_view> after) {
  using audit_chain::Value;
  const audit_chain::Table& table = audit_chain::station_audit();
  if (!audit_head_) audit_head_ = audit_chain::head(station_.db_, table);
  // Every text outlives the append (arguments and members), so none is copied. Columns in station_audit()'s order.
  audit_head_ = audit_chain::append(station_.db_, table, *audit_head_,
                                    {std::string_view(now_iso()), std::string_view(station_.actor_.name), action,
                                     entity, entity_id, before ? Value(*before) : Value(),
                                     after ? Value(*after) : Value()});
}

std::string WriteContext::capture(const CapturedChange& change, const Hlc& hlc) {
  auto insert = station_.db_.cached(
      "INSERT INTO outbox(change_id, entity, entity_id, child_id, op, fields, base, hlc, actor, actor_role, created_at)"
      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  // Locals and members outlive run(), so the texts are bound without copies.
  const std::string fields = change.fields.dump();
  const std::string change_id = station_.new_id();
  const std::string base = change.base.dump();
  const std::string stamp = hlc.to_string();
  insert->bind_static(1, change_id).bind_static(2, change.entity).bind_static(3, change.entity_id);
  if (change.child_id.empty()) insert->bind_null(4); else insert->bind_static(4, change.child_id);
  insert->bind_static(5, change.op).bind_static(6, fields).bind_static(7, base).bind_static(8, stamp);
  insert->bind_static(9, station_.actor_.name).bind_static(10, to_string(station_.actor_.role));
  insert->bind_static(11, now_iso());
  insert->run();
  return fields;
}

Station::Station(db::Database db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}

Result<std::unique_ptr<Station>> Station::create(const std::string& path, const InitOptions& options,
                                                 const Clock& clock) {
  auto township = check_township_code(options.township, "township");
  if (!township) return township.status();
  if (options.name.empty()) return Status::invalid("name", i18n::tr("站点名称不能为空", "the station needs a name"));
  if (options.user.empty()) return Status::invalid("user", i18n::tr("需要第一个用户的姓名", "the first user needs a name"));
  if (auto checked = check_text("name", options.name, text_rules::kLine); !checked) return checked;
  if (auto checked = check_text("user", options.user, text_rules::kPersonName); !checked) return checked;
  if (auto villages = access::check_villages(options.role, options.township, options.villages); !villages)
    return villages;
  if (!options.password.empty())
    if (auto checked = sign_in::check_new_password(options.user, options.password); !checked) return checked;
  if (::access(path.c_str(), F_OK) == 0)
    return Status::refused(trf("{} 已存在；不会覆盖已有的站点数据库", "{} already exists; an existing station database "
                                                                     "is never overwritten", path));

  db::Database db(path, db::Database::Mode::CreateIfMissing);
  if (auto migrated = schema::migrate(db); !migrated) return migrated;
  std::unique_ptr<Station> station(new Station(std::move(db), clock));
  station->actor_ = User{options.user, options.role, options.villages};
  const std::string station_id = station->new_id();
  Status written = station->write([&](WriteContext& w) {
    station->set_meta("station_id", station_id);
    station->set_meta("township", options.township);
    station->set_meta("station_name", options.name);
    station->set_meta("default_user", options.user);
    station->set_meta("created_at", clock.now_iso());
    auto insert = w.db().prepare("INSERT INTO users(name, role, villages, created_at) VALUES(?1, ?2, ?3, ?4)");
    insert.bind_all(options.user, to_string(options.role), join_list(options.villages), clock.now_iso()).run();
    if (!options.password.empty()) sign_in::store_password(w, options.user, options.password);
    w.audit("station.init", "station", station_id, json(),
            json{{"township", options.township}, {"name", options.name}, {"user", options.user},
                 {"role", to_string(options.role)}});
    return Status::ok();
  });
  if (!written) return written;
  station->load_identity();
  return station;
}

Result<std::unique_ptr<Station>> Station::open(const std::string& path, const Clock& clock) {
  if (::access(path.c_str(), F_OK) != 0)
    return Status::not_found(trf("找不到站点数据库 {}（先运行 tongdang init）",
                                 "no station database at {} (run tongdang init first)", path));
  db::Database db(path, db::Database::Mode::ReadWrite);
  if (schema::current_version(db) == 0)
    return Status::invalid("db", trf("{} 不是童档站点数据库", "{} is not a tongdang station database", path));
  if (auto migrated = schema::migrate(db); !migrated) return migrated;
  std::unique_ptr<Station> station(new Station(std::move(db), clock));
  station->load_identity();
  if (station->township_.empty())
    return Status::invalid("db", trf("{} 不是童档站点数据库", "{} is not a tongdang station database", path));
  if (auto acted = station->act_as(station->default_user()); !acted) return acted;
  return station;
}

void Station::load_identity() {
  station_id_ = meta("station_id").value_or("");
  township_ = meta("township").value_or("");
  name_ = meta("station_name").value_or("");
}

std::optional<std::string> Station::meta(std::string_view key) {
  auto query = db_.cached("SELECT value FROM meta WHERE key = ?1");
  query->bind(1, key);
  if (!query->step()) return std::nullopt;
  return query->get_text(0);
}

void Station::set_meta(std::string_view key, std::string_view value) {
  auto upsert = db_.cached(
      "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  upsert->bind(1, key).bind(2, value).run();
  if (key == "hlc") stored_hlc_.reset();
}

Hlc Station::stored_hlc() {
  if (!stored_hlc_) stored_hlc_ = Hlc::parse(meta("hlc").value_or("")).value_or(Hlc{});
  return *stored_hlc_;
}

std::string Station::default_user() { return meta("default_user").value_or(""); }

Status Station::act_as(std::string_view user_name) {
  auto user = find_user(user_name);
  if (!user) return user.status();
  actor_ = user.value();
  return Status::ok();
}

Result<User> Station::find_user(std::string_view name) {
  auto query = db_.cached("SELECT name, role, villages FROM users WHERE name = ?1");
  query->bind(1, name);
  if (!query->step()) return Status::not_found(trf("本站没有用户 {}", "no user {} on this station", name));
  return User{query->get_text(0), parse_role(query->get_text(1)).value_or(Role::Viewer),
              split_list(query->get_text(2))};
}

std::vector<User> Station::users() {
  std::vector<User> all;
  auto query = db_.prepare("SELECT name, role, villages FROM users ORDER BY created_at, name");
  while (query.step())
    all.push_back({query.get_text(0), parse_role(query.get_text(1)).value_or(Role::Viewer),
                   split_list(query.get_text(2))});
  return all;
}

Status Station::add_user(const User& user, std::string_view password) {
  if (!access::may(actor_.role, access::Action::ManageUsers))
    return Status::refused(trf("{}（{}）不能添加用户；需要督导员或县级用户", "{} ({}) may not add users; a supervisor "
                               "or county user must", actor_.name, i18n::term(to_string(actor_.role))));
  if (user.name.empty()) return Status::invalid("name", i18n::tr("姓名不能为空", "must not be empty"));
  // A user's name is the actor of every event they record: the same rule as a person's name in a file.
  if (auto checked = check_text("name", user.name, text_rules::kPersonName); !checked) return checked;
  if (auto villages = access::check_villages(user.role, township_, user.villages); !villages) return villages;
  if (find_user(user.name)) return Status::refused(trf("用户 {} 已存在", "user {} already exists", user.name));
  if (!password.empty())
    if (auto checked = sign_in::check_new_password(user.name, password); !checked) return checked;
  return write([&](WriteContext& w) {
    auto insert = w.db().prepare("INSERT INTO users(name, role, villages, created_at, created_by) VALUES(?1, ?2, ?3, ?4, ?5)");
    insert.bind_all(user.name, to_string(user.role), join_list(user.villages), clock_.now_iso(), actor_.name).run();
    w.audit("user.add", "user", user.name, json(),
            json{{"name", user.name}, {"role", to_string(user.role)}, {"villages", user.villages}});
    if (!password.empty()) sign_in::store_password(w, user.name, password);
    return Status::ok();
  });
}

std::string Station::new_id() const { return new_record_id(clock_.now_ms()); }

Status Station::write(const std::function<Status(WriteContext&)>& body) {
  db::Transaction tx(db_);
  // The write's derived rows are refreshed once per touched child and lead, just before the commit
  // (projection.h); destroyed before `tx`, so a write that rolls back refreshes nothing.
  ProjectionBatch derived_rows(db_);
  stored_hlc_.reset();  // read afresh in each write: an earlier one may have rolled back
  WriteContext context(*this);
  Status status;
  try {
    status = body(context);
    if (status) derived_rows.flush();
  } catch (const WriteRefused& refused) {
    return refused.status;  // `tx` rolls back: nothing of the refused write stays
  }
  if (status) {
    context.persist_stamp();
    tx.commit();
  }
  return status;
}

void Station::audit_read(std::string_view action, std::string_view entity, std::string_view entity_id) {
  Status audited = write([&](WriteContext& w) {
    w.audit(action, entity, entity_id, json(), json());
    return Status::ok();
  });
  (void)audited;  // the body cannot fail; a database error throws
}

}  // namespace tongdang
