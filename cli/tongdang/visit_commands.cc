// tongdang visit add (visits and contacts), tongdang due (the director's and supervisor's work list).
#include <iostream>
#include <sstream>

#include "core/base/i18n.h"
#include "core/base/tuning.h"
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

void add_visit_add(CLI::App& visit, Context& context) {
  auto* add = visit.add_subcommand("add", tr("登记走访或联系", "record a visit or a contact"));
  auto child = std::make_shared<std::string>();
  auto date = std::make_shared<std::string>();
  auto key = std::make_shared<std::string>();
  auto new_visit = std::make_shared<NewVisit>();
  add->add_option("child", *child, child_help())->required();
  add->add_option("--date", *date, tr("走访日期（YYYY-MM-DD）", "date of the visit (YYYY-MM-DD)"))->required();
  choice_option(
      add->add_option("--kind", new_visit->kind,
                      tr("走访方式（只有入户走访重置走访时钟）", "kind of visit (only a home visit resets the clock)")),
      Vocabulary::VisitKind);
  add->add_option("--with", new_visit->with,
                  tr("同行人员，可重复（写 督导员 或 supervisor 算作督导员联合走访）",
                     "who came along, repeatable (督导员 or supervisor makes it a joint supervisor visit)"));
  add->add_option("--notes", new_visit->notes, tr("走访记录", "notes"));
  choice_option(add->add_option("--event", *key,
                                tr("走访中发现的关键事件（需在 7 天内重新评估）",
                                   "a key event the visit found (a reassessment falls due within 7 days)")),
                Vocabulary::KeyEvent);
  add->callback([&context, child, date, key, new_visit] {
    Station& station = context.open();
    NewVisit v = *new_visit;
    v.on = *date_option(*date, "date");
    if (!key->empty()) v.key_event = *key;
    auto id = context.take(add_visit(station, *child, v));
    if (context.json)
      context.print_json({{"visit_id", id}});
    else
      std::cout << trf("已登记{}（{}）\n", "recorded a {} ({})\n", label(Vocabulary::VisitKind, v.kind),
                       v.on.to_string());
  });
}

// One row of the work list: a child (or a lead) with everything due for it.
std::vector<std::string> due_row(const DueRow& r) {
  std::string what;
  for (const auto& item : r.items) {
    what += (what.empty() ? "" : "；") + label(item.what);
    if (!item.detail.empty()) what += "(" + due_detail_text(item.detail) + ")";
    what += " " + item.due;
    if (item.days_overdue > 0) what += trf(" 逾期{}天", " {}d overdue", item.days_overdue);
  }
  return {r.child_id.empty() ? label("lead") + " " + short_id(r.lead_id) : short_id(r.child_id),
          r.name,
          r.village,
          colour_text(r.colour),
          r.last_home_visit.value_or("-"),
          r.next_due,
          std::to_string(r.days_overdue),
          r.escalated ? tr("上报督导", "escalated") : "",
          what};
}

void print_due(const DueOptions& options, const std::vector<DueRow>& rows) {
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) table.push_back(due_row(r));
  std::cout << trf("截至 {} 的待办\n", "due as of {}\n", options.as_of.to_string());
  print_table(std::cout,
              {label("id"), label("name"), label("village"), label("colour"), tr("最近入户", "last home visit"),
               tr("下次到期", "next due"), tr("逾期天数", "days overdue"), tr("上报", "escalation"),
               tr("待办事项", "what is due")},
              table);
}

void add_due(CLI::App& app, Context& context) {
  auto* due = app.add_subcommand("due", tr("今日待办", "today's work list"));
  auto as_of = std::make_shared<std::string>();
  auto overdue = std::make_shared<bool>(false);
  due->add_option("--as-of", *as_of, tr("截至该日期（默认今天）", "as of this date (default today)"));
  due->add_flag("--overdue", *overdue, tr("只列逾期事项", "only overdue items"));
  due->callback([&context, as_of, overdue] {
    Station& station = context.open();
    DueOptions options;
    options.as_of = date_option(*as_of, "as-of").value_or(station.clock().today());
    options.overdue_only = *overdue;
    options.horizon_days = tuning::kDueHorizonDays;
    auto rows = context.take(due_list(station, options));
    if (context.json) {
      json out = json::array();
      for (const auto& r : rows) out.push_back(r.to_json());
      context.print_json({{"as_of", options.as_of.to_string()}, {"rows", out}});
      return;
    }
    print_due(options, rows);
  });
}

}  // namespace

void register_visit_commands(CLI::App& app, Context& context) {
  auto* visit = app.add_subcommand("visit", tr("走访与联系", "visits and contacts"));
  visit->require_subcommand(1);
  add_visit_add(*visit, context);
  add_due(app, context);
}

}  // namespace tongdang::cli
