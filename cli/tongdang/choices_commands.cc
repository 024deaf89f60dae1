// tongdang choices [VOCABULARY]: every word a choice option accepts (core/model/choices.h), so a user can look up
// what to type offline: the code, the Chinese and English labels, and the other words accepted.
#include <iostream>

#include "command_line.h"
#include "context.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"

namespace tongdang::cli {
namespace {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;
using nlohmann::json;

// The vocabularies asked for: one by its name or title (visit_kind, 走访方式, kind of visit), or all.
std::vector<VocabularyInfo> asked(const std::string& name) {
  std::vector<VocabularyInfo> out;
  for (const auto& v : vocabularies())
    if (name.empty() || v.name == name || v.zh == name || v.en == name) out.push_back(v);
  if (out.empty()) {
    std::string names;
    for (const auto& v : vocabularies()) names += (names.empty() ? "" : tr("、", ", ")) + std::string(v.name);
    throw CommandFailed{Status::not_found(
        i18n::trf("没有叫“{}”的词表；词表有：{}", "no vocabulary called '{}'; the vocabularies are: {}", name, names))};
  }
  return out;
}

void print_choices(const Context& context, const std::vector<VocabularyInfo>& shown) {
  if (context.json) {
    json out = json::array();
    for (const auto& v : shown) {
      json list = json::array();
      for (const Choice& c : choices(v.vocabulary))
        list.push_back({{"key", c.key}, {"zh", c.zh}, {"en", c.en}, {"synonyms", synonyms_of(c)}});
      out.push_back({{"vocabulary", v.name}, {"zh", v.zh}, {"en", v.en}, {"choices", list}});
    }
    context.print_json(out);
    return;
  }
  const bool zh = i18n::language() == i18n::Lang::Zh;
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : shown)
    for (const Choice& c : choices(v.vocabulary)) {
      std::string also;
      for (auto word : synonyms_of(c)) {
        if (!also.empty()) also += tr("、", ", ");
        also += word;
      }
      rows.push_back({trf("{}（{}）", "{} ({})", zh ? v.zh : v.en, v.name), std::string(c.key), std::string(c.zh),
                      std::string(c.en), also});
    }
  print_table(std::cout,
              {tr("词表", "vocabulary"), tr("代码", "code"), tr("中文", "Chinese"), tr("英文", "English"),
               tr("也可以写", "also accepted")},
              rows);
}

}  // namespace

void register_choices_commands(CLI::App& app, Context& context) {
  auto* command = app.add_subcommand("choices", tr("需要选择的取值：代码、中文、英文和也可以写的词",
                                                   "the words a choice accepts: code, Chinese, English, others"));
  auto name = std::make_shared<std::string>();
  command->add_option("vocabulary", *name,
                      tr("只列这个词表（如 visit_kind 或 走访方式；默认全部）",
                         "only this vocabulary (e.g. visit_kind or 走访方式; default all)"));
  command->callback([&context, name] { print_choices(context, asked(*name)); });
}

}  // namespace tongdang::cli
