// The 3+4+N workflow commands, one file per concern: policy (policy_commands.cc), leads and screening
// (screening_commands.cc), assessment and colour (colour_commands.cc), visits and the work list
// (visit_commands.cc), care measures and the case worker (care_commands.cc). This header is what those files share:
// typed options read into core values, the instrument's answers, and the cells and paragraphs they print.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "context.h"
#include "core/base/date.h"
#include "core/model/policy.h"
#include "core/workflow/care.h"
#include "core/workflow/workflow.h"

namespace tongdang::cli {

// Each group registers its subcommands, in the order `tongdang --help` lists them.
void register_policy_commands(CLI::App& app, Context& context);     // policy show|set
void register_screening_commands(CLI::App& app, Context& context);  // lead add, screen verify|review|confirm|pending
void register_colour_commands(CLI::App& app, Context& context);     // assess, colour raise|lower|history|resolve
void register_visit_commands(CLI::App& app, Context& context);      // visit add, due
void register_care_commands(CLI::App& app, Context& context);       // care add|update|list|catalogue, case-worker

// ---- options read into core values (a bad one fails the command) ----

// The whole content of a file named by an option (`field` names the option in the error).
std::string read_option_file(const std::string& path, const char* field);
// A county policy file, checked.
Policy load_policy_file(const std::string& path);
// A date option; nullopt when it was not given.
std::optional<Date> date_option(const std::string& text, const char* field);
// The colour named by --to or --colour.
Colour colour_option(const std::string& text);

// The answers of an assessment: a JSON file, then any flags on top.
struct AnswerInput {
  std::string file;
  std::vector<std::string> triggers;
  std::string carer, guardianship, disability, income, school;
  int home_hazards = -1, warning_signs = -1, behaviour_problems = -1, parent_contact_gap_months = -1;
  bool past_abuse_resolved = false, serious_illness = false, unmet_treatment = false;

  // Whether any answer was given.
  bool given() const;
  // The answers, checked by the instrument (fails the command otherwise).
  Answers parse() const;
};
// The options of the instrument (--answers, --trigger, --carer …), filling `answers`.
void add_answer_options(CLI::App* command, const std::shared_ptr<AnswerInput>& answers);

// ---- what the workflow commands print ----

// A colour's label, or "ungraded".
std::string colour_text(const std::optional<Colour>& colour);
std::string colour_text(const nlohmann::json& colour);
// A JSON value as a table cell: a string as is, null as empty, anything else as JSON.
std::string cell_text(const nlohmann::json& value);
// Lists show the random tail of an id (record_ref.h); a unique prefix or suffix is accepted wherever one is typed.
std::string short_id(const std::string& id);
// A care area's name in the reader's language.
std::string care_area_name(const CareArea& area);
// The score, its domains and triggers, and whether the colour changed.
void print_assessment(const AssessmentResult& result);

}  // namespace tongdang::cli
