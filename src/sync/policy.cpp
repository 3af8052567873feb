#include "sync/policy.hpp"

#include <algorithm>
#include <array>

namespace plumb::sync {
namespace {

// Kinds in the first stage: what other objects need to exist first.
constexpr std::array<std::string_view, 4> k_first_stage = {"CustomResourceDefinition", "Namespace",
                                                           "ClusterRole", "ClusterRoleBinding"};

// Apply order (as kubectl and Flux order them): definitions and namespaces, then policy and
// identity, configuration, services, workloads; admission webhooks last so they cannot block
// the objects they would validate.
constexpr std::array<std::string_view, 31> k_kind_order = {
    "CustomResourceDefinition",
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "IngressClass",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
    "DaemonSet",
    "ReplicaSet",
    "Pod",
    "Job",
    "HorizontalPodAutoscaler",
    "Ingress",
    "APIService",
    "NetworkPolicy",
};

constexpr std::array<std::string_view, 2> k_last = {"MutatingWebhookConfiguration",
                                                    "ValidatingWebhookConfiguration"};

bool annotation_contains(const Node& object, std::string_view key, std::string_view needle) {
  const Node* value = object.at_path({"metadata", "annotations", key});
  return value && value->as_string().find(needle) != std::string_view::npos;
}

}  // namespace

Stage stage_of(std::string_view, std::string_view kind) {
  bool first = std::find(k_first_stage.begin(), k_first_stage.end(), kind) != k_first_stage.end();
  return first ? Stage::cluster_definitions : Stage::workloads;
}

int kind_rank(std::string_view kind) {
  auto it = std::find(k_kind_order.begin(), k_kind_order.end(), kind);
  if (it != k_kind_order.end()) return int(it - k_kind_order.begin());
  auto last = std::find(k_last.begin(), k_last.end(), kind);
  if (last != k_last.end()) return int(k_kind_order.size()) + 1 + int(last - k_last.begin());
  return int(k_kind_order.size());
}

bool prune_disabled(const Node& object) {
  const Node* flux =
      object.at_path({"metadata", "annotations", "kustomize.toolkit.fluxcd.io/prune"});
  if (flux && flux->as_string() == "disabled") return true;
  return annotation_contains(object, "argocd.argoproj.io/sync-options", "Prune=false");
}

}  // namespace plumb::sync
