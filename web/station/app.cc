#include "web/station/app.h"

#include <mutex>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/store/sign_in.h"
#include "core/workflow/children.h"
#include "web/base/assets.h"
#include "web/station/app_impl.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;

namespace {

constexpr const char* kSessionCookie = "tongdang_session";
constexpr const char* kPreSessionCookie = "tongdang_pre";  // the sign-in form's own CSRF secret
constexpr const char* kLangCookie = "tongdang_lang";

// Where to go after signing in: a path of this application only (never "//elsewhere" or "https://…").
std::string safe_next(std::string_view next) {
  if (next.size() < 1 || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) return "/";
  if (next.rfind("/login", 0) == 0 || next.rfind("/logout", 0) == 0) return "/";
  return std::string(next);
}

Response login_form(const Request& request, const std::string& pre_token, std::string_view user,
                    const std::string& message, int status) {
  Html h;
  h(R"(<!doctype html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" )"
    R"(content="width=device-width, initial-scale=1"><title>{} · 童档</title><link rel="stylesheet" )"
    R"(href="/static/app.css"></head><body><main><form class="card login" method="post" action="/login">)",
    i18n::language() == i18n::Lang::Zh ? "zh-CN" : "en", tr("登录", "Sign in"));
  h(R"(<h1>童档 · {}</h1>)", tr("登录", "Sign in"));
  if (!message.empty()) h(R"(<div class="alert error" role="alert">{}</div>)", message);
  h("{}", csrf_field(sign_in::csrf_token(pre_token)));
  h(R"(<input type="hidden" name="next" value="{}">)", safe_next(request.param("next")));
  FormErrors none;
  h("{}", input_field("user", tr("用户名", "User name"), user, none,
                      {.type = "text", .required = true, .autocomplete = "username", .autofocus = user.empty()}));
  h("{}", input_field("password", tr("密码", "Password"), "", none,
                      {.type = "password", .required = true, .autocomplete = "current-password",
                       .autofocus = !user.empty()}));
  h(R"(<div class="actions"><button type="submit">{}</button><a href="/lang?to={}&amp;next=/login">{}</a></div>)",
    tr("登录", "Sign in"), i18n::language() == i18n::Lang::Zh ? "en" : "zh",
    i18n::language() == i18n::Lang::Zh ? "English" : "中文");
  h("</form></main></body></html>");
  Response response = Response::html(std::move(h).take(), status);
  return response;
}

}  // namespace

const Route* Routes::match(std::string_view method, const std::vector<std::string>& segments,
                           std::vector<std::string>& params) const {
  // The route with the most literal segments wins, whatever order the page files added theirs in:
  // "/children/new" is not "/children/{}" with the id "new".
  const Route* best = nullptr;
  int best_literals = -1;
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    Request probe;
    probe.path = route.pattern;
    const std::vector<std::string> pattern = probe.segments();
    if (pattern.size() != segments.size()) continue;
    std::vector<std::string> found;
    bool ok = true;
    for (std::size_t i = 0; i < pattern.size() && ok; ++i) {
      if (pattern[i] == "{}") found.push_back(segments[i]);
      else ok = pattern[i] == segments[i];
    }
    const int literals = static_cast<int>(pattern.size() - found.size());
    if (ok && literals > best_literals) {
      params = std::move(found);
      best = &route;
      best_literals = literals;
    }
  }
  return best;
}

bool Routes::has_path(const std::vector<std::string>& segments) const {
  for (const char* method : {"GET", "POST"}) {
    std::vector<std::string> params;
    if (match(method, segments, params)) return true;
  }
  return false;
}

StationApp::StationApp(std::unique_ptr<Station> station, AppOptions options)
    : impl_(std::make_unique<Impl>(std::move(station), std::move(options))) {}

StationApp::~StationApp() = default;

StationApp::Impl::Impl(std::unique_ptr<Station> s, AppOptions o) : station(std::move(s)), options(std::move(o)) {
  add_due_routes(routes);
  add_children_routes(routes);
  add_form_routes(routes);
  add_review_routes(routes);
  add_sync_routes(routes);
  add_report_routes(routes);
  add_import_routes(routes);
  add_check_routes(routes);
}

Response StationApp::handle(const Request& request) {
  // Style and script need no sign-in and may be cached (they are part of the program).
  if (request.method == "GET" && request.path == "/static/app.css") {
    Response css = Response::plain(200, std::string(assets::kStyle));
    css.content_type = "text/css; charset=utf-8";
    css.header("Cache-Control", "max-age=3600");
    return css;
  }
  if (request.method == "GET" && request.path == "/static/app.js") {
    Response js = Response::plain(200, std::string(assets::kScript));
    js.content_type = "text/javascript; charset=utf-8";
    js.header("Cache-Control", "max-age=3600");
    return js;
  }
  if (request.path == "/favicon.ico") return Response::plain(204, "");

  std::lock_guard lock(impl_->mutex);
  return impl_->handle(request);
}

Response StationApp::Impl::handle(const Request& request) {
  // The reader's language: the cookie the language link sets, Chinese otherwise.
  auto lang_cookie = request.cookies.find(kLangCookie);
  const i18n::Lang lang = lang_cookie != request.cookies.end() && lang_cookie->second == "en" ? i18n::Lang::En : i18n::Lang::Zh;
  i18n::set_language(lang);
  const CookieOptions cookie{.secure = options.secure};

  if (request.method == "GET" && request.path == "/lang") {
    const std::string to = request.param("to") == "en" ? "en" : "zh";
    return Response::redirect(safe_next(request.param("next")))
        .header("Set-Cookie", set_cookie(kLangCookie, to, {.secure = options.secure, .max_age_seconds = 31536000}));
  }

  if (request.path == "/login") {
    auto pre = request.cookies.find(kPreSessionCookie);
    if (request.method == "GET" || pre == request.cookies.end()) {
      const std::string token = pre != request.cookies.end() && pre->second.size() == 64 ? pre->second
                                                                                        : sign_in::new_secret();
      const std::string message =
          request.method == "POST" ? tr("请允许本站使用 Cookie 后再登录", "allow cookies for this site, then sign in")
          : request.param("expired") == "1" ? tr("登录已过期，请重新登录", "the session has expired; sign in again")
                                            : std::string();
      return login_form(request, token, request.param("user"), message, request.method == "POST" ? 400 : 200)
          .header("Set-Cookie", set_cookie(kPreSessionCookie, token, cookie));
    }
    if (request.method != "POST") return Response::plain(405, "");
    if (!sign_in::check_csrf(pre->second, request.param("csrf")))
      return login_form(request, pre->second, request.param("user"),
                        tr("表单已失效，请重新登录", "the form has expired; sign in again"), 403);
    const std::string user = request.param("user");
    Status signed_in = sign_in::authenticate(*station, user, request.param("password"));
    if (!signed_in) return login_form(request, pre->second, user, signed_in.text().in(lang), 401);
    const sign_in::Session session = sign_in::open_session(*station, sign_in::SessionKind::Web);
    // A new session gets a new pre-session secret too: a form seen before signing in cannot be replayed.
    return Response::redirect(safe_next(request.param("next")))
        .header("Set-Cookie", set_cookie(kSessionCookie, session.token, cookie))
        .header("Set-Cookie", set_cookie(kPreSessionCookie, "", {.secure = options.secure, .max_age_seconds = 0}));
  }

  // Every other page needs a live session.
  auto token = request.cookies.find(kSessionCookie);
  Result<sign_in::Session> session = Status::unauthenticated(i18n::tr("请先登录", "sign in first"));
  if (token != request.cookies.end())
    session = sign_in::resume_session(*station, token->second, sign_in::SessionKind::Web, options.session_idle);
  if (!session) {
    std::string to = "/login?next=" + percent_encode(request.method == "GET" ? request.target() : "/");
    if (token != request.cookies.end()) to += "&expired=1";
    return Response::redirect(to).header("Set-Cookie",
                                         set_cookie(kSessionCookie, "", {.secure = options.secure, .max_age_seconds = 0}));
  }

  // The day settles before any page reads it: files whose last category ended at its age limit close themselves.
  // A failure leaves them open for the next request; the page still shows.
  (void)settle_aged_out(*station);

  Page page{request, *station, session.value(), sign_in::csrf_token(session.value().token), lang, options, *this};
  // A form posted without this session's token is refused before anything reads it (cross-site request forgery).
  if (request.method == "POST" && !sign_in::check_csrf(session.value().token, request.param("csrf")))
    return refused_page(page, Status::refused(i18n::tr("表单已失效（缺少或错误的校验码），未保存任何内容；请返回刷新后重试",
                                                       "the form has expired (missing or wrong check token); nothing "
                                                       "was saved: go back, reload and try again")));

  if (request.method == "POST" && request.path == "/logout") {
    sign_in::end_session(*station, session.value().token);
    return Response::redirect("/login").header(
        "Set-Cookie", set_cookie(kSessionCookie, "", {.secure = options.secure, .max_age_seconds = 0}));
  }

  const std::vector<std::string> segments = request.segments();
  std::vector<std::string> params;
  const Route* route = routes.match(request.method, segments, params);
  if (!route) {
    if (routes.has_path(segments)) return Response::plain(405, tr("不支持的请求方法", "method not allowed"));
    return not_found_page(page, request.path);
  }
  return route->handler(page, params);
}

}  // namespace tongdang::web::station
