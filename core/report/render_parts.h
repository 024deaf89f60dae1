// The pieces every renderer of the coverage report (render.h) shares: number formats, labels, the completeness
// stamp, and the rows that more than one format shows alike. Internal to core/report: only the renderers include it.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/model.h"
#include "core/report/report.h"
#include "core/rules/timeline.h"

namespace tongdang::report::parts {

// The JSON keys of the four colours, by Colour index.
inline constexpr std::array<const char*, 4> kColourKeys = {"green", "blue", "yellow", "red"};

double rounded(double value);                 // to four decimals, as the JSON shows shares
double share(int part, int whole);            // part / whole, rounded; 0 when whole is 0
std::string percent(double fraction);         // "12.3%"
std::string percent_of(int part, int whole);  // "12.3%", or "—" when whole is 0

std::string colour_label(int index);           // by Colour index
std::string step_label(std::string_view step);  // a ScreeningStep's to_string()
std::string age_label(int bucket);              // 0: 1–7 days, 1: 8–30 days, 2: over 30 days
std::string scope_title(const Report& r);

// The completeness stamp: every report says how current its data is.
std::string completeness_line(const Report& r);

// The report's townships, or its villages.
std::vector<const Figures*> unit_rows(const Report& r, bool villages);
// Whether `station` has not synced on or after the report's day.
bool is_stale(const Report& r, const StationHealth& station);
std::string last_sync_text(const StationHealth& station);

int children_in(const Figures& f, Category category);  // 0 when none holds it
int steps_open(const Figures& f, ScreeningStep step);   // 0 when none is open

using Rows = std::vector<std::vector<std::string>>;
// Category, children, share: the categories table of the text and HTML reports.
Rows category_rows(const Figures& f);
// The screening steps open (every step, as `screen pending` lists them), completed and past their limit.
Rows screening_step_rows(const Figures& f);
// One child of the overdue list: masked ID, village, colour, due, days overdue, escalated.
std::vector<std::string> overdue_child_cells(const OverdueChild& c);

}  // namespace tongdang::report::parts
