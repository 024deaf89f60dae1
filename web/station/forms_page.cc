// The forms that write to a child's file, each in its own file (form_parts.h lists them): registering and editing,
// relatives, visits, assessments, care, colour, categories and closing, leads and the screening steps, transfers and
// ID number corrections, mandatory reports and referrals. Every form posts to its own URL, calls the use case the CLI
// calls, and on a failure renders itself again with what was typed.
#include "web/station/form_parts.h"

namespace tongdang::web::station {

void add_form_routes(Routes& routes) {
  add_register_routes(routes);
  add_relative_routes(routes);
  add_visit_routes(routes);
  add_assess_routes(routes);
  add_care_routes(routes);
  add_colour_routes(routes);
  add_screening_routes(routes);
  add_transfer_routes(routes);
  add_referral_routes(routes);
}

}  // namespace tongdang::web::station
