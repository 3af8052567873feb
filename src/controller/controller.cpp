#include "controller/controller.hpp"

#include <algorithm>
#include <array>

#include "controller/conditions.hpp"
#include "controller/flux_types.hpp"
#include "sync/fields.hpp"
#include "sync/health.hpp"

namespace plumb::controller {

using namespace std::chrono_literals;

namespace {

constexpr std::string_view k_source_kind = "GitRepository";
constexpr std::string_view k_kustomization_kind = "Kustomization";
constexpr std::string_view k_health_kind = "Health";
constexpr std::string_view k_deleted_kind = "Deleted";
constexpr std::string_view k_manager = "plumb";
// Flux's default wait before a Kustomization whose dependencies are not Ready is retried;
// a dependency turning Ready queues it sooner.
constexpr Duration k_dependency_retry = 30s;
// A drifting object repaired this often within the window is left alone until the next
// reconcile: something keeps changing it back (another controller, a defaulting webhook).
constexpr int k_max_repairs = 10;
constexpr auto k_repair_window = 60s;

std::string queue_key(std::string_view kind, std::string_view ns, std::string_view name) {
  std::string key(kind);
  key += '/';
  key += ns;
  key += '/';
  key += name;
  return key;
}

std::string object_key(const kube::Resource& resource, std::string_view ns, std::string_view name) {
  return queue_key(resource.group + "/" + resource.name, ns, name);
}

std::string object_key(const kube::Resource& resource, const Node& object) {
  return object_key(resource, object.string_at({"metadata", "namespace"}),
                    object.string_at({"metadata", "name"}));
}

// "Kustomization/flux-system/apps" → {"Kustomization", "flux-system", "apps"}.
std::array<std::string, 3> split_key(const std::string& key) {
  size_t a = key.find('/'), b = key.find('/', a + 1);
  return {key.substr(0, a), key.substr(a + 1, b - a - 1), key.substr(b + 1)};
}

int64_t int_at(const Node& object, std::initializer_list<std::string_view> path) {
  const Node* n = object.at_path(path);
  return n && n->is_int() ? n->as_int() : 0;
}

// True when the object asks for a reconcile: it is new to us, its spec changed since the
// status was written, or `flux reconcile` requested one.
bool wants_reconcile(const Node& object) {
  if (int_at(object, {"metadata", "generation"}) !=
      int_at(object, {"status", "observedGeneration"}))
    return true;
  std::string_view requested = object.string_at({"metadata", "annotations", k_requested_at});
  return !requested.empty() && requested != object.string_at({"status", "lastHandledReconcileAt"});
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

}  // namespace

struct Controller::Tracked {
  Node object;
  bool is_source = false;
  bool ready = false;
  bool suspended = false;
  std::string revision;              // sources: status.artifact.revision
  std::string source_key;            // kustomizations: their GitRepository's queue key
  std::vector<std::string> depends;  // kustomizations: queue keys of dependsOn
  Duration interval{60s};
  Duration retry_interval{60s};
  // Sources without a revision yet: whether the last fetch failed. Until a revision arrives
  // (or a fetch fails), the Kustomizations that would find no artifact wait here.
  bool fetch_failed = false;
  std::set<std::string> waiting;
};

struct Controller::Applied {
  std::string owner;  // the Kustomization's queue key
  kube::Resource resource;
  Node desired;
  std::vector<Clock::time_point> repairs;  // within k_repair_window
};

struct Controller::HealthWaiter {
  KustomizationOutcome outcome;
  Clock::time_point deadline;
  std::map<std::string, sync::HealthStatus> health;  // by object key
  std::map<std::string, std::string> display;        // by object key: "Deployment/ns/name"
  bool queued = false;

  bool settled() const {
    bool all_current = true;
    for (const auto& [k, h] : health) {
      if (h.health == sync::Health::failed) return true;
      all_current = all_current && h.health == sync::Health::current;
    }
    return all_current;
  }
  // "" when healthy; otherwise what failed or is still pending.
  std::string error() const {
    std::string pending;
    for (const auto& [k, h] : health) {
      if (h.health == sync::Health::failed)
        return display.at(k) + ": health check failed: " + h.message;
      if (h.health == sync::Health::current) continue;
      if (!pending.empty()) pending += "; ";
      pending += display.at(k) + " " + std::string(sync::to_string(h.health)) + ": " + h.message;
    }
    return pending.empty() ? "" : "timed out waiting for health: " + pending;
  }
};

Controller::Controller(kube::Client& client, ControllerOptions options)
    : m_client(client),
      m_options(std::move(options)),
      m_sources(m_options.cache_dir),
      m_cache(client),
      m_reconcilers(
          client, m_sources,
          [this](const std::string& ns, const std::string& name, const sync::Plan& plan) {
            track_applied(queue_key(k_kustomization_kind, ns, name), plan);
          },
          &m_cache),
      m_scheduler(m_options.jitter) {}

Controller::~Controller() {
  stop();
}

Result<void> Controller::start() {
  TRY_VOID(install_flux_crds(m_client));
  m_cache.subscribe([this](const kube::WatchEvent& event, const kube::Resource& resource) {
    on_watch_event(event, resource);
  });
  for (const kube::Resource* r : {&k_git_repositories, &k_kustomizations}) {
    TRY_VOID(ensure_watched(*r));
    // The initial list raises no events: take every object as new.
    for (Node& object : m_cache.list(*r))
      on_watch_event(kube::WatchEvent{"ADDED", std::move(object)}, *r);
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
    std::lock_guard lock(m_mutex);
    m_schedule_changed.notify_all();
  }
  for (std::thread& t : m_threads)
    t.join();
  m_threads.clear();
  m_cache.stop();
}

bool Controller::refresh_source(const std::string& ns, const std::string& name) {
  std::string key = queue_key(k_source_kind, ns, name);
  {
    std::lock_guard lock(m_mutex);
    if (!m_tracked.count(key)) return false;
  }
  m_queue.add(key);
  return true;
}

int Controller::refresh_sources_by_url(
    const std::vector<std::string>& urls,
    const std::function<std::string(std::string_view)>& normalize) {
  std::set<std::string> wanted;
  for (const std::string& url : urls)
    wanted.insert(normalize(url));
  std::vector<std::string> keys;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& [key, t] : m_tracked) {
      if (t->is_source && wanted.count(normalize(t->object.string_at({"spec", "url"}))))
        keys.push_back(key);
    }
  }
  for (const std::string& key : keys)
    m_queue.add(key);
  return int(keys.size());
}

// ---- watch events ------------------------------------------------------------------------

void Controller::on_watch_event(const kube::WatchEvent& event, const kube::Resource& resource) {
  if (resource.group == k_git_repositories.group && resource.name == k_git_repositories.name) {
    on_flux_object(event, true);
  } else if (resource.group == k_kustomizations.group && resource.name == k_kustomizations.name) {
    on_flux_object(event, false);
  } else {
    on_applied_object(event, resource);
  }
}

void Controller::on_flux_object(const kube::WatchEvent& event, bool is_source) {
  const Node& object = event.object;
  std::string ns(object.string_at({"metadata", "namespace"}));
  std::string name(object.string_at({"metadata", "name"}));
  std::string key = queue_key(is_source ? k_source_kind : k_kustomization_kind, ns, name);
  if (event.type == "DELETED") {
    std::set<std::string> waiting;
    {
      std::lock_guard lock(m_mutex);
      if (auto it = m_tracked.find(key); it != m_tracked.end()) waiting.swap(it->second->waiting);
      m_tracked.erase(key);
      m_scheduler.forget(key);
      if (!is_source) {
        forget_applied(key);
        take_health_wait(key);
        m_deleted[key] = object;
      }
    }
    if (!is_source) m_queue.add(queue_key(k_deleted_kind, ns, name));
    for (const std::string& k : waiting)
      m_queue.add(k);
    return;
  }
  std::vector<std::string> to_queue;
  {
    std::lock_guard lock(m_mutex);
    auto& slot = m_tracked[key];
    bool is_new = !slot;
    if (is_new) slot = std::make_unique<Tracked>();
    Tracked& t = *slot;
    bool was_ready = t.ready;
    t.object = object;
    t.is_source = is_source;
    t.ready = is_ready(object);
    if (is_source) {
      std::string revision(object.string_at({"status", "artifact", "revision"}));
      auto spec = parse_git_repository(object);
      if (spec) {
        t.interval = t.retry_interval = spec->interval;
        t.suspended = spec->suspend;
      }
      if (revision != t.revision && !revision.empty()) {
        // A new revision: every Kustomization of this source applies it now.
        for (const auto& [other_key, other] : m_tracked) {
          if (!other->is_source && other->source_key == key && !other->suspended)
            to_queue.push_back(other_key);
        }
        to_queue.insert(to_queue.end(), t.waiting.begin(), t.waiting.end());
        t.waiting.clear();
      }
      t.revision = std::move(revision);
    } else {
      auto spec = parse_kustomization(object);
      if (spec) {
        t.interval = spec->interval;
        t.retry_interval = spec->retry_interval;
        t.suspended = spec->suspend;
        t.source_key = queue_key(k_source_kind, spec->source_ref.namespace_, spec->source_ref.name);
        t.depends.clear();
        for (const NamespacedName& d : spec->depends_on)
          t.depends.push_back(queue_key(k_kustomization_kind, d.namespace_, d.name));
      }
      if (t.ready && !was_ready) {
        // dependsOn is an event: dependents start as soon as this one is Ready.
        for (const auto& [other_key, other] : m_tracked) {
          if (other->is_source || other->ready || other->suspended) continue;
          if (std::find(other->depends.begin(), other->depends.end(), key) != other->depends.end())
            to_queue.push_back(other_key);
        }
      }
    }
    if (is_new || wants_reconcile(object)) to_queue.push_back(key);
  }
  for (const std::string& k : to_queue)
    m_queue.add(k);
}

void Controller::on_applied_object(const kube::WatchEvent& event, const kube::Resource& resource) {
  std::string key = object_key(resource, event.object);
  bool deleted = event.type == "DELETED";
  Node desired;
  {
    std::lock_guard lock(m_mutex);
    // Deferred health waits that include this object.
    if (auto it = m_health_by_object.find(key); it != m_health_by_object.end()) {
      sync::HealthStatus health = deleted
                                      ? sync::HealthStatus{sync::Health::in_progress, "not found"}
                                      : sync::health_of(event.object);
      for (const std::string& owner : it->second) {
        auto waiter = m_health.find(owner);
        if (waiter == m_health.end()) continue;
        waiter->second->health[key] = health;
        if (!waiter->second->queued && waiter->second->settled()) {
          waiter->second->queued = true;
          auto [kind, ns, name] = split_key(owner);
          m_queue.add(queue_key(k_health_kind, ns, name));
        }
      }
    }
    auto applied = m_applied.find(key);
    if (applied == m_applied.end()) return;
    desired = applied->second->desired;
  }
  if (deleted) {
    m_drift_queue.add(key);
    return;
  }
  if (event.object.at_path({"metadata", "deletionTimestamp"})) return;  // DELETED follows
  if (!sync::already_applied(desired, event.object, k_manager)) m_drift_queue.add(key);
}

// ---- threads -----------------------------------------------------------------------------

void Controller::worker() {
  while (auto key = m_queue.get()) {
    process(*key);
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
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    std::vector<std::string> due = m_scheduler.step(Clock::now());
    if (!due.empty()) {
      lock.unlock();
      for (const std::string& key : due)
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

void Controller::process(const std::string& key) {
  auto [kind, ns, name] = split_key(key);
  if (kind == k_source_kind) {
    process_source(ns, name);
  } else if (kind == k_kustomization_kind) {
    process_kustomization(ns, name);
  } else if (kind == k_health_kind) {
    process_health(ns, name);
  } else if (kind == k_deleted_kind) {
    process_deletion(ns, name);
  }
}

void Controller::process_source(const std::string& ns, const std::string& name) {
  std::string key = queue_key(k_source_kind, ns, name);
  std::string before;
  Node object;
  {
    std::lock_guard lock(m_mutex);
    auto it = m_tracked.find(key);
    if (it == m_tracked.end()) return;
    before = it->second->revision;
    object = it->second->object;
  }
  auto revision = m_reconcilers.reconcile_source(ns, name);
  std::lock_guard lock(m_mutex);
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return;
  // A successful fetch releases the waiting Kustomizations through the watch event of the
  // revision it wrote; a failed one has no revision to wait for.
  it->second->fetch_failed = !revision;
  if (!revision) {
    for (const std::string& k : it->second->waiting)
      m_queue.add(k);
    it->second->waiting.clear();
  }
  if (it->second->suspended) return;
  if (!revision) {
    say(key + ": fetch failed: " + revision.error().message());
    record(object, true, "GitOperationFailed", revision.error().message());
    schedule_retry(key, it->second->retry_interval);
    return;
  }
  if (*revision != before) {
    say(key + ": fetched " + *revision);
    record(object, false, "NewArtifact", "stored artifact for revision '" + *revision + "'");
  }
  schedule_success(key, it->second->interval);
}

void Controller::process_kustomization(const std::string& ns, const std::string& name) {
  std::string key = queue_key(k_kustomization_kind, ns, name);
  Node object;
  {
    std::lock_guard lock(m_mutex);
    auto it = m_tracked.find(key);
    if (it == m_tracked.end()) return;
    object = it->second->object;
    // A source still on its first fetch: reconciling now could only fail with "artifact not
    // found". Its revision (or its failure) queues this Kustomization again.
    auto source = m_tracked.find(it->second->source_key);
    if (source != m_tracked.end() && source->second->revision.empty() &&
        !source->second->fetch_failed && !source->second->suspended) {
      source->second->waiting.insert(key);
      return;
    }
    m_busy[key];
  }
  std::string reason;
  auto outcome = m_reconcilers.reconcile_kustomization(ns, name, HealthWait::deferred, &reason);
  {
    std::lock_guard lock(m_mutex);
    auto busy = m_busy.find(key);
    for (const std::string& deferred : busy->second)
      m_drift_queue.add(deferred);
    m_busy.erase(busy);
  }

  std::vector<kube::Resource> to_watch;
  if (outcome) {
    for (const sync::PlannedObject& o : outcome->health_targets)
      to_watch.push_back(o.resource);
  }
  for (const kube::Resource& r : to_watch) {
    if (auto watched = ensure_watched(r); !watched) {
      say(key + ": cannot watch " + r.name + " for health: " + watched.error().message());
    }
  }

  std::lock_guard lock(m_mutex);
  // This reconcile supersedes a health wait still pending from the previous one: finishing
  // that one later would write its older outcome over this one's.
  take_health_wait(key);
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return;
  Tracked& t = *it->second;
  if (!outcome) {
    std::string message = outcome.error().message();
    if (reason == "DependencyNotReady" || reason == "ArtifactFailed") {
      // Waiting, not failing: the dependency's Ready or the source's revision queues it.
      say(key + ": " + message);
      schedule_retry(key, std::min(t.retry_interval, k_dependency_retry));
      return;
    }
    say(key + ": failed: " + message);
    record(object, true, reason.empty() ? "ReconciliationFailed" : reason, message);
    schedule_retry(key, t.retry_interval);
    return;
  }
  if (outcome->suspended) {
    forget_applied(key);
    m_scheduler.forget(key);
    return;
  }
  std::string changes = describe_changes(outcome->result);
  if (changes.empty() && outcome->render_reused &&
      object.string_at({"status", "lastAppliedRevision"}) != outcome->revision) {
    say(key + ": " + outcome->revision + ": its inputs did not change: not rendered again");
  }
  if (!changes.empty()) {
    say(key + ": " + outcome->revision + ": " + outcome->result.summary());
    record(object, false, "ReconciliationSucceeded", changes);
  }
  if (outcome->health_targets.empty()) {
    schedule_success(key, t.interval);
    return;
  }
  // The health wait is settled by watch events (on_applied_object) or by its deadline.
  auto waiter = std::make_unique<HealthWaiter>();
  waiter->deadline = Clock::now() + outcome->timeout;
  for (const sync::PlannedObject& o : outcome->health_targets) {
    std::string k = object_key(o.resource, o.ref.namespace_, o.ref.name);
    auto live = m_cache.get(o.resource, o.ref.namespace_, o.ref.name);
    waiter->health[k] =
        live ? sync::health_of(*live) : sync::HealthStatus{sync::Health::in_progress, "not found"};
    waiter->display[k] = o.ref.display();
    m_health_by_object[k].insert(key);
  }
  waiter->outcome = std::move(*outcome);
  std::string health_key = queue_key(k_health_kind, ns, name);
  if (waiter->settled()) {
    waiter->queued = true;
    m_queue.add(health_key);
  } else {
    schedule_at(health_key, waiter->deadline);
  }
  m_health[key] = std::move(waiter);
}

std::unique_ptr<Controller::HealthWaiter> Controller::take_health_wait(const std::string& key) {
  auto it = m_health.find(key);
  if (it == m_health.end()) return nullptr;
  std::unique_ptr<HealthWaiter> waiter = std::move(it->second);
  m_health.erase(it);
  for (const auto& [k, h] : waiter->health) {
    auto by_object = m_health_by_object.find(k);
    if (by_object == m_health_by_object.end()) continue;
    by_object->second.erase(key);
    if (by_object->second.empty()) m_health_by_object.erase(by_object);
  }
  return waiter;
}

void Controller::process_health(const std::string& ns, const std::string& name) {
  std::string key = queue_key(k_kustomization_kind, ns, name);
  std::unique_ptr<HealthWaiter> waiter;
  Node object;
  {
    std::lock_guard lock(m_mutex);
    auto it = m_health.find(key);
    if (it == m_health.end()) return;
    if (!it->second->settled() && Clock::now() < it->second->deadline) {
      // An earlier deadline of a wait this one replaced.
      schedule_at(queue_key(k_health_kind, ns, name), it->second->deadline);
      return;
    }
    waiter = take_health_wait(key);
    if (auto t = m_tracked.find(key); t != m_tracked.end()) object = t->second->object;
  }
  std::string error = waiter->error();
  auto written = m_reconcilers.finish_kustomization(ns, name, waiter->outcome, error);
  std::lock_guard lock(m_mutex);
  auto it = m_tracked.find(key);
  if (it == m_tracked.end()) return;
  if (!error.empty() || !written) {
    std::string message = error.empty() ? written.error().message() : error;
    say(key + ": " + message);
    record(object, true, "HealthCheckFailed", message);
    schedule_retry(key, it->second->retry_interval);
    return;
  }
  say(key + ": ready at " + waiter->outcome.revision);
  schedule_success(key, it->second->interval);
}

void Controller::process_deletion(const std::string& ns, const std::string& name) {
  std::string key = queue_key(k_kustomization_kind, ns, name);
  Node object;
  {
    std::lock_guard lock(m_mutex);
    auto it = m_deleted.find(key);
    if (it == m_deleted.end()) return;
    object = std::move(it->second);
    m_deleted.erase(it);
    if (m_tracked.count(key)) return;  // created again meanwhile: its reconcile decides
  }
  auto result = m_reconcilers.garbage_collect(object);
  if (!result) {
    say(key + ": deleted; pruning its objects failed: " + result.error().message());
  } else if (!result->objects.empty()) {
    say(key + ": deleted; " + result->summary());
  }
}

// ---- drift -------------------------------------------------------------------------------

void Controller::repair(const std::string& key) {
  kube::Resource resource;
  Node desired;
  std::string owner;
  {
    std::lock_guard lock(m_mutex);
    auto it = m_applied.find(key);
    if (it == m_applied.end()) return;
    Applied& a = *it->second;
    auto now = Clock::now();
    std::erase_if(a.repairs, [&](Clock::time_point t) { return now - t > k_repair_window; });
    if (int(a.repairs.size()) >= k_max_repairs) return;
    if (auto busy = m_busy.find(a.owner); busy != m_busy.end()) {
      busy->second.insert(key);
      return;
    }
    resource = a.resource;
    desired = a.desired;
    owner = a.owner;
  }
  ObjectRef ref = ObjectRef::of(desired);
  auto live = m_cache.get(resource, ref.namespace_, ref.name);
  if (live && (live->at_path({"metadata", "deletionTimestamp"}) ||
               sync::already_applied(desired, *live, k_manager)))
    return;
  auto applied = m_client.apply(resource, desired, k_manager, kube::Force::yes, kube::DryRun::no);
  std::lock_guard lock(m_mutex);
  auto it = m_applied.find(key);
  if (it == m_applied.end()) return;  // pruned or forgotten meanwhile
  it->second->repairs.push_back(Clock::now());
  Node owner_object;
  if (auto t = m_tracked.find(owner); t != m_tracked.end()) owner_object = t->second->object;
  std::string what = ref.display() + (live ? " changed outside Git" : " deleted outside Git");
  if (!applied) {
    say("drift: " + what + "; re-apply failed: " + applied.error().message());
    record(owner_object, true, "DriftCorrectionFailed", what + ": " + applied.error().message());
    return;
  }
  ++m_drift_repairs;
  say("drift: " + what + "; restored");
  record(owner_object, false, "DriftCorrected", what + "; restored");
  if (int(it->second->repairs.size()) == k_max_repairs) {
    record(owner_object, true, "DriftCorrectionPaused",
           ref.display() + " keeps changing; left alone until the next reconcile");
  }
}

void Controller::track_applied(const std::string& owner, const sync::Plan& plan) {
  std::vector<bool> fresh_watch;
  std::vector<const sync::PlannedObject*> objects;
  for (const auto* stage : {&plan.definitions, &plan.workloads}) {
    for (const sync::PlannedObject& o : *stage)
      objects.push_back(&o);
  }
  std::map<std::string, bool> started;  // resource path → watch started now
  for (const sync::PlannedObject* o : objects) {
    std::string path = kube::resource_path(o->resource, "", "");
    if (started.count(path)) continue;
    auto watched = ensure_watched(o->resource);
    started[path] = watched && *watched;
    if (!watched)
      say(owner + ": cannot watch " + o->resource.name + ": " + watched.error().message());
  }
  std::vector<std::string> check_now;
  {
    std::lock_guard lock(m_mutex);
    forget_applied(owner);
    if (!m_tracked.count(owner)) return;  // deleted meanwhile
    std::set<std::string>& keys = m_applied_by_owner[owner];
    for (const sync::PlannedObject* o : objects) {
      std::string key = object_key(o->resource, o->ref.namespace_, o->ref.name);
      auto applied = std::make_unique<Applied>();
      applied->owner = owner;
      applied->resource = o->resource;
      applied->desired = o->object;
      m_applied[key] = std::move(applied);
      keys.insert(key);
      // A watch started after the apply raised no event for what changed before it.
      if (started[kube::resource_path(o->resource, "", "")]) check_now.push_back(key);
    }
  }
  for (const std::string& key : check_now)
    m_drift_queue.add(key);
}

void Controller::forget_applied(const std::string& owner) {
  auto it = m_applied_by_owner.find(owner);
  if (it == m_applied_by_owner.end()) return;
  for (const std::string& key : it->second) {
    auto applied = m_applied.find(key);
    if (applied != m_applied.end() && applied->second->owner == owner) m_applied.erase(applied);
  }
  m_applied_by_owner.erase(it);
}

Result<bool> Controller::ensure_watched(const kube::Resource& resource) {
  std::lock_guard watch_lock(m_watch_mutex);
  std::string path = kube::resource_path(resource, "", "");
  {
    std::lock_guard lock(m_mutex);
    if (m_watched.count(path)) return false;
  }
  TRY_VOID(m_cache.watch(resource, ""));
  std::lock_guard lock(m_mutex);
  m_watched.insert(path);
  return true;
}

// ---- scheduling and reporting ------------------------------------------------------------

void Controller::schedule_success(const std::string& key, Duration interval) {
  m_scheduler.succeeded(key, Clock::now(), std::max<Duration>(interval, 1s));
  m_schedule_changed.notify_all();
}

void Controller::schedule_retry(const std::string& key, Duration retry_interval) {
  m_scheduler.failed(key, Clock::now(), std::max<Duration>(retry_interval, 1s));
  m_schedule_changed.notify_all();
}

void Controller::schedule_at(const std::string& key, Clock::time_point when) {
  m_scheduler.run_at(key, when);
  m_schedule_changed.notify_all();
}

void Controller::say(const std::string& line) const {
  if (m_options.log) m_options.log(line);
}

void Controller::record(const Node& involved, bool warning, const std::string& reason,
                        const std::string& message) const {
  if (m_options.event && involved.is_map()) m_options.event(involved, warning, reason, message);
}

}  // namespace plumb::controller
