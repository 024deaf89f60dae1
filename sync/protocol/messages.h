// The catalogue of messages that cross the wire: why the server refused a pushed change, by stable code. The
// server sends a rejection as code + arguments (ChangeResult's "message", docs/sync-protocol.md) and stores it so;
// a station renders it from this catalogue in its own language. A code is never reused for another meaning, and a
// new code needs no new station: an older one falls back to the text in the result's "reason".
//
// Formats take their arguments as text (message.h): plain {} or {n} only.
#pragma once

#include <span>
#include <string_view>

#include "core/base/message.h"

namespace tongdang::sync::messages {

// ---- who may write (the token vouches for the author) ----
inline constexpr MessageText kRecordIdNotUuid{"change.id_not_uuid", "记录编号不是 UUID", "the record id is not a UUID"};
inline constexpr MessageText kRoleMayNotWrite{"change.role_may_not_write", "角色 {} 不能写入", "role {} may not write"};
inline constexpr MessageText kRoleAboveToken{"change.role_above_token", "修改者角色 {} 高于令牌的角色 {}",
                                             "the author's role {} is above the token's role {}"};
inline constexpr MessageText kAuthorMismatch{"change.author_mismatch", "修改者 {} 不是令牌的用户 {}",
                                             "the author {} is not the token's user {}"};
// {0}: what differs (role, author, station, stamp, child), {1} the claim, {2} what the credentials vouch for.
inline constexpr MessageText kEventClaimMismatch{"event.claim_mismatch", "事件的{0}“{1}”与凭证不符（应为“{2}”）",
                                                 "the event's {0} \"{1}\" differs from what the credentials vouch for "
                                                 "(\"{2}\")"};
inline constexpr MessageText kEventIdMismatch{"event.id_mismatch", "事件编号与变更不符",
                                              "the event id differs from the change's"};

// ---- where: the records a change names ----
inline constexpr MessageText kChildUnknown{"change.child_unknown", "服务器上没有该儿童档案",
                                           "the server has no file for this child"};
inline constexpr MessageText kEventTownshipNotChilds{"event.township_not_childs", "事件的乡镇与儿童档案的乡镇不符",
                                                     "the event's township differs from the child's"};
inline constexpr MessageText kLeadVillageOutside{"event.lead_village_outside", "线索的村(居)不属于事件的乡镇",
                                                 "the lead's village is not in the event's township"};
inline constexpr MessageText kLeadUnknown{"event.lead_unknown", "服务器上没有该线索", "the server has no such lead"};
inline constexpr MessageText kEventTownshipNotLeads{"event.township_not_leads", "事件的乡镇与线索的乡镇不符",
                                                    "the event's township differs from the lead's"};
inline constexpr MessageText kResolveNeedsSupervisor{"conflict.resolve_needs_supervisor",
                                                     "只有督导员或县级用户可以处理冲突",
                                                     "only a supervisor or the county may resolve a conflict"};
// {0}: the event's kind or the field's name, {1}: the author's role.
inline constexpr MessageText kEventNeedsRole{"event.needs_role", "角色 {1} 不能记录 {0}（需要督导员或县级）",
                                             "role {1} may not record {0} (a supervisor or the county must)"};
inline constexpr MessageText kFieldNeedsRole{"profile.field_needs_role", "角色 {1} 不能填写字段 {0}（需要督导员或县级）",
                                             "role {1} may not set the field {0} (a supervisor or the county must)"};
inline constexpr MessageText kConflictUnknown{"conflict.unknown", "没有这个冲突记录", "no such conflict"};
inline constexpr MessageText kConflictOtherTownship{"conflict.other_township", "冲突不属于该乡镇",
                                                    "the conflict is in another township"};
inline constexpr MessageText kCountyTransfer{"profile.county_transfer",
                                             "跨乡镇迁移须办理转移（tongdang transfer），不能直接修改村(居)",
                                             "moving a child to another township is a transfer (tongdang "
                                             "transfer), not an edit of the village"};
inline constexpr MessageText kRecordUnknown{"profile.record_unknown", "服务器上没有该记录（其新建未被接受）",
                                            "the server has no such record (its creation was not accepted)"};
inline constexpr MessageText kNewChildNeedsPlace{"profile.new_child_needs_place", "新建儿童档案需要乡镇和村(居)",
                                                 "a new child needs township and village"};
inline constexpr MessageText kVillageOutsideTownship{"profile.village_outside_township", "村(居)不属于该乡镇",
                                                     "the village is not in the township"};
// ---- duplicate merges (docs/design.md "Transfers, duplicates, deletion") ----
inline constexpr MessageText kMergeNeedsCounty{"duplicate.merge_needs_county",
                                               "只有县级用户可以合并重复档案或撤销合并",
                                               "only the county merges duplicate files or undoes a merge"};
inline constexpr MessageText kMergeNotCandidate{"duplicate.not_candidate",
                                                "两份档案不属于同一条疑似重复记录（身份证号不同，或记录不符）",
                                                "the two files are not files of one duplicate candidate"};
inline constexpr MessageText kMergeAlreadyMerged{"duplicate.already_merged", "档案 {} 已经合并到另一份档案",
                                                 "file {} is already merged into another file"};
// {0}: the merged-away file's colour, {1}: the survivor's.
inline constexpr MessageText kMergeSurvivorLower{"duplicate.survivor_lower",
                                                 "并入的档案为{0}，高于保留的档案（{1}）：请保留等级更高的档案",
                                                 "the file merged away is {0}, above the survivor ({1}): keep the "
                                                 "higher-graded file"};
inline constexpr MessageText kMergeFieldNotTakeable{"duplicate.field_not_takeable", "合并时不能选取字段 {}",
                                                    "field {} cannot be taken in a merge"};
inline constexpr MessageText kMergeUnknown{"duplicate.merge_unknown", "没有这次合并，或它已经撤销",
                                           "no such merge, or it was already undone"};
// A file closing itself (docs/domain.md "Closure"): the server checks the rule again.
inline constexpr MessageText kNotAgedOut{"close.not_aged_out",
                                         "该儿童在结案日期仍有未到龄的类别（或最后的类别是人工结束的），不能以“超龄”结案",
                                         "on the closing date the child still held a category before its age limit "
                                         "(or the last one was ended by hand): the file cannot close as aged out"};
// Transfers and ID corrections (issue 12; docs/sync-protocol.md "Transfers").
inline constexpr MessageText kTransferNeedsSupervisor{"transfer.needs_supervisor",
                                                      "只有督导员或县级用户可以办理转移或更正身份证号",
                                                      "only a supervisor or the county may transfer a file or correct "
                                                      "an ID number"};
inline constexpr MessageText kTransferDestination{"transfer.destination",
                                                  "转移的目的村(居)须在本县另一个乡镇，原乡镇须是档案所在乡镇",
                                                  "a transfer goes to a village of another township of the county, "
                                                  "from the township that holds the file"};
inline constexpr MessageText kAlreadyTransferred{"transfer.already_transferred",
                                                 "该儿童已转移到其他乡镇，本次转移未执行",
                                                 "the child was already transferred to another township; this "
                                                 "transfer was not applied"};
// {}: why the number is refused.
inline constexpr MessageText kSetIdInvalid{"set_id.invalid", "身份证号更正无效：{}",
                                           "the ID number correction is invalid: {}"};
// {}: SQLite's own words.
inline constexpr MessageText kBreaksConstraint{"change.breaks_constraint", "数据不合规则：{}",
                                               "the data breaks a rule: {}"};

// Every entry of this catalogue (not the base ones).
std::span<const MessageText* const> all();
// The entry for `code` (including the base entries, message.h); nullptr if this program does not know it.
const MessageText* find(std::string_view code);

}  // namespace tongdang::sync::messages
