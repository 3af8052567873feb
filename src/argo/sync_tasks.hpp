// The tasks of one Argo CD sync and their order, as gitops-engine (argo-cd/gitops-engine,
// pkg/sync: sync_context.go getSyncTasks, sync_tasks.go, hook/, syncwaves/) builds and sorts
// them. Pure: nothing here talks to a cluster; the controller runs the tasks.
//
// Hooks. An object is a hook when it has an `argocd.argoproj.io/hook` annotation (any value)
// other than a lone `Skip`, or, without one, a `helm.sh/hook` annotation other than
// `crd-install`. Its phases are the Argo types it names (PreSync, Sync, PostSync, SyncFail);
// Helm's types count only when no Argo type is recognised: pre-install/pre-upgrade → PreSync,
// post-install/post-upgrade → PostSync; every other Helm type (test, pre-delete, pre-rollback
// ...) gives no phase. A hook without a phase (a misspelt type, PreDelete, PostDelete, a Helm
// test) is not part of a sync at all. `Skip` alone: the object is never applied (nor pruned).
// Delete policies: argocd.argoproj.io/hook-delete-policy plus helm.sh/hook-delete-policy,
// BeforeHookCreation when neither names a known one.
//
// Order (plan_sync_tasks): phase (PreSync, Sync, PostSync, SyncFail), then wave, then kind
// (kind_order: Namespaces first ... APIService; kinds not in the table after all of them),
// then name. Before sorting, the waves of prune tasks are mirrored (a prune in the lowest prune
// wave goes last: deletion in reverse creation order) and PruneLast prunes move to one wave
// after the last Sync-phase wave. After sorting, a Namespace (core group) is moved in front of
// the first task placed earlier that lives in it, and a CustomResourceDefinition in front of
// the first earlier task of its group/kind; the moved task takes that task's phase and wave.
//
// WHAT THE CONTROLLER MUST DO with the plan (gitops-engine's Sync(), re-entered each time a
// step can progress):
//  - Before the first step: create a missing destination Namespace task (a task for a Namespace
//    named the destination namespace whose live object is absent) on its own, then dry-run all
//    tasks (gitops-engine uses a client-side dry run); any failure fails the sync and applies
//    nothing.
//  - Run one WaveRange at a time (waves()), SyncFail ranges excluded. Within a range: first
//    remove the hook finalizer from live hooks, then prune tasks (all at once), then delete the
//    live object of hooks with BeforeHookCreation (and wait for it to be gone), then apply the
//    others kind group by kind group, in order.
//  - A prune honours options: prune_disabled() → skipped ("ignored (no prune)"); a sync without
//    pruning allowed → skipped ("ignored (requires pruning)"); prune_confirm → wait for the
//    Application's argocd.argoproj.io/deletion-approved annotation (RFC 3339, not before the
//    operation started). Deletion uses PrunePropagationPolicy (default foreground) and is
//    skipped for an object already being deleted; the next wave waits until pruned objects
//    are gone.
//  - After applying a range: if it was the last range (SyncFail ranges aside) and holds no
//    hook, the sync has succeeded — its plain resources are not waited for. Otherwise wait:
//    for every hook (done when Healthy or without a health check; failed when Degraded or
//    Unknown; running when Progressing or Suspended) and, when the plan has more than one
//    (phase, wave) — SyncFail tasks count — for every applied resource to be Healthy or
//    without health (Degraded fails the sync; anything else keeps waiting). Argo CD pauses
//    2 s after each range but the last (ARGOCD_SYNC_WAVE_DELAY).
//  - On failure (an apply, a prune, a hook or a resource gone Degraded): delete the hooks that
//    have HookFailed, run the SyncFail tasks (waiting for them), and fail the sync. On success:
//    delete the hooks that have HookSucceeded. Completed hooks lose the hook finalizer first.
//  - Terminating a running sync deletes its running hooks (finalizer removed first).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "argo/sync_options.hpp"
#include "core/error.hpp"
#include "core/node.hpp"

namespace plumb::argo {

inline constexpr std::string_view k_hook_annotation = "argocd.argoproj.io/hook";
inline constexpr std::string_view k_hook_delete_policy_annotation =
    "argocd.argoproj.io/hook-delete-policy";
inline constexpr std::string_view k_sync_wave_annotation = "argocd.argoproj.io/sync-wave";
inline constexpr std::string_view k_helm_hook_annotation = "helm.sh/hook";
inline constexpr std::string_view k_helm_hook_weight_annotation = "helm.sh/hook-weight";
inline constexpr std::string_view k_helm_hook_delete_policy_annotation =
    "helm.sh/hook-delete-policy";
// Put on every hook Argo creates, so nothing else deletes it before its result is read; the
// controller removes it when the hook completes (and before deleting a hook).
inline constexpr std::string_view k_hook_finalizer = "argocd.argoproj.io/hook-finalizer";

enum class Phase { pre_sync, sync, post_sync, sync_fail };
std::string_view to_string(Phase);  // "PreSync", "Sync", "PostSync", "SyncFail"

enum class DeletePolicy { before_hook_creation, hook_succeeded, hook_failed };
std::string_view to_string(DeletePolicy);  // "BeforeHookCreation", "HookSucceeded", ...

struct Hook {
  std::vector<Phase> phases;  // in the order the annotation names them; empty: not synced
  std::vector<DeletePolicy> delete_policies;  // never empty (default BeforeHookCreation)
  // Argo CD's deletion hooks (argocd.argoproj.io/hook PreDelete / PostDelete, Helm pre-delete /
  // post-delete): run when the Application is deleted, never in a sync.
  bool pre_delete = false;
  bool post_delete = false;

  bool has(DeletePolicy policy) const;
};

// The object's hook settings; nullopt when it is not a hook.
std::optional<Hook> hook_of(const Node& object);
// Hook type Skip alone: not applied, not pruned.
bool is_skipped(const Node& object);
// argocd.argoproj.io/sync-wave when it is an integer (Go's strconv.Atoi), else
// helm.sh/hook-weight when it is one (for any object, hook or not), else 0.
int64_t wave_of(const Node& object);
// gitops-engine's kind order: Namespace -35 ... APIService -1; kinds not in the table 0.
int kind_order(std::string_view kind);

struct SyncTask {
  Phase phase = Phase::sync;
  int64_t wave = 0;  // after prune mirroring, PruneLast and dependency moves
  Node target;       // desired object; null for a prune. Hooks: named (and finalized, see plan)
  Node live;         // the live object of a prune; for others the controller fills it in
  bool hook = false;
  bool prune = false;
  std::optional<Hook> hook_info;
  SyncOptions options;  // app options overlaid with the object's (target's, or live's for prunes)

  const Node& object() const { return target.is_null() ? live : target; }
  std::string group() const;
  std::string kind() const;
  std::string namespace_() const;  // metadata.namespace as written ("" when none)
  std::string name() const;        // metadata.name, else metadata.generateName
};

// What plan_sync_tasks needs beyond the objects.
struct PlanContext {
  // The Application's destination namespace: objects without metadata.namespace count as in it
  // when Namespaces are ordered before their content (gitops-engine sets it on every target).
  std::string namespace_;
  // Names of hooks that have metadata.generateName and no name: generateName +
  // lower("<revision[0:7]>-<phase>-<started_at>") — stable for the whole operation, so pass
  // the operation's revision and start time (Unix seconds), not the time of this step.
  std::string revision;
  int64_t started_at = 0;
  // A sync of selected resources only, or with the apply strategy: hooks are not run.
  bool skip_hooks = false;
  // Argo CD puts k_hook_finalizer on every hook it creates and removes it when the hook has
  // completed, before deleting a hook, and when a sync is terminated. Set this once the
  // controller does all three; a hook left with the finalizer cannot be deleted.
  bool hook_finalizer = false;
  // The Namespace CreateNamespace=true creates (managed_namespace(), application.hpp): a
  // PreSync task unless a non-hook desired object is that Namespace.
  std::optional<Node> managed_namespace;
};

// All tasks of one sync, sorted as gitops-engine sorts them (header comment). `desired` are the
// rendered objects, hooks included; `to_prune` the live objects no longer desired (hooks and
// Skip objects among them are left alone, as Argo never prunes them). Hooks get the hook
// finalizer added to `target` when context.hook_finalizer is set. An error when an object's
// sync-options annotation is not a string.
Result<std::vector<SyncTask>> plan_sync_tasks(std::vector<Node> desired, std::vector<Node> to_prune,
                                              const SyncOptions& app_options,
                                              const PlanContext& context = {});

// Consecutive runs of the same (phase, wave): what the controller applies together, then waits
// for before the next. SyncFail ranges are included; the controller keeps them for failures.
struct WaveRange {
  Phase phase;
  int64_t wave;
  size_t begin, end;
};
std::vector<WaveRange> waves(const std::vector<SyncTask>& tasks);

}  // namespace plumb::argo
