// Health of a live object, kstatus-style: Current (ready, and the controller has seen the
// latest generation), InProgress, or Failed. The rules are a table of kind → function;
// kinds without a rule are judged by their Ready/Stalled conditions.
#pragma once

#include "core/node.hpp"
#include "sync/result.hpp"

namespace plumb::sync {

HealthStatus health_of(const Node& live);

}  // namespace plumb::sync
