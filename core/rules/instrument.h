// The assessment instrument of docs/domain.md "The instrument": hard red triggers R1–R5, points in four capped domains
// (G guardianship and safety, H health and disability, B psycho-behavioural, L livelihood, school and contact), and the
// colour from the total. Pure: the same answers and policy give the same result on a station and on the server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/status.h"
#include "core/model/model.h"
#include "core/model/policy.h"

namespace tongdang {

// The hard red triggers (docs/domain.md "The instrument").
enum class RedTrigger {
  Abuse,           // R1 abuse, sexual abuse, violence, trafficking, illegal employment
  NoCarer,         // R2 no actual carer
  Missing,         // R3 missing, run away, begging
  NoLivelihood,    // R4 no means of living, or an urgent medical need untreated
  SelfHarm,        // R5 self-harm, suicide attempt or intent
};
std::string_view to_string(RedTrigger trigger);  // "R1" … "R5"
std::optional<RedTrigger> parse_red_trigger(std::string_view text);

// The answers of one assessment, as in the JSON shape. Absent factors score 0.
struct Answers {
  std::vector<RedTrigger> triggers;
  std::optional<std::string> carer;         // both_parents | one_parent_away | both_away_capable_relative |
                                            // carer_elderly_ill_disabled | no_stable_carer
  std::optional<std::string> guardianship;  // good | fair | poor
  int home_hazards = 0;
  bool past_abuse_resolved = false;
  std::optional<std::string> disability;    // none | moderate | severe
  bool serious_illness = false;
  bool unmet_treatment = false;
  int warning_signs = 0;
  int behaviour_problems = 0;
  std::optional<std::string> income;        // above_2x | between_1x_2x | below_1x_or_dibao
  std::optional<std::string> school;        // normal | chronic_absence | dropout
  std::optional<int> parent_contact_gap_months;  // scored for left-behind children only
  bool left_behind = false;                 // set from the child's categories, not from the answers file

  nlohmann::json to_json() const;
};

// Parses answers in the documented shape; unknown keys and bad values are refused, naming the key.
Result<Answers> parse_answers(const nlohmann::json& json);

struct Score {
  int total = 0;
  int g = 0, h = 0, b = 0, l = 0;        // each domain after its cap
  std::vector<RedTrigger> triggers;
  Colour colour = Colour::Green;
  std::string policy_version;

  nlohmann::json domains_json() const;   // {"G": …, "H": …, "B": …, "L": …}
  nlohmann::json triggers_json() const;  // ["R1", …]
};

// The colour of a total with no trigger: ≥ red cut-off red, ≥ yellow yellow, ≥ blue blue, else green.
Colour colour_of_total(int total, const InstrumentPolicy& policy);

// Scores `answers` under `policy`. Pure.
Score score(const Answers& answers, const Policy& policy);

}  // namespace tongdang
