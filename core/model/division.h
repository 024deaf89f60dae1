// Administrative division codes (GB/T 2260 and the statistical 12-digit village code, docs/domain.md "Division codes"),
// and the bundled table of real Jiangsu county and township codes (fixtures/divisions/jiangsu.csv).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"

namespace tongdang {

enum class TownshipKind { StreetOffice, Town, Township, FarmOrZone };
enum class VillageKind { ResidentsCommittee, VillagersCommittee };

struct Province {
  std::string code;  // 2 digits
  std::string name;
};

struct County {
  std::string code;  // 6 digits
  std::string name;
};

struct Township {
  std::string code;  // 9 digits: county + 3
  std::string name;
  TownshipKind kind = TownshipKind::Town;
  std::string vintage;  // year of the code list it comes from
};

// The reference table. Loaded once from the bundled CSV; thread-safe after first use.
class Divisions {
 public:
  // The table bundled with the program (TONGDANG_DIVISIONS overrides the file).
  static const Divisions& bundled();
  // Loads a table from CSV lines "code,name,vintage" (6-digit county or 9-digit township codes).
  static Divisions from_csv(std::string_view csv);

  const Province* province(std::string_view code2) const;
  const County* county(std::string_view code6) const;
  const Township* township(std::string_view code9) const;
  std::vector<Township> townships_of(std::string_view county6) const;

 private:
  std::vector<County> counties_;
  std::vector<Township> townships_;
};

// Validates a 9-digit township code: digits, a known province, the township range (001–099, 100–199, 200–299,
// 400–599). Unknown county or township codes produce warnings, not errors.
Result<std::vector<std::string>> check_township_code(std::string_view code, std::string_view field);

// Validates a 12-digit village code (township + 3): as above, plus the village range (001–399).
Result<std::vector<std::string>> check_village_code(std::string_view code, std::string_view field);

std::optional<TownshipKind> township_kind(std::string_view code3);
std::optional<VillageKind> village_kind(std::string_view code3);

}  // namespace tongdang
