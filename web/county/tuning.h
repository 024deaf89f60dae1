// The county console's tuning knobs (one header per library: docs/design.md "Layers"), each with its default.
#pragma once

#include <cstddef>

namespace tongdang::tuning {

// /audit: the newest reported reads the page filters by person, child and date (the township is filtered by the
// store). A county's stations report a few hundred a month; beyond this, `tongdang-server audit list --limit N`.
inline constexpr int kConsoleAuditRows = 5000;
// /audit: the console's own actions and one file's changes shown at most (newest first); the rest are in the
// database, behind `tongdang-server audit verify`'s chains.
inline constexpr std::size_t kConsoleAuditShown = 200;
// /audit: reported reads shown per page (the pager steps through what the filters keep; the CSV holds them all).
inline constexpr std::size_t kConsoleAuditPage = 100;

}  // namespace tongdang::tuning
