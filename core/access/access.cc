#include "core/access/access.h"

#include <algorithm>

#include "core/base/i18n.h"
#include "core/model/division.h"

namespace tongdang::access {

namespace {

// Authority in order (docs/domain.md, "Roles"): a viewer writes nothing; a director works in own villages; a
// supervisor in the township; the county as a supervisor in every township, and more.
int rank(Role role) {
  switch (role) {
    case Role::Viewer: return 0;
    case Role::Director: return 1;
    case Role::Supervisor: return 2;
    case Role::County: return 3;
  }
  return 0;
}

}  // namespace

bool may(Role role, Action action) {
  switch (action) {
    case Action::ReadFiles:
    case Action::WriteFiles:
      return rank(role) >= rank(Role::Director);
    case Action::SeeFullIdNumbers:
    case Action::ManageUsers:
    case Action::ReadAudit:
    case Action::SetPolicy:
    case Action::DecideReviews:
    case Action::AssignCaseWorker:
    case Action::ReviewScreening:
    case Action::ResolveConflict:
    case Action::SeeSupervision:
    case Action::ConfigureSync:
    case Action::ReopenFile:
    case Action::TransferFile:
    case Action::CorrectIdNumber:
      return rank(role) >= rank(Role::Supervisor);
    case Action::ConfirmScreening:
    case Action::MergeDuplicates:
      return role == Role::County;
  }
  return false;
}

std::optional<Action> field_action(std::string_view entity, std::string_view field) {
  if (entity == "child" && field == "case_worker") return Action::AssignCaseWorker;
  return std::nullopt;
}

std::optional<Action> event_action(std::string_view kind) {
  if (kind == "conflict.resolve") return Action::ResolveConflict;
  if (kind == "case_worker.assign") return Action::AssignCaseWorker;
  if (kind == "file.reopen") return Action::ReopenFile;
  if (kind == "file.merge" || kind == "file.unmerge") return Action::MergeDuplicates;
  if (kind == "file.transfer") return Action::TransferFile;
  if (kind == "child.set_id") return Action::CorrectIdNumber;
  return std::nullopt;
}

bool within(Role claimed, Role ceiling) { return rank(claimed) <= rank(ceiling); }

bool may_set_password(Role actor_role, std::string_view actor, Role target_role, std::string_view target) {
  if (actor == target) return true;
  switch (actor_role) {
    case Role::County: return true;
    case Role::Supervisor: return target_role == Role::Director || target_role == Role::Viewer;
    case Role::Director:
    case Role::Viewer: return false;
  }
  return false;
}

bool may_give_first_password(Role actor_role, Role target_role) {
  return may(actor_role, Action::ManageUsers) && within(target_role, actor_role);
}

bool bounded_by_villages(Role role) { return role == Role::Director; }

bool bounded_by_township(Role role) { return role == Role::Director || role == Role::Supervisor; }

bool covers_township(const Scope& scope, std::string_view township) {
  if (!scope.county.empty() && (township.size() != 9 || township.substr(0, 6) != scope.county)) return false;
  return scope.township.empty() || scope.township == township;
}

bool covers_village(const Scope& scope, std::string_view village) {
  return covers_village(scope.role, scope.villages, village);
}

bool covers_village(Role role, const std::vector<std::string>& villages, std::string_view village) {
  if (!bounded_by_villages(role)) return true;
  return std::find(villages.begin(), villages.end(), village) != villages.end();
}

Status check_villages(Role role, std::string_view township, const std::vector<std::string>& villages) {
  if (bounded_by_villages(role) && villages.empty())
    return Status::invalid("villages", i18n::tr("儿童主任需要指定负责的村(居)", "a director needs villages"));
  for (const auto& village : villages) {
    auto checked = check_village_code(village, "villages");
    if (!checked) return checked.status();
    if (village.substr(0, 9) != township)
      return Status::invalid("villages", i18n::trf("村(居)代码 {} 不属于乡镇 {}", "village {} is not in township {}",
                                                   village, township));
  }
  return Status::ok();
}

Vouch vouch(const Credential& credential, std::optional<Role> claimed_role, std::string_view claimed_actor) {
  if (!claimed_role || !may(*claimed_role, Action::WriteFiles)) return Vouch::RoleMayNotWrite;
  if (!within(*claimed_role, credential.role)) return Vouch::RoleAboveCredential;
  if (!credential.person.empty() && claimed_actor != credential.person) return Vouch::NotTheCredentialsPerson;
  return Vouch::Vouched;
}

}  // namespace tongdang::access
