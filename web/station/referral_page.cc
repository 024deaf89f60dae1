// `/children/{id}/referrals/new` — 强制报告与转介 (add_referral, as `tongdang referral add`): to whom, which kind, the
// date (today unless given) and what was reported; `/children/{id}/referrals/{referral}` — moving an open one on
// (update_referral, as `tongdang referral update`): its status and outcome. The choices are the vocabularies'
// (ReferralTo, ReferralKind, ReferralStatus); a mandatory report makes the child red at once (the colour rule reads
// it), and the form says so before it is sent.
#include <variant>

#include "core/base/i18n.h"
#include "core/workflow/children.h"
#include "core/workflow/referrals.h"
#include "web/station/form_parts.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

namespace {

const std::vector<std::string> kReferralFields = {"to", "kind", "date", "summary"};
const std::vector<std::string> kUpdateFields = {"status", "outcome"};

Response referral_form(Page& page, const json& child, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("强制报告与转介", "Mandatory report or referral")), form_errors(errors));
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/referrals/new", id), csrf_field(page.csrf));
  h("{}", radio_field("kind", tr("类型", "Kind"), choice_options(Vocabulary::ReferralKind), typed(page, "kind"),
                      errors));
  h(R"(<p class="alert warn" id="mandatory-report-rule">{}</p>)",
    tr("强制报告（疑似遭受侵害）登记后，该儿童立即定为红色。", "A mandatory report (suspected abuse) makes the child red at "
       "once."));
  h("{}", select_field("to", tr("报告/转介对象", "Reported or referred to"), choice_options(Vocabulary::ReferralTo),
                       typed(page, "to"), errors, tr("请选择", "choose"), true));
  h("{}", input_field("date", tr("日期", "Date"), typed(page, "date", page.station.clock().today().to_string()), errors,
                      {.type = "date"}));
  h("{}", textarea_field("summary", tr("报告或转介的内容", "What was reported or referred"), typed(page, "summary"),
                         errors, 4, true));
  h("{}</form>", save_actions(tr("登记", "Record"), url("/children/{}", id)));
  return form_page(page, tr("强制报告与转介", "Mandatory report or referral"), std::move(h), errors, Nav::Children);
}

Response referral_get(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  if (Status access = check_child_access(page.station, child.value()["id"].get<std::string>(), true); !access)
    return status_page(page, access);
  return referral_form(page, child.value(), {});
}

Response referral_post(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  if (Status access = check_child_access(page.station, id, true); !access) return status_page(page, access);
  FormErrors errors;
  NewReferral referral;
  referral.to = page.request.param("to");
  referral.kind = page.request.param("kind");
  referral.on = typed_date(page, "date", errors);
  referral.summary = page.request.param("summary");
  if (errors.any()) return referral_form(page, child.value(), errors);
  auto added = add_referral(page.station, id, referral);
  if (!added) {
    errors.add(added.status(), kReferralFields);
    return referral_form(page, child.value(), errors);
  }
  return Response::redirect(url("/children/{}", id) + "?saved=1#referrals");
}

// ---- moving a referral on ----

Response update_form(Page& page, const json& child, const Referral& referral, const FormErrors& errors) {
  const std::string id = child["id"];
  Html h;
  h("{}{}", child_heading(child, tr("更新报告或转介", "Update a report or referral")), form_errors(errors));
  h(R"(<section class="card"><dl class="facts"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>)"
    R"(<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl></section>)",
    tr("日期", "Date"), referral.made_on, tr("类型", "Kind"), i18n::label(Vocabulary::ReferralKind, referral.kind),
    tr("对象", "To"), i18n::label(Vocabulary::ReferralTo, referral.to), tr("内容", "Summary"), referral.summary,
    tr("结果", "Outcome"), referral.outcome.empty() ? std::string("—") : referral.outcome);
  h(R"(<form method="post" action="{}" class="card">{})", url("/children/{}/referrals/{}", id, referral.id),
    csrf_field(page.csrf));
  h("{}", select_field("status", tr("状态", "Status"), choice_options(Vocabulary::ReferralStatus),
                       typed(page, "status", referral.status), errors));
  h("{}", textarea_field("outcome", tr("结果或进展", "Outcome or progress"), typed(page, "outcome"), errors, 3));
  h("{}</form>", save_actions(tr("保存", "Save"), url("/children/{}", id)));
  return form_page(page, tr("更新报告或转介", "Update a report or referral"), std::move(h), errors, Nav::Children);
}

// The file and the referral of it the URL names (/children/{id}/referrals/{referral}), or the page that answers
// instead: the file's status page, or a 404 for a referral the file does not hold.
struct ReferralTarget {
  json child;
  Referral referral;
};
std::variant<ReferralTarget, Response> referral_target(Page& page, const std::vector<std::string>& params) {
  auto child = form_child(page, params[0]);
  if (!child) return status_page(page, child.status());
  const std::string id = child.value()["id"];
  if (Status access = check_child_access(page.station, id, true); !access) return status_page(page, access);
  for (Referral& r : child_referrals(page.station.db(), id))
    if (r.id == params[1]) return ReferralTarget{std::move(child.value()), std::move(r)};
  return not_found_page(page, trf("找不到报告或转介 {}", "no report or referral {}", params[1]));
}

Response update_get(Page& page, const std::vector<std::string>& params) {
  auto target = referral_target(page, params);
  if (auto* answer = std::get_if<Response>(&target)) return std::move(*answer);
  const auto& [child, referral] = std::get<ReferralTarget>(target);
  return update_form(page, child, referral, {});
}

Response update_post(Page& page, const std::vector<std::string>& params) {
  auto target = referral_target(page, params);
  if (auto* answer = std::get_if<Response>(&target)) return std::move(*answer);
  const auto& [child, found] = std::get<ReferralTarget>(target);
  const std::string id = child["id"];
  const Referral* referral = &found;
  // An unchanged status is not a change; what is left empty is not given.
  const std::string status = page.request.param("status"), outcome = page.request.param("outcome");
  if ((status.empty() || status == referral->status) && outcome.empty()) {
    FormErrors errors;
    errors.fields["outcome"] = tr("请更改状态或填写结果", "change the status or give an outcome");
    return update_form(page, child, *referral, errors);
  }
  const Status saved =
      update_referral(page.station, referral->id,
                      status.empty() || status == referral->status ? std::nullopt : std::optional<std::string>(status),
                      outcome.empty() ? std::nullopt : std::optional<std::string>(outcome));
  if (!saved) {
    FormErrors errors;
    errors.add(saved, kUpdateFields);
    return update_form(page, child, *referral, errors);
  }
  return Response::redirect(url("/children/{}", id) + "?saved=1#referrals");
}

}  // namespace

void add_referral_routes(Routes& routes) {
  routes.get("/children/{}/referrals/new", referral_get);
  routes.post("/children/{}/referrals/new", referral_post);
  routes.get("/children/{}/referrals/{}", update_get);
  routes.post("/children/{}/referrals/{}", update_post);
}

}  // namespace tongdang::web::station
