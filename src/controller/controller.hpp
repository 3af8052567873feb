// The GitOps loop: follows every GitRepository and Kustomization in the cluster and keeps the
// cluster true to them.
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
//   deletion, queues a repair: that object alone is applied again (drift correction).
//   Objects nobody touches cost nothing between intervals.
// - Health waits (spec.wait, spec.healthChecks) hold no worker: the objects' watch events
//   settle them, a deadline in the Scheduler ends them.
//
// Thread safety: start/stop from one thread; refresh_* from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "controller/reconcile.hpp"
#include "controller/scheduler.hpp"
#include "controller/work_queue.hpp"
#include "kube/watch_cache.hpp"

namespace plumb::controller {

struct ControllerOptions {
  std::string cache_dir;  // git caches
  int workers = 4;
  int drift_workers = 2;
  double jitter = 0.05;
  // Progress lines ("Kustomization/flux-system/apps: applied ..."); called from any thread.
  std::function<void(const std::string& line)> log;
  // Events about Flux objects (type Normal/Warning, reason, message); from any thread.
  std::function<void(const Node& involved, bool warning, const std::string& reason,
                     const std::string& message)>
      event;
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

  // Fetches GitRepository ns/name now (webhooks); false when there is none.
  bool refresh_source(const std::string& ns, const std::string& name);
  // Fetches every GitRepository whose spec.url is one of urls (normalized); how many.
  int refresh_sources_by_url(const std::vector<std::string>& urls,
                             const std::function<std::string(std::string_view)>& normalize);

  // Drift repairs made so far (tests, metrics).
  uint64_t drift_repairs() const { return m_drift_repairs; }

 private:
  struct Tracked;       // what the loop knows of one Flux object
  struct Applied;       // one applied object under drift watch
  struct HealthWaiter;  // a deferred health wait

  // Watch events.
  void on_watch_event(const kube::WatchEvent& event, const kube::Resource& resource);
  void on_flux_object(const kube::WatchEvent& event, bool is_source);
  void on_applied_object(const kube::WatchEvent& event, const kube::Resource& resource);

  // Work.
  void worker();
  void scheduler_loop();
  void drift_worker();
  void process(const std::string& key);
  void process_source(const std::string& ns, const std::string& name);
  void process_kustomization(const std::string& ns, const std::string& name);
  void process_health(const std::string& ns, const std::string& name);
  void process_deletion(const std::string& ns, const std::string& name);
  void repair(const std::string& object_key);

  // Bookkeeping, called with m_mutex held unless said otherwise.
  void schedule_success(const std::string& key, Duration interval);
  void schedule_retry(const std::string& key, Duration retry_interval);
  void schedule_at(const std::string& key, Clock::time_point when);
  void track_applied(const std::string& owner, const sync::Plan& plan);  // takes m_mutex
  void forget_applied(const std::string& owner);
  // Removes a Kustomization's deferred health wait (and its index entries); null if none.
  std::unique_ptr<HealthWaiter> take_health_wait(const std::string& key);
  // Starts a cluster-wide watch of resource unless there is one; true when started now.
  Result<bool> ensure_watched(const kube::Resource& resource);  // without m_mutex
  void say(const std::string& line) const;
  void record(const Node& involved, bool warning, const std::string& reason,
              const std::string& message) const;

  kube::Client& m_client;
  ControllerOptions m_options;
  SourceCache m_sources;
  kube::WatchCache m_cache;  // before m_reconcilers, which read from it
  Reconcilers m_reconcilers;
  // "GitRepository/ns/name", "Kustomization/ns/name", "Health/ns/name", "Deleted/ns/name"
  WorkQueue m_queue;
  WorkQueue m_drift_queue;  // object keys

  mutable std::mutex m_mutex;
  std::condition_variable m_schedule_changed;
  Scheduler m_scheduler;
  std::map<std::string, std::unique_ptr<Tracked>> m_tracked;  // by queue key
  std::map<std::string, std::unique_ptr<Applied>> m_applied;  // by object key
  std::map<std::string, std::set<std::string>> m_applied_by_owner;
  std::map<std::string, std::unique_ptr<HealthWaiter>> m_health;  // by Kustomization key
  std::map<std::string, Node> m_deleted;  // Kustomizations deleted, as last seen, to prune
  std::map<std::string, std::set<std::string>> m_health_by_object;
  std::set<std::string> m_watched;  // resource paths with a cluster-wide watch
  // Kustomizations being reconciled: their objects' repairs wait until it is done (the
  // reconcile applies them anyway, and a repair must not apply the previous revision).
  std::map<std::string, std::set<std::string>> m_busy;  // owner → deferred object keys

  std::mutex m_watch_mutex;  // serializes ensure_watched
  std::atomic<bool> m_stopping{false};
  std::atomic<uint64_t> m_drift_repairs{0};
  std::vector<std::thread> m_threads;
};

}  // namespace plumb::controller
