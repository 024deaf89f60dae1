// The 3+4+N workflow commands: policy, lead, screen, assess, colour, visit, due, care, case-worker. Thin: parse,
// call core (workflow.h, screening.h, care.h), print in Chinese first or as --json.
#include <fstream>
#include <sstream>

#include "context.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/base/tuning.h"
#include "core/store/record_ref.h"
#include "core/workflow/care.h"
#include "core/workflow/children.h"
#include "core/workflow/screening.h"
#include "core/workflow/workflow.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

std::string read_file(const std::string& path, const char* field) {
  std::ifstream in(path);
  if (!in)
    throw CommandFailed{Status::invalid(field, trf("无法读取文件 {}", "cannot read the file {}", path))};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Policy load_policy_file(const std::string& path) {
  auto policy = parse_policy_text(read_file(path, "policy"));
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
  if (!colour)
    throw CommandFailed{Status::invalid("to", tr("应为 red（红）、yellow（黄）、blue（蓝）或 green（绿）",
                                                 "must be red, yellow, blue or green"))};
  return *colour;
}

std::string colour_text(const std::optional<Colour>& colour) {
  return colour ? label(to_string(*colour)) : label("ungraded");
}
std::string colour_text(const json& colour) {
  return colour.is_string() ? label(colour.get<std::string>()) : label("ungraded");
}
std::string text(const json& value) { return value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump(); }
// Lists show the random tail of an id (record_ref.h); a unique prefix or suffix is accepted wherever one is typed.
std::string short_id(const std::string& id) { return short_record_id(id); }

// "measure,GUARDIANSHIP|SAFETY,case_worker" → "至少一项措施、监护或安全、个案负责人".
std::string detail_text(const std::string& detail) {
  std::string out;
  std::stringstream parts(detail);
  std::string part;
  while (std::getline(parts, part, ',')) {
    std::string shown;
    std::stringstream alternatives(part);
    std::string alternative;
    while (std::getline(alternatives, alternative, '|')) {
      const CareArea* area = find_care_area(alternative);
      std::string name = area ? std::string(i18n::language() == i18n::Lang::Zh ? area->zh : area->en) : label(alternative);
      shown += (shown.empty() ? "" : tr("或", " or ")) + name;
    }
    out += (out.empty() ? "" : tr("、", ", ")) + shown;
  }
  return out;
}

// The answers of an assessment: a JSON file, then any flags on top.
struct AnswerInput {
  std::string file;
  std::vector<std::string> triggers;
  std::string carer, guardianship, disability, income, school;
  int home_hazards = -1, warning_signs = -1, behaviour_problems = -1, parent_contact_gap_months = -1;
  bool past_abuse_resolved = false, serious_illness = false, unmet_treatment = false;

  bool given() const {
    return !file.empty() || !triggers.empty() || !carer.empty() || !guardianship.empty() || !disability.empty() ||
           !income.empty() || !school.empty() || home_hazards >= 0 || warning_signs >= 0 || behaviour_problems >= 0 ||
           parent_contact_gap_months >= 0 || past_abuse_resolved || serious_illness || unmet_treatment;
  }

  Answers parse() const {
    json in = json::object();
    if (!file.empty()) {
      in = json::parse(read_file(file, "answers"), nullptr, false);
      if (in.is_discarded()) throw CommandFailed{Status::invalid("answers", tr("不是有效的 JSON", "is not valid JSON"))};
    }
    if (!triggers.empty()) in["triggers"] = triggers;
    for (auto [key, value] : {std::pair{"carer", &carer}, {"guardianship", &guardianship}, {"disability", &disability},
                              {"income", &income}, {"school", &school}})
      if (!value->empty()) in[key] = *value;
    for (auto [key, value] : {std::pair{"home_hazards", home_hazards}, {"warning_signs", warning_signs},
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
};

void add_answer_options(CLI::App* command, const std::shared_ptr<AnswerInput>& a) {
  command->add_option("--answers", a->file, "answers JSON file (docs/workflow.md: the instrument)");
  command->add_option("--trigger", a->triggers, "red trigger R1–R5, repeatable");
  command->add_option("--carer", a->carer, "both_parents|one_parent_away|both_away_capable_relative|"
                                           "carer_elderly_ill_disabled|no_stable_carer");
  command->add_option("--guardianship", a->guardianship, "good|fair|poor");
  command->add_option("--home-hazards", a->home_hazards, "number of home hazards");
  command->add_flag("--past-abuse-resolved", a->past_abuse_resolved, "abuse or neglect in the last 12 months, resolved");
  command->add_option("--disability", a->disability, "none|moderate|severe");
  command->add_flag("--serious-illness", a->serious_illness, "serious illness");
  command->add_flag("--unmet-treatment", a->unmet_treatment, "unmet treatment or rehabilitation need");
  command->add_option("--warning-signs", a->warning_signs, "number of warning signs");
  command->add_option("--behaviour-problems", a->behaviour_problems, "number of behaviour problems");
  command->add_option("--income", a->income, "above_2x|between_1x_2x|below_1x_or_dibao");
  command->add_option("--school", a->school, "normal|chronic_absence|dropout");
  command->add_option("--parent-contact-gap-months", a->parent_contact_gap_months,
                      "left-behind: months since last face-to-face contact with a parent");
}

void print_assessment(const AssessmentResult& r) {
  std::string triggers;
  for (auto t : r.score.triggers) triggers += (triggers.empty() ? "" : "、") + std::string(to_string(t));
  std::cout << trf("评估得分 {}（监护与安全 G {}，健康与残疾 H {}，心理行为 B {}，生活/上学/亲情 L {}）；红色触发项：{}；"
                   "评估等级：{}\n",
                   "score {} (G guardianship {}, H health {}, B behaviour {}, L livelihood {}); red triggers: {}; "
                   "assessed colour: {}\n",
                   r.score.total, r.score.g, r.score.h, r.score.b, r.score.l, triggers.empty() ? label("none") : triggers,
                   label(to_string(r.score.colour)));
  if (r.applied)
    std::cout << trf("当前等级：{}（已生效；原为{}）\n", "current colour: {} (applied; was {})\n", colour_text(r.colour),
                     colour_text(r.previous_colour));
  else
    std::cout << trf("当前等级仍为{}：降级未生效，已提交督导员/县级复核\n",
                     "the colour stays {}: the lowering did not apply and waits for review\n", colour_text(r.colour));
}

}  // namespace

void Context::before_init() {
  // Refuse a bad policy before init creates anything, so a refused init leaves no file behind.
  if (!policy_file_for_init.empty()) (void)load_policy_file(policy_file_for_init);
}

void Context::after_init() {
  const Policy policy = policy_file_for_init.empty() ? default_policy() : load_policy_file(policy_file_for_init);
  check(station->write([&](WriteContext& w) {
    store_policy(w.db(), policy);
    w.audit("policy.set", "policy", policy.version, nlohmann::json(), nlohmann::json{{"version", policy.version}});
    return Status::ok();
  }));
}

void register_workflow_commands(CLI::App& app, Context& context) {
  // ---- policy ----
  auto* policy = app.add_subcommand("policy", "county policy (县级政策参数)");
  policy->require_subcommand(1);
  auto* policy_show = policy->add_subcommand("show", "show the policy in force");
  policy_show->callback([&context] {
    Station& station = context.open();
    const Policy& p = stored_policy(station.db());
    if (context.json) {
      context.print_json(p.document);
      return;
    }
    std::cout << trf("县级政策版本：{}\n", "county policy version: {}\n", p.version);
    std::vector<std::vector<std::string>> rows;
    for (Colour c : all_colours_high_first()) {
      const ColourSchedule& s = p.schedule[c];
      rows.push_back({label(to_string(c)), s.first_response_days ? std::to_string(s.first_response_days) : "-",
                      std::to_string(s.director_visit_days), std::to_string(s.supervisor_visit_days),
                      std::to_string(s.reassess_days), std::to_string(s.escalate_after_days)});
    }
    print_table(std::cout,
                {label("colour"), tr("首次响应(天)", "first response (days)"), tr("入户走访(天)", "home visit (days)"),
                 tr("督导走访(天)", "supervisor (days)"), tr("重新评估(天)", "reassess (days)"),
                 tr("逾期上报(天)", "escalate after (days)")},
                rows);
    std::cout << trf("分界：红 ≥{}，黄 ≥{}，蓝 ≥{}，其余绿；排查时限：核查 {} 天（疑似红色 {} 天），乡镇审核 {} 个工作日，"
                     "县级认定 {} 个工作日\n",
                     "cut-offs: red ≥{}, yellow ≥{}, blue ≥{}, else green; screening: verify {} days ({} if red is "
                     "suspected), review {} working days, confirm {} working days\n",
                     p.instrument.red_from, p.instrument.yellow_from, p.instrument.blue_from, p.screening.verify_days,
                     p.screening.verify_days_suspected_red, p.screening.review_working_days,
                     p.screening.confirm_working_days);
  });
  auto* policy_set = policy->add_subcommand("set", "load a county policy file (supervisor or county)");
  auto policy_path = std::make_shared<std::string>();
  policy_set->add_option("file", *policy_path, "policy JSON")->required();
  policy_set->callback([&context, policy_path] {
    Station& station = context.open();
    Policy p = load_policy_file(*policy_path);
    context.check(set_station_policy(station, p));
    if (context.json) context.print_json({{"version", p.version}});
    else std::cout << trf("已启用县级政策 {}\n", "county policy {} is now in force\n", p.version);
  });

  // ---- lead ----
  auto* lead = app.add_subcommand("lead", "leads, step 1 of screening (摸排线索)");
  lead->require_subcommand(1);
  auto* lead_add = lead->add_subcommand("add", "record a lead (登记线索)");
  auto new_lead = std::make_shared<NewLead>();
  auto lead_date = std::make_shared<std::string>();
  lead_add->add_option("--village", new_lead->village, "12-digit village code")->required();
  lead_add->add_option("--reporter", new_lead->reporter, "who reported it");
  lead_add->add_option("--source", new_lead->source, "director|grid|school|hospital|police|hotline|data|other");
  lead_add->add_option("--seen", new_lead->seen, "what was seen")->required();
  lead_add->add_flag("--suspected-red", new_lead->suspected_red, "a red trigger is suspected (24-hour verification)");
  lead_add->add_option("--date", *lead_date, "date discovered (default today)");
  lead_add->callback([&context, new_lead, lead_date] {
    Station& station = context.open();
    new_lead->on = date_option(*lead_date, "date");
    auto id = context.take(add_lead(station, *new_lead));
    if (context.json) context.print_json({{"lead_id", id}});
    else std::cout << id << "\n";
  });

  // ---- screen ----
  auto* screen = app.add_subcommand("screen", "three-step screening (三步排查)");
  screen->require_subcommand(1);

  auto* verify = screen->add_subcommand("verify", "step 2: home verification (入户核查)");
  auto verification = std::make_shared<Verification>();
  auto verify_answers = std::make_shared<AnswerInput>();
  auto verify_date = std::make_shared<std::string>();
  auto verify_child = std::make_shared<std::string>();
  auto verify_not_eligible = std::make_shared<std::string>();
  auto verify_duplicate = std::make_shared<std::string>();
  verify->add_option("lead", verification->lead_ref, "lead id (or a unique prefix)")->required();
  verify->add_option("--child", *verify_child, "attach to this existing child file");
  for (const char* field : {"name", "id_number", "village", "sex", "birth_date", "phone", "current_address"}) {
    std::string flag = std::string("--") + field;
    std::replace(flag.begin(), flag.end(), '_', '-');
    std::string name = field;
    verify->add_option_function<std::string>(
        flag, [verification, name](const std::string& v) { verification->new_child.fields[name] = v; }, label(name));
  }
  verify->add_option_function<std::string>(
      "--hukou", [verification](const std::string& v) { verification->new_child.fields["hukou_status"] = v; },
      "registered (default) or unregistered");
  verify->add_option("--category", verification->new_child.categories, "category of the new file, repeatable");
  add_answer_options(verify, verify_answers);
  verify->add_option("--not-eligible", *verify_not_eligible, "close the lead as not eligible, with this reason");
  verify->add_option("--duplicate", *verify_duplicate, "close the lead as a duplicate of this child");
  verify->add_option("--reason", verification->reason, "reason (duplicate)");
  verify->add_option("--notes", verification->notes, "notes of the visit");
  verify->add_option("--date", *verify_date, "date of the verification (default today)");
  verify->callback([&context, verification, verify_answers, verify_date, verify_child, verify_not_eligible,
                    verify_duplicate] {
    Station& station = context.open();
    Verification v = *verification;
    v.on = date_option(*verify_date, "date");
    if (!verify_child->empty()) v.child_ref = *verify_child;
    if (!verify_not_eligible->empty()) v.not_eligible = *verify_not_eligible;
    if (!verify_duplicate->empty()) v.duplicate_of = *verify_duplicate;
    if (verify_answers->given()) v.answers = verify_answers->parse();
    auto done = context.take(verify_lead(station, v));
    for (const auto& w : done.warnings) context.warn(w);
    if (context.json) {
      json out = {{"lead_id", done.lead_id}, {"state", done.state}, {"created", done.created},
                  {"attached", done.attached}, {"child_id", done.child_id ? json(*done.child_id) : json(nullptr)}};
      if (done.assessment) out["assessment"] = done.assessment->to_json();
      context.print_json(out);
      return;
    }
    if (done.state != "verified") {
      std::cout << trf("线索已关闭：{}\n", "lead closed: {}\n", label(done.state));
      return;
    }
    std::cout << (done.created ? trf("已建档 {}\n", "file created {}\n", *done.child_id)
                               : trf("线索并入档案 {}\n", "lead attached to file {}\n", *done.child_id));
    if (done.assessment) print_assessment(*done.assessment);
  });

  auto* review = screen->add_subcommand("review", "step 3: township review (乡镇审核; supervisor)");
  auto review_child = std::make_shared<std::string>();
  auto review_approve = std::make_shared<bool>(false);
  auto review_return = std::make_shared<std::string>();
  review->add_option("child", *review_child, "the child")->required();
  auto* approve_flag = review->add_flag("--approve", *review_approve, "approve");
  auto* return_option = review->add_option("--return", *review_return, "return to the director with this reason");
  approve_flag->excludes(return_option);
  review->callback([&context, review_child, review_approve, review_return] {
    Station& station = context.open();
    if (!*review_approve && review_return->empty())
      context.check(Status::invalid("approve", tr("须选择 --approve 或 --return 原因", "give --approve or --return REASON")));
    context.check(review_screening(station, *review_child, *review_approve, *review_return));
    if (context.json) context.print_json({{"approved", *review_approve}});
    else std::cout << (*review_approve ? tr("已审核通过，等待县级认定\n", "approved; waiting for county confirmation\n")
                                       : tr("已退回儿童主任重新核查\n", "returned to the director\n"));
  });

  auto* confirm = screen->add_subcommand("confirm", "step 3: county confirmation (县级认定; county)");
  auto confirm_child = std::make_shared<std::string>();
  auto confirmation = std::make_shared<Confirmation>();
  auto confirm_colour = std::make_shared<std::string>();
  confirm->add_option("child", *confirm_child, "the child")->required();
  confirm->add_option("--category", confirmation->categories, "categories confirmed (default: all active)");
  confirm->add_option("--colour", *confirm_colour, "colour confirmed (default: the current one)");
  confirm->add_option("--reason", confirmation->reason, "reason (needed for a lowering)");
  confirm->callback([&context, confirm_child, confirmation, confirm_colour] {
    Station& station = context.open();
    Confirmation c = *confirmation;
    if (!confirm_colour->empty()) c.colour = colour_option(*confirm_colour);
    context.check(confirm_screening(station, *confirm_child, c));
    if (context.json) context.print_json({{"confirmed", true}});
    else std::cout << tr("县级已认定\n", "confirmed by the county\n");
  });

  auto* pending = screen->add_subcommand("pending", "what waits at each step (待办排查)");
  auto pending_overdue = std::make_shared<bool>(false);
  auto pending_as_of = std::make_shared<std::string>();
  pending->add_flag("--overdue", *pending_overdue, "only overdue steps");
  pending->add_option("--as-of", *pending_as_of, "as of this date (default today)");
  pending->callback([&context, pending_overdue, pending_as_of] {
    Station& station = context.open();
    Date as_of = date_option(*pending_as_of, "as-of").value_or(station.clock().today());
    auto rows = context.take(pending_screenings(station, as_of, *pending_overdue));
    if (context.json) {
      context.print_json(rows);
      return;
    }
    std::vector<std::vector<std::string>> table;
    for (const auto& r : rows)
      table.push_back({short_id(r["lead_id"]), r["village"], text(r["name"]), label(r["step"].get<std::string>()),
                       r["since"], r["due"], std::to_string(r["days_overdue"].get<int>()),
                       r["red"].get<bool>() ? label("red") : "", r["escalated"].get<bool>() ? label("yes") : ""});
    print_table(std::cout,
                {label("lead"), label("village"), label("name"), tr("待办步骤", "step"), tr("起始", "since"),
                 tr("期限", "due"), tr("逾期天数", "days overdue"), tr("疑似/红色", "red"), tr("已上报", "escalated")},
                table);
  });

  // ---- assess ----
  auto* assess_cmd = app.add_subcommand("assess", "assess a child with the instrument (风险评估)");
  auto assess_child = std::make_shared<std::string>();
  auto assess_answers = std::make_shared<AnswerInput>();
  auto assess_date = std::make_shared<std::string>();
  auto assess_notes = std::make_shared<std::string>();
  assess_cmd->add_option("child", *assess_child, "the child")->required();
  add_answer_options(assess_cmd, assess_answers);
  assess_cmd->add_option("--date", *assess_date, "date of the assessment (default today)");
  assess_cmd->add_option("--notes", *assess_notes, "notes");
  assess_cmd->callback([&context, assess_child, assess_answers, assess_date, assess_notes] {
    Station& station = context.open();
    if (!assess_answers->given())
      context.check(Status::invalid("answers", tr("需要评估答案（--answers 文件或评估项）", "answers are needed (--answers FILE or the flags)")));
    auto result = context.take(assess(station, *assess_child, assess_answers->parse(),
                                      date_option(*assess_date, "date"), *assess_notes));
    if (context.json) context.print_json(result.to_json());
    else print_assessment(result);
  });

  // ---- colour ----
  auto* colour = app.add_subcommand("colour", "four-colour grading (四色管理)");
  colour->require_subcommand(1);
  for (bool raise : {true, false}) {
    auto* change = colour->add_subcommand(raise ? "raise" : "lower", raise ? "raise the colour (提级)" : "lower the colour (降级)");
    auto child = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    change->add_option("child", *child, "the child")->required();
    change->add_option("--to", *to, "red|yellow|blue|green")->required();
    change->add_option("--reason", *reason, "why")->required();
    change->add_option("--date", *date, "date (default today)");
    change->callback([&context, raise, child, to, reason, date] {
      Station& station = context.open();
      auto result = context.take(change_colour(station, *child, raise, colour_option(*to), *reason,
                                               date_option(*date, "date")));
      if (context.json) {
        context.print_json(result.to_json());
        return;
      }
      if (result.applied)
        std::cout << trf("风险等级：{} → {}\n", "colour: {} → {}\n", colour_text(result.previous_colour), colour_text(result.colour));
      else
        std::cout << trf("风险等级仍为{}：降级未生效，已提交复核（督导员可将黄/蓝降一级，红色降级须县级在无触发项的重新评估后办理）\n",
                         "the colour stays {}: the lowering did not apply and waits for review (a supervisor may lower "
                         "yellow or blue by one step; red needs the county after a reassessment with no trigger)\n",
                         colour_text(result.colour));
    });
  }
  auto* history = colour->add_subcommand("history", "every colour change (等级变更记录)");
  auto history_child = std::make_shared<std::string>();
  history->add_option("child", *history_child, "the child")->required();
  history->callback([&context, history_child] {
    Station& station = context.open();
    auto h = context.take(colour_history(station, *history_child));
    if (context.json) {
      context.print_json(h);
      return;
    }
    std::cout << trf("当前等级：{}", "current colour: {}", colour_text(h["colour"]));
    if (h["since"].is_string()) std::cout << trf("（自 {} 起）", " (since {})", h["since"].get<std::string>());
    std::cout << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : h["history"]) {
      std::string breakdown;
      if (s.contains("score"))
        breakdown = trf("{}分 G{} H{} B{} L{}", "{} pts G{} H{} B{} L{}", s["score"].get<int>(), s["domains"]["G"].get<int>(),
                        s["domains"]["H"].get<int>(), s["domains"]["B"].get<int>(), s["domains"]["L"].get<int>());
      if (s.contains("triggers") && !s["triggers"].empty()) {
        std::string t;
        for (const auto& x : s["triggers"]) t += " " + x.get<std::string>();
        breakdown += t;
      }
      std::string result = s["applied"].get<bool>() ? tr("生效", "applied")
                           : s["why_not_applied"].is_string()
                               ? tr("未生效：", "not applied: ") + label(s["why_not_applied"].get<std::string>())
                               : tr("未生效", "not applied");
      if (s["review_opened"].get<bool>())
        result += s["resolved_by"].is_string() ? tr("（复核已处理）", " (review closed)") : tr("（待复核）", " (review open)");
      rows.push_back({s["date"], label(s["kind"].get<std::string>()), colour_text(s["from"]), colour_text(s["to"]),
                      breakdown, s["actor"].get<std::string>() + "/" + label(s["actor_role"].get<std::string>()),
                      text(s["reason"]), result});
    }
    print_table(std::cout,
                {tr("日期", "date"), tr("类型", "kind"), tr("原等级", "from"), tr("新等级", "to"),
                 tr("评分明细", "breakdown"), tr("操作人", "actor"), label("reason"), tr("结果", "result")},
                rows);
  });
  auto* resolve = colour->add_subcommand("resolve", "close open review items, keeping the colour (supervisor/county)");
  auto resolve_child = std::make_shared<std::string>();
  auto resolve_reason = std::make_shared<std::string>();
  resolve->add_option("child", *resolve_child, "the child")->required();
  resolve->add_option("--reason", *resolve_reason, "why the colour is kept")->required();
  resolve->callback([&context, resolve_child, resolve_reason] {
    Station& station = context.open();
    context.check(resolve_reviews(station, *resolve_child, *resolve_reason));
    if (context.json) context.print_json({{"resolved", true}});
    else std::cout << tr("复核事项已处理，维持当前等级\n", "review items closed; the colour is kept\n");
  });

  // ---- visit ----
  auto* visit = app.add_subcommand("visit", "visits and contacts (走访)");
  visit->require_subcommand(1);
  auto* visit_add = visit->add_subcommand("add", "record a visit (登记走访)");
  auto visit_child = std::make_shared<std::string>();
  auto visit_date = std::make_shared<std::string>();
  auto visit_key = std::make_shared<std::string>();
  auto new_visit = std::make_shared<NewVisit>();
  visit_add->add_option("child", *visit_child, "the child")->required();
  visit_add->add_option("--date", *visit_date, "date of the visit")->required();
  visit_add->add_option("--kind", new_visit->kind, "home (入户, resets the clock) | phone | video");
  visit_add->add_option("--with", new_visit->with, "who came along (e.g. supervisor), repeatable");
  visit_add->add_option("--notes", new_visit->notes, "notes");
  visit_add->add_option("--event", *visit_key,
                        "key event: carer_change|parent_left|parent_returned|hospitalised|dropout|new_report");
  visit_add->callback([&context, visit_child, visit_date, visit_key, new_visit] {
    Station& station = context.open();
    NewVisit v = *new_visit;
    v.on = *date_option(*visit_date, "date");
    if (!visit_key->empty()) v.key_event = *visit_key;
    auto id = context.take(add_visit(station, *visit_child, v));
    if (context.json) context.print_json({{"visit_id", id}});
    else std::cout << trf("已登记{}（{}）\n", "recorded a {} ({})\n", label("visit_" + v.kind), v.on.to_string());
  });

  // ---- due ----
  auto* due = app.add_subcommand("due", "today's work list (待办)");
  auto due_as_of = std::make_shared<std::string>();
  auto due_overdue = std::make_shared<bool>(false);
  due->add_option("--as-of", *due_as_of, "as of this date (default today)");
  due->add_flag("--overdue", *due_overdue, "only overdue items");
  due->callback([&context, due_as_of, due_overdue] {
    Station& station = context.open();
    DueOptions options;
    options.as_of = date_option(*due_as_of, "as-of").value_or(station.clock().today());
    options.overdue_only = *due_overdue;
    options.horizon_days = tuning::kDueHorizonDays;
    auto rows = context.take(due_list(station, options));
    if (context.json) {
      json out = json::array();
      for (const auto& r : rows) out.push_back(r.to_json());
      context.print_json({{"as_of", options.as_of.to_string()}, {"rows", out}});
      return;
    }
    std::vector<std::vector<std::string>> table;
    for (const auto& r : rows) {
      std::string what;
      for (const auto& item : r.items) {
        what += (what.empty() ? "" : "；") + label(item.what);
        if (!item.detail.empty()) what += "(" + detail_text(item.detail) + ")";
        what += " " + item.due;
        if (item.days_overdue > 0) what += trf(" 逾期{}天", " {}d overdue", item.days_overdue);
      }
      table.push_back({r.child_id.empty() ? label("lead") + " " + short_id(r.lead_id) : short_id(r.child_id), r.name,
                       r.village, colour_text(r.colour), r.last_home_visit.value_or("-"), r.next_due,
                       std::to_string(r.days_overdue), r.escalated ? tr("上报督导", "escalated") : "", what});
    }
    std::cout << trf("截至 {} 的待办\n", "due as of {}\n", options.as_of.to_string());
    print_table(std::cout,
                {label("id"), label("name"), label("village"), label("colour"), tr("最近入户", "last home visit"),
                 tr("下次到期", "next due"), tr("逾期天数", "days overdue"), tr("上报", "escalation"),
                 tr("待办事项", "what is due")},
                table);
  });

  // ---- care ----
  auto* care = app.add_subcommand("care", "N-fold care measures (N重关爱)");
  care->require_subcommand(1);
  auto* care_add = care->add_subcommand("add", "add a care measure");
  auto care_child = std::make_shared<std::string>();
  auto measure = std::make_shared<NewMeasure>();
  auto care_date = std::make_shared<std::string>();
  care_add->add_option("child", *care_child, "the child")->required();
  care_add->add_option("--area", measure->area, "LIVING MEDICAL REHAB EDUCATION GUARDIANSHIP PSYCH SAFETY LEGAL "
                                                "FAMILY_CONTACT SOCIAL")->required();
  care_add->add_option("--item", measure->item, "the measure")->required();
  care_add->add_option("--provider", measure->provider, "responsible department");
  care_add->add_option("--status", measure->status, "planned|in_progress|done|refused|not_needed (default planned)");
  care_add->add_option("--notes", measure->notes, "notes");
  care_add->add_option("--date", *care_date, "start date (default today)");
  care_add->callback([&context, care_child, measure, care_date] {
    Station& station = context.open();
    NewMeasure m = *measure;
    m.on = date_option(*care_date, "date");
    auto id = context.take(add_care_measure(station, *care_child, m));
    if (context.json) context.print_json({{"measure_id", id}});
    else std::cout << id << "\n";
  });
  auto* care_update = care->add_subcommand("update", "update a care measure");
  auto update_id = std::make_shared<std::string>();
  auto update_status = std::make_shared<std::string>();
  auto update_outcome = std::make_shared<std::string>();
  auto update_provider = std::make_shared<std::string>();
  auto update_date = std::make_shared<std::string>();
  care_update->add_option("id", *update_id, "measure id (or a unique prefix)")->required();
  care_update->add_option("--status", *update_status, "planned|in_progress|done|refused|not_needed");
  care_update->add_option("--outcome", *update_outcome, "outcome");
  care_update->add_option("--provider", *update_provider, "responsible department");
  care_update->add_option("--date", *update_date, "date (default today)");
  care_update->callback([&context, update_id, update_status, update_outcome, update_provider, update_date] {
    Station& station = context.open();
    MeasureUpdate u;
    if (!update_status->empty()) u.status = *update_status;
    if (!update_outcome->empty()) u.outcome = *update_outcome;
    if (!update_provider->empty()) u.provider = *update_provider;
    u.on = date_option(*update_date, "date");
    context.check(update_care_measure(station, *update_id, u));
    if (context.json) context.print_json({{"updated", true}});
    else std::cout << tr("已更新\n", "updated\n");
  });
  auto* care_list = care->add_subcommand("list", "a child's care measures");
  auto list_child = std::make_shared<std::string>();
  care_list->add_option("child", *list_child, "the child")->required();
  care_list->callback([&context, list_child] {
    Station& station = context.open();
    auto rows = context.take(list_care_measures(station, *list_child));
    if (context.json) {
      context.print_json(rows);
      return;
    }
    std::vector<std::vector<std::string>> table;
    for (const auto& r : rows) {
      const CareArea* area = find_care_area(r["area"].get<std::string>());
      std::string area_name = area ? std::string(i18n::language() == i18n::Lang::Zh ? area->zh : area->en) : text(r["area"]);
      table.push_back({short_id(r["id"]), area_name, r["item"], text(r["provider"]), label(r["status"].get<std::string>()),
                       r["started_on"], text(r["outcome"])});
    }
    print_table(std::cout, {label("id"), tr("领域", "area"), tr("措施", "item"), tr("责任部门", "provider"),
                            label("status"), tr("开始日期", "started"), tr("成效", "outcome")},
                table);
  });
  auto* catalogue = care->add_subcommand("catalogue", "the care catalogue (关爱措施目录)");
  catalogue->callback([&context] {
    if (context.json) {
      json out = json::array();
      for (const auto& a : care_catalogue())
        out.push_back({{"code", a.code}, {"zh", a.zh}, {"en", a.en}, {"items_zh", a.items_zh}, {"items_en", a.items_en},
                       {"provider_zh", a.provider_zh}, {"provider_en", a.provider_en}});
      context.print_json(out);
      return;
    }
    bool zh = i18n::language() == i18n::Lang::Zh;
    std::vector<std::vector<std::string>> table;
    for (const auto& a : care_catalogue())
      table.push_back({std::string(a.code), std::string(zh ? a.zh : a.en), std::string(zh ? a.items_zh : a.items_en),
                       std::string(zh ? a.provider_zh : a.provider_en)});
    print_table(std::cout, {tr("代码", "code"), tr("领域", "area"), tr("常见措施", "typical items"), tr("责任部门", "provider")},
                table);
  });

  // ---- case worker ----
  auto* worker = app.add_subcommand("case-worker", "name a child's case worker (个案负责人; supervisor or county)");
  auto worker_child = std::make_shared<std::string>();
  auto worker_name = std::make_shared<std::string>();
  worker->add_option("child", *worker_child, "the child")->required();
  worker->add_option("name", *worker_name, "the case worker")->required();
  worker->callback([&context, worker_child, worker_name] {
    Station& station = context.open();
    context.check(assign_case_worker(station, *worker_child, *worker_name));
    if (context.json) context.print_json({{"case_worker", *worker_name}});
    else std::cout << trf("个案负责人：{}\n", "case worker: {}\n", *worker_name);
  });
}

}  // namespace tongdang::cli
