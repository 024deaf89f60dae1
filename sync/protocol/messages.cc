// The wire catalogue's lookup (messages.h).
#include "sync/protocol/messages.h"

#include <array>

namespace tongdang::sync::messages {

std::span<const MessageText* const> all() {
  static constexpr std::array<const MessageText*, 32> kAll = {
      &kRecordIdNotUuid,   &kRoleMayNotWrite,         &kRoleAboveToken,     &kAuthorMismatch,
      &kEventClaimMismatch, &kEventIdMismatch,        &kChildUnknown,       &kEventTownshipNotChilds,
      &kLeadVillageOutside, &kLeadUnknown,            &kEventTownshipNotLeads, &kResolveNeedsSupervisor,
      &kConflictUnknown,   &kConflictOtherTownship,   &kCountyTransfer,     &kRecordUnknown,
      &kNewChildNeedsPlace, &kVillageOutsideTownship, &kBreaksConstraint,
      &kEventNeedsRole,    &kFieldNeedsRole,          &kMergeNeedsCounty,
      &kMergeNotCandidate, &kMergeAlreadyMerged,      &kMergeSurvivorLower, &kMergeFieldNotTakeable,
      &kMergeUnknown,      &kTransferNeedsSupervisor, &kTransferDestination, &kAlreadyTransferred,
      &kSetIdInvalid,      &kNotAgedOut,
  };
  return kAll;
}

const MessageText* find(std::string_view code) {
  if (const MessageText* base = find_base_message(code)) return base;
  for (const MessageText* text : all())
    if (text->code == code) return text;
  return nullptr;
}

}  // namespace tongdang::sync::messages
