// tongdang init, tongdang user add|list (user passwd is in sign_in_commands.cc). Each new user gets a password here:
// typed twice on the terminal, or --password-stdin (Context::new_password).

#include "command_line.h"
#include "context.h"
#include "core/base/i18n.h"
#include "core/model/labels.h"
#include "core/base/text_list.h"
#include "core/model/division.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language

Role role_named(const std::string& text) {
  auto role = parse_role(text);
  if (!role)
    throw CommandFailed{Status::invalid("role", i18n::trf("'{}' 不是角色（director、supervisor、county、viewer）",
                                                          "'{}' is not a role (director, supervisor, county, viewer)",
                                                          text))};
  return *role;
}

void add_init(CLI::App& app, Context& context) {
  auto* init = app.add_subcommand("init", tr("建立站点数据库（站点初始化）", "create a station database"));
  auto init_options = std::make_shared<Station::InitOptions>();
  auto init_role = std::make_shared<std::string>("supervisor");
  auto init_villages = std::make_shared<std::string>();
  auto policy_file = std::make_shared<std::string>();
  init->add_option("--township", init_options->township,
                   tr("9 位乡镇代码，如 320324102", "9-digit township code, e.g. 320324102"))
      ->required();
  init->add_option("--name", init_options->name, tr("站点名称，如 王集镇未保站", "station name, e.g. 王集镇未保站"))
      ->required();
  init->add_option("--user", init_options->user, tr("第一个用户的姓名", "the first user's name"))->required();
  choice_option(init->add_option("--role", *init_role, tr("第一个用户的角色", "the first user's role")),
                Vocabulary::Role);
  init->add_option(
      "--villages", *init_villages,
      tr("儿童主任负责的村(居)，逗号分隔的 12 位代码", "a director's villages, comma-separated 12-digit codes"));
  init->add_option(
      "--policy", *policy_file,
      tr("县级政策 JSON（默认内置的默认政策）", "county policy JSON (default: the bundled default policy)"));
  init->callback([&context, init_options, init_role, init_villages, policy_file] {
    init_options->role = role_named(*init_role);
    init_options->villages = split_list(*init_villages);
    if (!policy_file->empty()) context.policy_file_for_init = *policy_file;
    context.before_init();
    init_options->password = context.new_password(init_options->user);
    auto station = context.take(Station::create(context.db_path, *init_options, process_clock()));
    context.station = std::move(station);
    context.signed_in = true;  // the first user has just chosen the password
    context.after_init();
    const Township* township = Divisions::bundled().township(init_options->township);
    if (context.json) {
      context.print_json({{"station_id", context.station->station_id()},
                          {"township", init_options->township},
                          {"name", init_options->name},
                          {"db", context.db_path}});
    } else {
      std::cout << i18n::trf("已建立站点 {}（{} {}），数据库 {}；用户 {}（{}）\n",
                             "created station {} ({} {}), database {}; user {} ({})\n", init_options->name,
                             init_options->township, township ? township->name : std::string("?"), context.db_path,
                             init_options->user, label(to_string(init_options->role)));
    }
  });
}

void add_user_add(CLI::App& user, Context& context) {
  auto* add = user.add_subcommand("add", tr("添加用户（仅督导员和县级）", "add a user (supervisor or county only)"));
  auto new_user = std::make_shared<User>();
  auto new_role = std::make_shared<std::string>();
  auto new_villages = std::make_shared<std::string>();
  add->add_option("name", new_user->name, tr("用户姓名", "the user's name"))->required();
  choice_option(add->add_option("--role", *new_role, tr("角色", "role")), Vocabulary::Role)->required();
  add->add_option(
      "--villages", *new_villages,
      tr("儿童主任负责的村(居)，逗号分隔的 12 位代码", "a director's villages, comma-separated 12-digit codes"));
  add->callback([&context, new_user, new_role, new_villages] {
    Station& station = context.open();
    new_user->role = role_named(*new_role);
    new_user->villages = split_list(*new_villages);
    context.check(station.add_user(*new_user, context.new_password(new_user->name)));
    if (context.json)
      context.print_json({{"name", new_user->name}, {"role", to_string(new_user->role)}, {"villages", new_user->villages}});
    else
      std::cout << i18n::trf("已添加用户 {}（{}）\n", "added user {} ({})\n", new_user->name,
                             label(to_string(new_user->role)));
  });
}

void add_user_list(CLI::App& user, Context& context) {
  auto* list = user.add_subcommand("list", tr("用户列表", "list users"));
  list->callback([&context] {
    Station& station = context.open();
    auto users = station.users();
    if (context.json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& u : users) out.push_back({{"name", u.name}, {"role", to_string(u.role)}, {"villages", u.villages}});
      context.print_json(out);
      return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& u : users) {
      std::string villages;
      for (const auto& v : u.villages) villages += (villages.empty() ? "" : ",") + v;
      rows.push_back({u.name, label(to_string(u.role)), villages});
    }
    print_table(std::cout, {label("name"), label("role"), label("villages")}, rows);
  });
}

}  // namespace

void register_station_commands(CLI::App& app, Context& context) {
  add_init(app, context);
  auto* user = app.add_subcommand("user", tr("站点用户", "station users"));
  user->require_subcommand(1);
  add_user_add(*user, context);
  add_user_list(*user, context);
}

}  // namespace tongdang::cli
