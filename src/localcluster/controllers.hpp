// Simulated workload controllers, so that health means something without a kubelet:
// Deployment → ReplicaSet → Pods (status, Available/Progressing conditions with the real
// reasons, observedGeneration), Job completion, StatefulSet and DaemonSet pods, PVC Bound,
// LoadBalancer ingress IPs, and finishing Terminating namespaces. A container whose image
// matches the failure pattern never becomes ready (CrashLoopBackOff), so a rollout stalls
// and reaches ProgressDeadlineExceeded.
//
// One thread follows the store's events and reconciles the objects they touch, writing
// through the ApiServer verbs like any client. Pods start after a short delay.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/error.hpp"

namespace plumb::localcluster {

class ApiServer;

inline constexpr const char* k_node_name = "plumb-node";

struct ControllerOptions {
  std::string fail_images = "fail";  // ECMAScript regex searched in each image reference
  std::chrono::milliseconds pod_start_delay{800};
};

class Controllers {
 public:
  static Result<std::unique_ptr<Controllers>> start(ApiServer& api,
                                                    const ControllerOptions& options);
  ~Controllers();
  void stop();

  struct State;

 private:
  explicit Controllers(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

}  // namespace plumb::localcluster
