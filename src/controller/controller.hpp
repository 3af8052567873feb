// The GitOps loop: follows every GitRepository, Kustomization and HelmRelease — and Argo CD
// Application — in the cluster and keeps the cluster true to them.
//
//   watch events ──► triggers ──► WorkQueue ──► workers ──► Reconcilers
//        ▲                            ▲                         │ applied objects
//        │                        Scheduler ◄── interval / retry ┘
//        └── applied objects: drift (re-apply one object), health (deferred wait)
//
// - Flux objects are followed with watches: a new object, a new generation, a
//   `reconcile.fluxcd.io/requestedAt` annotation, a new source revision or a dependency
//   turning Ready queues the objects concerned at once; intervals and retries come from the
//   Scheduler (jittered; exponential backoff up to retryInterval).
// - Every applied object is watched. A change that undoes a field Plumb applied, or a
//   deletion, queues a repair: that object alone is applied again (drift correction), or,
//   as the owner's DriftWatch says, reported or left alone (a HelmRelease's driftDetection).
//   Objects nobody touches cost nothing between intervals.
// - Health waits (spec.wait, spec.healthChecks) hold no worker: the objects' watch events
//   settle them, a deadline in the Scheduler ends them.
//
// One function per job reads as the script of that job: run_kustomization is the whole
// reconcile of a Kustomization in the running controller (the steps themselves are in
// Reconcilers and Pipeline). No callback (log, event) runs under m_mutex.
//
// Thread safety: start/stop from one thread; refresh_* from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "controller/application.hpp"
#include "controller/applicationset.hpp"
#include "controller/observer.hpp"
#include "controller/reconcile.hpp"
#include "controller/scheduler.hpp"
#include "controller/work_queue.hpp"
#include "core/thread_annotations.hpp"
#include "kube/watch_cache.hpp"

namespace plumb::controller {

struct ControllerOptions {
  std::string cache_dir;  // git caches
  int workers = 4;
  // The controller-wide age key Secret (Flux's --sops-age-secret), if any.
  std::optional<NamespacedName> sops_age_secret;
  // Argo CD health scripts laid out as resource_customizations (GROUP/KIND/health.lua), after
  // those of each namespace's argocd-cm; "" for none.
  std::string resource_customizations;
  int drift_workers = 2;
  double jitter = 0.05;
  // Progress lines ("Kustomization/flux-system/apps: applied ..."); called from any thread.
  std::function<void(const std::string& line)> log;
  // Events about Flux objects (type Normal/Warning, reason, message); from any thread.
  std::function<void(const Node& involved, bool warning, const std::string& reason,
                     const std::string& message)>
      event;
  // Told of every reconcile record and event (the journal, alerts, metrics); not owned,
  // they outlive the controller.
  std::vector<Observer*> observers;
  // Where the work queues keep their workqueue_* metrics; not owned; none when null.
  metrics::Registry* metrics = nullptr;
};

// What a worker does for one object. Keys are typed: the job and the object, never a
// string with a prefix.
enum class Job : uint8_t {
  source,           // fetch a GitRepository
  kustomization,    // reconcile a Kustomization (or finalize it when it is being deleted)
  health,           // settle a Kustomization's deferred health wait
  orphaned,         // a Kustomization deleted without our finalizer: prune what it applied
  finalizer,        // put our finalizer on a Kustomization
  helm_release,     // reconcile a HelmRelease (or uninstall it when it is being deleted)
  oci_source,       // pull an OCIRepository's artifact
  helm_repository,  // fetch an HTTP HelmRepository's index
  application,      // reconcile an Argo CD Application (or cascade its deletion)
  application_set,  // generate an Argo CD ApplicationSet's Applications
};

struct JobKey {
  Job job = Job::source;
  std::string namespace_;
  std::string name;

  auto operator<=>(const JobKey&) const = default;
  // The object's kind and name, as log lines say it: "Kustomization/flux-system/apps".
  std::string object() const;
};

struct JobKeyHash {
  size_t operator()(const JobKey& key) const;
};

class Controller {
 public:
  Controller(kube::Client& client, ControllerOptions options);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Installs the Flux CRDs when missing, starts the watches and the threads.
  Result<void> start();
  void stop();

  // Fetches GitRepository ns/name now (webhooks); false when there is none. delivery: what
  // asked (the journal's trigger detail).
  bool refresh_source(const std::string& ns, const std::string& name,
                      const std::string& delivery = "webhook");
  // Fetches every GitRepository whose spec.url is one of urls (normalized); how many.
  int refresh_sources_by_url(const std::vector<std::string>& urls,
                             const std::function<std::string(std::string_view)>& normalize,
                             const std::string& delivery = "webhook");

  // Drift repairs made so far (tests, metrics).
  uint64_t drift_repairs() const { return m_drift_repairs; }

 private:
  struct Tracked;       // what the loop knows of one Flux object
  struct Applied;       // one applied object under drift watch
  struct HealthWaiter;  // a deferred health wait
  // Why a key was queued (the first reason since its last run), and when its run began.
  struct Why {
    Trigger trigger = Trigger::interval;
    std::string detail;
  };
  struct Running {
    Why why;
    SystemTime started;
  };

  // Watch events (controller.cpp, controller_drift.cpp).
  void on_watch_event(const kube::WatchEvent& event, const kube::Resource& resource);
  void on_flux_object(const kube::WatchEvent& event, Job job);
  void on_applied_object(const kube::WatchEvent& event, const kube::Resource& resource);

  // Threads.
  void worker();
  void scheduler_loop();
  void drift_worker();

  // Jobs: each a script of named steps.
  void run(const JobKey& key);
  void run_source(const JobKey& key);
  void run_kustomization(const JobKey& key);
  void run_helm_release(const JobKey& key);
  void run_application(const JobKey& key);
  void run_application_set(const JobKey& key);
  void settle_health(const JobKey& key);
  void collect_orphaned(const JobKey& key);
  void add_finalizer(const JobKey& key);
  void repair(const std::string& object_key);
  // DriftWatch::Mode::warn: a Warning event about the object, once until the next reconcile.
  void warn_drift(const std::string& object_key, const JobKey& owner, const std::string& what)
      EXCLUDES(m_mutex);

  // Steps (without m_mutex unless said otherwise).
  std::optional<Node> current_object(const JobKey& key) EXCLUDES(m_mutex);
  void finalize(const JobKey& key, const Node& object);
  // True when the Kustomization must wait for its source's fetch (its first, or the one that
  // brings a commit the cache lacks); the fetch queues it again.
  bool wait_for_fetch(const JobKey& key, uint64_t fetches_seen) EXCLUDES(m_mutex);
  uint64_t source_fetches(const JobKey& key) EXCLUDES(m_mutex);
  // Runs `reconcile` once the object's source has been fetched, its drift repairs held
  // meanwhile; nullopt when it waits for a fetch instead (the fetch queues it again).
  std::optional<Outcome> reconcile_fetched(const JobKey& key,
                                           const std::function<Outcome()>& reconcile)
      EXCLUDES(m_mutex);
  void hold_repairs(const JobKey& key) EXCLUDES(m_mutex);
  void release_repairs(const JobKey& key) EXCLUDES(m_mutex);
  void watch_health_targets(const JobKey& key, const Outcome& outcome);
  // Status, events, log lines and the next run, all from the outcome.
  void report(const JobKey& key, const Node& object, const Outcome& outcome);
  // The events of a rollback pin taking effect or being cleared.
  void report_pin(const JobKey& key, const Node& object, const Outcome& outcome);

  // Bookkeeping, called with m_mutex held.
  void schedule(const JobKey& key, const Outcome& outcome) REQUIRES(m_mutex);
  void schedule_at(const JobKey& key, Clock::time_point when) REQUIRES(m_mutex);
  void forget_applied(const JobKey& owner) REQUIRES(m_mutex);
  void start_health_wait(const JobKey& key, Outcome outcome) REQUIRES(m_mutex);
  // Removes a Kustomization's deferred health wait (and its index entries); null if none.
  std::unique_ptr<HealthWaiter> take_health_wait(const JobKey& key) REQUIRES(m_mutex);
  // Takes m_mutex itself.
  void track_applied(const JobKey& owner, const sync::Plan& plan, const DriftWatch& drift)
      EXCLUDES(m_mutex);
  // Starts a cluster-wide watch of resource unless there is one; true when started now.
  Result<bool> ensure_watched(const kube::Resource& resource) EXCLUDES(m_mutex);  // without m_mutex
  void say(const std::string& line) const;
  // A Kubernetes event about `involved` (and the observers' EventRecord); revision: the
  // revision it is about, "" when none.
  void record(const Node& involved, bool warning, std::string_view reason,
              const std::string& message, const std::string& revision = {}) const;

  // Triggers and the observers' records (controller_journal.cpp). queue() notes why and adds
  // the key; note() only notes (the caller adds it). Neither needs m_mutex; both may hold it.
  void queue(const JobKey& key, Trigger trigger, std::string detail = {}) EXCLUDES(m_why_mutex);
  void note(const JobKey& key, Trigger trigger, std::string detail = {}) EXCLUDES(m_why_mutex);
  // Takes the key's noted trigger (interval when none) as the reason of the run beginning now.
  void begin_run(const JobKey& key) EXCLUDES(m_why_mutex);
  Running running(const JobKey& key) const EXCLUDES(m_why_mutex);
  // The record of a reconcile's outcome, told to the observers (without m_mutex).
  void tell(const JobKey& key, const Node& object, const Outcome& outcome) const
      EXCLUDES(m_mutex, m_why_mutex);
  void tell(ReconcileRecord record) const;
  // An observer reads the records' diffs and commit details (Observer::wants_details).
  bool wants_details() const;
  // A drift repair of one object of `owner` (its record, trigger drift).
  void tell_repair(const Node& owner, const std::string& what, const std::string& revision,
                   sync::ObjectResult object) const;
  // A reconcile of a new revision is beginning: a `progress` event (pending commit statuses).
  void tell_progress(const JobKey& key, const Node& object) const EXCLUDES(m_mutex);
  // The message and author of a source revision's commit ("" when unknown).
  source::CommitInfo commit_of(const JobKey& key, const std::string& revision) const
      EXCLUDES(m_mutex);

  kube::Client& m_client;
  ControllerOptions m_options;
  SourceCache m_sources;
  kube::WatchCache m_cache;  // before m_reconcilers, which read from it
  Reconcilers m_reconcilers;
  ClusterRegistry m_clusters;  // Argo CD's registered clusters; their watches queue applications
  ApplicationReconciler m_applications;
  ApplicationSetReconciler m_application_sets;
  WorkQueue<JobKey, JobKeyHash> m_queue;
  WorkQueue<std::string> m_drift_queue;                    // object keys
  std::unique_ptr<metrics::QueueMetrics> m_queue_metrics;  // with options.metrics
  std::unique_ptr<metrics::QueueMetrics> m_drift_queue_metrics;

  mutable Mutex m_mutex;
  CondVar m_schedule_changed;
  Scheduler<JobKey> m_scheduler GUARDED_BY(m_mutex);
  // Flux objects by their reconcile key (Job::source or Job::kustomization).
  std::map<JobKey, std::unique_ptr<Tracked>> m_tracked GUARDED_BY(m_mutex);
  std::map<std::string, std::unique_ptr<Applied>> m_applied GUARDED_BY(m_mutex);  // by object key
  std::map<JobKey, std::set<std::string>> m_applied_by_owner GUARDED_BY(m_mutex);
  std::map<JobKey, std::unique_ptr<HealthWaiter>> m_health GUARDED_BY(m_mutex);
  std::map<std::string, std::set<JobKey>> m_health_by_object GUARDED_BY(m_mutex);
  std::map<JobKey, Node> m_orphaned GUARDED_BY(m_mutex);  // deleted without our finalizer
  std::set<std::string> m_watched GUARDED_BY(m_mutex);    // resources watched cluster-wide
  // Kustomizations being reconciled: their objects' repairs wait until it is done (the
  // reconcile applies them anyway, and a repair must not apply the previous revision).
  std::map<JobKey, std::set<std::string>> m_busy GUARDED_BY(m_mutex);  // owner → keys

  mutable Mutex m_why_mutex ACQUIRED_AFTER(m_mutex);
  std::map<JobKey, Why> m_why GUARDED_BY(m_why_mutex);
  std::map<JobKey, Running> m_running GUARDED_BY(m_why_mutex);

  std::atomic<bool> m_stopping{false};
  std::atomic<uint64_t> m_drift_repairs{0};
  std::vector<std::thread> m_threads;
};

}  // namespace plumb::controller
