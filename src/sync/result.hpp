// The result of a sync: one value per object, shared by every surface that reports a sync
// (CLI lines now; events, history and the dashboard later).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
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
  int code = 0;         // for failed: the API server's HTTP status, when it answered
  HealthStatus health;  // filled when health was judged (--wait)
  // metadata.generation the apply left (or found, when unchanged); 0 when unknown or none.
  // A cached copy of an older generation is not yet the applied object.
  int64_t generation = 0;
  // With SyncOptions::record_diffs, for created, configured and deleted objects: the unified
  // diff `plumb diff` prints for the object (before → after), Secret values masked.
  std::string diff;
};

// The step of a sync that failed.
enum class SyncStep { none, apply, prune, health };
std::string_view to_string(SyncStep step);

struct SyncResult {
  std::vector<ObjectResult> objects;
  // The step that failed (none on success) and why: for failed objects, their names and the
  // API server's words ("2 objects failed to apply: Deployment/apps/web: 422 ...; ..."),
  // with the server's status code when one object failed.
  SyncStep failed_step = SyncStep::none;
  Error error;

  bool ok() const { return failed_step == SyncStep::none; }
  // Marks the sync failed at `step` because of the objects whose action is failed; `verb`
  // says what they failed to do ("apply", "prune"). No-op when none failed.
  void fail_objects(SyncStep step, std::string_view verb);
  // Marks the sync failed at `step` with `error` (a failure not of one object).
  void fail(SyncStep step, Error error);
  size_t count(Action action) const;
  // "3 created, 1 configured, 10 unchanged, 1 deleted".
  std::string summary() const;
};

}  // namespace plumb::sync
