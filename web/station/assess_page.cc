// `/children/{id}/assess` — 评估: the instrument (core/rules/instrument.h) as a form, its choices and points read
// from the county policy in force. `step=preview` shows what the server scores — total, the four domains, the red
// triggers and the colour — by the same code as saving (preview_assessment), writing nothing; `step=save` records
// the assessment (assess, as `tongdang assess`).
#include <algorithm>

#include "core/base/i18n.h"
#include "core/model/policy.h"
#include "core/workflow/workflow.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

namespace {

constexpr const char* kTriggers[] = {"R1", "R2", "R3", "R4", "R5"};
const std::vector<std::string> kChoiceQuestions = {"carer", "guardianship", "disability", "income", "school"};
const std::vector<std::string> kCountQuestions = {"home_hazards", "warning_signs", "behaviour_problems",
                                                  "parent_contact_gap_months"};
const std::vector<std::string> kYesNoQuestions = {"past_abuse_resolved", "serious_illness", "unmet_treatment"};

}  // namespace

std::vector<std::string> answer_fields() {
  std::vector<std::string> names = kChoiceQuestions;
  names.insert(names.end(), kCountQuestions.begin(), kCountQuestions.end());
  names.insert(names.end(), kYesNoQuestions.begin(), kYesNoQuestions.end());
  names.insert(names.end(), {"triggers", "date", "notes"});
  return names;
}

namespace {

// The answers of one question as the policy scores them, fewest points first, each with its points.
std::vector<Option> question_options(const InstrumentPolicy& policy, const std::string& question) {
  const std::map<std::string, int, std::less<>>& points = question == "carer"          ? policy.carer
                                                          : question == "guardianship" ? policy.guardianship
                                                          : question == "disability"   ? policy.disability
                                                          : question == "income"       ? policy.income
                                                                                       : policy.school;
  std::vector<std::pair<std::string, int>> answers(points.begin(), points.end());
  std::stable_sort(answers.begin(), answers.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  std::vector<Option> out;
  for (const auto& [answer, score] : answers)
    out.push_back({answer, trf("{}（{} 分）", "{} ({} points)", i18n::label(question + "." + answer), score)});
  return out;
}

}  // namespace

bool answers_given(Page& page) {
  if (!page.request.params("triggers").empty()) return true;
  for (const std::string& question : kChoiceQuestions)
    if (!page.request.param(question).empty()) return true;
  for (const std::string& question : kYesNoQuestions)
    if (page.request.param(question) == "1") return true;
  for (const std::string& question : kCountQuestions)
    if (const std::string value = page.request.param(question); !value.empty() && value != "0") return true;
  return false;
}

Result<Answers> typed_answers(Page& page) {
  json in = json::object();
  const std::vector<std::string> triggers = page.request.params("triggers");
  if (!triggers.empty()) in["triggers"] = triggers;
  for (const std::string& question : kChoiceQuestions)
    if (std::string value = page.request.param(question); !value.empty()) in[question] = value;
  for (const std::string& question : kCountQuestions) {
    const std::string value = page.request.param(question);
    if (value.empty()) continue;
    if (value.size() > 3 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return Status::invalid(question, tr("应为 0 或正整数", "must be 0 or a whole number"));
    in[question] = std::stoi(value);
  }
  for (const std::string& question : kYesNoQuestions)
    if (page.request.param(question) == "1") in[question] = true;
  return parse_answers(in);
}

namespace {

Markup preview_box(const AssessmentPreview& preview) {
  const Score& s = preview.score;
  std::string triggers;
  for (RedTrigger t : s.triggers) triggers += (triggers.empty() ? "" : "、") + std::string(to_string(t));
  Html h;
  h(R"(<section class="card preview" id="preview" aria-live="polite"><h2>{}</h2>)",
    tr("评估结果预览（尚未保存）", "Preview (not saved yet)"));
  h(R"(<p class="score">{} <strong id="preview-score">{}</strong> · {} <span id="preview-colour">{}</span></p>)",
    i18n::label("score"), s.total, tr("评估等级", "assessed colour"), colour_badge(to_string(s.colour)));
  h(R"(<table class="breakdown"><tbody><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>)"
    R"(<tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr></tbody></table>)",
    tr("G 监护与安全", "G guardianship and safety"), s.g, tr("H 健康与残疾", "H health and disability"), s.h,
    tr("B 心理行为", "B psycho-behavioural"), s.b, tr("L 生活、上学与亲情", "L livelihood, school and contact"), s.l,
    i18n::label("triggers"), triggers.empty() ? i18n::label("none") : triggers);
  if (preview.lowering)
    h(R"(<p class="alert warn">{}</p>)",
      trf("当前等级为{}：本次评估低于当前等级，是一次降级，按降级规则可能需督导员或县级复核后才生效。",
          "the child is {} now: this assessment is lower, a lowering, which may wait for a supervisor's or the "
          "county's review before it applies.",
          i18n::label(to_string(*preview.current_colour))));
  h(R"(<p class="muted">{}</p></section>)", trf("按县级政策 {} 计分", "scored under county policy {}", s.policy_version));
  return std::move(h).markup();
}

}  // namespace

Markup instrument_fields(Page& page, const FormErrors& errors) {
  const InstrumentPolicy& policy = stored_policy(page.station.db()).instrument;
  Html h;
  const std::vector<std::string> chosen = page.request.params("triggers");
  h(R"(<fieldset class="field checks{}"><legend>{}</legend><p class="hint">{}</p>)",
    errors.of("triggers") ? " has-error" : "", i18n::label("triggers"),
    tr("任一项属实即为红色，不论得分", "any one makes the child red whatever the score"));
  for (const char* trigger : kTriggers)
    h("{}", checkbox_field("triggers", i18n::label(std::string("trigger.") + trigger),
                           std::find(chosen.begin(), chosen.end(), trigger) != chosen.end(), trigger));
  if (const std::string* m = errors.of("triggers")) h(R"(<p class="field-error" role="alert">{}</p>)", *m);
  h("</fieldset>");
  h(R"(<fieldset class="domain"><legend>{}</legend>)", tr("G 监护与安全", "G guardianship and safety"));
  h("{}", select_field("carer", i18n::label("carer"), question_options(policy, "carer"), typed(page, "carer"), errors,
                       tr("请选择", "choose")));
  h("{}", select_field("guardianship", i18n::label("guardianship"), question_options(policy, "guardianship"),
                       typed(page, "guardianship"), errors, tr("请选择", "choose")));
  h("{}", input_field("home_hazards", i18n::label("home_hazards"), typed(page, "home_hazards", "0"), errors,
                      {.type = "number", .inputmode = "numeric"}));
  h("{}", checkbox_field("past_abuse_resolved", i18n::label("past_abuse_resolved"),
                         page.request.param("past_abuse_resolved") == "1"));
  h(R"(</fieldset><fieldset class="domain"><legend>{}</legend>)", tr("H 健康与残疾", "H health and disability"));
  h("{}", select_field("disability", i18n::label("disability"), question_options(policy, "disability"),
                       typed(page, "disability"), errors, tr("请选择", "choose")));
  h("{}", checkbox_field("serious_illness", i18n::label("serious_illness"), page.request.param("serious_illness") == "1"));
  h("{}", checkbox_field("unmet_treatment", i18n::label("unmet_treatment"), page.request.param("unmet_treatment") == "1"));
  h(R"(</fieldset><fieldset class="domain"><legend>{}</legend>)", tr("B 心理行为", "B psycho-behavioural"));
  h("{}", input_field("warning_signs", i18n::label("warning_signs"), typed(page, "warning_signs", "0"), errors,
                      {.type = "number", .inputmode = "numeric"}));
  h("{}", input_field("behaviour_problems", i18n::label("behaviour_problems"), typed(page, "behaviour_problems", "0"),
                      errors, {.type = "number", .inputmode = "numeric"}));
  h(R"(</fieldset><fieldset class="domain"><legend>{}</legend>)",
    tr("L 生活、上学与亲情", "L livelihood, school and contact"));
  h("{}", select_field("income", i18n::label("income"), question_options(policy, "income"), typed(page, "income"),
                       errors, tr("请选择", "choose")));
  h("{}", select_field("school", i18n::label("schooling"), question_options(policy, "school"), typed(page, "school"),
                       errors, tr("请选择", "choose")));
  h("{}", input_field("parent_contact_gap_months", i18n::label("parent_contact_gap_months"),
                      typed(page, "parent_contact_gap_months"), errors, {.type = "number", .inputmode = "numeric"}));
  h("</fieldset>");
  return std::move(h).markup();
}

namespace {

Response assess_form(Page& page, const json& child, const FormErrors& errors,
                     const std::optional<AssessmentPreview>& preview) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("风险评估", "Assessment")), form_errors(errors));
  if (preview) h("{}", preview_box(*preview));
  h(R"(<form method="post" action="{}" class="card assess">{})", url("/children/{}/assess", id), csrf_field(page.csrf));
  h("{}", instrument_fields(page, errors));
  h("{}", input_field("date", tr("评估日期", "Date"), typed(page, "date", page.station.clock().today().to_string()),
                      errors, {.type = "date"}));
  h("{}", textarea_field("notes", i18n::label("notes"), typed(page, "notes"), errors));
  h(R"(<div class="actions"><button type="submit" name="step" value="preview" class="secondary" id="preview-button">{}</button> )"
    R"(<button type="submit" name="step" value="save" id="save">{}</button> <a href="{}">{}</a></div></form>)",
    tr("预览得分", "Preview the score"), tr("保存评估", "Save the assessment"), url("/children/{}", id),
    tr("返回", "Back"));
  return form_page(page, tr("风险评估", "Assessment"), std::move(h), errors, Nav::Children);
}

Response assess_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  return assess_form(page, child.value(), {}, std::nullopt);
}

Response assess_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  FormErrors errors;
  std::optional<Date> on = typed_date(page, "date", errors);
  if (errors.any()) return assess_form(page, child.value(), errors, std::nullopt);
  auto answers = typed_answers(page);
  if (!answers) {
    errors.add(answers.status(), answer_fields());
    return assess_form(page, child.value(), errors, std::nullopt);
  }
  auto fail = [&](const Status& status) {
    if (status.code() == Code::Refused || status.code() == Code::NotFound) return status_page(page, status);
    errors.add(status, answer_fields());
    return assess_form(page, child.value(), errors, std::nullopt);
  };
  if (page.request.param("step") != "save") {
    auto preview = preview_assessment(page.station, id, answers.value(), on);
    if (!preview) return fail(preview.status());
    return assess_form(page, child.value(), errors, preview.value());
  }
  auto saved = assess(page.station, id, answers.value(), on, page.request.param("notes"));
  if (!saved) return fail(saved.status());
  return Response::redirect(url("/children/{}", id) + "?saved=1");
}

}  // namespace

void add_assess_routes(Routes& routes) {
  routes.get("/children/{}/assess", assess_get);
  routes.post("/children/{}/assess", assess_post);
}

}  // namespace tongdang::web::station
