// tongdang lead add (step 1 of screening), tongdang screen verify|review|confirm|pending (steps 2 and 3, and what
// waits at each step). The three steps: docs/workflow.md.
#include <algorithm>
#include <iostream>

#include "core/model/division.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/workflow/screening.h"
#include "arguments.h"
#include "command_line.h"
#include "workflow_commands.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

void add_lead_add(CLI::App& lead, Context& context) {
  auto* add = lead.add_subcommand("add", tr("登记线索（排查第一步：摸排发现）", "record a lead (step 1: discovery)"));
  auto new_lead = std::make_shared<NewLead>();
  auto date = std::make_shared<std::string>();
  add->add_option("--village", new_lead->village, tr("村(居)代码（12 位）", "12-digit village code"))->required();
  add->add_option("--reporter", new_lead->reporter, tr("报告人", "who reported it"));
  choice_option(add->add_option("--source", new_lead->source, tr("线索来源", "who the lead came from")),
                Vocabulary::LeadSource);
  add->add_option("--seen", new_lead->seen, tr("发现的情况", "what was seen"))->required();
  add->add_flag("--suspected-red", new_lead->suspected_red,
                tr("疑似有红色触发项（24 小时内入户核查）", "a red trigger is suspected (24-hour verification)"));
  add->add_option("--date", *date, tr("发现日期（默认今天）", "date discovered (default today)"));
  add->callback([&context, new_lead, date] {
    Station& station = context.open();
    new_lead->on = date_option(*date, "date");
    auto id = context.take(add_lead(station, *new_lead));
    if (context.json)
      context.print_json({{"lead_id", id}});
    else
      std::cout << id << "\n";
  });
}

// The options of the new child's file (--name, --id-number …, --hukou, --category).
void add_new_child_options(CLI::App* verify, const std::shared_ptr<Verification>& verification) {
  for (const char* field : {"name", "id_number", "village", "sex", "birth_date", "phone", "current_address"}) {
    std::string flag = std::string("--") + field;
    std::replace(flag.begin(), flag.end(), '_', '-');
    std::string name = field;
    auto* option = verify->add_option_function<std::string>(
        flag, [verification, name](const std::string& v) { verification->new_child.fields[name] = v; }, label(name));
    if (name == "sex") choice_option(option, Vocabulary::Sex);
  }
  choice_option(
      verify->add_option_function<std::string>(
          "--hukou", [verification](const std::string& v) { verification->new_child.fields["hukou_status"] = v; },
          tr("户籍状态（默认有户籍）", "household registration (default registered)")),
      Vocabulary::HukouStatus);
  choice_option(verify->add_option("--category", verification->new_child.categories,
                                   tr("新档案的类别，可重复", "category of the new file, repeatable")),
                Vocabulary::Category);
}

void print_verified(const Context& context, const Verified& done) {
  if (context.json) {
    json out = {{"lead_id", done.lead_id},
                {"state", done.state},
                {"created", done.created},
                {"attached", done.attached},
                {"child_id", done.child_id ? json(*done.child_id) : json(nullptr)}};
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
}

void add_screen_verify(CLI::App& screen, Context& context) {
  auto* verify = screen.add_subcommand("verify", tr("第二步：入户核查", "step 2: home verification"));
  auto verification = std::make_shared<Verification>();
  auto answers = std::make_shared<AnswerInput>();
  auto date = std::make_shared<std::string>();
  auto child = std::make_shared<std::string>();
  auto not_eligible = std::make_shared<std::string>();
  auto duplicate = std::make_shared<std::string>();
  verify->add_option("lead", verification->lead_ref, tr("线索编号（或其唯一前缀）", "lead id (or a unique prefix)"))
      ->required();
  verify->add_option("--child", *child, tr("并入这个已有的儿童档案", "attach to this existing child file"));
  add_new_child_options(verify, verification);
  add_answer_options(verify, answers);
  verify->add_option("--not-eligible", *not_eligible,
                     tr("以“不符合条件”关闭线索，写明原因", "close the lead as not eligible, with this reason"));
  verify->add_option("--duplicate", *duplicate,
                     tr("以“重复”关闭线索，并入这名儿童", "close the lead as a duplicate of this child"));
  verify->add_option("--reason", verification->reason, tr("原因（重复时）", "reason (duplicate)"));
  verify->add_option("--notes", verification->notes, tr("核查记录", "notes of the visit"));
  verify->add_option("--date", *date, tr("核查日期（默认今天）", "date of the verification (default today)"));
  verify->callback([&context, verification, answers, date, child, not_eligible, duplicate] {
    Station& station = context.open();
    Verification v = *verification;
    v.on = date_option(*date, "date");
    if (!child->empty()) v.child_ref = *child;
    if (!not_eligible->empty()) v.not_eligible = *not_eligible;
    if (!duplicate->empty()) v.duplicate_of = *duplicate;
    if (answers->given()) v.answers = answers->parse();
    auto done = context.take(verify_lead(station, v));
    for (const auto& w : done.warnings) context.warn(w);
    print_verified(context, done);
  });
}

void add_screen_review(CLI::App& screen, Context& context) {
  auto* review =
      screen.add_subcommand("review", tr("第三步：乡镇审核（督导员）", "step 3: township review (supervisor)"));
  auto child = std::make_shared<std::string>();
  auto approve = std::make_shared<bool>(false);
  auto returned = std::make_shared<std::string>();
  review->add_option("child", *child, screened_help())->required();
  auto* approve_flag = review->add_flag("--approve", *approve, tr("审核通过", "approve"));
  auto* return_option = review->add_option(
      "--return", *returned, tr("退回儿童主任重新核查，写明原因", "return to the director with this reason"));
  approve_flag->excludes(return_option);
  review->callback([&context, child, approve, returned] {
    Station& station = context.open();
    if (!*approve && returned->empty())
      context.check(
          Status::invalid("approve", tr("须选择 --approve 或 --return 原因", "give --approve or --return REASON")));
    context.check(review_screening(station, *child, *approve, *returned));
    if (context.json)
      context.print_json({{"approved", *approve}});
    else
      std::cout << (*approve ? tr("已审核通过，等待县级认定\n", "approved; waiting for county confirmation\n")
                             : tr("已退回儿童主任重新核查\n", "returned to the director\n"));
  });
}

void add_screen_confirm(CLI::App& screen, Context& context) {
  auto* confirm =
      screen.add_subcommand("confirm", tr("第三步：县级认定（县级）", "step 3: county confirmation (county)"));
  auto child = std::make_shared<std::string>();
  auto confirmation = std::make_shared<Confirmation>();
  auto colour = std::make_shared<std::string>();
  confirm->add_option("child", *child, screened_help())->required();
  choice_option(
      confirm->add_option("--category", confirmation->categories,
                          tr("认定的类别，可重复（默认全部有效类别）", "categories confirmed (default: all active)")),
      Vocabulary::Category);
  choice_option(
      confirm->add_option("--colour", *colour,
                          tr("认定的风险等级（默认当前等级）", "colour confirmed (default: the current one)")),
      Vocabulary::Colour);
  confirm->add_option("--reason", confirmation->reason, tr("原因（降级时必填）", "reason (needed for a lowering)"));
  confirm->callback([&context, child, confirmation, colour] {
    Station& station = context.open();
    Confirmation c = *confirmation;
    if (!colour->empty()) c.colour = colour_option(*colour);
    context.check(confirm_screening(station, *child, c));
    if (context.json)
      context.print_json({{"confirmed", true}});
    else
      std::cout << tr("县级已认定\n", "confirmed by the county\n");
  });
}

void print_pending(const std::vector<json>& rows) {
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows)
    table.push_back({short_id(r["lead_id"]), division_label(r["village"].get<std::string>()), cell_text(r["name"]), label(r["step"].get<std::string>()),
                     r["since"], r["due"], std::to_string(r["days_overdue"].get<int>()),
                     r["red"].get<bool>() ? label("red") : "", r["escalated"].get<bool>() ? label("yes") : ""});
  print_table(std::cout,
              {label("lead"), label("village"), label("name"), tr("待办步骤", "step"), tr("起始", "since"),
               tr("期限", "due"), tr("逾期天数", "days overdue"), tr("疑似/红色", "red"), tr("已上报", "escalated")},
              table);
}

void add_screen_pending(CLI::App& screen, Context& context) {
  auto* pending = screen.add_subcommand("pending", tr("各步待办的排查", "what waits at each step"));
  auto overdue = std::make_shared<bool>(false);
  auto as_of = std::make_shared<std::string>();
  pending->add_flag("--overdue", *overdue, tr("只列逾期的步骤", "only overdue steps"));
  pending->add_option("--as-of", *as_of, tr("截至该日期（默认今天）", "as of this date (default today)"));
  pending->callback([&context, overdue, as_of] {
    Station& station = context.open();
    Date day = date_option(*as_of, "as-of").value_or(station.clock().today());
    auto rows = context.take(pending_screenings(station, day, *overdue));
    if (context.json)
      context.print_json(rows);
    else
      print_pending(rows);
  });
}

}  // namespace

void register_screening_commands(CLI::App& app, Context& context) {
  auto* lead = app.add_subcommand("lead", tr("摸排线索（排查第一步）", "leads, step 1 of screening"));
  lead->require_subcommand(1);
  add_lead_add(*lead, context);

  auto* screen = app.add_subcommand("screen", tr("三步排查", "three-step screening"));
  screen->require_subcommand(1);
  add_screen_verify(*screen, context);
  add_screen_review(*screen, context);
  add_screen_confirm(*screen, context);
  add_screen_pending(*screen, context);
}

}  // namespace tongdang::cli
