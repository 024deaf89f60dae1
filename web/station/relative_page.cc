// `/children/{id}/relatives/new` and `/children/{id}/relatives/{rid}/edit` — 家庭成员与监护人 (core/workflow
// add_relative / edit_relative, as `tongdang relative add|edit`), with the fields of profile.h's relative table.
#include "core/base/i18n.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using nlohmann::json;

namespace {

std::vector<std::string> relative_field_names() {
  std::vector<std::string> names;
  for (const FieldSpec& spec : relative_fields())
    if (spec.editable) names.emplace_back(spec.name);
  return names;
}

Markup relative_field(const FieldSpec& spec, const std::string& value, const FormErrors& errors, bool editing) {
  const std::string name(spec.name);
  const std::string label = i18n::label(name);
  if (spec.kind == FieldKind::Choice)
    return select_field(name, label, choice_options(spec.choice), value, errors,
                        spec.presence == Presence::Entered ? tr("请选择", "choose") : tr("（未填）", "(not given)"),
                        spec.presence == Presence::Entered);
  if (spec.kind == FieldKind::Bool) return select_field(name, label, yes_no_options(), value, errors, {});
  InputOptions options;
  options.required = spec.presence == Presence::Entered;
  if (spec.kind == FieldKind::Date) options.type = "date";
  if (name == "phone") options.type = "tel";
  if (name == "place") options.hint = tr("外出务工时必填", "required when working away");
  if (name == "id_number") {
    options.data_check = "id-number";
    options.autocomplete = "off";
    options.maxlength = 18;
    // The stored number is shown masked elsewhere and never sent back into a form.
    if (editing) options.hint = tr("留空则不修改", "leave empty to keep the stored number");
  }
  if (name == "notes") return textarea_field(name, label, value, errors);
  return input_field(name, label, value, errors, options);
}

// The relative `rid` of the child as shown (masked), or null.
json find_relative(const json& child, const std::string& rid) {
  for (const json& r : child.value("relatives", json::array()))
    if (r.value("id", "") == rid) return r;
  return nullptr;
}

Response relative_form(Page& page, const json& child, const json& relative, const FormErrors& errors) {
  const std::string id = child["id"];
  const bool editing = !relative.is_null();
  const std::string title = editing ? tr("修改家庭成员", "Edit a family member") : tr("添加家庭成员", "Add a family member");
  Html h;
  h("{}{}", child_heading(child, title), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})",
    editing ? url("/children/{}/relatives/{}/edit", id, relative["id"].get<std::string>())
            : url("/children/{}/relatives/new", id),
    csrf_field(page.csrf));
  for (const FieldSpec& spec : relative_fields()) {
    if (!spec.editable) continue;
    const std::string name(spec.name);
    std::string stored = editing && name != "id_number" ? field_text(relative.value(name, json())) : std::string();
    if (!editing && name == "is_guardian") stored = "false";
    h("{}", relative_field(spec, typed(page, name, stored), errors, editing));
  }
  h("{}</form>", save_actions(tr("保存", "Save"), url("/children/{}", id)));
  return form_page(page, title, std::move(h), errors, Nav::Children);
}

Response answer_failure(Page& page, const json& child, const json& relative, const Status& status) {
  if (status.code() == Code::Refused || status.code() == Code::NotFound) return status_page(page, status);
  FormErrors errors;
  errors.add(status, relative_field_names());
  return relative_form(page, child, relative, errors);
}

Response new_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return relative_form(page, child.value(), nullptr, {});
}

Response new_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  std::map<std::string, std::string> fields;
  for (const FieldSpec& spec : relative_fields()) {
    if (!spec.editable) continue;
    std::string value = page.request.param(spec.name);
    if (!value.empty()) fields[std::string(spec.name)] = value;
  }
  auto added = add_relative(page.station, child.value()["id"].get<std::string>(), fields);
  if (!added) return answer_failure(page, child.value(), nullptr, added.status());
  return Response::redirect(url("/children/{}", child.value()["id"].get<std::string>()) + "?saved=1");
}

Response edit_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  json relative = find_relative(child.value(), params[1]);
  if (relative.is_null()) return not_found_page(page, tr("找不到该家庭成员", "no such family member"));
  return relative_form(page, child.value(), relative, {});
}

Response edit_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  json relative = find_relative(child.value(), params[1]);
  if (relative.is_null()) return not_found_page(page, tr("找不到该家庭成员", "no such family member"));
  std::map<std::string, std::string> sets;
  for (const FieldSpec& spec : relative_fields()) {
    if (!spec.editable) continue;
    const std::string value = page.request.param(spec.name);
    if (spec.name == "id_number" && value.empty()) continue;  // kept as stored
    sets[std::string(spec.name)] = value;
  }
  const Status saved = edit_relative(page.station, params[1], sets);
  if (!saved) return answer_failure(page, child.value(), relative, saved);
  return Response::redirect(url("/children/{}", child.value()["id"].get<std::string>()) + "?saved=1");
}

}  // namespace

void add_relative_routes(Routes& routes) {
  routes.get("/children/{}/relatives/new", new_get);
  routes.post("/children/{}/relatives/new", new_post);
  routes.get("/children/{}/relatives/{}/edit", edit_get);
  routes.post("/children/{}/relatives/{}/edit", edit_post);
}

}  // namespace tongdang::web::station
