// core/access: the roles table (docs/user-guide.md "Roles", docs/workflow.md) and the scope rules
// (docs/sync-protocol.md "Security and scope") as a table of role x action and role x scope, without a database.
#include <catch2/catch.hpp>

#include <array>
#include <map>

#include "core/access/access.h"

using namespace tongdang;
using access::Action;

namespace {

constexpr Role kRoles[] = {Role::Viewer, Role::Director, Role::Supervisor, Role::County};

// Who may do what: one row per action, one column per role (viewer, director, supervisor, county).
const std::map<Action, std::array<bool, 4>> kMay = {
    //                             viewer director supervisor county
    {Action::ReadFiles,           {false, true,  true,  true}},  // a viewer: aggregate reports only
    {Action::WriteFiles,          {false, true,  true,  true}},  // register, edit, import, leads, visits
    {Action::SeeFullIdNumbers,    {false, false, true,  true}},  // --full-id, audited
    {Action::ManageUsers,         {false, false, true,  true}},  // user add
    {Action::ReadAudit,           {false, false, true,  true}},  // audit list
    {Action::SetPolicy,           {false, false, true,  true}},  // policy set
    {Action::DecideReviews,       {false, false, true,  true}},  // colour resolve
    {Action::AssignCaseWorker,    {false, false, true,  true}},  // case-worker
    {Action::ReviewScreening,     {false, false, true,  true}},  // step 2, the township
    {Action::ConfirmScreening,    {false, false, false, true}},  // step 3, the county centre
    {Action::ResolveConflict,     {false, false, true,  true}},  // conflicts resolve
    {Action::SeeSupervision,      {false, false, true,  true}},  // supervisor visits and reviews in `due`
    {Action::ConfigureSync,       {false, false, true,  true}},  // the web's sync settings
    {Action::ReopenFile,          {false, false, true,  true}},  // child reopen
    {Action::MergeDuplicates,     {false, false, false, true}},  // duplicates merge / unmerge
};

}  // namespace

TEST_CASE("Access: each role may do what the roles table says, and nothing else", "[access]") {
  for (const auto& [action, allowed] : kMay)
    for (std::size_t r = 0; r < 4; ++r) {
      INFO("action " << static_cast<int>(action) << ", role " << to_string(kRoles[r]));
      CHECK(access::may(kRoles[r], action) == allowed[r]);
    }
}

TEST_CASE("Access: the events and fields that need more than writing files name their action", "[access]") {
  CHECK(access::event_action("conflict.resolve") == Action::ResolveConflict);
  CHECK(access::event_action("case_worker.assign") == Action::AssignCaseWorker);
  CHECK(access::event_action("file.reopen") == Action::ReopenFile);
  CHECK(access::event_action("visit") == std::nullopt);
  CHECK(access::event_action("referral.add") == std::nullopt);  // a director reports and refers
  CHECK(access::field_action("child", "case_worker") == Action::AssignCaseWorker);
  CHECK(access::field_action("child", "school") == std::nullopt);
  CHECK(access::field_action("relative", "case_worker") == std::nullopt);
}

TEST_CASE("Access: roles are ordered viewer < director < supervisor < county", "[access]") {
  for (std::size_t a = 0; a < 4; ++a)
    for (std::size_t b = 0; b < 4; ++b) CHECK(access::within(kRoles[a], kRoles[b]) == (a <= b));
  CHECK(access::kStationTokenRole == Role::Supervisor);
}

TEST_CASE("Access: who may set whose password, and who may give a first one to a user who has none", "[access]") {
  // Someone else's password: one row per actor, one column per target (viewer, director, supervisor, county).
  const std::map<Role, std::array<bool, 4>> kResets = {
      //                 viewer director supervisor county
      {Role::Viewer,     {false, false, false, false}},
      {Role::Director,   {false, false, false, false}},
      {Role::Supervisor, {true,  true,  false, false}},  // a director who forgot theirs; not a fellow supervisor
      {Role::County,     {true,  true,  true,  true}},
  };
  // A first password for a user from before schema 6: whoever adds users, up to their own role.
  const std::map<Role, std::array<bool, 4>> kFirst = {
      {Role::Viewer,     {false, false, false, false}},
      {Role::Director,   {false, false, false, false}},
      {Role::Supervisor, {true,  true,  true,  false}},
      {Role::County,     {true,  true,  true,  true}},
  };
  for (std::size_t a = 0; a < 4; ++a)
    for (std::size_t t = 0; t < 4; ++t) {
      INFO(to_string(kRoles[a]) << " sets a " << to_string(kRoles[t]) << "'s password");
      CHECK(access::may_set_password(kRoles[a], "甲", kRoles[t], "乙") == kResets.at(kRoles[a])[t]);
      CHECK(access::may_set_password(kRoles[a], "甲", kRoles[t], "甲"));  // one's own, whatever the role
      CHECK(access::may_give_first_password(kRoles[a], kRoles[t]) == kFirst.at(kRoles[a])[t]);
    }
}

TEST_CASE("Access: scope is the county, then the token's township, then a director's villages", "[access]") {
  const access::Scope county{Role::County, "320324", "", {}};
  const access::Scope supervisor{Role::Supervisor, "320324", "320324102", {}};
  const access::Scope director{Role::Director, "320324", "320324102", {"320324102203"}};

  CHECK(access::covers_township(county, "320324102"));
  CHECK(access::covers_township(county, "320324103"));
  CHECK_FALSE(access::covers_township(county, "320325102"));  // another county
  CHECK_FALSE(access::covers_township(county, "3203241"));    // not a township code

  CHECK(access::covers_township(supervisor, "320324102"));
  CHECK_FALSE(access::covers_township(supervisor, "320324103"));
  CHECK(access::covers_township(director, "320324102"));

  // Villages bound only a director; the others are bounded by township alone.
  CHECK(access::covers_village(director, "320324102203"));
  CHECK_FALSE(access::covers_village(director, "320324102204"));
  CHECK(access::covers_village(supervisor, "320324102204"));
  CHECK(access::covers_village(county, "320324103204"));
  CHECK(access::bounded_by_villages(Role::Director));
  for (Role role : {Role::Viewer, Role::Supervisor, Role::County}) CHECK_FALSE(access::bounded_by_villages(role));
  CHECK(access::bounded_by_township(Role::Director));
  CHECK(access::bounded_by_township(Role::Supervisor));
  CHECK_FALSE(access::bounded_by_township(Role::County));
  CHECK_FALSE(access::bounded_by_township(Role::Viewer));

  // A station's user has no county in its scope: the station is one township already.
  CHECK(access::covers_township({Role::Supervisor, "", "", {}}, "320324102"));
  CHECK(access::covers_village(Role::Director, {"320324102203"}, "320324102203"));
  CHECK_FALSE(access::covers_village(Role::Director, {"320324102203"}, "320324102205"));
}

TEST_CASE("Access: a director needs villages, and every village is in the township", "[access]") {
  CHECK(access::check_villages(Role::Director, "320324102", {"320324102203", "320324102204"}).is_ok());
  CHECK(access::check_villages(Role::Director, "320324102", {}).code() == Code::InvalidInput);
  CHECK(access::check_villages(Role::Director, "320324102", {"320324103204"}).code() == Code::InvalidInput);
  CHECK(access::check_villages(Role::Director, "320324102", {"3203241022"}).code() == Code::InvalidInput);
  CHECK(access::check_villages(Role::Supervisor, "320324102", {}).is_ok());
  CHECK(access::check_villages(Role::County, "", {}).is_ok());
}

TEST_CASE("Access: a credential vouches for an author within it, never above it", "[access]") {
  const access::Credential station{access::kStationTokenRole, ""};
  const access::Credential director{Role::Director, "王强"};

  // A station's credential speaks for any of its users, up to a supervisor.
  CHECK(access::vouch(station, Role::Director, "王强") == access::Vouch::Vouched);
  CHECK(access::vouch(station, Role::Supervisor, "李芳") == access::Vouch::Vouched);
  CHECK(access::vouch(station, Role::County, "县中心") == access::Vouch::RoleAboveCredential);
  // A viewer, or a role nobody knows, writes nothing.
  CHECK(access::vouch(station, Role::Viewer, "张三") == access::Vouch::RoleMayNotWrite);
  CHECK(access::vouch(station, std::nullopt, "张三") == access::Vouch::RoleMayNotWrite);
  // A personal credential speaks for its own person only.
  CHECK(access::vouch(director, Role::Director, "王强") == access::Vouch::Vouched);
  CHECK(access::vouch(director, Role::Director, "李芳") == access::Vouch::NotTheCredentialsPerson);
  CHECK(access::vouch(director, Role::Supervisor, "王强") == access::Vouch::RoleAboveCredential);
}
