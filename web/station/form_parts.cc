#include "web/station/form_parts.h"

#include <algorithm>
#include <set>

#include "core/model/division.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/workflow/children.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using nlohmann::json;

std::vector<Option> options_of_keys(const std::vector<std::string_view>& keys, std::string_view label_prefix) {
  std::vector<Option> out;
  for (std::string_view key : keys)
    out.push_back({std::string(key), i18n::label(std::string(label_prefix) + std::string(key))});
  return out;
}

std::vector<Option> choice_options(std::string_view vocabulary) {
  auto known = vocabulary_named(vocabulary);
  if (!known) return {};
  return choice_options(*known);
}

std::vector<Option> choice_options(Vocabulary vocabulary) {
  std::vector<Option> out;
  for (const Choice& choice : choices(vocabulary))
    out.push_back({std::string(choice.key), std::string(i18n::language() == i18n::Lang::Zh ? choice.zh : choice.en)});
  return out;
}

std::vector<Option> yes_no_options() {
  return {{"true", i18n::label("yes")}, {"false", i18n::label("no")}};
}

std::vector<Option> village_options(Page& page) {
  const User& user = page.station.actor();
  std::set<std::string> codes(user.villages.begin(), user.villages.end());
  if (user.role == Role::Supervisor || user.role == Role::County) {
    for (const User& other : page.station.users()) codes.insert(other.villages.begin(), other.villages.end());
    // The villages of the station's files: one index scan, not a read of the files.
    auto query = page.station.db().cached("SELECT DISTINCT village FROM children");
    while (query->step()) codes.insert(query->get_text(0));
    query->reset();
  }
  std::vector<Option> out;
  for (const std::string& code : codes) out.push_back({code, division_label(code)});
  return out;
}

Result<json> form_child(Page& page, std::string_view child_ref) {
  return show_child(page.station, child_ref, /*full_id=*/false);
}

Markup child_heading(const json& child, std::string_view title) {
  Html h;
  const std::string id = child.value("id", "");
  h(R"(<h1>{}</h1><p class="child-of"><a href="{}">{}</a> · {} · {}</p>)", title, url("/children/{}", id),
    field_text(child["name"]), field_text(child["village"]),
    colour_badge(child["colour"].is_string() ? child["colour"].get<std::string>() : std::string()));
  return std::move(h).markup();
}

std::string field_text(const json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

std::string typed(const Page& page, std::string_view name, std::string_view fallback) {
  if (page.request.method == "POST" || page.request.has_param(name))
    return page.request.has_param(name) ? page.request.param(name) : std::string();
  return std::string(fallback);
}

std::optional<Date> typed_date(const Page& page, std::string_view name, FormErrors& errors) {
  const std::string text = page.request.param(name);
  if (text.empty()) return std::nullopt;
  auto date = Date::parse(text);
  if (!date) errors.fields[std::string(name)] = tr("应为 YYYY-MM-DD 格式的日期", "must be a date YYYY-MM-DD");
  return date;
}

Response form_page(Page& page, std::string_view title, Html&& body, const FormErrors& errors, Nav nav) {
  return render(page, title, std::move(body).markup(), nav, errors.any() ? 400 : 200);
}

Markup save_actions(std::string_view save_label, std::string_view back_href) {
  Html h;
  h(R"(<div class="actions"><button type="submit" id="save">{}</button> <a href="{}">{}</a></div>)", save_label,
    back_href, tr("返回", "Back"));
  return std::move(h).markup();
}

std::string after_save(const Page& page, const std::string& child_id) {
  const std::string next = page.request.param("next");
  // Only a path of this application (never "//elsewhere"): the same rule as signing in.
  if (!next.empty() && next[0] == '/' && (next.size() == 1 || (next[1] != '/' && next[1] != '\\')))
    return next + (next.find('?') == std::string::npos ? "?saved=1" : "&saved=1");
  return url("/children/{}", child_id) + "?saved=1";
}

}  // namespace tongdang::web::station
