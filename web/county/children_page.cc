// Finding a child across the county (`/children?q=`: part of a name, the last digits of an ID number, or a phone;
// the station's own search, core/workflow/search.h) and a child's file, read-only (`/children/{id}`). Lists show
// ID numbers masked. Opening a file is audited in the console's audit with who opened it; a red file first asks why
// (the reason goes into the audit row).
#include "core/model/division.h"
#include "core/model/labels.h"
#include "web/base/form.h"
#include "web/county/page.h"

namespace tongdang::web::county {

using i18n::edge::tr;
using i18n::edge::trf;

namespace {

std::string categories_text(const std::vector<std::string>& categories) {
  std::string out;
  for (const auto& category : categories) out += (out.empty() ? "" : "、") + i18n::label(category);
  return out.empty() ? "—" : out;
}

Markup search_form(std::string_view q) {
  Html h;
  h(R"(<form class="search" method="get" action="/children"><label for="q">{}</label> )",
    tr("姓名、身份证号后几位或电话", "name, last ID digits or phone"));
  h(R"(<input type="search" id="q" name="q" value="{}" required> <button type="submit">{}</button></form>)", q,
    tr("查找", "Find"));
  return std::move(h).markup();
}

}  // namespace

Response children_page(const ConsolePage& page) {
  const std::string q = page.request.param("q");
  Html h;
  h("<h1>{}</h1>{}", tr("查找儿童", "Find a child"), search_form(q));
  if (!q.empty()) {
    ChildSearch search;
    search.text = q;
    search.page = page.request.page_param();
    auto found = page.store.find_children(search, page.clock.today());
    if (!found) {
      h(R"(<div class="alert error" role="alert">{}</div>)", page.text(found.status().reason()));
      return render(page, tr("查找儿童", "Find a child"), std::move(h).markup(), Nav::Children, 400);
    }
    h(R"(<p class="muted">{}</p>)", trf("共 {} 名", "{} found", found.value().total));
    h(R"(<table class="children"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>)"
      R"(</tr></thead><tbody>)",
      tr("姓名", "name"), tr("身份证号", "ID number"), tr("乡镇", "township"), tr("村（居）", "village"),
      tr("颜色", "colour"), tr("类别", "categories"));
    for (const ChildListRow& row : found.value().rows)
      h(R"(<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>)",
        url("/children/{}", row.id), row.name, row.id_number, division_label(row.village.substr(0, 9)),
        division_label(row.village), colour_label(row.colour), categories_text(row.categories));
    h("</tbody></table>");
    if (found.value().pages > 1) {
      h(R"(<nav class="pager">)");
      for (int p = 1; p <= found.value().pages; ++p) {
        if (p == found.value().page) h("<strong>{}</strong> ", p);
        else h(R"(<a href="{}">{}</a> )", url("/children?q={}&page={}", q, p), p);
      }
      h("</nav>");
    }
  }
  return render(page, tr("查找儿童", "Find a child"), std::move(h).markup(), Nav::Children);
}

Response child_file_page(const ConsolePage& page, const std::string& child_id) {
  auto file = page.store.child_file(child_id, page.clock.today());
  if (!file) return not_found_page(page, trf("没有档案 {}", "no file {}", child_id));
  const ChildListRow& row = file->row;
  const bool red = row.colour == Colour::Red;
  const std::string reason = page.request.param("reason");
  if (red && reason.empty()) {
    // A red file is opened for a reason, which the audit keeps beside who opened it.
    Html h;
    h("<h1>{}</h1>", trf("打开红色档案：{}", "Open a red file: {}", row.name));
    h(R"(<form class="card" method="get" action="{}">)", url("/children/{}", row.id));
    FormErrors none;
    h("{}", input_field("reason", tr("查阅原因（记入审计）", "why you open it (kept in the audit)"), "", none,
                        {.type = "text", .required = true}));
    h(R"(<div class="actions"><button type="submit">{}</button></div></form>)", tr("打开", "Open"));
    return render(page, tr("打开红色档案", "Open a red file"), std::move(h).markup(), Nav::Children);
  }
  nlohmann::json detail = {{"colour", row.colour ? std::string(to_string(*row.colour)) : std::string()}};
  if (!reason.empty()) detail["reason"] = reason;
  page.store.audit_console({page.wall.now_iso(), page.user.name, red ? "file.open_red" : "file.open", "child", row.id,
                            file->township, detail});

  Html h;
  h(R"(<h1>{} {}</h1>)", row.name, colour_label(row.colour));
  h(R"(<section class="card"><dl class="profile">)");
  h("<dt>{}</dt><dd>{}</dd>", tr("身份证号", "ID number"), row.id_number.empty() ? "—" : row.id_number);
  h("<dt>{}</dt><dd>{}</dd>", tr("性别", "sex"), i18n::label(row.sex));
  h("<dt>{}</dt><dd>{}（{}）</dd>", tr("出生日期", "born"), row.birth_date, trf("{} 岁", "{} years", row.age));
  h("<dt>{}</dt><dd>{} {}</dd>", tr("住址", "lives in"), division_label(file->township), division_label(row.village));
  h("<dt>{}</dt><dd>{}</dd>", tr("类别", "categories"), categories_text(row.categories));
  h("<dt>{}</dt><dd>{}</dd>", tr("状态", "status"), i18n::label(row.status));
  h("<dt>{}</dt><dd>{}</dd>", tr("下次走访", "next visit due"), row.next_visit_due.value_or("—"));
  h("</dl></section>");
  h(R"(<section class="card"><h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("记录", "History"), tr("日期", "date"), tr("事项", "what"), tr("人员", "who"));
  for (const auto& entry : file->history)
    h("<tr><td>{}</td><td>{}</td><td>{}（{}）</td></tr>", entry.occurred_on, i18n::label(entry.kind), entry.actor,
      i18n::label(entry.actor_role));
  h("</tbody></table>");
  h(R"(<p><a href="{}">{}</a></p></section>)", url("/audit?child={}", row.id),
    tr("谁修改了这份档案（审计）", "Who changed this file (audit)"));
  return render(page, row.name, std::move(h).markup(), Nav::Children);
}

}  // namespace tongdang::web::county
