#include "sync/sync.hpp"

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "sync/diff.hpp"
#include "sync/fields.hpp"
#include "sync/health.hpp"
#include "sync/policy.hpp"

namespace plumb::sync {
namespace {

// Runs body(i) for i in [0, count) on up to `workers` threads.
template <typename Body>
void parallel_for(size_t count, int workers, Body&& body) {
  size_t threads = std::min<size_t>(count, size_t(std::max(1, workers)));
  if (threads <= 1) {
    for (size_t i = 0; i < count; ++i)
      body(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < count;)
        body(i);
    });
  }
  for (auto& th : pool)
    th.join();
}

bool is_immutable_error(const Error& error) {
  return error.code() == 422 && error.message().find("immutable") != std::string::npos;
}

// The result of an object the server refused: its message without the object's name, which
// the result already carries.
ObjectResult refused(const PlannedObject& planned, const Error& error) {
  ObjectResult result{planned.ref, Action::failed, error.message(), error.code(), {}};
  if (std::string prefix = planned.ref.display() + ": "; result.message.starts_with(prefix)) {
    result.message.erase(0, prefix.size());
  }
  if (is_immutable_error(error)) {
    result.message += " (an immutable field changed; --force deletes and recreates the object)";
  }
  return result;
}

// Objects of one resource in one namespace are read with a single list when there are at
// least this many of them; fewer are read one by one.
constexpr size_t k_list_threshold = 3;

}  // namespace

Result<std::vector<std::optional<Node>>> Syncer::fetch_live(
    std::span<const PlannedObject> objects) {
  std::vector<std::optional<Node>> live(objects.size());
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> groups;
  const kube::WatchCache* cache = m_options.live_cache;
  for (size_t i = 0; i < objects.size(); ++i) {
    const PlannedObject& o = objects[i];
    if (cache && cache->follows(o.resource, o.ref.namespace_)) {
      live[i] = cache->get(o.resource, o.ref.namespace_, o.ref.name);
      continue;
    }
    groups[{kube::resource_path(o.resource, o.ref.namespace_, ""), o.ref.namespace_}].push_back(i);
  }
  std::vector<std::pair<std::string, std::vector<size_t>>> singles;
  for (auto& [key, indexes] : groups) {
    const PlannedObject& first = objects[indexes.front()];
    if (indexes.size() >= k_list_threshold) {
      auto list = m_client.list(first.resource, first.ref.namespace_);
      if (!list) {
        if (list.error().code() == 404) continue;  // a kind whose CRD is new: nothing live
        return std::unexpected(list.error());
      }
      std::map<std::string_view, const Node*> by_name;
      const Node* items = list->find("items");
      for (const Node& item : items ? items->items() : std::span<const Node>()) {
        by_name[item.string_at({"metadata", "name"})] = &item;
      }
      for (size_t i : indexes) {
        auto it = by_name.find(objects[i].ref.name);
        if (it != by_name.end()) live[i] = *it->second;
      }
    } else {
      for (size_t i : indexes)
        singles.push_back({key.first, {i}});
    }
  }
  std::vector<std::optional<Error>> errors(singles.size());
  parallel_for(singles.size(), m_options.concurrency, [&](size_t s) {
    size_t i = singles[s].second.front();
    auto got = m_client.get(objects[i].resource, objects[i].ref.namespace_, objects[i].ref.name);
    if (got) {
      live[i] = std::move(*got);
    } else if (got.error().code() != 404) {
      errors[s] = got.error();
    }
  });
  for (auto& e : errors) {
    if (e) return std::unexpected(*e);
  }
  return live;
}

ObjectResult Syncer::apply_one(const PlannedObject& planned, const std::optional<Node>& live) {
  ObjectResult result{planned.ref, Action::unchanged, "", {}};

  auto apply = [&] {
    return m_client.apply(planned.resource, planned.object, m_options.field_manager,
                          kube::Force::yes, m_options.dry_run);
  };
  auto applied = apply();
  if (!applied && is_immutable_error(applied.error()) && m_options.recreate == Recreate::yes &&
      m_options.dry_run == kube::DryRun::no) {
    auto removed = m_client.remove(planned.resource, planned.ref.namespace_, planned.ref.name,
                                   kube::Propagation::foreground);
    if (!removed) {
      result.action = Action::failed;
      result.code = removed.error().code();
      result.message = "recreate: " + removed.error().message();
      return result;
    }
    // Wait for the old object to be gone (finalizers, foreground deletion) before creating.
    for (int attempt = 0; attempt < 300; ++attempt) {
      auto still = m_client.get(planned.resource, planned.ref.namespace_, planned.ref.name);
      if (still && !*still) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    applied = apply();
    if (applied) {
      result.action = Action::configured;
      result.message = "recreated: an immutable field changed";
      result.generation = generation_of(*applied);
      note_diff(result, live, &*applied);
      return result;
    }
  }
  if (!applied) return refused(planned, applied.error());
  result.generation = generation_of(*applied);
  if (!live) {
    result.action = Action::created;
  } else {
    std::string_view before = live->string_at({"metadata", "resourceVersion"});
    std::string_view after = applied->string_at({"metadata", "resourceVersion"});
    bool changed =
        m_options.dry_run == kube::DryRun::yes ? !contains(*live, planned.object) : before != after;
    result.action = changed ? Action::configured : Action::unchanged;
  }
  if (result.action != Action::unchanged) note_diff(result, live, &*applied);
  return result;
}

void Syncer::note_diff(ObjectResult& result, const std::optional<Node>& before,
                       const Node* after) const {
  if (!m_options.record_diffs) return;
  result.diff = object_diff(result.ref, before ? &*before : nullptr, after);
}

bool Syncer::apply_stage(const std::vector<PlannedObject>& stage, SyncResult& result) {
  std::vector<ObjectResult> results(stage.size());
  auto live = fetch_live(stage);
  if (!live) {
    for (size_t i = 0; i < stage.size(); ++i)
      results[i] = {stage[i].ref, Action::failed, live.error().message(), live.error().code(), {}};
    std::move(results.begin(), results.end(), std::back_inserter(result.objects));
    return false;
  }
  std::vector<size_t> changing;
  for (size_t i = 0; i < stage.size(); ++i) {
    if ((*live)[i] && already_applied(stage[i].object, *(*live)[i], m_options.field_manager)) {
      results[i] = {stage[i].ref, Action::unchanged, "", 0, {}, generation_of(*(*live)[i])};
    } else {
      changing.push_back(i);
    }
  }
  bool ok = dry_run_stage(stage, changing, results);
  if (ok) {
    // Kinds one after another (policy order), the objects of one kind in parallel.
    for (size_t begin = 0; begin < changing.size();) {
      size_t end = begin;
      while (end < changing.size() &&
             stage[changing[end]].ref.kind == stage[changing[begin]].ref.kind)
        ++end;
      parallel_for(end - begin, m_options.concurrency, [&](size_t c) {
        size_t i = changing[begin + c];
        results[i] = apply_one(stage[i], (*live)[i]);
      });
      begin = end;
    }
  }
  for (ObjectResult& r : results) {
    ok = ok && r.action != Action::failed;
    result.objects.push_back(std::move(r));
  }
  return ok;
}

bool Syncer::dry_run_stage(const std::vector<PlannedObject>& stage,
                           const std::vector<size_t>& changing,
                           std::vector<ObjectResult>& results) {
  // One change needs no dry run: if the server refuses it, nothing of the stage was written.
  if (m_options.dry_run == kube::DryRun::yes || changing.size() <= 1) return true;
  std::vector<std::optional<Error>> rejected(changing.size());
  parallel_for(changing.size(), m_options.concurrency, [&](size_t c) {
    const PlannedObject& planned = stage[changing[c]];
    auto applied = m_client.apply(planned.resource, planned.object, m_options.field_manager,
                                  kube::Force::yes, kube::DryRun::yes);
    // An immutable field is no refusal when the apply is to recreate the object.
    if (!applied && !(is_immutable_error(applied.error()) && m_options.recreate == Recreate::yes))
      rejected[c] = applied.error();
  });
  if (std::none_of(rejected.begin(), rejected.end(), [](const auto& e) { return e.has_value(); }))
    return true;
  for (size_t c = 0; c < changing.size(); ++c) {
    const PlannedObject& planned = stage[changing[c]];
    results[changing[c]] =
        rejected[c] ? refused(planned, *rejected[c])
                    : ObjectResult{planned.ref,
                                   Action::skipped,
                                   "not applied: another object of its stage was refused",
                                   0,
                                   {}};
  }
  return false;
}

bool Syncer::wait_for_crds(const std::vector<PlannedObject>& stage, SyncResult& result) {
  bool any = false;
  for (const PlannedObject& o : stage) {
    if (o.ref.kind != "CustomResourceDefinition") continue;
    any = true;
    if (m_options.dry_run == kube::DryRun::yes) continue;
    HealthStatus health;
    for (int attempt = 0; attempt < 300; ++attempt) {
      auto live = m_client.get(o.resource, "", o.ref.name);
      if (live && *live) health = health_of(**live);
      if (health.health == Health::current || health.health == Health::failed) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (health.health != Health::current) {
      result.fail(SyncStep::apply, Error(o.ref.display() + ": not established: " + health.message));
      return false;
    }
  }
  if (any) m_client.invalidate_discovery();
  return true;
}

SyncResult Syncer::apply(const Plan& plan) {
  SyncResult result;
  bool ok = apply_stage(plan.definitions, result) && wait_for_crds(plan.definitions, result);
  if (ok) {
    ok = apply_stage(plan.workloads, result);
  } else {
    for (const PlannedObject& o : plan.workloads) {
      result.objects.push_back({o.ref, Action::skipped, "an earlier stage failed", 0, {}});
    }
  }
  if (!ok) result.fail_objects(SyncStep::apply, "apply");
  return result;
}

std::vector<PlannedObject> all_objects(const Plan& plan) {
  std::vector<PlannedObject> out = plan.definitions;
  out.insert(out.end(), plan.workloads.begin(), plan.workloads.end());
  return out;
}

SyncResult Syncer::run(const Plan& plan, std::span<const PlannedObject> previous,
                       const RunOptions& options) {
  SyncResult result = apply(plan);
  if (!result.ok()) return result;
  if (options.on_applied) options.on_applied(plan);
  if (options.prune == Prune::yes) {
    prune(previous, plan, result);
    if (!result.ok()) return result;
  }
  if (options.wait && m_options.dry_run == kube::DryRun::no) wait(*options.wait, result);
  return result;
}

void Syncer::prune(std::span<const PlannedObject> previous, const Plan& current,
                   SyncResult& result) {
  std::vector<const PlannedObject*> gone;
  for (const PlannedObject& o : previous) {
    if (!current.contains(o.ref)) gone.push_back(&o);
  }
  // Reverse apply order: workloads before the namespaces and definitions they live in.
  std::stable_sort(gone.begin(), gone.end(), [](const PlannedObject* a, const PlannedObject* b) {
    auto rank = [](const PlannedObject* o) {
      return std::pair{int(stage_of(o->ref.group, o->ref.kind)), kind_rank(o->ref.kind)};
    };
    return rank(a) > rank(b);
  });
  for (const PlannedObject* o : gone) {
    ObjectResult r{o->ref, Action::deleted, "", 0, {}};
    auto live = m_client.get(o->resource, o->ref.namespace_, o->ref.name);
    if (!live) {
      r.action = Action::failed;
      r.code = live.error().code();
      r.message = live.error().message();
    } else if (!*live) {
      continue;  // already gone
    } else if (prune_disabled(**live)) {
      r.action = Action::skipped;
      r.message = "pruning disabled by annotation";
    } else if (m_options.dry_run == kube::DryRun::no) {
      auto removed = m_client.remove(o->resource, o->ref.namespace_, o->ref.name);
      if (!removed) {
        r.action = Action::failed;
        r.code = removed.error().code();
        r.message = removed.error().message();
      } else {
        note_diff(r, *live, nullptr);
      }
    }
    result.objects.push_back(std::move(r));
  }
  result.fail_objects(SyncStep::prune, "prune");
}

void Syncer::wait(const HealthWait& wait, SyncResult& result) {
  auto deadline = std::chrono::steady_clock::now() + wait.timeout;
  std::vector<const PlannedObject*> objects;
  std::vector<int64_t> applied_generation;
  for (const PlannedObject& o : wait.targets) {
    objects.push_back(&o);
    int64_t generation = 0;
    for (const ObjectResult& r : result.objects)
      if (r.ref.same_object(o.ref)) generation = r.generation;
    applied_generation.push_back(generation);
  }
  // Health is judged from the caller's cache when it follows every resource involved (a
  // controller watches what it applied: no request at all), else from a watch cache of the
  // resources involved: one list and one watch per resource and namespace, however many
  // objects and however long the wait.
  const kube::WatchCache* shared = m_options.live_cache;
  if (shared && !std::all_of(objects.begin(), objects.end(), [&](const PlannedObject* o) {
        return shared->follows(o->resource, o->ref.namespace_);
      }))
    shared = nullptr;
  std::optional<kube::WatchCache> own;
  if (!shared) {
    own.emplace(m_client);
    std::set<std::pair<std::string, std::string>> watched;
    for (const PlannedObject* o : objects) {
      if (!watched.insert({kube::resource_path(o->resource, "", ""), o->ref.namespace_}).second)
        continue;
      if (auto started = own->watch(o->resource, o->ref.namespace_); !started) {
        result.fail(SyncStep::health, started.error().context("wait"));
        return;
      }
    }
  }
  const kube::WatchCache& cache = shared ? *shared : *own;
  std::vector<HealthStatus> health(objects.size());
  const PlannedObject* failed_object = nullptr;
  size_t failed_index = 0;
  auto judge = [&] {
    bool all_current = true;
    for (size_t i = 0; i < objects.size(); ++i) {
      const PlannedObject& o = *objects[i];
      auto live = cache.get(o.resource, o.ref.namespace_, o.ref.name);
      if (!live) {
        health[i] = HealthStatus{Health::in_progress, "not found"};
      } else if (generation_of(*live) < applied_generation[i]) {
        // A shared cache may not have seen the apply yet.
        health[i] = HealthStatus{Health::in_progress,
                                 "waiting for generation " + std::to_string(applied_generation[i])};
      } else {
        health[i] = health_of(*live);
      }
      if (health[i].health == Health::failed && !failed_object) {
        failed_object = &o;
        failed_index = i;
      }
      all_current = all_current && health[i].health == Health::current;
    }
    return all_current || failed_object;
  };
  bool settled = cache.wait_until(judge, deadline);
  if (own) own->stop();
  for (ObjectResult& r : result.objects) {
    for (size_t i = 0; i < objects.size(); ++i) {
      if (objects[i]->ref.same_object(r.ref)) r.health = health[i];
    }
  }
  if (failed_object) {
    result.fail(SyncStep::health, Error(failed_object->ref.display() +
                                        ": health check failed: " + health[failed_index].message));
  } else if (!settled) {
    std::string pending;
    for (size_t i = 0; i < objects.size(); ++i) {
      if (health[i].health == Health::current) continue;
      if (!pending.empty()) pending += "; ";
      pending += objects[i]->ref.display() + " " + std::string(to_string(health[i].health)) + ": " +
                 health[i].message;
    }
    result.fail(SyncStep::health, Error("timed out waiting for health: " + pending));
  }
}

}  // namespace plumb::sync
