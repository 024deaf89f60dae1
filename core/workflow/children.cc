#include "core/workflow/children.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/base/ids.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/store/events.h"
#include "core/store/file_merge.h"
#include "core/store/profile.h"
#include "core/store/profile_edit.h"
#include "core/store/record_ref.h"
#include "core/workflow/transfer.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

std::string field_or_empty(const std::map<std::string, std::string>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string() : it->second;
}

Result<Category> category_named(std::string_view text) {
  auto category = parse_category(text);
  if (!category) return Status::invalid("category", not_a_choice(Vocabulary::Category, text));
  return *category;
}

// The age-limit rule (docs/domain.md, Categories): refused at or past the limit on `from`; ends on the limit birthday.
Result<Date> membership_end(Category category, Date birth_date, Date from) {
  int limit = category_age_limit(category);
  Date ends = birth_date.plus_years(limit);
  if (from >= ends)
    return Status::invalid("category", trf("{0}：儿童在 {1} 已满 {2} 周岁（{3} 满），不能登记为该类别",
                                           "{0}: the child is {2} or older on {1} (turned {2} on {3}); the category "
                                           "ends at that age",
                                           i18n::term(to_string(category)), from.to_string(), limit,
                                           ends.to_string()));
  return ends;
}

Event membership_event(const std::string& child_id, Category category, Date from, Date to, std::string_view reason) {
  Event event;
  event.child_id = child_id;
  event.kind = "membership.add";
  event.occurred_on = from.to_string();
  event.payload = {{"category", to_string(category)}, {"from", from.to_string()}, {"to", to.to_string()},
                   {"reason", reason}};
  return event;
}


}  // namespace

// ---- registering ----

namespace {

// A field some roles may not write (access::field_action: the case worker) refused for them, by name.
Status check_field_authority(Station& station, const std::string& name) {
  const User& actor = station.actor();
  if (auto action = access::field_action("child", name); action && !access::may(actor.role, *action))
    return Status::refused(trf("{}（{}）不能填写{}；需要督导员或县级用户", "{} ({}) may not set {}; a supervisor or "
                               "county user must", actor.name, i18n::term(to_string(actor.role)), i18n::term(name)));
  return Status::ok();
}

// Only editable fields, plus the identity fields set once at registration, may be entered for a new child.
Status check_enterable_fields(Station& station, const NewChild& input) {
  for (const auto& [name, value] : input.fields) {
    const FieldSpec* spec = find_field(child_fields(), name);
    bool allowed = spec && (spec->editable || name == "sex" || name == "birth_date" || name == "id_number" ||
                            name == "hukou_status");
    if (!allowed) return Status::invalid(name, tr("不是可登记的字段", "is not a field that can be entered"));
    if (auto authority = check_field_authority(station, name); !authority) return authority;
  }
  return Status::ok();
}

// The entered fields, normalised, into the profile (the ID number and household registration are checked apart).
Status normalise_profile(const NewChild& input, json& profile) {
  for (const auto& [name, value] : input.fields) {
    if (name == "id_number" || name == "hukou_status") continue;
    auto normalized = normalize_field(*find_field(child_fields(), name), value);
    if (!normalized) return normalized.status();
    profile[name] = normalized.value();
  }
  return Status::ok();
}

// The village must be in this station's township and in the actor's scope.
Status check_village_in_scope(Station& station, const std::string& village) {
  const User& actor = station.actor();
  if (village.substr(0, 9) != station.township())
    return Status::invalid("village", trf("村(居) {} 不属于本站乡镇 {}", "village {} is not in this station's township {}",
                                          village, station.township()));
  if (!actor.covers_village(village))
    return Status::refused(trf("{} 不负责村(居) {}", "{} is not responsible for village {}", actor.name, village));
  return Status::ok();
}

// A registered child: the ID number is required and unique on this station; sex and date of birth come from it
// (and must match what was typed).
Status check_registered_identity(Station& station, const std::string& id_text, Date today, PreparedChild& child) {
  json& profile = child.profile;
  if (id_text.empty())
    return Status::invalid("id_number", tr("必填：身份证号（无户籍儿童请用 --hukou unregistered）",
                                           "required (for a child without household registration use "
                                           "--hukou unregistered)"));
  auto id = parse_id_number(id_text, today);
  if (!id) return id.status();
  child.warnings = id->warnings;
  profile["id_number"] = id->text;
  const std::string derived_sex(to_string(id->sex));
  if (profile.contains("sex") && !profile["sex"].is_null() && profile["sex"] != derived_sex)
    return Status::invalid("sex", trf("与身份证号不符：身份证号第17位表示{}，输入为{}",
                                      "does not match the ID number: its 17th digit says {}, you typed {}",
                                      i18n::term(derived_sex), i18n::term(profile["sex"].get<std::string>())));
  if (profile.contains("birth_date") && !profile["birth_date"].is_null() &&
      profile["birth_date"] != id->birth_date.to_string())
    return Status::invalid("birth_date", trf("与身份证号不符：身份证号中的出生日期为 {}，输入为 {}",
                                             "does not match the ID number: it gives {}, you typed {}",
                                             id->birth_date.to_string(), profile["birth_date"].get<std::string>()));
  profile["sex"] = derived_sex;
  profile["birth_date"] = id->birth_date.to_string();
  auto existing = station.db().cached("SELECT id FROM children WHERE id_number = ?1");
  existing->bind(1, id->text);
  if (existing->step())
    return Status::refused(trf("身份证号 {} 已登记（档案 {}）；同一儿童只建一个档案",
                               "ID number {} is already "
                               "registered (file {}); one file per child",
                               mask_id_number(id->text), existing->get_text(0)));
  return Status::ok();
}

// A child without household registration has no ID number, so sex and date of birth must be typed.
Status check_unregistered_identity(const std::string& id_text, const json& profile) {
  if (!id_text.empty())
    return Status::invalid("id_number", tr("无户籍儿童没有身份证号；请去掉身份证号或改为有户籍",
                                           "a child without registration has no ID number"));
  if (!profile.contains("sex") || profile["sex"].is_null())
    return Status::invalid("sex", tr("无户籍儿童必须填写性别", "required for a child without registration"));
  if (!profile.contains("birth_date") || profile["birth_date"].is_null())
    return Status::invalid("birth_date", tr("无户籍儿童必须填写出生日期", "required for a child without registration"));
  return Status::ok();
}

// The named categories, each once, every one within its age limit today.
Status add_categories(const NewChild& input, Date today, PreparedChild& child) {
  for (const auto& text : input.categories) {
    auto category = category_named(text);
    if (!category) return category.status();
    if (auto ends = membership_end(*category, child.birth_date, today); !ends) {
      if (!input.aged_out_as_warning) return ends.status();
      child.category_warnings.push_back(trf("{}；未登记该类别", "{}; that category is not recorded",
                                            ends.status().text()));
      continue;
    }
    if (std::find(child.categories.begin(), child.categories.end(), *category) == child.categories.end())
      child.categories.push_back(*category);
  }
  return Status::ok();
}

}  // namespace

Result<PreparedChild> prepare_child(Station& station, const NewChild& input) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::WriteFiles))
    return Status::refused(
        trf("{} 是查看者，不能登记儿童", "{} is a viewer and may not register children", actor.name));
  if (auto enterable = check_enterable_fields(station, input); !enterable) return enterable;
  const Date today = station.clock().today();
  PreparedChild child;
  json& profile = child.profile;
  profile = json::object();
  if (auto normalised = normalise_profile(input, profile); !normalised) return normalised;
  if (auto entered = check_required("child", profile, Presence::Entered); !entered) return entered;
  const std::string village = profile["village"];
  if (auto in_scope = check_village_in_scope(station, village); !in_scope) return in_scope;

  auto hukou_text = field_or_empty(input.fields, "hukou_status");
  auto hukou = hukou_text.empty() ? std::optional(HukouStatus::Registered) : parse_hukou_status(hukou_text);
  if (!hukou) return Status::invalid("hukou_status", not_a_choice(Vocabulary::HukouStatus, hukou_text));
  profile["hukou_status"] = std::string(to_string(*hukou));
  const std::string id_text = field_or_empty(input.fields, "id_number");
  Status identity = *hukou == HukouStatus::Registered ? check_registered_identity(station, id_text, today, child)
                                                      : check_unregistered_identity(id_text, profile);
  if (!identity) return identity;
  // A village code the table does not list for a known township is accepted with a warning (codes change between
  // vintages); normalise_profile has checked the codes themselves.
  for (const char* field : {"village", "registered_village"})
    if (profile.contains(field) && profile[field].is_string())
      if (auto checked = check_village_code(profile[field].get<std::string>(), field))
        child.warnings.insert(child.warnings.end(), checked->begin(), checked->end());

  child.birth_date = *Date::parse(profile["birth_date"].get<std::string>());
  if (child.birth_date > today)
    return Status::invalid("birth_date", tr("出生日期不能晚于今天", "must not be in the future"));
  if (child.birth_date.age_on(today) >= 18)
    return Status::invalid("birth_date", tr("已满18周岁，不属于未成年人", "the person is 18 or older, not a child"));
  if (auto categories = add_categories(input, today, child); !categories) return categories;
  child.id = station.new_id();
  profile["township"] = station.township();
  profile["status"] = "open";
  if (*hukou == HukouStatus::Unregistered) profile["temp_key"] = "TMP-" + short_record_id(child.id);
  return child;
}

void insert_child(WriteContext& w, const PreparedChild& child) {
  write_profile_fields(w, {"child", child.id, child.id, child.profile, /*create=*/true});
  const Date today = w.station().clock().today();
  for (Category category : child.categories) {
    Date to = child.birth_date.plus_years(category_age_limit(category));
    Event event = membership_event(child.id, category, today, to, "");
    record_event(w, event);
  }
}

Result<AddedChild> add_child(Station& station, const NewChild& input) {
  auto prepared = prepare_child(station, input);
  if (!prepared) return prepared.status();
  Status written = station.write([&](WriteContext& w) {
    insert_child(w, prepared.value());
    return Status::ok();
  });
  if (!written) return written;
  return AddedChild{prepared->id, prepared->warnings};
}

// ---- finding and showing ----

namespace {

// A merged-away file stands for its survivor (core/store/file_merge.h): a lookup by its id, short id or ID number
// finds the survivor. A survivor in another township is not held here: the lookup says where the file went.
Result<std::string> follow_merges(db::Database& db, const std::string& id) {
  const std::string survivor = file_merge::survivor_of(db, id);
  if (survivor == id) return id;
  auto held = db.cached("SELECT 1 FROM children WHERE id = ?1");
  held->bind(1, survivor);
  if (held->step()) return survivor;
  const auto merge = file_merge::standing_merge(db, id);
  return Status::refused(trf("档案 {} 已合并到乡镇 {} 的档案 {}，该档案不在本站",
                             "file {} was merged into file {} of township {}, which this station does not hold",
                             short_record_id(id), merge ? merge->survivor_township : "", short_record_id(survivor)));
}

}  // namespace

Result<std::string> resolve_child(Station& station, std::string_view ref) {
  if (ref.empty()) return Status::invalid("child", tr("需要儿童编号或身份证号", "a child id or ID number is needed"));
  auto& db = station.db();
  if (looks_like_uuid(ref)) {
    auto query = db.cached("SELECT id FROM children WHERE id = ?1");
    query->bind(1, ref);
    if (query->step()) return follow_merges(db, query->get_text(0));
    query->reset();
    // A file of another township merged into one held here: only its merge event is here, and it finds the survivor.
    if (file_merge::standing_merge(db, ref)) return follow_merges(db, std::string(ref));
  }
  // An ID number typed with full-width digits or spaces finds the file as the same number typed plainly.
  std::string upper = normalize_id_number_text(ref);
  if (upper.size() != 18) upper = std::string(ref);
  auto by_key = db.cached("SELECT id FROM children WHERE id_number = ?1 OR temp_key = ?1");
  by_key->bind(1, upper);
  // Two files of one number are one child once merged: the number finds the survivor.
  std::set<std::string> found, here;
  while (by_key->step()) found.insert(file_merge::survivor_of(db, by_key->get_text(0)));
  by_key->reset();
  if (found.size() == 1) return follow_merges(db, *found.begin());
  // Several: a file of this township is the one meant. Another township's copy is a read-only record held here (a
  // file merged into one of ours and unmerged since, or one that was transferred away).
  if (found.size() > 1) {
    auto township = db.cached("SELECT township FROM children WHERE id = ?1");
    for (const auto& id : found) {
      township->bind(1, id);
      if (township->step() && township->get_text(0) == station.township()) here.insert(id);
      township->reset();
    }
    if (here.size() == 1) return follow_merges(db, *here.begin());
  }
  // A number corrected since still finds its file (child set-id).
  if (upper.size() == 18)
    if (auto corrected = child_by_previous_id_number(db, upper)) return follow_merges(db, *corrected);
  if (ref.size() >= 4 && ref.size() < 36) {
    auto id = resolve_record_ref(db, "children", ref, "child", "儿童", "child");
    if (!id) return id;
    return follow_merges(db, id.value());
  }
  return Status::not_found(trf("找不到儿童 {}", "no child {}", ref));
}

std::vector<std::string> active_categories(db::Database& db, std::string_view child_id, Date on) {
  auto query = db.cached(
      "SELECT DISTINCT category FROM memberships WHERE child_id = ?1 AND from_date <= ?2 AND ?2 < to_date"
      " ORDER BY category");
  query->bind(1, child_id).bind(2, on.to_string());
  std::vector<std::string> categories;
  while (query->step()) categories.push_back(query->get_text(0));
  return categories;
}

std::optional<Colour> current_colour(db::Database& db, std::string_view child_id) {
  auto query = db.cached("SELECT colour FROM child_state WHERE child_id = ?1");
  query->bind(1, child_id);
  if (!query->step() || query->is_null(0)) return std::nullopt;
  return parse_colour(query->get_text(0));
}

Status check_child_access(Station& station, std::string_view child_id, bool for_write) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::ReadFiles))
    return Status::refused(trf("{} 是查看者，只能看汇总报表", "{} is a viewer: aggregate reports only", actor.name));
  auto query = station.db().cached("SELECT village, township FROM children WHERE id = ?1");
  query->bind(1, child_id);
  if (!query->step()) return Status::not_found(trf("找不到儿童 {}", "no child {}", child_id));
  std::string village = query->get_text(0);
  const bool here = query->get_text(1) == station.township();
  query->reset();
  // A file transferred to another township stays here as a read-only record (docs/design.md "Transfers").
  if (for_write && !here) {
    if (auto transfer = latest_transfer(station.db(), child_id))
      return Status::refused(trf("该档案已于 {} 转移至村(居) {}，本站只保留只读记录", "the file was transferred to "
                                 "village {1} on {0}; this station keeps a read-only record", transfer->on, village));
    // Another township's file held here because it was merged into one of this township's files.
    return Status::refused(trf("该档案属于村(居) {}，本站只保留只读记录", "the file belongs to village {}; this station "
                               "keeps a read-only record", village));
  }
  if (!access::bounded_by_villages(actor.role)) return Status::ok();
  if (!actor.covers_village(village))
    return Status::refused(trf("{} 不负责村(居) {}，不能{}该儿童档案", "{} is not responsible for village {} and may "
                               "not {} this file", actor.name, village,
                               for_write ? tr("修改", "change") : tr("查看", "open")));
  return Status::ok();
}

namespace {

json membership_rows(db::Database& db, std::string_view child_id, Date today, json& active) {
  json rows = json::array();
  active = json::array();
  auto query = db.cached(
      "SELECT category, from_date, to_date, reason, confirmed_by, confirmed_on, ended_reason FROM memberships"
      " WHERE child_id = ?1 ORDER BY from_date, category");
  query->bind(1, child_id);
  const std::string on = today.to_string();
  while (query->step()) {
    std::string category = query->get_text(0);
    bool is_active = query->get_text(1) <= on && on < query->get_text(2);
    rows.push_back({{"category", category},
                    {"from", query->get_text(1)},
                    {"to", query->get_text(2)},
                    {"active", is_active},
                    {"reason", query->get_text(3)},
                    {"confirmed_by", query->get_optional_text(4) ? json(*query->get_optional_text(4)) : json()},
                    {"ended_reason", query->get_optional_text(6) ? json(*query->get_optional_text(6)) : json()}});
    if (is_active && std::find(active.begin(), active.end(), category) == active.end()) active.push_back(category);
  }
  return rows;
}

}  // namespace

json relative_rows(db::Database& db, std::string_view child_id, bool full_id) {
  json rows = json::array();
  auto query = db.cached("SELECT id FROM relatives WHERE child_id = ?1 ORDER BY created_at, id");
  query->bind(1, child_id);
  std::vector<std::string> ids;
  while (query->step()) ids.push_back(query->get_text(0));
  for (const auto& id : ids) {
    json row = read_profile(db, "relative", id);
    row.erase("child_id");
    row["id"] = id;
    if (!full_id && row["id_number"].is_string()) row["id_number"] = mask_id_number(row["id_number"].get<std::string>());
    rows.push_back(row);
  }
  return rows;
}

namespace {

json child_view(Station& station, const std::string& id, bool full_id, bool with_relatives) {
  auto& db = station.db();
  json view = read_profile(db, "child", id);
  view["id"] = id;
  const Date today = station.clock().today();
  if (auto birth = Date::parse(view.value("birth_date", ""))) view["age"] = birth->age_on(today);
  if (!full_id && view["id_number"].is_string()) view["id_number"] = mask_id_number(view["id_number"].get<std::string>());
  json active;
  view["memberships"] = membership_rows(db, id, today, active);
  view["categories"] = active;
  auto colour = current_colour(db, id);
  view["colour"] = colour ? json(std::string(to_string(*colour))) : json(nullptr);
  if (with_relatives) view["relatives"] = relative_rows(db, id, full_id);
  if (view.value("township", "") != station.township()) {
    if (auto transfer = latest_transfer(db, id))
      view["transferred"] = {{"on", transfer->on}, {"to_village", transfer->to_village},
                             {"from_village", transfer->from_village}, {"reason", transfer->reason},
                             {"by", transfer->by}};
  }
  json previous = json::array();
  for (const auto& number : previous_id_numbers(db, id)) previous.push_back(full_id ? number : mask_id_number(number));
  if (!previous.empty()) view["previous_id_numbers"] = previous;
  if (view.value("status", "") == "closed") {
    auto closing = child_events(db, id, "file.close");
    if (!closing.empty() && closing.back().payload.value("kind", "") == kMovedOutOfCounty)
      view["moved_out"] = {{"destination", closing.back().payload.value("destination", "")},
                           {"on", closing.back().occurred_on}};
  }
  return view;
}

Status check_full_id(Station& station, bool full_id) {
  if (full_id && !access::may(station.actor().role, access::Action::SeeFullIdNumbers))
    return Status::refused(trf("{}（{}）无权查看完整身份证号", "{} ({}) may not see full ID numbers",
                               station.actor().name, i18n::term(to_string(station.actor().role))));
  return Status::ok();
}

}  // namespace

Result<json> show_child(Station& station, std::string_view ref, bool full_id) {
  if (auto allowed = check_full_id(station, full_id); !allowed) return allowed;
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), false); !access) return access;
  json view = child_view(station, id.value(), full_id, true);
  if (view["colour"] == "red") station.audit_read("file.open_red", "child", id.value());
  if (full_id) station.audit_read("file.open_full_id", "child", id.value());
  return view;
}

Status for_each_child(Station& station, const ChildFilter& filter, bool full_id,
                      const std::function<void(const json&)>& each) {
  if (auto allowed = check_full_id(station, full_id); !allowed) return allowed;
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::ReadFiles))
    return Status::refused(trf("{} 是查看者，只能看汇总报表", "{} is a viewer: aggregate reports only", actor.name));
  if (filter.village) {
    if (auto checked = check_village_code(*filter.village, "village"); !checked) return checked.status();
  }
  // Files transferred to another township stay here read-only and leave the lists.
  std::string sql = "SELECT id, village FROM children c WHERE township = ?4";
  if (!filter.include_closed) sql += " AND status = 'open'";
  if (filter.village) sql += " AND village = ?1";
  if (filter.category)
    sql += " AND EXISTS (SELECT 1 FROM memberships m WHERE m.child_id = c.id AND m.category = ?2"
           " AND m.from_date <= ?3 AND ?3 < m.to_date)";
  sql += " ORDER BY village, name, id";
  auto query = station.db().prepare(sql);
  if (filter.village) query.bind(1, *filter.village);
  if (filter.category) query.bind(2, to_string(*filter.category)).bind(3, station.clock().today().to_string());
  query.bind(4, station.township());
  std::vector<std::string> ids;
  while (query.step())
    if (actor.covers_village(query.get_text(1))) ids.push_back(query.get_text(0));
  // The ids first (a few MB for 100,000 children): child_view reads the database while this query would be open.
  for (const auto& id : ids) each(child_view(station, id, full_id, true));
  if (full_id) station.audit_read("file.list_full_id", "child", "");
  return Status::ok();
}

Result<std::vector<json>> list_children(Station& station, const ChildFilter& filter, bool full_id) {
  std::vector<json> rows;
  Status listed = for_each_child(station, filter, full_id, [&](const json& child) { rows.push_back(child); });
  if (!listed) return listed;
  return rows;
}

// ---- changing ----

Result<json> child_changes(Station& station, std::string_view child_id, const std::map<std::string, std::string>& sets) {
  const std::string id(child_id);
  if (auto access = check_child_access(station, id, true); !access) return access;
  json fields = json::object();
  for (const auto& [name, raw] : sets) {
    const FieldSpec* spec = find_field(child_fields(), name);
    if (!spec) return Status::invalid(name, tr("不是儿童档案的字段", "is not a field of the child file"));
    if (!spec->editable)
      return Status::invalid(name, tr("不能直接修改（身份证号、性别、出生日期由身份证号确定；结案用 child close）",
                                      "cannot be changed directly (ID number, sex and date of birth come from the ID "
                                      "number; use child close to close)"));
    if (auto allowed = check_field_authority(station, name); !allowed) return allowed;
    auto value = normalize_field(*spec, raw);
    if (!value) return value.status();
    if (auto kept = check_not_emptied("child", json{{name, value.value()}}); !kept) return kept;
    if (name == "village") {
      std::string village = value.value();
      if (village.substr(0, 9) != station.township())
        return Status::refused(trf("村(居) {0} 不属于本乡镇；跨乡镇迁移请由督导员或县级办理：tongdang transfer 儿童 "
                                   "--to-village {0} --reason 原因", "village {0} is outside this township; a move to "
                                   "another township is a transfer by a supervisor or the county: tongdang transfer "
                                   "CHILD --to-village {0} --reason WHY", village));
      if (!station.actor().covers_village(village))
        return Status::refused(trf("{} 不负责村(居) {}", "{} is not responsible for village {}", station.actor().name, village));
    }
    fields[name] = value.value();
  }
  json current = read_profile(station.db(), "child", id);
  json changed = json::object();
  for (const auto& [name, value] : fields.items())
    if (current[name] != value) changed[name] = value;
  return changed;
}

void write_child_changes(WriteContext& w, std::string_view child_id, const json& changed) {
  const std::string id(child_id);
  write_profile_fields(w, {"child", id, id, changed});
}

Status edit_child(Station& station, std::string_view ref, const std::map<std::string, std::string>& sets) {
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  if (sets.empty()) return Status::invalid("set", tr("没有要修改的字段（--set 字段=值）", "nothing to change (--set FIELD=VALUE)"));
  auto changed = child_changes(station, id.value(), sets);
  if (!changed) return changed.status();
  if (changed->empty()) return Status::ok();
  return station.write([&](WriteContext& w) {
    write_child_changes(w, id.value(), changed.value());
    return Status::ok();
  });
}

Status close_child(Station& station, std::string_view ref, std::string_view reason, std::string_view note) {
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  if (reason.empty()) return Status::invalid("reason", tr("结案必须写明原因", "closing a file needs a reason"));
  auto key = parse_choice(Vocabulary::CloseReason, reason);
  if (!key) return Status::invalid("reason", not_a_choice(Vocabulary::CloseReason, reason));
  // A void is never a silent delete: whoever voids a file says why it was wrong.
  if (*key == "entered_in_error" && note.empty())
    return Status::invalid("note", tr("误录作废必须写明说明（哪里录错了）", "a file entered in error needs a note saying "
                                      "what was wrong"));
  auto status = read_profile(station.db(), "child", id.value(), {"status", "birth_date"});
  if (status["status"] == "closed") return Status::refused(tr("该档案已结案", "the file is already closed"));
  // Aged out is a fact of the rule, which the server checks again: every category has ended at its age limit.
  if (*key == kAgedOut) {
    auto birth = Date::parse(status.value("birth_date", ""));
    if (!birth || !aged_out_on(membership_spans(station.db(), id.value()), *birth, station.clock().today()))
      return Status::refused(tr("该儿童仍有未到龄的类别（或最后的类别是人工结束的），不能以“超龄”结案；请选择其他原因",
                                "the child still holds a category before its age limit (or the last one was ended "
                                "by hand): the file cannot close as aged out; choose another reason"));
  }
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = id.value();
    event.kind = "file.close";
    event.payload = {{"reason", std::string(*key)}};
    if (!note.empty()) event.payload["note"] = std::string(note);
    record_event(w, event);
    return Status::ok();
  });
}

std::string aged_out_close_id(std::string_view child_id, Date ends_on) {
  return name_based_record_id(fmt::format("file.close/{}/{}/{}", kAgedOut, child_id, ends_on.to_string()));
}

std::vector<MembershipSpan> membership_spans(db::Database& db, std::string_view child_id) {
  auto query = db.cached("SELECT category, from_date, to_date FROM memberships WHERE child_id = ?1");
  query->bind(1, child_id);
  std::vector<MembershipSpan> spans;
  while (query->step()) {
    auto category = parse_category(query->get_text(0));
    auto from = Date::parse(query->get_text(1));
    auto to = Date::parse(query->get_text(2));
    if (category && from && to) spans.push_back({*category, *from, *to});
  }
  query->reset();
  return spans;
}

Result<std::vector<std::string>> settle_aged_out(Station& station) {
  const User& actor = station.actor();
  std::vector<std::string> closed;
  if (!access::may(actor.role, access::Action::WriteFiles)) return closed;
  auto& db = station.db();
  const Date today = station.clock().today();
  // The events table grows with every fact that could change the answer (a membership, a reopening, a new or
  // pulled file); unchanged since this user's settle today, the answer is the same.
  // The mark: today and the newest event row, when this user's settle last ran.
  auto mark = [&](db::Database& on) {
    auto newest = on.cached("SELECT coalesce(max(rowid), 0) FROM events");
    newest->step();
    const std::string value = fmt::format("{} {}", today.to_string(), newest->get_int(0));
    newest->reset();
    return value;
  };
  const std::string mark_key = "settled_aged_out:" + actor.name;
  if (station.meta(mark_key) == mark(db)) return closed;

  // Open files of this township with memberships, none of them running today or later.
  auto query = db.prepare(
      "SELECT c.id, c.village, c.birth_date FROM children c WHERE c.township = ?1 AND c.status = 'open'"
      " AND EXISTS (SELECT 1 FROM memberships m WHERE m.child_id = c.id)"
      " AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.child_id = c.id AND m.to_date > ?2) ORDER BY c.id");
  query.bind(1, station.township()).bind(2, today.to_string());
  std::vector<std::pair<std::string, Date>> due;
  while (query.step()) {
    if (!actor.covers_village(query.get_text(1))) continue;  // a director settles their own villages
    auto birth = Date::parse(query.get_text(2));
    if (!birth) continue;
    const std::string child = query.get_text(0);
    if (auto ends = aged_out_on(membership_spans(db, child), *birth, today)) due.emplace_back(child, *ends);
  }
  Status written = station.write([&](WriteContext& w) {
    auto known = w.db().cached("SELECT 1 FROM events WHERE id = ?1");
    for (const auto& [child, ends] : due) {
      Event event;
      event.id = aged_out_close_id(child, ends);
      known->bind(1, event.id);
      const bool seen = known->step();
      known->reset();
      if (seen) continue;  // closed for this end date once (here or elsewhere), and reopened since
      event.child_id = child;
      event.kind = "file.close";
      event.occurred_on = ends.to_string();
      event.payload = {{"reason", std::string(kAgedOut)}, {"automatic", true}};
      record_event(w, event);
      closed.push_back(child);
    }
    station.set_meta(mark_key, mark(w.db()));
    return Status::ok();
  });
  if (!written) return written;
  return closed;
}

Status reopen_child(Station& station, std::string_view ref, std::string_view reason) {
  const User& actor = station.actor();
  if (!access::may(actor.role, access::Action::ReopenFile))
    return Status::refused(trf("{}（{}）不能重新开案；需要督导员或县级用户", "{} ({}) may not reopen a file; a supervisor "
                               "or county user must", actor.name, i18n::term(to_string(actor.role))));
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  if (reason.empty()) return Status::invalid("reason", tr("重新开案必须写明原因", "reopening a file needs a reason"));
  auto status = read_profile(station.db(), "child", id.value(), {"status"});
  if (status["status"] != "closed") return Status::refused(tr("该档案没有结案", "the file is not closed"));
  // The reopen names the close it undoes (file_merge::refresh_file_status): an automatic close has one id on every
  // station, and the copy the server keeps may carry a later stamp than this reopen.
  const std::vector<Event> closes = child_events(station.db(), id.value(), "file.close");
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = id.value();
    event.kind = "file.reopen";
    event.payload = {{"reason", std::string(reason)}};
    if (!closes.empty()) event.payload["closes"] = closes.back().id;
    record_event(w, event);
    return Status::ok();
  });
}

Status add_membership(Station& station, std::string_view ref, std::string_view category_text, std::optional<Date> from,
                      std::string_view reason) {
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  auto category = category_named(category_text);
  if (!category) return category.status();
  json profile = read_profile(station.db(), "child", id.value(), {"birth_date"});
  Date birth = *Date::parse(profile["birth_date"].get<std::string>());
  Date start = from.value_or(station.clock().today());
  auto ends = membership_end(*category, birth, start);
  if (!ends) return ends.status();
  auto open = station.db().cached(
      "SELECT 1 FROM memberships WHERE child_id = ?1 AND category = ?2 AND from_date <= ?3 AND ?3 < to_date");
  open->bind_all(id.value(), std::string(to_string(*category)), start.to_string());
  if (open->step()) return Status::refused(trf("该儿童已有有效的{}类别", "the child already holds {}",
                                               i18n::term(to_string(*category))));
  open->reset();
  return station.write([&](WriteContext& w) {
    Event event = membership_event(id.value(), *category, start, ends.value(), reason);
    record_event(w, event);
    return Status::ok();
  });
}

Status end_membership(Station& station, std::string_view ref, std::string_view category_text, std::optional<Date> to,
                      std::string_view reason) {
  auto id = resolve_child(station, ref);
  if (!id) return id.status();
  if (auto access = check_child_access(station, id.value(), true); !access) return access;
  auto category = category_named(category_text);
  if (!category) return category.status();
  if (reason.empty()) return Status::invalid("reason", tr("需要写明原因", "a reason is needed"));
  Date end = to.value_or(station.clock().today());
  auto open = station.db().cached("SELECT 1 FROM memberships WHERE child_id = ?1 AND category = ?2 AND to_date > ?3");
  open->bind_all(id.value(), std::string(to_string(*category)), end.to_string());
  if (!open->step()) return Status::not_found(trf("该儿童没有有效的{}类别", "the child holds no open {}",
                                                  i18n::term(to_string(*category))));
  open->reset();
  return station.write([&](WriteContext& w) {
    Event event;
    event.child_id = id.value();
    event.kind = "membership.end";
    event.occurred_on = end.to_string();
    event.payload = {{"category", to_string(*category)}, {"to", end.to_string()}, {"reason", reason}};
    record_event(w, event);
    return Status::ok();
  });
}

// ---- relatives ----

namespace {

Result<json> normalize_relative(Station& station, const std::map<std::string, std::string>& fields, bool creating) {
  json out = json::object();
  for (const auto& [name, raw] : fields) {
    const FieldSpec* spec = find_field(relative_fields(), name);
    if (!spec || !spec->editable) return Status::invalid(name, tr("不是家庭成员的字段", "is not a field of a relative"));
    auto value = normalize_field(*spec, raw);
    if (!value) return value.status();
    if (name == "id_number" && value.value().is_string()) {
      auto id = parse_id_number(value.value().get<std::string>(), station.clock().today());
      if (!id) return id.status();
      value = json(id->text);
    }
    out[name] = value.value();
  }
  if (creating) {
    if (auto entered = check_required("relative", out, Presence::Entered); !entered) return entered;
    if (!out.contains("is_guardian")) out["is_guardian"] = out["relation"] == "guardian";
  }
  if (out.contains("status") && out["status"] == "working_away" && creating && (!out.contains("place") || out["place"].is_null()))
    return Status::invalid("place", tr("外出务工需填写务工地点", "working away needs the place"));
  return out;
}

}  // namespace

Result<std::string> add_relative(Station& station, std::string_view child_ref,
                                 const std::map<std::string, std::string>& fields) {
  auto child = resolve_child(station, child_ref);
  if (!child) return child.status();
  if (auto access = check_child_access(station, child.value(), true); !access) return access;
  auto values = normalize_relative(station, fields, true);
  if (!values) return values.status();
  std::string id = station.new_id();
  Status written = station.write([&](WriteContext& w) {
    insert_relative(w, id, child.value(), values.value());
    return Status::ok();
  });
  if (!written) return written;
  return id;
}

Result<json> prepare_relative(Station& station, const std::map<std::string, std::string>& fields) {
  return normalize_relative(station, fields, true);
}

void insert_relative(WriteContext& w, std::string_view relative_id, std::string_view child_id, const json& relative) {
  json row = relative;
  row["child_id"] = child_id;
  write_profile_fields(w, {"relative", relative_id, child_id, row, /*create=*/true});
}

Status edit_relative(Station& station, std::string_view relative_id, const std::map<std::string, std::string>& sets) {
  auto found = resolve_record_ref(station.db(), "relatives", relative_id, "relative", "家庭成员", "relative");
  if (!found) return found.status();
  const std::string id = found.value();
  auto query = station.db().cached("SELECT child_id FROM relatives WHERE id = ?1");
  query->bind(1, id);
  if (!query->step()) return Status::not_found(trf("找不到家庭成员 {}", "no relative {}", relative_id));
  const std::string child_id = query->get_text(0);
  query->reset();
  if (auto access = check_child_access(station, child_id, true); !access) return access;
  if (sets.empty()) return Status::invalid("set", tr("没有要修改的字段（--set 字段=值）", "nothing to change (--set FIELD=VALUE)"));
  auto values = normalize_relative(station, sets, false);
  if (!values) return values.status();
  if (auto kept = check_not_emptied("relative", values.value()); !kept) return kept;
  // Emptying "guardian" means not the guardian: the flag is never null (relatives.is_guardian NOT NULL DEFAULT 0).
  if (values.value().contains("is_guardian") && values.value()["is_guardian"].is_null())
    values.value()["is_guardian"] = false;
  return station.write([&](WriteContext& w) {
    write_profile_fields(w, {"relative", id, child_id, values.value()});
    return Status::ok();
  });
}

}  // namespace tongdang
