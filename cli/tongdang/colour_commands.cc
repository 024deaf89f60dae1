// tongdang assess (the instrument), tongdang colour raise|lower|history|resolve (four-colour grading and its
// review items). Who may change a colour and how: docs/workflow.md.
#include <iostream>

#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "arguments.h"
#include "command_line.h"
#include "workflow_commands.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

void add_assess(CLI::App& app, Context& context) {
  auto* assess_cmd =
      app.add_subcommand("assess", tr("用评估表评估一名儿童（风险评估）", "assess a child with the instrument"));
  auto child = std::make_shared<std::string>();
  auto answers = std::make_shared<AnswerInput>();
  auto date = std::make_shared<std::string>();
  auto notes = std::make_shared<std::string>();
  assess_cmd->add_option("child", *child, child_help())->required();
  add_answer_options(assess_cmd, answers);
  assess_cmd->add_option("--date", *date, tr("评估日期（默认今天）", "date of the assessment (default today)"));
  assess_cmd->add_option("--notes", *notes, tr("备注", "notes"));
  assess_cmd->callback([&context, child, answers, date, notes] {
    Station& station = context.open();
    if (!answers->given())
      context.check(Status::invalid(
          "answers", tr("需要评估答案（--answers 文件或评估项）", "answers are needed (--answers FILE or the flags)")));
    auto result = context.take(assess(station, *child, answers->parse(), date_option(*date, "date"), *notes));
    if (context.json)
      context.print_json(result.to_json());
    else
      print_assessment(result);
  });
}

// colour raise, colour lower.
void add_colour_change(CLI::App& colour, Context& context, bool raise) {
  auto* change =
      colour.add_subcommand(raise ? "raise" : "lower",
                            raise ? tr("提级（立即生效）", "raise the colour (applies at once)")
                                  : tr("降级（按降级规则生效或提交复核）", "lower the colour (by the lowering rule)"));
  auto child = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  auto date = std::make_shared<std::string>();
  change->add_option("child", *child, child_help())->required();
  choice_option(change->add_option("--to", *to, tr("新的风险等级", "the new colour")), Vocabulary::Colour)->required();
  change->add_option("--reason", *reason, tr("原因", "why"))->required();
  change->add_option("--date", *date, tr("日期（默认今天）", "date (default today)"));
  change->callback([&context, raise, child, to, reason, date] {
    Station& station = context.open();
    auto result =
        context.take(change_colour(station, *child, raise, colour_option(*to), *reason, date_option(*date, "date")));
    if (context.json) {
      context.print_json(result.to_json());
      return;
    }
    if (result.applied)
      std::cout << trf("风险等级：{} → {}\n", "colour: {} → {}\n", colour_text(result.previous_colour),
                       colour_text(result.colour));
    else
      std::cout << trf(
          "风险等级仍为{}：降级未生效，已提交复核（督导员可将黄/蓝降一级，红色降级须县级在无触发项的重新评估后办理）\n",
          "the colour stays {}: the lowering did not apply and waits for review (a supervisor may lower "
          "yellow or blue by one step; red needs the county after a reassessment with no trigger)\n",
          colour_text(result.colour));
  });
}

// One row of `colour history`: a colour change or an assessment, with its score breakdown and what became of it.
std::vector<std::string> history_row(const json& s) {
  std::string breakdown;
  if (s.contains("score"))
    breakdown =
        trf("{}分 G{} H{} B{} L{}", "{} pts G{} H{} B{} L{}", s["score"].get<int>(), s["domains"]["G"].get<int>(),
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
    result +=
        s["resolved_by"].is_string() ? tr("（复核已处理）", " (review closed)") : tr("（待复核）", " (review open)");
  return {s["date"],
          label(s["kind"].get<std::string>()),
          colour_text(s["from"]),
          colour_text(s["to"]),
          breakdown,
          s["actor"].get<std::string>() + "/" + label(s["actor_role"].get<std::string>()),
          cell_text(s["reason"]),
          result};
}

void print_colour_history(const json& h) {
  std::cout << trf("当前等级：{}", "current colour: {}", colour_text(h["colour"]));
  if (h["since"].is_string()) std::cout << trf("（自 {} 起）", " (since {})", h["since"].get<std::string>());
  std::cout << "\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : h["history"]) rows.push_back(history_row(s));
  print_table(std::cout,
              {tr("日期", "date"), tr("类型", "kind"), tr("原等级", "from"), tr("新等级", "to"),
               tr("评分明细", "breakdown"), tr("操作人", "actor"), label("reason"), tr("结果", "result")},
              rows);
}

void add_colour_history(CLI::App& colour, Context& context) {
  auto* history = colour.add_subcommand("history", tr("等级变更记录", "every colour change"));
  auto child = std::make_shared<std::string>();
  history->add_option("child", *child, child_help())->required();
  history->callback([&context, child] {
    Station& station = context.open();
    auto h = context.take(colour_history(station, *child));
    if (context.json)
      context.print_json(h);
    else
      print_colour_history(h);
  });
}

void add_colour_resolve(CLI::App& colour, Context& context) {
  auto* resolve =
      colour.add_subcommand("resolve", tr("处理待复核事项，维持当前等级（督导员/县级）",
                                          "close open review items, keeping the colour (supervisor/county)"));
  auto child = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  resolve->add_option("child", *child, child_help())->required();
  resolve->add_option("--reason", *reason, tr("维持等级的原因", "why the colour is kept"))->required();
  resolve->callback([&context, child, reason] {
    Station& station = context.open();
    context.check(resolve_reviews(station, *child, *reason));
    if (context.json)
      context.print_json({{"resolved", true}});
    else
      std::cout << tr("复核事项已处理，维持当前等级\n", "review items closed; the colour is kept\n");
  });
}

}  // namespace

void register_colour_commands(CLI::App& app, Context& context) {
  add_assess(app, context);

  auto* colour = app.add_subcommand("colour", tr("四色管理", "four-colour grading"));
  colour->require_subcommand(1);
  for (bool raise : {true, false}) add_colour_change(*colour, context, raise);
  add_colour_history(*colour, context);
  add_colour_resolve(*colour, context);
}

}  // namespace tongdang::cli
