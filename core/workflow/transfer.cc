#include "core/workflow/transfer.h"

#include <nlohmann/json.hpp>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/base/text_limits.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/model/labels.h"
#include "core/model/model.h"
#include "core/store/events.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

// Transfers and ID corrections are the supervisor's or the county's (docs/domain.md "Roles"): a director records
// what happens in the villages but does not move a file or change whom it is about.
Status check_may(Station& station, access::Action action, const char* what_zh, const char* what_en) {
  const User& actor = station.actor();
  if (access::may(actor.role, action)) return Status::ok();
  return Status::refused(trf("{}（{}）不能{}；请乡镇督导员或县级办理", "{} ({}) may not {}; a township supervisor "
                             "or the county does it", actor.name, i18n::term(to_string(actor.role)),
                             tr(what_zh, what_en)));
}

// The file, found and writable by the actor, and open.
Result<std::string> open_file_to_change(Station& station, std::string_view ref) {
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  auto status = read_profile(station.db(), "child", id.value(), {"status"});
  if (status["status"] != "open") return Status::refused(tr("该档案已结案", "the file is closed"));
  return id;
}

Status check_reason(std::string_view reason) {
  if (reason.empty()) return Status::invalid("reason", tr("必须写明原因", "a reason is needed"));
  return check_text("reason", reason, text_rules::kReason);
}

std::optional<json> payload_of(const std::string& text) {
  json payload = json::parse(text, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return std::nullopt;
  return payload;
}

}  // namespace

// ---- correcting the ID number ----

Status may_transfer(Station& station) {
  return check_may(station, access::Action::TransferFile, "办理转移", "transfer a file");
}

Status may_correct_id_number(Station& station) {
  return check_may(station, access::Action::CorrectIdNumber, "更正身份证号", "correct an ID number");
}

Result<IdCorrection> check_id_number_correction(Station& station, std::string_view ref, std::string_view id_text,
                                                std::string_view reason) {
  if (auto allowed = may_correct_id_number(station); !allowed) return allowed;
  auto id = open_file_to_change(station, ref);
  if (!id) return id.status();
  if (auto checked = check_reason(reason); !checked) return checked;
  const Date today = station.clock().today();
  auto number = parse_id_number(id_text, today);
  if (!number) return number.status();
  if (number->birth_date.age_on(today) >= 18)
    return Status::invalid("id_number", tr("该身份证号的持有人已满18周岁，不属于未成年人",
                                           "the holder of this ID number is 18 or older, not a child"));
  const json current = read_profile(station.db(), "child", id.value(), {"id_number", "sex", "birth_date"});
  if (current["id_number"] == number->text)
    return Status::refused(tr("档案的身份证号已是该号码", "the file already holds this ID number"));
  auto other = station.db().cached("SELECT id FROM children WHERE id_number = ?1 AND id != ?2");
  other->bind_all(number->text, id.value());
  if (other->step())
    return Status::refused(trf("身份证号 {} 已登记（档案 {}）；同一儿童只建一个档案，重复档案由县级合并",
                               "ID number {} is already registered (file {}); one file per child, duplicates are "
                               "merged by the county", mask_id_number(number->text), other->get_text(0)));
  other->reset();

  IdCorrection out{id.value(), number->text, number->warnings, std::string(to_string(number->sex)),
                   number->birth_date.to_string(), std::nullopt};
  if (current["id_number"].is_string()) out.previous_id_number = current["id_number"].get<std::string>();
  // What was typed before (a child without household registration) or derived from the old number gives way to the
  // new number; the person is told, since a differing sex or date of birth may mean the wrong child's number.
  if (current["sex"] != out.sex)
    out.notices.push_back(trf("性别：档案为{}，新身份证号第17位表示{}，已按身份证号更正",
                              "sex: the file says {}, the new number's 17th digit says {}; taken from the number",
                              i18n::term(current.value("sex", "")), i18n::term(out.sex)));
  if (current["birth_date"] != out.birth_date)
    out.notices.push_back(trf("出生日期：档案为 {}，新身份证号为 {}，已按身份证号更正",
                              "date of birth: the file says {}, the new number gives {}; taken from the number",
                              current.value("birth_date", ""), out.birth_date));
  return out;
}

Result<IdCorrection> set_id_number(Station& station, std::string_view ref, std::string_view id_text,
                                   std::string_view reason) {
  auto checked = check_id_number_correction(station, ref, id_text, reason);
  if (!checked) return checked.status();
  const IdCorrection& out = checked.value();
  Status written = station.write([&](WriteContext& w) {
    Event event;
    event.child_id = out.child_id;
    event.kind = "child.set_id";
    event.payload = {{"id_number", out.id_number},
                     {"sex", out.sex},
                     {"birth_date", out.birth_date},
                     {"previous_id_number", out.previous_id_number ? json(*out.previous_id_number) : json()},
                     {"reason", reason}};
    record_event(w, event);
    return Status::ok();
  });
  if (!written) return written;
  return checked;
}

std::optional<std::string> child_by_previous_id_number(db::Database& db, std::string_view id_number) {
  auto query = db.cached(
      "SELECT child_id FROM events WHERE kind = 'child.set_id' AND json_extract(payload, '$.previous_id_number') = ?1"
      " ORDER BY hlc DESC, id DESC LIMIT 1");
  query->bind(1, id_number);
  if (!query->step()) return std::nullopt;
  std::string child = query->get_text(0);
  query->reset();
  return child;
}

std::vector<std::string> previous_id_numbers(db::Database& db, std::string_view child_id) {
  std::vector<std::string> numbers;
  auto query = db.cached(
      "SELECT json_extract(payload, '$.previous_id_number') FROM events WHERE child_id = ?1 AND kind = 'child.set_id'"
      " ORDER BY hlc, id");
  query->bind(1, child_id);
  while (query->step())
    if (!query->is_null(0)) numbers.push_back(query->get_text(0));
  return numbers;
}

// ---- transfers ----

Status transfer_child(Station& station, std::string_view ref, std::string_view to_village, std::string_view reason) {
  if (auto allowed = may_transfer(station); !allowed) return allowed;
  auto id = open_file_to_change(station, ref);
  if (!id) return id.status();
  if (auto checked = check_reason(reason); !checked) return checked;
  if (auto village = check_village_code(to_village, "to_village"); !village) return village.status();
  const std::string township = station.township();
  const std::string destination(to_village);
  if (destination.substr(0, 6) != township.substr(0, 6))
    return Status::refused(trf("村(居) {} 不属于本县 {}；迁出本县请用 --out-of-county --destination",
                               "village {} is outside the county {}; for a child leaving the county use "
                               "--out-of-county --destination", destination, township.substr(0, 6)));
  if (destination.substr(0, 9) == township)
    return Status::invalid("to_village", trf("村(居) {} 在本乡镇内；乡镇内迁移请用 child edit --set village={}",
                                             "village {} is in this township; a move within the township is "
                                             "child edit --set village={}", destination, destination));
  const json place = read_profile(station.db(), "child", id.value(), {"village"});
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = id.value();
    event.kind = "file.transfer";
    event.payload = {{"from_township", township},        {"from_village", place["village"]},
                     {"to_township", destination.substr(0, 9)}, {"to_village", destination},
                     {"reason", reason}};
    record_event(w, event);
    return Status::ok();
  });
}

Status move_out_of_county(Station& station, std::string_view ref, std::string_view destination,
                          std::string_view reason) {
  if (auto allowed = check_may(station, access::Action::TransferFile, "办理迁出本县", "close a file as moved out of "
                               "the county");
      !allowed)
    return allowed;
  auto id = open_file_to_change(station, ref);
  if (!id) return id.status();
  if (auto checked = check_reason(reason); !checked) return checked;
  if (destination.empty())
    return Status::invalid("destination", tr("必须写明迁往何处（省、市、县或详细地址）",
                                              "where the child moved to is needed (province, city, county or address)"));
  if (auto checked = check_text("destination", destination, text_rules::kAddress); !checked) return checked;
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = id.value();
    event.kind = "file.close";
    event.payload = {{"reason", reason}, {"kind", kMovedOutOfCounty}, {"destination", destination}};
    record_event(w, event);
    return Status::ok();
  });
}

std::optional<TransferRecord> latest_transfer(db::Database& db, std::string_view child_id) {
  auto query = db.cached(
      "SELECT id, payload, occurred_on, actor FROM events WHERE child_id = ?1 AND kind = 'file.transfer'"
      " ORDER BY hlc DESC, id DESC LIMIT 1");
  query->bind(1, child_id);
  if (!query->step()) return std::nullopt;
  auto payload = payload_of(query->get_text(1));
  TransferRecord record;
  record.event_id = query->get_text(0);
  record.on = query->get_text(2);
  record.by = query->get_text(3);
  query->reset();
  if (!payload) return std::nullopt;
  record.from_township = payload->value("from_township", "");
  record.from_village = payload->value("from_village", "");
  record.to_township = payload->value("to_township", "");
  record.to_village = payload->value("to_village", "");
  record.reason = payload->value("reason", "");
  return record;
}

}  // namespace tongdang
