// A case worker typed into the child's profile (`child edit --set case_worker=…`) counts at once: the child's
// derived state and the coverage report see it without waiting for the child's next workflow event.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/db/sqlite.h"
#include "support/cli_harness.h"

using nlohmann::json;
using tongdang::test::ScratchDir;
using tongdang::test::Tongdang;

namespace {

// child_state's case worker and minimum-plan flag of the station's only child, read as the reports read them.
std::pair<std::optional<std::string>, std::int64_t> derived_case_worker(const Tongdang& tongdang) {
  tongdang::db::Database db(tongdang.db(), tongdang::db::Database::Mode::ReadWrite);
  auto query = db.prepare("SELECT case_worker, care_plan_met FROM child_state");
  REQUIRE(query.step());
  return {query.get_optional_text(0), query.get_int(1)};
}

json care_totals(const Tongdang& tongdang) {
  auto report = tongdang({"--json", "report", "coverage"});
  REQUIRE(report.exit_code == 0);
  return json::parse(report.out)["totals"]["care"];
}

}  // namespace

TEST_CASE("CLI: child edit --set case_worker refreshes the child's derived state at once", "[cli][case-worker]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(tongdang.login().exit_code == 0);  // the supervisor's commands use a session (cli_harness.h)
  const std::string child = "320412201007010045";
  REQUIRE(tongdang({"child", "add", "--name", "乙", "--id-number", child, "--village", "320324102203"}).exit_code == 0);
  // Red (trigger R3) with a safety measure: the red minimum plan (one guardianship or safety measure and a named
  // case worker, the default policy) lacks only the case worker.
  REQUIRE(tongdang({"assess", child, "--trigger", "R3"}).exit_code == 0);
  REQUIRE(tongdang({"care", "add", child, "--area", "SAFETY", "--item", "安全监护"}).exit_code == 0);
  CHECK(derived_case_worker(tongdang) == std::make_pair(std::optional<std::string>(), std::int64_t{0}));
  CHECK(care_totals(tongdang)["red_yellow"] == 1);
  CHECK(care_totals(tongdang)["minimum_plan_met"] == 0);

  REQUIRE(tongdang({"child", "edit", child, "--set", "case_worker=周社工"}).exit_code == 0);
  CHECK(derived_case_worker(tongdang) == std::make_pair(std::optional<std::string>("周社工"), std::int64_t{1}));
  CHECK(care_totals(tongdang)["minimum_plan_met"] == 1);

  // Cleared again: the plan is short of its case worker once more.
  REQUIRE(tongdang({"child", "edit", child, "--set", "case_worker="}).exit_code == 0);
  CHECK(derived_case_worker(tongdang) == std::make_pair(std::optional<std::string>(), std::int64_t{0}));
  CHECK(care_totals(tongdang)["minimum_plan_met"] == 0);
}

// Bug (issue 12): `case-worker` refused a director, but `child edit --set case_worker=…` let one name the case worker.
// The field needs the same authority as the command (access::field_action), on the station and at the server.
TEST_CASE("Bug: a director could set case_worker through child edit", "[cli][case-worker][bug]") {
  ScratchDir dir;
  Tongdang tongdang(dir);
  REQUIRE(tongdang({"init", "--township", "320324102", "--name", "王集镇未保站", "--user", "李芳"}).exit_code == 0);
  REQUIRE(tongdang({"user", "add", "王强", "--role", "director", "--villages", "320324102201"}).exit_code == 0);
  const std::string child = "320412201007010045";
  REQUIRE(tongdang({"child", "add", "--name", "乙", "--id-number", child, "--village", "320324102201"}).exit_code == 0);

  auto by_command = tongdang({"--as", "王强", "case-worker", child, "周社工"});
  CHECK(by_command.exit_code != 0);
  auto by_edit = tongdang({"--as", "王强", "child", "edit", child, "--set", "case_worker=周社工"});
  CHECK(by_edit.exit_code == by_command.exit_code);
  CHECK(by_edit.err.find("不能填写个案负责人") != std::string::npos);
  // Nor at registration.
  auto at_add = tongdang({"--as", "王强", "child", "add", "--name", "丙", "--id-number", "32032420140315012X",
                          "--village", "320324102201", "--case-worker", "周社工"});
  CHECK(at_add.exit_code != 0);
  CHECK(at_add.err.find("个案负责人") != std::string::npos);
  // Nothing was written: the profile still names no case worker; the director's other edits still work.
  CHECK(json::parse(tongdang({"--json", "child", "show", child}).out).value("case_worker", json()).is_null());
  CHECK(tongdang({"--as", "王强", "child", "edit", child, "--set", "school=王集中心小学"}).exit_code == 0);
  // The supervisor may.
  CHECK(tongdang({"child", "edit", child, "--set", "case_worker=周社工"}).exit_code == 0);
  CHECK(json::parse(tongdang({"--json", "child", "show", child}).out)["case_worker"] == "周社工");
}
