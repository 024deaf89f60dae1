// The merge rules (docs/design.md "Conflicts"), one function each, used by the server when it applies a pushed change
// and by the station when it applies a pulled one, so both sides reach the same state. Events need no rule here: they
// are insert-only and idempotent by id (core's apply_event, which also runs the projections — including the
// safety-first colour rule — identically on both sides).
//
// Profile fields merge one field at a time. Every accepted write of a field gets the next server version; an
// edit carries the version its author last saw (its base). Conflicts are detected by base versions, never by
// comparing wall clocks; the HLC only chooses which value is shown while a person decides.
#pragma once

#include <cstdint>
#include <string>

namespace tongdang::sync {

// The server's register for one field: who wrote the current value, with which stamp, at which version.
struct FieldRegister {
  std::int64_t version = 0;  // 0: never written
  std::string hlc;           // the stamp used for ordering (re-stamped if the station's clock ran far ahead)
  std::string station_id;
  std::string actor;
  std::string change_id;
};

// An incoming edit of that field.
struct FieldEdit {
  std::int64_t base = 0;     // the server version the editor last saw
  std::string hlc;
  std::string station_id;
};

enum class FieldMerge {
  Apply,            // sequential: the editor saw the current value (or wrote it itself)
  ConflictTakes,    // concurrent; the edit is the provisional winner (higher HLC, then station id)
  ConflictKeeps,    // concurrent; the current value stays the provisional winner
};

// Sequential when the base equals the current version, or when the current value was written by the same station
// (a station always sees its own writes, so its later edit of that field follows it even before the station has
// learnt the version number the server gave its first write). Otherwise concurrent: both values are kept in a
// conflict, and the higher (HLC, station id) is shown until a supervisor resolves it.
FieldMerge merge_field(const FieldRegister& current, const FieldEdit& edit);

// What a station does with a pulled value of one field.
enum class PulledField {
  Apply,  // newer than what the station holds and no unsent local edit: show it
  Shadow, // newer, but the user has an unsent edit of the field: keep it as server state until the push is answered
  Stale,  // not newer than what the station already holds
};
PulledField merge_pulled_field(std::int64_t local_version, std::int64_t pulled_version, bool unsent_local_edit);

}  // namespace tongdang::sync
