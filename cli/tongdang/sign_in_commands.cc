// tongdang login, tongdang logout, tongdang user passwd: signing in on the CLI (docs/security.md "Signing in").
// Every other command signs in through Context::open(); these keep or end a session and change passwords.

#include "context.h"
#include "core/base/i18n.h"
#include "core/base/tuning.h"
#include "core/model/labels.h"
#include "core/store/sign_in.h"
#include "session_file.h"

namespace tongdang::cli {
namespace {

using i18n::label;
using i18n::edge::tr;  // the edge: text rendered in the reader's language
using i18n::edge::trf;

void add_login(CLI::App& app, Context& context) {
  auto* login = app.add_subcommand("login", tr("登录一次，之后的命令沿用这次登录（会话）", "sign in once and keep a session for later commands"));
  login->callback([&context] {
    Station& station = context.open_with_password();
    const std::string path = session_file_path(context.db_path);
    // One file, one session: the one an earlier login left ends (even if its file was exposed).
    if (auto earlier = read_session_file_for_logout(path)) sign_in::end_session(station, earlier->token);
    sign_in::Session session = sign_in::open_session(station, sign_in::SessionKind::Cli);
    if (auto written = write_session_file(path, {absolute_db_path(context.db_path), session.user, session.token});
        !written) {
      sign_in::end_session(station, session.token);
      context.check(written);
    }
    if (context.json) {
      context.print_json({{"user", session.user},
                          {"role", to_string(station.actor().role)},
                          {"session_file", path},
                          {"idle_minutes", tuning::kCliSessionIdleMinutes},
                          {"max_hours", tuning::kCliSessionMaxHours}});
      return;
    }
    std::cout << trf("已登录：{}（{}）。之后的命令不再询问密码，直到 {} 分钟没有使用或登录满 {} 小时；"
                     "用 tongdang logout 退出登录\n",
                     "signed in: {} ({}). Later commands ask for no password until it is unused for {} minutes or "
                     "{} hours old; tongdang logout signs out\n",
                     session.user, label(to_string(station.actor().role)), tuning::kCliSessionIdleMinutes,
                     tuning::kCliSessionMaxHours);
  });
}

void add_logout(CLI::App& app, Context& context) {
  auto* logout = app.add_subcommand("logout", tr("退出登录，结束 login 保留的会话", "end the session that login kept"));
  logout->callback([&context] {
    const std::string path = session_file_path(context.db_path);
    // The token alone ends its session: no password is asked, and a file with the wrong permissions is still
    // ended (its token may have been read, which is the reason to end it).
    const auto kept = read_session_file_for_logout(path);
    if (kept) sign_in::end_session(context.open_unsigned(), kept->token);
    remove_session_file(path);
    if (context.json)
      context.print_json({{"signed_out", kept ? nlohmann::json(kept->user) : nlohmann::json()}});
    else if (kept)
      std::cout << trf("已退出登录：{}\n", "signed out: {}\n", kept->user);
    else
      std::cout << trf("没有登录会话（{}）\n", "no session was kept ({})\n", path);
  });
}

// The first password of a station nobody can sign in to (one from before schema 6): its default user sets their
// own, without signing in (sign_in::set_first_station_password).
void set_first_password(Context& context, const std::string& name) {
  Station& station = context.open_unsigned();
  const std::string first = station.default_user();
  if ((!context.as_user.empty() && context.as_user != first) || (!name.empty() && name != first))
    context.check(Status::unauthenticated(i18n::trf(
        "本站还没有任何用户设置密码：请建站用户 {0} 先运行 tongdang user passwd 设置自己的密码，再为其他用户设置",
        "no user of this station has a password yet: {0}, who created the station, first runs tongdang user passwd "
        "to set theirs, then sets the others'",
        first)));
  context.check(sign_in::set_first_station_password(station, context.new_password(first)));
  context.signed_in = true;
  if (context.json)
    context.print_json({{"user", first}, {"first_on_station", true}});
  else
    std::cout << trf("已设置 {0} 的密码；本站从此需要登录。请为其他用户设置密码：tongdang --as {0} user passwd 姓名\n",
                     "set the password of {0}; this station now needs signing in. Set the other users' passwords: "
                     "tongdang --as {0} user passwd NAME\n",
                     first);
}

void add_user_passwd(CLI::App& user, Context& context) {
  auto* passwd = user.add_subcommand("passwd", tr("修改密码：自己的，或（督导员）儿童主任的", "change a password: your own, or (a supervisor) a director's"));
  auto name = std::make_shared<std::string>();
  passwd->add_option("name", *name, tr("谁的密码（默认自己的）", "whose password (default: your own)"));
  passwd->callback([&context, name] {
    if (sign_in::no_one_has_password(context.open_unsigned())) return set_first_password(context, *name);
    Station& station = context.open();
    const std::string target = name->empty() ? station.actor().name : *name;
    context.check(sign_in::may_set_password(station, target));  // before asking for a password it would refuse
    context.check(sign_in::set_password(station, target, context.new_password(target)));
    if (context.json)
      context.print_json({{"user", target}, {"set_by", station.actor().name}});
    else
      std::cout << trf("已设置 {} 的密码\n", "set the password of {}\n", target);
  });
}

}  // namespace

void register_sign_in_commands(CLI::App& app, Context& context) {
  add_login(app, context);
  add_logout(app, context);
  add_user_passwd(*app.get_subcommand("user"), context);
}

}  // namespace tongdang::cli
