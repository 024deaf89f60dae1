// `/children/{id}/colour` — 提级/降级 with a reason (change_colour, as `tongdang colour raise|lower`); a lowering the
// role may not make is kept as a proposal and opens a review item (the rule of core/rules/colour.h), and the form
// says so before it is sent. `/children/{id}/categories` — adding and ending a category membership with its dates
// (add_membership / end_membership); `/children/{id}/close` — 结案 for a closing reason, a void with its note
// (close_child); `/children/{id}/reopen` — 重新开案 with a reason (reopen_child, supervisor or county).
#include "core/base/i18n.h"
#include "core/rules/colour.h"
#include "core/workflow/children.h"
#include "core/workflow/workflow.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

namespace {

const std::vector<std::string> kColourFields = {"direction", "to", "reason", "date"};
const std::vector<std::string> kCategoryFields = {"category", "from", "to", "reason"};

// A refusal of scope is a 403 page; any other failure goes back to the form.
bool is_page_failure(const Status& status) {
  return status.code() == Code::Refused || status.code() == Code::NotFound || status.code() == Code::Unauthenticated;
}

// ---- colour ----

Response colour_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  const std::optional<Colour> current =
      child["colour"].is_string() ? parse_colour(child["colour"].get<std::string>()) : std::nullopt;
  const Role role = page.station.actor().role;
  Html h;
  h("{}{}", child_heading(child, tr("调整风险等级", "Change the colour")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/colour", id), csrf_field(page.csrf));
  h(R"(<p>{} {}</p>)", tr("当前等级：", "Current colour: "), colour_badge(current));
  const std::vector<Option> directions = {{"raise", tr("提级（调高）", "Raise")}, {"lower", tr("降级（调低）", "Lower")}};
  h("{}", radio_field("direction", tr("调整方向", "Direction"), directions, typed(page, "direction", "raise"), errors));
  h("{}", select_field("to", tr("调整为", "To"), options_of(vocabulary::kColours), typed(page, "to"), errors,
                       tr("请选择", "choose"), true));
  // What the lowering rule (role_may_lower) means for the signed-in user, said before the form is sent.
  if (role == Role::Director)
    h(R"(<p class="alert warn" id="lowering-rule">{}</p>)",
      tr("儿童主任的降级不会立即生效：将作为降级申请提交督导员或县级复核，复核前保持原等级。提级立即生效。",
         "A director's lowering does not apply at once: it is kept as a proposal for the supervisor or the county to "
         "review, and the colour stays until then. A raise applies at once."));
  else if (role == Role::Supervisor)
    h(R"(<p class="alert warn" id="lowering-rule">{}</p>)",
      tr("督导员可将黄色或蓝色降低一级；其他降级（如红色降级、跨级降级）将提交县级复核，复核前保持原等级。",
         "A supervisor may lower yellow or blue by one step; any other lowering (red, or more than one step) waits "
         "for the county's review, and the colour stays until then."));
  else if (role == Role::County)
    h(R"(<p class="muted" id="lowering-rule">{}</p>)",
      tr("红色降级须先有一次无红色触发项的重新评估。", "Lowering red needs a reassessment with no red trigger first."));
  h("{}", textarea_field("reason", i18n::label("reason"), typed(page, "reason"), errors, 3, true));
  h("{}", input_field("date", tr("日期", "Date"), typed(page, "date", page.station.clock().today().to_string()), errors,
                      {.type = "date"}));
  h("{}</form>", save_actions(tr("保存", "Save"), url("/children/{}", id)));
  return form_page(page, tr("调整风险等级", "Change the colour"), std::move(h), errors, Nav::Children);
}

Response colour_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return colour_form(page, child.value(), {});
}

Response colour_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  FormErrors errors;
  const std::string direction = page.request.param("direction");
  if (direction != "raise" && direction != "lower")
    errors.fields["direction"] = tr("请选择提级或降级", "choose raise or lower");
  const std::optional<Colour> to = parse_colour(page.request.param("to"));
  if (!to) errors.fields["to"] = tr("请选择等级", "choose the colour");
  std::optional<Date> on = typed_date(page, "date", errors);
  if (errors.any()) return colour_form(page, child.value(), errors);
  auto changed = change_colour(page.station, id, direction == "raise", *to, page.request.param("reason"), on);
  if (!changed) {
    if (is_page_failure(changed.status())) return status_page(page, changed.status());
    errors.add(changed.status(), kColourFields);
    return colour_form(page, child.value(), errors);
  }
  return Response::redirect(url("/children/{}", id) + (changed.value().pending_review ? "?saved=1&review=1" : "?saved=1"));
}

// ---- categories ----

Response categories_form(Page& page, const json& child, const FormErrors& errors, const std::string& failed_action) {
  const std::string id = child["id"];
  const FormErrors none;
  const FormErrors& add_errors = failed_action == "add" ? errors : none;
  const FormErrors& end_errors = failed_action == "end" ? errors : none;
  const std::string today = page.station.clock().today().to_string();
  Html h;
  h("{}{}", child_heading(child, i18n::label("categories")), form_errors(errors));
  h(R"(<section class="card"><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>)"
    R"(</tr></thead><tbody>)",
    tr("类别记录", "Memberships"), i18n::label("category"), i18n::label("from"), i18n::label("to"), tr("有效", "active"),
    i18n::label("reason"));
  for (const json& m : child.value("memberships", json::array()))
    h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", i18n::label(field_text(m["category"])),
      field_text(m["from"]), field_text(m["to"]), i18n::label(m.value("active", false) ? "yes" : "no"),
      field_text(m.value("ended_reason", json()).is_null() ? m.value("reason", json()) : m["ended_reason"]));
  h("</tbody></table></section>");
  auto value = [&](const char* action, const char* name, std::string_view fallback = {}) {
    return failed_action == action ? page.request.param(name) : std::string(fallback);
  };
  h(R"(<form method="post" action="{}" class="card"><h2>{}</h2>{}<input type="hidden" name="action" value="add">)",
    url("/children/{}/categories", id), tr("添加类别", "Add a category"), csrf_field(page.csrf));
  h("{}", select_field("category", i18n::label("category"), options_of(vocabulary::kCategories),
                       value("add", "category"), add_errors, tr("请选择", "choose"), true));
  h("{}", input_field("from", i18n::label("from"), value("add", "from", today), add_errors, {.type = "date"}));
  h("{}", input_field("reason", tr("认定依据", "Why"), value("add", "reason"), add_errors));
  h(R"(<div class="actions"><button type="submit" id="save">{}</button></div></form>)", tr("添加", "Add"));
  std::vector<Option> active;
  for (const json& c : child.value("categories", json::array()))
    active.push_back({c.get<std::string>(), i18n::label(c.get<std::string>())});
  if (!active.empty()) {
    h(R"(<form method="post" action="{}" class="card"><h2>{}</h2>{}<input type="hidden" name="action" value="end">)",
      url("/children/{}/categories", id), tr("终止类别", "End a category"), csrf_field(page.csrf));
    h("{}", select_field("category", i18n::label("category"), active, value("end", "category"), end_errors,
                         tr("请选择", "choose"), true));
    h("{}", input_field("to", i18n::label("to"), value("end", "to", today), end_errors, {.type = "date"}));
    h("{}", input_field("reason", i18n::label("reason"), value("end", "reason"), end_errors, {.required = true}));
    h(R"(<div class="actions"><button type="submit" id="end">{}</button> <a href="{}">{}</a></div></form>)",
      tr("终止", "End"), url("/children/{}", id), tr("返回", "Back"));
  }
  return form_page(page, i18n::label("categories"), std::move(h), errors, Nav::Children);
}

Response categories_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return categories_form(page, child.value(), {}, {});
}

Response categories_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  // Scope first: a refusal for the file is a 403 page; a refusal of the change itself (a category already held)
  // goes back to the form.
  if (Status access = check_child_access(page.station, id, true); !access) return status_page(page, access);
  const bool adding = page.request.param("action") != "end";
  FormErrors errors;
  std::optional<Date> on = typed_date(page, adding ? "from" : "to", errors);
  if (errors.any()) return categories_form(page, child.value(), errors, adding ? "add" : "end");
  const Status saved = adding ? add_membership(page.station, id, page.request.param("category"), on,
                                               page.request.param("reason"))
                              : end_membership(page.station, id, page.request.param("category"), on,
                                               page.request.param("reason"));
  if (!saved) {
    errors.add(saved, kCategoryFields);
    return categories_form(page, child.value(), errors, adding ? "add" : "end");
  }
  return Response::redirect(url("/children/{}/categories", id) + "?saved=1");
}

// ---- closing ----

Response close_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("结案", "Close the file")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{}<p>{}</p>)", url("/children/{}/close", id), csrf_field(page.csrf),
    tr("结案后档案保留、不再列入待办；结案不删除任何记录。", "A closed file is kept and leaves the work list; nothing is deleted."));
  h("{}", select_field("reason", tr("结案原因", "Why the file closes"), choice_options("close_reason"),
                       typed(page, "reason"), errors, tr("请选择", "choose"), true));
  h("{}", textarea_field("note", tr("说明（误录作废时必填）", "Note (needed for a file entered in error)"),
                         typed(page, "note"), errors, 3));
  h("{}</form>", save_actions(tr("结案", "Close the file"), url("/children/{}", id)));
  return form_page(page, tr("结案", "Close the file"), std::move(h), errors, Nav::Children);
}

// ---- reopening (supervisor or county; reopen_child says who may) ----

Response reopen_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("重新开案", "Reopen the file")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{}<p>{}</p>)", url("/children/{}/reopen", id), csrf_field(page.csrf),
    tr("由督导员或县级重新开案，写明原因；档案的全部记录保留。", "A supervisor or the county reopens a file, with a reason; "
       "its whole record is kept."));
  h("{}", textarea_field("reason", tr("重新开案的原因", "Why the file reopens"), typed(page, "reason"), errors, 3, true));
  h("{}</form>", save_actions(tr("重新开案", "Reopen the file"), url("/children/{}", id)));
  return form_page(page, tr("重新开案", "Reopen the file"), std::move(h), errors, Nav::Children);
}

Response reopen_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return reopen_form(page, child.value(), {});
}

Response reopen_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  FormErrors errors;
  const Status saved = reopen_child(page.station, id, page.request.param("reason"));
  if (!saved) {
    if (is_page_failure(saved) && saved.field().empty()) return status_page(page, saved);
    errors.add(saved, {"reason"});
    return reopen_form(page, child.value(), errors);
  }
  return Response::redirect(url("/children/{}", id) + "?saved=1");
}

Response close_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return close_form(page, child.value(), {});
}

Response close_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  FormErrors errors;
  const std::string reason = page.request.param("reason");
  if (reason.empty()) {
    errors.fields["reason"] = tr("需要选择结案原因", "choose why the file closes");
    return close_form(page, child.value(), errors);
  }
  const Status saved = close_child(page.station, id, reason, page.request.param("note"));
  if (!saved) {
    if (is_page_failure(saved) && saved.field().empty()) return status_page(page, saved);
    errors.add(saved, {"reason", "note"});
    return close_form(page, child.value(), errors);
  }
  return Response::redirect(url("/children/{}", id) + "?saved=1");
}

}  // namespace

void add_colour_routes(Routes& routes) {
  routes.get("/children/{}/colour", colour_get);
  routes.post("/children/{}/colour", colour_post);
  routes.get("/children/{}/categories", categories_get);
  routes.post("/children/{}/categories", categories_post);
  routes.get("/children/{}/close", close_get);
  routes.post("/children/{}/close", close_post);
  routes.get("/children/{}/reopen", reopen_get);
  routes.post("/children/{}/reopen", reopen_post);
}

}  // namespace tongdang::web::station
