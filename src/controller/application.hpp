// The reconcile of an Argo CD Application, as Argo CD's application controller does it, in
// Plumb's loop: read the spec and its AppProject, render the sources at their revision,
// compare with the live objects (sync status, health, resources), and sync — when an operation
// asks for it (`plumb app sync`, a rollback) or the automated policy does — task by task in
// Argo's order (phases PreSync, Sync, PostSync; waves; kinds), each wave waited healthy before
// the next, hooks run and deleted as their policies say, SyncFail hooks after a failure.
//
//   ApplicationOutcome out = reconciler.reconcile(application);
//   reconciler.write_status(application, out);
//
// What an application manages is found as Argo finds it: its `argocd.argoproj.io/tracking-id`
// annotation (`APP:GROUP/KIND:NAMESPACE/NAME`), which Plumb writes on every object it applies
// for an application, and the resources of its last status. Objects another Argo CD
// installation tracked for the same application are recognised and adopted.
//
// Destinations: the cluster Plumb runs in (in-cluster), or a cluster registered with an Argo
// CD cluster Secret (controller/clusters.hpp). Everything about the destination's objects —
// REST mapping, live objects, apply, prune, health, hooks, the cascade of a deletion, the
// preview — goes through the destination's client (and its watch cache); the Application, its
// AppProject, its status and events stay in the cluster Plumb runs in. The controller's drift
// watch serves the local cluster only: on a remote one, a change of a managed object queues the
// application (through the registry's watches), and selfHeal syncs it again.
//
// Thread safety: reconcile may run on several workers at once for different applications.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "argo/application.hpp"
#include "argo/health.hpp"
#include "argo/render_source.hpp"
#include "argo/sync_tasks.hpp"
#include "controller/clusters.hpp"
#include "controller/pipeline.hpp"
#include "controller/reconcile.hpp"
#include "core/node.hpp"
#include "core/object_ref.hpp"
#include "core/thread_annotations.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"

namespace plumb::controller {

inline constexpr std::string_view k_tracking_annotation = "argocd.argoproj.io/tracking-id";
// The namespace Argo CD runs in: applications there are named without their namespace.
inline constexpr std::string_view k_argo_namespace = "argocd";

// Argo's condition types Plumb writes.
enum class AppCondition { invalid_spec, comparison_error, sync_error, orphaned_resource_warning };
std::string_view to_string(AppCondition type);

enum class OperationPhase { running, succeeded, failed, error };
std::string_view to_string(OperationPhase phase);

// The outcome of one task of a sync, as operationState.syncResult.resources tells it.
struct TaskResult {
  ObjectRef ref;
  argo::Phase phase = argo::Phase::sync;
  int64_t wave = 0;
  enum class Status { synced, sync_failed, pruned, prune_skipped } status = Status::synced;
  std::string message;
  bool hook = false;
  OperationPhase hook_phase = OperationPhase::succeeded;  // for hooks
};
std::string_view to_string(TaskResult::Status status);

// One sync operation, run to its end in this reconcile.
struct OperationRun {
  Node operation;  // what was asked: the `operation` field, or the automated sync's
  OperationPhase phase = OperationPhase::succeeded;
  std::string message;
  std::string revision;
  std::string started_at, finished_at;
  std::vector<TaskResult> results;
  bool automated = false;
  bool dry_run = false;  // operation.sync.dryRun: the server's dry run; no hooks, no prunes
};

// One managed resource, as status.resources lists it.
struct ResourceState {
  ObjectRef ref;
  bool synced = false;
  std::optional<argo::Health> health;
  bool hook = false;
  bool requires_pruning = false;
  bool missing = false;  // no live object (health Missing, which alone does not make the app's)
};

struct ApplicationOutcome {
  std::vector<std::pair<AppCondition, std::string>> conditions;
  bool compared = false;  // the sources rendered and were compared (else sync status Unknown)
  std::string revision;   // the commit compared
  std::optional<argo::SourceType> source_type;
  bool synced = false;
  argo::HealthStatus health = argo::HealthStatus::healthy;
  std::string health_message;
  std::vector<ResourceState> resources;
  std::vector<std::string> images;
  std::optional<OperationRun> operation;
  bool operation_requested = false;  // the object's `operation` was taken: remove it
  // selfHeal put off by Argo's self-heal timeout: compare again after this long (a drift seen
  // on a remote cluster has no repair of its own).
  std::optional<std::chrono::milliseconds> requeue_after;
};

// The status Argo CD writes from an outcome, on the latest status (history kept and
// extended by a succeeded sync, revisionHistoryLimit entries at most).
Node application_status(const Node& latest, const argo::Application& app,
                        const ApplicationOutcome& outcome, const std::string& now);

// The tracking id of an object applied for an application.
std::string tracking_id(const Node& application, const ObjectRef& ref);
// The application an object's tracking id names (the controller queues it when the object
// changes on a remote cluster); nullopt when the object carries none.
std::optional<NamespacedName> tracked_by(const Node& object);

class ApplicationReconciler {
 public:
  // ensure_watched starts a cluster-wide watch of a resource in the controller's cache (the
  // health of a wave is judged from its events); without a cache, live objects are fetched.
  // clusters: the registered clusters (the controller's, which watches them); null: a registry
  // of this reconciler's own, without watches.
  ApplicationReconciler(kube::Client& client, SourceCache& sources,
                        kube::WatchCache* cache = nullptr, AppliedHook on_applied = {},
                        std::function<Result<bool>(const kube::Resource&)> ensure_watched = {},
                        ClusterRegistry* clusters = nullptr)
      : m_client(client),
        m_sources(sources),
        m_cache(cache),
        m_on_applied(std::move(on_applied)),
        m_ensure_watched(std::move(ensure_watched)),
        m_own_clusters(clusters ? nullptr : std::make_unique<ClusterRegistry>(client)),
        m_clusters(clusters ? *clusters : *m_own_clusters) {}

  // The whole reconcile of one application: spec → project → destination → sources at their
  // revision → render → compare → (sync) → compare again → health.
  ApplicationOutcome reconcile(const Node& application);
  // Writes status (and removes a taken `operation`) as Argo's controller patches them; false
  // when nothing but the time would change, and nothing was written.
  Result<bool> write_status(const Node& application, const ApplicationOutcome& outcome);
  // A deleted application with the resources finalizer: its resources deleted (cascade),
  // then the finalizer removed. Without the finalizer: nothing to do.
  Result<sync::SyncResult> finalize(const Node& application);
  // What a sync would apply and prune now (`plumb app diff`): the sources rendered at their
  // target revision, hooks left out, and the live objects that require pruning.
  struct Preview {
    std::string revision;
    sync::Plan plan;
    std::vector<sync::PlannedObject> pruned;
    ClusterConnection destination;  // where the plan applies (its client diffs it)
  };
  Result<Preview> preview(const Node& application);
  // Health scripts laid out as Argo CD's resource_customizations (GROUP/KIND/health.lua), used
  // after those of argocd-cm; read when an application's health is first judged.
  void set_customization_dir(std::string dir) { m_customization_dir = std::move(dir); }
  // Forgets the resolved revisions of a repository (a webhook said it moved).
  void forget_revisions(const std::string& url);

  // The repository URLs of an application's sources (the webhook's index).
  static std::vector<std::string> repositories(const Node& application);

 private:
  struct Desired {
    std::string revision;
    argo::SourceType type = argo::SourceType::directory;
    std::vector<Node> objects;  // resources and hooks, tracking-annotated, namespaced
  };
  struct Compared {
    std::vector<ResourceState> resources;
    std::vector<Node> to_prune;  // live objects tracked for this app and no longer rendered
    bool synced = false;
  };

  Result<argo::AppProject> project(const argo::Application& app);
  // The clusters an application may name. Secrets that cannot be read only matter to a
  // destination other than in-cluster (for it, none are taken).
  Result<std::vector<argo::Cluster>> registered_clusters(const std::string& app_namespace,
                                                         const argo::Destination& destination);
  // The cluster's client: Plumb's own (with the controller's cache) for in-cluster, else the
  // registry's ("failed to get cluster info …" when it cannot be reached).
  Result<ClusterConnection> connection(const argo::Cluster& cluster);
  Result<Desired> desired(const Node& object, const argo::Application& app,
                          const ClusterConnection& to, const std::string& revision_override);
  Result<std::string> resolve_revision(const std::string& url, const std::string& revision);
  Result<bool> write_status_once(const Node& application, const ApplicationOutcome& outcome);
  // after_sync: this reconcile has just written, so an object the cache does not show as
  // applied is read from the API server (the cache may not have the write yet).
  Result<Compared> compare(const Node& object, const argo::Application& app,
                           const ClusterConnection& to, const Desired& desired, bool after_sync);
  OperationRun sync(const Node& object, const argo::Application& app, const ClusterConnection& to,
                    const Desired& desired, const Compared& compared, const Node& operation,
                    bool automated);
  Result<void> run_wave(const ClusterConnection& to, std::vector<argo::SyncTask>& tasks,
                        size_t begin, size_t end, bool wait_healthy, OperationRun& run);
  Result<void> run_hook(const ClusterConnection& to, const argo::SyncTask& task, OperationRun& run);
  // From the destination's cache when it follows the resource there, else fetched.
  static Result<std::optional<Node>> live_object(const ClusterConnection& to,
                                                 const kube::Resource& resource,
                                                 const std::string& ns, const std::string& name);
  // Waits until every object of refs is healthy (true), one is degraded or the deadline
  // passes (false, with the reason).
  static Result<void> wait_healthy(const ClusterConnection& to,
                                   const std::vector<std::pair<kube::Resource, ObjectRef>>& objects,
                                   std::chrono::steady_clock::time_point deadline);

  // The health judge of applications in a namespace: the Lua scripts of its argocd-cm (read
  // from the cache, which then follows the namespace's ConfigMaps) and of the customization
  // directory, made again when argocd-cm changes. A ConfigMap that does not read judges every
  // object Unknown, saying why.
  argo::HealthOverride health_judge(const std::string& app_namespace) EXCLUDES(m_health_mutex);

  kube::Client& m_client;
  SourceCache& m_sources;
  kube::WatchCache* m_cache;
  AppliedHook m_on_applied;
  std::function<Result<bool>(const kube::Resource&)> m_ensure_watched;
  std::unique_ptr<ClusterRegistry> m_own_clusters;
  ClusterRegistry& m_clusters;

  std::string m_customization_dir;
  struct Judge {
    std::string config_version;  // argocd-cm's resourceVersion ("" when there is none)
    argo::HealthOverride health;
  };
  Mutex m_health_mutex;
  std::map<std::string, Judge> m_judges GUARDED_BY(m_health_mutex);  // by namespace

  struct Resolved {
    std::string commit;
    std::chrono::steady_clock::time_point at;
  };
  Mutex m_revisions_mutex;
  std::map<std::pair<std::string, std::string>, Resolved> m_revisions GUARDED_BY(m_revisions_mutex);
};

}  // namespace plumb::controller
