// `/children/{id}/visits` — 记录走访 (core/workflow add_visit, as `tongdang visit add`): the day (today unless
// changed), how (入户走访 / 电话 / 视频), who came along, notes and a key event. Saved, it goes back to the file, or
// to the work list when it was reached from there (the hidden `next`).
#include <sstream>

#include "core/base/i18n.h"
#include "core/workflow/workflow.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using nlohmann::json;

namespace {

const std::vector<std::string> kVisitFields = {"on", "date", "kind", "with", "notes", "key_event", "event"};

// "李芳、张三" or "李芳, 张三" → {"李芳", "张三"}.
std::vector<std::string> people_of(const std::string& text) {
  std::string spaced = text;
  for (const char* sep : {"、", "，", ","}) {
    for (std::size_t at = spaced.find(sep); at != std::string::npos; at = spaced.find(sep))
      spaced.replace(at, std::string_view(sep).size(), "\n");
  }
  std::vector<std::string> out;
  std::stringstream lines(spaced);
  std::string line;
  while (std::getline(lines, line)) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    out.push_back(line.substr(first, line.find_last_not_of(' ') - first + 1));
  }
  return out;
}

Response visit_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("记录走访", "Record a visit")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/visits", id), csrf_field(page.csrf));
  if (const std::string next = page.request.param("next"); !next.empty())
    h(R"(<input type="hidden" name="next" value="{}">)", next);
  h("{}", input_field("on", tr("走访日期", "Date"), typed(page, "on", page.station.clock().today().to_string()), errors,
                      {.type = "date", .required = true}));
  const std::vector<Option> kinds = {{"home", i18n::label("visit_home")},
                                     {"phone", i18n::label("visit_phone")},
                                     {"video", i18n::label("visit_video")}};
  h("{}", radio_field("kind", tr("方式", "How"), kinds, typed(page, "kind", "home"), errors));
  h("{}", input_field("with", i18n::label("with"), typed(page, "with"), errors,
                      {.hint = tr("多人用顿号分隔；督导员同行填“supervisor”或其姓名",
                                  "separate names with commas; for the supervisor write “supervisor” or the name")}));
  h("{}", textarea_field("notes", i18n::label("notes"), typed(page, "notes"), errors, 4));
  h("{}", select_field("key_event", tr("重要事件（可选，将触发重新评估）", "Key event (optional; makes a reassessment due)"),
                       options_of_keys(key_events()), typed(page, "key_event"), errors, tr("无", "none")));
  h("{}</form>", save_actions(tr("保存走访", "Save the visit"), url("/children/{}", id)));
  return form_page(page, tr("记录走访", "Record a visit"), std::move(h), errors, Nav::Children);
}

Response visit_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return visit_form(page, child.value(), {});
}

Response visit_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  FormErrors errors;
  NewVisit visit;
  if (auto on = typed_date(page, "on", errors)) visit.on = *on;
  else if (!errors.any()) errors.fields["on"] = tr("请填写走访日期", "give the date of the visit");
  if (errors.any()) return visit_form(page, child.value(), errors);
  visit.kind = page.request.param("kind");
  visit.with = people_of(page.request.param("with"));
  visit.notes = page.request.param("notes");
  if (const std::string key = page.request.param("key_event"); !key.empty()) visit.key_event = key;
  const std::string child_id = child.value()["id"];
  auto saved = add_visit(page.station, child_id, visit);
  if (!saved) {
    if (saved.status().code() == Code::Refused || saved.status().code() == Code::NotFound)
      return status_page(page, saved.status());
    errors.add(saved.status(), kVisitFields);
    // The use case names the date "date" and the key event "event", as the CLI's options: beside this form's fields.
    if (const std::string* m = errors.of("date")) errors.fields["on"] = *m;
    if (const std::string* m = errors.of("event")) errors.fields["key_event"] = *m;
    return visit_form(page, child.value(), errors);
  }
  return Response::redirect(after_save(page, child_id));
}

}  // namespace

void add_visit_routes(Routes& routes) {
  routes.get("/children/{}/visits", visit_get);
  routes.post("/children/{}/visits", visit_post);
}

}  // namespace tongdang::web::station
