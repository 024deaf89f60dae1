// The county's console through the real programs: `tongdang-server user add … --password-stdin` and `user passwd`
// as the county's administrator runs them, then `serve`, which answers the console's pages on the sync API's own
// listener, and a sign-in over HTTP as a browser makes it.
#include <catch2/catch.hpp>

#include <cctype>
#include <regex>

#include <fmt/format.h>

#include "support/cli_harness.h"
#include "support/http_probe.h"
#include "support/server_process.h"

using namespace tongdang;
using test::RawConnection;
using test::raw_request;
using test::RunResult;
using test::ScratchDir;
using test::server_cli;
using test::ServerProcess;

namespace {

RunResult server_with_input(const ScratchDir& dir, const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> full{"--db", dir.file("central.db")};
  full.insert(full.end(), args.begin(), args.end());
  return test::run_program(TONGDANG_SERVER_CLI, full, dir.path(), {"TONGDANG_NOW=2026-11-28", "LANG=C.UTF-8"}, input);
}

// A form value percent-encoded (every byte but letters and digits).
std::string web_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

// The value of cookie `name` among a response's Set-Cookie lines ("" when not set).
std::string cookie_of(const test::RawResponse& response, const std::string& name) {
  auto it = response.headers.find("set-cookie");
  if (it == response.headers.end()) return {};
  std::smatch m;
  if (!std::regex_search(it->second, m, std::regex(name + "=([0-9a-f]+)"))) return {};
  return m[1];
}

// GET /login, then POST it with the form's CSRF token and the pre-session cookie, as a browser does.
test::RawResponse sign_in(int port, const std::string& user, const std::string& password) {
  RawConnection get(port);
  REQUIRE(get.send_all(raw_request("GET", "/login", "", "")));
  test::RawResponse form = get.read_response(std::chrono::seconds(10));
  REQUIRE(form.status == 200);
  std::smatch m;
  REQUIRE(std::regex_search(form.body, m, std::regex(R"re(name="csrf" value="([0-9a-f]{64})")re")));
  const std::string body = "user=" + web_encode(user) + "&password=" + web_encode(password) + "&csrf=" + m[1].str();
  RawConnection post(port);
  REQUIRE(post.send_all(raw_request("POST", "/login",
                                    "Content-Type: application/x-www-form-urlencoded\r\nCookie: tongdang_pre=" +
                                        cookie_of(form, "tongdang_pre") + "\r\n",
                                    body)));
  return post.read_response(std::chrono::seconds(10));
}

}  // namespace

TEST_CASE("CLI console: user add --password-stdin makes a console user, user passwd changes the password, and "
          "serve signs them in on the sync listener",
          "[console][cli]") {
  ScratchDir dir;
  REQUIRE(server_cli(dir, {"init", "--county", "320324", "--name", "睢宁县未保中心"}).exit_code == 0);
  RunResult added = server_with_input(dir, {"user", "add", "张主任", "--role", "county", "--password-stdin"},
                                      "县中心的密码789\n");
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(added.out.find("已建立县级控制台用户 张主任") != std::string::npos);
  CHECK(added.out.find("令牌") == std::string::npos);  // a console user holds no token

  RunResult supervisor = server_with_input(
      dir, {"user", "add", "李芳", "--role", "supervisor", "--township", "320324102", "--password-stdin"},
      "督导员的密码123\n");
  CHECK(supervisor.exit_code == 2);
  CHECK(supervisor.err.find("控制台只供县级用户使用") != std::string::npos);
  RunResult short_password =
      server_with_input(dir, {"user", "add", "刘县", "--role", "county", "--password-stdin"}, "short\n");
  CHECK(short_password.exit_code == 2);
  CHECK(short_password.err.find("密码至少 8 个字符") != std::string::npos);
  RunResult nobody = server_with_input(dir, {"user", "passwd", "无此人", "--password-stdin"}, "无此人的密码0000\n");
  CHECK(nobody.exit_code == 4);
  RunResult changed =
      server_with_input(dir, {"user", "passwd", "张主任", "--password-stdin"}, "新的县中心密码000\n");
  INFO(changed.err);
  CHECK(changed.exit_code == 0);

  ServerProcess server(dir, {"--listen", "127.0.0.1:0", "--insecure"});
  // A page of the console without a session goes to the sign-in form, with the console's headers.
  RawConnection home(server.port);
  REQUIRE(home.send_all(raw_request("GET", "/", "", "")));
  const test::RawResponse to_login = home.read_response(std::chrono::seconds(10));
  CHECK(to_login.status == 303);
  CHECK(to_login.headers.count("content-security-policy") == 1);
  CHECK(sign_in(server.port, "张主任", "县中心的密码789").status == 401);  // the old password
  const test::RawResponse signed_in = sign_in(server.port, "张主任", "新的县中心密码000");
  REQUIRE(signed_in.status == 303);
  const std::string session = cookie_of(signed_in, "tongdang_session");
  REQUIRE(session.size() == 64);
  CHECK(signed_in.headers.at("set-cookie").find("HttpOnly") != std::string::npos);
  RawConnection page(server.port);
  REQUIRE(page.send_all(raw_request("GET", "/", "Cookie: tongdang_session=" + session + "\r\n", "")));
  const test::RawResponse coverage = page.read_response(std::chrono::seconds(10));
  CHECK(coverage.status == 200);
  CHECK(coverage.body.find("睢宁县 覆盖情况") != std::string::npos);
  // The sync API on the same listener is untouched: no token, 401 in JSON.
  RawConnection hello(server.port);
  REQUIRE(hello.send_all(raw_request("POST", "/v1/sync/hello", "Content-Type: application/json\r\n", "{}")));
  const test::RawResponse refused = hello.read_response(std::chrono::seconds(10));
  CHECK(refused.status == 401);
  CHECK(refused.headers.at("content-type").find("application/json") == 0);
}
