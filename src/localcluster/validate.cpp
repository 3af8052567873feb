#include "localcluster/validate.hpp"

#include "localcluster/crd_validation.hpp"
#include "localcluster/validate_kinds.hpp"

namespace plumb::localcluster {
namespace {

using namespace validation;

enum class NameFormat { dns_subdomain, dns_label, dns1035_label, path_segment };

// What each built-in kind's name must look like and what else it checks. Kinds not listed
// (and custom resources) have DNS subdomain names and no checks of their own.
struct KindRules {
  std::string_view group;
  std::string_view kind;
  NameFormat name;
  KindCheck check;
};

const KindRules k_kinds[] = {
    {"", "Pod", NameFormat::dns_subdomain, check_pod},
    {"", "Service", NameFormat::dns1035_label, check_service},
    {"", "Namespace", NameFormat::dns_label, nullptr},
    {"", "ConfigMap", NameFormat::dns_subdomain, check_config_map},
    {"", "Secret", NameFormat::dns_subdomain, check_secret},
    {"", "PersistentVolumeClaim", NameFormat::dns_subdomain, check_persistent_volume_claim},
    {"apps", "Deployment", NameFormat::dns_subdomain, check_deployment},
    {"apps", "ReplicaSet", NameFormat::dns_subdomain, check_replica_set},
    {"apps", "StatefulSet", NameFormat::dns_subdomain, check_stateful_set},
    {"apps", "DaemonSet", NameFormat::dns_subdomain, check_daemon_set},
    {"batch", "Job", NameFormat::dns_subdomain, check_job},
    {"batch", "CronJob", NameFormat::dns_subdomain, check_cron_job},
    {"networking.k8s.io", "Ingress", NameFormat::dns_subdomain, check_ingress},
    {"networking.k8s.io", "NetworkPolicy", NameFormat::dns_subdomain, check_network_policy},
    {"autoscaling", "HorizontalPodAutoscaler", NameFormat::dns_subdomain,
     check_horizontal_pod_autoscaler},
    {"policy", "PodDisruptionBudget", NameFormat::dns_subdomain, check_pod_disruption_budget},
    {"rbac.authorization.k8s.io", "Role", NameFormat::path_segment, check_role},
    {"rbac.authorization.k8s.io", "ClusterRole", NameFormat::path_segment, check_role},
    {"rbac.authorization.k8s.io", "RoleBinding", NameFormat::path_segment, check_role_binding},
    {"rbac.authorization.k8s.io", "ClusterRoleBinding", NameFormat::path_segment,
     check_cluster_role_binding},
    {"apiextensions.k8s.io", "CustomResourceDefinition", NameFormat::dns_subdomain,
     check_custom_resource_definition},
};

const KindRules* rules_for(const ResourceInfo& resource) {
  if (!resource.crd.empty()) return nullptr;
  for (const KindRules& rules : k_kinds)
    if (rules.group == resource.group && rules.kind == resource.kind) return &rules;
  return nullptr;
}

Messages name_messages(NameFormat format, std::string_view name) {
  switch (format) {
    case NameFormat::dns_label:
      return dns1123_label(name);
    case NameFormat::dns1035_label:
      return dns1035_label(name);
    case NameFormat::path_segment:
      return path_segment_name(name);
    case NameFormat::dns_subdomain:
      break;
  }
  return dns1123_subdomain(name);
}

void check_metadata(const Node& object, NameFormat format, bool update, Errors& errors) {
  const Node* metadata = object.find("metadata");
  std::string_view name = object.string_at({"metadata", "name"});
  if (!update) {
    if (name.empty()) {
      errors.required("metadata.name", "name or generateName is required");
    } else {
      invalid_each(errors, "metadata.name", quoted(name), name_messages(format, name));
    }
  }
  if (metadata == nullptr) return;
  check_labels(metadata->find("labels"), "metadata.labels", errors);
  check_annotations(metadata->find("annotations"), "metadata.annotations", errors);
  if (const Node* finalizers = metadata->find("finalizers"); finalizers && !update) {
    for (const Node& f : finalizers->items())
      invalid_each(errors, "metadata.finalizers", quoted(f.as_string()),
                   qualified_name(f.as_string()));
  }
}

}  // namespace

std::vector<StatusCause> validate_object(const ResourceInfo& resource, const Node& object,
                                         const Node& before) {
  Errors errors;
  const KindRules* rules = rules_for(resource);
  check_metadata(object, rules ? rules->name : NameFormat::dns_subdomain, !before.is_null(),
                 errors);
  if (rules && rules->check) {
    Scope scope{object, before};
    rules->check(scope, errors);
  }
  std::vector<StatusCause> causes = std::move(errors.causes());
  for (StatusCause& cause : crd_validate(resource, object))
    causes.push_back(std::move(cause));
  return causes;
}

}  // namespace plumb::localcluster
