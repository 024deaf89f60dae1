#include "sync/server/county_casework.h"

#include <algorithm>
#include <set>

#include "core/base/i18n.h"
#include "core/base/ids.h"
#include "core/model/id_number.h"
#include "core/store/file_merge.h"
#include "core/workflow/workflow.h"
#include "sync/protocol/protocol.h"
#include "sync/server/server_merge.h"
#include "sync/server/tuning.h"

namespace tongdang::sync::casework {

using i18n::tr;
using nlohmann::json;

namespace {

// The officer as the push path sees an author: a person's credential of the county role over the whole county, so
// access::vouch accepts exactly this name and role, and check_scope every township of the county and no other.
Principal officer_principal(CentralStore& store, const Officer& officer) {
  Principal principal;
  principal.kind = TokenKind::User;
  principal.name = officer.name;
  principal.role = Role::County;
  principal.county = store.identity().county;
  return principal;
}

// One decision: its changes applied in one transaction as the officer's, or none of them.
class Decision {
 public:
  Decision(CentralStore& store, const Officer& officer)
      : officer_(officer),
        principal_(officer_principal(store, officer)),
        // The server's own station id, as on a file imported from another county: the events were made here.
        station_id_(store.identity().server_id),
        tx_(store.begin()),
        context_{principal_, station_id_, officer.now_ms, officer.now_iso, tx_->clock(), 0} {}

  StoreTransaction& tx() { return *tx_; }

  // Stamps `event` as the officer's and applies it through the push path; a refusal ends the decision.
  Status add(Event event) {
    if (event.child_id && event.township.empty()) {
      auto place = tx_->locate("child", *event.child_id);
      if (!place) return Status::not_found(tr("找不到该儿童档案", "no such child file"));
      event.township = place->township;
    }
    context_.clock = hlc_tick(context_.clock, officer_.now_ms);
    if (event.id.empty()) event.id = new_record_id(officer_.now_ms);
    if (event.occurred_on.empty()) event.occurred_on = officer_.today.to_string();
    event.hlc = context_.clock.to_string();
    event.actor = officer_.name;
    event.actor_role = std::string(to_string(Role::County));
    event.station_id = station_id_;
    event.recorded_at = officer_.now_iso;
    WireChange change;
    change.change_id = new_record_id(officer_.now_ms);
    change.entity = "event";
    change.entity_id = event.id;
    change.child_id = event.child_id.value_or("");
    change.op = "event";
    change.hlc = event.hlc;
    change.actor = event.actor;
    change.actor_role = event.actor_role;
    change.event = event.to_json();
    const ChangeResult result = apply_pushed_change(*tx_, context_, change.to_json());
    if (result.status == ChangeStatus::Rejected) return Status::refused(result.reason);
    return Status::ok();
  }

  void commit() {
    tx_->set_clock(context_.clock);
    tx_->commit();
  }

 private:
  const Officer& officer_;
  Principal principal_;
  std::string station_id_;
  std::unique_ptr<StoreTransaction> tx_;
  PushContext context_;
};

// Runs `decide` as one decision: committed when it returns ok, rolled back (nothing written) otherwise.
Status decide(CentralStore& store, const Officer& officer, const std::function<Status(Decision&)>& decide) {
  Decision decision(store, officer);
  if (Status done = decide(decision); !done) return done;
  decision.commit();
  return Status::ok();
}

Status need_reason(const std::string& reason, const char* zh, const char* en) {
  if (reason.empty()) return Status::invalid("reason", tr(zh, en));
  return Status::ok();
}

}  // namespace

const std::vector<std::string>& compared_fields() {
  static const std::vector<std::string> fields{
      "name",           "sex",   "birth_date", "ethnicity", "village", "registered_address", "current_address",
      "school",         "grade", "phone",      "health",    "disability_type", "case_worker"};
  return fields;
}

Result<Casework> read_casework(CentralStore& store, const Officer& officer, std::size_t limit) {
  const User actor{officer.name, Role::County, {}};
  auto queue = store.county_queue(actor, officer.today);
  if (!queue) return queue.status();
  Casework out;
  out.queue = std::move(queue.value());
  // A county has a few open candidates at a time (each is two files of one ID number); all are counted.
  const std::vector<json> open = store.open_duplicates(tuning::kConsoleDuplicatesRead);
  out.duplicates_total = open.size();
  auto tx = store.begin();  // one read: every file of every candidate as of the same moment
  for (const json& record : open) {
    if (out.duplicates.size() == limit) break;
    Candidate candidate{record.value("id", ""), record.value("id_number", ""), record.value("opened_at", ""), {}, {}};
    for (const json& listed : record.value("files", json::array())) {
      CandidateFile file;
      file.child_id = listed.value("child_id", "");
      file.township = listed.value("township", "");
      auto place = tx->locate("child", file.child_id);
      if (!place) continue;
      file.township = place->township;
      file.village = place->village;
      std::vector<std::string> names = compared_fields();
      names.insert(names.end(), {"status", "closed_reason", "id_number"});
      json fields = tx->read_fields("child", file.child_id, names);
      file.status = fields.value("status", json("")).is_string() ? fields["status"].get<std::string>() : "";
      file.closed_reason =
          fields.value("closed_reason", json()).is_string() ? fields["closed_reason"].get<std::string>() : "";
      file.merged_away = file.closed_reason == file_merge::kMergedReason;
      for (const auto& name : compared_fields()) file.fields[name] = fields.value(name, json());
      if (fields.value("id_number", json()).is_string())
        file.fields["id_number"] = mask_id_number(fields["id_number"].get<std::string>());
      file.colour = tx->child_colour(file.child_id);
      candidate.files.push_back(std::move(file));
    }
    for (const auto& name : compared_fields()) {
      std::set<std::string> values;
      for (const auto& file : candidate.files) values.insert(file.fields.value(name, json()).dump());
      if (values.size() > 1) candidate.differing.push_back(name);
    }
    out.duplicates.push_back(std::move(candidate));
  }
  return out;
}

Status confirm_screening(CentralStore& store, const Officer& officer, const std::string& child_id,
                         const Confirmation& confirmation) {
  return decide(store, officer, [&](Decision& d) {
    auto facts = d.tx().confirmation_facts(child_id, officer.today);
    if (!facts) return facts.status();
    auto events = confirmation_events(facts.value(), child_id, confirmation);
    if (!events) return events.status();
    for (Event& event : events.value()) {
      if (event.kind == "screen.confirm") {
        // The colour the confirmation records is the state after the change before it (a lowering may wait).
        d.tx().refresh_derived();
        set_confirmed_colour(event, d.tx().child_colour(child_id));
      }
      if (Status added = d.add(event); !added) return added;
    }
    return Status::ok();
  });
}

Result<bool> lower_colour(CentralStore& store, const Officer& officer, const std::string& child_id, Colour to,
                          const std::string& reason) {
  bool applied = false;
  Status done = decide(store, officer, [&](Decision& d) {
    auto event = colour_change_event(d.tx().colour_facts(child_id), child_id, false, to, reason, officer.today);
    if (!event) return event.status();
    if (Status added = d.add(event.value()); !added) return added;
    d.tx().refresh_derived();
    applied = d.tx().child_colour(child_id) == to;
    return Status::ok();
  });
  if (!done) return done;
  return applied;
}

Status keep_colour(CentralStore& store, const Officer& officer, const std::string& child_id,
                   const std::string& reason) {
  return decide(store, officer, [&](Decision& d) {
    auto event = keep_colour_event(d.tx().colour_facts(child_id), child_id, reason);
    if (!event) return event.status();
    return d.add(event.value());
  });
}

Status merge_duplicate(CentralStore& store, const Officer& officer, const std::string& candidate_id,
                       const std::string& survivor, const std::string& merged, const std::vector<std::string>& take,
                       const std::string& reason) {
  if (Status ok = need_reason(reason, "合并必须写明原因", "a merge needs a reason"); !ok) return ok;
  if (survivor.empty() || merged.empty() || survivor == merged)
    return Status::invalid("survivor", tr("请选择保留哪一份档案", "choose the file to keep"));
  return decide(store, officer, [&](Decision& d) {
    auto survivor_place = d.tx().locate("child", survivor);
    auto merged_place = d.tx().locate("child", merged);
    if (!survivor_place || !merged_place) return Status::not_found(tr("找不到该儿童档案", "no such child file"));
    // The server checks the rest against its own files (server_merge.cc plan_merge): the candidate lists both,
    // neither is merged already, the survivor's colour is not lower, the fields may be taken.
    return d.add(file_merge::merge_event({merged, merged_place->township, survivor, survivor_place->township,
                                          candidate_id, reason, take}));
  });
}

Status dismiss_duplicate(CentralStore& store, const Officer& officer, const std::string& candidate_id,
                         const std::string& reason) {
  if (Status ok = need_reason(reason, "不合并须写明原因（如：双胞胎、登记错误）",
                              "keeping the files apart needs a reason (twins, a registry error)");
      !ok)
    return ok;
  return decide(store, officer, [&](Decision& d) {
    auto found = d.tx().duplicate_candidate(candidate_id);
    if (!found) return Status::not_found(tr("找不到该疑似重复记录", "no such duplicate candidate"));
    auto& [id_number, record] = *found;
    if (record.value("status", "") != "open")
      return Status::refused(tr("该疑似重复记录已处理", "the duplicate candidate is already decided"));
    record["status"] = "dismissed";
    record["dismissal"] = {{"by", officer.name}, {"at", officer.now_iso}, {"reason", reason}};
    record["revision"] = record.value("revision", 0) + 1;
    d.tx().save_duplicate(record, id_number);
    std::set<std::string> townships;
    for (const auto& file : record.value("files", json::array())) townships.insert(file.value("township", ""));
    for (const auto& t : townships)
      if (!t.empty()) d.tx().append_op(t, {{"type", "duplicate"}, {"township", t}, {"duplicate", record}});
    return Status::ok();
  });
}

}  // namespace tongdang::sync::casework
