#include "core/workflow/merge.h"

#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/access/access.h"
#include "core/base/i18n.h"
#include "core/model/choices.h"
#include "core/model/labels.h"
#include "core/model/model.h"
#include "core/store/events.h"
#include "core/store/file_merge.h"
#include "core/store/record_ref.h"
#include "core/workflow/children.h"

namespace tongdang {

using i18n::tr;
using i18n::trf;
using nlohmann::json;

namespace {

Status county_only(Station& station) {
  if (access::may(station.actor().role, access::Action::MergeDuplicates)) return Status::ok();
  return Status::refused(trf("{} 不是县级用户：只有县级可以合并重复档案或撤销合并",
                             "{} is not a county user: only the county merges duplicate files or undoes a merge",
                             station.actor().name));
}

struct CandidateFile {
  std::string child_id, township;
};

// Whether `ref` names `id`: the whole id, or a prefix or suffix of at least 4 characters (record_ref.h).
bool names(std::string_view ref, std::string_view id) {
  if (ref == id) return true;
  if (ref.size() < 4 || ref.size() > id.size()) return false;
  return id.substr(0, ref.size()) == ref || id.substr(id.size() - ref.size()) == ref;
}

// The one open file of the candidate that `ref` names, for the option `field`.
Result<CandidateFile> pick(const std::vector<CandidateFile>& files, std::string_view ref, const char* field) {
  std::optional<CandidateFile> found;
  for (const auto& f : files)
    if (names(ref, f.child_id)) {
      if (found) return Status::invalid(field, trf("{} 对应该疑似重复的多份档案，请输入更多位",
                                                   "{} matches several files of the candidate; type more of the id", ref));
      found = f;
    }
  if (!found)
    return Status::invalid(field, trf("档案 {} 不是该疑似重复记录中尚未合并的档案",
                                      "file {} is not one of the candidate's files still unmerged", ref));
  return *found;
}

std::optional<Colour> colour_of(db::Database& db, std::string_view child) {
  auto query = db.cached("SELECT colour FROM child_state WHERE child_id = ?1");
  query->bind(1, child);
  if (!query->step() || query->is_null(0)) return std::nullopt;
  return parse_colour(query->get_text(0));
}

// The profile fields to take from the merged-away file, checked.
Result<std::vector<std::string>> taken_fields(const std::map<std::string, std::string>& take) {
  std::vector<std::string> out;
  for (const auto& [field, side] : take) {
    if (!file_merge::takeable_field(field))
      return Status::invalid("take", trf("合并时不能选取字段 {}（只能选资料字段，不能选村(居)、身份证号等）",
                                         "field {} cannot be chosen in a merge (profile fields only, not the village, "
                                         "the ID number …)", field));
    if (side == "other" || side == "另一份" || side == "并入")
      out.push_back(field);
    else if (side != "kept" && side != "保留")
      return Status::invalid("take", trf("字段 {} 的取值“{}”无效：应为 other（取并入档案的值）或 kept（保留的档案的值）",
                                         "{}={} is not valid: other (the merged-away file's value) or kept (the "
                                         "survivor's)", field, side));
  }
  return out;
}

}  // namespace

Result<MergeDone> merge_duplicates(Station& station, const MergeRequest& request) {
  if (auto allowed = county_only(station); !allowed) return allowed;
  if (request.reason.empty()) return Status::invalid("reason", tr("合并必须写明原因", "a merge needs a reason"));
  db::Database& db = station.db();
  auto candidate_id =
      resolve_record_ref(db, "duplicate_candidates", request.candidate, "candidate", "疑似重复", "duplicate candidate");
  if (!candidate_id) return candidate_id.status();
  json body;
  {
    auto query = db.cached("SELECT body FROM duplicate_candidates WHERE id = ?1");
    query->bind(1, candidate_id.value());
    if (!query->step()) return Status::not_found(tr("找不到该疑似重复记录", "no such duplicate candidate"));
    body = json::parse(query->get_text(0), nullptr, false);
  }
  std::vector<CandidateFile> open;
  if (body.is_object() && body.contains("files") && body["files"].is_array())
    for (const auto& f : body["files"]) {
      CandidateFile file{f.value("child_id", ""), f.value("township", "")};
      if (!file_merge::standing_merge(db, file.child_id)) open.push_back(file);
    }
  auto survivor = pick(open, request.keep, "keep");
  if (!survivor) return survivor.status();
  std::vector<CandidateFile> others;
  for (const auto& f : open)
    if (f.child_id != survivor->child_id) others.push_back(f);
  if (others.empty())
    return Status::refused(tr("该疑似重复记录已没有可并入的档案", "the candidate has no other file left to merge"));
  std::optional<CandidateFile> merged;
  if (!request.other.empty()) {
    auto other = pick(others, request.other, "other");
    if (!other) return other.status();
    merged = other.value();
  } else if (others.size() == 1) {
    merged = others.front();
  } else {
    return Status::invalid("other", trf("该疑似重复还有 {} 份其他档案：请用 --other 指明并入哪一份",
                                        "the candidate has {} other files: name the one merged away with --other",
                                        others.size()));
  }
  auto taken = taken_fields(request.take);
  if (!taken) return taken.status();
  // Safety first (docs/workflow.md): a merge never hides a higher colour. Checked here when both files are held,
  // and by the server always.
  const auto kept_colour = colour_of(db, survivor->child_id);
  const auto merged_colour = colour_of(db, merged->child_id);
  if (merged_colour && (!kept_colour || *merged_colour > *kept_colour))
    return Status::refused(trf("并入的档案为{}，高于保留的档案：请保留等级更高的档案，或先提升保留档案的等级",
                               "the file merged away is {}, higher than the survivor: keep the higher-graded file, or "
                               "raise the survivor's colour first",
                               i18n::term(Vocabulary::Colour, to_string(*merged_colour))));
  MergeDone done{"", survivor->child_id, merged->child_id};
  Status written = station.write([&](WriteContext& w) {
    Event event = file_merge::merge_event({merged->child_id, merged->township, survivor->child_id,
                                           survivor->township, candidate_id.value(), request.reason, taken.value()});
    record_event(w, event);
    done.merge_id = event.id;
    return Status::ok();
  });
  if (!written) return written;
  return done;
}

Result<MergeDone> unmerge_duplicates(Station& station, std::string_view ref, std::string_view reason) {
  if (auto allowed = county_only(station); !allowed) return allowed;
  db::Database& db = station.db();
  if (ref.size() < 4) return Status::invalid("merge", tr("合并编号至少输入4位", "type at least 4 characters of the merge id"));
  // The merge by its id, or the merged-away file by its id: both are looked up among the merge events.
  std::optional<file_merge::MergeRecord> record;
  {
    auto query = db.cached(
        "SELECT id, child_id FROM events WHERE kind = 'file.merge' AND (id = ?1 OR child_id = ?1"
        " OR substr(id, 1, length(?1)) = ?1 OR substr(id, -length(?1)) = ?1"
        " OR substr(child_id, 1, length(?1)) = ?1 OR substr(child_id, -length(?1)) = ?1) ORDER BY hlc, id");
    query->bind(1, ref);
    std::vector<std::pair<std::string, std::string>> hits;
    while (query->step()) hits.emplace_back(query->get_text(0), query->get_text(1));
    query->reset();
    std::optional<std::string> merge_id;
    for (const auto& [id, child] : hits) {
      if (names(ref, id)) {
        if (merge_id && *merge_id != id)
          return Status::invalid("merge", trf("{} 对应多次合并，请输入更多位", "{} matches several merges; type more", ref));
        merge_id = id;
      }
    }
    if (!merge_id) {
      // A file's id: its standing merge.
      std::optional<std::string> child_found;
      for (const auto& [id, child] : hits)
        if (names(ref, child)) {
          if (child_found && *child_found != child)
            return Status::invalid("merge", trf("{} 对应多份档案，请输入更多位", "{} matches several files; type more", ref));
          child_found = child;
        }
      if (!child_found) return Status::not_found(trf("找不到合并 {}", "no merge {}", ref));
      auto standing = file_merge::standing_merge(db, *child_found);
      if (!standing) return Status::refused(trf("档案 {} 目前没有被合并", "file {} is not merged now",
                                                short_record_id(*child_found)));
      merge_id = standing->merge_id;
    }
    record = file_merge::find_merge(db, *merge_id);
  }
  if (!record) return Status::not_found(trf("找不到合并 {}", "no merge {}", ref));
  if (!record->standing)
    return Status::refused(trf("合并 {} 已经撤销（或已被之后的合并取代）", "merge {} was already undone (or replaced)",
                               short_record_id(record->merge.merge_id)));
  const file_merge::StandingMerge& m = record->merge;
  std::string township;
  {
    auto query = db.cached("SELECT township FROM events WHERE id = ?1");
    query->bind(1, m.merge_id);
    if (query->step()) township = query->get_text(0);
  }
  MergeDone done{m.merge_id, m.survivor, m.merged};
  Status written = station.write([&](WriteContext& w) {
    Event event;
    event.child_id = m.merged;
    event.township = township;
    event.kind = std::string(file_merge::kUnmergeKind);
    event.payload = {{"merge_id", m.merge_id}, {"survivor", m.survivor}, {"survivor_township", m.survivor_township},
                     {"candidate", m.candidate}, {"reason", std::string(reason)}};
    record_event(w, event);
    return Status::ok();
  });
  if (!written) return written;
  return done;
}

}  // namespace tongdang
