// Who may do what, where: the roles table of docs/domain.md ("Roles") and docs/user-guide.md, and the scope rules of
// docs/sync-protocol.md ("Security and scope"), as pure functions over model values. Every station command and the
// server's merge ask here, so a rule about a role or a scope is written once: a station refuses what the server
// would refuse, and neither holds its own copy of "supervisor or county".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/status.h"
#include "core/model/model.h"

namespace tongdang::access {

// What a person asks to do. Each is one line of the roles table; a command names the action it performs.
enum class Action {
  ReadFiles,          // open a single file, list children, `due`, pending screenings (a viewer: aggregate reports only)
  WriteFiles,         // register and edit children and relatives, import a ledger, record leads, visits, assessments
  SeeFullIdNumbers,   // full ID numbers in files, lists and exports (audited)
  ManageUsers,        // add a station's users
  ReadAudit,          // who opened which file
  SetPolicy,          // load a county policy onto a station
  DecideReviews,      // close colour review items keeping the colour
  AssignCaseWorker,   // name a child's case worker
  ReviewScreening,    // screening step 2: the township's review (approve or return)
  ConfirmScreening,   // screening step 3: categories and colour, by the county centre
  ResolveConflict,    // choose the value of a field two stations edited concurrently
  SeeSupervision,     // supervisor visits and colour review items in `due`
  ConfigureSync,      // the station's county server, token and certificate (where its files are sent)
  ReopenFile,         // reopen a closed file (docs/domain.md "Closure")
  MergeDuplicates,    // merge two files of one child (a duplicate candidate) and undo a merge: the county only
  TransferFile,       // move a file to another township of the county, or close it as moved out of the county
  CorrectIdNumber,    // correct a file's ID number, or give a child without household registration its number
};

// Whether `role` may perform `action` (anywhere in its scope).
bool may(Role role, Action action);

// The action that writing `field` of a record of `entity` ("child", "relative") performs when it needs more than
// WriteFiles: the child's case_worker is named by a supervisor or the county (AssignCaseWorker), whether through
// `case-worker`, `child edit` or a synced profile change. nullopt for an ordinary field.
std::optional<Action> field_action(std::string_view entity, std::string_view field);
// The action that recording an event of `kind` performs when it needs more than WriteFiles (the station refuses
// it before writing, the server's merge refuses it when pushed): conflict.resolve, case_worker.assign, file.reopen,
// file.merge and file.unmerge, file.transfer, child.set_id.
// The colour events are not here: who may lower is the colour rule's (core/rules/colour.h).
std::optional<Action> event_action(std::string_view kind);

// Roles ordered by authority: viewer < director < supervisor < county. `claimed` is within `ceiling` when it is
// not above it (a change's author may claim at most the role of the credential that carries it).
bool within(Role claimed, Role ceiling);

// A station token speaks for the station's users, at most as a supervisor of its township: a change carried by a
// station token can never lower red, which needs the county.
inline constexpr Role kStationTokenRole = Role::Supervisor;

// Where a person or a token may act.
struct Scope {
  Role role = Role::Viewer;
  std::string county;                 // 6 digits; empty: not bounded by county (a station's user: one township)
  std::string township;               // 9 digits; empty: every township of the county
  std::vector<std::string> villages;  // a director's villages (12 digits); others are not bounded by village
};

// Whether `role` is bounded by villages (a director works only in their own villages).
bool bounded_by_villages(Role role);
// Whether `role` works in one township (a director, a supervisor); the county and viewers may span the county.
bool bounded_by_township(Role role);
// Whether `township` lies in the scope: a 9-digit code in the scope's county, and the scope's township if it has one.
bool covers_township(const Scope& scope, std::string_view township);
// Whether `village` lies in the scope's villages; true for every role not bounded by villages (the township is
// checked separately, with covers_township).
bool covers_village(const Scope& scope, std::string_view village);
// The same for a person of `role` given `villages` (a station's user), without building a Scope.
bool covers_village(Role role, const std::vector<std::string>& villages, std::string_view village);

// Checks the villages given to a person of `role` in `township`: a director needs at least one, and every code
// must be a 12-digit village of that township. InvalidInput on "villages" otherwise.
Status check_villages(Role role, std::string_view township, const std::vector<std::string>& villages);

// Whether `actor` (of `actor_role`) may set the password of `target` (of `target_role`): everyone their own; a
// supervisor a director's or a viewer's (a director who forgot theirs); the county anyone's.
bool may_set_password(Role actor_role, std::string_view actor, Role target_role, std::string_view target);
// Whether `actor_role` may give a first password to a user of `target_role` who has none (a user from before
// schema 6): whoever may add users, up to their own role, since adding that user anew with a password is the same
// power. A supervisor so gives one to another supervisor of an upgraded station, never to a county user.
bool may_give_first_password(Role actor_role, Role target_role);

// Who a credential vouches for (docs/security.md, "The body never vouches for itself"): the credential says who
// may write and how high; a change only names an author within that. A personal credential speaks for one person;
// a station's speaks for the station's users.
struct Credential {
  Role role = Role::Viewer;
  std::string person;  // a personal credential's user; empty for a station's
};
enum class Vouch {
  Vouched,           // the claim is within the credential
  RoleMayNotWrite,   // the claimed role is unknown or may not write (a viewer)
  RoleAboveCredential,
  NotTheCredentialsPerson,
};
// A claim above the credential is refused, never lowered to fit: a change that claims more than its credentials is
// a forgery.
Vouch vouch(const Credential& credential, std::optional<Role> claimed_role, std::string_view claimed_actor);

}  // namespace tongdang::access
