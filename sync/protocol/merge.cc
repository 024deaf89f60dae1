#include "sync/protocol/merge.h"

#include <tuple>

namespace tongdang::sync {

FieldMerge merge_field(const FieldRegister& current, const FieldEdit& edit) {
  if (current.version == 0 || edit.base == current.version) return FieldMerge::Apply;
  if (!current.station_id.empty() && current.station_id == edit.station_id) return FieldMerge::Apply;
  // HLC text sorts as its value (core/hlc.h), so the comparison is on the text.
  bool takes = std::tie(edit.hlc, edit.station_id) > std::tie(current.hlc, current.station_id);
  return takes ? FieldMerge::ConflictTakes : FieldMerge::ConflictKeeps;
}

PulledField merge_pulled_field(std::int64_t local_version, std::int64_t pulled_version, bool unsent_local_edit) {
  if (pulled_version <= local_version) return PulledField::Stale;
  return unsent_local_edit ? PulledField::Shadow : PulledField::Apply;
}

}  // namespace tongdang::sync
