// The outcome of one reconcile, whatever the kind: a reason constant (named as Flux names
// it), the error when it failed, and what the sync did. Status, events, log lines and the
// next schedule are all derived from this one value; no reason travels as a string.
//
// Steps of a reconcile return Step<T>: the value, or the Outcome that ends the reconcile
// (a failure, or a guard such as "suspended"). TRY works on Step as on Result.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/object_ref.hpp"
#include "sync/result.hpp"
#include "sync/sync.hpp"

namespace plumb::controller {

enum class Reason {
  succeeded,              // ReconciliationSucceeded (sources: Succeeded)
  progressing,            // Progressing: applied, health being judged
  suspended,              // spec.suspend: nothing done, status untouched
  dependency_not_ready,   // DependencyNotReady: a dependsOn object is not Ready
  artifact_failed,        // ArtifactFailed: the source has no artifact
  artifact_not_fetched,   // the source's revision is not in the local cache yet: its fetch
                          // (an event) queues the reconcile again; status untouched
  build_failed,           // BuildFailed: the render failed
  empty_render,           // EmptyRender: nothing rendered while the inventory is not empty
  reconciliation_failed,  // ReconciliationFailed: invalid spec, plan or apply
  unsupported_field,      // UnsupportedField: a field Plumb cannot honour yet; nothing done
  prune_failed,           // PruneFailed
  health_check_failed,    // HealthCheckFailed
  git_operation_failed,   // GitOperationFailed (sources)
};

// The reason as Flux writes it on a condition.
std::string_view to_string(Reason reason);
// Waiting on something else (a dependency, a source): retried sooner, not a warning.
bool is_waiting(Reason reason);
// A failure: Ready=False, a warning event, a retry with backoff.
bool is_failure(Reason reason);

struct Outcome {
  Reason reason = Reason::succeeded;
  Error error;           // what failed, as the user reads it on Ready; empty otherwise
  std::string revision;  // the source revision attempted ("main@sha1:…")
  sync::SyncResult sync;
  // What the object's inventory is now (set once apply succeeded; with a failed prune it
  // keeps the objects that could not be pruned).
  std::optional<std::vector<ObjectRef>> inventory;
  // With Reason::progressing: the objects the caller must watch, and for how long.
  sync::HealthWait health;
  bool render_reused = false;  // the revision's tree held the same inputs: not rendered again
  std::vector<std::string> ignored_fields;  // "spec.x" the object sets and Plumb does not honour

  static Outcome failure(Reason reason, Error error) {
    Outcome out;
    out.reason = reason;
    out.error = std::move(error);
    return out;
  }
  bool failed() const { return is_failure(reason); }
};

template <typename T>
using Step = std::expected<T, Outcome>;

// A Result turned into a Step that fails with `reason`.
template <typename T>
Step<T> because(Reason reason, Result<T> result) {
  if (!result) return std::unexpected(Outcome::failure(reason, std::move(result).error()));
  if constexpr (std::is_void_v<T>) {
    return {};
  } else {
    return std::move(*result);
  }
}

}  // namespace plumb::controller
