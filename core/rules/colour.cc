#include "core/rules/colour.h"

#include <algorithm>
#include <tuple>

namespace tongdang {

std::string_view to_string(NotApplied why) {
  switch (why) {
    case NotApplied::None: return "";
    case NotApplied::Stale: return "stale";
    case NotApplied::Role: return "role_may_not_lower";
    case NotApplied::RedNeedsClearReassessment: return "red_needs_clear_reassessment";
    case NotApplied::NoEvidence: return "lowering_needs_assessment";
  }
  return "";
}

bool role_may_lower(Role role, Colour from, Colour to, bool clear_reassessment) {
  if (to >= from) return true;  // not a lowering
  switch (role) {
    case Role::Supervisor:
      return (from == Colour::Yellow || from == Colour::Blue) && static_cast<int>(to) == static_cast<int>(from) - 1;
    case Role::County:
      return from != Colour::Red || clear_reassessment;
    case Role::Director:
    case Role::Viewer:
      return false;
  }
  return false;
}

ColourState derive_colour(std::vector<ColourEvent> events) {
  std::sort(events.begin(), events.end(),
            [](const ColourEvent& a, const ColourEvent& b) { return std::tie(a.hlc, a.id) < std::tie(b.hlc, b.id); });
  ColourState state;
  // Whether an assessment with no trigger has been made since the colour was last set (the county's condition
  // for lowering red).
  bool clear_since_set = false;
  // Whether an assessment was made since the colour was last raised, and the lowest colour one scored: the
  // evidence a lowering by hand needs. (Two plain values: GCC 12 misreads an optional here as uninitialised.)
  bool assessed_since_raise = false;
  Colour lowest_since_raise = Colour::Red;
  auto close_reviews = [&state](const std::string& by, const std::vector<std::string>& which) {
    std::vector<std::string> still_open;
    for (const auto& id : state.open_reviews) {
      bool named = which.empty() || std::find(which.begin(), which.end(), id) != which.end();
      if (!named) {
        still_open.push_back(id);
        continue;
      }
      for (auto& step : state.steps)
        if (step.event_id == id) step.resolved_by = by;
    }
    state.open_reviews = std::move(still_open);
  };

  for (const auto& e : events) {
    ColourStep step;
    step.event_id = e.id;
    step.from = state.colour;
    step.to = e.colour;
    if (e.kind == ColourEventKind::Resolve) {
      // Only a supervisor or the county decides a review item.
      step.applied = e.actor_role == Role::Supervisor || e.actor_role == Role::County;
      if (!step.applied) step.why = NotApplied::Role;
      state.steps.push_back(step);
      if (step.applied) close_reviews(e.id, e.resolves);
      continue;
    }
    const Colour to = *e.colour;
    bool is_clear_assessment = e.kind == ColourEventKind::Assessment && !e.has_triggers;
    const bool raises = !state.colour || to > *state.colour;
    if (!state.colour || to >= *state.colour) {
      step.applied = true;
    } else if (e.supersedes != state.set_by) {
      step.why = NotApplied::Stale;
    } else if (!role_may_lower(e.actor_role, *state.colour, to, clear_since_set || is_clear_assessment)) {
      step.why = e.actor_role == Role::County ? NotApplied::RedNeedsClearReassessment : NotApplied::Role;
    } else if (e.kind == ColourEventKind::Lower && !(assessed_since_raise && lowest_since_raise <= to)) {
      step.why = NotApplied::NoEvidence;
    } else {
      step.applied = true;
    }
    if (step.applied && raises) assessed_since_raise = false;
    if (e.kind == ColourEventKind::Assessment && (!assessed_since_raise || to < lowest_since_raise)) {
      assessed_since_raise = true;
      lowest_since_raise = to;
    }
    if (step.applied) {
      if (!state.colour || *state.colour != to) state.since = e.occurred_on;
      state.colour = to;
      state.set_by = e.id;
      clear_since_set = false;
      state.steps.push_back(step);
      // A person who may decide has graded the child after the review items were opened.
      if (e.actor_role == Role::Supervisor || e.actor_role == Role::County) close_reviews(e.id, {});
    } else {
      if (is_clear_assessment) clear_since_set = true;
      step.review_opened = true;
      state.steps.push_back(step);
      state.open_reviews.push_back(e.id);
    }
  }
  return state;
}

}  // namespace tongdang
