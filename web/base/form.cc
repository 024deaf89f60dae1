#include "web/base/form.h"

#include <algorithm>

#include "core/base/i18n.h"

namespace tongdang::web {

using i18n::edge::tr;

void FormErrors::add(const Status& status, const std::vector<std::string>& known) {
  if (status) return;
  const std::string& field = status.field();
  if (!field.empty() && std::find(known.begin(), known.end(), field) != known.end()) {
    fields[field] = status.message();
  } else {
    general = status.to_string();
  }
}

const std::string* FormErrors::of(std::string_view field) const {
  auto it = fields.find(std::string(field));
  return it == fields.end() ? nullptr : &it->second;
}

Markup csrf_field(std::string_view csrf) {
  Html h;
  h(R"(<input type="hidden" name="csrf" value="{}">)", csrf);
  return std::move(h).markup();
}

namespace {

void field_message(Html& h, std::string_view name, const FormErrors& errors) {
  if (const std::string* message = errors.of(name))
    h(R"(<p class="field-error" id="{}-error" role="alert">{}</p>)", name, *message);
}

}  // namespace

Markup input_field(std::string_view name, std::string_view label, std::string_view value, const FormErrors& errors,
                   const InputOptions& options) {
  const bool bad = errors.of(name) != nullptr;
  Html h;
  h(R"(<div class="field{}{}"><label for="f-{}">{}{}</label>)", bad ? " has-error" : "",
    options.extra_class.empty() ? std::string() : " " + options.extra_class, name, label,
    options.required ? Markup::literal(R"( <span class="req" aria-hidden="true">*</span>)") : Markup());
  h(R"(<input id="f-{}" name="{}" type="{}" value="{}")", name, name, options.type, value);
  if (options.required) h(" required");
  if (!options.placeholder.empty()) h(R"( placeholder="{}")", options.placeholder);
  if (!options.autocomplete.empty()) h(R"( autocomplete="{}")", options.autocomplete);
  if (!options.inputmode.empty()) h(R"( inputmode="{}")", options.inputmode);
  if (options.maxlength > 0) h(R"( maxlength="{}")", options.maxlength);
  if (options.autofocus) h(" autofocus");
  if (!options.data_check.empty()) h(R"( data-check="{}")", options.data_check);
  if (bad) h(R"( aria-invalid="true" aria-describedby="{}-error")", name);
  h(">");
  if (!options.hint.empty()) h(R"(<p class="hint" id="{}-hint">{}</p>)", name, options.hint);
  field_message(h, name, errors);
  h("</div>");
  return std::move(h).markup();
}

Markup textarea_field(std::string_view name, std::string_view label, std::string_view value, const FormErrors& errors,
                      int rows, bool required) {
  Html h;
  h(R"(<div class="field{}"><label for="f-{}">{}</label><textarea id="f-{}" name="{}" rows="{}"{}>{}</textarea>)",
    errors.of(name) ? " has-error" : "", name, label, name, name, rows, required ? Markup::literal(" required") : Markup(),
    value);
  field_message(h, name, errors);
  h("</div>");
  return std::move(h).markup();
}

Markup select_field(std::string_view name, std::string_view label, const std::vector<Option>& options,
                    std::string_view selected, const FormErrors& errors, std::string_view empty_label, bool required) {
  Html h;
  h(R"(<div class="field{}"><label for="f-{}">{}</label><select id="f-{}" name="{}"{}>)",
    errors.of(name) ? " has-error" : "", name, label, name, name, required ? Markup::literal(" required") : Markup());
  if (!empty_label.empty()) h(R"(<option value="">{}</option>)", empty_label);
  for (const Option& option : options)
    h(R"(<option value="{}"{}>{}</option>)", option.value,
      option.value == selected ? Markup::literal(" selected") : Markup(), option.label);
  h("</select>");
  field_message(h, name, errors);
  h("</div>");
  return std::move(h).markup();
}

Markup radio_field(std::string_view name, std::string_view label, const std::vector<Option>& options,
                   std::string_view selected, const FormErrors& errors) {
  Html h;
  h(R"(<fieldset class="field radios{}"><legend>{}</legend>)", errors.of(name) ? " has-error" : "", label);
  for (const Option& option : options)
    h(R"(<label class="radio"><input type="radio" name="{}" value="{}"{}> {}</label>)", name, option.value,
      option.value == selected ? Markup::literal(" checked") : Markup(), option.label);
  field_message(h, name, errors);
  h("</fieldset>");
  return std::move(h).markup();
}

Markup checkbox_field(std::string_view name, std::string_view label, bool checked, std::string_view value) {
  Html h;
  h(R"(<div class="field check"><label><input type="checkbox" name="{}" value="{}"{}> {}</label></div>)", name, value,
    checked ? Markup::literal(" checked") : Markup(), label);
  return std::move(h).markup();
}

Markup form_errors(const FormErrors& errors) {
  if (!errors.any()) return {};
  Html h;
  h(R"(<div class="alert error" role="alert"><strong>{}</strong>)", tr("未保存：", "Not saved: "));
  if (!errors.general.empty()) h("{}", errors.general);
  else h("{}", tr("请改正下面标出的内容后再提交。", "correct the fields marked below and submit again."));
  h("</div>");
  return std::move(h).markup();
}

Markup item_reason_field(std::string_view typed, const FormErrors& errors, std::string_view hint) {
  return input_field("reason", i18n::edge::tr("原因", "Reason"), typed, errors,
                     {.type = "text", .hint = std::string(hint), .maxlength = 500});
}

Markup more_rows(std::size_t total, std::size_t shown) {
  Html h;
  if (total > shown)
    h(R"(<p class="muted">{}</p>)", i18n::edge::trf("共 {} 项，显示前 {} 项；处理后其余的会出现在这里。",
                                                    "{} in all, the first {} shown; the rest appear here as these are "
                                                    "done.", total, shown));
  return std::move(h).markup();
}

}  // namespace tongdang::web
