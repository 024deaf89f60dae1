#include "web/station/app.h"

#include <mutex>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/store/sign_in.h"
#include "core/workflow/children.h"
#include "web/base/assets.h"
#include "web/base/sign_in_page.h"
#include "web/station/app_impl.h"
#include "web/station/page.h"

namespace tongdang::web::station {

using i18n::edge::tr;

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
  if (auto asset = assets::serve(request)) return std::move(*asset);

  std::lock_guard lock(impl_->mutex);
  return impl_->handle(request);
}

Response StationApp::Impl::handle(const Request& request) {
  const i18n::Lang lang = reader_language(request);
  if (request.method == "GET" && request.path == "/lang") return language_switch(request, options.secure);

  if (request.path == "/login") {
    if (auto answered = login_step(request, options.secure, "童档")) return std::move(*answered);
    const std::string user = request.param("user");
    Status checked = sign_in::authenticate(*station, user, request.param("password"));
    if (!checked) return login_failed(request, "童档", checked.text().in(lang));
    const sign_in::Session session = sign_in::open_session(*station, sign_in::SessionKind::Web);
    return signed_in(request, session.token, options.secure);
  }

  // Every other page needs a live session.
  auto token = request.cookies.find(kSessionCookie);
  Result<sign_in::Session> session = Status::unauthenticated(i18n::tr("请先登录", "sign in first"));
  if (token != request.cookies.end())
    session = sign_in::resume_session(*station, token->second, sign_in::SessionKind::Web, options.session_idle);
  if (!session) return to_login(request, token != request.cookies.end(), options.secure);

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
    return signed_out(options.secure);
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
