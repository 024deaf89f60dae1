// The stored events as the pure rules read them (core/rules/timeline.h): views, valid while the events live.
#pragma once

#include <vector>

#include "core/rules/timeline.h"
#include "core/store/events.h"

namespace tongdang {

inline TimelineEvent timeline_event(const Event& e) {
  TimelineEvent view{e.id, e.kind, e.occurred_on, e.hlc, e.actor, e.actor_role, e.township, std::nullopt, &e.payload};
  if (e.child_id) view.child_id = *e.child_id;
  return view;
}

inline std::vector<TimelineEvent> timeline_events(const std::vector<Event>& events) {
  std::vector<TimelineEvent> views;
  views.reserve(events.size());
  for (const Event& e : events) views.push_back(timeline_event(e));
  return views;
}

}  // namespace tongdang
