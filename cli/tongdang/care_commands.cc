// tongdang care add|update|list|catalogue (the N-fold care measures), tongdang case-worker (a child's case worker).
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

void add_care_add(CLI::App& care, Context& context) {
  auto* add = care.add_subcommand("add", tr("添加关爱措施", "add a care measure"));
  auto child = std::make_shared<std::string>();
  auto measure = std::make_shared<NewMeasure>();
  auto date = std::make_shared<std::string>();
  add->add_option("child", *child, child_help())->required();
  choice_option(
      add->add_option("--area", measure->area, tr("关爱领域（见 care catalogue）", "care area (see care catalogue)")),
      Vocabulary::CareArea)
      ->required();
  add->add_option("--item", measure->item, tr("措施内容", "the measure"))->required();
  add->add_option("--provider", measure->provider, tr("责任部门", "responsible department"));
  choice_option(add->add_option("--status", measure->status, tr("措施状态", "status of the measure")),
                Vocabulary::CareStatus);
  add->add_option("--notes", measure->notes, tr("备注", "notes"));
  add->add_option("--date", *date, tr("开始日期（默认今天）", "start date (default today)"));
  add->callback([&context, child, measure, date] {
    Station& station = context.open();
    NewMeasure m = *measure;
    m.on = date_option(*date, "date");
    auto id = context.take(add_care_measure(station, *child, m));
    if (context.json)
      context.print_json({{"measure_id", id}});
    else
      std::cout << id << "\n";
  });
}

void add_care_update(CLI::App& care, Context& context) {
  auto* update = care.add_subcommand("update", tr("更新关爱措施", "update a care measure"));
  auto id = std::make_shared<std::string>();
  auto status = std::make_shared<std::string>();
  auto outcome = std::make_shared<std::string>();
  auto provider = std::make_shared<std::string>();
  auto date = std::make_shared<std::string>();
  update->add_option("id", *id, tr("措施编号（或其唯一前缀）", "measure id (or a unique prefix)"))->required();
  choice_option(update->add_option("--status", *status, tr("措施状态", "status of the measure")),
                Vocabulary::CareStatus);
  update->add_option("--outcome", *outcome, tr("成效", "outcome"));
  update->add_option("--provider", *provider, tr("责任部门", "responsible department"));
  update->add_option("--date", *date, tr("日期（默认今天）", "date (default today)"));
  update->callback([&context, id, status, outcome, provider, date] {
    Station& station = context.open();
    MeasureUpdate u;
    if (!status->empty()) u.status = *status;
    if (!outcome->empty()) u.outcome = *outcome;
    if (!provider->empty()) u.provider = *provider;
    u.on = date_option(*date, "date");
    context.check(update_care_measure(station, *id, u));
    if (context.json)
      context.print_json({{"updated", true}});
    else
      std::cout << tr("已更新\n", "updated\n");
  });
}

void print_care_measures(const std::vector<json>& rows) {
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) {
    const CareArea* area = find_care_area(r["area"].get<std::string>());
    std::string area_name = area ? care_area_name(*area) : cell_text(r["area"]);
    table.push_back({short_id(r["id"]), area_name, r["item"], cell_text(r["provider"]),
                     label(Vocabulary::CareStatus, r["status"].get<std::string>()), r["started_on"],
                     cell_text(r["outcome"])});
  }
  print_table(std::cout,
              {label("id"), tr("领域", "area"), tr("措施", "item"), tr("责任部门", "provider"), label("status"),
               tr("开始日期", "started"), tr("成效", "outcome")},
              table);
}

void add_care_list(CLI::App& care, Context& context) {
  auto* list = care.add_subcommand("list", tr("一名儿童的关爱措施", "a child's care measures"));
  auto child = std::make_shared<std::string>();
  list->add_option("child", *child, child_help())->required();
  list->callback([&context, child] {
    Station& station = context.open();
    auto rows = context.take(list_care_measures(station, *child));
    if (context.json)
      context.print_json(rows);
    else
      print_care_measures(rows);
  });
}

void print_care_catalogue(const Context& context) {
  if (context.json) {
    json out = json::array();
    for (const auto& a : care_catalogue())
      out.push_back({{"code", a.code},
                     {"zh", a.zh},
                     {"en", a.en},
                     {"items_zh", a.items_zh},
                     {"items_en", a.items_en},
                     {"provider_zh", a.provider_zh},
                     {"provider_en", a.provider_en}});
    context.print_json(out);
    return;
  }
  bool zh = i18n::language() == i18n::Lang::Zh;
  std::vector<std::vector<std::string>> table;
  for (const auto& a : care_catalogue())
    table.push_back({std::string(a.code), std::string(zh ? a.zh : a.en), std::string(zh ? a.items_zh : a.items_en),
                     std::string(zh ? a.provider_zh : a.provider_en)});
  print_table(std::cout,
              {tr("代码", "code"), tr("领域", "area"), tr("常见措施", "typical items"), tr("责任部门", "provider")},
              table);
}

void add_care_catalogue(CLI::App& care, Context& context) {
  auto* catalogue = care.add_subcommand("catalogue", tr("关爱措施目录", "the care catalogue"));
  catalogue->callback([&context] { print_care_catalogue(context); });
}

void add_case_worker(CLI::App& app, Context& context) {
  auto* worker = app.add_subcommand(
      "case-worker", tr("指定儿童的个案负责人（督导员或县级）", "name a child's case worker (supervisor or county)"));
  auto child = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  worker->add_option("child", *child, child_help())->required();
  worker->add_option("name", *name, tr("个案负责人姓名", "the case worker"))->required();
  worker->callback([&context, child, name] {
    Station& station = context.open();
    context.check(assign_case_worker(station, *child, *name));
    if (context.json)
      context.print_json({{"case_worker", *name}});
    else
      std::cout << trf("个案负责人：{}\n", "case worker: {}\n", *name);
  });
}

}  // namespace

void register_care_commands(CLI::App& app, Context& context) {
  auto* care = app.add_subcommand("care", tr("N重关爱措施", "N-fold care measures"));
  care->require_subcommand(1);
  add_care_add(*care, context);
  add_care_update(*care, context);
  add_care_list(*care, context);
  add_care_catalogue(*care, context);
  add_case_worker(app, context);
}

}  // namespace tongdang::cli
