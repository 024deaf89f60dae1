#include "core/model/division.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/base/i18n.h"

namespace tongdang {

// The bundled code table, embedded at build time from fixtures/divisions/jiangsu.csv (see CMakeLists.txt).
extern const char* const kBundledDivisionsCsv;

namespace {

// Province-level codes of GB/T 2260 (a [rule] list that does not change between vintages).
const std::array<Province, 34> kProvinces = {{
    {"11", "北京市"},   {"12", "天津市"}, {"13", "河北省"},   {"14", "山西省"},   {"15", "内蒙古自治区"},
    {"21", "辽宁省"},   {"22", "吉林省"}, {"23", "黑龙江省"}, {"31", "上海市"},   {"32", "江苏省"},
    {"33", "浙江省"},   {"34", "安徽省"}, {"35", "福建省"},   {"36", "江西省"},   {"37", "山东省"},
    {"41", "河南省"},   {"42", "湖北省"}, {"43", "湖南省"},   {"44", "广东省"},   {"45", "广西壮族自治区"},
    {"46", "海南省"},   {"50", "重庆市"}, {"51", "四川省"},   {"52", "贵州省"},   {"53", "云南省"},
    {"54", "西藏自治区"}, {"61", "陕西省"}, {"62", "甘肃省"}, {"63", "青海省"},   {"64", "宁夏回族自治区"},
    {"65", "新疆维吾尔自治区"}, {"71", "台湾省"}, {"81", "香港特别行政区"}, {"82", "澳门特别行政区"},
}};

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view digits) { return std::atoi(std::string(digits).c_str()); }

}  // namespace

std::optional<TownshipKind> township_kind(std::string_view code3) {
  if (code3.size() != 3 || !all_digits(code3)) return std::nullopt;
  int n = to_int(code3);
  if (n >= 1 && n <= 99) return TownshipKind::StreetOffice;
  if (n >= 100 && n <= 199) return TownshipKind::Town;
  if (n >= 200 && n <= 299) return TownshipKind::Township;
  if (n >= 400 && n <= 599) return TownshipKind::FarmOrZone;
  return std::nullopt;
}

std::optional<VillageKind> village_kind(std::string_view code3) {
  if (code3.size() != 3 || !all_digits(code3)) return std::nullopt;
  int n = to_int(code3);
  if (n >= 1 && n <= 199) return VillageKind::ResidentsCommittee;
  if (n >= 200 && n <= 399) return VillageKind::VillagersCommittee;
  return std::nullopt;
}

Divisions Divisions::from_csv(std::string_view csv) {
  Divisions table;
  std::istringstream lines{std::string(csv)};
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto first = line.find(',');
    if (first == std::string::npos) continue;
    auto second = line.find(',', first + 1);
    std::string code = line.substr(0, first);
    std::string name = line.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
    std::string vintage = second == std::string::npos ? "" : line.substr(second + 1);
    if (!all_digits(code)) continue;  // the header row
    if (code.size() == 6) {
      table.counties_.push_back({code, name});
    } else if (code.size() == 9) {
      auto kind = township_kind(std::string_view(code).substr(6));
      table.townships_.push_back({code, name, kind.value_or(TownshipKind::Town), vintage});
    }
  }
  auto by_code = [](const auto& a, const auto& b) { return a.code < b.code; };
  std::sort(table.counties_.begin(), table.counties_.end(), by_code);
  std::sort(table.townships_.begin(), table.townships_.end(), by_code);
  return table;
}

const Divisions& Divisions::bundled() {
  static const Divisions table = [] {
    if (const char* path = std::getenv("TONGDANG_DIVISIONS"); path && *path) {
      std::ifstream file(path);
      std::stringstream text;
      text << file.rdbuf();
      if (file) return from_csv(text.str());
    }
    return from_csv(kBundledDivisionsCsv);
  }();
  return table;
}

const Province* Divisions::province(std::string_view code2) const {
  for (const auto& p : kProvinces)
    if (p.code == code2) return &p;
  return nullptr;
}

const County* Divisions::county(std::string_view code6) const {
  auto it = std::lower_bound(counties_.begin(), counties_.end(), code6,
                             [](const County& c, std::string_view code) { return c.code < code; });
  return it != counties_.end() && it->code == code6 ? &*it : nullptr;
}

const Township* Divisions::township(std::string_view code9) const {
  auto it = std::lower_bound(townships_.begin(), townships_.end(), code9,
                             [](const Township& t, std::string_view code) { return t.code < code; });
  return it != townships_.end() && it->code == code9 ? &*it : nullptr;
}

std::vector<Township> Divisions::townships_of(std::string_view county6) const {
  std::vector<Township> found;
  for (const auto& t : townships_)
    if (std::string_view(t.code).substr(0, 6) == county6) found.push_back(t);
  return found;
}

Result<std::vector<std::string>> check_township_code(std::string_view code, std::string_view field) {
  const std::string name(field);
  if (code.size() != 9 || !all_digits(code))
    return Status::invalid(name, i18n::trf("“{}”不是9位乡镇代码", "'{}' is not a 9-digit township code", code));
  const Divisions& table = Divisions::bundled();
  if (!table.province(code.substr(0, 2)))
    return Status::invalid(name, i18n::trf("未知的省级代码{}", "unknown province code {}", code.substr(0, 2)));
  if (!township_kind(code.substr(6, 3)))
    return Status::invalid(name, i18n::trf("乡镇段{}不在001–099、100–299、400–599范围内", "township part {} is outside 001–099, "
                                           "100–299, 400–599", code.substr(6, 3)));
  std::vector<std::string> warnings;
  if (!table.county(code.substr(0, 6)))
    warnings.push_back(i18n::trf("县级代码{}不在代码表中", "county code {} is not in the code table", code.substr(0, 6)));
  else if (!table.township(code))
    warnings.push_back(i18n::trf("乡镇代码{}不在代码表中", "township code {} is not in the code table", code));
  return warnings;
}

Result<std::vector<std::string>> check_village_code(std::string_view code, std::string_view field) {
  const std::string name(field);
  if (code.size() != 12 || !all_digits(code))
    return Status::invalid(name, i18n::trf("“{}”不是12位村(居)代码", "'{}' is not a 12-digit village code", code));
  auto township = check_township_code(code.substr(0, 9), field);
  if (!township) return township.status();
  if (!village_kind(code.substr(9, 3)))
    return Status::invalid(name, i18n::trf("村(居)段{}不在001–399范围内", "village part {} is outside 001–399", code.substr(9, 3)));
  return township;
}

}  // namespace tongdang
