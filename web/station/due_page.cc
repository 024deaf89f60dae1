// `/` — 今日待办: the signed-in user's work list (core/workflow due_page: due_list's rows, the same as `tongdang due`,
// only one page of them built), red first, then by days overdue, each item with the button that does it.
#include <algorithm>

#include "core/model/division.h"
#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/model/labels.h"
#include "core/workflow/workflow.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;

namespace {

// Rows of the work list on one page: a supervisor's township may have thousands of children due; the first page
// holds the most urgent (red first, then by days overdue) and stays small (docs/benchmarks.md).
constexpr std::size_t kRowsPerPage = 50;

// The page that does a due item, and the button's words.
struct ItemAction {
  std::string href;
  const char* zh;
  const char* en;
};
std::optional<ItemAction> action_of(const DueRow& row, const DueItem& item) {
  const std::string& child = row.child_id;
  if (item.what == "visit" || item.what == "supervisor_visit" || item.what == "pre_holiday_visit")
    return ItemAction{url("/children/{}/visits", child) + "?next=/", "记录走访", "Record a visit"};
  if (item.what == "reassessment" || item.what == "first_assessment")
    return ItemAction{url("/children/{}/assess", child), "评估", "Assess"};
  if (item.what == "care_plan") return ItemAction{url("/children/{}/care", child), "添加关爱措施", "Add care"};
  if (item.what == "case_worker") return ItemAction{url("/children/{}", child), "指定个案负责人", "Name a case worker"};
  if (item.what == "colour_review") return ItemAction{"/review", "去审核", "Review"};
  if (item.what == "screening_verify") return ItemAction{url("/leads/{}/verify", row.lead_id), "入户核查", "Verify"};
  if (item.what == "screening_review" || item.what == "screening_confirm") return ItemAction{"/review", "去审核", "Review"};
  return std::nullopt;
}

Response due_page(Page& page, const std::vector<std::string>&) {
  const Date today = page.station.clock().today();
  DueOptions options;
  options.as_of = today;
  options.overdue_only = page.request.param("overdue") == "1";
  options.horizon_days = tuning::kDueHorizonDays;  // the week ahead, as `tongdang due`
  std::size_t page_number = static_cast<std::size_t>(page.request.page_param());
  // Only the page's rows are built (due_page); a page past the end shows the last one.
  auto due = due_page(page.station, options, (page_number - 1) * kRowsPerPage, kRowsPerPage);
  if (!due) return status_page(page, due.status());
  const std::size_t total = due.value().total;
  const std::size_t pages = (total + kRowsPerPage - 1) / kRowsPerPage;
  if (total > 0 && page_number > pages) {
    page_number = pages;
    due = due_page(page.station, options, (page_number - 1) * kRowsPerPage, kRowsPerPage);
    if (!due) return status_page(page, due.status());
  }
  const std::vector<DueRow>& rows = due.value().rows;

  Html h;
  h(R"(<h1>{}</h1>)", tr("今日待办", "Today's work"));
  h(R"(<p class="muted">{}</p>)",
    i18n::edge::trf("截至 {}，共 {} 名儿童有待办事项（红色在前，其次按逾期天数）。",
                    "As of {}, {} children have something due (red first, then by days overdue).", today.to_string(),
                    total));
  h(R"(<p class="actions no-print"><a class="button secondary" href="/?overdue={}">{}</a></p>)",
    options.overdue_only ? "0" : "1",
    options.overdue_only ? tr("显示全部", "Show everything") : tr("只看逾期", "Overdue only"));
  if (rows.empty()) {
    h(R"(<section class="card"><p>{}</p></section>)", tr("今天没有待办事项。", "Nothing is due today."));
    return render(page, tr("今日待办", "Today's work"), std::move(h).markup(), Nav::Due);
  }
  h(R"(<table class="due"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("风险", "Risk"), tr("儿童", "Child"), tr("村（居）", "Village"), tr("待办事项", "What is due"),
    tr("操作", "Action"));
  for (const DueRow& row : rows) {
    h(R"(<tr class="{}"><td>{}</td><td>)", row.days_overdue > 0 ? "overdue" : "", colour_badge(row.colour));
    if (!row.child_id.empty())
      h(R"(<a href="{}">{}</a>)", url("/children/{}", row.child_id), row.name);
    else
      h(R"({} <span class="muted">{}</span>)", row.name, tr("（线索）", "(lead)"));
    h("</td><td>{}</td><td><ul>", division_label(row.village));
    for (const DueItem& item : row.items) {
      h("<li>{}", i18n::label(item.what));
      if (!item.detail.empty()) h(R"( <span class="muted">（{}）</span>)", due_detail_text(item.detail));
      h(R"( <span class="muted">{} {}</span>)", tr("到期", "due"), item.due);
      if (item.days_overdue > 0)
        h(R"( <strong class="overdue">{}</strong>)",
          i18n::edge::trf("逾期 {} 天", "{} days overdue", item.days_overdue));
      if (item.escalated) h(R"( <strong>{}</strong>)", tr("已上报", "escalated"));
      h("</li>");
    }
    h("</ul></td><td>");
    if (!row.items.empty())
      if (auto action = action_of(row, row.items.front()))
        h(R"(<a class="button" href="{}">{}</a>)", action->href, page.lang == Lang::Zh ? action->zh : action->en);
    h("</td></tr>");
  }
  h("</tbody></table>");
  if (pages > 1) {
    h(R"(<nav class="pager no-print">)");
    if (page_number > 1)
      h(R"(<a href="/?overdue={}&amp;page={}">{}</a>)", options.overdue_only ? "1" : "0", page_number - 1,
        tr("上一页", "previous"));
    h("<span>{}</span>", i18n::edge::trf("第 {} / {} 页", "page {} of {}", page_number, pages));
    if (page_number < pages)
      h(R"(<a href="/?overdue={}&amp;page={}">{}</a>)", options.overdue_only ? "1" : "0", page_number + 1,
        tr("下一页", "next"));
    h("</nav>");
  }
  return render(page, tr("今日待办", "Today's work"), std::move(h).markup(), Nav::Due);
}

}  // namespace

void add_due_routes(Routes& routes) { routes.get("/", due_page); }

}  // namespace tongdang::web::station
