// The command line in the reader's language (command_line.h).
#include "command_line.h"

#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/model/labels.h"
#include "terminal_width.h"

namespace tongdang::cli {
namespace {

using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

// CLI11's help in the reader's language. CLI11 asks its formatter for the words it prints ("Usage", "REQUIRED",
// the value types); the option group ("Options") and positional names are printed as declared, so they are
// translated here. Subcommand headings come from App::group (localize()).
class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter() {
    if (i18n::language() != i18n::Lang::Zh) return;
    for (auto [word, zh] : {std::pair{"Usage", "用法"},
                            {"OPTIONS", "选项"},
                            {"SUBCOMMAND", "子命令"},
                            {"SUBCOMMANDS", "子命令"},
                            {"Positionals", "参数"},
                            {"REQUIRED", "必填"},
                            {"Env", "环境变量"},
                            {"Needs", "需要"},
                            {"Excludes", "不能与之同用"},
                            {"TEXT", "文本"},
                            {"INT", "整数"},
                            {"UINT", "非负整数"},
                            {"FLOAT", "数"},
                            {"BOOLEAN", "是/否"}})
      label(word, zh);
  }

  std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
    return CLI::Formatter::make_group(group == "Options" ? tr("选项", "Options") : group, is_positional,
                                      std::move(opts));
  }

  // A positional's name is never typed (its value is), so help shows what it is: 儿童, 线索, 编号 …
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    if (is_positional) return i18n::label(opt->get_name(true, false));
    return CLI::Formatter::make_option_name(opt, is_positional);
  }

  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    return line(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    return line(sub->get_display_name(true), sub->get_description());
  }

 private:
  // CLI11's two columns, aligned by display width (a Chinese character is two columns wide, three bytes long).
  std::string line(const std::string& name, const std::string& description) const {
    std::string out = "  " + name;
    const std::size_t width = display_width(out);
    if (!description.empty()) {
      out += width >= column_width_ ? "\n" + std::string(column_width_, ' ') : std::string(column_width_ - width, ' ');
      for (char c : description) {
        out += c;
        if (c == '\n') out += std::string(column_width_, ' ');
      }
    }
    return out + "\n";
  }
};

// The deepest subcommand the command line reached: the one whose help explains the error.
const CLI::App* reached(const CLI::App& app) {
  const CLI::App* at = &app;
  for (auto subcommands = at->get_subcommands(); !subcommands.empty(); subcommands = at->get_subcommands())
    at = subcommands.back();
  return at;
}

// "tongdang visit add": the command as typed, for "run … --help".
std::string command_path(const CLI::App* at) {
  std::string path;
  for (; at; at = at->get_parent()) path = at->get_name() + (path.empty() ? "" : " " + path);
  return path;
}

// The option or positional called `name` where the command line reached, or in a command above it (a global option).
const CLI::Option* find_option(const CLI::App* at, const std::string& name) {
  for (; at; at = at->get_parent())
    if (const CLI::Option* option = at->get_option_no_throw(name)) return option;
  return nullptr;
}

// How an option is named in a message: "--kind" as typed; a positional by what it is, "儿童（child）".
std::string shown_name(const CLI::App* at, const std::string& name) {
  const CLI::Option* option = find_option(at, name);
  if (!option || !option->get_positional()) return name;
  const std::string shown = i18n::label(name);
  return shown == name ? name : trf("{}（{}）", "{} ({})", shown, name);
}

std::string_view after(std::string_view text, std::string_view prefix) {
  return text.starts_with(prefix) ? text.substr(prefix.size()) : std::string_view();
}

// The option a CLI11 message starts with ("--date: 1 required TEXT missing", "--x was given …").
std::string leading_name(std::string_view message) {
  auto end = message.find_first_of(": ");
  return std::string(message.substr(0, end));
}

std::string required_message(const CLI::App* at, std::string_view message) {
  if (message == "A subcommand is required" ||
      (message.starts_with("Requires at least") && message.find("subcommands") != std::string_view::npos)) {
    std::string names;
    for (const CLI::App* sub : at->get_subcommands([](const CLI::App* s) { return !s->get_name().empty(); }))
      names += (names.empty() ? "" : tr("、", ", ")) + sub->get_name();
    // A word left over is usually a subcommand mistyped ("tongdang visti").
    if (auto left = at->remaining(); !left.empty())
      return trf("“{}”不是“{}”的子命令；可用的子命令：{}", "'{}' is not a subcommand of '{}'; the subcommands are: {}",
                 left.front(), command_path(at), names);
    return trf("“{}”后面需要一个子命令：{}", "'{}' needs a subcommand: {}", command_path(at), names);
  }
  constexpr std::string_view kIsRequired = " is required";
  if (message.ends_with(kIsRequired)) {
    const std::string name(message.substr(0, message.size() - kIsRequired.size()));
    const CLI::Option* option = find_option(at, name);
    const std::string description = option ? option->get_description() : std::string();
    return description.empty() ? trf("缺少必填项 {}", "{} is required", shown_name(at, name))
                               : trf("缺少必填项 {}：{}", "{} is required: {}", shown_name(at, name), description);
  }
  return trf("缺少必填项：{}", "missing: {}", message);
}

std::string mismatch_message(const CLI::App* at, std::string_view message) {
  if (message.find(" was given a disallowed flag override") != std::string_view::npos)
    return trf("{} 是开关，不接受取值", "{} is a flag and takes no value", shown_name(at, leading_name(message)));
  if (auto rest = after(message, "Expected "); !rest.empty()) {
    auto to = rest.find(" to ");
    auto got = rest.find(", got");
    if (to != std::string_view::npos && got != std::string_view::npos && got > to)
      return trf("{} 的取值个数不对", "{}: wrong number of values",
                 shown_name(at, std::string(rest.substr(to + 4, got - to - 4))));
  }
  const std::string name = leading_name(message);
  if (message.find(" missing") != std::string_view::npos)
    return trf("{} 后面缺少取值", "{} needs a value", shown_name(at, name));
  return trf("{} 的取值个数不对", "{}: wrong number of values", shown_name(at, name));
}

std::string conversion_message(const CLI::App* at, std::string_view message) {
  if (auto rest = after(message, "Could not convert: "); !rest.empty()) {
    auto equals = rest.find(" = ");
    const std::string name(rest.substr(0, equals));
    const std::string value(equals == std::string_view::npos ? std::string_view() : rest.substr(equals + 3));
    const CLI::Option* option = find_option(at, name);
    const std::string type = option ? option->get_type_name() : std::string();
    const char* expected = type == "INT" || type == "UINT" ? tr("整数", "a whole number")
                           : type == "FLOAT"               ? tr("数", "a number")
                                                           : tr("正确的格式", "the right form");
    return trf("{} 的值“{}”不对：应为{}", "{}: '{}' is not {}", shown_name(at, name), value, expected);
  }
  if (message.find("too many inputs for a flag") != std::string_view::npos ||
      message.find("Should be true/false") != std::string_view::npos)
    return trf("{} 是开关，不接受取值", "{} is a flag and takes no value", shown_name(at, leading_name(message)));
  return trf("取值不对：{}", "{}", message);
}

// "A excludes B", "A requires B".
std::string pair_message(const CLI::App* at, std::string_view message, std::string_view verb, const char* zh,
                         const char* en) {
  auto middle = message.find(verb);
  if (middle == std::string_view::npos) return std::string(message);
  return trf(zh, en, shown_name(at, std::string(message.substr(0, middle))),
             shown_name(at, std::string(message.substr(middle + verb.size()))));
}

// The error's kind by its class: CLI11 names some errors after the command that raised them (ExtrasError), so
// Error::get_name() does not tell.
template <typename Kind>
bool is(const CLI::ParseError& error) {
  return dynamic_cast<const Kind*>(&error) != nullptr;
}

std::string parse_error_message(const CLI::App* at, const CLI::ParseError& error) {
  const std::string_view message = error.what();
  if (is<CLI::RequiredError>(error)) return required_message(at, message);
  if (is<CLI::ExtrasError>(error)) {
    // What was left over, in the order typed (CLI11's message lists it backwards).
    const CLI::App* root = at;
    while (root->get_parent()) root = root->get_parent();
    std::string left;
    for (const auto& arg : root->remaining(true)) left += (left.empty() ? "" : " ") + arg;
    auto colon = message.find(": ");
    if (left.empty() && colon != std::string_view::npos) left = message.substr(colon + 2);
    return trf("无法识别的参数：{}", "not understood: {}", left);
  }
  if (is<CLI::ArgumentMismatch>(error)) return mismatch_message(at, message);
  if (is<CLI::ConversionError>(error)) return conversion_message(at, message);
  if (is<CLI::ValidationError>(error)) {
    // "NAME: why": the why is ours (choice_option, one_of_option, range_option), already in the reader's language.
    auto colon = message.find(": ");
    if (colon == std::string_view::npos) return std::string(message);
    return trf("{}：{}", "{}: {}", shown_name(at, std::string(message.substr(0, colon))), message.substr(colon + 2));
  }
  if (is<CLI::ExcludesError>(error))
    return pair_message(at, message, " excludes ", "{} 与 {} 不能同时使用", "{} and {} cannot be used together");
  if (is<CLI::RequiresError>(error))
    return pair_message(at, message, " requires ", "{} 需要同时给出 {}", "{} needs {} too");
  return trf("命令行有误：{}", "{}", message);
}

}  // namespace

i18n::Lang choose_language(int argc, const char* const* argv) {
  std::optional<std::string_view> asked;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    if (arg == "--lang" && i + 1 < argc)
      asked = argv[++i];
    else if (arg.starts_with("--lang="))
      asked = arg.substr(std::string_view("--lang=").size());
  }
  for (const char* variable : {"TONGDANG_LANG", "LANG"}) {
    if (asked) break;
    if (const char* value = std::getenv(variable); value && *value) asked = value;
  }
  const i18n::Lang lang = i18n::language_from(asked.value_or(""));
  i18n::set_language(lang);
  return lang;
}

void localize(CLI::App& app) {
  app.formatter(std::make_shared<HelpFormatter>());
  app.set_help_flag("-h,--help", tr("显示本帮助并退出", "Print this help message and exit"));
  // `--version` prints "PROGRAM VERSION" (the package test and a county's support desk read it); the version is
  // the project's, given by CMake.
  if (app.get_parent() == nullptr)
    app.set_version_flag("--version", app.get_name() + " " + TONGDANG_VERSION,
                         tr("显示版本并退出", "Print the version and exit"));
  app.group(tr("子命令", "Subcommands"));
  app.footer(
      tr("在任一命令后加 --help 可查看该命令的用法。需要选择的取值（角色、类别、风险等级、走访方式 …）"
         "可以写中文，也可以写英文代码。",
         "Add --help after any command for its usage. Choices (role, category, colour, kind of visit …) may "
         "be typed in Chinese or as their English codes."));
}

CLI::Option* choice_option(CLI::Option* option, Vocabulary vocabulary) {
  const bool zh = i18n::language() == i18n::Lang::Zh;
  std::string shown;
  for (const Choice& choice : choices(vocabulary))
    shown += (shown.empty() ? "" : "|") + std::string(zh ? choice.zh : choice.key);
  option->type_name(shown);
  option->transform(CLI::Validator(
      [vocabulary](std::string& value) -> std::string {
        auto key = parse_choice(vocabulary, value);
        if (!key) return not_a_choice(vocabulary, value).str();
        value = std::string(*key);
        return {};
      },
      "", std::string(info(vocabulary).name)));
  // The default as the choices are shown: its label in Chinese, its key in English (what help lists).
  if (zh && !option->get_default_str().empty()) option->default_str(i18n::label(vocabulary, option->get_default_str()));
  return option;
}

CLI::Option* one_of_option(CLI::Option* option, std::initializer_list<const char*> words) {
  std::vector<std::string> allowed(words.begin(), words.end());
  std::string shown;
  std::string listed;
  for (const auto& word : allowed) {
    shown += (shown.empty() ? "" : "|") + word;
    listed += (listed.empty() ? "" : tr("、", ", ")) + word;
  }
  option->type_name(shown);
  option->check(CLI::Validator(
      [allowed, listed](std::string& value) -> std::string {
        for (const auto& word : allowed)
          if (value == word) return {};
        return trf("“{}”不是可选值；可选：{}", "'{}' is not one of: {}", value, listed);
      },
      "", ""));
  return option;
}

CLI::Option* range_option(CLI::Option* option, long long min, long long max) {
  option->type_name(trf("整数 {}–{}", "INT {}–{}", min, max));
  option->check(CLI::Validator(
      [min, max](std::string& value) -> std::string {
        long long number = 0;
        auto [end, failed] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (failed == std::errc() && end == value.data() + value.size() && number >= min && number <= max) return {};
        return trf("应为 {} 到 {} 的整数", "must be a whole number from {} to {}", min, max);
      },
      "", ""));
  return option;
}

int report_parse_error(const CLI::App& app, const CLI::ParseError& error, std::ostream& err) {
  const CLI::App* at = reached(app);
  err << tr("错误：", "error: ") << parse_error_message(at, error) << "\n"
      << trf("运行 {} --help 查看用法\n", "run {} --help for its usage\n", command_path(at));
  return exit_code(Code::InvalidInput);
}

}  // namespace tongdang::cli
