// Signing in on the CLI (docs/security.md "Signing in", docs/user-guide.md "登录"), through the real binary: passwords
// set at init and user add (standard input or typed twice on a terminal), acting as a user needs that user's
// password (exit 5 and nothing done otherwise), user passwd, login sessions in a 0600 file, throttled failures, and
// the way into a station upgraded from before passwords (schema 6).
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "core/db/sqlite.h"
#include "core/store/station.h"
#include "core/db/schema.h"
#include "support/cli_harness.h"

using nlohmann::json;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;

namespace {

constexpr const char* kSupervisorPassword = "督导员的密码123";
constexpr const char* kDirectorPassword = "主任的密码456";
const std::vector<std::string> kInit = {"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"};
const std::vector<std::string> kAddChild = {"child", "add", "--name", "张小明", "--id-number", "32032420140315012X",
                                            "--village", "320324102203", "--category", "LEFT_BEHIND"};

std::string as(const std::string& password) { return "TONGDANG_PASSWORD=" + password; }
const std::string kNoPassword = "TONGDANG_PASSWORD=";

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::int64_t count(const std::string& db_path, const std::string& sql) {
  tongdang::db::Database db(db_path, tongdang::db::Database::Mode::ReadWrite);
  auto query = db.prepare(sql);
  REQUIRE(query.step());
  return query.get_int(0);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

mode_t mode_of(const std::string& path) {
  struct stat info{};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

// 李芳 (supervisor, kSupervisorPassword) and 王强 (director of 320324102203, kDirectorPassword), one child.
void station_of_two(const Tongdang& tongdang) {
  REQUIRE(tongdang(with(kInit, {"--password-stdin"}), {kNoPassword}, std::string(kSupervisorPassword) + "\n")
              .exit_code == 0);
  // No TONGDANG_PASSWORD: standard input holds the acting supervisor's password, then the new director's.
  REQUIRE(tongdang({"user", "add", "王强", "--role", "director", "--villages", "320324102203", "--password-stdin"},
                   {kNoPassword}, std::string(kSupervisorPassword) + "\n" + kDirectorPassword + "\n")
              .exit_code == 0);
  REQUIRE(tongdang(kAddChild, {as(kSupervisorPassword)}).exit_code == 0);
}

}  // namespace

TEST_CASE("CLI sign-in: init sets the password from standard input, and a command needs it (wrong: exit 5, nothing "
          "written)",
          "[cli][sign-in]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  // The trailing \r\n of a file saved on Windows is not part of the password.
  REQUIRE(tongdang(with(kInit, {"--password-stdin"}), {kNoPassword}, std::string(kSupervisorPassword) + "\r\n")
              .exit_code == 0);
  const std::string hash_query = "SELECT count(*) FROM users WHERE name = '李芳' AND password_hash LIKE '$argon2id$%'";
  CHECK(count(tongdang.db(), hash_query) == 1);
  CHECK(count(tongdang.db(), std::string("SELECT count(*) FROM users WHERE password_hash LIKE '%") +
                                 kSupervisorPassword + "%'") == 0);

  CHECK(tongdang(kAddChild, {as(kSupervisorPassword)}).exit_code == 0);
  const std::string children = "SELECT count(*) FROM children";
  const std::string audit_rows = "SELECT count(*) FROM audit WHERE action <> 'user.sign_in_failed'";
  const std::int64_t audited = count(tongdang.db(), audit_rows);

  auto wrong = tongdang({"child", "add", "--name", "李小红", "--id-number", "320412201007010045", "--village",
                         "320324102203", "--category", "LEFT_BEHIND"},
                        {as("督导员的密码124")});
  CHECK(wrong.exit_code == 5);
  CHECK(wrong.err.find("用户名或密码不正确") != std::string::npos);
  CHECK(wrong.out.empty());
  CHECK(count(tongdang.db(), children) == 1);
  CHECK(count(tongdang.db(), audit_rows) == audited);  // nothing but the failure itself is recorded
  CHECK(count(tongdang.db(), "SELECT count(*) FROM audit WHERE action = 'user.sign_in_failed'") == 1);

  // No password anywhere (no terminal, no TONGDANG_PASSWORD, no --password-stdin): exit 5, saying how to give one.
  auto none = tongdang({"child", "list"}, {kNoPassword});
  CHECK(none.exit_code == 5);
  CHECK(none.err.find("需要 李芳 的密码") != std::string::npos);
  CHECK(none.err.find("TONGDANG_PASSWORD") != std::string::npos);
  // --password-stdin gives the acting user's password on the first line.
  auto piped = tongdang({"--json", "child", "list", "--password-stdin"}, {kNoPassword},
                        std::string(kSupervisorPassword) + "\n");
  REQUIRE(piped.exit_code == 0);
  CHECK(json::parse(piped.out).size() == 1);
  // In English too.
  auto english = tongdang({"--lang", "en", "child", "list"}, {as("wrong password")});
  CHECK(english.exit_code == 5);
  CHECK(english.err.find("wrong user name or password") != std::string::npos);

  // What opens no station needs no password.
  CHECK(tongdang({"--help"}, {kNoPassword}).exit_code == 0);
  CHECK(tongdang({"user", "--help"}, {kNoPassword}).exit_code == 0);
}

TEST_CASE("CLI sign-in: init refuses a short password or none, and writes nothing", "[cli][sign-in]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  auto short_one = tongdang(with(kInit, {"--password-stdin"}), {}, std::string("1234567\n"));
  CHECK(short_one.exit_code == 2);
  CHECK(short_one.err.find("密码 (password)") != std::string::npos);
  CHECK(short_one.err.find("密码至少 8 个字符") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tongdang.db()));

  auto same_as_name = tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "lifang-2026",
                                "--password-stdin"},
                               {}, std::string("lifang-2026\n"));
  CHECK(same_as_name.exit_code == 2);
  CHECK(same_as_name.err.find("密码不能与用户名相同") != std::string::npos);

  // Standard input is neither a terminal nor --password-stdin: nothing to read a password from.
  auto none = tongdang(kInit, {}, std::string());
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("需要为 李芳 设置密码") != std::string::npos);
  auto empty_input = tongdang(with(kInit, {"--password-stdin"}), {}, std::string());
  CHECK(empty_input.exit_code == 2);
  CHECK_FALSE(std::filesystem::exists(tongdang.db()));
}

TEST_CASE("CLI sign-in: --as 李芳 without 李芳's password is refused (a director once claimed the supervisor's name "
          "to see full ID numbers)",
          "[cli][sign-in]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  station_of_two(tongdang);
  const std::string full_id_reads = "SELECT count(*) FROM audit WHERE action LIKE '%full_id%'";
  const std::int64_t reads_before = count(tongdang.db(), full_id_reads);

  // The director's own password does not make them the supervisor.
  auto claimed = tongdang({"--as", "李芳", "child", "list", "--full-id"}, {as(kDirectorPassword)});
  CHECK(claimed.exit_code == 5);
  CHECK(claimed.err.find("用户名或密码不正确") != std::string::npos);
  CHECK(claimed.out.find("32032420140315012X") == std::string::npos);
  CHECK(count(tongdang.db(), full_id_reads) == reads_before);
  // TONGDANG_USER is --as by another name.
  CHECK(tongdang({"child", "list", "--full-id"}, {"TONGDANG_USER=李芳", as(kDirectorPassword)}).exit_code == 5);

  // As themselves, the director is refused by the role rule (exit 3), and sees masked numbers.
  CHECK(tongdang({"--as", "王强", "child", "list", "--full-id"}, {as(kDirectorPassword)}).exit_code == 3);
  auto masked = tongdang({"--as", "王强", "child", "list"}, {as(kDirectorPassword)});
  REQUIRE(masked.exit_code == 0);
  CHECK(masked.out.find("32032420140315012X") == std::string::npos);
  // The supervisor, with her own password, sees them.
  auto full = tongdang({"--as", "李芳", "child", "list", "--full-id"}, {as(kSupervisorPassword)});
  REQUIRE(full.exit_code == 0);
  CHECK(full.out.find("32032420140315012X") != std::string::npos);
}

TEST_CASE("CLI sign-in: user passwd changes one's own, a supervisor resets a director's, a director not a "
          "supervisor's",
          "[cli][sign-in]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  station_of_two(tongdang);
  const std::vector<std::string> director_lists = {"--as", "王强", "child", "list"};

  // Own, with TONGDANG_PASSWORD for signing in: standard input's first line is then the new password.
  REQUIRE(tongdang({"--as", "王强", "user", "passwd", "--password-stdin"}, {as(kDirectorPassword)},
                   std::string("王强的新密码789\n"))
              .exit_code == 0);
  CHECK(tongdang(director_lists, {as(kDirectorPassword)}).exit_code == 5);
  CHECK(tongdang(director_lists, {as("王强的新密码789")}).exit_code == 0);

  // Too short: refused naming the field, the password unchanged.
  auto short_one = tongdang({"--as", "王强", "user", "passwd", "--password-stdin"}, {as("王强的新密码789")},
                            std::string("short\n"));
  CHECK(short_one.exit_code == 2);
  CHECK(short_one.err.find("密码至少 8 个字符") != std::string::npos);
  CHECK(tongdang(director_lists, {as("王强的新密码789")}).exit_code == 0);

  // A director may not reset the supervisor's, and is told so before being asked for a new one.
  auto refused = tongdang({"--as", "王强", "user", "passwd", "李芳", "--password-stdin"}, {as("王强的新密码789")},
                          std::string("夺取督导员的密码\n"));
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("不能设置李芳") != std::string::npos);
  CHECK(tongdang({"child", "list"}, {as(kSupervisorPassword)}).exit_code == 0);
  CHECK(tongdang({"child", "list"}, {as("夺取督导员的密码")}).exit_code == 5);

  // The supervisor resets the director's (a forgotten password): the old one stops working.
  REQUIRE(tongdang({"user", "passwd", "王强", "--password-stdin"}, {kNoPassword},
                   std::string(kSupervisorPassword) + "\n督导员重置的密码\n")
              .exit_code == 0);
  CHECK(tongdang(director_lists, {as("王强的新密码789")}).exit_code == 5);
  CHECK(tongdang(director_lists, {as("督导员重置的密码")}).exit_code == 0);
  // Each change is audited, who set it included, never the password or its hash.
  auto audit = tongdang({"--json", "audit", "list", "--action", "user.password"}, {as(kSupervisorPassword)});
  REQUIRE(audit.exit_code == 0);
  CHECK(json::parse(audit.out).size() == 4);  // init, user add, 王强's own, 李芳's reset
  CHECK(audit.out.find("$argon2id$") == std::string::npos);
  CHECK(audit.out.find("督导员重置的密码") == std::string::npos);
}

TEST_CASE("CLI sign-in: on a terminal the password is typed twice without echo, and the two must match",
          "[cli][sign-in]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  const std::string password = "在终端输入的密码";
  auto mismatch = tongdang.on_terminal(kInit, {{"李芳 的新密码：", password + "\n"},
                                               {"再输入一次新密码：", "另一个不同的密码\n"}});
  CHECK(mismatch.exit_code == 2);
  CHECK(mismatch.out.find("两次输入的密码不一致") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tongdang.db()));

  auto created = tongdang.on_terminal(kInit, {{"李芳 的新密码：", password + "\n"},
                                              {"再输入一次新密码：", password + "\n"}});
  INFO(created.out);
  REQUIRE(created.exit_code == 0);
  CHECK(created.out.find("已建立站点") != std::string::npos);
  CHECK(created.out.find(password) == std::string::npos);  // never echoed

  // Acting as 李芳 later: asked once, on the terminal, without echo.
  auto listed = tongdang.on_terminal({"user", "list"}, {{"李芳 的密码：", password + "\n"}});
  INFO(listed.out);
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("儿童督导员") != std::string::npos);
  CHECK(listed.out.find(password) == std::string::npos);
  auto wrong = tongdang.on_terminal({"user", "list"}, {{"李芳 的密码：", "不是这个密码\n"}});
  CHECK(wrong.exit_code == 5);
  CHECK(wrong.out.find("用户名或密码不正确") != std::string::npos);
}

TEST_CASE("CLI sign-in: login keeps a session in a 0600 file that later commands use, and logout ends it",
          "[cli][sign-in]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  station_of_two(tongdang);
  const std::string session_file = tongdang.db() + ".session";

  auto login = tongdang({"--as", "王强", "login"}, {as(kDirectorPassword)});
  REQUIRE(login.exit_code == 0);
  CHECK(login.out.find("已登录：王强") != std::string::npos);
  REQUIRE(std::filesystem::exists(session_file));
  CHECK(mode_of(session_file) == 0600);
  const json kept = json::parse(read_text(session_file));
  CHECK(kept["user"] == "王强");
  CHECK(kept["db"] == std::filesystem::canonical(tongdang.db()).string());
  const std::string token = kept["token"];
  CHECK(token.size() == 64);
  CHECK(read_text(session_file).find(kDirectorPassword) == std::string::npos);
  // The database holds the token's hash, not the token.
  CHECK(count(tongdang.db(), "SELECT count(*) FROM sessions WHERE user = '王强' AND kind = 'cli'") == 1);
  CHECK(count(tongdang.db(), "SELECT count(*) FROM sessions WHERE token_hash = '" + token + "'") == 0);

  // No password now: the session's user acts (a director: masked numbers, no --full-id).
  auto listed = tongdang({"child", "list"}, {kNoPassword});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find("张小明") != std::string::npos);
  CHECK(tongdang({"child", "list", "--full-id"}, {kNoPassword}).exit_code == 3);
  CHECK(tongdang({"--as", "王强", "visit", "add", "32032420140315012X", "--date", "2026-11-28", "--kind", "home"},
                 {kNoPassword})
            .exit_code == 0);
  // The session is 王强's only: acting as 李芳 still needs her password.
  CHECK(tongdang({"--as", "李芳", "child", "list"}, {kNoPassword}).exit_code == 5);
  CHECK(tongdang({"--as", "李芳", "child", "list"}, {as(kSupervisorPassword)}).exit_code == 0);

  // A session file others may read is refused, whatever else is given.
  std::filesystem::permissions(session_file, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  auto exposed = tongdang({"child", "list"}, {kNoPassword});
  CHECK(exposed.exit_code == 5);
  CHECK(exposed.err.find("0640") != std::string::npos);
  CHECK(exposed.err.find("tongdang logout") != std::string::npos);
  std::filesystem::permissions(session_file, std::filesystem::perms::others_read, std::filesystem::perm_options::add);
  CHECK(tongdang({"child", "list"}, {kNoPassword}).exit_code == 5);
  std::filesystem::permissions(session_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
  CHECK(tongdang({"child", "list"}, {kNoPassword}).exit_code == 0);

  // Logout ends the session in the database and removes the file; a copy of the token opens nothing.
  const std::string copy = read_text(session_file);
  auto logout = tongdang({"logout"}, {kNoPassword});
  REQUIRE(logout.exit_code == 0);
  CHECK(logout.out.find("已退出登录：王强") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(session_file));
  CHECK(count(tongdang.db(), "SELECT count(*) FROM sessions") == 0);
  CHECK(tongdang({"child", "list"}, {kNoPassword}).exit_code == 5);
  {
    std::ofstream restore(session_file);
    restore << copy;
  }
  std::filesystem::permissions(session_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
  auto replayed = tongdang({"child", "list"}, {kNoPassword});
  CHECK(replayed.exit_code == 5);
  CHECK(replayed.err.find("登录已过期") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(session_file));  // a file that opens nothing is removed
  CHECK(tongdang({"logout"}, {kNoPassword}).exit_code == 0);  // nothing to end: still fine

  // A supervisor's reset of 王强's password ends his sessions too.
  REQUIRE(tongdang({"--as", "王强", "login"}, {as(kDirectorPassword)}).exit_code == 0);
  REQUIRE(tongdang({"--as", "李芳", "user", "passwd", "王强", "--password-stdin"}, {as(kSupervisorPassword)},
                   std::string("督导员重置的密码\n"))
              .exit_code == 0);
  CHECK(tongdang({"child", "list"}, {kNoPassword}).exit_code == 5);
}

TEST_CASE("CLI sign-in: repeated failures are slowed down, even for the right password", "[cli][sign-in]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  station_of_two(tongdang);
  const std::vector<std::string> director_lists = {"--as", "王强", "child", "list"};
  for (int i = 0; i < 3; ++i) {
    auto guess = tongdang(director_lists, {as("guess-number-" + std::to_string(i))});
    CHECK(guess.exit_code == 5);
    CHECK(guess.err.find("用户名或密码不正确") != std::string::npos);
  }
  // Right after the third failure, even the right password must wait (2 s after the last failure).
  auto waiting = tongdang(director_lists, {as(kDirectorPassword)});
  CHECK(waiting.exit_code == 5);
  CHECK(waiting.err.find("登录失败次数过多") != std::string::npos);
  CHECK(waiting.out.empty());
  CHECK(count(tongdang.db(), "SELECT failures FROM sign_in_failures WHERE name = '王强'") == 3);
  // Others are not slowed by 王强's failures.
  CHECK(tongdang({"child", "list"}, {as(kSupervisorPassword)}).exit_code == 0);
  // Once the wait has passed (moved back here rather than slept), the right password signs in and clears the count.
  tongdang::db::Database(tongdang.db(), tongdang::db::Database::Mode::ReadWrite)
      .exec("UPDATE sign_in_failures SET last_ms = last_ms - 60000");
  CHECK(tongdang(director_lists, {as(kDirectorPassword)}).exit_code == 0);
  CHECK(count(tongdang.db(), "SELECT count(*) FROM sign_in_failures") == 0);
}

TEST_CASE("CLI sign-in: a station from before passwords: its default user sets the first one, then the others'",
          "[cli][sign-in]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  {
    // A station as an older tongdang left it: schema 5, users without passwords.
    tongdang::Station::InitOptions options;
    options.township = "320324102";
    options.name = "王集镇未保站";
    options.user = "李芳";  // a supervisor, and no password: the library's default, as before schema 6
    auto created = tongdang::Station::create(tongdang.db(), options, tongdang::process_clock());
    REQUIRE(created);
    REQUIRE(created.value()->add_user({"王强", tongdang::Role::Director, {"320324102203"}}));
    REQUIRE(created.value()->add_user({"周敏", tongdang::Role::Supervisor, {}}));
  }
  tongdang::db::Database(tongdang.db(), tongdang::db::Database::Mode::ReadWrite)
      .exec("DROP INDEX audit_record; DROP TABLE sessions; DROP TABLE sign_in_failures; DROP TABLE due_rank; DROP TABLE sent_changes; "
            "DROP INDEX events_referral; "
            "ALTER TABLE users DROP COLUMN password_hash; "
            "UPDATE meta SET value = '5' WHERE key = 'schema_version'");

  // Nobody can sign in yet: each command says who sets the first password, and how.
  auto blocked = tongdang({"child", "list"}, {as(kSupervisorPassword)});
  CHECK(blocked.exit_code == 5);
  CHECK(blocked.err.find("本站还没有任何用户设置密码") != std::string::npos);
  CHECK(blocked.err.find("李芳 先运行 tongdang user passwd") != std::string::npos);
  CHECK(count(tongdang.db(), "SELECT value FROM meta WHERE key = 'schema_version'") == tongdang::schema::latest_version());  // migrated on open
  // Only the station's default user, and only for their own password.
  CHECK(tongdang({"--as", "王强", "user", "passwd", "--password-stdin"}, {kNoPassword}, std::string("王强自己设的密码\n"))
            .exit_code == 5);
  CHECK(tongdang({"user", "passwd", "王强", "--password-stdin"}, {kNoPassword}, std::string("王强自己设的密码\n"))
            .exit_code == 5);
  auto first = tongdang({"user", "passwd", "--password-stdin"}, {kNoPassword},
                        std::string(kSupervisorPassword) + "\n");
  REQUIRE(first.exit_code == 0);
  CHECK(first.out.find("本站从此需要登录") != std::string::npos);
  CHECK(count(tongdang.db(), "SELECT count(*) FROM audit WHERE action = 'user.password' AND entity_id = '李芳' "
                             "AND json_extract(after, '$.without_sign_in') = 1") == 1);
  // The way in closes behind her: a second try without signing in is an ordinary sign-in, and fails.
  CHECK(tongdang({"user", "passwd", "--password-stdin"}, {kNoPassword}, std::string("另一个人抢先设的\n"))
            .exit_code == 5);
  CHECK(tongdang({"child", "list"}, {as(kSupervisorPassword)}).exit_code == 0);

  // A user still without one is told who sets it.
  auto director = tongdang({"--as", "王强", "child", "list"}, {as(kDirectorPassword)});
  CHECK(director.exit_code == 5);
  CHECK(director.err.find("用户 王强 还没有密码") != std::string::npos);
  // The supervisor gives the director his, and the other supervisor hers (a first one, which a fellow supervisor
  // may give: the same power as adding her anew).
  REQUIRE(tongdang({"user", "passwd", "王强", "--password-stdin"}, {as(kSupervisorPassword)},
                   std::string(kDirectorPassword) + "\n")
              .exit_code == 0);
  REQUIRE(tongdang({"user", "passwd", "周敏", "--password-stdin"}, {as(kSupervisorPassword)},
                   std::string("周敏的第一个密码\n"))
              .exit_code == 0);
  CHECK(tongdang({"--as", "王强", "child", "list"}, {as(kDirectorPassword)}).exit_code == 0);
  CHECK(tongdang({"--as", "周敏", "child", "list"}, {as("周敏的第一个密码")}).exit_code == 0);
  // Once she has one, a fellow supervisor may no longer reset it.
  CHECK(tongdang({"user", "passwd", "周敏", "--password-stdin"}, {as(kSupervisorPassword)}, std::string("再改一次密码\n"))
            .exit_code == 3);
}
