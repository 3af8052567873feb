// The sync engine: make the cluster match a planned set of objects with server-side apply,
// change nothing that already matches, prune what was applied before and is gone, and wait
// for health. One SyncResult says what happened to every object.
//
// Thread safety: one Syncer runs one sync at a time; it uses the client from worker threads.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/object_ref.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"
#include "sync/plan.hpp"
#include "sync/result.hpp"

namespace plumb::sync {

enum class Recreate : bool { no, yes };  // delete and recreate on immutable-field errors
enum class Prune : bool { no, yes };     // delete what was applied before and is gone now

// What a sync waits for: these objects Current, within the timeout.
struct HealthWait {
  std::vector<PlannedObject> targets;
  std::chrono::milliseconds timeout{0};
};

// The steps of one sync after the plan: apply, then (optionally) prune, then (optionally)
// wait for health.
struct RunOptions {
  Prune prune = Prune::no;
  // Called after a successful apply and before anything is pruned: a controller moves its
  // drift watch to the new set here, so that a prune is not taken for drift.
  std::function<void(const Plan& applied)> on_applied;
  std::optional<HealthWait> wait;
};

// Every object of a plan, definitions first.
std::vector<PlannedObject> all_objects(const Plan& plan);

struct SyncOptions {
  std::string field_manager = "plumb";
  Recreate recreate = Recreate::no;
  kube::DryRun dry_run = kube::DryRun::no;
  int concurrency = 8;  // requests in flight while applying one kind
  // Where live objects are read before applying: from this cache for the resources it
  // follows (a controller watches what it applied), else from the API server. A cache that
  // lags behind costs at most a needless apply, or a skipped one that its next watch event
  // repairs. Health is waited for from it too when it follows every resource waited for
  // (a cached object older than the applied generation counts as not yet applied), else
  // from a watch cache of the wait's own.
  const kube::WatchCache* live_cache = nullptr;
  // Fill ObjectResult::diff for what was created, configured or deleted (the journal keeps
  // them): the live object before against the server's answer, as `plumb diff` shows it.
  bool record_diffs = false;
};

class Syncer {
 public:
  Syncer(kube::Client& client, SyncOptions options)
      : m_client(client), m_options(std::move(options)) {}

  // The whole sync: apply → on_applied → prune (the objects of `previous` not in `plan`) →
  // wait. A step runs only when the ones before it succeeded: nothing is pruned after a
  // failed apply. result.failed_step and result.error say where it stopped.
  SyncResult run(const Plan& plan, std::span<const PlannedObject> previous,
                 const RunOptions& options);

  // Applies every object of the plan, definitions first (waiting for CRDs to be
  // Established), then workloads. A stage is applied only when the server accepts all of its
  // changes in a dry run. Stops at the first stage with a failure; the objects of later
  // stages are reported as skipped.
  SyncResult apply(const Plan& plan);

  // Deletes the objects of `previous` that are not in `current`, in reverse apply order,
  // except those whose live object disables pruning. Adds a result per object.
  void prune(std::span<const PlannedObject> previous, const Plan& current, SyncResult& result);

  // Waits until every target is Current, one is Failed, or the timeout passes; fills the
  // health of the results of those objects. Fails the result's health step unless all are
  // Current.
  void wait(const HealthWait& wait, SyncResult& result);

 private:
  // Applies one object that does not hold its desired state yet (apply_stage decided).
  ObjectResult apply_one(const PlannedObject& planned, const std::optional<Node>& live);
  Result<std::vector<std::optional<Node>>> fetch_live(std::span<const PlannedObject> objects);
  // Applies one stage: nothing of it unless the server accepts every change in a dry run
  // first (as Flux does), so a refused object leaves the stage as it was.
  bool apply_stage(const std::vector<PlannedObject>& stage, SyncResult& result);
  // The dry run of the objects `changing` (indexes into stage); on a refusal fills `results`
  // for them (refused, or skipped) and returns false.
  bool dry_run_stage(const std::vector<PlannedObject>& stage, const std::vector<size_t>& changing,
                     std::vector<ObjectResult>& results);
  bool wait_for_crds(const std::vector<PlannedObject>& stage, SyncResult& result);
  // With record_diffs: the result's diff from `before` to `after`.
  void note_diff(ObjectResult& result, const std::optional<Node>& before, const Node* after) const;

  kube::Client& m_client;
  SyncOptions m_options;
};

}  // namespace plumb::sync
