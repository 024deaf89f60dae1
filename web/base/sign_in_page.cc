#include "web/base/sign_in_page.h"

#include "core/store/sign_in.h"
#include "web/base/form.h"
#include "web/base/html.h"

namespace tongdang::web {

using i18n::edge::tr;

namespace {

Response login_form(const Request& request, std::string_view brand, const std::string& pre_token,
                    std::string_view user, const std::string& message, int status) {
  Html h;
  h(R"(<!doctype html><html lang="{}"><head><meta charset="utf-8"><meta name="viewport" )"
    R"(content="width=device-width, initial-scale=1"><title>{} · 童档</title><link rel="stylesheet" )"
    R"(href="/static/app.css"></head><body><main><form class="card login" method="post" action="/login">)",
    i18n::language() == i18n::Lang::Zh ? "zh-CN" : "en", tr("登录", "Sign in"));
  h(R"(<h1>{} · {}</h1>)", brand, tr("登录", "Sign in"));
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
  return Response::html(std::move(h).take(), status);
}

std::string pre_token_of(const Request& request) {
  auto pre = request.cookies.find(kPreSessionCookie);
  return pre != request.cookies.end() ? pre->second : std::string();
}

}  // namespace

std::string safe_next(std::string_view next) {
  if (next.size() < 1 || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) return "/";
  if (next.rfind("/login", 0) == 0 || next.rfind("/logout", 0) == 0) return "/";
  return std::string(next);
}

i18n::Lang reader_language(const Request& request) {
  auto lang_cookie = request.cookies.find(kLangCookie);
  const i18n::Lang lang =
      lang_cookie != request.cookies.end() && lang_cookie->second == "en" ? i18n::Lang::En : i18n::Lang::Zh;
  i18n::set_language(lang);
  return lang;
}

Response language_switch(const Request& request, bool secure) {
  const std::string to = request.param("to") == "en" ? "en" : "zh";
  return Response::redirect(safe_next(request.param("next")))
      .header("Set-Cookie", set_cookie(kLangCookie, to, {.secure = secure, .max_age_seconds = 31536000}));
}

std::optional<Response> login_step(const Request& request, bool secure, std::string_view brand) {
  auto pre = request.cookies.find(kPreSessionCookie);
  if (request.method == "GET" || pre == request.cookies.end()) {
    const std::string token =
        pre != request.cookies.end() && pre->second.size() == 64 ? pre->second : sign_in::new_secret();
    const std::string message =
        request.method == "POST" ? tr("请允许本站使用 Cookie 后再登录", "allow cookies for this site, then sign in")
        : request.param("expired") == "1" ? tr("登录已过期，请重新登录", "the session has expired; sign in again")
                                          : std::string();
    return login_form(request, brand, token, request.param("user"), message, request.method == "POST" ? 400 : 200)
        .header("Set-Cookie", set_cookie(kPreSessionCookie, token, {.secure = secure}));
  }
  if (request.method != "POST") return Response::plain(405, "");
  if (!sign_in::check_csrf(pre->second, request.param("csrf")))
    return login_form(request, brand, pre->second, request.param("user"),
                      tr("表单已失效，请重新登录", "the form has expired; sign in again"), 403);
  return std::nullopt;
}

Response login_failed(const Request& request, std::string_view brand, const std::string& message) {
  return login_form(request, brand, pre_token_of(request), request.param("user"), message, 401);
}

Response signed_in(const Request& request, const std::string& session_token, bool secure) {
  return Response::redirect(safe_next(request.param("next")))
      .header("Set-Cookie", set_cookie(kSessionCookie, session_token, {.secure = secure}))
      .header("Set-Cookie", set_cookie(kPreSessionCookie, "", {.secure = secure, .max_age_seconds = 0}));
}

Response to_login(const Request& request, bool expired, bool secure) {
  std::string to = "/login?next=" + percent_encode(request.method == "GET" ? request.target() : "/");
  if (expired) to += "&expired=1";
  return Response::redirect(to).header("Set-Cookie",
                                       set_cookie(kSessionCookie, "", {.secure = secure, .max_age_seconds = 0}));
}

Response signed_out(bool secure) {
  return Response::redirect("/login").header("Set-Cookie",
                                             set_cookie(kSessionCookie, "", {.secure = secure, .max_age_seconds = 0}));
}

}  // namespace tongdang::web
