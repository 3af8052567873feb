// kustomize's default field spec tables (the facts of api/konfig/builtinpluginconsts), written
// as compact rows "group|version|kind|path|c" where a trailing "c" means create-if-missing.
#include <string_view>

#include "render/field_spec.hpp"

namespace plumb::render {
namespace {

FieldSpec row(std::string_view text) {
  FieldSpec spec;
  std::string_view parts[5];
  size_t n = 0;
  while (n < 5) {
    size_t bar = text.find('|');
    parts[n++] = text.substr(0, bar);
    if (bar == std::string_view::npos) break;
    text = text.substr(bar + 1);
  }
  spec.gvk.group = std::string(parts[0]);
  spec.gvk.version = std::string(parts[1]);
  spec.gvk.kind = std::string(parts[2]);
  spec.path = std::string(parts[3]);
  spec.create = n == 5 && parts[4] == "c";
  return spec;
}

FieldSpecs rows(std::initializer_list<std::string_view> texts) {
  FieldSpecs out;
  for (std::string_view t : texts)
    out.push_back(row(t));
  return out;
}

// Referrer rows for a pod-spec field ("volumes/configMap/name") in every workload kind.
void pod_fields(FieldSpecs& out, std::string_view field, bool with_pod_version) {
  std::string f(field);
  out.push_back(row(std::string(with_pod_version ? "|v1|Pod|spec/" : "||Pod|spec/") + f));
  out.push_back(row("||PodTemplate|template/spec/" + f));
  for (std::string_view kind : {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job"}) {
    out.push_back(row("||" + std::string(kind) + "|spec/template/spec/" + f));
  }
  out.push_back(row("||CronJob|spec/jobTemplate/spec/template/spec/" + f));
}

TransformerConfig make_defaults() {
  TransformerConfig c;
  c.name_prefix = rows({"|||metadata/name"});
  c.name_suffix = rows({"|||metadata/name"});
  c.name_space = rows({
      "|||metadata/namespace|c",
      "||Namespace|metadata/name|c",
      "||RoleBinding|subjects[]/namespace",
      "||ClusterRoleBinding|subjects[]/namespace",
      "apiregistration.k8s.io||APIService|spec/service/namespace|c",
      "apiextensions.k8s.io||CustomResourceDefinition|"
      "spec/conversion/webhook/clientConfig/service/namespace",
  });
  c.template_labels = rows({
      "|v1|ReplicationController|spec/template/metadata/labels|c",
      "||Deployment|spec/template/metadata/labels|c",
      "||ReplicaSet|spec/template/metadata/labels|c",
      "||DaemonSet|spec/template/metadata/labels|c",
      "apps||StatefulSet|spec/template/metadata/labels|c",
      "batch||Job|spec/template/metadata/labels|c",
      "batch||CronJob|spec/jobTemplate/metadata/labels|c",
      "batch||CronJob|spec/jobTemplate/spec/template/metadata/labels|c",
  });
  FieldSpecs metadata_labels = rows({"|||metadata/labels|c"});
  metadata_labels.insert(metadata_labels.end(), c.template_labels.begin(), c.template_labels.end());
  metadata_labels.insert(metadata_labels.begin() + 6,
                         row("apps||StatefulSet|spec/volumeClaimTemplates[]/metadata/labels|c"));
  c.common_labels = rows({
      "|v1|Service|spec/selector|c",
      "|v1|ReplicationController|spec/selector|c",
      "||Deployment|spec/selector/matchLabels|c",
      "apps||Deployment|spec/template/spec/affinity/podAffinity/"
      "preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
      "apps||Deployment|spec/template/spec/affinity/podAffinity/"
      "requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
      "apps||Deployment|spec/template/spec/affinity/podAntiAffinity/"
      "preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
      "apps||Deployment|spec/template/spec/affinity/podAntiAffinity/"
      "requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
      "apps||Deployment|spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
      "||ReplicaSet|spec/selector/matchLabels|c",
      "||DaemonSet|spec/selector/matchLabels|c",
      "apps||StatefulSet|spec/selector/matchLabels|c",
      "apps||StatefulSet|spec/template/spec/affinity/podAffinity/"
      "preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
      "apps||StatefulSet|spec/template/spec/affinity/podAffinity/"
      "requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
      "apps||StatefulSet|spec/template/spec/affinity/podAntiAffinity/"
      "preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
      "apps||StatefulSet|spec/template/spec/affinity/podAntiAffinity/"
      "requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
      "apps||StatefulSet|spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
      "batch||Job|spec/selector/matchLabels",
      "batch||CronJob|spec/jobTemplate/spec/selector/matchLabels",
      "policy||PodDisruptionBudget|spec/selector/matchLabels",
      "networking.k8s.io||NetworkPolicy|spec/podSelector/matchLabels",
      "networking.k8s.io||NetworkPolicy|spec/ingress/from/podSelector/matchLabels",
      "networking.k8s.io||NetworkPolicy|spec/egress/to/podSelector/matchLabels",
  });
  for (const FieldSpec& spec : metadata_labels)
    (void)merge_field_spec(c.common_labels, spec);
  c.common_annotations = rows({
      "|||metadata/annotations|c",
      "|v1|ReplicationController|spec/template/metadata/annotations|c",
      "||Deployment|spec/template/metadata/annotations|c",
      "||ReplicaSet|spec/template/metadata/annotations|c",
      "||DaemonSet|spec/template/metadata/annotations|c",
      "apps||StatefulSet|spec/template/metadata/annotations|c",
      "batch||Job|spec/template/metadata/annotations|c",
      "batch||CronJob|spec/jobTemplate/metadata/annotations|c",
      "batch||CronJob|spec/jobTemplate/spec/template/metadata/annotations|c",
  });
  c.images = rows({
      "|||spec/containers[]/image|c",
      "|||spec/initContainers[]/image|c",
      "|||spec/template/spec/containers[]/image|c",
      "|||spec/template/spec/initContainers[]/image|c",
  });
  c.replicas = rows({
      "||Deployment|spec/replicas|c",
      "||ReplicationController|spec/replicas|c",
      "||ReplicaSet|spec/replicas|c",
      "||StatefulSet|spec/replicas|c",
  });

  // varReference
  for (std::string_view field : {"containers/args", "containers/command", "containers/env/value",
                                 "containers/volumeMounts/mountPath", "initContainers/args",
                                 "initContainers/command", "initContainers/env/value",
                                 "initContainers/volumeMounts/mountPath", "volumes/nfs/server"}) {
    std::string f(field);
    c.var_reference.push_back(row("||CronJob|spec/jobTemplate/spec/template/spec/" + f));
    for (std::string_view kind : {"DaemonSet", "Deployment", "Job", "ReplicaSet", "StatefulSet"}) {
      c.var_reference.push_back(row("||" + std::string(kind) + "|spec/template/spec/" + f));
    }
    c.var_reference.push_back(row("||Pod|spec/" + f));
  }
  for (std::string_view text :
       {"||Ingress|spec/rules/host", "||Ingress|spec/tls/hosts", "||Ingress|spec/tls/secretName",
        "||Service|spec/ports/port", "||Service|spec/ports/targetPort",
        "||StatefulSet|spec/volumeClaimTemplates/spec/nfs/server",
        "||PersistentVolume|spec/nfs/server", "|||metadata/labels", "|||metadata/annotations",
        "||CronJob|spec/jobTemplate/spec/template/volumes/nfs/server",
        "||Deployment|spec/template/metadata/annotations"}) {
    c.var_reference.push_back(row(text));
  }

  // nameReference
  auto ref = [&](std::string_view gvk_row, FieldSpecs referrers) {
    NameBackRef back;
    back.gvk = row(gvk_row).gvk;
    back.referrers = std::move(referrers);
    c.name_reference.push_back(std::move(back));
  };
  for (std::string_view kind :
       {"Deployment", "ReplicationController", "ReplicaSet", "StatefulSet"}) {
    ref("||" + std::string(kind) + "|",
        rows({"||HorizontalPodAutoscaler|spec/scaleTargetRef/name"}));
  }
  {
    FieldSpecs refs;
    for (std::string_view f :
         {"volumes/configMap/name", "containers/env/valueFrom/configMapKeyRef/name",
          "initContainers/env/valueFrom/configMapKeyRef/name",
          "containers/envFrom/configMapRef/name", "initContainers/envFrom/configMapRef/name",
          "volumes/projected/sources/configMap/name"}) {
      pod_fields(refs, f, true);
    }
    for (std::string_view t : {"||Node|spec/configSource/configMap", "||Role|rules/resourceNames",
                               "||ClusterRole|rules/resourceNames",
                               "||Ingress|metadata/annotations/nginx.ingress.kubernetes.io\\/"
                               "fastcgi-params-configmap"}) {
      refs.push_back(row(t));
    }
    ref("|v1|ConfigMap|", std::move(refs));
  }
  {
    FieldSpecs refs;
    for (std::string_view f :
         {"volumes/secret/secretName", "containers/env/valueFrom/secretKeyRef/name",
          "initContainers/env/valueFrom/secretKeyRef/name", "containers/envFrom/secretRef/name",
          "initContainers/envFrom/secretRef/name", "imagePullSecrets/name",
          "volumes/projected/sources/secret/name"}) {
      pod_fields(refs, f, true);
    }
    for (std::string_view t : {
             "||Ingress|spec/tls/secretName",
             "||Ingress|metadata/annotations/ingress.kubernetes.io\\/auth-secret",
             "||Ingress|metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret",
             "||Ingress|metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret",
             "||ServiceAccount|imagePullSecrets/name",
             "||StorageClass|parameters/secretName",
             "||StorageClass|parameters/adminSecretName",
             "||StorageClass|parameters/userSecretName",
             "||StorageClass|parameters/secretRef",
             "||Role|rules/resourceNames",
             "||ClusterRole|rules/resourceNames",
             "serving.knative.dev|v1|Service|spec/template/spec/containers/env/valueFrom/"
             "secretKeyRef/name",
             "||PersistentVolume|spec/azureFile/secretName",
         }) {
      refs.push_back(row(t));
    }
    ref("|v1|Secret|", std::move(refs));
  }
  ref("|v1|Service|", rows({"apps||StatefulSet|spec/serviceName",
                            "||Ingress|spec/rules/http/paths/backend/serviceName",
                            "||Ingress|spec/backend/serviceName",
                            "||Ingress|spec/rules/http/paths/backend/service/name",
                            "||Ingress|spec/defaultBackend/service/name",
                            "apiregistration.k8s.io||APIService|spec/service/name",
                            "admissionregistration.k8s.io||ValidatingWebhookConfiguration|"
                            "webhooks/clientConfig/service",
                            "admissionregistration.k8s.io||MutatingWebhookConfiguration|"
                            "webhooks/clientConfig/service"}));
  ref("rbac.authorization.k8s.io||Role|",
      rows({"rbac.authorization.k8s.io||RoleBinding|roleRef/name"}));
  ref("rbac.authorization.k8s.io||ClusterRole|",
      rows({"rbac.authorization.k8s.io||RoleBinding|roleRef/name",
            "rbac.authorization.k8s.io||ClusterRoleBinding|roleRef/name"}));
  {
    FieldSpecs refs = rows({"rbac.authorization.k8s.io||RoleBinding|subjects",
                            "rbac.authorization.k8s.io||ClusterRoleBinding|subjects",
                            "||Pod|spec/serviceAccountName"});
    for (std::string_view kind :
         {"StatefulSet", "Deployment", "ReplicationController", "Job", "DaemonSet"}) {
      refs.push_back(row("||" + std::string(kind) + "|spec/template/spec/serviceAccountName"));
    }
    refs.push_back(row("||CronJob|spec/jobTemplate/spec/template/spec/serviceAccountName"));
    ref("|v1|ServiceAccount|", std::move(refs));
  }
  {
    FieldSpecs refs = rows({"||Pod|spec/volumes/persistentVolumeClaim/claimName"});
    for (std::string_view kind :
         {"StatefulSet", "Deployment", "ReplicationController", "Job", "DaemonSet"}) {
      refs.push_back(row("||" + std::string(kind) +
                         "|spec/template/spec/volumes/persistentVolumeClaim/claimName"));
    }
    refs.push_back(row(
        "||CronJob|spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName"));
    ref("|v1|PersistentVolumeClaim|", std::move(refs));
  }
  ref("|v1|PersistentVolume|",
      rows({"||PersistentVolumeClaim|spec/volumeName", "||ClusterRole|rules/resourceNames"}));
  ref("storage.k8s.io|v1|StorageClass|",
      rows({"||PersistentVolume|spec/storageClassName",
            "||PersistentVolumeClaim|spec/storageClassName",
            "||StatefulSet|spec/volumeClaimTemplates/spec/storageClassName"}));
  {
    FieldSpecs refs = rows({"||Pod|spec/priorityClassName"});
    for (std::string_view kind :
         {"StatefulSet", "Deployment", "ReplicationController", "Job", "DaemonSet"}) {
      refs.push_back(row("||" + std::string(kind) + "|spec/template/spec/priorityClassName"));
    }
    refs.push_back(row("||CronJob|spec/jobTemplate/spec/template/spec/priorityClassName"));
    ref("scheduling.k8s.io|v1|PriorityClass|", std::move(refs));
  }
  ref("networking.k8s.io/v1|v1|IngressClass|", rows({"||Ingress|spec/ingressClassName"}));
  ref("admissionregistration.k8s.io||ValidatingAdmissionPolicy|",
      rows({"admissionregistration.k8s.io||ValidatingAdmissionPolicyBinding|spec/policyName"}));
  return c;
}

}  // namespace

const TransformerConfig& TransformerConfig::defaults() {
  static const TransformerConfig k_defaults = make_defaults();
  return k_defaults;
}

}  // namespace plumb::render
