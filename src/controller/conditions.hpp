// Status conditions as Flux writes them (type, status, reason, message,
// lastTransitionTime, observedGeneration); lastTransitionTime changes only when status does.
#pragma once

#include <string>
#include <string_view>

#include "core/node.hpp"

namespace plumb::controller {

// Sets the condition `type` in status.conditions.
void set_condition(Node& status, std::string_view type, bool ok, std::string_view reason,
                   std::string_view message, int64_t generation);

// The current time as RFC 3339 ("2026-11-23T20:15:04Z").
std::string now_rfc3339();

// status.conditions[type=Ready].status == "True" with observedGeneration current.
bool is_ready(const Node& object);

}  // namespace plumb::controller
