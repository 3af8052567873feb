// Private to controller.cpp and controller_drift.cpp: the records the loop keeps per Flux
// object, per applied object and per deferred health wait. All guarded by Controller's mutex.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "controller/controller.hpp"
#include "sync/health.hpp"

namespace plumb::controller {

using namespace std::chrono_literals;

inline constexpr std::string_view k_field_manager = "plumb";

// "apps/deployments/ns/name": an applied object, across kinds.
std::string object_key(const kube::Resource& resource, std::string_view ns, std::string_view name);

struct Controller::Tracked {
  Node object;
  bool ready = false;
  bool suspended = false;
  bool finalized = false;       // our finalizer ran: its DELETED event needs no prune
  std::string revision;         // sources: status.artifact.revision
  JobKey source;                // kustomizations: their GitRepository
  std::vector<JobKey> depends;  // kustomizations: dependsOn
  Duration interval{60s};
  Duration retry_interval{60s};
  // Sources: fetches finished (successful or not) since the controller started, and the
  // Kustomizations waiting for the next one to finish.
  uint64_t fetches = 0;
  std::set<JobKey> waiting;
  // Sources: what the last fetch was for ("GitRepository/ns/name", with the webhook
  // delivery that asked for it), the trigger detail of the reconciles its revision queues.
  std::string fetched_for;
  bool failing = false;  // the last run failed: the scheduler's next run is a retry
};

struct Controller::Applied {
  JobKey owner;  // the Kustomization
  kube::Resource resource;
  Node desired;
  DriftWatch drift;                        // the owner's Target::drift
  bool warned = false;                     // DriftWatch::Mode::warn: reported once
  std::vector<Clock::time_point> repairs;  // within the repair window
};

struct Controller::HealthWaiter {
  Outcome outcome;  // of the reconcile that started the wait
  Clock::time_point deadline;
  std::map<std::string, sync::HealthStatus> health;  // by object key
  std::map<std::string, std::string> display;        // by object key: "Deployment/ns/name"
  bool queued = false;

  bool settled() const;
  // "" when healthy; otherwise what failed or is still pending.
  std::string error() const;
};

}  // namespace plumb::controller
