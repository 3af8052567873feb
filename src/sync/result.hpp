// The result of a sync: one value per object, shared by every surface that reports a sync
// (CLI lines now; events, history and the dashboard later).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/object_ref.hpp"

namespace plumb::sync {

enum class Action { created, configured, unchanged, deleted, skipped, failed };
std::string_view to_string(Action action);

// kstatus-style health of a live object.
enum class Health { current, in_progress, failed, unknown };
std::string_view to_string(Health health);

struct HealthStatus {
  Health health = Health::unknown;
  std::string message;  // why, for anything but current
};

struct ObjectResult {
  ObjectRef ref;
  Action action = Action::unchanged;
  std::string message;  // for failed and skipped: the reason; the API server's words
  HealthStatus health;  // filled when health was judged (--wait)
};

struct SyncResult {
  std::vector<ObjectResult> objects;
  // A failure that stopped the sync as a whole (render, validation, a failed apply, wait
  // timeout); empty on success.
  std::string error;

  bool ok() const { return error.empty(); }
  size_t count(Action action) const;
  // "3 created, 1 configured, 10 unchanged, 1 deleted".
  std::string summary() const;
};

}  // namespace plumb::sync
