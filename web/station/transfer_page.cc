// `/children/{id}/transfer` — 转移 (transfer_child, as `tongdang transfer --to-village`) to a village of another
// township of the county, chosen by name from the division table; or 迁出本县 (move_out_of_county, as
// `--out-of-county --destination`). `/children/{id}/id-number` — 更正身份证号 (set_id_number, as `tongdang child
// set-id`): the number is checked and what it gives (sex, date of birth, how they differ from the file) is shown
// first by check_id_number_correction; a second submit saves it. Both are the supervisor's or the county's
// (may_transfer, may_correct_id_number say so and the use cases refuse anyone else): a director sees no button and a
// director's request is refused with the use case's own message.
#include "core/base/i18n.h"
#include "core/model/division.h"
#include "core/model/id_number.h"
#include "core/workflow/children.h"
#include "core/workflow/transfer.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

namespace {

const std::vector<std::string> kTransferFields = {"mode", "to_village", "destination", "reason"};
const std::vector<std::string> kIdFields = {"id_number", "reason"};

// Who may act and on which file, before any form: the role's refusal and the file's scope are a 403 page (a closed
// or transferred file's refusal too: there is nothing to fill in).
Status check_may_act(Page& page, const std::string& id, Status role) {
  if (!role) return role;
  return check_child_access(page.station, id, true);
}

// ---- transfer ----

// The villages of the county's other townships, grouped by township, from the division table: a <select> a person
// reads by name (王集镇 / 大吴村), each option also showing its code. Empty when the table does not know the county.
Markup village_choice(Page& page, const FormErrors& errors) {
  const Divisions& table = Divisions::bundled();
  const std::string township = page.station.township();
  const std::string chosen = typed(page, "to_village");
  Html groups;
  for (const Township& other : table.townships_of(township.substr(0, 6))) {
    if (other.code == township) continue;
    const std::vector<const Village*> villages = table.villages_of(other.code);
    if (villages.empty()) continue;
    groups(R"(<optgroup label="{}">)", other.name);
    for (const Village* village : villages)
      groups(R"(<option value="{}"{}>{} {}（{}）</option>)", village->code,
             village->code == chosen ? Markup::literal(" selected") : Markup(), other.name,
             village_short_name(village->name), village->code);
    groups("</optgroup>");
  }
  const std::string label = tr("接收的村(居)（本县其他乡镇）", "Receiving village (another township of the county)");
  if (groups.size() == 0)  // a county the table does not hold: the code is typed
    return input_field("to_village", label, chosen, errors,
                       {.hint = tr("12位村(居)代码", "12-digit village code"), .inputmode = "numeric", .maxlength = 12});
  Html h;
  const std::string* message = errors.of("to_village");
  h(R"(<div class="field{}"><label for="f-to_village">{}</label><select id="f-to_village" name="to_village">)",
    message ? " has-error" : "", label);
  h(R"(<option value="">{}</option>{}</select>)", tr("请选择", "choose"), std::move(groups).markup());
  if (message) h(R"(<p class="field-error" id="to_village-error" role="alert">{}</p>)", *message);
  h("</div>");
  return std::move(h).markup();
}

Response transfer_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("转移档案", "Transfer the file")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/transfer", id), csrf_field(page.csrf));
  h(R"(<p>{}</p>)", tr("转往本县其他乡镇：档案连同全部记录在下次同步后由接收乡镇接管，本站保留只读记录。乡镇内迁移请修改档案的"
                       "现住村(居)。迁出本县：档案以“迁出本县”结案。",
                       "To another township of the county: the receiving township takes the file over, with its whole "
                       "record, after the next sync; this station keeps a read-only record. A move within the township "
                       "is an edit of the file's village. Out of the county: the file closes as moved out of the "
                       "county."));
  const std::vector<Option> modes = {{"county", tr("转往本县其他乡镇", "To another township of the county")},
                                     {"out", tr("迁出本县", "Out of the county")}};
  h("{}", radio_field("mode", tr("转移方式", "Kind of move"), modes, typed(page, "mode", "county"), errors));
  h("{}", village_choice(page, errors));
  h("{}", input_field("destination", tr("迁往何处（迁出本县时填写）", "Where to (out of the county)"),
                      typed(page, "destination"), errors,
                      {.hint = tr("省、市、县或详细地址", "province, city, county or address")}));
  h("{}", textarea_field("reason", i18n::label("reason"), typed(page, "reason"), errors, 3, true));
  h("{}</form>", save_actions(tr("办理转移", "Transfer"), url("/children/{}", id)));
  return form_page(page, tr("转移档案", "Transfer the file"), std::move(h), errors, Nav::Children);
}

Response transfer_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  if (Status may = check_may_act(page, child.value()["id"].get<std::string>(), may_transfer(page.station)); !may)
    return status_page(page, may);
  return transfer_form(page, child.value(), {});
}

Response transfer_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  if (Status may = check_may_act(page, id, may_transfer(page.station)); !may) return status_page(page, may);
  FormErrors errors;
  const std::string mode = page.request.param("mode");
  Status saved = Status::ok();
  if (mode == "out") {
    saved = move_out_of_county(page.station, id, page.request.param("destination"), page.request.param("reason"));
  } else if (mode == "county") {
    if (page.request.param("to_village").empty()) {
      errors.fields["to_village"] = tr("请选择接收的村(居)", "choose the receiving village");
      return transfer_form(page, child.value(), errors);
    }
    saved = transfer_child(page.station, id, page.request.param("to_village"), page.request.param("reason"));
  } else {
    errors.fields["mode"] = tr("请选择转移方式", "choose the kind of move");
    return transfer_form(page, child.value(), errors);
  }
  if (!saved) {
    errors.add(saved, kTransferFields);
    return transfer_form(page, child.value(), errors);
  }
  return Response::redirect(url("/children/{}", id) + "?saved=1");
}

// ---- correcting the ID number ----

Response id_number_form(Page& page, const json& child, const FormErrors& errors, const IdCorrection* checked) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("更正身份证号", "Correct the ID number")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/id-number", id), csrf_field(page.csrf));
  h(R"(<p class="muted">{}：{} · {}：{} · {}：{}</p>)", tr("现身份证号", "Current ID number"),
    child["id_number"].is_string() ? field_text(child["id_number"]) : tr("（无）", "(none)"), i18n::label("sex"),
    i18n::label(field_text(child["sex"])), i18n::label("birth_date"), field_text(child["birth_date"]));
  if (checked) {
    // The confirm step: what the number gives and how it differs from the file, before anything is written.
    h(R"(<div class="alert warn" id="id-confirm" role="status"><p><strong>{}</strong></p><p>{}</p>)",
      tr("请核对后确认更正：", "Check, then confirm the correction:"),
      trf("新身份证号 {}：{}，{} 出生", "new ID number {}: {}, born {}", checked->id_number, i18n::label(checked->sex),
          checked->birth_date));
    if (checked->notices.empty())
      h("<p>{}</p>", tr("性别与出生日期与档案一致。", "Sex and date of birth agree with the file."));
    else {
      h("<ul>");
      for (const std::string& notice : checked->notices) h(R"(<li class="id-difference">{}</li>)", notice);
      h("</ul>");
    }
    h("</div>");
    h(R"(<input type="hidden" name="id_number" value="{}"><input type="hidden" name="reason" value="{}">)"
      R"(<input type="hidden" name="confirm" value="1"><p>{}：{}</p>)",
      checked->id_number, page.request.param("reason"), i18n::label("reason"), page.request.param("reason"));
    h(R"(<div class="actions"><button type="submit" id="save">{}</button> <a href="{}">{}</a> <a href="{}">{}</a>)"
      R"(</div></form>)",
      tr("确认更正", "Confirm the correction"), url("/children/{}/id-number", id), tr("重新填写", "Change"),
      url("/children/{}", id), tr("返回", "Back"));
    return form_page(page, tr("更正身份证号", "Correct the ID number"), std::move(h), errors, Nav::Children);
  }
  h("{}", input_field("id_number", tr("新的身份证号", "New ID number"), typed(page, "id_number"), errors,
                      {.required = true, .hint = tr("18位；与登记时同样校验，保存前显示性别与出生日期",
                                                    "18 characters, checked as on registering; sex and date of birth "
                                                    "are shown before saving"),
                       .autocomplete = "off", .maxlength = 18, .data_check = "id-number"}));
  h("{}", textarea_field("reason", tr("更正原因", "Why the number changes"), typed(page, "reason"), errors, 3, true));
  h("{}</form>", save_actions(tr("核对", "Check"), url("/children/{}", id)));
  return form_page(page, tr("更正身份证号", "Correct the ID number"), std::move(h), errors, Nav::Children);
}

Response id_number_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  if (Status may = check_may_act(page, child.value()["id"].get<std::string>(), may_correct_id_number(page.station)); !may)
    return status_page(page, may);
  return id_number_form(page, child.value(), {}, nullptr);
}

Response id_number_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  if (Status may = check_may_act(page, id, may_correct_id_number(page.station)); !may) return status_page(page, may);
  const std::string number = page.request.param("id_number"), reason = page.request.param("reason");
  FormErrors errors;
  if (page.request.param("confirm") != "1") {
    auto checked = check_id_number_correction(page.station, id, number, reason);
    if (!checked) {
      errors.add(checked.status(), kIdFields);
      return id_number_form(page, child.value(), errors, nullptr);
    }
    return id_number_form(page, child.value(), errors, &checked.value());
  }
  auto corrected = set_id_number(page.station, id, number, reason);
  if (!corrected) {
    errors.add(corrected.status(), kIdFields);
    return id_number_form(page, child.value(), errors, nullptr);
  }
  return Response::redirect(url("/children/{}", id) + "?saved=1");
}

}  // namespace

void add_transfer_routes(Routes& routes) {
  routes.get("/children/{}/transfer", transfer_get);
  routes.post("/children/{}/transfer", transfer_post);
  routes.get("/children/{}/id-number", id_number_get);
  routes.post("/children/{}/id-number", id_number_post);
}

}  // namespace tongdang::web::station
