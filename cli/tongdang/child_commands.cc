// tongdang child add|show|list|edit|close|category, tongdang relative add|edit.
#include <algorithm>

#include <fmt/format.h>

#include "arguments.h"
#include "command_line.h"
#include "context.h"
#include "file_commands.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/division.h"
#include "core/model/labels.h"
#include "core/store/profile.h"
#include "core/store/record_ref.h"
#include "core/workflow/children.h"
#include "core/workflow/search.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using nlohmann::json;

std::string flag_of(std::string_view field) {
  std::string flag(field);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return "--" + flag;
}

// One option per profile field (--name, --id-number, --birth-date …), filling `values`.
void add_field_options(CLI::App* command, const std::vector<FieldSpec>& fields, bool entry,
                       std::map<std::string, std::string>& values) {
  for (const auto& spec : fields) {
    bool offered = spec.editable || (entry && (spec.name == "sex" || spec.name == "birth_date" ||
                                               spec.name == "id_number" || spec.name == "hukou_status"));
    if (!offered) continue;
    std::string name(spec.name);
    auto* option = command->add_option_function<std::string>(
        flag_of(name), [&values, name](const std::string& value) { values[name] = value; }, label(name));
    if (spec.kind == FieldKind::Choice) choice_option(option, *vocabulary_named(spec.choice));
  }
}

std::string text_of(const json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return label(value.get<bool>() ? "yes" : "no");
  if (value.is_string()) {
    std::string text = value;
    std::string translated = label(text);
    return translated;
  }
  return value.dump();
}

std::string categories_text(const json& categories) {
  std::string out;
  for (const auto& c : categories) out += (out.empty() ? "" : "、") + label(c.get<std::string>());
  return out;
}

std::string colour_text(const json& colour) { return colour.is_null() ? label("ungraded") : label(colour.get<std::string>()); }

void print_child_card(const json& child) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({label("id"), child["id"]});
  for (const auto& spec : child_fields()) {
    std::string name(spec.name);
    if (!child.contains(name) || child[name].is_null()) continue;
    std::string value = spec.kind == FieldKind::Choice || name == "status" || name == "closed_reason"
                            ? text_of(child[name])
                        : child[name].is_string()                          ? child[name].get<std::string>()
                                                                           : text_of(child[name]);
    // A village by its name, with the code beside it (大吴村（320324102203）).
    if (spec.kind == FieldKind::Village && child[name].is_string())
      if (std::string village = division_label(value); village != value) value = village + "（" + value + "）";
    rows.push_back({label(name), value});
  }
  if (child.contains("age")) rows.push_back({label("age"), std::to_string(child["age"].get<int>())});
  rows.push_back({label("categories"), categories_text(child["categories"])});
  rows.push_back({label("colour"), colour_text(child["colour"])});
  if (child.contains("previous_id_numbers"))
    for (const auto& number : child["previous_id_numbers"]) rows.push_back({tr("原身份证号", "former ID number"), number});
  if (child.contains("transferred"))
    rows.push_back({tr("转移", "transferred"),
                    fmt::format("{} {} → {}（{}）", child["transferred"]["on"].get<std::string>(),
                                child["transferred"]["from_village"].get<std::string>(),
                                child["transferred"]["to_village"].get<std::string>(),
                                tr("本站只读", "read-only here"))});
  if (child.contains("moved_out"))
    rows.push_back({tr("迁出本县", "moved out of the county"),
                    fmt::format("{} {}", child["moved_out"]["on"].get<std::string>(),
                                child["moved_out"]["destination"].get<std::string>())});
  for (const auto& row : rows) std::cout << row[0] << "：" << row[1] << "\n";
  if (!child["memberships"].empty()) {
    std::cout << "\n" << tr("类别记录", "Category memberships") << "\n";
    std::vector<std::vector<std::string>> table;
    for (const auto& m : child["memberships"])
      table.push_back({label(m["category"].get<std::string>()), m["from"], m["to"],
                       label(m["active"].get<bool>() ? "yes" : "no")});
    print_table(std::cout, {label("category"), label("from"), label("to"), tr("有效", "active")}, table);
  }
  if (child.contains("relatives") && !child["relatives"].empty()) {
    std::cout << "\n" << label("relatives") << "\n";
    std::vector<std::vector<std::string>> table;
    for (const auto& r : child["relatives"])
      // A relative of a file merged into this one is read through it and says which file it stays on.
      table.push_back({short_record_id(r["id"].get<std::string>()), text_of(r["relation"]),
                       r.contains("merged_from") ? i18n::trf("{}（合并自档案 {}）", "{} (of merged file {})",
                                                             text_of(r["name"]), text_of(r["merged_from"])).str()
                                                 : text_of(r["name"]),
                       text_of(r["status"]),
                       text_of(r["place"]), text_of(r["since"]), text_of(r["id_number"]),
                       r.contains("phone") && r["phone"].is_string() ? r["phone"].get<std::string>() : "",
                       text_of(r["capacity"]), label(r["is_guardian"].get<bool>() ? "yes" : "no")});
    print_table(std::cout, {label("id"), label("relation"), label("name"), label("status"), label("place"),
                            label("since"), label("id_number"), label("phone"), label("capacity"), label("is_guardian")},
                table);
  }
}

void add_child_add(CLI::App& child, Context& context) {
  auto* add = child.add_subcommand("add", tr("登记儿童", "register a child"));
  auto new_child = std::make_shared<NewChild>();
  add_field_options(add, child_fields(), /*entry=*/true, new_child->fields);
  choice_option(add->add_option("--category", new_child->categories, tr("类别，可重复", "category, repeatable")),
                Vocabulary::Category);
  choice_option(add->add_option_function<std::string>(
                    "--hukou", [new_child](const std::string& v) { new_child->fields["hukou_status"] = v; },
                    tr("户籍状态（默认有户籍；无户籍的儿童自动生成临时编号）",
                       "household registration (default registered; an unregistered child gets a temporary key)")),
                Vocabulary::HukouStatus);
  add->callback([&context, new_child] {
    Station& station = context.open();
    auto added = context.take(add_child(station, *new_child));
    for (const auto& warning : added.warnings) context.warn(warning);
    if (context.json)
      context.print_json({{"id", added.id}, {"warnings", added.warnings}});
    else
      std::cout << added.id << "\n";
  });
}

void add_child_show(CLI::App& child, Context& context) {
  auto* show = child.add_subcommand("show", tr("查看一名儿童的档案", "show one child's file"));
  auto show_ref = std::make_shared<std::string>();
  auto show_full = std::make_shared<bool>(false);
  show->add_option("child", *show_ref, child_or_name_help())->required();
  show->add_flag(
      "--full-id", *show_full,
      tr("显示完整身份证号（仅督导员和县级；记入审计）", "show full ID numbers (supervisor and county only; audited)"));
  show->callback([&context, show_ref, show_full] { show_child_file(context, *show_ref, *show_full, print_child_card); });
}

void print_child_list(const std::vector<json>& rows) {
  std::vector<std::vector<std::string>> table;
  for (const auto& c : rows)
    table.push_back({short_record_id(c["id"].get<std::string>()), c["name"], text_of(c["sex"]),
                     std::to_string(c.value("age", 0)), text_of(c["id_number"]),
                     division_label(c["village"].get<std::string>()), categories_text(c["categories"]), colour_text(c["colour"])});
  print_table(std::cout, {label("id"), label("name"), label("sex"), label("age"), label("id_number"),
                          label("village"), label("categories"), label("colour")},
              table);
  std::cout << i18n::trf("共 {} 名儿童\n", "{} children\n", rows.size());
}

void add_child_list(CLI::App& child, Context& context) {
  auto* list = child.add_subcommand("list", tr("儿童名单", "list children"));
  auto filter = std::make_shared<ChildFilter>();
  auto list_village = std::make_shared<std::string>();
  auto list_category = std::make_shared<std::string>();
  auto list_full = std::make_shared<bool>(false);
  list->add_option("--village", *list_village, tr("只列该村(居)（12 位代码）", "only this village (12-digit code)"));
  choice_option(
      list->add_option("--category", *list_category, tr("只列有该类别的儿童", "only children holding this category")),
      Vocabulary::Category);
  list->add_flag("--closed", filter->include_closed, tr("包括已结案的档案", "include closed files"));
  list->add_flag(
      "--full-id", *list_full,
      tr("显示完整身份证号（仅督导员和县级；记入审计）", "show full ID numbers (supervisor and county only; audited)"));
  list->callback([&context, filter, list_village, list_category, list_full] {
    Station& station = context.open();
    if (!list_village->empty()) filter->village = *list_village;
    if (!list_category->empty()) {
      auto category = parse_category(*list_category);
      if (!category) context.check(Status::invalid("category", i18n::trf("'{}' 不是已知类别", "'{}' is not a category",
                                                                         *list_category)));
      filter->category = *category;
    }
    auto rows = context.take(list_children(station, *filter, *list_full));
    if (context.json) context.print_json(json(rows));
    else print_child_list(rows);
  });
}

json list_row_json(const ChildListRow& row) {
  return {{"id", row.id},
          {"name", row.name},
          {"sex", row.sex},
          {"birth_date", row.birth_date},
          {"age", row.age},
          {"village", row.village},
          {"id_number", row.id_number.empty() ? json() : json(row.id_number)},
          {"status", row.status},
          {"colour", row.colour ? json(std::string(to_string(*row.colour))) : json()},
          {"categories", row.categories},
          {"next_visit_due", row.next_visit_due ? json(*row.next_visit_due) : json()}};
}

void add_child_find(CLI::App& child, Context& context) {
  auto* find = child.add_subcommand("find", "find children by name, ID-number digits or phone, a page at a time (查找)");
  auto search = std::make_shared<ChildSearch>();
  auto village = std::make_shared<std::string>();
  auto colour = std::make_shared<std::string>();
  auto category = std::make_shared<std::string>();
  find->add_option("text", search->text, "part of a name, the last 4+ digits of the ID number, or part of a phone");
  find->add_option("--village", *village, "only this village (12-digit code)");
  find->add_option("--colour", *colour, "only this colour (red, yellow, blue, green)");
  find->add_option("--category", *category, "only children holding this category");
  find->add_flag("--closed", search->include_closed, "include closed files");
  find->add_option("--page", search->page, "page (1-based; 50 a page)");
  find->callback([&context, search, village, colour, category] {
    Station& station = context.open();
    if (!village->empty()) search->village = *village;
    if (!colour->empty()) {
      search->colour = parse_colour(*colour);
      if (!search->colour)
        context.check(Status::invalid("colour", i18n::trf("'{}' 不是已知风险等级", "'{}' is not a colour", *colour)));
    }
    if (!category->empty()) {
      search->category = parse_category(*category);
      if (!search->category)
        context.check(Status::invalid("category", i18n::trf("'{}' 不是已知类别", "'{}' is not a category", *category)));
    }
    auto found = context.take(search_children(station, *search));
    json rows = json::array();
    for (const auto& row : found.rows) rows.push_back(list_row_json(row));
    if (context.json) {
      context.print_json({{"total", found.total}, {"page", found.page}, {"pages", found.pages}, {"children", rows}});
      return;
    }
    std::vector<std::vector<std::string>> table;
    for (const auto& c : rows)
      table.push_back({short_record_id(c["id"].get<std::string>()), c["name"], text_of(c["sex"]),
                       std::to_string(c.value("age", 0)), text_of(c["id_number"]),
                       division_label(c["village"].get<std::string>()), categories_text(c["categories"]), colour_text(c["colour"])});
    print_table(std::cout, {label("id"), label("name"), label("sex"), label("age"), label("id_number"),
                            label("village"), label("categories"), label("colour")},
                table);
    std::cout << i18n::trf("共 {} 名儿童，第 {} / {} 页\n", "{} children, page {} of {}\n", found.total, found.page,
                           std::max(found.pages, 1));
  });
}

void add_child_edit(CLI::App& child, Context& context) {
  auto* edit = child.add_subcommand("edit", tr("修改档案字段", "change profile fields"));
  auto edit_ref = std::make_shared<std::string>();
  auto edit_sets = std::make_shared<std::vector<std::string>>();
  auto edit_fields = std::make_shared<std::map<std::string, std::string>>();
  edit->add_option("child", *edit_ref, child_help())->required();
  edit->add_option("--set", *edit_sets,
                   tr("字段=值，可重复（如 --set school=王集中心小学）",
                      "FIELD=VALUE, repeatable (e.g. --set school=王集中心小学)"));
  add_field_options(edit, child_fields(), /*entry=*/false, *edit_fields);
  edit->callback([&context, edit_ref, edit_sets, edit_fields] {
    Station& station = context.open();
    auto sets = parse_assignments(*edit_sets);
    sets.insert(edit_fields->begin(), edit_fields->end());
    context.check(edit_child(station, *edit_ref, sets));
    if (context.json) context.print_json({{"id", context.take(resolve_child(station, *edit_ref))}, {"changed", sets}});
    else std::cout << tr("已保存\n", "saved\n");
  });
}

void add_child_close(CLI::App& child, Context& context) {
  auto* close = child.add_subcommand("close", tr("结案（写明原因；档案不删除）", "close a file with a reason"));
  auto close_ref = std::make_shared<std::string>();
  auto close_reason = std::make_shared<std::string>();
  auto close_note = std::make_shared<std::string>();
  close->add_option("child", *close_ref, child_help())->required();
  choice_option(close->add_option("--reason", *close_reason, tr("结案原因", "why the file closes"))->required(),
                Vocabulary::CloseReason);
  close->add_option("--note", *close_note,
                    tr("说明（误录作废时必填）", "a note (needed when the file was entered in error)"));
  close->callback([&context, close_ref, close_reason, close_note] {
    Station& station = context.open();
    context.check(close_child(station, *close_ref, *close_reason, *close_note));
    if (context.json) context.print_json({{"id", context.take(resolve_child(station, *close_ref))}, {"status", "closed"}});
    else std::cout << tr("已结案\n", "file closed\n");
  });

  auto* reopen = child.add_subcommand("reopen", tr("重新开案（督导员或县级）", "reopen a closed file (supervisor or county)"));
  auto reopen_ref = std::make_shared<std::string>();
  auto reopen_reason = std::make_shared<std::string>();
  reopen->add_option("child", *reopen_ref, child_help())->required();
  reopen->add_option("--reason", *reopen_reason, tr("重新开案的原因", "why the file reopens"))->required();
  reopen->callback([&context, reopen_ref, reopen_reason] {
    Station& station = context.open();
    context.check(reopen_child(station, *reopen_ref, *reopen_reason));
    if (context.json) context.print_json({{"id", context.take(resolve_child(station, *reopen_ref))}, {"status", "open"}});
    else std::cout << tr("已重新开案\n", "file reopened\n");
  });
}

// child category add, child category end.
void add_category_change(CLI::App& category, Context& context, bool adding) {
  auto* sub =
      category.add_subcommand(adding ? "add" : "end", adding ? tr("自某日起增加一个类别", "add a category from a date")
                                                             : tr("于某日结束一个类别", "end a category on a date"));
  auto ref = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto date = std::make_shared<std::string>();
  auto reason = std::make_shared<std::string>();
  sub->add_option("child", *ref, child_help())->required();
  choice_option(sub->add_option("--category", *name, tr("类别", "the category"))->required(), Vocabulary::Category);
  sub->add_option(adding ? "--from" : "--to", *date, tr("日期（默认今天）", "date (default today)"));
  sub->add_option("--reason", *reason, adding ? tr("原因（可不填）", "why (optional)") : tr("结束原因", "why it ends"))
      ->required(!adding);
  sub->callback([&context, ref, name, date, reason, adding] {
    Station& station = context.open();
    std::optional<Date> on;
    if (!date->empty()) {
      on = Date::parse(*date);
      if (!on) context.check(Status::invalid(adding ? "from" : "to", tr("不是有效日期（YYYY-MM-DD）", "not a valid date (YYYY-MM-DD)")));
    }
    context.check(adding ? add_membership(station, *ref, *name, on, *reason)
                         : end_membership(station, *ref, *name, on, *reason));
    if (context.json) context.print_json({{"id", context.take(resolve_child(station, *ref))}, {"category", *name}});
    else std::cout << tr("已保存\n", "saved\n");
  });
}

void add_relative_add(CLI::App& relative, Context& context) {
  auto* radd = relative.add_subcommand("add", tr("添加父母、祖辈、其他亲属或受委托监护人",
                                                 "add a parent, grandparent, relative or the entrusted guardian"));
  auto radd_ref = std::make_shared<std::string>();
  auto radd_fields = std::make_shared<std::map<std::string, std::string>>();
  radd->add_option("child", *radd_ref, child_help())->required();
  add_field_options(radd, relative_fields(), /*entry=*/true, *radd_fields);
  radd->callback([&context, radd_ref, radd_fields] {
    Station& station = context.open();
    std::string id = context.take(add_relative(station, *radd_ref, *radd_fields));
    if (context.json) context.print_json({{"id", id}});
    else std::cout << id << "\n";
  });
}

void add_relative_edit(CLI::App& relative, Context& context) {
  auto* redit = relative.add_subcommand("edit", tr("修改家庭成员的字段", "change a relative's fields"));
  auto redit_ref = std::make_shared<std::string>();
  auto redit_sets = std::make_shared<std::vector<std::string>>();
  auto redit_fields = std::make_shared<std::map<std::string, std::string>>();
  redit
      ->add_option("relative", *redit_ref,
                   tr("家庭成员编号（或其唯一前缀，见 child show）", "the relative's id (or a unique prefix)"))
      ->required();
  redit->add_option("--set", *redit_sets, tr("字段=值，可重复", "FIELD=VALUE, repeatable"));
  add_field_options(redit, relative_fields(), /*entry=*/false, *redit_fields);
  redit->callback([&context, redit_ref, redit_sets, redit_fields] {
    Station& station = context.open();
    auto sets = parse_assignments(*redit_sets);
    sets.insert(redit_fields->begin(), redit_fields->end());
    context.check(edit_relative(station, *redit_ref, sets));
    if (context.json) context.print_json({{"id", *redit_ref}, {"changed", sets}});
    else std::cout << tr("已保存\n", "saved\n");
  });
}

}  // namespace

void register_child_commands(CLI::App& app, Context& context) {
  auto* child = app.add_subcommand("child", tr("儿童档案", "child files"));
  child->require_subcommand(1);
  add_child_add(*child, context);
  add_child_show(*child, context);
  add_child_list(*child, context);
  add_child_find(*child, context);
  add_child_edit(*child, context);
  add_child_close(*child, context);
  auto* category = child->add_subcommand("category", tr("类别记录", "category memberships"));
  category->require_subcommand(1);
  for (bool adding : {true, false}) add_category_change(*category, context, adding);

  auto* relative = app.add_subcommand("relative", tr("家庭成员与监护人", "the family and the entrusted guardian"));
  relative->require_subcommand(1);
  add_relative_add(*relative, context);
  add_relative_edit(*relative, context);
}

}  // namespace tongdang::cli
