#include "context.h"

#include <algorithm>

#include "core/base/i18n.h"
#include "core/store/sign_in.h"
#include "core/workflow/children.h"
#include "password_input.h"
#include "session_file.h"

namespace tongdang::cli {
namespace {

using i18n::trf;

// Why `user` cannot sign in at all, with what to do about it: a user from before schema 6 has no password yet.
Status no_password(Station& station, const std::string& user) {
  if (sign_in::no_one_has_password(station))
    return Status::unauthenticated(trf(
        "本站还没有任何用户设置密码（从旧版本升级而来）：请建站用户 {0} 先运行 tongdang user passwd 设置自己的密码，"
        "再为其他用户设置",
        "no user of this station has a password yet (it was upgraded from an older version): {0}, who created the "
        "station, first runs tongdang user passwd to set theirs, then sets the others'",
        station.default_user()));
  return Status::unauthenticated(trf("用户 {0} 还没有密码：请督导员或县级用户运行 tongdang user passwd {0} 为其设置",
                                     "user {0} has no password yet: a supervisor or county user runs tongdang user "
                                     "passwd {0} to set it",
                                     user));
}

}  // namespace

Station& Context::open_unsigned() {
  if (!station) station = take(Station::open(db_path, process_clock()));
  return *station;
}

Station& Context::open() {
  Station& opened = open_unsigned();
  if (signed_in) return opened;
  // A live `tongdang login` session of the chosen user stands in for the password.
  const std::string path = session_file_path(db_path);
  std::optional<Status> lapsed;
  if (auto kept = take(read_session_file(path));
      kept && (as_user.empty() || kept->user == as_user) && kept->db == absolute_db_path(db_path)) {
    auto resumed = sign_in::resume_session(opened, kept->token, sign_in::SessionKind::Cli);
    if (resumed && resumed->user == kept->user) {
      signed_in = true;
      settle_day();
      return opened;
    }
    // Lapsed, ended elsewhere (a reset password ends sessions) or not this file's: the file opens nothing more.
    remove_session_file(path);
    lapsed = resumed ? Status::unauthenticated(i18n::tr("登录会话文件与会话不符", "the session file does not match "
                                                                                   "its session"))
                     : resumed.status();
  }
  if (lapsed && env_password.empty() && !password_stdin && !PasswordInput(false).can_prompt())
    check(*lapsed);  // nothing else to sign in with: say why the session no longer serves
  return open_with_password();
}

Station& Context::open_with_password() {
  Station& opened = open_unsigned();
  const std::string user = as_user.empty() ? opened.default_user() : as_user;
  // A user known to have no password is told how to get one, rather than that the password is wrong. (On the
  // station's own computer the names are no secret: `user list` shows them.)
  if (opened.find_user(user) && !sign_in::has_password(opened, user)) check(no_password(opened, user));
  std::optional<std::string> password;
  if (!env_password.empty()) {
    password = env_password;
  } else {
    PasswordInput input(password_stdin);
    password = input.next(i18n::edge::trf("{} 的密码：", "password for {}: ", user));
  }
  if (!password)
    check(Status::unauthenticated(trf(
        "需要 {0} 的密码：在终端上运行时输入；脚本用环境变量 TONGDANG_PASSWORD 或 --password-stdin 提供；"
        "或先运行 tongdang login --as {0}",
        "the password of {0} is needed: type it when running on a terminal; scripts give it in TONGDANG_PASSWORD or "
        "with --password-stdin; or run tongdang login --as {0} first",
        user)));
  check(sign_in::authenticate(opened, user, *password));
  signed_in = true;
  settle_day();
  return opened;
}

void Context::settle_day() {
  auto closed = take(settle_aged_out(*station));
  if (!closed.empty())
    warn(trf("{} 份档案的最后一个类别已到龄，已自动以“超龄”结案（tongdang child list --closed 可查看）",
             "{} files whose last category reached its age limit closed themselves as aged out (tongdang child "
             "list --closed shows them)", closed.size()));
}

std::string Context::new_password(const std::string& user) {
  auto password = read_new_password(user, password_stdin);
  check(password.status());
  return std::move(password).value();
}

void Context::check(const Status& status) const {
  if (!status) throw CommandFailed{status};
}

void Context::print_json(const nlohmann::json& value) const {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void Context::warn(const std::string& message) const {
  std::cerr << (i18n::language() == i18n::Lang::Zh ? "提示：" : "warning: ") << message << "\n";
}

void print_table(std::ostream& out, const std::vector<std::string>& headers,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) widths[c] = display_width(headers[c]);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], display_width(row[c]));
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < headers.size(); ++c) {
      const std::string& cell = c < row.size() ? row[c] : std::string();
      line += cell;
      if (c + 1 < headers.size()) line += std::string(widths[c] - display_width(cell) + 2, ' ');
    }
    out << line << "\n";
  };
  print_row(headers);
  std::vector<std::string> rule;
  for (std::size_t w : widths) rule.emplace_back(w, '-');
  print_row(rule);
  for (const auto& row : rows) print_row(row);
}

std::map<std::string, std::string> parse_assignments(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CommandFailed{Status::invalid("set", i18n::trf("'{}' 应写成 字段=值", "'{}' must be FIELD=VALUE", item))};
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

}  // namespace tongdang::cli
