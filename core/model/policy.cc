// Parsing and checking a county policy document (policy.h), storing it in meta, and working-day arithmetic.
#include "core/model/policy.h"

#include <mutex>

#include "core/base/i18n.h"
#include "core/model/choices.h"

namespace tongdang {

extern const char* const kDefaultPolicyJson;

using i18n::trf;
using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 4> kColourKeys = {"green", "blue", "yellow", "red"};

// Reads required keys of a policy document, remembering the first error with the key's full path.
class Reader {
 public:
  Status status = Status::ok();

  const json* object(const json& parent, std::string_view path, std::string_view key) {
    const json* node = find(parent, path, key);
    if (node && !node->is_object()) fail(join(path, key), "应为对象", "must be an object");
    return node && node->is_object() ? node : nullptr;
  }

  int integer(const json& parent, std::string_view path, std::string_view key, int min, int max) {
    const json* node = find(parent, path, key);
    if (!node) return 0;
    if (!node->is_number_integer()) {
      fail(join(path, key), "应为整数", "must be a whole number");
      return 0;
    }
    auto value = node->get<long long>();
    if (value < min || value > max) {
      if (status)
        status = Status::invalid("policy." + join(path, key),
                                 trf("{} 超出范围（应在 {} 到 {} 之间）", "{} is out of range ({} to {})", value, min, max));
      return 0;
    }
    return static_cast<int>(value);
  }

  // A table of named points; every name in `names` is required.
  std::map<std::string, int, std::less<>> points(const json& parent, std::string_view path, std::string_view key,
                                                 std::initializer_list<std::string_view> names, int max) {
    std::map<std::string, int, std::less<>> out;
    const json* table = object(parent, path, key);
    if (!table) return out;
    for (auto name : names) out[std::string(name)] = integer(*table, join(path, key), name, 0, max);
    return out;
  }
  // The points of each choice of an instrument's vocabulary (choices.h): every key is required.
  std::map<std::string, int, std::less<>> points(const json& parent, std::string_view path, std::string_view key,
                                                 Vocabulary vocabulary, int max) {
    std::map<std::string, int, std::less<>> out;
    const json* table = object(parent, path, key);
    if (!table) return out;
    for (const auto& choice : choices(vocabulary))
      out[std::string(choice.key)] = integer(*table, join(path, key), choice.key, 0, max);
    return out;
  }

  static std::string join(std::string_view path, std::string_view key) {
    return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
  }

  void fail(const std::string& key, const char* zh, const char* en) {
    if (status) status = Status::invalid("policy." + key, i18n::tr(zh, en));
  }

 private:
  const json* find(const json& parent, std::string_view path, std::string_view key) {
    auto it = parent.find(std::string(key));
    if (it == parent.end() || it->is_null()) {
      fail(join(path, key), "缺少此项", "is missing");
      return nullptr;
    }
    return &*it;
  }
};

constexpr int kMaxPoints = 100;
constexpr int kMaxDays = 3660;
constexpr int kMaxWorkingDays = 60;

}  // namespace

namespace {

// Each section below reads one top-level key of the document into `p`; a missing section or value is recorded in
// `r` (the first error wins), and reading goes on so that the sections are always read in the same order.

void read_screening(Reader& r, const json& document, Policy& p) {
  const json* s = r.object(document, "", "screening");
  if (!s) return;
  p.screening.verify_days = r.integer(*s, "screening", "verify_days", 1, 90);
  p.screening.verify_days_suspected_red = r.integer(*s, "screening", "verify_days_suspected_red", 0, 7);
  p.screening.review_working_days = r.integer(*s, "screening", "review_working_days", 0, kMaxWorkingDays);
  p.screening.confirm_working_days = r.integer(*s, "screening", "confirm_working_days", 0, kMaxWorkingDays);
  p.screening.review_days_red = r.integer(*s, "screening", "review_days_red", 0, 7);
  p.screening.confirm_days_red = r.integer(*s, "screening", "confirm_days_red", 0, 7);
}

void read_instrument_cutoffs(Reader& r, const json& instrument, InstrumentPolicy& i) {
  const json* c = r.object(instrument, "instrument", "cutoffs");
  if (!c) return;
  i.red_from = r.integer(*c, "instrument.cutoffs", "red", 1, kMaxPoints);
  i.yellow_from = r.integer(*c, "instrument.cutoffs", "yellow", 1, kMaxPoints);
  i.blue_from = r.integer(*c, "instrument.cutoffs", "blue", 1, kMaxPoints);
  if (r.status && !(i.blue_from < i.yellow_from && i.yellow_from < i.red_from))
    r.status = Status::invalid("policy.instrument.cutoffs",
                               i18n::tr("分界值须满足 blue < yellow < red", "must satisfy blue < yellow < red"));
}

void read_instrument(Reader& r, const json& document, Policy& p) {
  const json* in = r.object(document, "", "instrument");
  if (!in) return;
  InstrumentPolicy& i = p.instrument;
  const std::string path = "instrument";
  i.caps = r.points(*in, path, "caps", {"G", "H", "B", "L"}, kMaxPoints);
  read_instrument_cutoffs(r, *in, i);
  i.carer = r.points(*in, path, "carer", Vocabulary::Carer, kMaxPoints);
  i.guardianship = r.points(*in, path, "guardianship", Vocabulary::Guardianship, kMaxPoints);
  i.home_hazard_each = r.integer(*in, path, "home_hazard_each", 0, kMaxPoints);
  i.home_hazards_max = r.integer(*in, path, "home_hazards_max", 0, kMaxPoints);
  i.past_abuse_resolved = r.integer(*in, path, "past_abuse_resolved", 0, kMaxPoints);
  i.disability = r.points(*in, path, "disability", Vocabulary::Disability, kMaxPoints);
  i.serious_illness = r.integer(*in, path, "serious_illness", 0, kMaxPoints);
  i.unmet_treatment = r.integer(*in, path, "unmet_treatment", 0, kMaxPoints);
  i.warning_signs_few = r.integer(*in, path, "warning_signs_few", 0, kMaxPoints);
  i.warning_signs_many = r.integer(*in, path, "warning_signs_many", 0, kMaxPoints);
  i.warning_signs_many_from = r.integer(*in, path, "warning_signs_many_from", 2, 20);
  i.behaviour_problem_each = r.integer(*in, path, "behaviour_problem_each", 0, kMaxPoints);
  i.behaviour_problems_max = r.integer(*in, path, "behaviour_problems_max", 0, kMaxPoints);
  i.income = r.points(*in, path, "income", Vocabulary::Income, kMaxPoints);
  i.school = r.points(*in, path, "school", Vocabulary::School, kMaxPoints);
  i.parent_contact_gap_from_months = r.integer(*in, path, "parent_contact_gap_from_months", 1, 120);
  i.parent_contact_gap_points = r.integer(*in, path, "parent_contact_gap_points", 0, kMaxPoints);
  i.parent_contact_long_gap_over_months = r.integer(*in, path, "parent_contact_long_gap_over_months", 1, 240);
  i.parent_contact_long_gap_points = r.integer(*in, path, "parent_contact_long_gap_points", 0, kMaxPoints);
  if (r.status && i.parent_contact_long_gap_over_months < i.parent_contact_gap_from_months)
    r.status = Status::invalid("policy.instrument.parent_contact_long_gap_over_months",
                               i18n::tr("不能小于 parent_contact_gap_from_months",
                                        "must not be less than parent_contact_gap_from_months"));
}

// schedule.holidays: [{"name": …, "starts": "MM-DD"}, …]; reading stops at the first malformed item.
void read_holidays(Reader& r, const json& schedule, SchedulePolicy& out) {
  auto holidays = schedule.find("holidays");
  if (holidays == schedule.end() || !holidays->is_array()) {
    r.fail("schedule.holidays", "缺少此项（数组）", "is missing (an array)");
    return;
  }
  for (std::size_t h = 0; h < holidays->size(); ++h) {
    const json& item = (*holidays)[h];
    const std::string key = "schedule.holidays[" + std::to_string(h) + "]";
    std::string starts = item.is_object() ? item.value("starts", "") : "";
    auto date = Date::parse("2000-" + starts);  // a leap year, so 02-29 is accepted as a day of the year
    if (!item.is_object() || item.value("name", "").empty() || starts.size() != 5 || !date) {
      r.fail(key, "应为 {\"name\": …, \"starts\": \"MM-DD\"}", "must be {\"name\": …, \"starts\": \"MM-DD\"}");
      return;
    }
    out.holidays.push_back({item.value("name", ""), date->month(), date->day()});
  }
}

void read_schedule(Reader& r, const json& document, Policy& p) {
  const json* s = r.object(document, "", "schedule");
  if (!s) return;
  for (std::size_t c = 0; c < kColourKeys.size(); ++c) {
    const std::string path = "schedule." + std::string(kColourKeys[c]);
    const json* row = r.object(*s, "schedule", kColourKeys[c]);
    if (!row) break;
    ColourSchedule& cs = p.schedule.by_colour[c];
    cs.first_response_days = r.integer(*row, path, "first_response_days", 0, 30);
    cs.director_visit_days = r.integer(*row, path, "director_visit_days", 1, kMaxDays);
    cs.supervisor_visit_days = r.integer(*row, path, "supervisor_visit_days", 1, kMaxDays);
    cs.care_plan_working_days = r.integer(*row, path, "care_plan_working_days", 0, kMaxWorkingDays);
    cs.reassess_days = r.integer(*row, path, "reassess_days", 1, kMaxDays);
    cs.escalate_after_days = r.integer(*row, path, "escalate_after_days", 0, 365);
  }
  p.schedule.key_event_reassess_days = r.integer(*s, "schedule", "key_event_reassess_days", 0, 90);
  p.schedule.pre_holiday_window_days = r.integer(*s, "schedule", "pre_holiday_window_days", 1, 90);
  read_holidays(r, *s, p.schedule);
}

// care_minimum.<colour>.areas_any: care areas of the catalogue; reading stops at the first unknown one.
void read_care_areas(Reader& r, const json& row, const std::string& path, CareMinimum& cm) {
  auto areas = row.find("areas_any");
  if (areas == row.end() || !areas->is_array()) {
    r.fail(path + ".areas_any", "缺少此项（数组）", "is missing (an array)");
    return;
  }
  for (const auto& area : *areas) {
    static const std::array<std::string_view, 10> kAreas = {"LIVING", "MEDICAL", "REHAB", "EDUCATION",
                                                            "GUARDIANSHIP", "PSYCH", "SAFETY", "LEGAL",
                                                            "FAMILY_CONTACT", "SOCIAL"};
    if (!area.is_string() || std::find(kAreas.begin(), kAreas.end(), area.get<std::string>()) == kAreas.end()) {
      r.fail(path + ".areas_any", "含有未知的关爱领域", "holds an unknown care area");
      return;
    }
    cm.areas_any.push_back(area);
  }
}

void read_care_minimum(Reader& r, const json& document, Policy& p) {
  const json* m = r.object(document, "", "care_minimum");
  if (!m) return;
  for (std::size_t c = 0; c < kColourKeys.size(); ++c) {
    const std::string path = "care_minimum." + std::string(kColourKeys[c]);
    const json* row = r.object(*m, "care_minimum", kColourKeys[c]);
    if (!row) break;
    CareMinimum& cm = p.care_minimum[c];
    cm.measures = r.integer(*row, path, "measures", 0, 20);
    read_care_areas(r, *row, path, cm);
    auto worker = row->find("case_worker");
    if (worker == row->end() || !worker->is_boolean())
      r.fail(path + ".case_worker", "缺少此项（true/false）", "is missing (true or false)");
    else
      cm.case_worker = worker->get<bool>();
  }
}

}  // namespace

Result<Policy> parse_policy(const json& document) {
  if (!document.is_object()) return Status::invalid("policy", i18n::tr("应为 JSON 对象", "must be a JSON object"));
  Reader r;
  Policy p;
  p.document = document;
  if (!document.contains("version") || !document["version"].is_string() ||
      document["version"].get<std::string>().empty())
    return Status::invalid("policy.version", i18n::tr("缺少政策版本号（非空字符串）", "is missing (a non-empty string)"));
  p.version = document["version"];
  read_screening(r, document, p);
  read_instrument(r, document, p);
  read_schedule(r, document, p);
  read_care_minimum(r, document, p);
  if (!r.status) return r.status;
  return p;
}

Result<Policy> parse_policy_text(std::string_view text) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    return Status::invalid("policy", i18n::tr("不是有效的 JSON", "is not valid JSON"));
  return parse_policy(document);
}

const Policy& default_policy() {
  static const Policy policy = [] {
    auto parsed = parse_policy_text(kDefaultPolicyJson);
    if (!parsed) throw std::logic_error("the bundled default policy is invalid: " + parsed.status().to_string());
    return parsed.value();
  }();
  return policy;
}

const Policy& stored_policy(db::Database& db) {
  // One parsed copy per distinct stored document: projections call this for every event.
  static std::mutex mutex;
  static std::map<std::string, Policy, std::less<>> parsed;
  auto query = db.cached("SELECT value FROM meta WHERE key = 'policy'");
  if (!query->step()) return default_policy();
  std::string text = query->get_text(0);
  std::lock_guard lock(mutex);
  auto it = parsed.find(text);
  if (it != parsed.end()) return it->second;
  auto policy = parse_policy_text(text);
  if (!policy) return default_policy();  // never stored unchecked; a damaged row falls back to the default
  return parsed.emplace(text, policy.value()).first->second;
}

void store_policy(db::Database& db, const Policy& policy) {
  auto upsert = db.cached(
      "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  upsert->bind(1, "policy").bind(2, policy.document.dump()).run();
  upsert->reset();
  upsert->bind(1, "policy_version").bind(2, policy.version).run();
}

Date add_working_days(Date from, int working_days) {
  Date day = from;
  int left = working_days;
  while (left > 0) {
    day = day.plus_days(1);
    // 1970-01-01 was a Thursday: weekday index 0 = Monday.
    auto weekday = ((day.days_since_epoch() % 7) + 7 + 3) % 7;
    if (weekday < 5) --left;
  }
  return day;
}

}  // namespace tongdang
