#include "core/store/profile.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/division.h"
#include "core/model/labels.h"
#include "core/model/model.h"
#include "core/store/projection.h"

namespace tongdang {

using i18n::trf;
using nlohmann::json;

const std::vector<FieldSpec>& child_fields() {
  static const std::vector<FieldSpec> fields = {
      {"township", FieldKind::Text, false, "", text_rules::kCode, Presence::Stored},
      {"village", FieldKind::Village, true, "", text_rules::kCode, Presence::Entered},
      {"name", FieldKind::Text, true, "", text_rules::kPersonName, Presence::Entered},
      {"sex", FieldKind::Choice, false, "sex", text_rules::kCode, Presence::Stored},
      {"ethnicity", FieldKind::Text, true, "", text_rules::kShort},
      {"birth_date", FieldKind::Date, false, "", text_rules::kCode, Presence::Stored},
      {"id_number", FieldKind::Text, false, "", text_rules::kCode},
      {"hukou_status", FieldKind::Choice, false, "hukou_status", text_rules::kCode},
      {"temp_key", FieldKind::Text, false, "", text_rules::kCode},
      {"registered_village", FieldKind::Village, true, "", text_rules::kCode},
      {"registered_address", FieldKind::Text, true, "", text_rules::kAddress},
      {"current_address", FieldKind::Text, true, "", text_rules::kAddress},
      {"school", FieldKind::Text, true, "", text_rules::kLine},
      {"grade", FieldKind::Text, true, "", text_rules::kShort},
      {"schooling", FieldKind::Choice, true, "schooling", text_rules::kCode},
      {"boarding", FieldKind::Bool, true, "", text_rules::kCode},
      {"health", FieldKind::Text, true, "", text_rules::kLine},
      {"disability_type", FieldKind::Text, true, "", text_rules::kShort},
      {"disability_grade", FieldKind::Integer, true, "", text_rules::kCode},
      {"disability_cert", FieldKind::Text, true, "", text_rules::kCode},
      {"phone", FieldKind::Text, true, "", text_rules::kCode},
      {"photo_ref", FieldKind::Text, true, "", text_rules::kLine},
      {"household_income", FieldKind::Text, true, "", text_rules::kLine},
      {"benefits", FieldKind::Text, true, "", text_rules::kLine},
      {"case_worker", FieldKind::Text, true, "", text_rules::kPersonName},
      {"status", FieldKind::Text, false, "", text_rules::kCode},
      {"closed_reason", FieldKind::Text, false, "", text_rules::kReason},
      {"closed_on", FieldKind::Date, false, "", text_rules::kCode},
  };
  return fields;
}

const std::vector<FieldSpec>& relative_fields() {
  static const std::vector<FieldSpec> fields = {
      {"child_id", FieldKind::Text, false, "", text_rules::kCode, Presence::Stored},
      {"relation", FieldKind::Choice, true, "relation", text_rules::kCode, Presence::Entered},
      {"name", FieldKind::Text, true, "", text_rules::kPersonName, Presence::Entered},
      {"id_number", FieldKind::Text, true, "", text_rules::kCode},
      {"phone", FieldKind::Text, true, "", text_rules::kCode},
      {"status", FieldKind::Choice, true, "relative_status", text_rules::kCode, Presence::Entered},
      {"place", FieldKind::Text, true, "", text_rules::kAddress},
      {"since", FieldKind::Date, true, "", text_rules::kCode},
      {"until", FieldKind::Date, true, "", text_rules::kCode},
      {"capacity", FieldKind::Choice, true, "capacity", text_rules::kCode},
      {"is_guardian", FieldKind::Bool, true, "", text_rules::kCode},
      {"address", FieldKind::Text, true, "", text_rules::kAddress},
      {"notes", FieldKind::Text, true, "", text_rules::kNotes},
  };
  return fields;
}

const FieldSpec* find_field(const std::vector<FieldSpec>& fields, std::string_view name) {
  auto it = std::find_if(fields.begin(), fields.end(), [&](const FieldSpec& f) { return f.name == name; });
  return it == fields.end() ? nullptr : &*it;
}

const std::vector<FieldSpec>& fields_of(std::string_view entity) {
  return entity == "child" ? child_fields() : relative_fields();
}

Status check_required(std::string_view entity, const json& fields, Presence presence) {
  for (const auto& spec : fields_of(entity)) {
    if (spec.presence == Presence::Optional || (presence == Presence::Entered && spec.presence != Presence::Entered))
      continue;
    const std::string name(spec.name);
    if (!fields.contains(name) || fields[name].is_null())
      return Status::invalid(name, trf("必填：{}", "required: {}", i18n::term(name)));
  }
  return Status::ok();
}

Status check_not_emptied(std::string_view entity, const json& fields) {
  for (const auto& [name, value] : fields.items()) {
    const FieldSpec* spec = find_field(fields_of(entity), name);
    if (spec && spec->required() && value.is_null()) return Status::invalid(name, i18n::tr("不能为空", "must not be empty"));
  }
  return Status::ok();
}

Status check_stored_fields(std::string_view entity, const json& fields, bool creating) {
  using i18n::tr;
  const auto& specs = fields_of(entity);
  for (const auto& [name, value] : fields.items()) {
    const FieldSpec* spec = find_field(specs, name);
    if (!spec) return Status::invalid(name, tr("不是已知字段", "is not a known field"));
    if (!creating && !spec->editable)
      return Status::invalid(name, tr("不能直接修改（由身份证号或事件决定）", "cannot be edited directly"));
    if (value.is_null()) {
      if (spec->required()) return Status::invalid(name, tr("不能为空", "must not be empty"));
      continue;
    }
    std::string raw;
    if (value.is_string()) raw = value.get<std::string>();
    else if (value.is_boolean()) raw = value.get<bool>() ? "true" : "false";
    else if (value.is_number_integer()) raw = std::to_string(value.get<std::int64_t>());
    else return Status::invalid(name, tr("值的类型不对", "has a value of the wrong type"));
    auto normalized = normalize_field(*spec, raw);
    if (!normalized) return normalized.status();
    if (normalized.value() != value) return Status::invalid(name, tr("值不是规范形式", "is not in its normal form"));
  }
  if (!creating) return Status::ok();
  for (const auto& spec : specs)
    if (spec.required() && (!fields.contains(std::string(spec.name)) || fields[std::string(spec.name)].is_null()))
      return Status::invalid(std::string(spec.name), tr("新建档案时必填", "required when a record is created"));
  return Status::ok();
}

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::string_view table_of(std::string_view entity) { return entity == "child" ? "children" : "relatives"; }

}  // namespace

Result<json> normalize_field(const FieldSpec& spec, std::string_view raw_text) {
  std::string_view raw = trim(raw_text);
  const std::string field(spec.name);
  if (raw.empty()) return json(nullptr);
  // Length and characters first, for every kind: a date or a choice with an escape in it is refused for that, and
  // no error message below repeats a megabyte of input.
  if (auto checked = check_text(field, raw, spec.text); !checked) return checked;
  switch (spec.kind) {
    case FieldKind::Text:
      return json(std::string(raw));
    case FieldKind::Date: {
      auto date = Date::parse(raw);
      if (!date) return Status::invalid(field, trf("'{}' 不是有效日期（应为 YYYY-MM-DD）", "'{}' is not a valid date "
                                                   "(expected YYYY-MM-DD)", raw));
      return json(date->to_string());
    }
    case FieldKind::Bool: {
      for (std::string_view yes : {"1", "true", "yes", "y", "是", "Y", "TRUE", "Yes"})
        if (raw == yes) return json(true);
      for (std::string_view no : {"0", "false", "no", "n", "否", "N", "FALSE", "No"})
        if (raw == no) return json(false);
      return Status::invalid(field, trf("'{}' 应为 是/否", "'{}' must be yes or no", raw));
    }
    case FieldKind::Integer: {
      int value = 0;
      auto [end, error] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
      if (error != std::errc() || end != raw.data() + raw.size())
        return Status::invalid(field, trf("'{}' 不是整数", "'{}' is not a whole number", raw));
      return json(value);
    }
    case FieldKind::Village: {
      auto checked = check_village_code(raw, spec.name);
      if (!checked) return checked.status();
      return json(std::string(raw));
    }
    case FieldKind::Choice: {
      auto vocabulary = vocabulary_named(spec.choice);
      if (!vocabulary) return Status::internal("field " + field + " names no vocabulary");
      auto key = parse_choice(*vocabulary, raw);
      if (!key) return Status::invalid(field, not_a_choice(*vocabulary, raw));
      return json(std::string(*key));
    }
  }
  return Status::internal("unknown field kind");
}

namespace {

// UPDATEs the given fields of an existing row, or INSERTs a new one (with `created_by` unless empty or among the
// fields); then the derived rows that read it.
void write_profile_row(db::Database& db, std::string_view entity, std::string_view id, const json& fields,
                       std::string_view now_iso, bool update, std::string_view created_by = {}) {
  const auto& specs = fields_of(entity);
  // The columns written and their values, pointing into `fields` (no copies: a ledger import writes thousands).
  std::vector<std::pair<const std::string*, const json*>> columns;
  columns.reserve(fields.size());
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    const std::string& name = it.key();
    const bool stamp = name == "created_at" || name == "created_by";
    // Column names come only from our own field table, never from input, so building SQL here is safe.
    if (stamp ? !update : find_field(specs, name) != nullptr) columns.emplace_back(&name, &it.value());
  }
  const bool add_created_by = !update && !created_by.empty() && !fields.contains("created_by");
  // Plain appends rather than fmt: a ledger import builds this text thousands of times (the statement itself is
  // prepared once per distinct text and cached).
  std::string sql;
  if (update) {
    sql.append("UPDATE ").append(table_of(entity)).append(" SET updated_at = ?2");
    for (std::size_t i = 0; i < columns.size(); ++i)
      sql.append(", ").append(*columns[i].first).append(" = ?").append(std::to_string(i + 3));
    sql.append(" WHERE id = ?1");
  } else {
    std::string names = "id, updated_at";
    std::string placeholders = "?1, ?2";
    if (!fields.contains("created_at")) {
      names += ", created_at";
      placeholders += ", ?2";
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      names.append(", ").append(*columns[i].first);
      placeholders.append(", ?").append(std::to_string(i + 3));
    }
    if (add_created_by) {
      names.append(", created_by");
      placeholders.append(", ?").append(std::to_string(columns.size() + 3));
    }
    sql.append("INSERT INTO ").append(table_of(entity)).append("(").append(names).append(") VALUES(");
    sql.append(placeholders).append(")");
  }
  auto statement = db.cached(sql);
  // The id, the time and the values (held by `fields`) outlive run(): bound without copies.
  statement->bind_static(1, id).bind_static(2, now_iso);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const json& value = *columns[i].second;
    int index = static_cast<int>(i) + 3;
    if (value.is_null()) statement->bind_null(index);
    else if (value.is_boolean()) statement->bind(index, value.get<bool>() ? 1 : 0);
    else if (value.is_number_integer()) statement->bind(index, value.get<std::int64_t>());
    else if (value.is_string()) statement->bind_static(index, value.get_ref<const std::string&>());
    else statement->bind(index, value.dump());
  }
  if (add_created_by) statement->bind_static(static_cast<int>(columns.size()) + 3, created_by);
  statement->run();
  if (entity != "child") return;
  // What is derived from the child's profile (its village, its case worker, a profile that arrived after its
  // events) is refreshed by the registered projections (projection.h).
  const bool case_worker = fields.contains("case_worker");
  if (ProjectionBatch* batch = ProjectionBatch::open_on(db)) batch->profile_written(id, !update, case_worker);
  else with_batch(db, [&](ProjectionBatch& own) { own.profile_written(id, !update, case_worker); });
}

}  // namespace

void upsert_profile(db::Database& db, std::string_view entity, std::string_view id, const json& fields,
                    std::string_view now_iso) {
  // An existing row is UPDATEd, a new one INSERTed. (Not one INSERT … ON CONFLICT DO UPDATE: SQLite checks the
  // NOT NULL columns of the would-be inserted row first, so an upsert of a few fields of an existing child fails.)
  auto exists = db.cached(std::string("SELECT 1 FROM ").append(table_of(entity)).append(" WHERE id = ?1"));
  exists->bind(1, id);
  const bool update = exists->step();
  exists->reset();
  write_profile_row(db, entity, id, fields, now_iso, update);
}

void insert_profile(db::Database& db, std::string_view entity, std::string_view id, const json& fields,
                    std::string_view now_iso, std::string_view created_by) {
  write_profile_row(db, entity, id, fields, now_iso, /*update=*/false, created_by);
}

json read_profile(db::Database& db, std::string_view entity, std::string_view id, const std::vector<std::string>& names) {
  const auto& specs = fields_of(entity);
  std::vector<const FieldSpec*> wanted;
  for (const auto& spec : specs)
    if (names.empty() || std::find(names.begin(), names.end(), spec.name) != names.end()) wanted.push_back(&spec);
  if (wanted.empty()) return json::object();
  std::string columns;
  for (const auto* spec : wanted) columns += (columns.empty() ? "" : ", ") + std::string(spec->name);
  auto query = db.cached(fmt::format("SELECT {} FROM {} WHERE id = ?1", columns, table_of(entity)));
  query->bind(1, id);
  if (!query->step()) return nullptr;
  json out = json::object();
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    int column = static_cast<int>(i);
    const FieldSpec& spec = *wanted[i];
    if (query->is_null(column)) out[std::string(spec.name)] = nullptr;
    else if (spec.kind == FieldKind::Bool) out[std::string(spec.name)] = query->get_int(column) != 0;
    else if (spec.kind == FieldKind::Integer) out[std::string(spec.name)] = query->get_int(column);
    else out[std::string(spec.name)] = query->get_text(column);
  }
  return out;
}

}  // namespace tongdang
