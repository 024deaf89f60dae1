#include "core/workflow/screening.h"

#include "core/store/record_ref.h"

#include <algorithm>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/rules/schedule.h"
#include "core/rules/timeline.h"
#include "core/store/events.h"
#include "core/store/projection.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

struct LeadRow {
  std::string id, village, state;
  std::optional<std::string> child_id;
};

std::optional<LeadRow> read_lead(db::Database& db, std::string_view id) {
  auto query = db.cached("SELECT id, village, state, child_id FROM leads WHERE id = ?1");
  query->bind(1, id);
  if (!query->step()) return std::nullopt;
  return LeadRow{query->get_text(0), query->get_text(1), query->get_text(2), query->get_optional_text(3)};
}

Status check_lead_access(Station& station, const LeadRow& lead) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::WriteFiles))
    return Status::refused(trf("{} 是查看者，不能办理排查", "{} is a viewer and may not handle screenings", actor.name));
  if (!actor.covers_village(lead.village))
    return Status::refused(trf("{} 不负责村(居) {}", "{} is not responsible for village {}", actor.name, lead.village));
  return Status::ok();
}

// The lead at `state` tied to a child (the latest one).
Result<LeadRow> lead_of_child(Station& station, const std::string& child_id, std::string_view state,
                              const char* zh_missing, const char* en_missing) {
  auto query = station.db().cached(
      "SELECT id FROM leads WHERE child_id = ?1 AND state = ?2 ORDER BY discovered_on DESC, id DESC LIMIT 1");
  query->bind(1, child_id).bind(2, state);
  if (!query->step()) return Status::refused(tr(zh_missing, en_missing));
  return *read_lead(station.db(), query->get_text(0));
}

Status refuse_role(Station& station, const char* zh, const char* en) {
  return Status::refused(trf(zh, en, station.actor().name, i18n::term(to_string(station.actor().role))));
}

}  // namespace

const std::vector<std::string_view>& lead_sources() {
  static const std::vector<std::string_view> sources = keys_of(Vocabulary::LeadSource);
  return sources;
}

bool is_lead_source(std::string_view source) {
  return find_choice(Vocabulary::LeadSource, source) != nullptr;
}

Result<std::string> add_lead(Station& station, const NewLead& lead) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::WriteFiles))
    return Status::refused(trf("{} 是查看者，不能登记线索", "{} is a viewer and may not record leads", actor.name));
  if (auto checked = check_village_code(lead.village, "village"); !checked) return checked.status();
  if (lead.village.substr(0, 9) != station.township())
    return Status::invalid("village", trf("村(居) {} 不属于本站乡镇 {}", "village {} is not in this station's township {}",
                                          lead.village, station.township()));
  if (!actor.covers_village(lead.village))
    return Status::refused(trf("{} 不负责村(居) {}", "{} is not responsible for village {}", actor.name, lead.village));
  if (!is_lead_source(lead.source)) return Status::invalid("source", not_a_choice(Vocabulary::LeadSource, lead.source));
  if (lead.seen.empty()) return Status::invalid("seen", tr("需要写明发现的情况", "say what was seen"));
  Date on = lead.on.value_or(station.clock().today());
  if (on > station.clock().today()) return Status::invalid("date", tr("不能晚于今天", "must not be in the future"));
  std::string id = station.new_id();
  Status written = station.write([&](WriteContext& w) {
    Event event;
    event.id = id;
    event.lead_id = id;
    event.kind = "lead.add";
    event.occurred_on = on.to_string();
    event.payload = {{"village", lead.village}, {"reporter", lead.reporter}, {"source", lead.source},
                     {"seen", lead.seen},       {"suspected_red", lead.suspected_red}};
    record_event(w, event);
    return Status::ok();
  });
  if (!written) return written;
  return id;
}

Result<std::string> resolve_lead(Station& station, std::string_view ref) {
  return resolve_record_ref(station.db(), "leads", ref, "lead", "线索", "lead");
}

namespace {

// The child a screening decision is about: the child (resolve_child), or the lead `screen pending` lists (its id or
// a unique prefix or suffix), once verified into a file.
Result<std::string> screened_child(Station& station, std::string_view ref) {
  auto child = resolve_child(station, ref);
  if (child || child.status().code() != Code::NotFound) return child;
  auto lead = resolve_lead(station, ref);
  if (!lead) return child.status();
  auto query = station.db().cached("SELECT child_id FROM leads WHERE id = ?1");
  query->bind(1, lead.value());
  if (query->step())
    if (auto id = query->get_optional_text(0)) return *id;
  return Status::refused(trf("线索 {} 尚未入户核查，还没有儿童档案", "lead {} has not been verified into a file yet", ref));
}

}  // namespace

Result<json> show_lead(Station& station, std::string_view ref) {
  auto id = resolve_lead(station, ref);
  if (!id) return id.status();
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::ReadFiles))
    return Status::refused(trf("{} 是查看者，只能看汇总报表", "{} is a viewer: aggregate reports only", actor.name));
  auto query = station.db().cached(
      "SELECT village, state, reporter, source, description, suspected_red, red, child_id, discovered_on, verify_due,"
      " return_reason FROM leads WHERE id = ?1");
  query->bind(1, id.value());
  if (!query->step()) return Status::not_found(trf("找不到线索 {}", "no lead {}", ref));
  const std::string village = query->get_text(0);
  auto text = [&query](int column) {
    auto value = query->get_optional_text(column);
    return value ? json(*value) : json(nullptr);
  };
  json lead = {{"id", id.value()},           {"village", village},          {"state", query->get_text(1)},
               {"reporter", text(2)},        {"source", text(3)},           {"seen", text(4)},
               {"suspected_red", query->get_int(5) != 0}, {"red", query->get_int(6) != 0}, {"child_id", text(7)},
               {"discovered_on", text(8)},   {"verify_due", text(9)},       {"return_reason", text(10)}};
  query->reset();
  if (!actor.covers_village(village))
    return Status::refused(trf("{} 不负责村(居) {}，不能查看该线索", "{} is not responsible for village {} and may not "
                               "open this lead", actor.name, village));
  return lead;
}

namespace {

// Closes a lead waiting for verification as not eligible or as a duplicate of a file, with its reason.
Result<Verified> close_lead(Station& station, const Verification& v, const LeadRow& lead, Date on, Verified out) {
  if (v.not_eligible && v.duplicate_of)
    return Status::invalid("not-eligible",
                           tr("不能同时关闭为不符合条件和重复", "choose not eligible or duplicate, not both"));
  std::optional<std::string> duplicate_child;
  std::string reason = v.not_eligible ? *v.not_eligible : v.reason;
  if (reason.empty()) return Status::invalid("reason", tr("关闭线索必须写明原因", "closing a lead needs a reason"));
  if (v.duplicate_of) {
    auto child = resolve_child(station, *v.duplicate_of);
    if (!child) return child.status();
    duplicate_child = child.value();
  }
  out.state = v.not_eligible ? "not_eligible" : "duplicate";
  out.child_id = duplicate_child;
  Status written = station.write([&](WriteContext& w) {
    Event event;
    event.child_id = duplicate_child;
    event.lead_id = lead.id;
    event.kind = "screen.close_lead";
    event.occurred_on = on.to_string();
    event.payload = {{"outcome", out.state}, {"reason", reason}};
    record_event(w, event);
    return Status::ok();
  });
  if (!written) return written;
  return out;
}

// The file already on record with the new child's ID number, if any, with the warning that says the lead joins it.
std::optional<std::string> child_with_id_number(Station& station, const NewChild& input,
                                                std::vector<std::string>& warnings) {
  auto it = input.fields.find("id_number");
  if (it == input.fields.end()) return std::nullopt;
  auto id = parse_id_number(it->second, station.clock().today());
  if (!id) return std::nullopt;
  auto query = station.db().cached("SELECT id FROM children WHERE id_number = ?1");
  query->bind(1, id->text);
  if (!query->step()) return std::nullopt;
  warnings.push_back(trf("身份证号 {} 已有档案，线索并入该档案",
                         "ID number {} is already on file: the lead "
                         "is attached to that file",
                         mask_id_number(id->text)));
  return query->get_text(0);
}

// The file a verified lead goes to: an existing one, or a new child prepared (not yet written).
struct LeadFile {
  std::optional<std::string> existing;
  std::optional<PreparedChild> prepared;
};

// Which file: the one already tied to a returned lead, a named one, one with the same ID number, or a new one.
Result<LeadFile> file_for_lead(Station& station, const Verification& v, const LeadRow& lead,
                               std::vector<std::string>& warnings) {
  LeadFile file;
  file.existing = lead.child_id;
  if (!file.existing && v.child_ref) {
    auto child = resolve_child(station, *v.child_ref);
    if (!child) return child.status();
    file.existing = child.value();
  }
  if (!file.existing) {
    NewChild input = v.new_child;
    if (!input.fields.contains("village")) input.fields["village"] = lead.village;
    file.existing = child_with_id_number(station, input, warnings);
    if (!file.existing) {
      auto child = prepare_child(station, input);
      if (!child) return child.status();
      file.prepared = child.value();
      warnings.insert(warnings.end(), file.prepared->warnings.begin(), file.prepared->warnings.end());
    }
  }
  if (file.existing) {
    if (auto access = check_child_access(station, *file.existing, true); !access) return access;
  }
  return file;
}

}  // namespace

Result<Verified> verify_lead(Station& station, const Verification& v) {
  auto lead_id = resolve_lead(station, v.lead_ref);
  if (!lead_id) return lead_id.status();
  LeadRow lead = *read_lead(station.db(), lead_id.value());
  if (auto access = check_lead_access(station, lead); !access) return access;
  if (lead.state != "discovered" && lead.state != "returned")
    return Status::refused(trf("线索状态为“{}”，不在待核查状态", "the lead is '{}', not waiting for verification",
                               i18n::term(lead.state)));
  Date on = v.on.value_or(station.clock().today());
  if (on > station.clock().today()) return Status::invalid("date", tr("不能晚于今天", "must not be in the future"));
  Verified out;
  out.lead_id = lead.id;
  if (v.not_eligible || v.duplicate_of) return close_lead(station, v, lead, on, std::move(out));

  if (!v.answers)
    return Status::invalid("answers", tr("入户核查须附首次风险筛查（--answers 文件或评估项）",
                                         "verification needs the first risk screen (--answers FILE or the answer flags)"));
  auto file = file_for_lead(station, v, lead, out.warnings);
  if (!file) return file.status();
  const std::optional<std::string>& existing = file.value().existing;
  const std::optional<PreparedChild>& prepared = file.value().prepared;
  const std::string child_id = existing ? *existing : prepared->id;
  out.child_id = child_id;
  out.created = !existing;
  out.attached = existing.has_value() && !lead.child_id;
  out.state = "verified";
  Score preview = score(*v.answers, stored_policy(station.db()));

  Status written = station.write([&](WriteContext& w) {
    if (prepared) insert_child(w, *prepared);
    Event event;
    event.child_id = child_id;
    event.lead_id = lead.id;
    event.kind = "screen.verify";
    event.occurred_on = on.to_string();
    event.payload = {{"created", out.created}, {"attached", out.attached},
                     {"colour", std::string(to_string(preview.colour))}, {"notes", v.notes}};
    record_event(w, event);
    out.assessment = record_assessment(w, child_id, *v.answers, on, v.notes);
    return Status::ok();
  });
  if (!written) return written;
  return out;
}

Status review_screening(Station& station, std::string_view child_ref, bool approve, std::string_view reason) {
  if (!access::may(station.actor().role, access::Action::ReviewScreening))
    return refuse_role(station, "{}（{}）不能审核排查；审核由乡镇儿童督导员办理",
                       "{} ({}) may not review screenings; the township supervisor does");
  auto child = screened_child(station, child_ref);
  if (!child) return child.status();
  auto lead = lead_of_child(station, child.value(), "verified", "该儿童没有待审核的排查（须先入户核查）",
                            "the child has no screening waiting for review (verify it first)");
  if (!lead) return lead.status();
  if (!approve && reason.empty())
    return Status::invalid("return", tr("退回必须写明原因", "returning needs a reason"));
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = child.value();
    event.lead_id = lead->id;
    event.kind = approve ? "screen.review" : "screen.return";
    event.payload = {{"reason", reason}};
    record_event(w, event);
    return Status::ok();
  });
}

Result<ConfirmationFacts> confirmation_facts(db::Database& db, std::string_view child_id, Date today) {
  ConfirmationFacts facts;
  {
    auto query = db.cached(
        "SELECT id FROM leads WHERE child_id = ?1 AND state = 'reviewed' ORDER BY discovered_on DESC, id DESC LIMIT 1");
    query->bind(1, child_id);
    if (!query->step())
      return Status::refused(tr("该儿童没有待认定的排查（须先经乡镇审核）",
                                "the child has no screening waiting for confirmation (the township must review it first)"));
    facts.lead_id = query->get_text(0);
    query->reset();
  }
  {
    auto query = db.cached(
        "SELECT DISTINCT category FROM memberships WHERE child_id = ?1 AND from_date <= ?2 AND ?2 < to_date"
        " ORDER BY category");
    query->bind(1, child_id).bind(2, today.to_string());
    while (query->step()) facts.active.push_back(query->get_text(0));
  }
  facts.colour = current_colour(db, child_id);
  {
    auto state = db.cached("SELECT colour_event_id FROM child_state WHERE child_id = ?1");
    state->bind(1, child_id);
    facts.colour_event_id = state->step() ? state->get_optional_text(0) : std::nullopt;
    state->reset();
  }
  facts.policy_version = stored_policy(db).version;
  return facts;
}

Result<std::vector<Event>> confirmation_events(const ConfirmationFacts& facts, std::string_view child_id,
                                               const Confirmation& c) {
  std::vector<std::string> confirmed;
  for (const auto& text : c.categories) {
    auto category = parse_category(text);
    if (!category) return Status::invalid("category", not_a_choice(Vocabulary::Category, text));
    std::string key(to_string(*category));
    if (std::find(facts.active.begin(), facts.active.end(), key) == facts.active.end())
      return Status::invalid("category", trf("该儿童没有有效的{}类别（先用 child category add 登记）",
                                             "the child does not hold {} (add it with child category add first)",
                                             i18n::term(key)));
    confirmed.push_back(key);
  }
  if (c.categories.empty()) confirmed = facts.active;
  const std::optional<Colour> current = facts.colour;
  if (!current && !c.colour)
    return Status::invalid("colour", tr("该儿童尚未定级，认定时须给出风险等级", "the child is not graded: give the colour"));
  std::optional<Colour> change;
  if (c.colour && c.colour != current) change = c.colour;
  if (change && current && *change < *current && c.reason.empty())
    return Status::invalid("reason", tr("降级须写明原因", "a lowering needs a reason"));
  std::vector<Event> events;
  for (const auto& category : confirmed) {
    Event event;
    event.child_id = std::string(child_id);
    event.kind = "membership.confirm";
    event.payload = {{"category", category}};
    events.push_back(std::move(event));
  }
  if (change) {
    Event event;
    event.child_id = std::string(child_id);
    event.kind = (!current || *change > *current) ? "colour.raise" : "colour.lower";
    event.payload = {{"to", std::string(to_string(*change))},
                     {"from", current ? json(std::string(to_string(*current))) : json(nullptr)},
                     {"reason", c.reason.empty() ? std::string(tr("县级认定", "county confirmation")) : c.reason},
                     {"supersedes", facts.colour_event_id ? json(*facts.colour_event_id) : json(nullptr)},
                     {"policy_version", facts.policy_version}};
    events.push_back(std::move(event));
  }
  Event event;
  event.child_id = std::string(child_id);
  event.lead_id = facts.lead_id;
  event.kind = "screen.confirm";
  event.payload = {{"categories", confirmed}, {"colour", nullptr}, {"reason", c.reason}};
  events.push_back(std::move(event));
  return events;
}

void set_confirmed_colour(Event& confirm, std::optional<Colour> colour) {
  confirm.payload["colour"] = colour ? json(std::string(to_string(*colour))) : json(nullptr);
}

Status confirm_screening(Station& station, std::string_view child_ref, const Confirmation& c) {
  if (!access::may(station.actor().role, access::Action::ConfirmScreening))
    return refuse_role(station, "{}（{}）不能认定；类别和风险等级由县级未保中心认定",
                       "{} ({}) may not confirm; the county centre confirms categories and colour");
  auto child = screened_child(station, child_ref);
  if (!child) return child.status();
  auto facts = confirmation_facts(station.db(), child.value(), station.clock().today());
  if (!facts) return facts.status();
  auto events = confirmation_events(facts.value(), child.value(), c);
  if (!events) return events.status();
  return station.write([&](WriteContext& w) {
    for (Event& event : events.value()) {
      if (event.kind == "screen.confirm") {
        // The colour the confirmation records is the state after the change above (a lowering may wait for review).
        (void)refresh_now(w.db());
        set_confirmed_colour(event, current_colour(w.db(), child.value()));
      }
      record_event(w, event);
    }
    return Status::ok();
  });
}

Result<std::vector<json>> pending_screenings(Station& station, Date as_of, bool overdue_only) {
  return pending_screenings(station.db(), station.actor(), as_of, overdue_only);
}

Result<std::vector<json>> pending_screenings(db::Database& db, const User& actor, Date as_of, bool overdue_only) {
  if (!access::may(actor.role, access::Action::ReadFiles))
    return Status::refused(trf("{} 是查看者，只能看汇总报表", "{} is a viewer: aggregate reports only", actor.name));
  const Policy& policy = stored_policy(db);
  auto query = db.prepare(
      "SELECT l.id, l.village, l.state, l.red, l.child_id, c.name, l.reporter, l.source, l.description,"
      " l.discovered_on, l.verify_due, l.verified_on, l.review_due, l.reviewed_on, l.confirm_due, l.returned_on,"
      " l.return_reason FROM leads l LEFT JOIN children c ON c.id = l.child_id"
      " WHERE l.state IN ('discovered', 'returned', 'verified', 'reviewed') ORDER BY l.discovered_on, l.id");
  std::vector<json> rows;
  while (query.step()) {
    if (!actor.covers_village(query.get_text(1))) continue;
    std::string state = query.get_text(2);
    bool red = query.get_int(3) != 0;
    // The step and its deadline as the lead's fold derived them (timeline.h fold_lead): the report's screening
    // figures count the same steps.
    const ScreeningStep waiting = step_waiting(state).value_or(ScreeningStep::Verification);
    const std::string step(command_of(waiting));
    std::string since, due;
    if (waiting == ScreeningStep::Verification) {
      since = state == "returned" ? query.get_text(15) : query.get_text(9);
      due = query.get_text(10);
    } else if (waiting == ScreeningStep::Review) {
      since = query.get_text(11);
      due = query.get_text(12);
    } else {
      since = query.get_text(13);
      due = query.get_text(14);
    }
    int overdue = days_overdue(*Date::parse(due), as_of);
    if (overdue_only && overdue == 0) continue;
    rows.push_back({{"lead_id", query.get_text(0)},
                    {"village", query.get_text(1)},
                    {"state", state},
                    {"step", step},
                    {"since", since},
                    {"due", due},
                    {"days_overdue", overdue},
                    {"escalated", escalated(red ? Colour::Red : Colour::Green, overdue, policy.schedule)},
                    {"red", red},
                    {"child_id", query.get_optional_text(4) ? json(*query.get_optional_text(4)) : json(nullptr)},
                    {"name", query.get_optional_text(5) ? json(*query.get_optional_text(5)) : json(nullptr)},
                    {"reporter", query.get_optional_text(6).value_or("")},
                    {"source", query.get_optional_text(7).value_or("")},
                    {"seen", query.get_optional_text(8).value_or("")},
                    {"return_reason", query.get_optional_text(16) ? json(*query.get_optional_text(16)) : json(nullptr)}});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    if (a["red"] != b["red"]) return a["red"].get<bool>();
    return a["days_overdue"].get<int>() > b["days_overdue"].get<int>();
  });
  return rows;
}

}  // namespace tongdang
