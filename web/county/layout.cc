// The console's chrome every page shares, and the pages for a refusal or a missing record.
#include "core/model/labels.h"
#include "web/base/form.h"
#include "web/county/page.h"

namespace tongdang::web::county {

using i18n::edge::tr;

namespace {

struct NavItem {
  Nav nav;
  const char* href;
  const char* zh;
  const char* en;
};
constexpr NavItem kNav[] = {
    {Nav::Coverage, "/", "覆盖情况", "Coverage"},
    {Nav::Review, "/review", "审核", "Review"},
    {Nav::Children, "/children", "查找儿童", "Find a child"},
    {Nav::Stations, "/stations", "站点", "Stations"},
    {Nav::Audit, "/audit", "审计", "Audit"},
};

}  // namespace

Response render(const ConsolePage& page, std::string_view title, const Markup& body, Nav active, int status) {
  Html h;
  h(R"(<!doctype html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" )"
    R"(content="width=device-width, initial-scale=1"><title>{} · 童档县级控制台</title>)"
    R"(<link rel="stylesheet" href="/static/app.css"><script src="/static/app.js" defer></script></head><body>)",
    page.lang == i18n::Lang::Zh ? "zh-CN" : "en", title);
  h(R"(<header class="top"><a class="brand" href="/">童档 · {}</a><nav aria-label="{}">)", page.store.identity().name,
    tr("主菜单", "main menu"));
  for (const NavItem& item : kNav)
    h(R"(<a href="{}"{}>{}</a>)", item.href, item.nav == active ? Markup::literal(R"( class="active")") : Markup(),
      page.lang == i18n::Lang::Zh ? item.zh : item.en);
  h(R"(</nav><span class="who"><span class="user">{}（{}）</span>)", page.user.name,
    i18n::label(to_string(page.user.role)));
  h(R"(<a href="/lang?to={}&amp;next={}">{}</a>)", page.lang == i18n::Lang::Zh ? "en" : "zh",
    percent_encode(page.request.target()), page.lang == i18n::Lang::Zh ? "English" : "中文");
  h(R"(<form method="post" action="/logout">{}<button type="submit">{}</button></form></span></header>)",
    csrf_field(page.csrf), tr("退出", "Sign out"));
  h("<main>{}</main></body></html>", body);
  return Response::html(std::move(h).take(), status);
}

Markup colour_label(const std::optional<Colour>& colour) {
  Html h;
  if (colour) h(R"(<span class="colour {}">{}</span>)", to_string(*colour), i18n::label(to_string(*colour)));
  else h(R"(<span class="colour none">{}</span>)", tr("未评估", "not graded"));
  return std::move(h).markup();
}

Response refused_page(const ConsolePage& page, const Status& status) {
  Html h;
  h(R"(<h1>{}</h1><div class="alert error" role="alert">{}</div><p><a href="/">{}</a></p>)",
    tr("不能执行", "Refused"), page.text(status.reason()), tr("返回覆盖情况", "Back to coverage"));
  return render(page, tr("不能执行", "Refused"), std::move(h).markup(), Nav::None, 403);
}

Response not_found_page(const ConsolePage& page, std::string_view what) {
  Html h;
  h(R"(<h1>{}</h1><p>{}</p><p><a href="/">{}</a></p>)", tr("找不到", "Not found"), what,
    tr("返回覆盖情况", "Back to coverage"));
  return render(page, tr("找不到", "Not found"), std::move(h).markup(), Nav::None, 404);
}

}  // namespace tongdang::web::county
