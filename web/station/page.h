// What every page handler of the station app has and uses: the request, the station acting as the signed-in user,
// the CSRF token for its forms, the page chrome, and the routes table each page file adds itself to.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/message.h"
#include "core/base/status.h"
#include "core/store/sign_in.h"
#include "core/store/station.h"
#include "web/base/form.h"
#include "web/base/html.h"
#include "web/base/http.h"
#include "web/station/app.h"

namespace tongdang::web::station {

// Where a page sits in the top navigation.
enum class Nav { Due, Children, Register, Review, Sync, Reports, Import, None };

using i18n::Lang;

struct Page {
  const Request& request;
  Station& station;             // acting as the signed-in user
  const sign_in::Session& session;
  std::string csrf;             // this session's CSRF token: csrf_field(page.csrf) in every form
  Lang lang = Lang::Zh;
  const AppOptions& options;
  StationApp::Impl& app;

  // A message in the reader's language.
  const std::string& text(const Message& message) const { return message.in(lang); }
};

// The whole page: the chrome (navigation, who is signed in, sign-out, language) around `body`.
Response render(Page& page, std::string_view title, const Markup& body, Nav active, int status = 200);
// A page saying the request is refused (403) or not found (404), with the reason.
Response refused_page(Page& page, const Status& status);
Response not_found_page(Page& page, std::string_view what);
// The answer to a failed Status: its code decides the page (not found 404, refused 403, otherwise the form's
// caller shows it beside the fields).
Response status_page(Page& page, const Status& status);

// Colour as a coloured label (红色 …, 未评估 when none).
Markup colour_badge(std::optional<Colour> colour);
Markup colour_badge(std::string_view colour_key);

// The routes table. A pattern is a path whose "{}" segments match any one segment, passed to the handler in order.
using PageHandler = std::function<Response(Page&, const std::vector<std::string>& params)>;
struct Route {
  std::string method;
  std::string pattern;
  PageHandler handler;
};
class Routes {
 public:
  void get(std::string pattern, PageHandler handler) { routes_.push_back({"GET", std::move(pattern), std::move(handler)}); }
  void post(std::string pattern, PageHandler handler) { routes_.push_back({"POST", std::move(pattern), std::move(handler)}); }
  // The route for `method` and the path's segments, with the wildcard segments; nullptr when none matches.
  const Route* match(std::string_view method, const std::vector<std::string>& segments,
                     std::vector<std::string>& params) const;
  // Whether some route has this path for another method (405 rather than 404).
  bool has_path(const std::vector<std::string>& segments) const;

 private:
  std::vector<Route> routes_;
};

// Each page file adds its routes (one function per file).
void add_due_routes(Routes& routes);       // /            due_page.cc
void add_children_routes(Routes& routes);  // /children …  children_page.cc, child_file_page.cc
void add_child_file_routes(Routes& routes);  // /children/{id}, /children/{id}/print  child_file_page.cc
void add_form_routes(Routes& routes);      // register, edit, visits, assessments, care, colour, screening
void add_review_routes(Routes& routes);    // /review
void add_sync_routes(Routes& routes);      // /sync
void add_report_routes(Routes& routes);    // /reports/coverage
void add_import_routes(Routes& routes);    // /import
void add_check_routes(Routes& routes);     // /check/id-number (the live check)

}  // namespace tongdang::web::station
