#include "core/rules/instrument.h"

#include <algorithm>
#include <array>

#include "core/base/i18n.h"
#include "core/model/choices.h"

namespace tongdang {

using i18n::trf;
using nlohmann::json;

namespace {

// The value of a choice of the instrument as its key: what the answers name (the key, a label or a synonym, as
// the choices of `vocabulary` accept it). The choices are the instrument's shape, whatever points a county gives them.
Result<std::optional<std::string>> choice(const json& in, const char* key, Vocabulary vocabulary) {
  if (!in.contains(key) || in[key].is_null()) return std::optional<std::string>();
  const json& value = in[key];
  auto parsed = value.is_string() ? parse_choice(vocabulary, value.get<std::string>()) : std::nullopt;
  if (!parsed)
    return Status::invalid(key, not_a_choice(vocabulary, value.is_string() ? value.get<std::string>() : value.dump()));
  return std::optional<std::string>(std::string(*parsed));
}

Result<int> count(const json& in, const char* key, int max) {
  if (!in.contains(key) || in[key].is_null()) return 0;
  if (!in[key].is_number_integer() || in[key].get<long long>() < 0 || in[key].get<long long>() > max)
    return Status::invalid(key, trf("应为 0 到 {} 的整数", "must be a whole number from 0 to {}", max));
  return in[key].get<int>();
}

Result<bool> flag(const json& in, const char* key) {
  if (!in.contains(key) || in[key].is_null()) return false;
  if (!in[key].is_boolean()) return Status::invalid(key, i18n::tr("应为 true 或 false", "must be true or false"));
  return in[key].get<bool>();
}

int points_of(const std::map<std::string, int, std::less<>>& table, const std::optional<std::string>& value) {
  if (!value) return 0;
  auto it = table.find(*value);
  return it == table.end() ? 0 : it->second;
}

}  // namespace

// RedTrigger's values are in the order of Vocabulary::RedTrigger's choices (R1 first).
std::string_view to_string(RedTrigger trigger) {
  return choices(Vocabulary::RedTrigger)[static_cast<std::size_t>(trigger)].key;
}

std::optional<RedTrigger> parse_red_trigger(std::string_view text) {
  auto key = parse_choice(Vocabulary::RedTrigger, text);
  if (!key) return std::nullopt;
  const auto all = choices(Vocabulary::RedTrigger);
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].key == *key) return static_cast<RedTrigger>(i);
  return std::nullopt;
}

json Answers::to_json() const {
  json out = json::object();
  json t = json::array();
  for (auto trigger : triggers) t.push_back(std::string(to_string(trigger)));
  out["triggers"] = t;
  if (carer) out["carer"] = *carer;
  if (guardianship) out["guardianship"] = *guardianship;
  out["home_hazards"] = home_hazards;
  out["past_abuse_resolved"] = past_abuse_resolved;
  if (disability) out["disability"] = *disability;
  out["serious_illness"] = serious_illness;
  out["unmet_treatment"] = unmet_treatment;
  out["warning_signs"] = warning_signs;
  out["behaviour_problems"] = behaviour_problems;
  if (income) out["income"] = *income;
  if (school) out["school"] = *school;
  if (parent_contact_gap_months) out["parent_contact_gap_months"] = *parent_contact_gap_months;
  out["left_behind"] = left_behind;
  return out;
}

Result<Answers> parse_answers(const json& in) {
  if (!in.is_object()) return Status::invalid("answers", i18n::tr("应为 JSON 对象", "must be a JSON object"));
  static const std::array<std::string_view, 15> kKeys = {
      "triggers", "carer", "guardianship", "home_hazards", "past_abuse_resolved", "disability", "serious_illness",
      "unmet_treatment", "warning_signs", "behaviour_problems", "income", "school", "parent_contact_gap_months",
      "left_behind", "notes"};
  for (const auto& [key, value] : in.items())
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      return Status::invalid(key, i18n::tr("不是评估表中的项目", "is not an item of the assessment"));
  Answers a;
  if (in.contains("triggers") && !in["triggers"].is_null()) {
    if (!in["triggers"].is_array()) return Status::invalid("triggers", i18n::tr("应为数组，如 [\"R1\"]", "must be an array such as [\"R1\"]"));
    for (const auto& t : in["triggers"]) {
      auto trigger = t.is_string() ? parse_red_trigger(t.get<std::string>()) : std::nullopt;
      if (!trigger)
        return Status::invalid("triggers",
                               not_a_choice(Vocabulary::RedTrigger, t.is_string() ? t.get<std::string>() : t.dump()));
      if (std::find(a.triggers.begin(), a.triggers.end(), *trigger) == a.triggers.end()) a.triggers.push_back(*trigger);
    }
    std::sort(a.triggers.begin(), a.triggers.end());
  }
#define TONGDANG_TAKE(target, expr)        \
  {                                        \
    auto taken = (expr);                   \
    if (!taken) return taken.status();     \
    target = taken.value();                \
  }
  TONGDANG_TAKE(a.carer, choice(in, "carer", Vocabulary::Carer));
  TONGDANG_TAKE(a.guardianship, choice(in, "guardianship", Vocabulary::Guardianship));
  TONGDANG_TAKE(a.home_hazards, count(in, "home_hazards", 50));
  TONGDANG_TAKE(a.past_abuse_resolved, flag(in, "past_abuse_resolved"));
  TONGDANG_TAKE(a.disability, choice(in, "disability", Vocabulary::Disability));
  TONGDANG_TAKE(a.serious_illness, flag(in, "serious_illness"));
  TONGDANG_TAKE(a.unmet_treatment, flag(in, "unmet_treatment"));
  TONGDANG_TAKE(a.warning_signs, count(in, "warning_signs", 50));
  TONGDANG_TAKE(a.behaviour_problems, count(in, "behaviour_problems", 50));
  TONGDANG_TAKE(a.income, choice(in, "income", Vocabulary::Income));
  TONGDANG_TAKE(a.school, choice(in, "school", Vocabulary::School));
  TONGDANG_TAKE(a.left_behind, flag(in, "left_behind"));
#undef TONGDANG_TAKE
  if (in.contains("parent_contact_gap_months") && !in["parent_contact_gap_months"].is_null()) {
    auto months = count(in, "parent_contact_gap_months", 240);
    if (!months) return months.status();
    a.parent_contact_gap_months = months.value();
  }
  return a;
}

json Score::domains_json() const { return {{"G", g}, {"H", h}, {"B", b}, {"L", l}}; }

json Score::triggers_json() const {
  json out = json::array();
  for (auto t : triggers) out.push_back(std::string(to_string(t)));
  return out;
}

Colour colour_of_total(int total, const InstrumentPolicy& p) {
  if (total >= p.red_from) return Colour::Red;
  if (total >= p.yellow_from) return Colour::Yellow;
  if (total >= p.blue_from) return Colour::Blue;
  return Colour::Green;
}

Score score(const Answers& a, const Policy& policy) {
  const InstrumentPolicy& p = policy.instrument;
  auto cap = [&p](const char* domain, int points) { return std::min(points, p.caps.at(domain)); };
  Score s;
  s.policy_version = policy.version;
  s.triggers = a.triggers;

  int g = points_of(p.carer, a.carer) + points_of(p.guardianship, a.guardianship) +
          std::min(a.home_hazards * p.home_hazard_each, p.home_hazards_max) +
          (a.past_abuse_resolved ? p.past_abuse_resolved : 0);
  int h = points_of(p.disability, a.disability) + (a.serious_illness ? p.serious_illness : 0) +
          (a.unmet_treatment ? p.unmet_treatment : 0);
  int warning = a.warning_signs == 0 ? 0 : a.warning_signs >= p.warning_signs_many_from ? p.warning_signs_many
                                                                                         : p.warning_signs_few;
  int b = warning + std::min(a.behaviour_problems * p.behaviour_problem_each, p.behaviour_problems_max);
  int contact = 0;
  if (a.left_behind && a.parent_contact_gap_months) {
    int months = *a.parent_contact_gap_months;
    if (months > p.parent_contact_long_gap_over_months) contact = p.parent_contact_long_gap_points;
    else if (months >= p.parent_contact_gap_from_months) contact = p.parent_contact_gap_points;
  }
  int l = points_of(p.income, a.income) + points_of(p.school, a.school) + contact;

  s.g = cap("G", g);
  s.h = cap("H", h);
  s.b = cap("B", b);
  s.l = cap("L", l);
  s.total = s.g + s.h + s.b + s.l;
  s.colour = s.triggers.empty() ? colour_of_total(s.total, p) : Colour::Red;
  return s;
}

}  // namespace tongdang
