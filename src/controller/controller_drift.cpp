// The controller's watch of what it applied: drift repairs and deferred health waits.
#include "controller/controller.hpp"
#include "controller/controller_parts.hpp"
#include "sync/diff.hpp"
#include "sync/fields.hpp"

namespace plumb::controller {

namespace {

// A drifting object repaired this often within the window is left alone until the next
// reconcile: something keeps changing it back (another controller, a defaulting webhook).
constexpr int k_max_repairs = 10;
constexpr auto k_repair_window = 60s;

std::string key_of(const kube::Resource& resource, const Node& object) {
  return object_key(resource, object.string_at({"metadata", "namespace"}),
                    object.string_at({"metadata", "name"}));
}

}  // namespace

std::string object_key(const kube::Resource& resource, std::string_view ns, std::string_view name) {
  std::string key = resource.group + "/" + resource.name;
  key.append("/").append(ns).append("/").append(name);
  return key;
}

bool Controller::HealthWaiter::settled() const {
  bool all_current = true;
  for (const auto& [k, h] : health) {
    if (h.health == sync::Health::failed) return true;
    all_current = all_current && h.health == sync::Health::current;
  }
  return all_current;
}

std::string Controller::HealthWaiter::error() const {
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

void Controller::on_applied_object(const kube::WatchEvent& event, const kube::Resource& resource) {
  std::string key = key_of(resource, event.object);
  bool deleted = event.type == "DELETED";
  std::vector<JobKey> settled;
  Node desired;
  std::function<void(Node&, const Node&)> left_to_cluster;
  bool applied_by_us = false;
  std::optional<JobKey> application;
  {
    LockGuard lock(m_mutex);
    // Deferred health waits that include this object.
    if (auto it = m_health_by_object.find(key); it != m_health_by_object.end()) {
      sync::HealthStatus health = deleted
                                      ? sync::HealthStatus{sync::Health::in_progress, "not found"}
                                      : sync::health_of(event.object);
      for (const JobKey& owner : it->second) {
        auto waiter = m_health.find(owner);
        if (waiter == m_health.end()) continue;
        waiter->second->health[key] = health;
        if (!waiter->second->queued && waiter->second->settled()) {
          waiter->second->queued = true;
          settled.push_back(JobKey{Job::health, owner.namespace_, owner.name});
        }
      }
    }
    if (auto applied = m_applied.find(key); applied != m_applied.end()) {
      const Applied& a = *applied->second;
      desired = a.desired;
      left_to_cluster = a.drift.left_to_cluster;
      applied_by_us = !a.warned;  // warn mode: reported once until the next reconcile
      // An Argo CD application is compared again whenever one of its resources changes: its
      // health and sync status follow the cluster, as Argo's controller's do.
      if (a.owner.job == Job::application) application = a.owner;
    }
  }
  for (const JobKey& k : settled)
    m_queue.add(k);
  if (application) queue(*application, Trigger::drift, key);
  if (!applied_by_us) return;
  if (deleted) {
    m_drift_queue.add(key);
    return;
  }
  if (event.object.at_path({"metadata", "deletionTimestamp"})) return;  // DELETED follows
  if (left_to_cluster) left_to_cluster(desired, event.object);
  if (!sync::already_applied(desired, event.object, k_field_manager)) m_drift_queue.add(key);
}

void Controller::repair(const std::string& key) {
  kube::Resource resource;
  Node desired;
  DriftWatch drift;
  JobKey owner;
  {
    LockGuard lock(m_mutex);
    auto it = m_applied.find(key);
    if (it == m_applied.end()) return;
    Applied& a = *it->second;
    auto now = Clock::now();
    std::erase_if(a.repairs, [&](Clock::time_point t) { return now - t > k_repair_window; });
    if (int(a.repairs.size()) >= k_max_repairs || a.warned) return;
    if (auto busy = m_busy.find(a.owner); busy != m_busy.end()) {
      busy->second.insert(key);
      return;
    }
    resource = a.resource;
    desired = a.desired;
    drift = a.drift;
    owner = a.owner;
  }
  ObjectRef ref = ObjectRef::of(desired);
  auto live = m_cache.get(resource, ref.namespace_, ref.name);
  if (live && drift.left_to_cluster) drift.left_to_cluster(desired, *live);
  if (live && (live->at_path({"metadata", "deletionTimestamp"}) ||
               sync::already_applied(desired, *live, k_field_manager)))
    return;
  std::string what = ref.display() + (live ? " changed outside Git" : " deleted outside Git");
  if (drift.mode == DriftWatch::Mode::warn) return warn_drift(key, owner, what);
  if (drift.mode == DriftWatch::Mode::refresh) {
    // Compared again by its owner (an application without selfHeal turns OutOfSync), once
    // until the owner's next sync.
    {
      LockGuard lock(m_mutex);
      auto it = m_applied.find(key);
      if (it == m_applied.end()) return;
      it->second->warned = true;
    }
    say("drift: " + what + "; left as it is (no selfHeal)");
    queue(owner, Trigger::drift, what);
    return;
  }
  auto applied =
      m_client.apply(resource, desired, k_field_manager, kube::Force::yes, kube::DryRun::no);
  Node owner_object;
  bool paused = false;
  {
    LockGuard lock(m_mutex);
    auto it = m_applied.find(key);
    if (it == m_applied.end()) return;  // pruned or forgotten meanwhile
    it->second->repairs.push_back(Clock::now());
    paused = int(it->second->repairs.size()) == k_max_repairs;
    if (auto t = m_tracked.find(owner); t != m_tracked.end()) owner_object = t->second->object;
  }
  if (!applied) {
    say("drift: " + what + "; re-apply failed: " + applied.error().message());
    tell_repair(
        owner_object, what, std::string(owner_object.string_at({"status", "lastAppliedRevision"})),
        sync::ObjectResult{
            .ref = ref, .action = sync::Action::failed, .message = applied.error().message()});
    record(owner_object, true, "DriftCorrectionFailed", what + ": " + applied.error().message());
    return;
  }
  ++m_drift_repairs;
  say("drift: " + what + "; restored");
  std::string revision(owner_object.string_at({"status", "lastAppliedRevision"}));
  sync::ObjectResult repaired{.ref = ref,
                              .action = live ? sync::Action::configured : sync::Action::created,
                              .message = what};
  if (wants_details()) repaired.diff = sync::object_diff(ref, live ? &*live : nullptr, &*applied);
  tell_repair(owner_object, what, revision, std::move(repaired));
  record(owner_object, false, "DriftCorrected", what + "; restored", revision);  // after: gated
  if (paused) {
    record(owner_object, true, "DriftCorrectionPaused",
           ref.display() + " keeps changing; left alone until the next reconcile");
  }
}

void Controller::warn_drift(const std::string& key, const JobKey& owner, const std::string& what) {
  Node owner_object;
  {
    LockGuard lock(m_mutex);
    auto it = m_applied.find(key);
    if (it == m_applied.end() || it->second->warned) return;  // forgotten or told meanwhile
    it->second->warned = true;
    if (auto t = m_tracked.find(owner); t != m_tracked.end()) owner_object = t->second->object;
  }
  say("drift: " + what + "; left as it is (driftDetection mode warn)");
  record(owner_object, true, "DriftDetected", what + "; left as it is (driftDetection mode warn)");
}

void Controller::track_applied(const JobKey& owner, const sync::Plan& plan,
                               const DriftWatch& drift) {
  std::vector<sync::PlannedObject> objects = sync::all_objects(plan);
  std::map<std::string, bool> started;  // resource path → watch started now
  for (const sync::PlannedObject& o : objects) {
    std::string path = kube::resource_path(o.resource, "", "");
    if (started.count(path)) continue;
    auto watched = ensure_watched(o.resource);
    started[path] = watched && *watched;
    if (!watched)
      say(owner.object() + ": cannot watch " + o.resource.name + ": " + watched.error().message());
  }
  // Watched even when drift is not (off): an inline health wait reads the followed kinds from
  // the cache instead of listing them.
  std::vector<std::string> check_now;
  {
    LockGuard lock(m_mutex);
    forget_applied(owner);
    if (drift.mode == DriftWatch::Mode::off) return;  // changes are left to the cluster
    if (!m_tracked.count(owner)) return;              // deleted meanwhile
    std::set<std::string>& keys = m_applied_by_owner[owner];
    for (sync::PlannedObject& o : objects) {
      std::string key = object_key(o.resource, o.ref.namespace_, o.ref.name);
      auto applied = std::make_unique<Applied>();
      applied->owner = owner;
      applied->resource = o.resource;
      applied->desired = std::move(o.object);
      applied->drift = drift;
      m_applied[key] = std::move(applied);
      keys.insert(key);
      // A watch started after the apply raised no event for what changed before it.
      if (started[kube::resource_path(o.resource, "", "")]) check_now.push_back(key);
    }
  }
  for (const std::string& key : check_now)
    m_drift_queue.add(key);
}

void Controller::forget_applied(const JobKey& owner) {
  auto it = m_applied_by_owner.find(owner);
  if (it == m_applied_by_owner.end()) return;
  for (const std::string& key : it->second) {
    auto applied = m_applied.find(key);
    if (applied != m_applied.end() && applied->second->owner == owner) m_applied.erase(applied);
  }
  m_applied_by_owner.erase(it);
}

Result<bool> Controller::ensure_watched(const kube::Resource& resource) {
  std::string path = kube::resource_path(resource, "", "");
  {
    LockGuard lock(m_mutex);
    if (m_watched.count(path)) return false;
  }
  // No lock held across the LIST: concurrent callers share the cache's one first LIST. Each
  // of them found no watch, so each is told it started now.
  TRY_VOID(m_cache.watch(resource, ""));
  LockGuard lock(m_mutex);
  m_watched.insert(path);
  return true;
}

void Controller::start_health_wait(const JobKey& key, Outcome outcome) {
  // Settled by the objects' watch events (on_applied_object) or by its deadline.
  auto waiter = std::make_unique<HealthWaiter>();
  waiter->deadline = Clock::now() + outcome.health.timeout;
  for (const sync::PlannedObject& o : outcome.health.targets) {
    std::string k = object_key(o.resource, o.ref.namespace_, o.ref.name);
    auto live = m_cache.get(o.resource, o.ref.namespace_, o.ref.name);
    waiter->health[k] =
        live ? sync::health_of(*live) : sync::HealthStatus{sync::Health::in_progress, "not found"};
    waiter->display[k] = o.ref.display();
    m_health_by_object[k].insert(key);
  }
  waiter->outcome = std::move(outcome);
  JobKey health_key{Job::health, key.namespace_, key.name};
  if (waiter->settled()) {
    waiter->queued = true;
    m_queue.add(health_key);  // the queue's own lock; no callback runs
  } else {
    schedule_at(health_key, waiter->deadline);
  }
  m_health[key] = std::move(waiter);
}

std::unique_ptr<Controller::HealthWaiter> Controller::take_health_wait(const JobKey& key) {
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

}  // namespace plumb::controller
