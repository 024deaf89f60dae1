// `/children/new` — 登记儿童 (core/workflow add_child, as `tongdang child add`), and `/children/{id}/edit` — 修改档案
// (edit_child, as `tongdang child edit`). The fields are profile.h's table: a choice is a <select> of its vocabulary,
// a yes/no field a select of 是/否, a date a date input; every value is checked by the use case, which names the field
// at fault, so its message goes beside it.
#include "core/base/i18n.h"
#include "core/model/id_number.h"
#include "core/store/profile.h"
#include "core/workflow/children.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using nlohmann::json;

namespace {

// The profile fields a form offers: on registering, what the CLI's `child add` takes (editable ones and the
// identity: ID number, household registration, sex and date of birth for a child without an ID number); on
// editing, the editable ones. The township, temporary key, status and case worker are set by their own steps.
bool offered(const FieldSpec& spec, bool registering) {
  if (spec.name == "case_worker" || spec.name == "photo_ref") return false;
  if (spec.editable) return true;
  return registering &&
         (spec.name == "id_number" || spec.name == "hukou_status" || spec.name == "sex" || spec.name == "birth_date");
}

std::vector<std::string> field_names(bool registering) {
  std::vector<std::string> names;
  for (const FieldSpec& spec : child_fields())
    if (offered(spec, registering)) names.emplace_back(spec.name);
  names.emplace_back("category");
  names.emplace_back("categories");
  return names;
}

// The ID number typed, checked by the same rule as saving: what it gives (sex, date of birth) or why it is wrong.
Markup id_number_check(Page& page, const std::string& typed_id) {
  if (typed_id.empty()) return {};
  Html h;
  auto parsed = parse_id_number(typed_id, page.station.clock().today());
  if (parsed)
    h(R"(<p class="id-check ok" id="id_number-check">{}</p>)",
      i18n::edge::trf("有效：{}，{} 出生", "valid: {}, born {}", i18n::label(to_string(parsed.value().sex)),
                      parsed.value().birth_date.to_string()));
  else
    h(R"(<p class="id-check bad" id="id_number-check">{}</p>)", page.text(parsed.status().text()));
  return std::move(h).markup();
}

Markup profile_field(Page& page, const FieldSpec& spec, const std::string& value, const FormErrors& errors,
                     bool registering) {
  const std::string name(spec.name);
  const std::string label = i18n::label(name);
  const bool required = spec.presence == Presence::Entered;
  if (name == "village") return select_field(name, label, village_options(page), value, errors, tr("请选择", "choose"), true);
  if (spec.kind == FieldKind::Choice)
    return select_field(name, label, choice_options(spec.choice), value, errors,
                        name == "hukou_status" ? std::string_view() : tr("（未填）", "(not given)"));
  if (spec.kind == FieldKind::Bool)
    return select_field(name, label, yes_no_options(), value, errors, tr("（未填）", "(not given)"));
  InputOptions options;
  options.required = required;
  if (spec.kind == FieldKind::Date) options.type = "date";
  if (spec.kind == FieldKind::Integer) options.inputmode = "numeric";
  if (name == "phone") options.type = "tel";
  if (name == "id_number") {
    options.data_check = "id-number";
    options.autocomplete = "off";
    options.maxlength = 18;
    options.hint = tr("18位；输入后自动显示性别与出生日期", "18 characters; sex and date of birth are shown as you type");
  }
  if (registering && (name == "sex" || name == "birth_date"))
    options.hint = tr("仅无身份证号（无户籍）时填写；有身份证号时由号码确定", "only without an ID number (unregistered); "
                                                                   "otherwise taken from the ID number");
  if (name == "registered_village") options.hint = tr("12位村(居)代码", "12-digit village code");
  return input_field(name, label, value, errors, options);
}

Markup category_boxes(Page& page) {
  const std::vector<std::string> chosen = page.request.params("category");
  Html h;
  h(R"(<fieldset class="field checks"><legend>{}</legend>)", i18n::label("categories"));
  for (const Option& option : options_of(vocabulary::kCategories))
    h("{}", checkbox_field("category", option.label,
                           std::find(chosen.begin(), chosen.end(), option.value) != chosen.end(), option.value));
  h("</fieldset>");
  return std::move(h).markup();
}

Response register_form(Page& page, const FormErrors& errors, const std::vector<std::string>& warnings) {
  Html h;
  h(R"(<h1>{}</h1>{})", tr("登记儿童", "Register a child"), form_errors(errors));
  if (!warnings.empty()) {
    h(R"(<div class="alert warn" role="alert"><strong>{}</strong><ul>)",
      tr("请核实后再次提交：", "Check, then submit again:"));
    for (const std::string& warning : warnings) h("<li>{}</li>", warning);
    h("</ul></div>");
  }
  h(R"(<form method="post" action="/children/new" class="card">{})", csrf_field(page.csrf));
  if (!warnings.empty()) h(R"(<input type="hidden" name="confirm_warnings" value="1">)");
  for (const FieldSpec& spec : child_fields()) {
    if (!offered(spec, true)) continue;
    const std::string name(spec.name);
    h("{}", profile_field(page, spec, typed(page, name, name == "hukou_status" ? "registered" : ""), errors, true));
    if (name == "id_number" && page.request.method == "POST") h("{}", id_number_check(page, page.request.param(name)));
  }
  h("{}", category_boxes(page));
  h("{}", input_field("category_reason", tr("类别认定依据", "Why these categories"), typed(page, "category_reason"),
                      errors));
  h("{}</form>", save_actions(warnings.empty() ? tr("登记", "Register") : tr("仍然登记", "Register anyway"), "/children"));
  return form_page(page, tr("登记儿童", "Register a child"), std::move(h), errors, Nav::Register);
}

NewChild typed_child(Page& page) {
  NewChild input;
  for (const FieldSpec& spec : child_fields()) {
    if (!offered(spec, true)) continue;
    std::string value = page.request.param(spec.name);
    if (!value.empty()) input.fields[std::string(spec.name)] = value;
  }
  input.categories = page.request.params("category");
  input.category_reason = page.request.param("category_reason");
  return input;
}

Response register_get(Page& page, const std::vector<std::string>&) { return register_form(page, {}, {}); }

Response register_post(Page& page, const std::vector<std::string>&) {
  const NewChild input = typed_child(page);
  FormErrors errors;
  // The warnings (an unknown county code …) are shown once before anything is written; submitting again registers.
  if (page.request.param("confirm_warnings") != "1") {
    auto prepared = prepare_child(page.station, input);
    if (!prepared) {
      if (prepared.status().code() == Code::Refused || prepared.status().code() == Code::NotFound)
        return status_page(page, prepared.status());
      errors.add(prepared.status(), field_names(true));
      return register_form(page, errors, {});
    }
    if (!prepared.value().warnings.empty()) {
      Response again = register_form(page, errors, prepared.value().warnings);
      again.status = 400;
      return again;
    }
  }
  auto added = add_child(page.station, input);
  if (!added) {
    if (added.status().code() == Code::Refused || added.status().code() == Code::NotFound)
      return status_page(page, added.status());
    errors.add(added.status(), field_names(true));
    return register_form(page, errors, {});
  }
  return Response::redirect(url("/children/{}", added.value().id) + "?saved=1");
}

Response edit_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("修改档案", "Edit the file")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/edit", id), csrf_field(page.csrf));
  h(R"(<p class="muted">{}：{} · {}：{} · {}：{}</p>)", i18n::label("id_number"), field_text(child["id_number"]),
    i18n::label("sex"), i18n::label(field_text(child["sex"])), i18n::label("birth_date"),
    field_text(child["birth_date"]));
  for (const FieldSpec& spec : child_fields()) {
    if (!offered(spec, false)) continue;
    const std::string name(spec.name);
    h("{}", profile_field(page, spec, typed(page, name, field_text(child.value(name, json()))), errors, false));
  }
  h("{}</form>", save_actions(tr("保存", "Save"), url("/children/{}", id)));
  return form_page(page, tr("修改档案", "Edit the file"), std::move(h), errors, Nav::Children);
}

Response edit_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return edit_form(page, child.value(), {});
}

Response edit_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  std::map<std::string, std::string> sets;
  for (const FieldSpec& spec : child_fields())
    if (offered(spec, false)) sets[std::string(spec.name)] = page.request.param(spec.name);
  const Status saved = edit_child(page.station, child.value()["id"].get<std::string>(), sets);
  if (!saved) {
    if (saved.code() == Code::Refused || saved.code() == Code::NotFound) return status_page(page, saved);
    FormErrors errors;
    errors.add(saved, field_names(false));
    return edit_form(page, child.value(), errors);
  }
  return Response::redirect(url("/children/{}", child.value()["id"].get<std::string>()) + "?saved=1");
}

}  // namespace

void add_register_routes(Routes& routes) {
  routes.get("/children/new", register_get);
  routes.post("/children/new", register_post);
  routes.get("/children/{}/edit", edit_get);
  routes.post("/children/{}/edit", edit_post);
}

}  // namespace tongdang::web::station
