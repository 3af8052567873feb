#include "render/resid.hpp"

#include <algorithm>
#include <array>

namespace plumb::render {
namespace {

struct GroupKind {
  std::string_view group;
  std::string_view kind;
};

// Cluster-scoped builtin kinds (from the Kubernetes API scopes); every other kind, custom
// resources included, is namespaced, as kustomize assumes.
constexpr std::array k_cluster_scoped = {
    GroupKind{"", "ComponentStatus"},
    GroupKind{"", "Namespace"},
    GroupKind{"", "Node"},
    GroupKind{"", "PersistentVolume"},
    GroupKind{"admissionregistration.k8s.io", "MutatingAdmissionPolicy"},
    GroupKind{"admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"},
    GroupKind{"admissionregistration.k8s.io", "MutatingWebhookConfiguration"},
    GroupKind{"admissionregistration.k8s.io", "ValidatingAdmissionPolicy"},
    GroupKind{"admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"},
    GroupKind{"admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
    GroupKind{"apiextensions.k8s.io", "CustomResourceDefinition"},
    GroupKind{"apiregistration.k8s.io", "APIService"},
    GroupKind{"authentication.k8s.io", "SelfSubjectReview"},
    GroupKind{"authentication.k8s.io", "TokenReview"},
    GroupKind{"authorization.k8s.io", "SelfSubjectAccessReview"},
    GroupKind{"authorization.k8s.io", "SelfSubjectRulesReview"},
    GroupKind{"authorization.k8s.io", "SubjectAccessReview"},
    GroupKind{"certificates.k8s.io", "CertificateSigningRequest"},
    GroupKind{"certificates.k8s.io", "ClusterTrustBundle"},
    GroupKind{"flowcontrol.apiserver.k8s.io", "FlowSchema"},
    GroupKind{"flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"},
    GroupKind{"imagepolicy.k8s.io", "ImageReview"},
    GroupKind{"internal.apiserver.k8s.io", "StorageVersion"},
    GroupKind{"networking.k8s.io", "IPAddress"},
    GroupKind{"networking.k8s.io", "IngressClass"},
    GroupKind{"networking.k8s.io", "ServiceCIDR"},
    GroupKind{"node.k8s.io", "RuntimeClass"},
    GroupKind{"policy", "PodSecurityPolicy"},
    GroupKind{"rbac.authorization.k8s.io", "ClusterRole"},
    GroupKind{"rbac.authorization.k8s.io", "ClusterRoleBinding"},
    GroupKind{"resource.k8s.io", "DeviceClass"},
    GroupKind{"resource.k8s.io", "ResourceSlice"},
    GroupKind{"scheduling.k8s.io", "PriorityClass"},
    GroupKind{"storage.k8s.io", "CSIDriver"},
    GroupKind{"storage.k8s.io", "CSINode"},
    GroupKind{"storage.k8s.io", "StorageClass"},
    GroupKind{"storage.k8s.io", "VolumeAttachment"},
    GroupKind{"storage.k8s.io", "VolumeAttributesClass"},
    GroupKind{"storagemigration.k8s.io", "StorageVersionMigration"},
};

constexpr std::string_view k_cluster_ns_marker = "_non_namespaceable_";

}  // namespace

Gvk Gvk::from_api_version(std::string_view api_version, std::string_view kind) {
  Gvk gvk;
  gvk.kind = std::string(kind);
  size_t slash = api_version.rfind('/');
  if (slash == std::string_view::npos) {
    gvk.version = std::string(api_version);
  } else {
    gvk.group = std::string(api_version.substr(0, slash));
    gvk.version = std::string(api_version.substr(slash + 1));
  }
  return gvk;
}

Gvk Gvk::of(const Node& object) {
  return from_api_version(object.string_at({"apiVersion"}), object.string_at({"kind"}));
}

std::string Gvk::api_version() const {
  if (group.empty()) return version;
  return group + "/" + version;
}

std::string Gvk::str() const {
  std::string out = group.empty() ? "~G" : group;
  out += '_';
  out += version.empty() ? "~V" : version;
  out += '_';
  out += kind.empty() ? "~K" : kind;
  return out;
}

bool Gvk::is_selected_by(const Gvk& selector) const {
  if (!selector.group.empty() && selector.group != group) return false;
  if (!selector.version.empty() && selector.version != version) return false;
  if (!selector.kind.empty() && selector.kind != kind) return false;
  return true;
}

bool Gvk::cluster_scoped() const {
  return std::any_of(k_cluster_scoped.begin(), k_cluster_scoped.end(),
                     [&](const GroupKind& gk) { return gk.kind == kind && gk.group == group; });
}

ResId ResId::of(const Node& object) {
  ResId id;
  id.gvk = Gvk::of(object);
  id.name = std::string(object.string_at({"metadata", "name"}));
  id.ns = std::string(object.string_at({"metadata", "namespace"}));
  return id;
}

std::string_view ResId::effective_namespace() const {
  if (gvk.cluster_scoped()) return k_cluster_ns_marker;
  if (ns.empty()) return "default";
  return ns;
}

bool ResId::same_as(const ResId& other) const {
  return gvk == other.gvk && name == other.name &&
         effective_namespace() == other.effective_namespace();
}

std::string ResId::key() const {
  std::string out = gvk.str();
  out += '|';
  out += effective_namespace();
  out += '|';
  out += name;
  return out;
}

std::string ResId::str() const {
  std::string out = gvk.kind.empty() ? "~K" : gvk.kind;
  out += '.';
  out += gvk.version.empty() ? "~V" : gvk.version;
  out += '.';
  out += gvk.group.empty() ? "~G" : gvk.group;
  out += '/';
  out += name.empty() ? "~N" : name;
  out += '.';
  out += ns.empty() ? "~X" : ns;
  return out;
}

}  // namespace plumb::render
