// Placeholder: the pages of this file are being written on their own branch.
#include "web/station/page.h"

namespace tongdang::web::station {

void add_children_routes(Routes&) {}

}  // namespace tongdang::web::station
