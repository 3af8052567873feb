// The reconcile steps of the simulated controllers, one function per kind. Each reads the
// object and what it owns, writes what is missing (ReplicaSets, Pods) and the status it
// would have on a real cluster, and asks to be called again when time must pass.
#pragma once

#include <chrono>
#include <functional>
#include <regex>
#include <string>

#include "core/node.hpp"
#include "localcluster/controllers.hpp"

namespace plumb::localcluster {

class ApiServer;

struct WorkloadContext {
  ApiServer& api;
  const ControllerOptions& options;
  const std::regex& fail_images;
  // enqueue(storage, namespace, name, delay)
  std::function<void(const std::string&, const std::string&, const std::string&,
                     std::chrono::milliseconds)>
      requeue;
};

void reconcile_deployment(WorkloadContext& context, const Node& deployment);
void reconcile_replicaset(WorkloadContext& context, const Node& replicaset);
void reconcile_statefulset(WorkloadContext& context, const Node& statefulset);
void reconcile_daemonset(WorkloadContext& context, const Node& daemonset);
void reconcile_job(WorkloadContext& context, const Node& job);
void reconcile_pod(WorkloadContext& context, const Node& pod);
void reconcile_service(WorkloadContext& context, const Node& service);
void reconcile_pvc(WorkloadContext& context, const Node& claim);

// A short stable hash of a pod template, as the pod-template-hash label carries.
std::string template_hash(const Node& template_spec);

}  // namespace plumb::localcluster
