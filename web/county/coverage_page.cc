// Coverage at a glance (`/`): the county's completeness stamp first (which stations have not synced since when),
// then the coverage report by township; `?township=` its villages; `?village=` that village's overdue children, by
// name. Every figure is the report engine's (core/report), the one `tongdang-server report coverage` prints.
#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "core/model/division.h"
#include "core/model/labels.h"
#include "core/report/render.h"
#include "core/report/report.h"
#include "web/county/page.h"

namespace tongdang::web::county {

using i18n::edge::tr;
using i18n::edge::trf;

namespace {

// Which part of the county the page shows.
struct Scope {
  std::string township;  // empty: the whole county
  std::string village;   // empty: every village of the township
};

report::Report county_report(const ConsolePage& page, const std::string& township) {
  report::Options options;
  const std::string county = page.store.identity().county;
  options.level = township.empty() ? report::ScopeLevel::County : report::ScopeLevel::Township;
  options.scope_code = township.empty() ? county : township;
  const County* known = Divisions::bundled().county(county);
  options.scope_name =
      township.empty() ? (known ? known->name : page.store.identity().name) : division_label(township);
  options.as_of = page.clock.today();
  options.generated_at = page.clock.now_iso();
  options.source = "server";
  options.overdue_list = !township.empty();  // a village's list, by name, on this page only
  return page.store.coverage_report(options);
}

// A 9-digit township of this county, or a 12-digit village of one; the reason in Chinese first otherwise.
Status check_scope(const ConsolePage& page, const Scope& scope) {
  const std::string county = page.store.identity().county;
  auto digits = [](const std::string& code, std::size_t n) {
    return code.size() == n && code.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!scope.township.empty() && (!digits(scope.township, 9) || scope.township.substr(0, 6) != county))
    return Status::invalid("township", trf("{} 不是本县的乡镇代码", "{} is not a township code of this county",
                                           scope.township));
  if (!scope.village.empty() && (!digits(scope.village, 12) || scope.village.substr(0, 9) != scope.township))
    return Status::invalid("village", trf("{} 不是该乡镇的村（居）代码", "{} is not a village code of that township",
                                          scope.village));
  return Status::ok();
}

Markup completeness(const report::Report& r) {
  Html h;
  const bool complete = !r.stations.empty() && r.stale_stations.empty();
  h(R"(<div class="alert {}" role="status" id="completeness">{})", complete ? "ok" : "warn",
    report::completeness_stamp(r));
  if (!r.stale_stations.empty()) {
    h(R"(<ul class="stale">)");
    for (const auto& station : r.stations) {
      if (std::find(r.stale_stations.begin(), r.stale_stations.end(), station.station_id) == r.stale_stations.end())
        continue;
      h("<li>{} · {} · {}</li>", division_label(station.township), station.name.empty() ? station.station_id : station.name,
        station.last_sync ? trf("最后同步 {}", "last synced {}", cst_time(*station.last_sync))
                          : std::string(tr("从未同步", "never synced")));
    }
    h("</ul>");
  }
  h("</div>");
  return std::move(h).markup();
}

Markup figures_table(const std::vector<report::Figures>& units, std::string_view unit_label,
                     const std::function<std::string(const report::Figures&)>& link) {
  Html h;
  h(R"(<table class="coverage"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>)"
    R"(<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    unit_label, tr("监测儿童", "children"), i18n::label("red"), i18n::label("yellow"), i18n::label("blue"),
    i18n::label("green"), tr("未评估", "not graded"), tr("走访覆盖率", "visit coverage"), tr("走访逾期", "visits overdue"));
  for (const report::Figures& f : units) {
    const std::string href = link ? link(f) : std::string();
    if (href.empty()) h("<tr><td>{}（{}）</td>", f.name, f.code);
    else h(R"(<tr><td><a href="{}">{}</a>（{}）</td>)", href, f.name, f.code);
    h("<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", f.children,
      f.by_colour[static_cast<int>(Colour::Red)], f.by_colour[static_cast<int>(Colour::Yellow)],
      f.by_colour[static_cast<int>(Colour::Blue)], f.by_colour[static_cast<int>(Colour::Green)], f.ungraded);
    h("<td>{}</td><td>{}</td></tr>",
      f.graded == 0 ? std::string("—") : fmt::format("{:.1f}%", 100.0 * f.visit_coverage()), f.overdue_total());
  }
  h("</tbody></table>");
  return std::move(h).markup();
}

Markup overdue_list(const report::Report& r, const std::string& village) {
  Html h;
  h(R"(<table class="overdue"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>)",
    tr("姓名", "name"), tr("颜色", "colour"), tr("应走访日期", "visit due"), tr("逾期天数", "days overdue"));
  int listed = 0;
  for (const report::OverdueChild& child : r.overdue_children) {
    if (child.village != village) continue;
    ++listed;
    // Opening the file from here is audited (children_page.cc); a red one asks why first.
    h(R"(<tr><td><a href="{}">{}</a></td><td><span class="colour {}">{}</span></td><td>{}</td><td>{}</td></tr>)",
      url("/children/{}", child.child_id), child.name, to_string(child.colour), i18n::label(to_string(child.colour)), child.due_on, child.days_overdue);
  }
  h("</tbody></table>");
  if (listed == 0) h(R"(<p class="muted">{}</p>)", tr("该村（居）没有逾期未走访的儿童。", "No child of this village is overdue."));
  return std::move(h).markup();
}

}  // namespace

Response coverage_page(const ConsolePage& page) {
  const Scope scope{page.request.param("township"), page.request.param("village")};
  if (Status checked = check_scope(page, scope); !checked) return not_found_page(page, page.text(checked.reason()));
  const report::Report r = county_report(page, scope.township);
  Html h;
  const std::string county_name = r.options.level == report::ScopeLevel::County ? r.options.scope_name
                                                                               : division_label(page.store.identity().county);
  if (scope.township.empty()) {
    h("<h1>{}</h1>", trf("{} 覆盖情况（截至 {}）", "{}: coverage as of {}", county_name, r.options.as_of.to_string()));
    h("{}", completeness(r));
    h("{}", figures_table(r.townships, tr("乡镇", "township"), [](const report::Figures& f) {
        return url("/?township={}", f.code);
      }));
  } else if (scope.village.empty()) {
    h(R"(<p class="crumbs"><a href="/">{}</a> › {}</p>)", county_name, division_label(scope.township));
    h("<h1>{}</h1>", trf("{} 各村（居）覆盖情况（截至 {}）", "{}: coverage by village as of {}",
                         division_label(scope.township), r.options.as_of.to_string()));
    h("{}", completeness(r));
    h("{}", figures_table(r.villages, tr("村（居）", "village"), [&scope](const report::Figures& f) {
        return url("/?township={}&village={}", scope.township, f.code);
      }));
  } else {
    h(R"(<p class="crumbs"><a href="/">{}</a> › <a href="{}">{}</a> › {}</p>)", county_name,
      url("/?township={}", scope.township), division_label(scope.township), division_label(scope.village));
    h("<h1>{}</h1>", trf("{} 逾期未走访的儿童（截至 {}）", "{}: children overdue for a visit as of {}",
                         division_label(scope.village), r.options.as_of.to_string()));
    h("{}", completeness(r));
    h("{}", overdue_list(r, scope.village));
  }
  return render(page, tr("覆盖情况", "Coverage"), std::move(h).markup(), Nav::Coverage);
}

}  // namespace tongdang::web::county
