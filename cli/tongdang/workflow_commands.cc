// The 3+4+N workflow commands: policy, lead, screen, assess, colour, visit, due, care, case-worker. Thin: parse,
// call core (workflow.h, screening.h, care.h), print in Chinese first or as --json. Each concern has its file
// (workflow_commands.h); this one registers them in order and holds what they share.
#include "workflow_commands.h"

#include <fstream>
#include <sstream>

#include "command_line.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/store/record_ref.h"

namespace tongdang::cli {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

void register_workflow_commands(CLI::App& app, Context& context) {
  register_policy_commands(app, context);
  register_screening_commands(app, context);
  register_colour_commands(app, context);
  register_visit_commands(app, context);
  register_care_commands(app, context);
}

std::string read_option_file(const std::string& path, const char* field) {
  std::ifstream in(path);
  if (!in) throw CommandFailed{Status::invalid(field, trf("无法读取文件 {}", "cannot read the file {}", path))};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Policy load_policy_file(const std::string& path) {
  auto policy = parse_policy_text(read_option_file(path, "policy"));
  if (!policy) throw CommandFailed{policy.status()};
  return policy.value();
}

std::optional<Date> date_option(const std::string& text, const char* field) {
  if (text.empty()) return std::nullopt;
  auto date = Date::parse(text);
  if (!date) throw CommandFailed{Status::invalid(field, tr("应为 YYYY-MM-DD 格式的日期", "must be a date YYYY-MM-DD"))};
  return date;
}

Colour colour_option(const std::string& text) {
  auto colour = parse_colour(text);
  if (!colour) throw CommandFailed{Status::invalid("colour", not_a_choice(Vocabulary::Colour, text))};
  return *colour;
}

std::string colour_text(const std::optional<Colour>& colour) {
  return colour ? label(to_string(*colour)) : label("ungraded");
}

std::string colour_text(const json& colour) {
  return colour.is_string() ? label(colour.get<std::string>()) : label("ungraded");
}
std::string cell_text(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
}

std::string short_id(const std::string& id) {
  return short_record_id(id);
}

std::string care_area_name(const CareArea& area) {
  return std::string(i18n::language() == i18n::Lang::Zh ? area.zh : area.en);
}

bool AnswerInput::given() const {
  return !file.empty() || !triggers.empty() || !carer.empty() || !guardianship.empty() || !disability.empty() ||
         !income.empty() || !school.empty() || home_hazards >= 0 || warning_signs >= 0 || behaviour_problems >= 0 ||
         parent_contact_gap_months >= 0 || past_abuse_resolved || serious_illness || unmet_treatment;
}

Answers AnswerInput::parse() const {
  json in = json::object();
  if (!file.empty()) {
    in = json::parse(read_option_file(file, "answers"), nullptr, false);
    if (in.is_discarded()) throw CommandFailed{Status::invalid("answers", tr("不是有效的 JSON", "is not valid JSON"))};
  }
  if (!triggers.empty()) in["triggers"] = triggers;
  for (auto [key, value] : {std::pair{"carer", &carer},
                            {"guardianship", &guardianship},
                            {"disability", &disability},
                            {"income", &income},
                            {"school", &school}})
    if (!value->empty()) in[key] = *value;
  for (auto [key, value] : {std::pair{"home_hazards", home_hazards},
                            {"warning_signs", warning_signs},
                            {"behaviour_problems", behaviour_problems},
                            {"parent_contact_gap_months", parent_contact_gap_months}})
    if (value >= 0) in[key] = value;
  if (past_abuse_resolved) in["past_abuse_resolved"] = true;
  if (serious_illness) in["serious_illness"] = true;
  if (unmet_treatment) in["unmet_treatment"] = true;
  auto answers = parse_answers(in);
  if (!answers) throw CommandFailed{answers.status()};
  return answers.value();
}

void add_answer_options(CLI::App* command, const std::shared_ptr<AnswerInput>& a) {
  command->add_option(
      "--answers", a->file,
      tr("评估答案 JSON 文件（见 docs/workflow.md 评估表）", "answers JSON file (docs/workflow.md: the instrument)"));
  choice_option(
      command->add_option("--trigger", a->triggers, tr("红色触发项 R1–R5，可重复", "red trigger R1–R5, repeatable")),
      Vocabulary::RedTrigger);
  choice_option(command->add_option("--carer", a->carer, tr("照料情况", "who looks after the child")),
                Vocabulary::Carer);
  choice_option(command->add_option("--guardianship", a->guardianship, tr("监护评价", "guardianship rating")),
                Vocabulary::Guardianship);
  command->add_option("--home-hazards", a->home_hazards, tr("家中安全隐患项数", "number of home hazards"));
  command->add_flag("--past-abuse-resolved", a->past_abuse_resolved,
                    tr("近 12 个月曾受虐待或忽视，已解决", "abuse or neglect in the last 12 months, resolved"));
  choice_option(command->add_option("--disability", a->disability, tr("残疾情况", "disability")),
                Vocabulary::Disability);
  command->add_flag("--serious-illness", a->serious_illness, tr("患重病", "serious illness"));
  command->add_flag("--unmet-treatment", a->unmet_treatment,
                    tr("治疗或康复需求未满足", "unmet treatment or rehabilitation need"));
  command->add_option("--warning-signs", a->warning_signs, tr("预警信号个数", "number of warning signs"));
  command->add_option("--behaviour-problems", a->behaviour_problems,
                      tr("行为问题项数", "number of behaviour problems"));
  choice_option(command->add_option("--income", a->income, tr("家庭收入", "household income")), Vocabulary::Income);
  choice_option(command->add_option("--school", a->school, tr("上学情况", "school attendance")), Vocabulary::School);
  command->add_option("--parent-contact-gap-months", a->parent_contact_gap_months,
                      tr("仅留守儿童：距最近一次与父母见面的月数",
                         "left-behind: months since last face-to-face contact with a parent"));
}

void print_assessment(const AssessmentResult& r) {
  std::string triggers;
  for (auto t : r.score.triggers) triggers += (triggers.empty() ? "" : "、") + std::string(to_string(t));
  std::cout << trf(
      "评估得分 {}（监护与安全 G {}，健康与残疾 H {}，心理行为 B {}，生活/上学/亲情 L {}）；红色触发项：{}；"
      "评估等级：{}\n",
      "score {} (G guardianship {}, H health {}, B behaviour {}, L livelihood {}); red triggers: {}; "
      "assessed colour: {}\n",
      r.score.total, r.score.g, r.score.h, r.score.b, r.score.l, triggers.empty() ? label("none") : triggers,
      label(to_string(r.score.colour)));
  if (r.applied)
    std::cout << trf("当前等级：{}（已生效；原为{}）\n", "current colour: {} (applied; was {})\n",
                     colour_text(r.colour), colour_text(r.previous_colour));
  else
    std::cout << trf("当前等级仍为{}：降级未生效，已提交督导员/县级复核\n",
                     "the colour stays {}: the lowering did not apply and waits for review\n", colour_text(r.colour));
}

}  // namespace tongdang::cli
