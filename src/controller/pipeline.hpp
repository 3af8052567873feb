// The steps of a reconcile after render, shared by every kind (Kustomization today,
// HelmRelease and Application next): plan → refuse an empty render → apply → prune → health.
// A kind renders its objects, describes its Target (owner labels, last inventory, options)
// and writes its own status from the Outcome; everything in between is here.
//
//   Outcome outcome = pipeline.run(target, std::move(objects), HealthMode::deferred);
//
// Thread safety: run may be called from several workers at once for different owners.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "controller/outcome.hpp"
#include "core/node.hpp"
#include "kube/client.hpp"
#include "kube/watch_cache.hpp"
#include "sync/plan.hpp"
#include "sync/sync.hpp"

namespace plumb::controller {

enum class AllowEmpty : bool { no, yes };
// Whether health is waited for inside run (one-shot runs), or left to the caller, which
// watches Outcome::health (the controller, so that waiting holds no worker).
enum class HealthMode : bool { inline_wait, deferred };
enum class WaitFor { listed, all_applied };  // spec.healthChecks, or spec.wait: everything

// An object whose health a reconcile judges (Flux's spec.healthChecks entries).
struct HealthCheck {
  std::string api_version;
  std::string kind;
  std::string namespace_;  // "" = the owner's target namespace for namespaced kinds
  std::string name;
};

// How the controller's drift watch treats what a target applied. A change that undoes an
// applied field, or a deletion, is repaired (the object applied again), or reported once per
// reconcile as a Warning event and left (a HelmRelease's driftDetection mode warn), or makes
// its owner compare again, once per reconcile (refresh: an Argo CD application without
// selfHeal turns OutOfSync), or is left alone (off: helm-controller's default).
struct DriftWatch {
  enum class Mode { repair, warn, refresh, off };
  Mode mode = Mode::repair;
  // Fields of an applied object its owner leaves to the cluster (driftDetection.ignore), when
  // some are: before an object is compared or restored, their live values are copied into
  // the desired one.
  std::function<void(Node& desired, const Node& live)> left_to_cluster;
};

// What one owner applies, and how.
struct Target {
  ObjectRef owner;  // the object that applies (a Kustomization): the AppliedHook's key
  std::vector<std::pair<std::string, std::string>> labels;  // put on every applied object
  std::string default_namespace;                            // for namespaced objects without one
  std::vector<ObjectRef> inventory;                         // what this owner applied last
  sync::Prune prune = sync::Prune::no;
  sync::Recreate recreate = sync::Recreate::no;
  AllowEmpty allow_empty = AllowEmpty::no;
  WaitFor wait_for = WaitFor::listed;
  std::vector<HealthCheck> health_checks;
  std::chrono::milliseconds timeout{0};
  DriftWatch drift;
};

// Called after a successful apply and before any prune, with the applied plan and the
// target's DriftWatch: the controller moves its drift watch to the new set here.
using AppliedHook =
    std::function<void(const ObjectRef& owner, const sync::Plan& applied, const DriftWatch& drift)>;

class Pipeline {
 public:
  // With a cache, live objects of the resources it follows are read from it.
  Pipeline(kube::Client& client, const kube::WatchCache* cache, AppliedHook on_applied)
      : m_client(client), m_cache(cache), m_on_applied(std::move(on_applied)) {}

  // The whole pipeline. Outcome::revision and render_reused are the caller's to fill.
  Outcome run(const Target& target, std::vector<Node> objects, HealthMode mode) const;
  // Each applied, configured or pruned object's diff in the Outcome's sync result (for the
  // journal). Set before any run.
  void set_record_diffs(bool on) { m_record_diffs = on; }

  // The steps, each usable alone.
  Step<sync::Plan> plan(const Target& target, std::vector<Node> objects) const;
  // An empty render with a non-empty inventory would prune everything: refused unless the
  // target allows it.
  static Step<void> refuse_empty(const Target& target, const sync::Plan& plan);
  // The objects of the last inventory whose kinds the cluster still serves.
  Step<std::vector<sync::PlannedObject>> previous(const Target& target) const;
  Step<sync::HealthWait> health_targets(const Target& target, const sync::Plan& plan) const;
  // apply → on_applied → prune (→ wait, with an inline wait).
  Outcome apply_and_prune(const Target& target, const sync::Plan& plan,
                          std::span<const sync::PlannedObject> previous,
                          std::optional<sync::HealthWait> inline_wait) const;
  // After a deferred apply: succeeded when there is nothing to wait for, or the sync wrote
  // nothing and the cache shows every target Current (Ready does not flap for a revision
  // that changes nothing); else progressing, with the wait in Outcome::health.
  Outcome deferred_health(Outcome applied, sync::HealthWait wait) const;

 private:
  bool healthy_without_changes(const sync::SyncResult& result, const sync::HealthWait& wait) const;

  kube::Client& m_client;
  const kube::WatchCache* m_cache;
  AppliedHook m_on_applied;
  bool m_record_diffs = false;
};

}  // namespace plumb::controller
