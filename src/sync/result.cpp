#include "sync/result.hpp"

namespace plumb::sync {

std::string_view to_string(Action action) {
  switch (action) {
    case Action::created:
      return "created";
    case Action::configured:
      return "configured";
    case Action::unchanged:
      return "unchanged";
    case Action::deleted:
      return "deleted";
    case Action::skipped:
      return "skipped";
    case Action::failed:
      return "failed";
  }
  return "unknown";
}

std::string_view to_string(Health health) {
  switch (health) {
    case Health::current:
      return "Current";
    case Health::in_progress:
      return "InProgress";
    case Health::failed:
      return "Failed";
    case Health::unknown:
      return "Unknown";
  }
  return "Unknown";
}

size_t SyncResult::count(Action action) const {
  size_t n = 0;
  for (const ObjectResult& o : objects)
    n += o.action == action;
  return n;
}

std::string SyncResult::summary() const {
  std::string out;
  for (Action a : {Action::created, Action::configured, Action::unchanged, Action::deleted,
                   Action::skipped, Action::failed}) {
    size_t n = count(a);
    if (n == 0) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(n) + " " + std::string(to_string(a));
  }
  return out.empty() ? "nothing to do" : out;
}

}  // namespace plumb::sync
