#include "controller/observer.hpp"

namespace plumb::controller {

std::string_view to_string(Trigger trigger) {
  switch (trigger) {
    case Trigger::created:
      return "created";
    case Trigger::spec:
      return "spec";
    case Trigger::interval:
      return "interval";
    case Trigger::retry:
      return "retry";
    case Trigger::webhook:
      return "webhook";
    case Trigger::manual:
      return "manual";
    case Trigger::source:
      return "source";
    case Trigger::dependency:
      return "dependency";
    case Trigger::drift:
      return "drift";
    case Trigger::health:
      return "health";
    case Trigger::suspend:
      return "suspend";
    case Trigger::resume:
      return "resume";
    case Trigger::rollback:
      return "rollback";
  }
  return "unknown";
}

}  // namespace plumb::controller
