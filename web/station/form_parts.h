// What the station's forms share (forms_page.cc and the files it adds): choices built from core/model's vocabulary
// tables and labels (no second table of words here), the villages a user may choose, the child a form is about,
// and the frame of a form page.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/date.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/model/vocabulary.h"
#include "core/rules/instrument.h"
#include "web/station/page.h"

namespace tongdang::web::station {

// The options of a vocabulary table (vocabulary.h): value the machine key, label in the reader's language.
template <typename Enum, std::size_t N>
std::vector<Option> options_of(const std::array<Term<Enum>, N>& terms) {
  std::vector<Option> out;
  out.reserve(N);
  for (const Term<Enum>& term : terms)
    out.push_back({std::string(term.key), std::string(i18n::language() == i18n::Lang::Zh ? term.zh : term.en)});
  return out;
}
// The options of a list of keys, labelled with i18n::label(prefix + key).
std::vector<Option> options_of_keys(const std::vector<std::string_view>& keys, std::string_view label_prefix = {});
// The options of a vocabulary (choices.h's table, in its order), by the vocabulary or by its name (FieldSpec::choice:
// "sex", "schooling", "relation", "close_reason" …; none for another name).
std::vector<Option> choice_options(Vocabulary vocabulary);
std::vector<Option> choice_options(std::string_view vocabulary);
// 是/否 for a yes/no field (values "true"/"false", as normalize_field reads them).
std::vector<Option> yes_no_options();

// The villages the signed-in user may choose: a director's own; for a supervisor or the county every village this
// station knows (its users' villages and its children's), as codes.
std::vector<Option> village_options(Page& page);

// The child a form is about, as the signed-in user may see it (ID number masked). The Status decides the page when
// it fails (404, 403).
Result<nlohmann::json> form_child(Page& page, std::string_view child_ref);

// The heading of a form about a child: its name, village and colour, with a link back to the file.
Markup child_heading(const nlohmann::json& child, std::string_view title);

// A profile value as the text a field shows ("" for null; true → "true").
std::string field_text(const nlohmann::json& value);

// The typed value of field `name` (the form's, else `fallback`).
std::string typed(const Page& page, std::string_view name, std::string_view fallback = {});

// A date typed in field `name`: empty → nullopt; a bad one is filed in `errors` beside the field.
std::optional<Date> typed_date(const Page& page, std::string_view name, FormErrors& errors);

// The page of a form: a POST that failed answers 400 so the browser (and a test) knows nothing was saved.
Response form_page(Page& page, std::string_view title, Html&& body, const FormErrors& errors, Nav nav = Nav::None);

// <button type="submit" id="save">…</button> inside the form's actions, with a link back.
Markup save_actions(std::string_view save_label, std::string_view back_href);

// "/children/{id}?saved=1", or `next` when the form was reached from a page of this app (the work list).
std::string after_save(const Page& page, const std::string& child_id);

// The instrument's questions as form fields (assess_page.cc; also the first assessment of a lead's verification),
// the typed answers parsed by the instrument's own parse_answers, and the names of those fields (for FormErrors).
Markup instrument_fields(Page& page, const FormErrors& errors);
Result<Answers> typed_answers(Page& page);
// Whether any question was answered (a verification without its first risk screen is refused by the use case).
bool answers_given(Page& page);
std::vector<std::string> answer_fields();

void add_register_routes(Routes& routes);   // /children/new, /children/{id}/edit
void add_relative_routes(Routes& routes);   // /children/{id}/relatives/…
void add_visit_routes(Routes& routes);      // /children/{id}/visits
void add_assess_routes(Routes& routes);     // /children/{id}/assess
void add_care_routes(Routes& routes);       // /children/{id}/care
void add_colour_routes(Routes& routes);     // /children/{id}/colour, /categories, /close
void add_screening_routes(Routes& routes);  // /leads/new, /leads/{id}/verify, /children/{id}/screening/…
void add_transfer_routes(Routes& routes);   // /children/{id}/transfer, /children/{id}/id-number
void add_referral_routes(Routes& routes);   // /children/{id}/referrals/new, /children/{id}/referrals/{id}

}  // namespace tongdang::web::station
