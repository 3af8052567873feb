// Status conditions as Kubernetes objects carry them (metav1.Condition: type, status, reason,
// message, lastTransitionTime, observedGeneration), read and written in one place. A
// condition's lastTransitionTime changes only when its status does. Pure functions of the
// status document; the caller passes the time, so tests need no clock.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/node.hpp"

namespace plumb {

enum class ConditionStatus { true_, false_, unknown };
std::string_view to_string(ConditionStatus status);  // "True", "False", "Unknown"

struct Condition {
  std::string type;
  ConditionStatus status = ConditionStatus::unknown;
  std::string reason;
  std::string message;
  int64_t observed_generation = 0;
};

// The condition `type` of status.conditions, or null.
const Node* find_condition(const Node& status, std::string_view type);
// The same, from the whole object.
const Node* condition_of(const Node& object, std::string_view type);
// Its status; nullopt when the condition is absent or its status is not one of the three.
std::optional<ConditionStatus> condition_status(const Node& status, std::string_view type);
// Sets (adds or updates) a condition in status.conditions; `now` is RFC 3339.
void set_condition(Node& status, const Condition& condition, std::string_view now);
void remove_condition(Node& status, std::string_view type);

// Ready=True, written for the object's current generation (the condition's
// observedGeneration, else status.observedGeneration, when present).
bool is_ready(const Node& object);

}  // namespace plumb
