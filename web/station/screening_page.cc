// 三步排查 in the browser (core/workflow/screening.h, as `tongdang lead add` and `tongdang screen …`):
// `/leads/new` — step 1, a lead; `/leads/{id}/verify` — step 2, the home verification: register the child (or attach
// the lead to a file) with the first risk screen, or close the lead as not eligible or a duplicate;
// `/children/{id}/screening/review` — step 3a, the township supervisor approves or returns with a reason;
// `/children/{id}/screening/confirm` — step 3b, the county confirms categories and colour.
#include <algorithm>

#include "core/model/division.h"
#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/id_number.h"
#include "core/workflow/screening.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

namespace {

const std::vector<std::string> kLeadFields = {"village", "reporter", "source", "seen", "date"};
// The new child's fields a verification takes (as `screen verify`'s options).
const std::vector<std::string> kVerifyChildFields = {"name", "id_number", "village", "hukou_status", "sex",
                                                     "birth_date", "phone", "current_address"};

bool page_failure(const Status& status) {
  return status.code() == Code::Refused || status.code() == Code::NotFound || status.code() == Code::Unauthenticated;
}

// ---- step 1: a lead ----

Response lead_form(Page& page, const FormErrors& errors) {
  Html h;
  h(R"(<h1>{}</h1>{})", tr("登记线索", "Record a lead"), form_errors(errors));
  h(R"(<form method="post" action="/leads/new" class="card">{})", csrf_field(page.csrf));
  h("{}", select_field("village", i18n::label("village"), village_options(page), typed(page, "village"), errors,
                       tr("请选择", "choose"), true));
  h("{}", select_field("source", i18n::label("source"), options_of_keys(lead_sources(), "lead_source."),
                       typed(page, "source", "director"), errors));
  h("{}", input_field("reporter", i18n::label("reporter"), typed(page, "reporter"), errors));
  h("{}", textarea_field("seen", i18n::label("seen"), typed(page, "seen"), errors, 4, true));
  h("{}", checkbox_field("suspected_red", tr("疑似红色（须24小时内入户核查）", "suspected red (verify within 24 hours)"),
                         page.request.param("suspected_red") == "1"));
  h("{}", input_field("date", tr("发现日期", "Date discovered"),
                      typed(page, "date", page.station.clock().today().to_string()), errors, {.type = "date"}));
  h("{}</form>", save_actions(tr("登记线索", "Record the lead"), "/"));
  return form_page(page, tr("登记线索", "Record a lead"), std::move(h), errors);
}

Response lead_get(Page& page, const std::vector<std::string>&) { return lead_form(page, {}); }

Response lead_post(Page& page, const std::vector<std::string>&) {
  FormErrors errors;
  NewLead lead;
  lead.village = page.request.param("village");
  lead.reporter = page.request.param("reporter");
  lead.source = page.request.param("source").empty() ? "director" : page.request.param("source");
  lead.seen = page.request.param("seen");
  lead.suspected_red = page.request.param("suspected_red") == "1";
  lead.on = typed_date(page, "date", errors);
  if (errors.any()) return lead_form(page, errors);
  auto added = add_lead(page.station, lead);
  if (!added) {
    if (page_failure(added.status()) && added.status().field().empty()) return status_page(page, added.status());
    errors.add(added.status(), kLeadFields);
    return lead_form(page, errors);
  }
  return Response::redirect("/?saved=1");
}

// ---- step 2: the home verification ----

Response verify_form(Page& page, const json& lead, const FormErrors& errors) {
  const std::string id = lead["id"];
  Html h;
  h(R"(<h1>{}</h1>{})", tr("入户核查", "Home verification"), form_errors(errors));
  h(R"(<section class="card"><p>{}：{} · {}：{} · {}：{}</p><p>{}：{}</p>)", i18n::label("village"),
    division_label(field_text(lead["village"])), i18n::label("source"), i18n::label("lead_source." + field_text(lead["source"])),
    tr("核查期限", "verify by"), field_text(lead["verify_due"]), i18n::label("seen"), field_text(lead["seen"]));
  if (lead.value("red", false)) h(R"(<p class="alert warn">{}</p>)", tr("疑似红色：24小时内核查", "suspected red: 24 hours"));
  if (lead["return_reason"].is_string())
    h(R"(<p class="alert warn">{}：{}</p>)", tr("督导员退回原因", "returned by the supervisor"),
      field_text(lead["return_reason"]));
  h("</section>");
  h(R"(<form method="post" action="{}" class="card">{})", url("/leads/{}/verify", id), csrf_field(page.csrf));
  const std::vector<Option> outcomes = {{"register", tr("登记为新档案", "register the child")},
                                        {"attach", tr("并入已有档案", "attach to an existing file")},
                                        {"not_eligible", tr("不符合条件，关闭线索", "not eligible: close the lead")},
                                        {"duplicate", tr("重复线索，关闭", "a duplicate: close the lead")}};
  h("{}", radio_field("outcome", tr("核查结果", "Outcome"), outcomes, typed(page, "outcome", "register"), errors));
  h(R"(<fieldset class="domain"><legend>{}</legend>)", tr("儿童信息（登记为新档案时填写）", "The child (when registering)"));
  h("{}", input_field("name", i18n::label("name"), typed(page, "name"), errors));
  h("{}", input_field("id_number", i18n::label("id_number"), typed(page, "id_number"), errors,
                      {.autocomplete = "off", .maxlength = 18, .data_check = "id-number"}));
  if (page.request.method == "POST" && !page.request.param("id_number").empty()) {
    auto parsed = parse_id_number(page.request.param("id_number"), page.station.clock().today());
    h(R"(<p class="id-check" id="id_number-check">{}</p>)",
      parsed ? i18n::edge::trf("有效：{}，{} 出生", "valid: {}, born {}", i18n::label(to_string(parsed.value().sex)),
                               parsed.value().birth_date.to_string())
             : page.text(parsed.status().text()));
  }
  h("{}", select_field("hukou_status", i18n::label("hukou_status"), choice_options("hukou_status"),
                       typed(page, "hukou_status", "registered"), errors));
  h("{}", select_field("sex", i18n::label("sex"), choice_options("sex"), typed(page, "sex"), errors,
                       tr("（无身份证号时填写）", "(without an ID number)")));
  h("{}", input_field("birth_date", i18n::label("birth_date"), typed(page, "birth_date"), errors, {.type = "date"}));
  h("{}", input_field("phone", i18n::label("phone"), typed(page, "phone"), errors, {.type = "tel"}));
  h("{}", input_field("current_address", i18n::label("current_address"), typed(page, "current_address"), errors));
  const std::vector<std::string> chosen = page.request.params("category");
  h(R"(<fieldset class="field checks"><legend>{}</legend>)", i18n::label("categories"));
  for (const Option& option : options_of(vocabulary::kCategories))
    h("{}", checkbox_field("category", option.label,
                           std::find(chosen.begin(), chosen.end(), option.value) != chosen.end(), option.value));
  h("</fieldset></fieldset>");
  h("{}", input_field("child", tr("已有档案（并入或重复时：编号或身份证号）", "Existing file (attach or duplicate: id or ID number)"),
                      typed(page, "child"), errors));
  h("{}", input_field("reason", tr("关闭原因（不符合条件或重复时）", "Reason (not eligible or duplicate)"), typed(page, "reason"),
                      errors));
  h(R"(<fieldset class="domain"><legend>{}</legend>)", tr("首次风险筛查", "First risk screen"));
  h("{}</fieldset>", instrument_fields(page, errors));
  h("{}", input_field("date", tr("核查日期", "Date"), typed(page, "date", page.station.clock().today().to_string()),
                      errors, {.type = "date"}));
  h("{}", textarea_field("notes", i18n::label("notes"), typed(page, "notes"), errors));
  h("{}</form>", save_actions(tr("保存核查", "Save the verification"), "/"));
  return form_page(page, tr("入户核查", "Home verification"), std::move(h), errors);
}

std::vector<std::string> verify_fields() {
  std::vector<std::string> names = kVerifyChildFields;
  for (const std::string& name : answer_fields()) names.push_back(name);
  names.insert(names.end(), {"outcome", "child", "reason", "category", "not-eligible", "duplicate"});
  return names;
}

Response verify_get(Page& page, const std::vector<std::string>& params) {
  auto lead = show_lead(page.station, params[0]);
  if (!lead) return status_page(page, lead.status());
  return verify_form(page, lead.value(), {});
}

Response verify_post(Page& page, const std::vector<std::string>& params) {
  auto lead = show_lead(page.station, params[0]);
  if (!lead) return status_page(page, lead.status());
  FormErrors errors;
  Verification v;
  v.lead_ref = lead.value()["id"];
  v.on = typed_date(page, "date", errors);
  v.notes = page.request.param("notes");
  const std::string outcome = page.request.param("outcome");
  const std::string reason = page.request.param("reason");
  const std::string child_ref = page.request.param("child");
  if (outcome == "not_eligible") {
    if (reason.empty()) errors.fields["reason"] = tr("需要写明不符合条件的原因", "say why the child is not eligible");
    v.not_eligible = reason;
  } else if (outcome == "duplicate") {
    if (child_ref.empty()) errors.fields["child"] = tr("请填写重复的档案", "name the file it duplicates");
    v.duplicate_of = child_ref;
    v.reason = reason;
  } else {
    if (outcome == "attach") {
      if (child_ref.empty()) errors.fields["child"] = tr("请填写要并入的档案", "name the file to attach to");
      v.child_ref = child_ref;
    } else {
      for (const std::string& field : kVerifyChildFields)
        if (std::string value = page.request.param(field); !value.empty()) v.new_child.fields[field] = value;
      v.new_child.categories = page.request.params("category");
    }
    if (answers_given(page)) {
      auto answers = typed_answers(page);
      if (!answers) errors.add(answers.status(), verify_fields());
      else v.answers = answers.value();
    }
  }
  if (errors.any()) return verify_form(page, lead.value(), errors);
  auto done = verify_lead(page.station, v);
  if (!done) {
    if (page_failure(done.status()) && done.status().field().empty()) return status_page(page, done.status());
    errors.add(done.status(), verify_fields());
    // The use case names the closing reason as the CLI's option does.
    if (const std::string* m = errors.of("not-eligible")) errors.fields["reason"] = *m;
    return verify_form(page, lead.value(), errors);
  }
  if (done.value().child_id) return Response::redirect(url("/children/{}", *done.value().child_id) + "?saved=1");
  return Response::redirect("/?saved=1");
}

// ---- step 3: review and confirmation ----

Response review_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("排查：乡镇审核", "Screening: township review")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/screening/review", id),
    csrf_field(page.csrf));
  const std::vector<Option> decisions = {{"approve", tr("审核通过，报县级认定", "approve: to the county")},
                                         {"return", tr("退回儿童主任重新核查", "return to the director")}};
  h("{}", radio_field("decision", tr("审核意见", "Decision"), decisions, typed(page, "decision", "approve"), errors));
  h("{}", textarea_field("reason", tr("退回原因（退回时必填）", "Reason (required to return)"), typed(page, "reason"),
                         errors));
  h("{}</form>", save_actions(tr("提交审核", "Submit"), url("/children/{}", id)));
  return form_page(page, tr("排查：乡镇审核", "Screening: township review"), std::move(h), errors, Nav::Review);
}

// Refused before the form is shown when the role may not take this step (the use case refuses it again on saving).
Status step_allowed(Page& page, access::Action action) {
  if (access::may(page.station.actor().role, action)) return Status::ok();
  return Status::refused(action == access::Action::ReviewScreening
                             ? i18n::tr("排查审核由乡镇儿童督导员办理", "the township supervisor reviews screenings")
                             : i18n::tr("类别和风险等级由县级未保中心认定",
                                        "the county centre confirms categories and colour"));
}

Response review_get(Page& page, const std::vector<std::string>& params) {
  if (Status allowed = step_allowed(page, access::Action::ReviewScreening); !allowed)
    return status_page(page, allowed);
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return review_form(page, child.value(), {});
}

Response review_post(Page& page, const std::vector<std::string>& params) {
  if (Status allowed = step_allowed(page, access::Action::ReviewScreening); !allowed)
    return status_page(page, allowed);
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  FormErrors errors;
  const std::string decision = page.request.param("decision");
  if (decision != "approve" && decision != "return") {
    errors.fields["decision"] = tr("请选择审核通过或退回", "choose approve or return");
    return review_form(page, child.value(), errors);
  }
  const Status saved = review_screening(page.station, id, decision == "approve", page.request.param("reason"));
  if (!saved) {
    if (saved.code() == Code::Refused && saved.field().empty()) return status_page(page, saved);
    errors.add(saved, {"decision", "reason", "return"});
    if (const std::string* m = errors.of("return")) errors.fields["reason"] = *m;
    return review_form(page, child.value(), errors);
  }
  return Response::redirect(url("/children/{}", id) + "?saved=1");
}

Response confirm_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("排查：县级认定", "Screening: county confirmation")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/screening/confirm", id),
    csrf_field(page.csrf));
  std::vector<std::string> chosen = page.request.params("category");
  if (page.request.method != "POST")
    for (const json& c : child.value("categories", json::array())) chosen.push_back(c.get<std::string>());
  h(R"(<fieldset class="field checks"><legend>{}</legend>)", tr("认定类别", "Categories confirmed"));
  for (const Option& option : options_of(vocabulary::kCategories))
    h("{}", checkbox_field("category", option.label,
                           std::find(chosen.begin(), chosen.end(), option.value) != chosen.end(), option.value));
  h("</fieldset>");
  h("{}", select_field("colour", tr("认定风险等级", "Colour confirmed"), options_of(vocabulary::kColours),
                       typed(page, "colour", field_text(child["colour"])), errors, tr("（维持当前等级）", "(the current one)")));
  h("{}", textarea_field("reason", tr("原因（改变等级时必填）", "Reason (required to change the colour)"),
                         typed(page, "reason"), errors));
  h("{}</form>", save_actions(tr("认定", "Confirm"), url("/children/{}", id)));
  return form_page(page, tr("排查：县级认定", "Screening: county confirmation"), std::move(h), errors, Nav::Review);
}

Response confirm_get(Page& page, const std::vector<std::string>& params) {
  if (Status allowed = step_allowed(page, access::Action::ConfirmScreening); !allowed)
    return status_page(page, allowed);
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return confirm_form(page, child.value(), {});
}

Response confirm_post(Page& page, const std::vector<std::string>& params) {
  if (Status allowed = step_allowed(page, access::Action::ConfirmScreening); !allowed)
    return status_page(page, allowed);
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  FormErrors errors;
  Confirmation c;
  c.categories = page.request.params("category");
  if (std::string colour = page.request.param("colour"); !colour.empty()) {
    c.colour = parse_colour(colour);
    if (!c.colour) errors.fields["colour"] = tr("请选择等级", "choose the colour");
  }
  c.reason = page.request.param("reason");
  if (errors.any()) return confirm_form(page, child.value(), errors);
  const Status saved = confirm_screening(page.station, id, c);
  if (!saved) {
    if (saved.code() == Code::Refused && saved.field().empty()) return status_page(page, saved);
    errors.add(saved, {"category", "colour", "reason"});
    return confirm_form(page, child.value(), errors);
  }
  return Response::redirect(url("/children/{}", id) + "?saved=1");
}

}  // namespace

void add_screening_routes(Routes& routes) {
  routes.get("/leads/new", lead_get);
  routes.post("/leads/new", lead_post);
  routes.get("/leads/{}/verify", verify_get);
  routes.post("/leads/{}/verify", verify_post);
  routes.get("/children/{}/screening/review", review_get);
  routes.post("/children/{}/screening/review", review_post);
  routes.get("/children/{}/screening/confirm", confirm_get);
  routes.post("/children/{}/screening/confirm", confirm_post);
}

}  // namespace tongdang::web::station
