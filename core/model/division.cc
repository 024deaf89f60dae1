#include "core/model/division.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/base/i18n.h"
#include "core/base/tuning.h"

namespace tongdang {

// The bundled code table, embedded at build time from fixtures/divisions/jiangsu.csv (see CMakeLists.txt).
extern const char* const kBundledDivisionsCsv;
extern const char* const kBundledDivisionsVintage;

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

namespace {

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> cells;
  while (true) {
    auto comma = line.find(',');
    cells.push_back(line.substr(0, comma));
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return cells;
}

// The suffixes of published village names, longest first, with what people say instead ("" drops it). A stem
// (the name without any of them) is what two ways of writing one village share.
struct VillageSuffix {
  std::string_view published;
  std::string_view spoken;
};
constexpr std::array<VillageSuffix, 9> kVillageSuffixes = {{
    {"社区居民委员会", "社区"}, {"社区居委会", "社区"}, {"村民委员会", "村"}, {"居民委员会", ""}, {"村委会", "村"},
    {"居委会", ""}, {"委员会", ""}, {"社区", "社区"}, {"村", "村"},
}};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The name without its committee suffix: 大吴村委会, 大吴村 and 大吴 share the stem 大吴.
std::string_view village_stem(std::string_view name) {
  for (const auto& suffix : kVillageSuffixes)
    if (ends_with(name, suffix.published) && name.size() > suffix.published.size())
      return name.substr(0, name.size() - suffix.published.size());
  return name;
}

// What kind of committee a written name says it is, if it says: 村… a villagers', 社区/居… a residents'.
std::optional<VillageKind> written_kind(std::string_view name) {
  for (std::string_view s : {"村民委员会", "村委会", "村"})
    if (ends_with(name, s)) return VillageKind::VillagersCommittee;
  for (std::string_view s : {"社区居民委员会", "社区居委会", "居民委员会", "居委会", "社区"})
    if (ends_with(name, s)) return VillageKind::ResidentsCommittee;
  return std::nullopt;
}

// The UTF-8 characters of a text, for the "similar names" of an unknown village.
std::vector<std::string_view> characters(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string village_short_name(std::string_view published) {
  for (const auto& suffix : kVillageSuffixes)
    if (ends_with(published, suffix.published) && published.size() > suffix.published.size() && !suffix.spoken.empty()) {
      const std::string_view stem = published.substr(0, published.size() - suffix.published.size());
      // 高家库村村委会 is 高家库村, not 高家库村村.
      return ends_with(stem, suffix.spoken) ? std::string(stem) : std::string(stem) + std::string(suffix.spoken);
    }
  return std::string(published);
}

Divisions Divisions::from_csv(std::string_view csv, std::string_view vintage) {
  Divisions table;
  int name_at = 1, vintage_at = -1;  // column positions, from the header row
  bool header_seen = false;
  while (!csv.empty()) {
    auto end = csv.find('\n');
    std::string_view line = csv.substr(0, end);
    csv.remove_prefix(end == std::string_view::npos ? csv.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    auto cells = split_commas(line);
    if (!header_seen && !all_digits(cells[0])) {
      header_seen = true;
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (cells[i] == "name") name_at = static_cast<int>(i);
        if (cells[i] == "vintage") vintage_at = static_cast<int>(i);
      }
      continue;
    }
    const std::string_view code = cells[0];
    if (!all_digits(code) || static_cast<int>(cells.size()) <= name_at) continue;
    std::string name(cells[static_cast<std::size_t>(name_at)]);
    std::string row_vintage(vintage_at >= 0 && static_cast<int>(cells.size()) > vintage_at
                                ? cells[static_cast<std::size_t>(vintage_at)]
                                : vintage);
    if (code.size() == 6) {
      table.counties_.push_back({std::string(code), std::move(name)});
    } else if (code.size() == 9) {
      auto kind = township_kind(code.substr(6));
      table.townships_.push_back({std::string(code), std::move(name), kind.value_or(TownshipKind::Town), row_vintage});
    } else if (code.size() == 12) {
      auto kind = village_kind(code.substr(9));
      table.villages_.push_back(
          {std::string(code), std::move(name), kind.value_or(VillageKind::VillagersCommittee), row_vintage});
    }
  }
  auto by_code = [](const auto& a, const auto& b) { return a.code < b.code; };
  std::sort(table.counties_.begin(), table.counties_.end(), by_code);
  std::sort(table.townships_.begin(), table.townships_.end(), by_code);
  std::sort(table.villages_.begin(), table.villages_.end(), by_code);
  return table;
}

std::string_view Divisions::bundled_vintage() { return kBundledDivisionsVintage; }

const Divisions& Divisions::bundled() {
  static const Divisions table = [] {
    if (const char* path = std::getenv("TONGDANG_DIVISIONS"); path && *path) {
      std::ifstream file(path);
      std::stringstream text;
      text << file.rdbuf();
      if (file) return from_csv(text.str(), kBundledDivisionsVintage);
    }
    return from_csv(kBundledDivisionsCsv, kBundledDivisionsVintage);
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

const Village* Divisions::village(std::string_view code12) const {
  auto it = std::lower_bound(villages_.begin(), villages_.end(), code12,
                             [](const Village& v, std::string_view code) { return v.code < code; });
  return it != villages_.end() && it->code == code12 ? &*it : nullptr;
}

std::vector<const Village*> Divisions::villages_of(std::string_view township9) const {
  std::vector<const Village*> found;
  if (township9.size() != 9) return found;
  auto it = std::lower_bound(villages_.begin(), villages_.end(), township9,
                             [](const Village& v, std::string_view code) { return v.code < code; });
  for (; it != villages_.end() && std::string_view(it->code).substr(0, 9) == township9; ++it) found.push_back(&*it);
  return found;
}

VillageMatch Divisions::find_village(std::string_view township9, std::string_view written) const {
  VillageMatch match;
  const auto villages = villages_of(township9);
  for (const Village* v : villages)
    if (v->name == written) {  // the published name is never ambiguous within a township
      match.village = v;
      return match;
    }
  // 大吴村 is 大吴村委会's stem 大吴 with 村; but 高家库村 is itself the stem of 高家库村村委会: both are tried.
  const std::string_view stem = village_stem(written);
  for (const Village* v : villages)
    if (const std::string_view own = village_stem(v->name); own == stem || own == written) match.candidates.push_back(v);
  if (match.candidates.size() > 1)
    if (auto kind = written_kind(written)) {
      std::vector<const Village*> narrowed;
      for (const Village* v : match.candidates)
        if (v->kind == *kind) narrowed.push_back(v);
      if (!narrowed.empty()) match.candidates = std::move(narrowed);
    }
  if (match.candidates.size() == 1) {
    match.village = match.candidates.front();
    match.candidates.clear();
    return match;
  }
  if (!match.candidates.empty()) {
    match.ambiguous = true;
    return match;
  }
  // Unknown: the villages whose stems share a character with it, so a typo (大昊村) shows what was meant.
  const auto wanted = characters(stem);
  for (const Village* v : villages) {
    const auto have = characters(village_stem(v->name));
    if (std::any_of(wanted.begin(), wanted.end(),
                    [&](std::string_view c) { return std::find(have.begin(), have.end(), c) != have.end(); }))
      match.candidates.push_back(v);
    if (match.candidates.size() == tuning::kVillageCandidatesShown) break;
  }
  return match;
}

std::string division_label(std::string_view code) {
  const Divisions& table = Divisions::bundled();
  if (code.size() == 12)
    if (const Village* v = table.village(code)) return village_short_name(v->name);
  if (code.size() == 9)
    if (const Township* t = table.township(code)) return t->name;
  if (code.size() == 6)
    if (const County* c = table.county(code)) return c->name;
  return std::string(code);
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
  const Divisions& table = Divisions::bundled();
  // Only when the township is known and the table lists its villages: a village code retired or added since the
  // table's vintage is still accepted.
  if (township.value().empty() && !table.villages_of(code.substr(0, 9)).empty() && !table.village(code))
    township.value().push_back(i18n::trf("村(居)代码{}不在{}年代码表的{}中", "village code {} is not among {}'s villages in "
                                  "the {} code table", code, division_label(code.substr(0, 9)),
                                  Divisions::bundled_vintage()));
  return township;
}

}  // namespace tongdang
