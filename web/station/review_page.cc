// `/review` — 审核: everything that waits on a supervisor's or the county's decision, each acted on where it stands:
// colour review items (core/workflow review_queue; decided with change_colour or resolve_reviews, as `tongdang colour
// lower|resolve`), screenings to review, returned or to confirm (review_screening, confirm_screening, as `tongdang
// screen review|confirm`), sync conflicts (sync/station resolve_conflict, as `tongdang conflicts resolve`), duplicate
// candidates (shown: the county merges) and escalations (links to the file). Every form posts to /review/…, which
// answers 303 to /review?saved=1, or shows the queue again with the message beside the item and nothing written.
#include <nlohmann/json.hpp>

#include "core/model/division.h"
#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/model/choices.h"
#include "core/model/id_number.h"
#include "core/model/labels.h"
#include "core/model/vocabulary.h"
#include "core/store/record_ref.h"
#include "core/workflow/review_queue.h"
#include "core/workflow/screening.h"
#include "sync/station/conflicts.h"
#include "sync/station/status.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::label;
using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

namespace {

// Rows shown per list: the queue of a large township stays one light page; the count says what is left.
constexpr std::size_t kRowsPerList = 50;

using Failed = FailedItem;
using FormState = ItemForms<Page>;

// The colour's label, or 未评估.
std::string colour_text(std::optional<Colour> colour) {
  return colour ? label(to_string(*colour)) : std::string(tr("未评估", "not graded"));
}

Markup reason_field(const FormState& state, const std::string& key, std::string_view hint) {
  return item_reason_field(state.typed(key, "reason"), state.errors(key), hint);
}

// ---- colour review items ----

void colour_section(Html& h, const FormState& state, const std::vector<ColourReviewItem>& items) {
  h(R"(<h2 id="colour-reviews">{} <span class="muted">({})</span></h2>)", tr("待复核的等级变更", "Colour review items"),
    items.size());
  if (items.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有待复核的等级变更。", "No colour review item is open."));
    return;
  }
  h(R"(<p class="muted">{}</p>)",
    tr("未生效的降级：同意则按提议降级（督导员可将黄/蓝降一级，红色须县级在无触发项的重新评估后办理）；"
       "维持则关闭复核事项，等级不变。",
       "Lowerings that did not apply: approve to lower as proposed (a supervisor lowers yellow or blue by one step; "
       "red needs the county after a reassessment with no trigger), or keep the colour and close the item."));
  h(R"(<table class="review colour-reviews"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>)"
    R"(<th>{}</th></tr></thead><tbody>)",
    tr("儿童", "Child"), tr("村（居）", "Village"), tr("当前等级", "Now"), tr("提议", "Proposed"),
    tr("未生效原因", "Why it waits"), tr("处理", "Decision"));
  std::size_t shown = 0;
  for (const ColourReviewItem& item : items) {
    if (shown++ == kRowsPerList) break;
    const std::string key = "colour-" + item.event_id;
    h(R"(<tr id="{}"><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{} → {}</td>)", key,
      url("/children/{}", item.child_id), item.name, division_label(item.village), colour_badge(item.colour),
      colour_text(item.from), colour_badge(item.proposed));
    h(R"(<td>{}<br><span class="muted">{} {}</span></td><td>)", label(item.why), item.opened_by, item.opened_on);
    h(R"(<form method="post" action="{}" class="review-item">{}{})", url("/review/colour/{}", item.child_id),
      csrf_field(state.page.csrf), form_errors(state.errors(key)));
    h(R"(<input type="hidden" name="item" value="{}"><input type="hidden" name="to" value="{}">)", item.event_id,
      to_string(item.proposed));
    h("{}", reason_field(state, key, tr("同意或维持都须写明原因", "approving and keeping both need a reason")));
    h(R"(<div class="actions"><button type="submit" name="decision" value="lower" id="approve-{}">{}</button>)"
      R"(<button type="submit" name="decision" value="keep" class="secondary" id="keep-{}">{}</button></div>)",
      item.event_id, trf("同意降为{}", "Lower to {}", label(to_string(item.proposed))), item.event_id,
      tr("维持当前等级", "Keep the colour"));
    h("</form></td></tr>");
  }
  h("</tbody></table>{}", more_rows(items.size(), kRowsPerList));
}

// ---- screenings ----

void screening_form(Html& h, const FormState& state, const json& row, bool county) {
  const std::string child = row["child_id"].is_string() ? row["child_id"].get<std::string>() : "";
  const std::string step = row["step"];
  const std::string key = "screening-" + row["lead_id"].get<std::string>();
  if (row["state"] == "returned") {
    h(R"(<td>{}：{}<br><a href="{}">{}</a></td>)", tr("已退回儿童主任", "Returned to the director"),
      row["return_reason"].is_string() ? row["return_reason"].get<std::string>() : "",
      url("/leads/{}/verify", row["lead_id"].get<std::string>()), tr("重新入户核查", "Verify again"));
    return;
  }
  if (step == "confirm" && !county) {
    h(R"(<td class="muted">{}</td>)", tr("等待县级认定", "Waits for the county"));
    return;
  }
  h(R"(<td><form method="post" action="{}" class="review-item">{}{})",
    step == "review" ? url("/review/screenings/{}/review", child) : url("/review/screenings/{}/confirm", child),
    csrf_field(state.page.csrf), form_errors(state.errors(key)));
  h(R"(<input type="hidden" name="lead" value="{}">)", row["lead_id"].get<std::string>());
  if (step == "review") {
    h("{}", reason_field(state, key, tr("退回时必须写明原因", "returning needs a reason")));
    h(R"(<div class="actions"><button type="submit" name="decision" value="approve" id="approve-{}">{}</button>)"
      R"(<button type="submit" name="decision" value="return" class="secondary" id="return-{}">{}</button></div>)",
      row["lead_id"].get<std::string>(), tr("审核通过", "Approve"), row["lead_id"].get<std::string>(),
      tr("退回重新核查", "Return"));
  } else {
    std::vector<Option> colours;
    for (const auto& term : vocabulary::kColours) colours.push_back({std::string(term.key), label(term.key)});
    h("{}", select_field("colour", tr("认定风险等级", "Colour confirmed"), colours, state.typed(key, "colour"),
                         state.errors(key), tr("维持当前等级", "the current colour")));
    h("{}", reason_field(state, key, tr("认定为较低等级时必须写明原因", "a lower colour needs a reason")));
    h(R"(<div class="actions"><button type="submit" id="confirm-{}">{}</button></div>)",
      row["lead_id"].get<std::string>(), tr("县级认定", "Confirm"));
  }
  h("</form></td>");
}

void screening_section(Html& h, const FormState& state, const std::vector<json>& rows, bool county) {
  h(R"(<h2 id="screenings">{} <span class="muted">({})</span></h2>)", tr("排查审核与认定", "Screenings"), rows.size());
  if (rows.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有待审核或待认定的排查。", "No screening waits for review or confirmation."));
    return;
  }
  h(R"(<table class="review screenings"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>)"
    R"(</thead><tbody>)",
    tr("儿童", "Child"), tr("村（居）", "Village"), tr("步骤", "Step"), tr("期限", "Due"), tr("处理", "Decision"));
  std::size_t shown = 0;
  for (const json& row : rows) {
    if (shown++ == kRowsPerList) break;
    const int overdue = row["days_overdue"];
    h(R"(<tr id="screening-{}" class="{}"><td>)", row["lead_id"].get<std::string>(), overdue > 0 ? "overdue" : "");
    if (row["child_id"].is_string())
      h(R"(<a href="{}">{}</a>)", url("/children/{}", row["child_id"].get<std::string>()),
        row["name"].is_string() ? row["name"].get<std::string>() : "");
    else
      h("{}", row["reporter"].get<std::string>());
    if (row["red"] == true) h(" {}", colour_badge(Colour::Red));
    h("</td><td>{}</td><td>{}</td><td>{}", division_label(row["village"].get<std::string>()),
      label(row["state"] == "returned" ? "returned" : row["step"].get<std::string>()), row["due"].get<std::string>());
    if (overdue > 0) h(R"( <strong class="overdue">{}</strong>)", trf("逾期 {} 天", "{} days overdue", overdue));
    if (row["escalated"] == true) h(R"( <strong>{}</strong>)", tr("已上报", "escalated"));
    h("</td>");
    screening_form(h, state, row, county);
    h("</tr>");
  }
  h("</tbody></table>{}", more_rows(rows.size(), kRowsPerList));
}

// ---- sync conflicts and duplicate candidates ----

std::string shown_value(const json& value) {
  if (value.is_null()) return label("none");
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return label(value.get<bool>() ? "yes" : "no");
  return value.dump();
}

void conflict_section(Html& h, const FormState& state, const std::vector<json>& conflicts) {
  h(R"(<h2 id="conflicts">{} <span class="muted">({})</span></h2>)", tr("同步冲突", "Sync conflicts"),
    conflicts.size());
  if (conflicts.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有待处理的冲突。", "No open conflict."));
    return;
  }
  h(R"(<p class="muted">{}</p>)", tr("两个站点同时修改了同一字段。选择保留的值，处理结果在下次同步时上传。",
                                     "Two stations changed one field at once. Choose the value to keep; the choice "
                                     "is sent with the next sync."));
  h(R"(<table class="review conflicts"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("儿童", "Child"), tr("字段", "Field"), tr("两个值", "The two values"), tr("处理", "Decision"));
  std::size_t shown = 0;
  for (const json& c : conflicts) {
    if (shown++ == kRowsPerList) break;
    const std::string id = c.value("id", "");
    const std::string key = "conflict-" + id;
    const std::string child = c.value("child_id", "");
    h(R"(<tr id="{}"><td>)", key);
    if (!child.empty()) h(R"(<a href="{}">{}</a>)", url("/children/{}", child), short_record_id(child));
    h("</td><td>{}</td><td><ul>", label(c.value("field", "")));
    for (const json& v : c.value("values", json::array()))
      h("<li>{} <span class=\"muted\">（{}，{}）</span></li>", shown_value(v.value("value", json())),
        v.value("actor", ""),
        v.value("station_id", "") == state.page.station.station_id() ? tr("本站", "this station")
                                                                      : tr("他站", "another station"));
    h("</ul></td><td>");
    h(R"(<form method="post" action="{}" class="review-item">{}{})", url("/review/conflicts/{}", id),
      csrf_field(state.page.csrf), form_errors(state.errors(key)));
    h("{}", radio_field("keep",  tr("保留", "Keep"),
                        {{"mine", tr("本站的值", "this station's value")},
                         {"theirs", tr("他站的值", "the other station's value")},
                         {"value", tr("另填一个值", "another value")}},
                        state.typed(key, "keep"), state.errors(key)));
    h("{}", input_field("value", tr("另填的值", "The other value"), state.typed(key, "value"), state.errors(key)));
    h(R"(<div class="actions"><button type="submit" id="resolve-{}">{}</button></div></form></td></tr>)", id,
      tr("处理冲突", "Resolve"));
  }
  h("</tbody></table>{}", more_rows(conflicts.size(), kRowsPerList));
}

void duplicate_section(Html& h, const std::vector<json>& duplicates, const std::string& township) {
  std::vector<const json*> open;
  for (const json& d : duplicates)
    if (d.value("status", "") == "open") open.push_back(&d);
  h(R"(<h2 id="duplicates">{} <span class="muted">({})</span></h2>)", tr("疑似重复档案", "Duplicate candidates"),
    open.size());
  if (open.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有疑似重复档案。", "No duplicate candidate."));
    return;
  }
  h(R"(<p class="muted">{}</p>)", tr("同一身份证号出现在两份档案中。双胞胎和笔误都会出现，不会自动合并：由县级核实后合并。",
                                     "One ID number in two files. Twins and typos happen, so nothing is merged by "
                                     "itself: the county checks and merges."));
  h(R"(<table class="review duplicates"><thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>)", label("id_number"),
    tr("档案", "Files"));
  std::size_t shown = 0;
  for (const json* d : open) {
    if (shown++ == kRowsPerList) break;
    h("<tr><td>{}</td><td><ul>", mask_id_number(d->value("id_number", "")));
    for (const json& f : d->value("files", json::array())) {
      const std::string child = f.value("child_id", "");
      // A file of another township is not on this station: named, not linked.
      if (f.value("township", "") == township)
        h(R"(<li><a href="{}">{}</a></li>)", url("/children/{}", child), short_record_id(child));
      else
        h(R"(<li>{} <span class="muted">{}</span></li>)", short_record_id(child), f.value("township", ""));
    }
    h("</ul></td></tr>");
  }
  h("</tbody></table>{}", more_rows(open.size(), kRowsPerList));
}

// ---- escalations ----

// `rows` are the most urgent `total` (review_queue keeps only a page of them).
void escalation_section(Html& h, const std::vector<DueRow>& rows, std::size_t total) {
  h(R"(<h2 id="escalations">{} <span class="muted">({})</span></h2>)", tr("逾期上报", "Escalations"), total);
  if (rows.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有超过上报期限的逾期事项。", "Nothing is overdue past its escalation limit."));
    return;
  }
  h(R"(<table class="review escalations"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>)"
    R"(<tbody>)",
    tr("风险", "Risk"), tr("儿童", "Child"), tr("村（居）", "Village"), tr("逾期事项", "Overdue"));
  std::size_t shown = 0;
  for (const DueRow& row : rows) {
    if (shown++ == kRowsPerList) break;
    h(R"(<tr class="overdue"><td>{}</td><td>)", colour_badge(row.colour));
    if (!row.child_id.empty()) h(R"(<a href="{}">{}</a>)", url("/children/{}", row.child_id), row.name);
    else h("{}", row.name);
    h("</td><td>{}</td><td><ul>", division_label(row.village));
    for (const DueItem& item : row.items)
      h("<li>{} <span class=\"muted\">{} {}</span> <strong>{}</strong></li>", label(item.what), tr("到期", "due"),
        item.due, trf("逾期 {} 天", "{} days overdue", item.days_overdue));
    h("</ul></td></tr>");
  }
  h("</tbody></table>{}", more_rows(total, kRowsPerList));
}

// ---- mandatory reports and referrals, age limits ----

void referral_section(Html& h, const std::vector<Referral>& referrals) {
  h(R"(<h2 id="referrals">{} <span class="muted">({})</span></h2>)", tr("未办结的强制报告与转介", "Open reports and referrals"),
    referrals.size());
  if (referrals.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有未办结的报告或转介。", "No report or referral is open."));
    return;
  }
  h(R"(<table class="review referrals"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>)"
    R"(</thead><tbody>)",
    tr("儿童", "Child"), tr("日期", "Date"), tr("类型", "Kind"), tr("对象", "To"), tr("状态", "Status"),
    tr("处理", "To act"));
  std::size_t shown = 0;
  for (const Referral& r : referrals) {
    if (shown++ == kRowsPerList) break;
    h(R"(<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>)",
      url("/children/{}", r.child_id), r.name, r.made_on, label(Vocabulary::ReferralKind, r.kind),
      label(Vocabulary::ReferralTo, r.to), label(Vocabulary::ReferralStatus, r.status),
      "tongdang referral update " + short_record_id(r.id) + " --status …");
  }
  h("</tbody></table>{}", more_rows(referrals.size(), kRowsPerList));
}

void age_limit_section(Html& h, const std::vector<AgeLimitItem>& items) {
  h(R"(<h2 id="age-limits">{} <span class="muted">({})</span></h2>)",
    tr("30 天内到龄（满 16 或 18 岁）", "Age limits within 30 days (16 or 18)"), items.size());
  if (items.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("30 天内没有到龄的类别。", "No category reaches its age limit within 30 days."));
    return;
  }
  h(R"(<table class="review age-limits"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("儿童", "Child"), tr("到龄日", "On"), tr("到龄类别", "Categories ending"), tr("档案", "File"));
  std::size_t shown = 0;
  for (const AgeLimitItem& a : items) {
    if (shown++ == kRowsPerList) break;
    std::string categories;
    for (const auto& c : a.categories) categories += (categories.empty() ? "" : "、") + label(Vocabulary::Category, c);
    h(R"(<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>)", url("/children/{}", a.child_id),
      a.name, a.ends_on, categories,
      a.file_closes ? trf("{} 自动结案（到龄）", "closes itself on {} (aged out)", a.closes_on)
                    : tr("仍有其他类别", "other categories remain"));
  }
  h("</tbody></table>{}", more_rows(items.size(), kRowsPerList));
}

// The county's: files closed as moved out of the county lately (tuning::kMovedOutShownDays), to hand on.
void moved_out_section(Html& h, const std::vector<MovedOutItem>& items) {
  h(R"(<h2 id="moved-out">{} <span class="muted">({})</span></h2>)",
    trf("近 {} 天迁出本县", "Moved out of the county in the last {} days", tuning::kMovedOutShownDays), items.size());
  if (items.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有迁出本县的档案。", "No file moved out of the county."));
    return;
  }
  h(R"(<table class="review moved-out"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("儿童", "Child"), tr("日期", "On"), tr("迁往", "Moved to"), tr("办理人", "By"));
  std::size_t shown = 0;
  for (const MovedOutItem& m : items) {
    if (shown++ == kRowsPerList) break;
    h(R"(<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>)", url("/children/{}", m.child_id),
      m.name, m.on, m.destination, m.by);
  }
  h("</tbody></table>{}", more_rows(items.size(), kRowsPerList));
}

// Only the people who decide see the queue or post to it (access::Action::SeeSupervision).
std::optional<Status> refused_here(Page& page) {
  const User& actor = page.station.actor();
  if (access::may(actor.role, access::Action::SeeSupervision)) return std::nullopt;
  return Status::refused(i18n::trf("{}（{}）不能办理审核；审核由督导员或县级办理",
                                   "{} ({}) may not review; a supervisor or the county does", actor.name,
                                   i18n::term(to_string(actor.role))));
}

Response queue_page(Page& page, const Failed* failed) {
  // Only the escalations the page shows are built (core/workflow due_escalations), with the count of all.
  auto queue = review_queue(page.station, page.station.clock().today(), kRowsPerList);
  if (!queue) return status_page(page, queue.status());
  const std::vector<json> conflicts = sync::list_conflicts(page.station, false);
  const std::vector<json> duplicates = sync::list_duplicates(page.station);
  const bool county = access::may(page.station.actor().role, access::Action::ConfirmScreening);
  const FormState state{page, failed};

  Html h;
  h(R"(<h1>{}</h1>)", tr("审核", "Review"));
  if (page.request.param("pending") == "1")
    h(R"(<div class="alert warn" role="status">{}</div>)",
      tr("降级已记录，但按降级规则未生效，已转县级复核。", "The lowering is recorded but did not apply under the "
         "lowering rule: it waits for the county."));
  h(R"(<p class="actions no-print"><a href="#colour-reviews">{} {}</a> · <a href="#screenings">{} {}</a> · )"
    R"(<a href="#conflicts">{} {}</a> · <a href="#escalations">{} {}</a> · <a href="#referrals">{} {}</a> · )"
    R"(<a href="#age-limits">{} {}</a></p>)",
    tr("等级复核", "Colour reviews"), queue.value().colour_reviews.size(), tr("排查", "Screenings"),
    queue.value().screenings.size(), tr("冲突", "Conflicts"), conflicts.size(), tr("逾期上报", "Escalations"),
    queue.value().escalations_total, tr("报告与转介", "Referrals"), queue.value().referrals.size(),
    tr("到龄", "Age limits"), queue.value().age_limits.size());
  colour_section(h, state, queue.value().colour_reviews);
  screening_section(h, state, queue.value().screenings, county);
  conflict_section(h, state, conflicts);
  duplicate_section(h, duplicates, page.station.township());
  escalation_section(h, queue.value().escalations, queue.value().escalations_total);
  referral_section(h, queue.value().referrals);
  age_limit_section(h, queue.value().age_limits);
  if (county) moved_out_section(h, queue.value().moved_out);
  return render(page, tr("审核", "Review"), std::move(h).markup(), Nav::Review, failed ? 400 : 200);
}

Response review_page(Page& page, const std::vector<std::string>&) {
  if (auto refused = refused_here(page)) return refused_page(page, *refused);
  return queue_page(page, nullptr);
}

// After a decision: the queue with 已保存, or the queue again with the message beside the item's form (a refusal or a
// missing record has its own page).
Response answer(Page& page, const Status& done, const std::string& key, const std::vector<std::string>& fields,
                std::string_view done_to = "/review?saved=1") {
  if (done) return Response::redirect(std::string(done_to));
  if (done.code() != Code::InvalidInput) return status_page(page, done);
  Failed failed{key, {}};
  failed.errors.add(done, fields);
  return queue_page(page, &failed);
}

Response decide_colour(Page& page, const std::vector<std::string>& params) {
  if (auto refused = refused_here(page)) return refused_page(page, *refused);
  const std::string key = "colour-" + page.request.param("item");
  const std::string reason = page.request.param("reason");
  const std::string decision = page.request.param("decision");
  if (decision == "keep") return answer(page, resolve_reviews(page.station, params[0], reason), key, {"reason"});
  if (decision != "lower")
    return answer(page, Status::invalid("decision", i18n::tr("请选择同意降级或维持当前等级",
                                                             "choose to lower or to keep the colour")),
                  key, {});
  auto to = parse_colour(page.request.param("to"));
  if (!to)
    return answer(page, Status::invalid("to", i18n::tr("提议的等级无效", "the proposed colour is not valid")), key, {});
  auto changed = change_colour(page.station, params[0], false, *to, reason, std::nullopt);
  if (!changed) return answer(page, changed.status(), key, {"reason"});
  return Response::redirect(changed.value().applied ? "/review?saved=1" : "/review?pending=1");
}

Response review_screening_step(Page& page, const std::vector<std::string>& params) {
  if (auto refused = refused_here(page)) return refused_page(page, *refused);
  const std::string key = "screening-" + page.request.param("lead");
  const std::string decision = page.request.param("decision");
  if (decision != "approve" && decision != "return")
    return answer(page, Status::invalid("decision", i18n::tr("请选择审核通过或退回", "choose to approve or to return")),
                  key, {});
  // The use case names the reason "return" (the CLI's --return REASON); here it is the form's reason field.
  Status done = review_screening(page.station, params[0], decision == "approve", page.request.param("reason"));
  if (!done && done.field() == "return") done = Status::invalid("reason", done.text());
  return answer(page, done, key, {"reason"});
}

Response confirm_screening_step(Page& page, const std::vector<std::string>& params) {
  if (auto refused = refused_here(page)) return refused_page(page, *refused);
  const std::string key = "screening-" + page.request.param("lead");
  Confirmation confirmation;
  confirmation.reason = page.request.param("reason");
  if (const std::string colour = page.request.param("colour"); !colour.empty()) {
    confirmation.colour = parse_colour(colour);
    if (!confirmation.colour)
      return answer(page, Status::invalid("colour", i18n::tr("等级无效", "not a colour")), key, {"colour"});
  }
  return answer(page, confirm_screening(page.station, params[0], confirmation), key, {"colour", "reason"});
}

Response resolve_conflict_item(Page& page, const std::vector<std::string>& params) {
  if (auto refused = refused_here(page)) return refused_page(page, *refused);
  const std::string key = "conflict-" + params[0];
  const std::string keep = page.request.param("keep");
  if (keep != "mine" && keep != "theirs" && keep != "value")
    return answer(page, Status::invalid("keep", i18n::tr("请选择保留哪个值", "choose the value to keep")), key,
                  {"keep"});
  const std::string value = page.request.param("value");
  if (keep == "value" && value.empty())
    return answer(page, Status::invalid("value", i18n::tr("请填写要保留的值", "type the value to keep")), key,
                  {"value"});
  // A value typed is normalised by the field's own rule inside resolve_conflict; its message goes beside the box.
  Status done = sync::resolve_conflict(page.station, params[0], keep == "value" ? value : keep);
  if (!done && keep == "value" && done.code() == Code::InvalidInput && done.field() != "keep")
    done = Status::invalid("value", done.text());
  return answer(page, done, key, {"keep", "value"});
}

}  // namespace

void add_review_routes(Routes& routes) {
  routes.get("/review", review_page);
  routes.post("/review/colour/{}", decide_colour);
  routes.post("/review/screenings/{}/review", review_screening_step);
  routes.post("/review/screenings/{}/confirm", confirm_screening_step);
  routes.post("/review/conflicts/{}", resolve_conflict_item);
}

}  // namespace tongdang::web::station
