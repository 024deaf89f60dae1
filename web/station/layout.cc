// The page chrome every page shares, and the pages for a refusal or a missing record.
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;

namespace {

struct NavItem {
  Nav nav;
  const char* href;
  const char* zh;
  const char* en;
  bool supervisors_only;
};
constexpr NavItem kNav[] = {
    {Nav::Due, "/", "今日待办", "Today", false},
    {Nav::Children, "/children", "儿童档案", "Children", false},
    {Nav::Register, "/children/new", "登记儿童", "Register", false},
    {Nav::Review, "/review", "审核", "Review", true},
    {Nav::Sync, "/sync", "同步", "Sync", false},
    {Nav::Reports, "/reports/coverage", "报表", "Reports", false},
    {Nav::Import, "/import", "台账导入", "Import", false},
};

}  // namespace

Response render(Page& page, std::string_view title, const Markup& body, Nav active, int status) {
  const User& user = page.station.actor();
  const bool supervises = user.role == Role::Supervisor || user.role == Role::County;
  Html h;
  h(R"(<!doctype html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" )"
    R"(content="width=device-width, initial-scale=1"><title>{} · 童档</title>)"
    R"(<link rel="stylesheet" href="/static/app.css"><script src="/static/app.js" defer></script></head><body>)",
    page.lang == Lang::Zh ? "zh-CN" : "en", title);
  h(R"(<header class="top"><a class="brand" href="/">童档 · {}</a><nav aria-label="{}">)", page.station.name(),
    tr("主菜单", "main menu"));
  for (const NavItem& item : kNav) {
    if (item.supervisors_only && !supervises) continue;
    h(R"(<a href="{}"{}>{}</a>)", item.href, item.nav == active ? Markup::literal(R"( class="active")") : Markup(),
      page.lang == Lang::Zh ? item.zh : item.en);
  }
  h(R"(</nav><span class="who"><span class="user">{}（{}）</span>)", user.name, i18n::label(to_string(user.role)));
  h(R"(<a href="/lang?to={}&amp;next={}">{}</a>)", page.lang == Lang::Zh ? "en" : "zh",
    percent_encode(page.request.target()), page.lang == Lang::Zh ? "English" : "中文");
  h(R"(<form method="post" action="/logout">{}<button type="submit">{}</button></form></span></header>)",
    csrf_field(page.csrf), tr("退出", "Sign out"));
  h("<main>");
  if (page.request.param("saved") == "1")
    h(R"(<div class="alert ok" role="status">{}</div>)", tr("已保存", "Saved"));
  h("{}</main></body></html>", body);
  return Response::html(std::move(h).take(), status);
}

Response refused_page(Page& page, const Status& status) {
  Html h;
  h(R"(<h1>{}</h1><div class="alert error" role="alert">{}</div><p><a href="/">{}</a></p>)",
    tr("不能执行", "Refused"), page.text(status.reason()), tr("返回今日待办", "Back to today's work"));
  return render(page, tr("不能执行", "Refused"), std::move(h).markup(), Nav::None, 403);
}

Response not_found_page(Page& page, std::string_view what) {
  Html h;
  h(R"(<h1>{}</h1><p>{}</p><p><a href="/">{}</a></p>)", tr("找不到", "Not found"), what,
    tr("返回今日待办", "Back to today's work"));
  return render(page, tr("找不到", "Not found"), std::move(h).markup(), Nav::None, 404);
}

Response status_page(Page& page, const Status& status) {
  switch (status.code()) {
    case Code::NotFound: return not_found_page(page, page.text(status.reason()));
    case Code::Refused:
    case Code::Conflict: return refused_page(page, status);
    case Code::Unauthenticated: return Response::redirect("/login?expired=1");
    case Code::InvalidInput:
    case Code::Internal:
    case Code::Ok: break;
  }
  Html h;
  h(R"(<h1>{}</h1><div class="alert error" role="alert">{}</div>)", tr("未能完成", "Could not complete"),
    page.text(status.reason()));
  return render(page, tr("未能完成", "Could not complete"), std::move(h).markup(), Nav::None,
                status.code() == Code::InvalidInput ? 400 : 500);
}

Markup colour_badge(std::string_view colour_key) {
  Html h;
  if (colour_key.empty())
    h(R"(<span class="colour none">{}</span>)", tr("未评估", "not graded"));
  else
    h(R"(<span class="colour {}">{}</span>)", colour_key, i18n::label(colour_key));
  return std::move(h).markup();
}

Markup colour_badge(std::optional<Colour> colour) {
  return colour_badge(colour ? std::string_view(to_string(*colour)) : std::string_view());
}

}  // namespace tongdang::web::station
