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

std::string_view to_string(SyncStep step) {
  switch (step) {
    case SyncStep::none:
      return "none";
    case SyncStep::apply:
      return "apply";
    case SyncStep::prune:
      return "prune";
    case SyncStep::health:
      return "health";
  }
  return "none";
}

void SyncResult::fail_objects(SyncStep step, std::string_view verb) {
  // A status message stays readable: the first few objects by name, then a count.
  constexpr size_t k_named = 5;
  std::vector<const ObjectResult*> failed;
  for (const ObjectResult& o : objects) {
    if (o.action == Action::failed) failed.push_back(&o);
  }
  if (failed.empty()) return;
  std::string message = std::to_string(failed.size()) +
                        (failed.size() == 1 ? " object failed to " : " objects failed to ") +
                        std::string(verb) + ": ";
  for (size_t i = 0; i < failed.size() && i < k_named; ++i) {
    if (i > 0) message += "; ";
    message += failed[i]->ref.display() + ": " + failed[i]->message;
  }
  if (failed.size() > k_named)
    message += "; and " + std::to_string(failed.size() - k_named) + " more";
  fail(step, Error(std::move(message), failed.size() == 1 ? failed[0]->code : 0));
}

void SyncResult::fail(SyncStep step, Error why) {
  if (failed_step != SyncStep::none) return;  // the first failure is the one to report
  failed_step = step;
  error = std::move(why);
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
