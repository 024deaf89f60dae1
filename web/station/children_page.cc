// `/children` — 儿童档案: find a child by part of the name, the last digits of the ID number or a family phone, with
// filters (village, colour, category, closed files), 50 a page (core/workflow/search.h, the same as `tongdang child
// find`). `partial=1` answers only what goes inside <div id="results"> (app.js's live search swaps it in).
#include "core/model/division.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/model/vocabulary.h"
#include "core/rules/schedule.h"
#include "core/workflow/search.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;

namespace {

// The search as typed (kept in the form and in the pager's links), and the use case's query made from it.
struct Typed {
  std::string q, village, colour, category, page;
  bool closed = false;
};

Typed typed_of(const Request& request) {
  return {request.param("q"), request.param("village"), request.param("colour"), request.param("category"),
          request.param("page"), request.param("closed") == "1"};
}

// Parses the filters; a bad one goes beside its field.
ChildSearch search_of(const Typed& typed, FormErrors& errors) {
  ChildSearch search;
  search.text = typed.q;
  search.include_closed = typed.closed;
  if (!typed.village.empty()) search.village = typed.village;
  if (!typed.colour.empty()) {
    search.colour = parse_colour(typed.colour);
    if (!search.colour) errors.fields["colour"] = tr("未知的风险等级", "unknown colour");
  }
  if (!typed.category.empty()) {
    search.category = parse_category(typed.category);
    if (!search.category) errors.fields["category"] = tr("未知的类别", "unknown category");
  }
  if (!typed.page.empty()) {
    try {
      std::size_t used = 0;
      search.page = std::stoi(typed.page, &used);
      if (used != typed.page.size()) search.page = 0;
    } catch (const std::exception&) {
      search.page = 0;
    }
  }
  return search;
}

// The villages to choose from: a director's own; the station's (those with files) for everyone else.
std::vector<Option> village_options(Page& page) {
  std::vector<Option> options;
  const User& actor = page.station.actor();
  if (!actor.villages.empty()) {
    for (const auto& village : actor.villages) options.push_back({village, division_label(village)});
    return options;
  }
  auto query = page.station.db().cached("SELECT DISTINCT village FROM children ORDER BY village");
  while (query->step()) {
    const std::string village = query->get_text(0);
    if (actor.covers_village(village)) options.push_back({village, division_label(village)});
  }
  return options;
}

template <typename Table>
std::vector<Option> options_of(const Table& table) {
  std::vector<Option> options;
  for (const auto& term : table) options.push_back({std::string(term.key), i18n::label(term.key)});
  return options;
}

std::string list_url(const Typed& typed, int page) {
  return url("/children?q={}&village={}&colour={}&category={}&closed={}&page={}", typed.q, typed.village, typed.colour,
             typed.category, typed.closed ? "1" : "", page);
}

Markup categories_text(const std::vector<std::string>& categories) {
  Html h;
  for (std::size_t i = 0; i < categories.size(); ++i) h("{}{}", i ? "、" : "", i18n::label(categories[i]));
  return std::move(h).markup();
}

Markup results(Page& page, const Typed& typed, const ChildSearchPage& found) {
  Html h;
  h(R"(<p class="muted" aria-live="polite">{}</p>)",
    i18n::edge::trf("共 {} 名儿童", "{} children", found.total));
  if (found.rows.empty()) {
    h(R"(<p>{}</p>)", tr("没有符合条件的儿童。", "No child matches."));
    return std::move(h).markup();
  }
  h(R"(<table class="children"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>)"
    R"(<th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("风险", "Risk"), tr("姓名", "Name"), tr("性别", "Sex"), tr("年龄", "Age"), tr("村（居）", "Village"),
    tr("身份证号", "ID number"), tr("类别", "Categories"), tr("下次走访", "Next visit"));
  const Date today = page.station.clock().today();
  for (const ChildListRow& row : found.rows) {
    h(R"(<tr{}><td>{}</td><td><a href="{}">{}</a>)", row.status == "closed" ? Markup::literal(R"( class="closed")") : Markup(),
      colour_badge(row.colour), url("/children/{}", row.id), row.name);
    if (row.status == "closed") h(R"( <span class="muted">（{}）</span>)", tr("已结案", "closed"));
    h("</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>", i18n::label(row.sex), row.age, division_label(row.village),
      row.id_number, categories_text(row.categories));
    if (row.next_visit_due) {
      h("{}", *row.next_visit_due);
      if (auto due = Date::parse(*row.next_visit_due); due && days_overdue(*due, today) > 0)
        h(R"( <strong class="overdue">{}</strong>)",
          i18n::edge::trf("逾期 {} 天", "{} days overdue", days_overdue(*due, today)));
    }
    h("</td></tr>");
  }
  h("</tbody></table>");
  if (found.pages > 1) {
    h(R"(<nav class="pager" aria-label="{}">)", tr("翻页", "pages"));
    if (found.page > 1) h(R"(<a rel="prev" href="{}">{}</a>)", list_url(typed, found.page - 1), tr("上一页", "Previous"));
    h("<span>{}</span>", i18n::edge::trf("第 {} / {} 页", "page {} of {}", found.page, found.pages));
    if (found.page < found.pages)
      h(R"(<a rel="next" href="{}">{}</a>)", list_url(typed, found.page + 1), tr("下一页", "Next"));
    h("</nav>");
  }
  return std::move(h).markup();
}

Response children_page(Page& page, const std::vector<std::string>&) {
  const Typed typed = typed_of(page.request);
  FormErrors errors;
  const ChildSearch search = search_of(typed, errors);
  Result<ChildSearchPage> found = ChildSearchPage{};
  if (!errors.any()) {
    found = search_children(page.station, search);
    if (!found) {
      if (found.status().code() != Code::InvalidInput) return status_page(page, found.status());
      errors.add(found.status(), {"q", "village", "colour", "category", "page"});
    }
  }
  const int status = errors.any() ? 400 : 200;
  Markup list;
  if (errors.any()) {
    Html h;
    h("{}", form_errors(errors));
    list = std::move(h).markup();
  } else {
    list = results(page, typed, found.value());
  }
  if (page.request.param("partial") == "1") return Response::html(list.str(), status);

  Html h;
  h(R"(<h1>{}</h1>)", tr("儿童档案", "Children"));
  h(R"(<form class="card filters no-print" method="get" action="/children" role="search" data-live-search="results">)");
  h("{}", input_field("q", tr("查找", "Find"), typed.q, errors,
                      {.type = "search",
                       .hint = tr("姓名（全名或部分）、身份证号后 4 位以上，或家人电话",
                                  "name (whole or part), the last 4+ digits of the ID number, or a family phone"),
                       .autocomplete = "off",
                       .autofocus = true}));
  h("{}", select_field("village", tr("村（居）", "Village"), village_options(page), typed.village, errors,
                       tr("全部", "all")));
  h("{}", select_field("colour", tr("风险等级", "Colour"), options_of(vocabulary::kColours), typed.colour, errors,
                       tr("全部", "all")));
  h("{}", select_field("category", tr("类别", "Category"), options_of(vocabulary::kCategories), typed.category, errors,
                       tr("全部", "all")));
  h("{}", checkbox_field("closed", tr("包括已结案", "include closed files"), typed.closed));
  h(R"(<div class="actions"><button type="submit" id="save">{}</button></div></form>)", tr("查找", "Find"));
  h(R"(<div id="results">{}</div>)", list);
  return render(page, tr("儿童档案", "Children"), std::move(h).markup(), Nav::Children, status);
}

}  // namespace

void add_children_routes(Routes& routes) {
  routes.get("/children", children_page);
  add_child_file_routes(routes);
}

}  // namespace tongdang::web::station
