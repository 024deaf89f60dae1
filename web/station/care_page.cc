// `/children/{id}/care` — N重关爱: the child's care measures, a form to add one (add_care_measure, as `tongdang care
// add`: the area from the care catalogue, the measure, provider, status, start date) and, per measure, a form to
// change its status (update_care_measure, as `tongdang care update`; posted with measure=<id>).
#include <algorithm>

#include "core/base/i18n.h"
#include "core/workflow/care.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using nlohmann::json;

namespace {

const std::vector<std::string> kCareFields = {"area", "item", "provider", "status", "on", "date", "notes", "outcome"};

std::string area_name(const CareArea& area) {
  return std::string(i18n::language() == i18n::Lang::Zh ? area.zh : area.en);
}

std::vector<Option> area_options() {
  std::vector<Option> out;
  for (const CareArea& area : care_catalogue()) out.push_back({std::string(area.code), area_name(area)});
  return out;
}

Response care_form(Page& page, const json& child, const FormErrors& errors, const std::string& failed_measure) {
  const std::string id = child["id"];
  auto measures = list_care_measures(page.station, id);
  if (!measures) return status_page(page, measures.status());
  const bool updating = !failed_measure.empty();
  Html h;
  h("{}{}", child_heading(child, tr("关爱措施", "Care measures")), form_errors(errors));
  h(R"(<section class="card"><h2>{}</h2>)", tr("已有措施", "Measures"));
  if (measures.value().empty()) h(R"(<p class="muted">{}</p>)", tr("尚无关爱措施。", "No measure yet."));
  else {
    h(R"(<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
      tr("领域", "Area"), i18n::label("item"), i18n::label("provider"), tr("开始日期", "Started"),
      i18n::label("status"), tr("更新状态", "Update"));
    const FormErrors none;
    for (const json& m : measures.value()) {
      const std::string measure_id = m["id"];
      const CareArea* area = find_care_area(m["area"].get<std::string>());
      const bool this_failed = updating && failed_measure == measure_id;
      h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>", area ? area_name(*area) : field_text(m["area"]),
        field_text(m["item"]), field_text(m["provider"]), field_text(m["started_on"]),
        i18n::label(field_text(m["status"])));
      h(R"(<form method="post" action="{}" class="inline">{}<input type="hidden" name="measure" value="{}">)",
        url("/children/{}/care", id), csrf_field(page.csrf), measure_id);
      h("{}", select_field("status", i18n::label("status"), options_of_keys(care_statuses()),
                           this_failed ? page.request.param("status") : field_text(m["status"]),
                           this_failed ? errors : none));
      h("{}", input_field("outcome", i18n::label("outcome"), this_failed ? page.request.param("outcome") : "",
                          this_failed ? errors : none));
      h(R"(<button type="submit" class="secondary">{}</button></form></td></tr>)", tr("更新", "Update"));
    }
    h("</tbody></table>");
  }
  h("</section>");
  const FormErrors none;
  const FormErrors& add_errors = updating ? none : errors;
  auto value = [&](const char* name, std::string_view fallback = {}) {
    return updating ? std::string(fallback) : typed(page, name, fallback);
  };
  h(R"(<form method="post" action="{}" class="card"><h2>{}</h2>{})", url("/children/{}/care", id),
    tr("添加关爱措施", "Add a measure"), csrf_field(page.csrf));
  h("{}", select_field("area", tr("领域", "Area"), area_options(), value("area"), add_errors, tr("请选择", "choose"), true));
  h("{}", input_field("item", i18n::label("item"), value("item"), add_errors, {.required = true}));
  h("{}", input_field("provider", i18n::label("provider"), value("provider"), add_errors));
  h("{}", select_field("status", i18n::label("status"), options_of_keys(care_statuses()), value("status", "planned"),
                       add_errors));
  h("{}", input_field("on", tr("开始日期", "Start date"), value("on", page.station.clock().today().to_string()),
                      add_errors, {.type = "date"}));
  h("{}", textarea_field("notes", i18n::label("notes"), value("notes"), add_errors));
  h(R"(<details class="catalogue"><summary>{}</summary><ul>)", tr("关爱措施目录", "The care catalogue"));
  for (const CareArea& area : care_catalogue())
    h("<li><strong>{}</strong>：{}（{}）</li>", area_name(area),
      i18n::language() == i18n::Lang::Zh ? area.items_zh : area.items_en,
      i18n::language() == i18n::Lang::Zh ? area.provider_zh : area.provider_en);
  h("</ul></details>");
  h("{}</form>", save_actions(tr("添加", "Add"), url("/children/{}", id)));
  return form_page(page, tr("关爱措施", "Care measures"), std::move(h), errors, Nav::Children);
}

Response care_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return care_form(page, child.value(), {}, {});
}

Response care_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  const std::string measure = page.request.param("measure");
  FormErrors errors;
  Status saved;
  if (!measure.empty()) {
    // Only a measure of this child: the id comes from the page, but a form can be made to post anything.
    auto measures = list_care_measures(page.station, id);
    if (!measures) return status_page(page, measures.status());
    const bool ours = std::any_of(measures.value().begin(), measures.value().end(),
                                  [&](const json& m) { return m.value("id", "") == measure; });
    if (!ours) return not_found_page(page, tr("找不到该关爱措施", "no such care measure"));
    MeasureUpdate update;
    update.status = page.request.param("status");
    if (std::string outcome = page.request.param("outcome"); !outcome.empty()) update.outcome = outcome;
    saved = update_care_measure(page.station, measure, update);
  } else {
    NewMeasure m;
    m.area = page.request.param("area");
    m.item = page.request.param("item");
    m.provider = page.request.param("provider");
    m.status = page.request.param("status").empty() ? "planned" : page.request.param("status");
    m.notes = page.request.param("notes");
    m.on = typed_date(page, "on", errors);
    if (errors.any()) return care_form(page, child.value(), errors, {});
    if (m.area.empty()) {
      errors.fields["area"] = tr("请选择领域", "choose the area");
      return care_form(page, child.value(), errors, {});
    }
    auto added = add_care_measure(page.station, id, m);
    saved = added ? Status::ok() : added.status();
  }
  if (!saved) {
    if (saved.code() == Code::Refused || saved.code() == Code::NotFound) return status_page(page, saved);
    errors.add(saved, kCareFields);
    if (const std::string* message = errors.of("date")) errors.fields["on"] = *message;
    return care_form(page, child.value(), errors, measure);
  }
  return Response::redirect(url("/children/{}/care", id) + "?saved=1");
}

}  // namespace

void add_care_routes(Routes& routes) {
  routes.get("/children/{}/care", care_get);
  routes.post("/children/{}/care", care_post);
}

}  // namespace tongdang::web::station
