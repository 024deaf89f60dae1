// `/children/{id}` — the whole file of one child (一人一档) on one page, and `/children/{id}/print`, the same file as
// an A4 sheet for the paper archive (no navigation; print CSS; a 打印 button). Both read it through
// core/workflow/child_file.h (scope, masked ID numbers, the audited opening of a red file) and the station's synced
// conflicts (sync/station/conflicts.h); nothing here decides a rule.
#include "core/model/division.h"
#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/id_number.h"
#include "core/model/labels.h"
#include "core/store/profile.h"
#include "core/workflow/care.h"
#include "core/workflow/child_file.h"
#include "core/workflow/transfer.h"
#include "sync/station/conflicts.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;
using nlohmann::json;

namespace {

// A stored value as text: a choice or yes/no by its label, a number as written, nothing as "—".
std::string value_text(const json& value, FieldKind kind = FieldKind::Text) {
  if (value.is_null()) return "—";
  if (value.is_boolean()) return i18n::label(value.get<bool>() ? "yes" : "no");
  if (kind == FieldKind::Bool && value.is_number_integer()) return i18n::label(value.get<int>() ? "yes" : "no");
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text.empty()) return "—";
    if (kind == FieldKind::Village) {
      const std::string name = division_label(text);
      return name == text ? text : name + "（" + text + "）";
    }
    return kind == FieldKind::Choice ? i18n::label(text) : text;
  }
  return value.dump();
}

std::string text_of(const json& row, const char* key) {
  auto it = row.find(key);
  return it == row.end() ? "—" : value_text(*it);
}

Markup labels_of(const json& keys) {
  Html h;
  bool first = true;
  for (const auto& key : keys) {
    h("{}{}", first ? "" : "、", i18n::label(key.get<std::string>()));
    first = false;
  }
  if (first) h("—");
  return std::move(h).markup();
}

// The buttons to the forms that write to this file (web/station/forms_page.cc). A file transferred to another
// township is a read-only record here: it offers none (but the print view). Transfers and ID number corrections are
// offered to those the use cases let make them.
Markup file_actions(Page& page, const std::string& id, const json& child) {
  Html h;
  h(R"(<p class="actions no-print">)");
  if (child.contains("transferred")) {
    h(R"(<a class="button secondary" href="{}">{}</a></p>)", url("/children/{}/print", id), tr("打印", "Print"));
    return std::move(h).markup();
  }
  h(R"(<a class="button" href="{}">{}</a>)", url("/children/{}/visits", id), tr("记录走访", "Record a visit"));
  h(R"(<a class="button" href="{}">{}</a>)", url("/children/{}/assess", id), tr("评估", "Assess"));
  h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/care", id), tr("关爱措施", "Care"));
  h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/colour?direction=raise", id),
    tr("提级", "Raise colour"));
  h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/colour?direction=lower", id),
    tr("降级", "Lower colour"));
  h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/edit", id), tr("修改信息", "Edit"));
  h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/relatives/new", id),
    tr("添加家庭成员", "Add a relative"));
  h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/categories", id), tr("类别", "Categories"));
  const bool open = child.value("status", "") == "open";
  if (open) {
    h(R"(<a class="button secondary" href="{}" id="add-referral">{}</a>)", url("/children/{}/referrals/new", id),
      tr("强制报告/转介", "Report or refer"));
    if (may_correct_id_number(page.station))
      h(R"(<a class="button secondary" href="{}" id="set-id">{}</a>)", url("/children/{}/id-number", id),
        tr("更正身份证号", "Correct the ID number"));
    if (may_transfer(page.station))
      h(R"(<a class="button secondary" href="{}" id="transfer">{}</a>)", url("/children/{}/transfer", id),
        tr("转移", "Transfer"));
  }
  if (open)
    h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/close", id), tr("结案", "Close the file"));
  else
    h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/reopen", id), tr("重新开案", "Reopen"));
  h(R"(<a class="button secondary" href="{}">{}</a>)", url("/children/{}/print", id), tr("打印", "Print"));
  h("</p>");
  return std::move(h).markup();
}

Markup profile_section(Page& page, const std::string& id, const json& child, bool full_id, bool print) {
  Html h;
  h(R"(<section class="card" id="profile"><h2>{}</h2><dl class="facts">)", tr("基本信息", "Profile"));
  for (const FieldSpec& spec : child_fields()) {
    if (spec.name == "township" || spec.name == "status" || spec.name == "photo_ref") continue;
    auto it = child.find(spec.name);
    if (it == child.end() || it->is_null()) continue;
    h("<dt>{}</dt><dd>{}", i18n::label(spec.name), value_text(*it, spec.kind));
    if (spec.name == "id_number" && !print && !full_id &&
        access::may(page.station.actor().role, access::Action::SeeFullIdNumbers))
      h(R"( <a class="no-print" href="{}">{}</a>)", url("/children/{}?full_id=1", id),
        tr("显示完整号码（将记录）", "show the full number (audited)"));
    h("</dd>");
    if (spec.name == "birth_date" && child.contains("age")) h("<dt>{}</dt><dd>{}</dd>", i18n::label("age"), child["age"].dump());
  }
  h("</dl></section>");
  return std::move(h).markup();
}

Markup relatives_section(const std::string& id, const json& child, bool print) {
  Html h;
  h(R"(<section class="card" id="relatives"><h2>{}</h2>)", tr("家庭成员与监护人", "Family and guardian"));
  const json relatives = child.value("relatives", json::array());
  if (relatives.empty()) {
    h("<p>{}</p></section>", tr("尚未登记家庭成员。", "No relative recorded yet."));
    return std::move(h).markup();
  }
  h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>",
    i18n::label("relation"), i18n::label("name"), i18n::label("status"), i18n::label("phone"), i18n::label("place"),
    i18n::label("capacity"), i18n::label("id_number"));
  if (!print) h(R"(<th class="no-print"></th>)");
  h("</tr></thead><tbody>");
  for (const json& relative : relatives) {
    const bool guardian = relative.value("is_guardian", json(false)) == json(true) ||
                          relative.value("is_guardian", json(0)) == json(1);
    h("<tr><td>{}", value_text(relative.value("relation", json()), FieldKind::Choice));
    if (guardian) h(R"( <strong class="guardian">{}</strong>)", i18n::label("is_guardian"));
    // A relative of a file merged into this one is read through it, stays on that file and is edited there.
    const bool merged = relative.contains("merged_from");
    if (merged) h(R"( <span class="muted">{}</span>)", i18n::edge::trf("合并自档案 {}", "of merged file {}", text_of(relative, "merged_from")));
    h("</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", text_of(relative, "name"),
      value_text(relative.value("status", json()), FieldKind::Choice), text_of(relative, "phone"),
      text_of(relative, "place"), value_text(relative.value("capacity", json()), FieldKind::Choice),
      text_of(relative, "id_number"));
    if (!print && merged) h(R"(<td class="no-print"></td>)");
    else if (!print)
      h(R"(<td class="no-print"><a href="{}">{}</a></td>)",
        url("/children/{}/relatives/{}/edit", id, relative.value("id", "")), tr("修改", "edit"));
    h("</tr>");
  }
  h("</tbody></table></section>");
  return std::move(h).markup();
}

Markup categories_section(const json& child) {
  Html h;
  h(R"(<section class="card" id="categories"><h2>{}</h2>)", tr("困境类别", "Categories"));
  const json memberships = child.value("memberships", json::array());
  if (memberships.empty()) {
    h("<p>{}</p></section>", tr("无类别记录。", "No category recorded."));
    return std::move(h).markup();
  }
  h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
    i18n::label("category"), i18n::label("from"), i18n::label("to"), i18n::label("status"), i18n::label("reason"));
  for (const json& m : memberships) {
    h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", i18n::label(m.value("category", "")),
      text_of(m, "from"), text_of(m, "to"), m.value("active", false) ? tr("当前", "current") : tr("已结束", "ended"),
      m["ended_reason"].is_string() ? m["ended_reason"].get<std::string>() : text_of(m, "reason"));
  }
  h("</tbody></table></section>");
  return std::move(h).markup();
}

// The score's breakdown by domain, as `tongdang assess` prints it.
Markup breakdown(const json& step) {
  const json domains = step.value("domains", json::object());
  Html h;
  h("{}", i18n::edge::trf("得分 {}（监护与安全 G {}，健康与残疾 H {}，心理行为 B {}，生活/上学/亲情 L {}）",
                          "score {} (guardianship G {}, health H {}, behaviour B {}, livelihood L {})",
                          step.value("score", 0), domains.value("G", 0), domains.value("H", 0),
                          domains.value("B", 0), domains.value("L", 0)));
  const json triggers = step.value("triggers", json::array());
  if (!triggers.empty()) {
    h("；{}", tr("红色触发项：", "red triggers: "));
    bool first = true;
    for (const auto& t : triggers) {
      h("{}{}", first ? "" : "、", t.is_string() ? t.get<std::string>() : t.dump());
      first = false;
    }
  }
  return std::move(h).markup();
}

Markup colour_section(const ChildFile& file) {
  Html h;
  const json& colour = file.colour;
  h(R"(<section class="card" id="colour"><h2>{}</h2><p>{} )", tr("风险等级（四色）", "Colour"),
    colour_badge(colour["colour"].is_string() ? colour["colour"].get<std::string>() : std::string()));
  if (colour["since"].is_string()) h("{}", i18n::edge::trf("自 {} 起", "since {}", colour["since"].get<std::string>()));
  const std::size_t open_reviews = colour.value("open_reviews", json::array()).size();
  if (open_reviews > 0)
    h(R"( <strong>{}</strong>)", i18n::edge::trf("{} 项待复核", "{} waiting for review", open_reviews));
  h("</p>");
  const json history = colour.value("history", json::array());
  for (auto it = history.rbegin(); it != history.rend(); ++it)
    if ((*it).value("kind", "") == "assessment") {
      h(R"(<p class="breakdown">{}：{}</p>)", tr("最近一次评估", "Latest assessment"), breakdown(*it));
      break;
    }
  if (history.empty()) {
    h("<p>{}</p></section>", tr("尚未评估定级。", "Not graded yet."));
    return std::move(h).markup();
  }
  h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
    tr("日期", "Date"), tr("事项", "What"), tr("变化", "Change"), tr("生效", "Applied"), tr("人员", "By"),
    tr("原因与得分", "Reason and score"));
  for (const json& step : history) {
    const auto colour_of = [](const json& c) { return c.is_string() ? c.get<std::string>() : std::string(); };
    h("<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>", text_of(step, "date"), i18n::label(step.value("kind", "")),
      colour_badge(colour_of(step["from"])), colour_badge(colour_of(step["to"])));
    if (step.value("applied", false)) h("{}", i18n::label("yes"));
    else h("{}（{}）", i18n::label("no"), i18n::label(step["why_not_applied"].is_string()
                                                       ? step["why_not_applied"].get<std::string>() : ""));
    h("</td><td>{}（{}）</td><td>{}", text_of(step, "actor"), i18n::label(step.value("actor_role", "")),
      step.value("reason", ""));
    if (step.value("kind", "") == "assessment") h(R"(<br><span class="muted">{}</span>)", breakdown(step));
    h("</td></tr>");
  }
  h("</tbody></table></section>");
  return std::move(h).markup();
}

Markup schedule_section(const ChildFile& file) {
  Html h;
  h(R"(<section class="card" id="schedule"><h2>{}</h2>)", tr("随访安排", "Schedule"));
  if (file.state.is_null()) {
    h("<p>{}</p></section>", tr("尚未定级，暂无随访安排。", "Not graded yet: nothing scheduled."));
    return std::move(h).markup();
  }
  const json& s = file.state;
  h(R"(<dl class="facts"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>)",
    tr("上次入户走访", "Last home visit"), text_of(s, "last_home_visit"), tr("下次走访", "Next visit due"),
    text_of(s, "next_visit_due"), tr("督导员下次走访", "Next supervisor visit"), text_of(s, "next_supervisor_visit_due"),
    tr("下次重新评估", "Next reassessment"), text_of(s, "next_reassessment_due"));
  h(R"(<dt>{}</dt><dd>{}</dd>)", i18n::label("case_worker"), text_of(s, "case_worker"));
  if (s["key_event"].is_string())
    h(R"(<dt>{}</dt><dd>{}（{}）</dd>)", tr("关键事件", "Key event"), i18n::label(s["key_event"].get<std::string>()),
      text_of(s, "key_event_on"));
  h("</dl></section>");
  return std::move(h).markup();
}

Markup screening_section(const ChildFile& file) {
  Html h;
  h(R"(<section class="card" id="screening"><h2>{}</h2>)", tr("三步排查", "Screening"));
  if (file.screening.empty()) {
    h("<p>{}</p></section>", tr("无排查记录（台账导入或直接登记）。", "No screening record (imported or registered directly)."));
    return std::move(h).markup();
  }
  h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
    i18n::label("status"), i18n::label("discovered"), i18n::label("verify"), i18n::label("review"),
    i18n::label("confirm"));
  for (const json& lead : file.screening) {
    h("<tr><td>{}", i18n::label(lead.value("state", "")));
    if (lead.value("red", 0) == 1) h(R"( <span class="colour red">{}</span>)", tr("红色时限", "red deadlines"));
    h("</td><td>{} {}</td><td>{}</td><td>{}", text_of(lead, "discovered_on"), text_of(lead, "discovered_by"),
      lead["verified_on"].is_string() ? text_of(lead, "verified_on")
                                      : i18n::edge::trf("应于 {} 前", "due {}", text_of(lead, "verify_due")),
      lead["reviewed_on"].is_string() ? text_of(lead, "reviewed_on")
      : lead["review_due"].is_string() ? i18n::edge::trf("应于 {} 前", "due {}", text_of(lead, "review_due"))
                                       : std::string("—"));
    if (lead["return_reason"].is_string())
      h(R"(<br><span class="muted">{}：{}</span>)", i18n::label("returned"), text_of(lead, "return_reason"));
    h("</td><td>{}</td></tr>",
      lead["confirmed_on"].is_string() ? text_of(lead, "confirmed_on")
      : lead["confirm_due"].is_string() ? i18n::edge::trf("应于 {} 前", "due {}", text_of(lead, "confirm_due"))
                                        : std::string("—"));
  }
  h("</tbody></table></section>");
  return std::move(h).markup();
}

Markup visits_section(const ChildFile& file) {
  Html h;
  h(R"(<section class="card" id="visits"><h2>{}</h2>)", tr("走访记录", "Visits"));
  if (file.visits.empty()) {
    h("<p>{}</p></section>", tr("尚无走访记录。", "No visit recorded yet."));
    return std::move(h).markup();
  }
  h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
    tr("日期", "Date"), tr("方式", "Kind"), i18n::label("with"), i18n::label("notes"), tr("记录人", "By"));
  for (const json& visit : file.visits) {
    h("<tr><td>{}</td><td>{}</td><td>", text_of(visit, "visit_on"), i18n::label("visit_" + visit.value("kind", "")));
    bool first = true;
    for (const auto& who : visit.value("with", json::array())) {
      h("{}{}", first ? "" : "、", i18n::label(who.is_string() ? who.get<std::string>() : who.dump()));
      first = false;
    }
    h("</td><td>{}", text_of(visit, "notes"));
    if (visit["key_event"].is_string())
      h(R"(<br><strong>{}：{}</strong>)", tr("关键事件", "Key event"), i18n::label(visit["key_event"].get<std::string>()));
    h("</td><td>{}</td></tr>", text_of(visit, "actor"));
  }
  h("</tbody></table></section>");
  return std::move(h).markup();
}

Markup care_section(const ChildFile& file) {
  Html h;
  h(R"(<section class="card" id="care"><h2>{}</h2>)", tr("关爱措施（N重关爱）", "Care measures"));
  if (file.care.empty()) {
    h("<p>{}</p></section>", tr("尚无关爱措施。", "No care measure yet."));
    return std::move(h).markup();
  }
  h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
    tr("领域", "Area"), i18n::label("item"), i18n::label("provider"), i18n::label("status"), i18n::label("from"),
    i18n::label("outcome"));
  for (const json& measure : file.care) {
    const std::string area = measure.value("area", "");
    const CareArea* known = find_care_area(area);
    h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
      known ? std::string(i18n::language() == i18n::Lang::Zh ? known->zh : known->en) : area, text_of(measure, "item"),
      text_of(measure, "provider"), i18n::label(measure.value("status", "")), text_of(measure, "started_on"),
      text_of(measure, "outcome"));
  }
  h("</tbody></table></section>");
  return std::move(h).markup();
}

Markup reviews_section(const ChildFile& file, const std::vector<json>& conflicts, bool print) {
  Html h;
  h(R"(<section class="card" id="open-items"><h2>{}</h2>)", tr("待复核事项与同步冲突", "Open review items and conflicts"));
  if (file.reviews.empty() && conflicts.empty()) {
    h("<p>{}</p></section>", tr("没有待处理事项。", "Nothing open."));
    return std::move(h).markup();
  }
  if (!file.reviews.empty()) {
    h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>", tr("提议", "Proposed"),
      tr("原因", "Why"), tr("提出日期", "Opened"), tr("提出人", "By"));
    for (const json& review : file.reviews) {
      const auto colour_of = [](const json& c) { return c.is_string() ? c.get<std::string>() : std::string(); };
      h("<tr><td>{} → {}</td><td>{}</td><td>{}</td><td>{}</td></tr>", colour_badge(colour_of(review["from_colour"])),
        colour_badge(colour_of(review["proposed_colour"])), i18n::label(review.value("why", "")),
        text_of(review, "opened_on"), text_of(review, "opened_by"));
    }
    h("</tbody></table>");
  }
  if (!conflicts.empty()) {
    h("<h3>{}</h3><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
      tr("同步冲突（两站同时修改）", "Sync conflicts (edited at two stations)"), tr("字段", "Field"),
      tr("两个值", "The two values"), tr("打开时间", "Opened"));
    for (const json& conflict : conflicts) {
      const std::string field = conflict.value("field", "");
      h("<tr><td>{}</td><td><ul>", i18n::label(field));
      for (const json& side : conflict.value("values", json::array())) {
        std::string value = value_text(side.value("value", json()));
        if (field == "id_number" && value != "—") value = mask_id_number(value);
        h("<li>{} <span class=\"muted\">（{}）</span></li>", value, side.value("actor", ""));
      }
      h("</ul></td><td>{}</td></tr>", conflict.value("opened_at", ""));
    }
    h("</tbody></table>");
  }
  if (!print) h(R"(<p class="no-print"><a href="/review">{}</a></p>)", tr("去审核处理", "Go to the review queue"));
  h("</section>");
  return std::move(h).markup();
}

Markup referrals_section(const ChildFile& file, bool print) {
  Html h;
  h(R"(<section class="card" id="referrals"><h2>{}</h2>)", tr("强制报告与转介", "Mandatory reports and referrals"));
  if (file.referrals.empty()) {
    h(R"(<p class="muted">{}</p></section>)", tr("没有报告或转介。", "No report or referral."));
    return std::move(h).markup();
  }
  // Open ones are moved on from here, unless the file is a read-only record of this station.
  const bool writable = !print && !file.child.contains("transferred") && file.child.value("status", "") == "open";
  h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>", tr("日期", "Date"),
    tr("类型", "Kind"), tr("对象", "To"), tr("内容", "Summary"), tr("状态", "Status"), tr("结果", "Outcome"));
  if (writable) h(R"(<th class="no-print"></th>)");
  h("</tr></thead><tbody>");
  for (const Referral& r : file.referrals) {
    h(R"(<tr class="{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>)",
      r.open() ? "open" : "closed", r.made_on, i18n::label(Vocabulary::ReferralKind, r.kind),
      i18n::label(Vocabulary::ReferralTo, r.to), r.summary, i18n::label(Vocabulary::ReferralStatus, r.status),
      r.outcome.empty() ? "—" : r.outcome);
    if (writable) {
      h(R"(<td class="no-print">)");
      if (r.open())
        h(R"(<a href="{}">{}</a>)", url("/children/{}/referrals/{}", file.child["id"].get<std::string>(), r.id),
          tr("更新", "update"));
      h("</td>");
    }
    h("</tr>");
  }
  h("</tbody></table></section>");
  return std::move(h).markup();
}

Markup history_section(const ChildFile& file) {
  Html h;
  h(R"(<section class="card" id="history"><h2>{}</h2>)", tr("变更记录", "Change history"));
  h("<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>", tr("时间", "When"),
    tr("人员", "Who"), tr("操作", "What"), tr("字段", "Fields"));
  for (const json& row : file.history) {
    h("<tr><td>{}</td><td>{}</td><td>{}", text_of(row, "at"), text_of(row, "actor"), i18n::label(row.value("action", "")));
    if (row.contains("merged_from"))
      h(R"( <span class="muted">{}</span>)", i18n::edge::trf("合并自档案 {}", "of merged file {}", text_of(row, "merged_from")));
    h("</td><td>{}</td></tr>", labels_of(row.value("fields", json::array())));
  }
  h("</tbody></table></section>");
  return std::move(h).markup();
}

struct Opened {
  ChildFile file;
  std::vector<json> conflicts;
  bool full_id = false;
};

Result<Opened> open_file(Page& page, const std::string& ref) {
  Opened opened;
  opened.full_id = page.request.param("full_id") == "1";
  auto file = open_child_file(page.station, ref, opened.full_id);
  if (!file) return file.status();
  opened.file = std::move(file).value();
  const std::string id = opened.file.child["id"].get<std::string>();
  for (json& conflict : sync::list_conflicts(page.station, false))
    if (conflict.value("child_id", "") == id) opened.conflicts.push_back(std::move(conflict));
  return opened;
}

// Every section of the file, for the page and the print view alike.
Markup file_sections(Page& page, const Opened& opened, bool print) {
  const json& child = opened.file.child;
  const std::string id = child["id"].get<std::string>();
  Html h;
  h("{}", profile_section(page, id, child, opened.full_id, print));
  h("{}", relatives_section(id, child, print));
  h("{}", categories_section(child));
  h("{}", colour_section(opened.file));
  h("{}", schedule_section(opened.file));
  h("{}", screening_section(opened.file));
  h("{}", visits_section(opened.file));
  h("{}", care_section(opened.file));
  h("{}", referrals_section(opened.file, print));
  h("{}", reviews_section(opened.file, opened.conflicts, print));
  h("{}", history_section(opened.file));
  return std::move(h).markup();
}

Markup file_title(const json& child) {
  Html h;
  h("{} {}", child.value("name", ""),
    colour_badge(child["colour"].is_string() ? child["colour"].get<std::string>() : std::string()));
  if (child.value("status", "") == "closed")
    h(R"( <span class="muted">（{}：{}）</span>)", tr("已结案", "closed"),
      child.value("closed_reason", json()).is_string() ? i18n::label(child.value("closed_reason", "")) : "—");
  return std::move(h).markup();
}

// Where the file went: transferred to another township (a read-only record here), or out of the county.
Markup moved_notice(const json& child) {
  Html h;
  if (child.contains("transferred")) {
    const json& t = child["transferred"];
    h(R"(<div class="alert warn" id="transferred" role="status">{}</div>)",
      i18n::edge::trf("已转移至 {}（{} 办理，{}）；本站只保留只读记录。", "Transferred to {} (on {}, {}); this station "
                      "keeps a read-only record.", value_text(t["to_village"], FieldKind::Village), value_text(t["on"]),
                      value_text(t["reason"])));
  } else if (child.contains("moved_out")) {
    const json& m = child["moved_out"];
    h(R"(<div class="alert warn" id="moved-out" role="status">{}</div>)",
      i18n::edge::trf("已于 {} 迁出本县，迁往：{}", "Moved out of the county on {}, to {}", value_text(m["on"]),
                      value_text(m["destination"])));
  }
  return std::move(h).markup();
}

Response file_page(Page& page, const std::vector<std::string>& params) {
  auto opened = open_file(page, params.at(0));
  if (!opened) return status_page(page, opened.status());
  const json& child = opened.value().file.child;
  const std::string id = child["id"].get<std::string>();
  Html h;
  h(R"(<p class="muted no-print"><a href="/children">{}</a></p>)", tr("← 儿童档案", "← Children"));
  h(R"(<h1>{}</h1>)", file_title(child));
  h("{}", moved_notice(child));
  h("{}", file_actions(page, id, child));
  h("{}", file_sections(page, opened.value(), false));
  return render(page, child.value("name", ""), std::move(h).markup(), Nav::Children);
}

// The A4 sheet: the file without the chrome, with the station and the day printed, for the paper archive.
Response print_page(Page& page, const std::vector<std::string>& params) {
  auto opened = open_file(page, params.at(0));
  if (!opened) return status_page(page, opened.status());
  const json& child = opened.value().file.child;
  Html h;
  h(R"(<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{} · {}</title>)"
    R"(<link rel="stylesheet" href="/static/app.css"><script src="/static/app.js" defer></script></head>)"
    R"(<body class="print"><main>)",
    page.lang == Lang::Zh ? "zh-CN" : "en", child.value("name", ""), tr("儿童档案", "Child file"));
  h(R"(<p class="actions no-print"><button type="button" data-print>{}</button> <a href="{}">{}</a></p>)",
    tr("打印", "Print"), url("/children/{}", child["id"].get<std::string>()), tr("返回档案", "Back to the file"));
  h(R"(<h1>{}（{}）</h1><p class="muted">{}</p>)", tr("困境儿童档案", "File of a child in difficulty"),
    tr("一人一档", "one file per child"),
    i18n::edge::trf("{} · 打印日期 {} · 打印人 {}", "{} · printed {} by {}", page.station.name(),
                    page.station.clock().today().to_string(), page.station.actor().name));
  h(R"(<h2>{}</h2>)", file_title(child));
  h("{}", moved_notice(child));
  h("{}", file_sections(page, opened.value(), true));
  h("</main></body></html>");
  return Response::html(std::move(h).take());
}

}  // namespace

void add_child_file_routes(Routes& routes) {
  routes.get("/children/{}", file_page);
  routes.get("/children/{}/print", print_page);
}

}  // namespace tongdang::web::station
