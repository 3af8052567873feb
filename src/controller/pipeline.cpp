#include "controller/pipeline.hpp"

#include "sync/health.hpp"

namespace plumb::controller {

Outcome Pipeline::run(const Target& target, std::vector<Node> objects, HealthMode mode) const {
  auto outcome = [&]() -> Step<Outcome> {
    sync::Plan planned = TRY(plan(target, std::move(objects)));
    TRY(refuse_empty(target, planned));
    std::vector<sync::PlannedObject> last = TRY(previous(target));
    sync::HealthWait wait = TRY(health_targets(target, planned));
    if (mode == HealthMode::inline_wait) {
      std::optional<sync::HealthWait> inline_wait;
      if (!wait.targets.empty()) inline_wait = std::move(wait);
      return apply_and_prune(target, planned, last, std::move(inline_wait));
    }
    return deferred_health(apply_and_prune(target, planned, last, std::nullopt), std::move(wait));
  }();
  return outcome ? std::move(*outcome) : std::move(outcome).error();
}

Step<sync::Plan> Pipeline::plan(const Target& target, std::vector<Node> objects) const {
  for (Node& o : objects) {
    Node& labels = o["metadata"]["labels"];
    for (const auto& [key, value] : target.labels)
      labels.set(key, Node::string(value));
  }
  return because(Reason::reconciliation_failed,
                 sync::make_plan(std::move(objects), m_client,
                                 {.default_namespace = target.default_namespace}));
}

Step<void> Pipeline::refuse_empty(const Target& target, const sync::Plan& plan) {
  if (!plan.definitions.empty() || !plan.workloads.empty() || target.inventory.empty() ||
      target.allow_empty == AllowEmpty::yes || target.prune == sync::Prune::no) {
    return {};
  }
  return std::unexpected(Outcome::failure(
      Reason::empty_render,
      Error("the render produced no objects; pruning would delete all " +
            std::to_string(target.inventory.size()) +
            " objects of the inventory, so nothing was applied or pruned (allow it with the "
            "annotation plumb.dev/allow-empty: \"true\")")));
}

Step<std::vector<sync::PlannedObject>> Pipeline::previous(const Target& target) const {
  std::vector<sync::PlannedObject> out;
  for (const ObjectRef& ref : target.inventory) {
    auto resource = m_client.resource_for_group_kind(ref.group, ref.kind);
    if (!resource) {
      if (resource.error().code() == 404) continue;  // its kind is gone: so is the object
      return std::unexpected(
          Outcome::failure(Reason::reconciliation_failed, resource.error().context("inventory")));
    }
    out.push_back(sync::PlannedObject{ref, Node(), *resource});
  }
  return out;
}

Step<sync::HealthWait> Pipeline::health_targets(const Target& target,
                                                const sync::Plan& plan) const {
  sync::HealthWait wait{{}, target.timeout};
  if (target.wait_for == WaitFor::all_applied) {
    wait.targets = sync::all_objects(plan);
    return wait;
  }
  for (const HealthCheck& check : target.health_checks) {
    auto resource = m_client.resource_for(check.api_version, check.kind);
    if (!resource) {
      return std::unexpected(Outcome::failure(
          Reason::reconciliation_failed,
          resource.error().context("spec.healthChecks: " + check.kind + " " + check.name)));
    }
    auto [group, version] = kube::split_api_version(check.api_version);
    std::string ns = resource->namespaced
                         ? (check.namespace_.empty() ? target.default_namespace : check.namespace_)
                         : "";
    wait.targets.push_back(sync::PlannedObject{
        ObjectRef{std::string(group), std::string(version), check.kind, ns, check.name}, Node(),
        *resource});
  }
  return wait;
}

Outcome Pipeline::apply_and_prune(const Target& target, const sync::Plan& plan,
                                  std::span<const sync::PlannedObject> previous,
                                  std::optional<sync::HealthWait> inline_wait) const {
  sync::SyncOptions options;
  options.recreate = target.recreate;
  options.live_cache = m_cache;
  options.record_diffs = m_record_diffs;
  sync::Syncer syncer(m_client, options);
  sync::RunOptions run{.prune = target.prune, .on_applied = {}, .wait = std::move(inline_wait)};
  if (m_on_applied) {
    run.on_applied = [&](const sync::Plan& applied) {
      m_on_applied(target.owner, applied, target.drift);
    };
  }
  Outcome out;
  out.sync = syncer.run(plan, previous, run);
  if (out.sync.failed_step == sync::SyncStep::apply) {
    out.reason = Reason::reconciliation_failed;
    out.error = out.sync.error;
    return out;
  }
  out.inventory.emplace();
  for (const sync::PlannedObject& o : sync::all_objects(plan))
    out.inventory->push_back(o.ref);
  if (out.sync.failed_step == sync::SyncStep::prune) {
    // What could not be pruned stays in the inventory, so the next reconcile tries again.
    for (const sync::ObjectResult& r : out.sync.objects) {
      if (r.action == sync::Action::failed) out.inventory->push_back(r.ref);
    }
    out.reason = Reason::prune_failed;
    out.error = out.sync.error;
  } else if (out.sync.failed_step == sync::SyncStep::health) {
    out.reason = Reason::health_check_failed;
    out.error = out.sync.error;
  }
  return out;
}

Outcome Pipeline::deferred_health(Outcome applied, sync::HealthWait wait) const {
  if (applied.failed() || wait.targets.empty() || healthy_without_changes(applied.sync, wait))
    return applied;
  applied.reason = Reason::progressing;
  applied.health = std::move(wait);
  return applied;
}

bool Pipeline::healthy_without_changes(const sync::SyncResult& result,
                                       const sync::HealthWait& wait) const {
  if (!m_cache) return false;
  for (const sync::ObjectResult& o : result.objects) {
    if (o.action == sync::Action::created || o.action == sync::Action::configured) return false;
  }
  for (const sync::PlannedObject& o : wait.targets) {
    if (!m_cache->follows(o.resource, o.ref.namespace_)) return false;
    auto live = m_cache->get(o.resource, o.ref.namespace_, o.ref.name);
    if (!live || sync::health_of(*live).health != sync::Health::current) return false;
  }
  return true;
}

}  // namespace plumb::controller
