#include "controller/controller.hpp"

#include <algorithm>
#include <array>

#include "argo/crds.hpp"
#include "controller/controller_parts.hpp"
#include "controller/ocirepository.hpp"
#include "controller/status.hpp"
#include "core/conditions.hpp"

namespace plumb::controller {

namespace {

// Flux's default wait before a Kustomization whose dependencies are not Ready is retried;
// a dependency turning Ready queues it sooner.
constexpr Duration k_dependency_retry = 30s;
// Low-priority work (adding finalizers) waits while more jobs than this are queued.
constexpr size_t k_busy_queue = 8;
constexpr Duration k_busy_retry = 2s;
// Argo CD's defaults: every application compared again every 3 minutes (timeout.reconciliation),
// a failed comparison sooner.
constexpr Duration k_application_interval = 180s;
constexpr Duration k_application_retry = 10s;
// Argo's ReconcileRequeueOnValidationError.
constexpr Duration k_application_set_retry = 180s;

bool is_source(Job job) {
  return job == Job::source || job == Job::oci_source || job == Job::helm_repository;
}

// The Flux kinds the controller follows, and the job an object of each gets.
struct FollowedKind {
  const kube::Resource* resource;
  Job job;
};
const std::array<FollowedKind, 7> k_followed{{
    {&k_git_repositories, Job::source},
    {&k_oci_repositories, Job::oci_source},
    {&k_helm_repositories, Job::helm_repository},
    {&k_kustomizations, Job::kustomization},
    {&k_helm_releases, Job::helm_release},
    {&argo::k_applications, Job::application},
    {&argo::k_application_sets, Job::application_set},
}};

// The resource of a job's object (health, orphan and finalizer jobs are a Kustomization's).
const kube::Resource& resource_of(Job job) {
  for (const FollowedKind& f : k_followed)
    if (f.job == job) return *f.resource;
  return k_kustomizations;
}

std::string_view kind_of(Job job) {
  return resource_of(job).kind;
}

// The job that fetches a source of this kind. A HelmRelease of a HelmRepository fetches its
// chart itself; the repository's new index revision queues it (a version range may pick a
// new chart).
std::optional<Job> fetch_job(std::string_view kind) {
  for (const FollowedKind& f : k_followed)
    if (is_source(f.job) && f.resource->kind == kind) return f.job;
  return std::nullopt;
}

// The reconcile job of an object that applies (the AppliedHook's owner).
Job job_of_owner(const ObjectRef& owner) {
  if (owner.kind == argo::k_applications.kind && owner.group == argo::k_group)
    return Job::application;
  return owner.kind == k_helm_releases.kind ? Job::helm_release : Job::kustomization;
}

int64_t int_at(const Node& object, std::initializer_list<std::string_view> path) {
  const Node* n = object.at_path(path);
  return n && n->is_int() ? n->as_int() : 0;
}

bool is_deleting(const Node& object) {
  return object.at_path({"metadata", "deletionTimestamp"}) != nullptr;
}

// True when the object asks for a reconcile: its spec changed since the status was written,
// `flux reconcile` requested one, or it is being deleted and waits for our finalizer.
bool wants_reconcile(const Node& object) {
  if (is_deleting(object)) return holds_finalizer(object);
  if (int_at(object, {"metadata", "generation"}) !=
      int_at(object, {"status", "observedGeneration"}))
    return true;
  std::string_view requested = object.string_at({"metadata", "annotations", k_requested_at});
  return !requested.empty() && requested != object.string_at({"status", "lastHandledReconcileAt"});
}

// An Argo CD Application asks for a reconcile when its spec changed, an operation (a sync)
// or a refresh was requested, or it is being deleted. Its CRD has no status subresource, so
// every status write moves its generation: generations say nothing here.
bool application_asks_again(const Node& before, const Node& after) {
  auto at = [](const Node& o, std::string_view key) {
    const Node* n = o.find(key);
    return n ? *n : Node();
  };
  constexpr std::string_view k_refresh = "argocd.argoproj.io/refresh";
  return !(at(before, "spec") == at(after, "spec")) ||
         (after.find("operation") && !(at(before, "operation") == at(after, "operation"))) ||
         (!after.string_at({"metadata", "annotations", k_refresh}).empty() &&
          before.string_at({"metadata", "annotations", k_refresh}) !=
              after.string_at({"metadata", "annotations", k_refresh})) ||
         is_deleting(before) != is_deleting(after);
}

// An ApplicationSet asks for a reconcile when its spec, labels, finalizers or deletion changed,
// or the refresh annotation was put on it (Argo's shouldRequeueForApplicationSet); its status
// (the controller's own writes) does not.
bool application_set_asks_again(const Node& before, const Node& after) {
  auto at = [](const Node& o, std::initializer_list<std::string_view> path) {
    const Node* n = o.at_path(path);
    return n ? *n : Node();
  };
  constexpr std::string_view k_refresh = "argocd.argoproj.io/application-set-refresh";
  return !(at(before, {"spec"}) == at(after, {"spec"})) ||
         !(at(before, {"metadata", "labels"}) == at(after, {"metadata", "labels"})) ||
         !(at(before, {"metadata", "finalizers"}) == at(after, {"metadata", "finalizers"})) ||
         is_deleting(before) != is_deleting(after) ||
         (after.at_path({"metadata", "annotations", k_refresh}) &&
          !before.at_path({"metadata", "annotations", k_refresh}));
}

// True when `after` differs from `before` in what asks for a reconcile (spec, a `reconcile`
// request, deletion). A change of status or finalizers alone does not: a reconcile's own
// writes (its finalizer, its status) must not queue it again.
bool asks_again(const Node& before, const Node& after) {
  return int_at(before, {"metadata", "generation"}) != int_at(after, {"metadata", "generation"}) ||
         before.string_at({"metadata", "annotations", k_requested_at}) !=
             after.string_at({"metadata", "annotations", k_requested_at}) ||
         before.string_at({"metadata", "annotations", k_rollback_to}) !=
             after.string_at({"metadata", "annotations", k_rollback_to}) ||
         is_deleting(before) != is_deleting(after);
}

std::string describe_changes(const sync::SyncResult& result) {
  std::string out;
  for (const sync::ObjectResult& o : result.objects) {
    if (o.action == sync::Action::unchanged) continue;
    if (!out.empty()) out += '\n';
    out += o.ref.display() + " " + std::string(sync::to_string(o.action));
  }
  return out;
}

// The Kustomization a health, orphan or finalizer job is about.
JobKey owner_of(const JobKey& key) {
  return JobKey{Job::kustomization, key.namespace_, key.name};
}

}  // namespace

std::string JobKey::object() const {
  return std::string(kind_of(job)) + "/" + namespace_ + "/" + name;
}

size_t JobKeyHash::operator()(const JobKey& key) const {
  size_t h = std::hash<std::string>()(key.namespace_);
  h = h * 31 + std::hash<std::string>()(key.name);
  return h * 31 + size_t(key.job);
}

Controller::Controller(kube::Client& client, ControllerOptions options)
    : m_client(client),
      m_options(std::move(options)),
      m_sources(m_options.cache_dir),
      m_cache(client),
      m_reconcilers(
          client, m_sources,
          [this](const ObjectRef& owner, const sync::Plan& plan, const DriftWatch& drift) {
            track_applied(JobKey{job_of_owner(owner), owner.namespace_, owner.name}, plan, drift);
          },
          &m_cache),
      m_clusters(client, &m_cache,
                 [this](const Node& object) {
                   if (auto app = tracked_by(object))
                     m_queue.add(JobKey{Job::application, app->namespace_, app->name});
                 }),
      m_applications(
          client, m_sources, &m_cache,
          [this](const ObjectRef& owner, const sync::Plan& plan, const DriftWatch& drift) {
            track_applied(JobKey{job_of_owner(owner), owner.namespace_, owner.name}, plan, drift);
          },
          [this](const kube::Resource& resource) { return ensure_watched(resource); }, &m_clusters),
      m_application_sets(client, m_sources, &m_cache),
      m_scheduler(m_options.jitter) {
  if (m_options.sops_age_secret) m_reconcilers.set_sops_age_secret(*m_options.sops_age_secret);
  m_reconcilers.set_record_diffs(wants_details());
  m_applications.set_customization_dir(m_options.resource_customizations);
  if (m_options.metrics) {
    m_queue_metrics = std::make_unique<metrics::QueueMetrics>(*m_options.metrics, "reconcile");
    m_drift_queue_metrics = std::make_unique<metrics::QueueMetrics>(*m_options.metrics, "drift");
    m_queue.set_metrics(m_queue_metrics.get());
    m_drift_queue.set_metrics(m_drift_queue_metrics.get());
  }
}

Controller::~Controller() {
  stop();
}

Result<void> Controller::start() {
  TRY_VOID(install_flux_crds(m_client));
  TRY_VOID(install_crds(m_client, argo::argo_crds()));
  m_cache.subscribe([this](const kube::WatchEvent& event, const kube::Resource& resource) {
    on_watch_event(event, resource);
  });
  for (const FollowedKind& f : k_followed) {
    TRY_VOID(ensure_watched(*f.resource));
    // The initial list raises no events: take every object as new.
    for (Node& object : m_cache.list(*f.resource))
      on_flux_object(kube::WatchEvent{"ADDED", std::move(object)}, f.job);
  }
  for (int i = 0; i < std::max(1, m_options.workers); ++i)
    m_threads.emplace_back([this] { worker(); });
  for (int i = 0; i < std::max(1, m_options.drift_workers); ++i)
    m_threads.emplace_back([this] { drift_worker(); });
  m_threads.emplace_back([this] { scheduler_loop(); });
  return {};
}

void Controller::stop() {
  if (m_stopping.exchange(true)) return;
  m_queue.shut_down();
  m_drift_queue.shut_down();
  {
    LockGuard lock(m_mutex);
    m_schedule_changed.notify_all();
  }
  for (std::thread& t : m_threads)
    t.join();
  m_threads.clear();
  m_clusters.stop();
  m_cache.stop();
}

bool Controller::refresh_source(const std::string& ns, const std::string& name,
                                const std::string& delivery) {
  JobKey key{Job::source, ns, name};
  {
    LockGuard lock(m_mutex);
    if (!m_tracked.count(key)) return false;
  }
  queue(key, Trigger::webhook, delivery);
  return true;
}

int Controller::refresh_sources_by_url(
    const std::vector<std::string>& urls,
    const std::function<std::string(std::string_view)>& normalize, const std::string& delivery) {
  std::set<std::string> wanted;
  for (const std::string& url : urls)
    wanted.insert(normalize(url));
  std::vector<JobKey> keys;
  {
    LockGuard lock(m_mutex);
    for (const auto& [key, t] : m_tracked) {
      if (key.job == Job::source && wanted.count(normalize(t->object.string_at({"spec", "url"}))))
        keys.push_back(key);
      if (key.job == Job::application_set) {
        for (const std::string& url : ApplicationSetReconciler::repositories(t->object))
          if (wanted.count(normalize(url))) {
            keys.push_back(key);
            break;
          }
        continue;
      }
      if (key.job != Job::application) continue;
      for (const std::string& url : ApplicationReconciler::repositories(t->object)) {
        if (!wanted.count(normalize(url))) continue;
        m_applications.forget_revisions(url);
        keys.push_back(key);
        break;
      }
    }
  }
  for (const JobKey& key : keys)
    queue(key, Trigger::webhook, delivery);
  return int(keys.size());
}

// ---- watch events ------------------------------------------------------------------------

void Controller::on_watch_event(const kube::WatchEvent& event, const kube::Resource& resource) {
  for (const FollowedKind& f : k_followed) {
    if (resource.group != f.resource->group || resource.name != f.resource->name) continue;
    on_flux_object(event, f.job);
    // An application applied by another (app-of-apps) is also its owner's resource.
    if (f.job == Job::application) on_applied_object(event, resource);
    return;
  }
  // A cluster Secret changed: the sets of its namespace may generate other Applications.
  if (resource.kind == "Secret" && resource.group.empty() &&
      ApplicationSetReconciler::is_cluster_secret(event.object)) {
    std::string_view ns = event.object.string_at({"metadata", "namespace"});
    std::vector<JobKey> sets;
    {
      LockGuard lock(m_mutex);
      for (const auto& [key, t] : m_tracked)
        if (key.job == Job::application_set && key.namespace_ == ns) sets.push_back(key);
    }
    for (const JobKey& key : sets)
      m_queue.add(key);
  }
  on_applied_object(event, resource);
}

void Controller::on_flux_object(const kube::WatchEvent& event, Job job) {
  const Node& object = event.object;
  JobKey key{job, std::string(object.string_at({"metadata", "namespace"})),
             std::string(object.string_at({"metadata", "name"}))};
  std::vector<JobKey> to_queue;
  // An Application its set controls: a change of what the set owns, or its deletion, asks
  // the set to reconcile (it restores or re-creates the Application).
  std::optional<JobKey> set_key;
  std::optional<ReconcileRecord> suspended_or_resumed;  // told once m_mutex is released
  if (job == Job::application)
    if (auto owner = ApplicationSetReconciler::owner_of(object))
      set_key = JobKey{Job::application_set, key.namespace_, *owner};
  if (event.type == "DELETED") {
    for (Observer* observer : m_options.observers)
      observer->on_deleted(object.string_at({"kind"}), key.namespace_, key.name);
    if (set_key) to_queue.push_back(*set_key);
    {
      LockGuard lock(m_mutex);
      auto it = m_tracked.find(key);
      bool finalized = it != m_tracked.end() && it->second->finalized;
      if (it != m_tracked.end())
        to_queue.assign(it->second->waiting.begin(), it->second->waiting.end());
      m_tracked.erase(key);
      m_scheduler.forget(key);
      if (job == Job::helm_release || job == Job::application) forget_applied(key);
      if (job == Job::kustomization) {
        forget_applied(key);
        take_health_wait(key);
        if (!finalized) {
          m_orphaned[key] = object;
          to_queue.push_back(JobKey{Job::orphaned, key.namespace_, key.name});
        }
      }
    }
    for (const JobKey& k : to_queue)
      m_queue.add(k);
    return;
  }
  {
    LockGuard lock(m_mutex);
    auto& slot = m_tracked[key];
    bool is_new = !slot;
    if (is_new) slot = std::make_unique<Tracked>();
    Tracked& t = *slot;
    bool was_ready = t.ready;
    bool asked =
        !is_new && (job == Job::application       ? application_asks_again(t.object, object)
                    : job == Job::application_set ? application_set_asks_again(t.object, object)
                                                  : asks_again(t.object, object));
    if (set_key && !is_new && ApplicationSetReconciler::owned_changed(t.object, object)) {
      note(*set_key, Trigger::spec, "Application/" + key.namespace_ + "/" + key.name);
      to_queue.push_back(*set_key);
    }
    bool was_suspended = t.suspended;
    Node before = t.object;  // O(1): shares its blocks
    t.object = object;
    t.ready = is_ready(object);
    if (is_source(job)) {
      std::string revision(object.string_at({"status", "artifact", "revision"}));
      if (auto spec = parse_git_repository(object); spec && job == Job::source) {
        t.interval = t.retry_interval = spec->interval;
        t.suspended = spec->suspend;
      } else if (auto oci = parse_oci_repository(object); oci && job == Job::oci_source) {
        t.interval = t.retry_interval = oci->interval;
        t.suspended = oci->suspend;
      } else if (auto helm = parse_helm_repository(object); helm && job == Job::helm_repository) {
        t.interval = t.retry_interval = helm->interval;
        // Type oci is static: never fetched, so nothing waits for it.
        t.suspended = helm->suspend || helm->oci;
      }
      if (revision != t.revision && !revision.empty()) {
        // A new revision: every Kustomization and HelmRelease of this source applies it now.
        for (const auto& [other_key, other] : m_tracked) {
          if (!is_source(other_key.job) && other->source == key && !other->suspended) {
            note(other_key, Trigger::source, t.fetched_for);
            to_queue.push_back(other_key);
          }
        }
        for (const JobKey& waiting : t.waiting)
          note(waiting, Trigger::source, t.fetched_for);
        to_queue.insert(to_queue.end(), t.waiting.begin(), t.waiting.end());
        t.waiting.clear();
      }
      t.revision = std::move(revision);
    } else if (job == Job::application) {
      t.interval = k_application_interval;
      t.retry_interval = k_application_retry;
    } else if (job == Job::application_set) {
      t.retry_interval = k_application_set_retry;  // its interval: its generators' (the run)
    } else if (job == Job::helm_release) {
      if (auto spec = parse_helm_release(object)) {
        t.interval = t.retry_interval = spec->interval;
        t.suspended = spec->suspend;
        if (auto fetch = fetch_job(spec->source_ref.kind))
          t.source = JobKey{*fetch, spec->source_ref.namespace_, spec->source_ref.name};
        t.depends.clear();
        for (const NamespacedName& d : spec->depends_on)
          t.depends.push_back(JobKey{Job::helm_release, d.namespace_, d.name});
      }
    } else {
      if (auto spec = parse_kustomization(object)) {
        t.interval = spec->interval;
        t.retry_interval = spec->retry_interval;
        t.suspended = spec->suspend;
        if (auto fetch = fetch_job(spec->source_ref.kind))
          t.source = JobKey{*fetch, spec->source_ref.namespace_, spec->source_ref.name};
        t.depends.clear();
        for (const NamespacedName& d : spec->depends_on)
          t.depends.push_back(JobKey{Job::kustomization, d.namespace_, d.name});
      }
    }
    if (!is_source(job) && t.ready && !was_ready) {
      // dependsOn is an event: dependents start as soon as this one is Ready.
      for (const auto& [other_key, other] : m_tracked) {
        if (other_key.job != job || other->ready || other->suspended) continue;
        if (std::find(other->depends.begin(), other->depends.end(), key) != other->depends.end()) {
          note(other_key, Trigger::dependency, key.object());
          to_queue.push_back(other_key);
        }
      }
    }
    std::string_view pin_before = before.string_at({"metadata", "annotations", k_rollback_to});
    std::string_view pin_after = object.string_at({"metadata", "annotations", k_rollback_to});
    if (is_new || (asked && (job == Job::application || job == Job::application_set ||
                             pin_after != pin_before || wants_reconcile(object)))) {
      std::string_view requested = object.string_at({"metadata", "annotations", k_requested_at});
      if (is_new) {
        note(key, Trigger::created);
      } else if (pin_after != pin_before) {
        note(key, pin_after.empty() ? Trigger::resume : Trigger::rollback, std::string(pin_after));
      } else if (was_suspended && !t.suspended) {
        note(key, Trigger::resume);
      } else if (!requested.empty() &&
                 requested != t.object.string_at({"status", "lastHandledReconcileAt"})) {
        note(key, Trigger::manual, std::string(requested));
      } else {
        note(key, Trigger::spec);
      }
      to_queue.push_back(key);
    }
    if (!is_new && was_suspended != t.suspended && !is_source(job)) {
      ReconcileRecord r;
      r.started = r.finished = std::chrono::system_clock::now();
      r.api_version = object.string_at({"apiVersion"});
      r.kind = object.string_at({"kind"});
      r.namespace_ = key.namespace_;
      r.name = key.name;
      r.uid = object.string_at({"metadata", "uid"});
      r.trigger = t.suspended ? Trigger::suspend : Trigger::resume;
      r.reason = t.suspended ? Reason::suspended : Reason::succeeded;
      r.revision = object.string_at({"status", "lastAppliedRevision"});
      suspended_or_resumed = std::move(r);
    }
  }
  if (suspended_or_resumed) tell(std::move(*suspended_or_resumed));
  for (const JobKey& k : to_queue)
    m_queue.add(k);
}

// ---- threads -----------------------------------------------------------------------------

void Controller::worker() {
  while (auto key = m_queue.get()) {
    run(*key);
    m_queue.done(*key);
  }
}

void Controller::drift_worker() {
  while (auto key = m_drift_queue.get()) {
    repair(*key);
    m_drift_queue.done(*key);
  }
}

void Controller::scheduler_loop() {
  UniqueLock lock(m_mutex);
  while (!m_stopping) {
    std::vector<JobKey> due = m_scheduler.step(Clock::now());
    for (const JobKey& key : due) {
      auto it = m_tracked.find(key);
      bool retry = it != m_tracked.end() && it->second->failing;
      note(key, retry ? Trigger::retry : Trigger::interval);
      if (retry && m_queue_metrics) m_queue_metrics->retried();
    }
    if (!due.empty()) {
      lock.unlock();
      for (const JobKey& key : due)
        m_queue.add(key);
      lock.lock();
      continue;
    }
    auto next = m_scheduler.next_due();
    if (next) {
      m_schedule_changed.wait_until(lock, *next);
    } else {
      m_schedule_changed.wait(lock);
    }
  }
}

// ---- jobs --------------------------------------------------------------------------------

void Controller::run(const JobKey& key) {
  begin_run(key);
  switch (key.job) {
    case Job::source:
    case Job::oci_source:
    case Job::helm_repository:
      return run_source(key);
    case Job::kustomization:
      return run_kustomization(key);
    case Job::health:
      return settle_health(key);
    case Job::orphaned:
      return collect_orphaned(key);
    case Job::finalizer:
      return add_finalizer(key);
    case Job::helm_release:
      return run_helm_release(key);
    case Job::application:
      return run_application(key);
    case Job::application_set:
      return run_application_set(key);
  }
}

void Controller::run_source(const JobKey& key) {
  std::optional<Node> object = current_object(key);
  if (!object) return;
  Outcome outcome = key.job == Job::oci_source ? m_reconcilers.reconcile_oci_repository(*object)
                    : key.job == Job::helm_repository
                        ? m_reconcilers.reconcile_helm_repository(*object)
                        : m_reconcilers.reconcile_source(*object);
  report(key, *object, outcome);
}

// The whole reconcile of one Kustomization in the running controller.
void Controller::run_kustomization(const JobKey& key) {
  std::optional<Node> object = current_object(key);
  if (!object) return;
  if (is_deleting(*object)) return finalize(key, *object);
  tell_progress(key, *object);
  std::optional<Outcome> reconciled = reconcile_fetched(
      key, [&] { return m_reconcilers.reconcile_kustomization(*object, HealthMode::deferred); });
  if (!reconciled) return;
  Outcome& outcome = *reconciled;
  watch_health_targets(key, outcome);
  report(key, *object, outcome);
  // After the status, so that its watch event finds this reconcile done; put off while the
  // queue is busy (a cold start: a thousand new Kustomizations become Ready first).
  if (!holds_finalizer(*object)) m_queue.add(JobKey{Job::finalizer, key.namespace_, key.name});
}

// The whole reconcile of one HelmRelease in the running controller. Its health wait is
// inline (the release is marked deployed or failed once it is judged), so it holds a worker
// for up to spec.timeout.
void Controller::run_helm_release(const JobKey& key) {
  std::optional<Node> object = current_object(key);
  if (!object) return;
  if (is_deleting(*object)) {
    {
      LockGuard lock(m_mutex);
      forget_applied(key);  // what the uninstall deletes is not drift
    }
    auto uninstalled = m_reconcilers.finalize_helm_release(*object);
    if (!uninstalled) {
      std::string message = "uninstall failed: " + uninstalled.error().message();
      say(key.object() + ": " + message);
      record(*object, true, to_string(Reason::reconciliation_failed), message);
      LockGuard lock(m_mutex);
      if (auto it = m_tracked.find(key); it != m_tracked.end())
        m_scheduler.failed(key, Clock::now(), std::max<Duration>(it->second->retry_interval, 1s));
      m_schedule_changed.notify_all();
      return;
    }
    say(key.object() + ": uninstalled; " + uninstalled->sync.summary());
    record(*object, false, to_string(uninstalled->reason), "Helm uninstall succeeded");
    LockGuard lock(m_mutex);
    if (auto it = m_tracked.find(key); it != m_tracked.end()) it->second->finalized = true;
    return;
  }
  if (auto added = m_reconcilers.add_finalizer(*object); !added)
    say(key.object() + ": adding the finalizer: " + added.error().message());
  std::optional<Outcome> outcome = reconcile_fetched(
      key, [&] { return m_reconcilers.reconcile_helm_release(*object, HealthMode::inline_wait); });
  if (!outcome) return;
  report(key, *object, *outcome);
}

// The whole reconcile of one Argo CD Application in the running controller: a deletion
// cascades (with the resources finalizer), else compare and, when asked or automated, sync
// (waves and hooks inline: a worker is held until the sync ends).
void Controller::run_application(const JobKey& key) {
  std::optional<Node> object = current_object(key);
  if (!object) return;
  if (is_deleting(*object)) {
    {
      LockGuard lock(m_mutex);
      forget_applied(key);  // what the cascade deletes is not drift
    }
    auto deleted = m_applications.finalize(*object);
    if (!deleted) {
      say(key.object() + ": deleting: " + deleted.error().message());
      record(*object, true, "DeletionFailed", deleted.error().message());
      LockGuard lock(m_mutex);
      m_scheduler.failed(key, Clock::now(), k_application_retry);
      m_schedule_changed.notify_all();
      return;
    }
    if (!deleted->objects.empty()) say(key.object() + ": deleted; " + deleted->summary());
    return;
  }
  hold_repairs(key);
  ApplicationOutcome outcome = m_applications.reconcile(*object);
  release_repairs(key);
  auto written = m_applications.write_status(*object, outcome);
  std::string name = key.object();
  if (outcome.operation) {
    const OperationRun& op = *outcome.operation;
    bool ok = op.phase == OperationPhase::succeeded;
    std::string what = std::string(op.automated ? "automated sync" : "sync") + " to " +
                       op.revision + ": " + std::string(to_string(op.phase)) + ": " + op.message;
    say(name + ": " + what);
    record(*object, !ok, ok ? "OperationCompleted" : "OperationFailed", what, op.revision);
    Outcome told =
        ok ? Outcome{} : Outcome::failure(Reason::reconciliation_failed, Error(op.message));
    told.revision = op.revision;
    for (const TaskResult& task : op.results) {
      using S = TaskResult::Status;
      sync::Action action = task.status == S::synced        ? sync::Action::configured
                            : task.status == S::sync_failed ? sync::Action::failed
                            : task.status == S::pruned      ? sync::Action::deleted
                                                            : sync::Action::skipped;
      told.sync.objects.push_back(
          sync::ObjectResult{.ref = task.ref, .action = action, .message = task.message});
    }
    tell(key, *object, told);
  }
  // Conditions are told when they are new (a comparison that changed nothing writes nothing).
  if (written && *written)
    for (const auto& [type, message] : outcome.conditions)
      say(name + ": " + std::string(to_string(type)) + ": " + message);
  if (!written) say(name + ": writing status: " + written.error().message());
  LockGuard lock(m_mutex);
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return;
  if (!written || (!outcome.compared && !outcome.conditions.empty())) {
    m_scheduler.failed(key, Clock::now(), it->second->retry_interval);
  } else {
    m_scheduler.succeeded(key, Clock::now(), it->second->interval);
  }
  if (outcome.requeue_after) m_scheduler.run_at(key, Clock::now() + *outcome.requeue_after);
  m_schedule_changed.notify_all();
}

// The reconcile of one Argo CD ApplicationSet: its Applications generated, created, updated
// and deleted; a set being deleted lets its Applications go when its policy keeps them.
void Controller::run_application_set(const JobKey& key) {
  std::optional<Node> object = current_object(key);
  if (!object) return;
  if (is_deleting(*object)) {
    if (auto released = m_application_sets.finalize(*object); !released)
      say(key.object() + ": deleting: " + released.error().message());
    return;
  }
  AppSetOutcome outcome = m_application_sets.reconcile(*object);
  auto written = m_application_sets.write_status(*object, outcome);
  std::string name = key.object();
  // Events as Argo's controller records them on the set.
  for (const std::string& app : outcome.created)
    record(*object, false, "created", "created Application \"" + app + "\"");
  for (const std::string& app : outcome.updated)
    record(*object, false, "updated", "updated Application \"" + app + "\"");
  for (const std::string& app : outcome.deleted)
    record(*object, false, "Deleted", "Deleted Application \"" + app + "\"");
  if (!outcome.created.empty() || !outcome.updated.empty() || !outcome.deleted.empty())
    say(name + ": " + std::to_string(outcome.created.size()) + " created, " +
        std::to_string(outcome.updated.size()) + " updated, " +
        std::to_string(outcome.deleted.size()) + " deleted");
  if (outcome.error && written && *written) {
    say(name + ": " + std::string(to_string(*outcome.error)) + ": " + outcome.message);
    record(*object, true, to_string(*outcome.error), outcome.message);
  }
  if (!written) say(name + ": writing status: " + written.error().message());
  LockGuard lock(m_mutex);
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return;
  if (!written || outcome.error) {
    Duration retry = outcome.requeue_after.count() > 0
                         ? std::min<Duration>(it->second->retry_interval, outcome.requeue_after)
                         : it->second->retry_interval;
    m_scheduler.failed(key, Clock::now(), retry);
  } else if (outcome.requeue_after.count() > 0) {
    it->second->interval = outcome.requeue_after;
    m_scheduler.succeeded(key, Clock::now(), outcome.requeue_after);
  } else {
    m_scheduler.forget(key);  // only a change of the set, its Applications or a push
  }
  m_schedule_changed.notify_all();
}

std::optional<Outcome> Controller::reconcile_fetched(const JobKey& key,
                                                     const std::function<Outcome()>& reconcile) {
  uint64_t fetches = source_fetches(key);
  if (fetches == 0 && wait_for_fetch(key, fetches)) return std::nullopt;  // its first fetch
  hold_repairs(key);
  Outcome outcome = reconcile();
  release_repairs(key);
  if (outcome.reason == Reason::artifact_not_fetched) {
    if (wait_for_fetch(key, fetches)) return std::nullopt;
    outcome.reason = Reason::artifact_failed;  // fetched since, still missing: say so
  }
  return outcome;
}

void Controller::add_finalizer(const JobKey& key) {
  if (m_queue.waiting() > k_busy_queue) {
    // Low priority: a cold start's reconciles and health checks go first.
    LockGuard lock(m_mutex);
    schedule_at(key, Clock::now() + k_busy_retry);
    return;
  }
  std::optional<Node> object = current_object(owner_of(key));
  if (!object || is_deleting(*object)) return;  // deleted meanwhile: the orphan path prunes
  if (auto added = m_reconcilers.add_finalizer(*object); !added)
    say(key.object() + ": adding the finalizer: " + added.error().message());
}

void Controller::settle_health(const JobKey& key) {
  JobKey owner = owner_of(key);
  std::unique_ptr<HealthWaiter> waiter;
  Node object;
  {
    LockGuard lock(m_mutex);
    auto it = m_health.find(owner);
    if (it == m_health.end()) return;
    if (!it->second->settled() && Clock::now() < it->second->deadline) {
      schedule_at(key, it->second->deadline);  // an earlier deadline of a replaced wait
      return;
    }
    waiter = take_health_wait(owner);
    auto t = m_tracked.find(owner);
    if (t == m_tracked.end()) return;
    object = t->second->object;
  }
  std::string error = waiter->error();
  Outcome outcome =
      error.empty() ? Outcome{} : Outcome::failure(Reason::health_check_failed, Error(error));
  outcome.revision = waiter->outcome.revision;
  outcome.ignored_fields = waiter->outcome.ignored_fields;
  report(key, object, outcome);
}

void Controller::collect_orphaned(const JobKey& key) {
  JobKey owner = owner_of(key);
  Node object;
  {
    LockGuard lock(m_mutex);
    auto it = m_orphaned.find(owner);
    if (it == m_orphaned.end()) return;
    object = std::move(it->second);
    m_orphaned.erase(it);
    if (m_tracked.count(owner)) return;  // created again meanwhile: its reconcile decides
  }
  auto result = m_reconcilers.finalize_kustomization(object);
  if (!result) {
    say(owner.object() + ": deleted; pruning its objects failed: " + result.error().message());
  } else if (!result->objects.empty()) {
    say(owner.object() + ": deleted; " + result->summary());
  }
}

// ---- steps -------------------------------------------------------------------------------

std::optional<Node> Controller::current_object(const JobKey& key) {
  LockGuard lock(m_mutex);
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return std::nullopt;
  return it->second->object;
}

void Controller::finalize(const JobKey& key, const Node& object) {
  {
    // What is pruned now is not drift.
    LockGuard lock(m_mutex);
    take_health_wait(key);
    forget_applied(key);
  }
  auto result = m_reconcilers.finalize_kustomization(object);
  if (!result) {
    std::string message = "deleting: pruning its objects failed: " + result.error().message();
    say(key.object() + ": " + message);
    record(object, true, to_string(Reason::prune_failed), message);
    LockGuard lock(m_mutex);
    auto it = m_tracked.find(key);
    if (it != m_tracked.end()) m_scheduler.failed(key, Clock::now(), it->second->retry_interval);
    m_schedule_changed.notify_all();
    return;
  }
  if (!result->objects.empty()) say(key.object() + ": deleted; " + result->summary());
  LockGuard lock(m_mutex);
  if (auto it = m_tracked.find(key); it != m_tracked.end()) it->second->finalized = true;
}

uint64_t Controller::source_fetches(const JobKey& key) {
  LockGuard lock(m_mutex);
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return 0;
  auto source = m_tracked.find(it->second->source);
  // No source to wait for: the reconcile says why there is no artifact.
  if (source == m_tracked.end() || source->second->suspended) return UINT64_MAX;
  return source->second->fetches;
}

bool Controller::wait_for_fetch(const JobKey& key, uint64_t fetches_seen) {
  LockGuard lock(m_mutex);
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return true;
  auto source = m_tracked.find(it->second->source);
  if (source == m_tracked.end() || source->second->suspended) return false;
  // A fetch that finished since the reconcile began did not bring the commit either: the
  // reconcile reports that instead of waiting for good.
  if (source->second->fetches != fetches_seen) return false;
  source->second->waiting.insert(key);
  // The run that waits keeps its reason for the run the fetch queues.
  Running run = running(key);
  note(key, run.why.trigger, run.why.detail);
  return true;
}

void Controller::hold_repairs(const JobKey& key) {
  LockGuard lock(m_mutex);
  m_busy[key];
}

void Controller::release_repairs(const JobKey& key) {
  std::set<std::string> deferred;
  {
    LockGuard lock(m_mutex);
    auto busy = m_busy.find(key);
    if (busy == m_busy.end()) return;
    deferred.swap(busy->second);
    m_busy.erase(busy);
  }
  for (const std::string& object_key : deferred)
    m_drift_queue.add(object_key);
}

void Controller::watch_health_targets(const JobKey& key, const Outcome& outcome) {
  for (const sync::PlannedObject& o : outcome.health.targets) {
    if (auto watched = ensure_watched(o.resource); !watched) {
      say(key.object() + ": cannot watch " + o.resource.name +
          " for health: " + watched.error().message());
    }
  }
}

void Controller::report_pin(const JobKey& key, const Node& object, const Outcome& outcome) {
  if (outcome.unpinned) {
    say(key.object() + ": the source moved past the rollback: pin cleared");
    record(object, false, "RollbackPinCleared",
           "the source moved to " + outcome.revision + ": the rollback pin is cleared",
           outcome.revision);
  } else if (outcome.pin && !outcome.failed() && running(key).why.trigger == Trigger::rollback) {
    say(key.object() + ": rolled back: " + outcome.pin->describe());
    record(object, false, "RolledBack", outcome.pin->describe(), outcome.revision);
  }
}

void Controller::report(const JobKey& key, const Node& object, const Outcome& outcome) {
  if (is_source(key.job)) {
    // Before the status write, whose watch event queues the source's reconciles with it.
    Running run = running(key);
    std::string fetched_for = key.object();
    if (run.why.trigger == Trigger::webhook || run.why.trigger == Trigger::manual)
      fetched_for += " (" + std::string(to_string(run.why.trigger)) + " " + run.why.detail + ")";
    LockGuard lock(m_mutex);
    if (auto it = m_tracked.find(key); it != m_tracked.end())
      it->second->fetched_for = std::move(fetched_for);
  }
  auto written = m_reconcilers.write_status(resource_of(key.job), object, outcome);
  // The observers first, then the events: a journal that gates events (GitOpsLoop) holds
  // each event until the record told before it is durable.
  tell(key, object, outcome);
  std::string name = key.object();
  std::string_view reason = to_string(outcome.reason);
  if (is_source(key.job)) {
    if (outcome.failed()) {
      say(name + ": fetch failed: " + outcome.error.message());
      record(object, true, reason, outcome.error.message(), outcome.revision);
    } else if (outcome.reason == Reason::succeeded &&
               outcome.revision != object.string_at({"status", "artifact", "revision"})) {
      say(name + ": fetched " + outcome.revision);
      record(object, false, "NewArtifact",
             "stored artifact for revision '" + outcome.revision + "'", outcome.revision);
    }
  } else if (key.job == Job::health) {
    if (outcome.failed()) {
      say(name + ": " + outcome.error.message());
      record(object, true, reason, outcome.error.message(), outcome.revision);
    } else {
      say(name + ": ready at " + outcome.revision);
    }
  } else if (is_waiting(outcome.reason)) {
    say(name + ": " + outcome.error.message());  // not a failure: no warning event
  } else if (outcome.failed()) {
    say(name + ": failed: " + outcome.error.message());
    record(object, true, reason, outcome.error.message(), outcome.revision);
  } else if (outcome.reason != Reason::suspended) {
    std::string changes = describe_changes(outcome.sync);
    if (changes.empty() && outcome.render_reused &&
        object.string_at({"status", "lastAppliedRevision"}) != outcome.revision) {
      say(name + ": " + outcome.revision + ": its inputs did not change: not rendered again");
    }
    if (!changes.empty()) {
      say(name + ": " + outcome.revision + ": " + outcome.sync.summary());
      record(object, false,
             key.job == Job::helm_release ? reason : std::string_view("ReconciliationSucceeded"),
             changes, outcome.revision);
    }
  }
  if (key.job == Job::kustomization) report_pin(key, object, outcome);
  if (!written) say(name + ": writing status: " + written.error().message());

  std::vector<JobKey> released;
  {
    LockGuard lock(m_mutex);
    if (is_source(key.job)) {
      if (auto it = m_tracked.find(key); it != m_tracked.end()) {
        ++it->second->fetches;
        // The Kustomizations waiting for this fetch go now; a new revision queues them (and
        // every other Kustomization of the source) from its watch event instead.
        if (outcome.failed() || outcome.revision == it->second->revision) {
          released.assign(it->second->waiting.begin(), it->second->waiting.end());
          it->second->waiting.clear();
          for (const JobKey& k : released)
            note(k, Trigger::source, it->second->fetched_for);
        }
      }
    }
    // A health job reports for its Kustomization, whose next run it schedules.
    JobKey scheduled = key.job == Job::health ? owner_of(key) : key;
    if (!written) {
      schedule(scheduled, Outcome::failure(Reason::reconciliation_failed, written.error()));
    } else if (outcome.reason == Reason::progressing) {
      take_health_wait(key);  // superseded by this reconcile's
      start_health_wait(key, outcome);
    } else {
      if (key.job == Job::kustomization) take_health_wait(key);
      schedule(scheduled, outcome);
    }
  }
  for (const JobKey& k : released)
    m_queue.add(k);
}

// ---- scheduling and reporting ------------------------------------------------------------

void Controller::schedule(const JobKey& key, const Outcome& outcome) {
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return;
  Tracked& t = *it->second;
  t.failing = outcome.failed() && !is_waiting(outcome.reason);
  if (outcome.reason == Reason::suspended) {
    forget_applied(key);  // a suspended object's drift is left as it is
    m_scheduler.forget(key);
    return;
  }
  if (is_waiting(outcome.reason)) {
    // Waiting, not failing: the dependency's Ready or the source's revision queues it.
    m_scheduler.failed(key, Clock::now(),
                       std::max<Duration>(std::min(t.retry_interval, k_dependency_retry), 1s));
  } else if (outcome.failed()) {
    m_scheduler.failed(key, Clock::now(), std::max<Duration>(t.retry_interval, 1s));
  } else {
    m_scheduler.succeeded(key, Clock::now(), std::max<Duration>(t.interval, 1s));
  }
  m_schedule_changed.notify_all();
}

void Controller::schedule_at(const JobKey& key, Clock::time_point when) {
  m_scheduler.run_at(key, when);
  m_schedule_changed.notify_all();
}

void Controller::say(const std::string& line) const {
  if (m_options.log) m_options.log(line);
}

}  // namespace plumb::controller
