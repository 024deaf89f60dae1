// `/check/id-number?value=…` — the live check app.js runs as an ID number is typed: the same rule as saving
// (parse_id_number), answered as JSON {ok, text, sex, birth_date}. Nothing is stored or audited: it reads no file.
#include <nlohmann/json.hpp>

#include "core/base/i18n.h"
#include "core/model/id_number.h"
#include "core/model/labels.h"
#include "web/station/page.h"

namespace tongdang::web::station {

namespace {

Response check_id_number(Page& page, const std::vector<std::string>&) {
  const std::string value = page.request.param("value");
  nlohmann::json answer;
  auto parsed = parse_id_number(value, page.station.clock().today());
  if (parsed) {
    const IdNumber& id = parsed.value();
    const std::string sex(to_string(id.sex));
    answer = {{"ok", true}, {"sex", sex}, {"birth_date", id.birth_date.to_string()},
              {"text", i18n::edge::trf("有效：{}，{} 出生", "valid: {}, born {}", i18n::label(sex),
                                       id.birth_date.to_string())}};
  } else {
    answer = {{"ok", false}, {"text", page.text(parsed.status().text())}};
  }
  Response response = Response::plain(200, answer.dump());
  response.content_type = "application/json; charset=utf-8";
  return response;
}

}  // namespace

void add_check_routes(Routes& routes) { routes.get("/check/id-number", check_id_number); }

}  // namespace tongdang::web::station
