// What every page of the county's console has: the request, the store, the signed-in county user, the CSRF token
// for its forms, the reader's language, and the page chrome.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/date.h"
#include "core/base/i18n.h"
#include "core/base/status.h"
#include "sync/server/central_store.h"
#include "web/base/html.h"
#include "web/base/http.h"

namespace tongdang::web::county {

// Where a page sits in the top navigation.
enum class Nav { Coverage, Review, Children, Stations, Audit, None };

struct ConsolePage {
  const Request& request;
  sync::CentralStore& store;
  const sync::ConsoleUser& user;
  std::string csrf;  // csrf_field(page.csrf) in every form
  i18n::Lang lang = i18n::Lang::Zh;
  const Clock& clock;  // "today" of the reports
  const Clock& wall;   // when things are done, for the audit

  const std::string& text(const Message& message) const { return message.in(lang); }
};

// The whole page: navigation, who is signed in, sign-out, language, around `body`.
Response render(const ConsolePage& page, std::string_view title, const Markup& body, Nav active, int status = 200);
Response refused_page(const ConsolePage& page, const Status& status);
// A colour as a coloured label (未评估 when there is none).
Markup colour_label(const std::optional<Colour>& colour);
Response not_found_page(const ConsolePage& page, std::string_view what);

// The pages (one function per page file).
Response coverage_page(const ConsolePage& page);  // /   coverage_page.cc
Response children_page(const ConsolePage& page);  // /children?q=   children_page.cc
Response child_file_page(const ConsolePage& page, const std::string& child_id);  // /children/{id}
Response stations_page(const ConsolePage& page);  // /stations   stations_page.cc
Response issue_token_page(const ConsolePage& page);  // POST /stations/tokens
Response revoke_token_page(const ConsolePage& page, const std::string& token_id);  // POST /stations/tokens/{id}/revoke
Response audit_page(const ConsolePage& page);  // /audit   audit_page.cc
Response review_page(const ConsolePage& page);   // /review   review_page.cc
// POST /review/…: a decision on one item (`segments` the path's parts after "review").
Response review_decision(const ConsolePage& page, const std::vector<std::string>& segments);
Response audit_csv(const ConsolePage& page);   // /audit.csv

}  // namespace tongdang::web::county
