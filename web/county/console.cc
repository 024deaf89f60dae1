#include "web/county/console.h"

#include <mutex>

#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/store/sign_in.h"
#include "sync/server/console_sign_in.h"
#include "web/base/assets.h"
#include "web/base/sign_in_page.h"
#include "web/county/page.h"

namespace tongdang::web::county {

using i18n::edge::tr;

namespace {

constexpr std::string_view kBrand = "童档 · 县级控制台";

}  // namespace

struct CountyConsole::Impl {
  sync::CentralStore& store;
  const Clock& wall;
  const Clock& clock;
  // One request at a time: the reader's language is process-wide (core/base/i18n.h), and the county centre is a
  // handful of people; the store serialises its work anyway.
  std::mutex mutex;

  Response handle(const Request& request);
  Response route(const ConsolePage& page);
};

CountyConsole::CountyConsole(sync::CentralStore& store, ConsoleOptions options)
    : impl_(new Impl{store, options.wall ? *options.wall : sign_in::real_clock(),
                     options.clock ? *options.clock : process_clock(), {}}) {
  // Every audit chain is walked whole once, as the console starts, rather than by the first reader of /audit: the
  // store keeps the walk and later pages link on from it (CentralStore::verify_audit), each in a few milliseconds
  // where a year of requests takes a second to rehash (docs/benchmarks.md "County console (issue 16)").
  (void)store.verify_audit();
  // The first search by digits reads the county's open files and their relatives from the file into the store's
  // page cache (about 70 MiB of scattered pages on a province's server: 224 ms where the searches after it take
  // 54 ms). One such search is made here, as the walk is, so no reader pays for it; its answer is not kept.
  ChildSearch warm;
  warm.text = std::string(tuning::kSearchMinDigits, '0');
  (void)store.find_children(warm, impl_->clock.today());
}

CountyConsole::~CountyConsole() = default;

Response CountyConsole::handle(const Request& request) {
  std::lock_guard lock(impl_->mutex);
  // The sync API answers in the language the server was started with: put it back after a reader's page.
  const i18n::Lang before = i18n::language();
  Response response = impl_->handle(request);
  i18n::set_language(before);
  add_security_headers(response);
  return response;
}

Response CountyConsole::Impl::handle(const Request& request) {
  if (auto asset = assets::serve(request)) return std::move(*asset);
  const i18n::Lang lang = reader_language(request);
  if (request.method == "GET" && request.path == "/lang") return language_switch(request, request.secure);

  if (request.path == "/login") {
    if (auto answered = login_step(request, request.secure, kBrand)) return std::move(*answered);
    auto user = sync::console::authenticate(store, request.param("user"), request.param("password"), request.remote,
                                            wall);
    if (!user) return login_failed(request, kBrand, user.status().text().in(lang));
    const sync::console::Session session = sync::console::open_session(store, user.value().name, request.remote, wall);
    return signed_in(request, session.token, request.secure);
  }

  // Every other page needs a live console session: a bearer token (a station's, a director's) is not one.
  auto token = request.cookies.find(kSessionCookie);
  Result<sync::console::Session> session = Status::unauthenticated(i18n::tr("请先登录", "sign in first"));
  if (token != request.cookies.end()) session = sync::console::resume_session(store, token->second, wall);
  std::optional<sync::ConsoleUser> user;
  if (session) user = store.console_user(session.value().user);
  if (!user) return to_login(request, token != request.cookies.end(), request.secure);

  const ConsolePage page{request, store, *user, sign_in::csrf_token(session.value().token), lang, clock, wall};
  // A form posted without this session's token is refused before anything reads it (cross-site request forgery).
  if (request.method == "POST" && !sign_in::check_csrf(session.value().token, request.param("csrf")))
    return refused_page(page, Status::refused(i18n::tr("表单已失效（缺少或错误的校验码），未保存任何内容；请返回刷新后重试",
                                                       "the form has expired (missing or wrong check token); nothing "
                                                       "was saved: go back, reload and try again")));
  if (request.method == "POST" && request.path == "/logout") {
    sync::console::end_session(store, session.value().token);
    return signed_out(request.secure);
  }
  return route(page);
}

Response CountyConsole::Impl::route(const ConsolePage& page) {
  const Request& request = page.request;
  const std::vector<std::string> segments = request.segments();
  if (segments.empty()) {
    if (request.method != "GET") return Response::plain(405, tr("不支持的请求方法", "method not allowed"));
    return coverage_page(page);
  }
  if (request.method == "POST") {
    if (segments == std::vector<std::string>{"stations", "tokens"}) return issue_token_page(page);
    if (segments.size() == 4 && segments[0] == "stations" && segments[1] == "tokens" && segments[3] == "revoke")
      return revoke_token_page(page, segments[2]);
    if (segments.size() >= 2 && segments[0] == "review")
      return review_decision(page, std::vector<std::string>(segments.begin() + 1, segments.end()));
    return Response::plain(405, tr("不支持的请求方法", "method not allowed"));
  }
  if (request.method != "GET") return Response::plain(405, tr("不支持的请求方法", "method not allowed"));
  if (segments.size() == 1 && segments[0] == "stations") return stations_page(page);
  if (segments.size() == 1 && segments[0] == "review") return review_page(page);
  if (segments.size() == 1 && segments[0] == "audit") return audit_page(page);
  if (segments.size() == 1 && segments[0] == "audit.csv") return audit_csv(page);
  if (segments.size() == 1 && segments[0] == "children") return children_page(page);
  if (segments.size() == 2 && segments[0] == "children") return child_file_page(page, segments[1]);
  return not_found_page(page, request.path);
}

Request request_of(const sync::PageRequest& page) {
  Request request;
  request.method = page.method;
  const std::size_t question = page.target.find('?');
  request.path = percent_decode(std::string_view(page.target).substr(0, question), false);
  if (question != std::string::npos) request.query = parse_urlencoded(std::string_view(page.target).substr(question + 1));
  request.headers = page.headers;
  request.cookies = parse_cookies(request.header("cookie"));
  if (request.method == "POST" && request.header("content-type").rfind("application/x-www-form-urlencoded", 0) == 0)
    request.form = parse_urlencoded(page.body);
  request.remote = page.remote;
  request.secure = page.secure;
  return request;
}

sync::PageHandler page_handler(CountyConsole& console) {
  return [&console](const sync::PageRequest& page) {
    sync::PageResponse out;
    try {
      Response response = console.handle(request_of(page));
      out.status = response.status;
      out.content_type = std::move(response.content_type);
      out.headers = std::move(response.headers);
      out.body = std::move(response.body);
    } catch (const std::exception& error) {  // the one boundary: a page that throws is a 500, the listener lives
      out.status = 500;
      out.content_type = "text/plain; charset=utf-8";
      out.body = tr("服务器内部错误", "internal server error");
    }
    return out;
  };
}

}  // namespace tongdang::web::county
