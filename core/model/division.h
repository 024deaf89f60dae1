// Administrative division codes (GB/T 2260 and the statistical 12-digit village code, docs/domain.md "Division codes"),
// and the bundled table of every real Jiangsu county, township and village (fixtures/divisions/jiangsu.csv: the
// statistics bureau's 2023 codes), with the one function that turns a code into the name a person reads
// (division_label) and the lookup of a village by the name people write (find_village).
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

struct Village {
  std::string code;  // 12 digits: township + 3
  std::string name;  // as published: 大吴村委会, 大王集社区居委会
  VillageKind kind = VillageKind::VillagersCommittee;
  std::string vintage;
};

// What a village name written in a ledger resolves to within one township.
struct VillageMatch {
  const Village* village = nullptr;        // the one village meant, if exactly one
  std::vector<const Village*> candidates;  // when ambiguous: every village it may mean; when unknown: similar names
  bool ambiguous = false;                  // the name fits every candidate (otherwise they are only similar)
};

// The reference table. Loaded once from the bundled CSV; thread-safe after first use.
class Divisions {
 public:
  // The table bundled with the program (TONGDANG_DIVISIONS overrides the file).
  static const Divisions& bundled();
  // Loads a table from CSV with a header row: "code,name,level,parent" (the published table; every row gets
  // `vintage`) or "code,name,vintage". Rows of 6 (county), 9 (township) and 12 (village) digits are kept.
  static Divisions from_csv(std::string_view csv, std::string_view vintage = "");
  // The vintage of the bundled table (the year of its codes).
  static std::string_view bundled_vintage();

  const Province* province(std::string_view code2) const;
  const County* county(std::string_view code6) const;
  const Township* township(std::string_view code9) const;
  std::vector<Township> townships_of(std::string_view county6) const;
  const Village* village(std::string_view code12) const;
  // The villages of a township, by code.
  std::vector<const Village*> villages_of(std::string_view township9) const;
  // The village of `township9` that `written` names: the published name (大吴村委会) or the name people use
  // (大吴村, 大吴, 庄楼社区). A name that fits several villages is narrowed by 村/社区 when written; what is left
  // is ambiguous (candidates). An unknown name gives no village and the villages whose names share a character.
  VillageMatch find_village(std::string_view township9, std::string_view written) const;

 private:
  std::vector<County> counties_;
  std::vector<Township> townships_;
  std::vector<Village> villages_;
};

// The name of a division for a person to read: a county's (睢宁县), a township's (王集镇), or a village's short
// name (大吴村 for 大吴村委会, 大王集社区 for 大王集社区居委会). A code not in the table comes back as it is.
// The one function every list, file, report and page uses to show a division code.
std::string division_label(std::string_view code);
// A village's name as people say it: 村委会/村民委员会 → 村, 社区居委会/社区居民委员会 → 社区; others as published.
std::string village_short_name(std::string_view published);

// Validates a 9-digit township code: digits, a known province, the township range (001–099, 100–199, 200–299,
// 400–599). Unknown county or township codes produce warnings, not errors.
Result<std::vector<std::string>> check_township_code(std::string_view code, std::string_view field);

// Validates a 12-digit village code (township + 3): as above, plus the village range (001–399); a village not in
// the table of a known township warns (codes change between vintages).
Result<std::vector<std::string>> check_village_code(std::string_view code, std::string_view field);

std::optional<TownshipKind> township_kind(std::string_view code3);
std::optional<VillageKind> village_kind(std::string_view code3);

}  // namespace tongdang
