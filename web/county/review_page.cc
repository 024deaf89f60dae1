// `/review` — 县级审核: the county's casework, each item acted on where it stands (sync/server/county_casework.h
// plans and writes every decision; no rule is written here): screenings waiting for the county's confirmation,
// colour review items (red lowerings among them), duplicate candidates side by side (differing fields marked, merged
// or kept apart), files moved out of and into the county lately, and reports and referrals open too long. Every
// form posts to /review/…, which answers 303 to /review?saved=…, or shows the queue again with the message beside
// the item and what was typed, nothing written.
#include <algorithm>

#include "core/base/tuning.h"
#include "core/model/division.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/model/vocabulary.h"
#include "core/store/file_merge.h"
#include "core/store/record_ref.h"
#include "sync/server/county_casework.h"
#include "web/base/form.h"
#include "web/county/page.h"

namespace tongdang::web::county {

using i18n::label;
using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

namespace {

// Rows shown per list: the queue of a large county stays one light page; the count says what is left.
constexpr std::size_t kRowsPerList = 50;

using Failed = FailedItem;
using FormState = ItemForms<ConsolePage>;

sync::casework::Officer officer_of(const ConsolePage& page) {
  return {page.user.name, page.clock.now_ms(), page.clock.now_iso(), page.clock.today()};
}

std::string place(const std::string& village) {
  return village.size() >= 9 ? division_label(village.substr(0, 9)) + " " + division_label(village) : village;
}

Markup child_link(const std::string& child_id, const std::string& name) {
  Html h;
  h(R"(<a href="{}">{}</a>)", url("/children/{}", child_id), name.empty() ? short_record_id(child_id) : name);
  return std::move(h).markup();
}

Markup reason_field(const FormState& state, const std::string& key, std::string_view hint) {
  return item_reason_field(state.typed(key, "reason"), state.errors(key), hint);
}

std::vector<Option> colour_options() {
  std::vector<Option> out;
  for (Colour c : {Colour::Red, Colour::Yellow, Colour::Blue, Colour::Green})
    out.push_back({std::string(to_string(c)), label(to_string(c))});
  return out;
}

// ---- screenings to confirm ----

void screening_section(Html& h, const FormState& state, const std::vector<json>& rows) {
  h(R"(<h2 id="screenings">{} <span class="muted">({})</span></h2>)", tr("待县级认定的排查", "Screenings to confirm"),
    rows.size());
  if (rows.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有待认定的排查。", "No screening waits for confirmation."));
    return;
  }
  h(R"(<p class="muted">{}</p>)", tr("乡镇已审核的排查，由县级认定类别和风险等级；不选等级即按当前等级认定，改变等级须写明原因。",
                                     "Screenings the township reviewed: the county confirms categories and colour. "
                                     "Leave the colour empty to confirm the current one; a different colour needs a "
                                     "reason."));
  h(R"(<table class="review screenings"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>)"
    R"(</thead><tbody>)",
    tr("儿童", "Child"), tr("乡镇 村（居）", "Township, village"), tr("审核日期", "Reviewed"), tr("认定期限", "Due"),
    tr("认定", "Confirmation"));
  std::size_t shown = 0;
  for (const json& row : rows) {
    if (shown++ == kRowsPerList) break;
    const std::string child = row.value("child_id", json("")).is_string() ? row["child_id"].get<std::string>() : "";
    const std::string name = row.value("name", json("")).is_string() ? row["name"].get<std::string>() : "";
    const std::string key = "screening-" + row.value("lead_id", "");
    const int overdue = row.value("days_overdue", 0);
    h(R"(<tr id="{}"><td>{}{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>)", key, child_link(child, name),
      row.value("red", false) ? Markup::literal(R"( <span class="colour red">红</span>)") : Markup(),
      place(row.value("village", "")), row.value("since", ""), row.value("due", ""),
      overdue > 0 ? std::string(trf("（逾期 {} 天）", " ({} days overdue)", overdue)) : std::string());
    h(R"(<form method="post" action="{}" class="review-item">{}{})", url("/review/screenings/{}/confirm", child),
      csrf_field(state.page.csrf), form_errors(state.errors(key)));
    h(R"(<input type="hidden" name="lead" value="{}">)", row.value("lead_id", ""));
    h("{}", select_field("colour", tr("风险等级", "Colour"), colour_options(), state.typed(key, "colour"),
                         state.errors(key), tr("按当前等级", "the current colour")));
    h("{}", reason_field(state, key, tr("改变等级时必填", "needed when the colour changes")));
    h(R"(<div class="actions"><button type="submit" id="confirm-{}">{}</button></div></form></td></tr>)", child,
      tr("认定", "Confirm"));
  }
  h("</tbody></table>{}", more_rows(rows.size(), kRowsPerList));
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
    tr("未生效的降级。县级可降任何等级；红色只有在无触发项的重新评估之后才能降级，否则降级记录在案、仍待复核。",
       "Lowerings that did not apply. The county lowers any colour; red only after a reassessment with no trigger, "
       "else the lowering is recorded and still waits."));
  h(R"(<table class="review colour-reviews"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>)"
    R"(<th>{}</th></tr></thead><tbody>)",
    tr("儿童", "Child"), tr("乡镇 村（居）", "Township, village"), tr("当前等级", "Now"), tr("提议", "Proposed"),
    tr("未生效原因", "Why it waits"), tr("处理", "Decision"));
  std::size_t shown = 0;
  for (const ColourReviewItem& item : items) {
    if (shown++ == kRowsPerList) break;
    // A decision is the child's (it closes every open item of the child): a message goes to its items.
    const std::string key = "colour-" + item.child_id;
    h(R"(<tr id="colour-{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td>)", item.event_id,
      child_link(item.child_id, item.name),
      place(item.village), colour_label(item.colour), colour_label(item.proposed));
    h(R"(<td>{}<br><span class="muted">{} {}</span></td><td>)", label(item.why), item.opened_by, item.opened_on);
    h(R"(<form method="post" action="{}" class="review-item">{}{})", url("/review/colour/{}", item.child_id),
      csrf_field(state.page.csrf), form_errors(state.errors(key)));
    h(R"(<input type="hidden" name="item" value="{}"><input type="hidden" name="to" value="{}">)", item.event_id,
      to_string(item.proposed));
    h("{}", reason_field(state, key, tr("同意或维持都须写明原因", "approving and keeping both need a reason")));
    h(R"(<div class="actions"><button type="submit" name="decision" value="lower" id="lower-{}">{}</button>)"
      R"(<button type="submit" name="decision" value="keep" class="secondary" id="keep-{}">{}</button></div>)",
      item.event_id, trf("同意降为{}", "Lower to {}", label(to_string(item.proposed))), item.event_id,
      tr("维持当前等级", "Keep the colour"));
    h("</form></td></tr>");
  }
  h("</tbody></table>{}", more_rows(items.size(), kRowsPerList));
}

// ---- duplicate candidates, side by side ----

std::string shown_value(const std::string& field, const json& value) {
  if (value.is_null()) return "—";
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text.empty()) return "—";
    if (field == "village") return place(text);
    if (field == "sex") return label(text);
    return text;
  }
  return value.dump();
}

// The file kept by default: the higher colour (a merge never hides it), else the first registered (the candidate
// lists its files in the order they arrived).
std::size_t default_survivor(const sync::casework::Candidate& c) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < c.files.size(); ++i) {
    const auto& a = c.files[i];
    const auto& b = c.files[best];
    if (a.merged_away) continue;
    if (b.merged_away || a.colour > b.colour) best = i;
  }
  return best;
}

void duplicate_one(Html& h, const FormState& state, const sync::casework::Candidate& c) {
  // A candidate is two files or more; one whose other files this server no longer finds has nothing to merge.
  if (c.files.size() < 2) return;
  const std::string key = "duplicate-" + c.id;
  const std::size_t keep = default_survivor(c);
  std::size_t away = keep == 0 ? 1 : 0;
  for (std::size_t i = 0; i < c.files.size(); ++i)
    if (i != keep && !c.files[i].merged_away) {
      away = i;
      break;
    }
  h(R"(<section class="card duplicate" id="{}"><h3>{} {}</h3>)", key, tr("身份证号", "ID number"), c.id_number);
  h(R"(<form method="post" action="{}" class="review-item">{}{})", url("/review/duplicates/{}/merge", c.id),
    csrf_field(state.page.csrf), form_errors(state.errors(key)));
  h(R"(<table class="side-by-side"><thead><tr><th>{}</th>)", tr("项目", "Field"));
  for (const auto& f : c.files)
    h(R"(<th>{} <span class="muted">{}</span>{}</th>)", child_link(f.child_id, f.fields.value("name", json("")).is_string()
                                                                     ? f.fields["name"].get<std::string>() : ""),
      short_record_id(f.child_id),
      f.merged_away ? std::string(tr("（已并入）", " (merged)")) : std::string());
  h("<th>{}</th></tr></thead><tbody>", tr("采用并入档案的值", "Take the merged file's value"));
  h("<tr><th>{}</th>", tr("风险等级", "Colour"));
  for (const auto& f : c.files) h("<td>{}</td>", colour_label(f.colour));
  h("<td></td></tr>");
  const std::vector<std::string> typed_take = state.is(key) ? state.page.request.params("take") : std::vector<std::string>{};
  for (const auto& field : sync::casework::compared_fields()) {
    const bool differs = std::find(c.differing.begin(), c.differing.end(), field) != c.differing.end();
    h(R"(<tr{}><th>{}</th>)", differs ? Markup::literal(R"( class="differs")") : Markup(), label(field));
    for (const auto& f : c.files) h("<td>{}</td>", shown_value(field, f.fields.value(field, json())));
    if (differs && file_merge::takeable_field(field)) {
      const bool checked = std::find(typed_take.begin(), typed_take.end(), field) != typed_take.end();
      h(R"(<td><label><input type="checkbox" name="take" value="{}"{}> {}</label></td></tr>)", field,
        checked ? Markup::literal(" checked") : Markup(), tr("采用", "take"));
    } else {
      h("<td></td></tr>");
    }
  }
  h("</tbody></table>");
  std::vector<Option> files;
  for (const auto& f : c.files)
    if (!f.merged_away)
      files.push_back({f.child_id, trf("{}（{}，{}）", "{} ({}, {})",
                                       f.fields.value("name", json("")).is_string() ? f.fields["name"].get<std::string>() : "",
                                       short_record_id(f.child_id), place(f.village))});
  h("{}", radio_field("survivor", tr("保留的档案", "File kept"), files,
                      state.typed(key, "survivor", c.files[keep].child_id), state.errors(key)));
  h("{}", radio_field("merged", tr("并入的档案（合并后关闭，其记录并入保留的档案）",
                                   "File merged away (closed; its records read as part of the kept file)"),
                      files, state.typed(key, "merged", c.files[away].child_id), state.errors(key)));
  h("{}", reason_field(state, key, tr("合并须写明核实情况", "say how it was checked")));
  h(R"(<div class="actions"><button type="submit" id="merge-{}">{}</button></div></form>)", c.id,
    tr("合并", "Merge"));
  const std::string dismiss_key = "dismiss-" + c.id;
  h(R"(<form method="post" action="{}" class="review-item dismiss">{}{})", url("/review/duplicates/{}/dismiss", c.id),
    csrf_field(state.page.csrf), form_errors(state.errors(dismiss_key)));
  h("{}", reason_field(state, dismiss_key, tr("如：双胞胎，户籍登记错误", "e.g. twins, a registry error")));
  h(R"(<div class="actions"><button type="submit" class="secondary" id="dismiss-{}">{}</button></div></form>)", c.id,
    tr("不是同一人，不合并", "Not the same child: keep apart"));
  h("</section>");
}

void duplicate_section(Html& h, const FormState& state, const sync::casework::Casework& work) {
  h(R"(<h2 id="duplicates">{} <span class="muted">({})</span></h2>)", tr("疑似重复档案", "Duplicate candidates"),
    work.duplicates_total);
  if (work.duplicates.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("没有疑似重复档案。", "No duplicate candidate."));
    return;
  }
  h(R"(<p class="muted">{}</p>)", tr("同一身份证号出现在两份以上档案中。双胞胎和笔误都会出现，不会自动合并：核实后在此合并或保持分开；"
                                     "标黄的是两份档案不同的项目。",
                                     "One ID number on two or more files. Twins and typos happen, so nothing merges by "
                                     "itself: check, then merge or keep apart here. Highlighted rows differ."));
  for (const auto& c : work.duplicates) duplicate_one(h, state, c);
  if (work.duplicates_total > work.duplicates.size())
    h(R"(<p class="muted">{}</p>)", trf("仅显示前 {} 项，共 {} 项", "showing the first {} of {}", work.duplicates.size(),
                                        work.duplicates_total));
}

// ---- transfers in and out of the county, referrals open too long ----

void moves_section(Html& h, const ReviewQueue& queue) {
  h(R"(<h2 id="transfers">{} <span class="muted">({})</span></h2>)", tr("迁出、迁入本县", "Moves out of and into the county"),
    queue.moved_out.size() + queue.moved_in.size());
  if (queue.moved_out.empty() && queue.moved_in.empty()) {
    h(R"(<p class="muted">{}</p>)", trf("近 {} 天没有迁出或迁入本县的档案。", "No file moved out or in within {} days.",
                                        tuning::kMovedOutShownDays));
    return;
  }
  if (!queue.moved_out.empty()) {
    h(R"(<p class="muted">{}</p>)", tr("迁出本县的档案须移交迁入地县级：用 tongdang-server transfer export 生成加密移交包。",
                                       "A file moved out of the county goes to the receiving county: make the sealed "
                                       "bundle with tongdang-server transfer export."));
    h(R"(<table class="review moved-out"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>)"
      R"(</thead><tbody>)", tr("儿童", "Child"), tr("乡镇 村（居）", "Township, village"), tr("迁出日期", "Moved on"),
      tr("去向", "Destination"), tr("移交命令", "Hand-over command"));
    for (const MovedOutItem& m : queue.moved_out)
      h(R"(<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>tongdang-server transfer export {} --to-county …)"
        R"( --out {}.bundle</code></td></tr>)",
        child_link(m.child_id, m.name), place(m.village), m.on, m.destination, m.child_id, short_record_id(m.child_id));
    h("</tbody></table>");
  }
  if (!queue.moved_in.empty()) {
    h(R"(<table class="review moved-in"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>)"
      R"(</thead><tbody>)", tr("儿童", "Child"), tr("乡镇 村（居）", "Township, village"), tr("迁入日期", "Arrived on"),
      tr("来自", "From"), tr("接收人", "Taken in by"));
    for (const MovedInItem& m : queue.moved_in)
      h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}（{}）</td><td>{}</td></tr>", child_link(m.child_id, m.name),
        place(m.village), m.on, m.from_county_name, m.from_county, m.by);
    h("</tbody></table>");
  }
}

void referral_section(Html& h, const std::vector<Referral>& referrals) {
  h(R"(<h2 id="referrals">{} <span class="muted">({})</span></h2>)", tr("久未办结的报告与转介", "Referrals open too long"),
    referrals.size());
  if (referrals.empty()) {
    h(R"(<p class="muted">{}</p>)", trf("没有超过 {} 天未更新的强制报告或转介。", "No report or referral without an update for "
                                        "{} days.", tuning::kReferralLongOpenDays));
    return;
  }
  h(R"(<p class="muted">{}</p>)", trf("超过 {} 天没有进展的强制报告和转介：请联系接收单位。", "Reports and referrals without an "
                                      "update for {} days: call the receiving body.", tuning::kReferralLongOpenDays));
  h(R"(<table class="review referrals"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>)"
    R"(</thead><tbody>)", tr("儿童", "Child"), tr("乡镇 村（居）", "Township, village"), tr("类型", "Kind"),
    tr("接收单位", "To"), tr("提出日期", "Made on"), tr("最近更新", "Last update"));
  std::size_t shown = 0;
  for (const Referral& r : referrals) {
    if (shown++ == kRowsPerList) break;
    h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}（{}）</td></tr>", child_link(r.child_id, r.name),
      place(r.village), label(Vocabulary::ReferralKind, r.kind), label(Vocabulary::ReferralTo, r.to), r.made_on,
      r.updated_on, label(Vocabulary::ReferralStatus, r.status));
  }
  h("</tbody></table>{}", more_rows(referrals.size(), kRowsPerList));
}

Response queue_page(const ConsolePage& page, const Failed* failed) {
  auto work = sync::casework::read_casework(page.store, officer_of(page), kRowsPerList);
  if (!work) return refused_page(page, work.status());
  const ReviewQueue& queue = work.value().queue;
  const FormState state{page, failed};
  Html h;
  h(R"(<h1>{}</h1>)", tr("县级审核", "County review"));
  if (const std::string saved = page.request.param("saved"); !saved.empty() && !failed) {
    std::string text = tr("已保存，各站点下次同步时收到。", "Saved: the stations get it at their next sync.");
    if (saved == "pending")
      text = tr("降级已记录，但按降级规则未生效（红色须在无触发项的重新评估之后降级），仍待复核。",
                "The lowering is recorded but did not apply under the lowering rule (red needs a reassessment with no "
                "trigger first): it still waits.");
    h(R"(<div class="alert ok" role="status">{}</div>)", text);
  }
  h(R"(<p class="actions"><a href="#screenings">{} {}</a> · <a href="#colour-reviews">{} {}</a> · )"
    R"(<a href="#duplicates">{} {}</a> · <a href="#transfers">{} {}</a> · <a href="#referrals">{} {}</a></p>)",
    tr("认定", "Confirmations"), queue.screenings.size(), tr("等级复核", "Colour reviews"), queue.colour_reviews.size(),
    tr("疑似重复", "Duplicates"), work.value().duplicates_total, tr("迁出迁入", "Moves"),
    queue.moved_out.size() + queue.moved_in.size(), tr("久未办结转介", "Referrals"), queue.referrals.size());
  screening_section(h, state, queue.screenings);
  colour_section(h, state, queue.colour_reviews);
  duplicate_section(h, state, work.value());
  moves_section(h, queue);
  referral_section(h, queue.referrals);
  return render(page, tr("县级审核", "County review"), std::move(h).markup(), Nav::Review, failed ? 400 : 200);
}

// After a decision: back to the queue (303, so a reload does not post again), or the queue with the message beside
// the item's form and what was typed.
Response answer(const ConsolePage& page, const Status& done, const std::string& key,
                const std::vector<std::string>& fields, std::string_view saved = "1") {
  if (done) return Response::redirect("/review?saved=" + std::string(saved));
  if (done.code() != Code::InvalidInput && done.code() != Code::Refused) return refused_page(page, done);
  Failed failed{key, {}};
  failed.errors.add(done, fields);
  return queue_page(page, &failed);
}

void audit(const ConsolePage& page, std::string_view action, std::string_view entity, const std::string& id,
           const json& detail) {
  page.store.audit_console({page.wall.now_iso(), page.user.name, std::string(action), std::string(entity), id, "", detail});
}

}  // namespace

Response review_page(const ConsolePage& page) { return queue_page(page, nullptr); }

Response review_decision(const ConsolePage& page, const std::vector<std::string>& s) {
  const auto officer = officer_of(page);
  const std::string reason = page.request.param("reason");
  if (s.size() == 3 && s[0] == "screenings" && s[2] == "confirm") {
    const std::string key = "screening-" + page.request.param("lead");
    Confirmation confirmation;
    confirmation.reason = reason;
    if (const std::string colour = page.request.param("colour"); !colour.empty()) {
      confirmation.colour = parse_colour(colour);
      if (!confirmation.colour)
        return answer(page, Status::invalid("colour", i18n::tr("等级无效", "not a colour")), key, {"colour"});
    }
    Status done = sync::casework::confirm_screening(page.store, officer, s[1], confirmation);
    if (done) audit(page, "screen.confirm", "child", s[1], {{"colour", page.request.param("colour")}});
    return answer(page, done, key, {"colour", "reason"});
  }
  if (s.size() == 2 && s[0] == "colour") {
    const std::string key = "colour-" + s[1];
    const std::string decision = page.request.param("decision");
    if (decision == "keep") {
      Status done = sync::casework::keep_colour(page.store, officer, s[1], reason);
      if (done) audit(page, "colour.resolve", "child", s[1], {{"reason", reason}});
      return answer(page, done, key, {"reason"});
    }
    auto to = parse_colour(page.request.param("to"));
    if (decision != "lower" || !to)
      return answer(page, Status::invalid("decision", i18n::tr("请选择同意降级或维持当前等级",
                                                               "choose to lower or to keep the colour")), key, {});
    auto lowered = sync::casework::lower_colour(page.store, officer, s[1], *to, reason);
    if (!lowered) return answer(page, lowered.status(), key, {"reason", "to"});
    audit(page, "colour.lower", "child", s[1], {{"to", to_string(*to)}, {"applied", lowered.value()}});
    return answer(page, Status::ok(), key, {}, lowered.value() ? "1" : "pending");
  }
  if (s.size() == 3 && s[0] == "duplicates" && s[2] == "merge") {
    const std::string key = "duplicate-" + s[1];
    const std::string survivor = page.request.param("survivor");
    const std::string merged = page.request.param("merged");
    if (survivor.empty() || survivor == merged)
      return answer(page, Status::invalid("merged", i18n::tr("保留的档案和并入的档案须是两份不同的档案",
                                                             "the file kept and the file merged away must differ")),
                    key, {"survivor", "merged"});
    const std::vector<std::string> take = page.request.params("take");
    Status done = sync::casework::merge_duplicate(page.store, officer, s[1], survivor, merged, take, reason);
    if (done) audit(page, "file.merge", "duplicate", s[1], {{"survivor", survivor}, {"merged", merged}, {"take", take}});
    return answer(page, done, key, {"survivor", "merged", "reason"});
  }
  if (s.size() == 3 && s[0] == "duplicates" && s[2] == "dismiss") {
    const std::string key = "dismiss-" + s[1];
    Status done = sync::casework::dismiss_duplicate(page.store, officer, s[1], reason);
    if (done) audit(page, "duplicate.dismiss", "duplicate", s[1], {{"reason", reason}});
    return answer(page, done, key, {"reason"});
  }
  return not_found_page(page, page.request.path);
}

}  // namespace tongdang::web::county
