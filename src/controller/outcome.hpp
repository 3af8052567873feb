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

#include "controller/pin.hpp"
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
  oci_pull_failed,        // OCIArtifactPullFailed (OCIRepository)
  index_fetch_failed,     // Failed: a HelmRepository's index could not be fetched or read
  authentication_failed,  // AuthenticationFailed: a HelmRepository's secretRef is unusable
  // HelmRelease (helm-controller's reasons).
  install_succeeded,    // InstallSucceeded
  install_failed,       // InstallFailed
  upgrade_succeeded,    // UpgradeSucceeded
  upgrade_failed,       // UpgradeFailed
  rollback_succeeded,   // RollbackSucceeded: a failed upgrade remediated (Ready stays False)
  rollback_failed,      // RollbackFailed
  uninstall_succeeded,  // UninstallSucceeded
  values_error,         // ValuesError: valuesFrom could not be composed; nothing done
  init_failed,          // InitFailed: the release history could not be read or the chart
                        // not rendered; nothing done
  test_succeeded,       // TestSucceeded: the test hooks passed (conditions only)
  test_failed,          // TestFailed: a test hook failed after install (or, ignored, upgrade)
};

// The reason as Flux writes it on a condition.
std::string_view to_string(Reason reason);
// Waiting on something else (a dependency, a source): retried sooner, not a warning.
bool is_waiting(Reason reason);
// A failure: Ready=False, a warning event, a retry with backoff.
bool is_failure(Reason reason);

// A Helm test run (spec.test.enable), as TestSuccess tells it.
struct HelmTestResult {
  bool passed = false;
  std::string message;  // "Helm test succeeded|failed for release ... with chart ...: ..."
};

// What a HelmRelease reconcile left: the release's newest revision, as status.history and
// lastAttempted* tell it.
struct ReleaseSnapshot {
  std::string name;               // the Helm release
  std::string namespace_;         // where its objects go
  std::string storage_namespace;  // where its records are
  int64_t version = 0;            // 0: no revision
  std::string status;             // "deployed", "failed" ...
  std::string chart_name, chart_version, app_version;
  std::string config_digest;                  // values_digest of the values it was made with
  std::string first_deployed, last_deployed;  // RFC 3339
  std::string action;                   // "install", "upgrade", "rollback", "" (none this time)
  std::string attempted_chart_version;  // what this reconcile rendered
  std::string attempted_digest;
  int install_failures = 0;
  int upgrade_failures = 0;
  std::optional<HelmTestResult> test;  // when the tests ran in this reconcile
};

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
  std::optional<ReleaseSnapshot> release;   // HelmRelease reconciles
  std::string artifact_digest;  // OCIRepository: the layer stored; HelmRepository: the index
  size_t artifact_size = 0;     // HelmRepository: the index's bytes
  // Kustomizations: the rollback pin this reconcile applied (the revision is its `to`), or,
  // with `unpinned`, the pin it cleared because the source moved past it.
  std::optional<Pin> pin;
  bool unpinned = false;

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
