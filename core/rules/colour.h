// The safety-first colour (docs/design.md "Safety-first colour", docs/domain.md "Colours and the lowering rule"): a
// child's current colour is a pure function of its colour-setting events — assessments, raises, lowerings, review
// resolutions — taken in (hlc, id) order. The station and the server run this same function over the same events, so
// they agree whatever order the events arrived in.
//
// The rule: the first grading always applies; a raise (or an equal grading) always applies; a lowering applies
// only if it supersedes the event currently setting the colour (its author saw the latest grading) and the
// author's role may lower (role_may_lower). Otherwise the colour stays higher and a review item opens. An
// assessment whose colour is lower than the current one is a lowering.
//
// A lowering needs evidence (docs/domain.md "Lowering needs evidence"): a colour lowered by hand (Lower) applies
// only when an assessment made after the colour's last raise scored at or below the new colour; without one it
// waits as a review item (NotApplied::NoEvidence) until a reassessment or a person's decision. An assessment is its
// own evidence.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/model.h"

namespace tongdang {

enum class ColourEventKind { Assessment, Raise, Lower, Resolve };

// The part of an event that matters for the colour.
struct ColourEvent {
  std::string id;
  std::string hlc;
  std::string occurred_on;
  ColourEventKind kind = ColourEventKind::Assessment;
  std::optional<Colour> colour;           // the colour asked for (absent for Resolve)
  Role actor_role = Role::Director;       // as recorded where the event was made
  std::optional<std::string> supersedes;  // the event that set the colour its author saw
  bool has_triggers = false;              // an assessment with a red trigger
  std::vector<std::string> resolves;      // Resolve: the review items it closes (empty: all open ones)
};

// (colour_event_of in timeline.h reads one from an event.)

// Why a lowering did not apply.
enum class NotApplied { None, Stale, Role, RedNeedsClearReassessment, NoEvidence };
// "", "stale", "role_may_not_lower", "red_needs_clear_reassessment", "lowering_needs_assessment"
std::string_view to_string(NotApplied why);

// One colour event as derived.
struct ColourStep {
  std::string event_id;
  std::optional<Colour> from;  // the colour before the event
  std::optional<Colour> to;    // the colour asked for
  bool applied = false;
  NotApplied why = NotApplied::None;
  bool review_opened = false;
  std::optional<std::string> resolved_by;  // for a review item: the event that closed it
};

struct ColourState {
  std::optional<Colour> colour;          // nullopt until the first grading
  std::string set_by;                    // the event currently setting the colour
  std::string since;                     // the date the colour took its current value
  std::vector<ColourStep> steps;         // one per colour event, in (hlc, id) order
  std::vector<std::string> open_reviews; // lowering events waiting for a supervisor or the county
};

// May `role` lower `from` to `to`? Supervisors lower yellow or blue by one step; the county lowers anything,
// red only after a reassessment in which no trigger remains (`clear_reassessment`); directors and viewers never.
bool role_may_lower(Role role, Colour from, Colour to, bool clear_reassessment);

// Derives the colour from a child's colour events (in any order: they are sorted by (hlc, id) here).
ColourState derive_colour(std::vector<ColourEvent> events);

}  // namespace tongdang
