#include "sync/server/server_merge.h"

#include <sqlite3.h>

#include <algorithm>
#include <set>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "core/base/tuning.h"
#include "sync/protocol/tuning.h"
#include "sync/server/tuning.h"
#include "core/db/sqlite.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/store/file_merge.h"
#include "core/store/profile.h"
#include "core/store/record_ref.h"
#include "core/workflow/children.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/messages.h"

namespace tongdang::sync {

using i18n::tr;
using i18n::msg;
using i18n::trf;
using nlohmann::json;

namespace {

// A change refused for good; the reason is shown on the station, in its language (messages.h).
struct Rejected {
  Message reason;
};

// The record's township and villages (the old and the new village of an edit) must lie in the token's scope.
Status check_scope(const Principal& principal, const std::string& township, const std::vector<std::string>& villages) {
  const access::Scope scope = principal.scope();
  if (!access::covers_township({scope.role, scope.county, "", {}}, township))
    return Status::refused(trf("乡镇 {} 不属于本县 {}", "township {} is outside the county {}", township, principal.county));
  if (!access::covers_township(scope, township))
    return Status::refused(trf("令牌只能写本乡镇 {}，不能写 {}", "the token may write only township {}, not {}",
                               principal.township, township));
  for (const auto& village : villages)
    if (!access::covers_village(scope, village))
      return Status::refused(trf("儿童主任 {} 的令牌只能写其负责的村(居)，不能写 {}",
                                 "director {}'s token may write only their villages, not {}", principal.name, village));
  return Status::ok();
}

json masked(const std::string& id_number) { return mask_id_number(id_number); }

// The profile op that gives a township's stations a record as the server holds it: every field with a register,
// with its value now (a field an event sets, such as the status, as the event left it) and its version.
json record_op(StoreTransaction& tx, const std::string& township, const std::string& entity, const std::string& id,
               const std::string& child_id) {
  const auto registers = tx.field_registers(entity, id);
  std::vector<std::string> names;
  for (const auto& [name, reg] : registers) names.push_back(name);
  const json values = tx.read_fields(entity, id, names);
  json fields = json::object();
  for (const auto& [name, reg] : registers) fields[name] = {{"value", values.value(name, json())}, {"version", reg.version}};
  json op = {{"type", "profile"}, {"township", township}, {"entity", entity}, {"entity_id", id},
             {"child_id", child_id}, {"create", true}, {"fields", fields}};
  if (entity == "child") op["created_by"] = tx.created_by(id);
  return op;
}

class ChangeApplier {
 public:
  ChangeApplier(StoreTransaction& tx, PushContext& context, const WireChange& change, const Hlc& stamp)
      : tx_(tx), ctx_(context), change_(change), stamp_(stamp.to_string()) {}

  // Applies the change; a Rejected is thrown for a permanent refusal.
  ChangeResult apply() {
    const Role role = vouched_role();
    if (!looks_like_uuid(change_.entity_id)) throw Rejected{msg(messages::kRecordIdNotUuid)};
    return change_.op == "event" ? apply_event(role) : apply_profile(role);
  }

 private:
  // Who the server vouches for (finding 1; access::vouch): the token says who may write and how high; the body
  // only names an author within that. Anything above the token is refused, never lowered to fit.
  Role vouched_role() const {
    const auto role = parse_role(change_.actor_role);
    switch (access::vouch(ctx_.principal.credential(), role, change_.actor)) {
      case access::Vouch::Vouched: return *role;
      case access::Vouch::RoleMayNotWrite: break;
      case access::Vouch::RoleAboveCredential:
        throw Rejected{msg(messages::kRoleAboveToken, change_.actor_role, to_string(ctx_.principal.role))};
      case access::Vouch::NotTheCredentialsPerson:
        throw Rejected{msg(messages::kAuthorMismatch, change_.actor, ctx_.principal.name)};
    }
    throw Rejected{msg(messages::kRoleMayNotWrite, change_.actor_role)};
  }

  // An event carries its own author, station, stamp and child; each must be the change's — which the token
  // vouches for (vouched_role) — or the colour rule would read a role no credential gave (finding 1).
  void check_event_claims(const Event& event) const {
    auto differs = [](const char* what_zh, const char* what_en, const std::string& claimed,
                      const std::string& vouched) {
      return Rejected{msg(messages::kEventClaimMismatch, tr(what_zh, what_en), claimed, vouched)};
    };
    if (event.id != change_.entity_id) throw Rejected{msg(messages::kEventIdMismatch)};
    if (event.actor_role != change_.actor_role) throw differs("角色", "role", event.actor_role, change_.actor_role);
    if (event.actor != change_.actor) throw differs("修改者", "author", event.actor, change_.actor);
    if (event.station_id != ctx_.station_id) throw differs("站点", "station", event.station_id, ctx_.station_id);
    if (event.hlc != change_.hlc) throw differs("时间戳", "stamp", event.hlc, change_.hlc);
    if (event.child_id.value_or("") != change_.child_id)
      throw differs("儿童", "child", event.child_id.value_or(""), change_.child_id);
  }

  ChangeResult apply_event(Role role) {
    auto parsed = Event::from_json(change_.event);
    if (!parsed) throw Rejected{parsed.status().reason()};
    const Event& event = parsed.value();
    check_event_claims(event);
    std::vector<std::string> villages;
    // The log the event goes to: its township's, or — a late fact from a township the child has since left — the
    // township that holds the file now.
    std::string log_township = event.township;
    std::optional<EntityLocation> child;
    if (event.child_id) {
      child = tx_.locate("child", *event.child_id);
      if (!child) throw Rejected{msg(messages::kChildUnknown)};
      if (child->township != event.township) {
        // A visit (or any fact) recorded at a station of the township the child was transferred out of, before it
        // learnt of the transfer, is accepted: nothing recorded on the ground is lost. Not another transfer.
        auto former = former_village(*event.child_id, [&](const std::string& township) {
          return township == event.township;
        });
        if (!former) throw Rejected{msg(messages::kEventTownshipNotChilds)};
        if (event.kind == "file.transfer") throw Rejected{msg(messages::kAlreadyTransferred)};
        villages.push_back(*former);
        log_township = child->township;
      } else {
        villages.push_back(child->village);
      }
    }
    if (event.lead_id && event.lead_id == event.id) {
      // A new lead: reported in a village of the event's township, which a director's token must cover.
      std::string village = event.payload.value("village", "");
      if (village.substr(0, 9) != event.township)
        throw Rejected{msg(messages::kLeadVillageOutside)};
      if (!event.child_id) villages.push_back(village);
    } else if (event.lead_id) {
      // A later step of a lead: the lead is where it was reported, whatever township the event claims.
      auto lead = tx_.locate("lead", *event.lead_id);
      if (!lead) throw Rejected{msg(messages::kLeadUnknown)};
      if (lead->township != event.township)
        throw Rejected{msg(messages::kEventTownshipNotLeads)};
      if (!event.child_id) villages.push_back(lead->village);
    }
    if (auto scope = check_scope(ctx_.principal, event.township, villages); !scope) throw Rejected{scope.text()};

    std::optional<json> resolved;
    // The events some roles may not record (access::event_action), refused as the station refuses them.
    if (auto action = access::event_action(event.kind); action && !access::may(role, *action)) {
      if (event.kind == "conflict.resolve") throw Rejected{msg(messages::kResolveNeedsSupervisor)};
      if (*action == access::Action::MergeDuplicates) throw Rejected{msg(messages::kMergeNeedsCounty)};
      if (*action == access::Action::TransferFile || *action == access::Action::CorrectIdNumber)
        throw Rejected{msg(messages::kTransferNeedsSupervisor)};
      throw Rejected{msg(messages::kEventNeedsRole, event.kind, to_string(role))};
    }
    if (event.kind == "conflict.resolve") {
      auto record = tx_.conflict(event.payload.value("conflict_id", ""));
      if (!record) throw Rejected{msg(messages::kConflictUnknown)};
      if ((*record)["township"] != event.township) throw Rejected{msg(messages::kConflictOtherTownship)};
      resolved = std::move(record);
    }

    std::optional<MergePlan> merge;
    // Who may merge, transfer or correct a number was checked above (access::event_action); these check the payload.
    if (event.kind == file_merge::kMergeKind || event.kind == file_merge::kUnmergeKind) merge = plan_merge(event);
    if (event.kind == "file.transfer") check_transfer(event, *child);
    if (event.kind == "child.set_id") check_id_correction(event);
    if (event.kind == "file.close" && event.payload.value("reason", "") == kAgedOut) check_aged_out(event);

    ChangeResult result{change_.change_id, ChangeStatus::Applied, {}, json::object(), {}};
    if (!tx_.apply_event(event)) {
      result.status = ChangeStatus::Duplicate;
      return result;
    }
    tx_.append_op(log_township, {{"type", "event"}, {"township", log_township}, {"event", event.to_json()}});
    // (A merge or unmerge reaches the survivor's township through carry_out.)
    if (event.child_id && !merge)
      if (auto also = survivor_township_of(*event.child_id, log_township))
        tx_.append_op(*also, {{"type", "event"}, {"township", *also}, {"event", event.to_json()}});
    if (merge) carry_out(*merge, event);
    if (event.kind == "file.transfer") send_file(event, *child);
    if (event.kind == "child.set_id") {
      auto place = tx_.locate("child", *event.child_id);
      join_duplicate_group(place->township, place->village, event.payload.value("id_number", ""), *event.child_id);
    }
    if (resolved && (*resolved)["status"] == "open") {
      json& record = *resolved;
      record["status"] = "resolved";
      record["revision"] = record.value("revision", 1) + 1;
      record["resolution"] = {{"value", event.payload.value("value", json())}, {"by", event.actor},
                              {"role", event.actor_role}, {"hlc", event.hlc}, {"event_id", event.id},
                              {"at", ctx_.now_iso}};
      tx_.save_conflict(record);
      tx_.append_op(event.township, {{"type", "conflict"}, {"township", event.township}, {"conflict", record}});
    }
    return result;
  }

  // An aged_out close is a fact of the rule, not the station's word: the child's memberships on the server must
  // have ended at the age limit by the event's date. The second station's close of the same end date has the same
  // id (aged_out_close_id) and is a duplicate, whatever happened to the file since the first.
  void check_aged_out(const Event& event) {
    if (!event.child_id) throw Rejected{msg(messages::kChildUnknown)};
    for (const Event& known : tx_.child_events(*event.child_id, "file.close"))
      if (known.id == event.id) return;
    const json fields = tx_.read_fields("child", *event.child_id, {"birth_date"});
    auto birth = Date::parse(fields.value("birth_date", json("")).is_string() ? fields["birth_date"].get<std::string>()
                                                                               : std::string());
    auto on = Date::parse(event.occurred_on);
    // Not a day still to come (a day's slack for the stations' time zone): a category ending later is not over.
    const auto today = Date::parse(ctx_.now_iso.substr(0, 10)).value_or(Date{});
    if (!birth || !on || *on > today.plus_days(1) || !aged_out_on(tx_.memberships_of(*event.child_id), *birth, *on))
      throw Rejected{msg(messages::kNotAgedOut)};
  }

  // ---- duplicate merges (core/store/file_merge.h): checked against the server's files, carried out here ----

  // What a merge or an unmerge will do, decided before its event is stored.
  struct MergePlan {
    bool unmerge = false;
    std::string merged, survivor, survivor_township;
    std::string id_number;  // the full number of both files: the candidate's key
    json candidate;         // the candidate record as stored
    std::vector<std::string> taken;  // a merge: fields taken from the merged-away file
    std::size_t entry = 0;           // an unmerge: the merge's entry in candidate["merges"]
  };

  // Whether a file is merged away now: the projection closes it as "merged" while its merge stands.
  bool merged_away(const std::string& child) {
    json fields = tx_.read_fields("child", child, {"status", "closed_reason"});
    return fields.is_object() && fields.value("closed_reason", json()) == file_merge::kMergedReason;
  }

  // The township a file was merged into across townships, while that merge stands: its stations hold the
  // merged-away file since the merge (carry_out sent it whole) and read it through the survivor, so whatever is
  // recorded on it later — a visit from a station that had not yet heard of the merge, a relative — goes to that
  // township's log too. An unmerge ends it (the file is no longer closed as merged). nullopt when there is no such
  // township (not merged away, or merged within `own_township`).
  std::optional<std::string> survivor_township_of(const std::string& child_id, const std::string& own_township) {
    if (!merged_away(child_id)) return std::nullopt;
    // The standing merge is the file's latest: another needs an unmerge first (duplicate.already_merged). Its
    // payload names the township that was sent the file, which is where the file is held.
    std::string township;
    for (const Event& e : tx_.child_events(child_id, file_merge::kMergeKind))
      if (e.kind == file_merge::kMergeKind) township = e.payload.value("survivor_township", "");
    if (township.empty() || township == own_township) return std::nullopt;
    return township;
  }

  // (Only the county gets here: the token's authority, vouched_role, was checked through access::event_action.)
  MergePlan plan_merge(const Event& event) {
    MergePlan plan;
    plan.unmerge = event.kind == file_merge::kUnmergeKind;
    plan.merged = event.child_id.value_or("");
    plan.survivor = event.payload.value("survivor", "");
    if (!looks_like_uuid(plan.survivor) || plan.survivor == plan.merged) throw Rejected{msg(messages::kMergeNotCandidate)};
    auto survivor = tx_.locate("child", plan.survivor);
    if (!survivor) throw Rejected{msg(messages::kChildUnknown)};
    if (auto scope = check_scope(ctx_.principal, survivor->township, {survivor->village}); !scope)
      throw Rejected{scope.text()};
    plan.survivor_township = survivor->township;
    json numbers = tx_.read_fields("child", plan.merged, {"id_number"});
    json survivor_number = tx_.read_fields("child", plan.survivor, {"id_number"});
    if (!numbers.value("id_number", json()).is_string() || numbers["id_number"] != survivor_number.value("id_number", json()))
      throw Rejected{msg(messages::kMergeNotCandidate)};
    plan.id_number = numbers["id_number"].get<std::string>();
    auto candidate = tx_.duplicate_group(plan.id_number);
    if (!candidate || candidate->value("id", "") != event.payload.value("candidate", ""))
      throw Rejected{msg(messages::kMergeNotCandidate)};
    plan.candidate = std::move(*candidate);
    if (plan.unmerge) {
      const std::string merge_id = event.payload.value("merge_id", "");
      const json& merges = plan.candidate.contains("merges") ? plan.candidate["merges"] : json::array();
      for (std::size_t i = 0; i < merges.size(); ++i)
        if (merges[i].value("id", "") == merge_id && merges[i].value("status", "") == "merged" &&
            merges[i].value("merged", "") == plan.merged && merges[i].value("survivor", "") == plan.survivor) {
          plan.entry = i;
          return plan;
        }
      throw Rejected{msg(messages::kMergeUnknown)};
    }
    auto listed = [&](const std::string& child) {
      for (const auto& file : plan.candidate.value("files", json::array()))
        if (file.value("child_id", "") == child) return true;
      return false;
    };
    if (!listed(plan.merged) || !listed(plan.survivor)) throw Rejected{msg(messages::kMergeNotCandidate)};
    for (const auto& child : {plan.merged, plan.survivor})
      if (merged_away(child)) throw Rejected{msg(messages::kMergeAlreadyMerged, short_record_id(child))};
    // Safety first: a merge never hides a higher colour behind a lower survivor.
    const auto merged_colour = tx_.child_colour(plan.merged);
    const auto survivor_colour = tx_.child_colour(plan.survivor);
    if (merged_colour && (!survivor_colour || *merged_colour > *survivor_colour))
      throw Rejected{msg(messages::kMergeSurvivorLower, to_string(*merged_colour),
                         survivor_colour ? std::string(to_string(*survivor_colour)) : std::string("-"))};
    if (event.payload.contains("take") && event.payload["take"].is_array())
      for (const auto& field : event.payload["take"]) {
        if (!field.is_string() || !file_merge::takeable_field(field.get<std::string>()))
          throw Rejected{msg(messages::kMergeFieldNotTakeable, field.is_string() ? field.get<std::string>() : field.dump())};
        plan.taken.push_back(field.get<std::string>());
      }
    return plan;
  }

  // Writes fields of the survivor as the server's own profile change (new register versions, one op), so every
  // station of its township takes them with the next pull.
  void write_survivor_fields(const MergePlan& plan, const json& values) {
    if (values.empty()) return;
    const auto registers = tx_.field_registers("child", plan.survivor);
    std::vector<std::pair<std::string, FieldRegister>> next;
    json op_fields = json::object();
    for (const auto& [name, value] : values.items()) {
      auto found = registers.find(name);
      const std::int64_t version = (found == registers.end() ? 0 : found->second.version) + 1;
      next.emplace_back(name, FieldRegister{version, stamp_, ctx_.station_id, change_.actor, change_.change_id});
      op_fields[name] = {{"value", value}, {"version", version}};
    }
    tx_.set_field_registers("child", plan.survivor, next);
    tx_.write_fields("child", plan.survivor, values, ctx_.now_iso);
    tx_.append_op(plan.survivor_township, {{"type", "profile"}, {"township", plan.survivor_township},
                                           {"entity", "child"}, {"entity_id", plan.survivor},
                                           {"child_id", plan.survivor}, {"fields", op_fields}});
  }

  void carry_out(MergePlan& plan, const Event& event) {
    json& record = plan.candidate;
    if (!record.contains("merges") || !record["merges"].is_array()) record["merges"] = json::array();
    json& merges = record["merges"];
    if (!plan.unmerge) {
      // The values the survivor had are kept in the candidate, so an unmerge can give them back.
      json before = json::object(), taken = json::object();
      const json mine = tx_.read_fields("child", plan.survivor, plan.taken);
      const json theirs = tx_.read_fields("child", plan.merged, plan.taken);
      for (const auto& field : plan.taken)
        if (mine.value(field, json()) != theirs.value(field, json())) {
          before[field] = mine.value(field, json());
          taken[field] = theirs.value(field, json());
        }
      write_survivor_fields(plan, taken);
      merges.push_back({{"id", event.id}, {"merged", plan.merged}, {"survivor", plan.survivor},
                        {"survivor_township", plan.survivor_township}, {"status", "merged"}, {"before", before},
                        {"taken", taken}, {"by", event.actor}, {"at", ctx_.now_iso},
                        {"reason", event.payload.value("reason", "")}});
    } else {
      json& entry = merges[plan.entry];
      // A field edited since the merge keeps the later edit; the others get back what the survivor had.
      json restore = json::object();
      const json& taken = entry["taken"];
      std::vector<std::string> names;
      for (const auto& [field, value] : taken.items()) names.push_back(field);
      const json now = tx_.read_fields("child", plan.survivor, names);
      for (const auto& [field, value] : taken.items())
        if (now.value(field, json()) == value) restore[field] = entry["before"].value(field, json());
      write_survivor_fields(plan, restore);
      entry["status"] = "unmerged";
      entry["unmerged_by"] = event.actor;
      entry["unmerged_at"] = ctx_.now_iso;
      entry["unmerge_id"] = event.id;
    }
    // The candidate is decided once at most one of its files is left standing on its own.
    std::size_t standing = 0;
    for (const auto& m : merges) standing += m.value("status", "") == "merged" ? 1 : 0;
    const std::size_t files = record.value("files", json::array()).size();
    record["status"] = files > standing + 1 ? "open" : "merged";
    record["revision"] = record.value("revision", 0) + 1;
    tx_.save_duplicate(record, plan.id_number);
    std::set<std::string> townships;
    for (const auto& file : record.value("files", json::array())) townships.insert(file.value("township", ""));
    for (const auto& t : townships) tx_.append_op(t, {{"type", "duplicate"}, {"township", t}, {"duplicate", record}});
    // The survivor's stations learn of the alias too: lookups there follow the merged-away file's id. A merge sends
    // them the merged-away file whole (its rows keep its township, so it stays off their lists), so the survivor's
    // history, visits and family read through it there as on a station that holds both (the merge event among its
    // events); an unmerge only needs its event.
    if (plan.survivor_township != event.township) {
      if (plan.unmerge)
        tx_.append_op(plan.survivor_township,
                      {{"type", "event"}, {"township", plan.survivor_township}, {"event", event.to_json()}});
      else
        send_whole_file(tx_, plan.survivor_township, plan.merged);
    }
  }

  // Where a profile change lands: the record's township and child, and the villages the token must cover (the old
  // and the new village of a child that moves; a new record's, as created).
  struct ProfileWhere {
    std::string township, child_id;
    std::vector<std::string> villages;
  };
  ProfileWhere locate_profile(const std::optional<EntityLocation>& existing) const {
    ProfileWhere where;
    if (existing) {
      where.township = existing->township;
      where.child_id = existing->child_id;
      where.villages.push_back(existing->village);
      if (change_.entity == "child" && change_.fields.contains("village") && change_.fields["village"].is_string()) {
        std::string village = change_.fields["village"];
        if (village.substr(0, 9) != where.township)
          throw Rejected{msg(messages::kCountyTransfer)};
        where.villages.push_back(village);
      }
    } else if (change_.op == "update") {
      throw Rejected{msg(messages::kRecordUnknown)};
    } else if (change_.entity == "child") {
      if (!change_.fields.value("township", json()).is_string() || !change_.fields.value("village", json()).is_string())
        throw Rejected{msg(messages::kNewChildNeedsPlace)};
      where.township = change_.fields["township"];
      where.villages.push_back(change_.fields["village"]);
      if (where.villages.back().substr(0, 9) != where.township)
        throw Rejected{msg(messages::kVillageOutsideTownship)};
      where.child_id = change_.entity_id;
    } else {
      std::string parent = change_.fields.value("child_id", "");
      auto child = tx_.locate("child", parent);
      if (!child) throw Rejected{msg(messages::kChildUnknown)};
      where.township = child->township;
      where.villages.push_back(child->village);
      where.child_id = child->child_id;
    }
    return where;
  }

  ChangeResult apply_profile(Role role) {
    const std::string& entity = change_.entity;
    const std::string& id = change_.entity_id;
    auto existing = tx_.locate(entity, id);
    auto [township, child_id, villages] = locate_profile(existing);
    const bool creating = !existing;
    if (auto scope = check_scope(ctx_.principal, township, villages); !scope) {
      // A late write from a station of the township the child has left: a new relative is kept (new facts are
      // never lost), an edit becomes a conflict for the receiving township, which decides.
      auto former = child_id.empty() ? std::nullopt : former_village(child_id, [&](const std::string& from) {
        return check_scope(ctx_.principal, from, {}).is_ok();
      });
      if (!former || !check_scope(ctx_.principal, former->substr(0, 9), {*former})) throw Rejected{scope.text()};
      if (auto valid = check_stored_fields(entity, change_.fields, creating); !valid) throw Rejected{valid.reason()};
      if (!creating) return late_edit(township, child_id);
    }
    if (auto valid = check_stored_fields(entity, change_.fields, creating); !valid) throw Rejected{valid.reason()};
    for (const auto& [name, value] : change_.fields.items())
      if (auto action = access::field_action(entity, name); action && !access::may(role, *action) && !value.is_null())
        throw Rejected{msg(messages::kFieldNeedsRole, name, to_string(role))};

    std::vector<std::string> names;
    for (const auto& [name, value] : change_.fields.items()) names.push_back(name);
    json current = creating ? json::object() : tx_.read_fields(entity, id, names);
    json written = json::object();
    json op_fields = json::object();
    ChangeResult result{change_.change_id, ChangeStatus::Applied, {}, json::object(), {}};
    std::vector<json> conflicts;
    const std::map<std::string, FieldRegister> registers =
        creating ? std::map<std::string, FieldRegister>{} : tx_.field_registers(entity, id);
    std::vector<std::pair<std::string, FieldRegister>> next_registers;
    for (const auto& [name, value] : change_.fields.items()) {
      auto found = registers.find(name);
      FieldRegister reg = found == registers.end() ? FieldRegister{} : found->second;
      FieldEdit edit{change_.base.value(name, std::int64_t{0}), stamp_, ctx_.station_id};
      FieldMerge decision = merge_field(reg, edit);
      // The field's state after this change, answered to the station.
      result.state[name] = {{"value", current.value(name, json())}, {"version", reg.version}};
      if (decision != FieldMerge::Apply && current.value(name, json()) == value) {
        continue;  // concurrent edits that agree: nothing to decide
      }
      if (decision != FieldMerge::Apply) conflicts.push_back(conflict_record(township, child_id, name, reg,
                                                                             current.value(name, json()), value,
                                                                             decision == FieldMerge::ConflictTakes));
      if (decision == FieldMerge::ConflictKeeps) continue;
      FieldRegister next{reg.version + 1, stamp_, ctx_.station_id, change_.actor, change_.change_id};
      next_registers.emplace_back(name, next);
      written[name] = value;
      op_fields[name] = {{"value", value}, {"version", next.version}};
      result.state[name] = op_fields[name];
    }
    tx_.set_field_registers(entity, id, next_registers);
    if (creating && entity == "child") written["created_by"] = change_.actor;
    if (!written.empty()) tx_.write_fields(entity, id, written, ctx_.now_iso);
    if (!op_fields.empty()) {
      json op = {{"type", "profile"}, {"township", township}, {"entity", entity}, {"entity_id", id},
                 {"child_id", child_id}, {"fields", op_fields}};
      if (creating) {
        op["create"] = true;
        if (entity == "child") op["created_by"] = change_.actor;
      }
      tx_.append_op(township, op);
      if (!child_id.empty())
        if (auto also = survivor_township_of(child_id, township)) {
          op["township"] = *also;
          tx_.append_op(*also, op);
        }
    }
    for (auto& record : conflicts) {
      tx_.save_conflict(record);
      tx_.append_op(township, {{"type", "conflict"}, {"township", township}, {"conflict", record}});
      result.conflicts.push_back(record["id"]);
      result.status = ChangeStatus::Conflict;
    }
    if (creating && entity == "child" && change_.fields.value("id_number", json()).is_string())
      join_duplicate_group(township, villages.front(), change_.fields["id_number"], change_.entity_id);
    return result;
  }

  // The village a child was transferred out of, from the latest of its transfers whose township `from` accepts.
  template <typename Accept>
  std::optional<std::string> former_village(const std::string& child_id, Accept&& from) {
    std::optional<std::string> village;
    for (const Event& transfer : tx_.child_events(child_id, "file.transfer"))
      if (transfer.kind == "file.transfer" && from(transfer.payload.value("from_township", "")))
        village = transfer.payload.value("from_village", "");
    return village;
  }

  // A transfer: by a supervisor or the county (the token's township is the sending one: check_scope), from the
  // township that holds the file, to a village of another township of the county.
  void check_transfer(const Event& event, const EntityLocation& child) const {
    const std::string from = event.payload.value("from_township", "");
    const std::string to = event.payload.value("to_township", "");
    const std::string village = event.payload.value("to_village", "");
    // (from_village is what the station saw; a move within the township synced meanwhile does not void it)
    const bool valid = from == child.township && check_village_code(village, "to_village").is_ok() && village.substr(0, 9) == to &&
                       to != from && to.substr(0, 6) == ctx_.principal.county;
    if (!valid) throw Rejected{msg(messages::kTransferDestination)};
  }

  // An ID number correction: by a supervisor or the county, with a valid number whose sex and date of birth are
  // the ones the event sets (the projection writes them into the file as they are).
  void check_id_correction(const Event& event) const {
    const auto today = Date::parse(ctx_.now_iso.substr(0, 10)).value_or(Date{});
    auto number = parse_id_number(event.payload.value("id_number", ""), today.plus_days(1));
    if (!number) throw Rejected{msg(messages::kSetIdInvalid, number.status().message())};
    if (number->text != event.payload.value("id_number", "") ||
        std::string(to_string(number->sex)) != event.payload.value("sex", "") ||
        number->birth_date.to_string() != event.payload.value("birth_date", ""))
      throw Rejected{msg(messages::kSetIdInvalid, tr("性别或出生日期与身份证号不符",
                                                     "sex or date of birth does not match the number"))};
  }

  // After a transfer is applied (the projection has moved the child): the township and village take new versions,
  // which the sending township's stations are sent (a late edit of the village there loses to the transfer); the
  // receiving township's log gets the whole file — profile, relatives, every event, the open conflicts (now the
  // receiving township's to decide) — so its stations hold it after their next pull, old stations included.
  void send_file(const Event& event, const EntityLocation& before) {
    const std::string& child_id = *event.child_id;
    auto now = tx_.locate("child", child_id);
    const std::string to = now->township;
    const auto registers = tx_.field_registers("child", child_id);
    std::vector<std::pair<std::string, FieldRegister>> next;
    json moved = json::object();
    const json place = {{"township", now->township}, {"village", now->village}};
    for (const auto& [name, value] : place.items()) {
      auto found = registers.find(name);
      FieldRegister reg{(found == registers.end() ? 0 : found->second.version) + 1, stamp_, ctx_.station_id,
                        change_.actor, change_.change_id};
      moved[name] = {{"value", value}, {"version", reg.version}};
      next.emplace_back(name, reg);
    }
    tx_.set_field_registers("child", child_id, next);
    tx_.append_op(before.township, {{"type", "profile"}, {"township", before.township}, {"entity", "child"},
                                    {"entity_id", child_id}, {"child_id", child_id}, {"fields", moved}});
    send_whole_file(tx_, to, child_id);
    for (json record : tx_.open_conflicts_of(child_id)) {
      record["township"] = to;
      record["revision"] = record.value("revision", 1) + 1;
      tx_.save_conflict(record);
      for (const auto& t : {before.township, to})
        tx_.append_op(t, {{"type", "conflict"}, {"township", t}, {"conflict", record}});
    }
  }

  // A late edit from the township the child left: nothing is overwritten; each differing field opens a conflict in
  // the township that holds the file (the value shown stays the server's), and the station is answered with the
  // server's state.
  ChangeResult late_edit(const std::string& township, const std::string& child_id) {
    const std::string& entity = change_.entity;
    const std::string& id = change_.entity_id;
    std::vector<std::string> names;
    for (const auto& [name, value] : change_.fields.items()) names.push_back(name);
    const json current = tx_.read_fields(entity, id, names);
    const auto registers = tx_.field_registers(entity, id);
    ChangeResult result{change_.change_id, ChangeStatus::Applied, {}, json::object(), {}};
    for (const auto& [name, value] : change_.fields.items()) {
      auto found = registers.find(name);
      const FieldRegister reg = found == registers.end() ? FieldRegister{} : found->second;
      result.state[name] = {{"value", current.value(name, json())}, {"version", reg.version}};
      if (current.value(name, json()) == value) continue;
      json record = conflict_record(township, child_id, name, reg, current.value(name, json()), value, false);
      tx_.save_conflict(record);
      tx_.append_op(township, {{"type", "conflict"}, {"township", township}, {"conflict", record}});
      result.conflicts.push_back(record["id"]);
      result.status = ChangeStatus::Conflict;
    }
    return result;
  }

  json conflict_record(const std::string& township, const std::string& child_id, const std::string& field,
                       const FieldRegister& reg, const json& current, const json& incoming, bool incoming_shown) {
    json server_side = {{"value", current}, {"hlc", reg.hlc}, {"station_id", reg.station_id}, {"actor", reg.actor},
                        {"change_id", reg.change_id}, {"version", reg.version}};
    json incoming_side = {{"value", incoming}, {"hlc", stamp_}, {"station_id", ctx_.station_id},
                          {"actor", change_.actor}, {"change_id", change_.change_id}, {"base", change_.base.value(field, 0)}};
    return {{"id", new_record_id(ctx_.now_ms)},
            {"township", township},
            {"child_id", child_id},
            {"entity", change_.entity},
            {"entity_id", change_.entity_id},
            {"field", field},
            {"status", "open"},
            {"revision", 1},
            {"opened_at", ctx_.now_iso},
            {"values", json::array({server_side, incoming_side})},
            {"shown", incoming_shown ? 1 : 0}};
  }

  void join_duplicate_group(const std::string& township, const std::string& village, const std::string& id_number,
                            const std::string& child_id) {
    sync::join_duplicate_group(tx_, {township, village, child_id}, id_number, ctx_.now_ms, ctx_.now_iso);
  }

  StoreTransaction& tx_;
  PushContext& ctx_;
  const WireChange& change_;
  std::string stamp_;
};

}  // namespace

// One candidate per ID number (finding 6: one per pair of files grew as N(N-1)/2, 180,000 records for 600 files):
// a new file with the number joins the open group, or opens it with the files already registered. A group lists
// at most tuning::kDuplicateGroupMaxFiles files and counts the rest, so mass registration of one number costs one
// bounded write per file; past the cap only the registering township's stations are sent the new count.
void join_duplicate_group(StoreTransaction& tx, const EntityLocation& file, const std::string& id_number,
                          std::int64_t now_ms, const std::string& now_iso) {
  const std::string& township = file.township;
  const auto max_files = static_cast<std::size_t>(tuning::kDuplicateGroupMaxFiles);
  std::optional<json> group = tx.duplicate_group(id_number);
  if (group) {
    // A file already listed (an ID number corrected back to one it held) joins nothing new.
    for (const auto& listed : (*group)["files"])
      if (listed.value("child_id", "") == file.child_id) return;
  }
  if (!group) {
    auto others = tx.children_with_id_number(id_number, file.child_id, tuning::kDuplicateGroupMaxFiles);
    if (others.empty()) return;
    json files = json::array();
    for (const auto& other : others)
      files.push_back({{"child_id", other.child_id}, {"township", other.township}, {"village", other.village}});
    group = json{{"id", new_record_id(now_ms)}, {"id_number", masked(id_number)}, {"status", "open"},
                 {"revision", 0}, {"opened_at", now_iso}, {"files", std::move(files)},
                 {"file_count", others.size()}};
  }
  json& record = *group;
  json& files = record["files"];
  const bool listed = files.size() < max_files;
  if (listed) files.push_back({{"child_id", file.child_id}, {"township", township}, {"village", file.village}});
  record["file_count"] = record.value("file_count", files.size() - (listed ? 1 : 0)) + 1;
  // A candidate the county kept apart (casework dismiss_duplicate) is decided for the files it held: a new file of
  // the same number is a new question.
  if (record.value("status", "") == "dismissed") record["status"] = "open";
  record["revision"] = record.value("revision", 0) + 1;
  tx.save_duplicate(record, id_number);
  std::set<std::string> townships{township};
  if (listed)
    for (const auto& f : files) townships.insert(f.value("township", township));
  for (const auto& t : townships) tx.append_op(t, {{"type", "duplicate"}, {"township", t}, {"duplicate", record}});
}

void send_whole_file(StoreTransaction& tx, const std::string& township, const std::string& child_id) {
  tx.append_op(township, record_op(tx, township, "child", child_id, child_id));
  for (const auto& relative : tx.relatives_of(child_id))
    tx.append_op(township, record_op(tx, township, "relative", relative, child_id));
  for (const Event& e : tx.child_events(child_id, ""))
    tx.append_op(township, {{"type", "event"}, {"township", township}, {"event", e.to_json()}});
}

ChangeResult apply_pushed_change(StoreTransaction& tx, PushContext& context, const json& raw_change) {
  std::string change_id = raw_change.is_object() ? raw_change.value("change_id", "") : "";
  if (!change_id.empty()) {
    if (auto earlier = tx.change_result(context.station_id, change_id)) {
      auto first = ChangeResult::from_json(*earlier);
      if (first) {
        ChangeResult replay = first.value();
        if (replay.status != ChangeStatus::Rejected) replay.status = ChangeStatus::Duplicate;
        return replay;
      }
    }
  }
  // Findings 7 and 10: a change over tuning::kMaxChangeBytes, or an event whose text breaks a limit, is refused
  // for good (the station then drops it from its queue). An oversized body is not kept: only its size.
  const std::size_t encoded_bytes = encoded_size(raw_change);
  const bool oversized = encoded_bytes > static_cast<std::size_t>(tuning::kMaxChangeBytes);
  // The reason is stored as code and arguments (messages.h), never in the server's language.
  auto reject = [&](const Message& reason) {
    ChangeResult result{change_id, ChangeStatus::Rejected, reason, json::object(), {}};
    tx.save_rejection(change_id, context.principal, context.station_id, reason.to_json().dump(),
                      oversized ? json{{"change_id", change_id}, {"encoded_bytes", encoded_bytes}} : raw_change);
    if (!change_id.empty()) tx.save_change_result(change_id, context.station_id, "", result.to_json());
    return result;
  };
  auto parsed = WireChange::from_json(raw_change);
  if (!parsed) return reject(parsed.status().reason());
  const WireChange& change = parsed.value();
  if (auto limited = check_change_limits(change, encoded_bytes); !limited) return reject(limited.reason());

  // Ordering stamp: a stamp far ahead of the server's clock would win every later merge, so it is replaced by the
  // server's own (docs/sync-protocol.md "Clocks") and the station flagged; the server's clock never jumps forward to
  // it.
  Hlc incoming = *Hlc::parse(change.hlc);
  Hlc stamp = incoming;
  std::int64_t ahead = incoming.physical_ms - context.now_ms;
  if (ahead > tuning::kMaxClockAheadMs) {
    context.clock = hlc_tick(context.clock, context.now_ms);
    stamp = context.clock;
    context.clock_ahead_ms = std::max(context.clock_ahead_ms, ahead);
  } else {
    context.clock = hlc_receive(context.clock, incoming, context.now_ms);
  }

  tx.savepoint();
  ChangeResult result;
  try {
    ChangeApplier applier(tx, context, change, stamp);
    result = applier.apply();
  } catch (const Rejected& rejected) {
    tx.rollback_to_savepoint();
    return reject(rejected.reason);
  } catch (const db::DbError& error) {
    if ((error.sqlite_code() & 0xFF) != SQLITE_CONSTRAINT) throw;
    tx.rollback_to_savepoint();
    return reject(msg(messages::kBreaksConstraint, error.what()));
  }
  tx.release_savepoint();
  tx.save_change_result(change.change_id, context.station_id, "", result.to_json());
  return result;
}

}  // namespace tongdang::sync
