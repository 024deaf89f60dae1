// The coverage report's renderers: the one Report value (report.h) as a table, CSV, JSON or a printable HTML page.
// Labels follow i18n::language(); the JSON keys are fixed (docs/reports.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/report/report.h"

namespace tongdang::report {

nlohmann::json to_json(const Report& report);
std::string to_table(const Report& report);
std::string to_csv(const Report& report);  // UTF-8 with a byte-order mark, so Excel reads Chinese correctly
std::string to_html(const Report& report); // one self-contained page: inline CSS and SVG, no scripts

// The completeness stamp every rendering shows (which stations have not synced since when), for a page that shows
// the report's figures its own way (the county's console).
std::string completeness_stamp(const Report& report);

// "table", "csv", "json", "html" -> the rendered report.
std::optional<std::string> render(const Report& report, std::string_view format);

}  // namespace tongdang::report
