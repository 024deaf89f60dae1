// The audit (`/audit`): the reads that matter stations report to the county (a red file opened, full ID numbers
// shown or exported), newest first, filtered by person, township, child and date; the same rows as CSV
// (`/audit.csv`); the console's own actions (sign-ins, files opened, decisions, tokens), filtered the same way; for
// one file (child = its id), who changed what: its events and the last writer of each profile field; and every
// audit hash chain of the server verified on the page, as `tongdang-server audit verify` walks them. The rows are the
// store's (`CentralStore::openings`, what `audit list` prints, and `console_actions`, `record_changes`); the filters by
// person, child and date are applied to the newest tuning::kConsoleAuditRows of them.
#include <algorithm>

#include "core/base/csv.h"
#include "core/base/ids.h"
#include "core/db/audit_chain.h"
#include "core/model/division.h"
#include "core/model/labels.h"
#include "core/store/record_ref.h"
#include "web/base/form.h"
#include "web/county/page.h"
#include "web/county/tuning.h"

namespace tongdang::web::county {

using i18n::edge::tr;
using i18n::edge::trf;
using nlohmann::json;

namespace {

struct AuditFilter {
  std::string person, township, child, from, to;
};

AuditFilter filter_of(const ConsolePage& page) {
  return {page.request.param("person"), page.request.param("township"), page.request.param("child"),
          page.request.param("from"), page.request.param("to")};
}

std::string text_of(const json& row, const char* key) { return row.value(key, std::string()); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }


// The rows the filter keeps. Dates compare by the day of the station's row as shown (China time).
Result<std::vector<json>> audit_rows(const ConsolePage& page, const AuditFilter& filter) {
  for (const auto& [value, field] : {std::pair{&filter.from, "from"}, std::pair{&filter.to, "to"}})
    if (!value->empty() && !Date::parse(*value))
      return Status::invalid(field, i18n::tr("应为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD"));
  sync::OpeningFilter opening_filter;
  opening_filter.township = filter.township;
  opening_filter.limit = tuning::kConsoleAuditRows;
  std::vector<json> kept;
  for (json& row : page.store.openings(opening_filter)) {
    const std::string day = cst_time(text_of(row, "at")).substr(0, 10);
    if (!filter.person.empty() && !contains(text_of(row, "actor"), filter.person) &&
        !contains(text_of(row, "principal"), filter.person))
      continue;
    if (!filter.child.empty() && !contains(text_of(row, "child_name"), filter.child) &&
        text_of(row, "child_id") != filter.child)
      continue;
    if (!filter.from.empty() && day < filter.from) continue;
    if (!filter.to.empty() && day > filter.to) continue;
    kept.push_back(std::move(row));
  }
  return kept;
}

std::vector<std::string> cells_of(const json& row) {
  return {cst_time(text_of(row, "at")), text_of(row, "actor"), text_of(row, "principal"),
          i18n::label(text_of(row, "action")), text_of(row, "child_name"), division_label(text_of(row, "township"))};
}

std::vector<std::string> headings() {
  return {tr("时间", "when"), tr("站点用户", "station user"), tr("令牌", "token"), tr("操作", "what"),
          tr("儿童", "child"), tr("乡镇", "township")};
}

// The console's own rows the filter keeps (person: the console user; child: the record the row is about).
std::vector<json> console_rows(const ConsolePage& page, const AuditFilter& filter) {
  std::vector<json> kept;
  for (json& row : page.store.console_actions(tuning::kConsoleAuditRows)) {
    const std::string day = cst_time(text_of(row, "at")).substr(0, 10);
    if (!filter.person.empty() && !contains(text_of(row, "user"), filter.person)) continue;
    if (!filter.township.empty() && text_of(row, "township") != filter.township) continue;
    if (!filter.child.empty() && text_of(row, "entity_id") != filter.child) continue;
    if (!filter.from.empty() && day < filter.from) continue;
    if (!filter.to.empty() && day > filter.to) continue;
    kept.push_back(std::move(row));
    if (kept.size() == tuning::kConsoleAuditShown) break;
  }
  return kept;
}

Markup console_section(const ConsolePage& page, const AuditFilter& filter) {
  Html h;
  h(R"(<h2 id="console-actions">{}</h2><table class="audit console-actions"><thead><tr><th>{}</th><th>{}</th>)"
    R"(<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("控制台操作", "The console's own actions"), tr("时间", "when"), tr("县级用户", "county user"),
    tr("操作", "what"), tr("对象", "about"), tr("乡镇", "township"));
  for (const json& row : console_rows(page, filter))
    h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td></tr>", cst_time(text_of(row, "at")),
      text_of(row, "user"), i18n::label(text_of(row, "action")), i18n::label(text_of(row, "entity")),
      short_record_id(text_of(row, "entity_id")),
      text_of(row, "township").empty() ? std::string("—") : division_label(text_of(row, "township")));
  h("</tbody></table>");
  return std::move(h).markup();
}

// Who changed one file: shown when the child filter is a file's id (the file page links here).
Markup changes_section(const ConsolePage& page, const std::string& child) {
  if (!looks_like_uuid(child)) return {};
  const json changes = page.store.record_changes(child, static_cast<int>(tuning::kConsoleAuditShown));
  Html h;
  h(R"(<h2 id="record-changes">{}</h2>)", trf("档案 {} 的修改记录", "Changes to file {}", short_record_id(child)));
  h(R"(<table class="audit record-events"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("记录时间", "recorded"), tr("事项", "what"), tr("日期", "date"), tr("人员", "who"));
  for (const json& e : changes["events"])
    h("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}（{}）</td></tr>", cst_time(text_of(e, "at")),
      i18n::label(text_of(e, "kind")), text_of(e, "occurred_on"), text_of(e, "actor"), i18n::label(text_of(e, "role")));
  h("</tbody></table>");
  h(R"(<table class="audit record-fields"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("项目", "field"), tr("版本", "version"), tr("最后修改人", "last changed by"));
  for (const json& f : changes["fields"])
    h("<tr><td>{}{}</td><td>{}</td><td>{}</td></tr>",
      text_of(f, "entity") == "relative" ? std::string(tr("亲属：", "relative: ")) : std::string(),
      i18n::label(text_of(f, "field")), f.value("version", 0), text_of(f, "actor"));
  h("</tbody></table>");
  return std::move(h).markup();
}

Markup chains(const ConsolePage& page) {
  Html h;
  h(R"(<section class="card" id="chains"><h2>{}</h2><ul>)", tr("审计链核验", "Audit chains verified"));
  for (const auto& chain : page.store.verify_audit()) {
    if (chain.broken) h(R"(<li class="alert error">{}</li>)", audit_chain::describe(*chain.broken));
    else h("<li>{}</li>", trf("{}：完整，共 {} 行", "{}: whole, {} rows", chain.table, chain.rows));
  }
  h("</ul></section>");
  return std::move(h).markup();
}

}  // namespace

Response audit_page(const ConsolePage& page) {
  const AuditFilter filter = filter_of(page);
  Html h;
  h("<h1>{}</h1>{}", tr("审计", "Audit"), chains(page));
  h(R"(<form class="card filters" method="get" action="/audit">)");
  FormErrors none;
  h("{}", input_field("person", tr("人员", "person"), filter.person, none));
  h("{}", input_field("township", tr("乡镇代码", "township code"), filter.township, none));
  h("{}", input_field("child", tr("儿童（姓名或档案编号）", "child (name or file id)"), filter.child, none));
  h("{}", input_field("from", tr("起始日期", "from"), filter.from, none, {.type = "date"}));
  h("{}", input_field("to", tr("截止日期", "to"), filter.to, none, {.type = "date"}));
  h(R"(<div class="actions"><button type="submit">{}</button> <a href="{}">{}</a></div></form>)", tr("筛选", "Filter"),
    url("/audit.csv?person={}&township={}&child={}&from={}&to={}", filter.person, filter.township, filter.child,
        filter.from, filter.to),
    tr("导出 CSV", "Export CSV"));
  auto rows = audit_rows(page, filter);
  if (!rows) {
    h(R"(<div class="alert error" role="alert">{}</div>)", page.text(rows.status().reason()));
    return render(page, tr("审计", "Audit"), std::move(h).markup(), Nav::Audit, 400);
  }
  // One page of what the filters keep, newest first; the pager keeps the filters.
  const std::vector<json>& kept = rows.value();
  const std::size_t pages = std::max<std::size_t>(1, (kept.size() + tuning::kConsoleAuditPage - 1) / tuning::kConsoleAuditPage);
  const std::size_t at = std::clamp<std::size_t>(static_cast<std::size_t>(page.request.page_param()), 1, pages);
  const std::size_t first = (at - 1) * tuning::kConsoleAuditPage;
  const std::size_t last = std::min(kept.size(), first + tuning::kConsoleAuditPage);
  h(R"(<h2>{}</h2>)", tr("站点报送的重要查阅", "Reads that matter, reported by stations"));
  h(R"(<p class="counts" id="audit-count">{}</p>)",
    kept.empty() ? std::string(tr("没有符合条件的记录", "no rows match"))
                 : trf("第 {}–{} 条，共 {} 条", "rows {}–{} of {}", first + 1, last, kept.size()));
  h(R"(<table class="audit"><thead><tr>)");
  for (const std::string& heading : headings()) h("<th>{}</th>", heading);
  h("</tr></thead><tbody>");
  for (std::size_t i = first; i < last; ++i) {
    h("<tr>");
    for (const std::string& cell : cells_of(kept[i])) h("<td>{}</td>", cell);
    h("</tr>");
  }
  h("</tbody></table>");
  if (pages > 1) {
    auto link = [&](std::size_t to) {
      return url("/audit?person={}&township={}&child={}&from={}&to={}&page={}", filter.person, filter.township,
                 filter.child, filter.from, filter.to, to);
    };
    h(R"(<nav class="pager" aria-label="{}">)", tr("翻页", "pages"));
    if (at > 1) h(R"(<a rel="prev" href="{}">{}</a> )", link(at - 1), tr("上一页", "previous"));
    h("<span>{}</span>", trf("第 {} 页，共 {} 页", "page {} of {}", at, pages));
    if (at < pages) h(R"( <a rel="next" href="{}">{}</a>)", link(at + 1), tr("下一页", "next"));
    h("</nav>");
  }
  h("{}{}", changes_section(page, filter.child), console_section(page, filter));
  return render(page, tr("审计", "Audit"), std::move(h).markup(), Nav::Audit);
}

Response audit_csv(const ConsolePage& page) {
  auto rows = audit_rows(page, filter_of(page));
  if (!rows) return Response::plain(400, page.text(rows.status().reason()));
  std::string out = "\xEF\xBB\xBF";  // UTF-8 byte-order mark: Excel then reads Chinese correctly
  auto line = [&out](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_cell(cells[i]);
    out += "\r\n";
  };
  line(headings());
  for (const json& row : rows.value()) line(cells_of(row));
  page.store.audit_console({page.wall.now_iso(), page.user.name, "audit.export", "audit", "", "",
                            {{"rows", rows.value().size()}}});
  Response response = Response::plain(200, std::move(out));
  response.content_type = "text/csv; charset=utf-8";
  response.header("Content-Disposition", "attachment; filename=\"audit.csv\"");
  return response;
}

}  // namespace tongdang::web::county
