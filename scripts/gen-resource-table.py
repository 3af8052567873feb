#!/usr/bin/env python3
"""Generates src/localcluster/resource_table.cpp: the resources a v1.32 API server serves.

The kinds and their scope come from ../shared/k8s-schema/builtin-types.json (every kind
must exist there with the scope given, except the two groups that file does not cover:
apiextensions.k8s.io and apiregistration.k8s.io). Plural names, short names, verbs,
subresources and categories are Kubernetes facts the file does not hold, so they are data
below: the GA group versions of v1.32 (it serves no beta API by default).

Usage: [PLUMB_SHARED_DIR=..] scripts/gen-resource-table.py [builtin-types.json] > src/localcluster/resource_table.cpp
"""
import json
import os
import sys

FULL = "create delete deletecollection get list patch update watch"
NO_COLLECTION = "create delete get list patch update watch"
CREATE = "create"

# (group/version, kind, plural, short names, verbs, subresources, categories)
RESOURCES = [
    ("v1", "Binding", "bindings", "", CREATE, "", ""),
    ("v1", "ComponentStatus", "componentstatuses", "cs", "get list", "", ""),
    ("v1", "ConfigMap", "configmaps", "cm", FULL, "", ""),
    ("v1", "Endpoints", "endpoints", "ep", FULL, "", ""),
    ("v1", "Event", "events", "ev", FULL, "", ""),
    ("v1", "LimitRange", "limitranges", "limits", FULL, "", ""),
    ("v1", "Namespace", "namespaces", "ns", NO_COLLECTION, "status finalize", ""),
    ("v1", "Node", "nodes", "no", FULL, "status proxy", ""),
    ("v1", "PersistentVolumeClaim", "persistentvolumeclaims", "pvc", FULL, "status", ""),
    ("v1", "PersistentVolume", "persistentvolumes", "pv", FULL, "status", ""),
    ("v1", "Pod", "pods", "po", FULL,
     "status attach binding ephemeralcontainers eviction exec log portforward proxy", "all"),
    ("v1", "PodTemplate", "podtemplates", "", FULL, "", ""),
    ("v1", "ReplicationController", "replicationcontrollers", "rc", FULL, "status scale", "all"),
    ("v1", "ResourceQuota", "resourcequotas", "quota", FULL, "status", ""),
    ("v1", "Secret", "secrets", "", FULL, "", ""),
    ("v1", "ServiceAccount", "serviceaccounts", "sa", FULL, "token", ""),
    ("v1", "Service", "services", "svc", FULL, "status proxy", "all"),
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration",
     "mutatingwebhookconfigurations", "", FULL, "", "api-extensions"),
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy",
     "validatingadmissionpolicies", "", FULL, "status", "api-extensions"),
    ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding",
     "validatingadmissionpolicybindings", "", FULL, "", "api-extensions"),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration",
     "validatingwebhookconfigurations", "", FULL, "", "api-extensions"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions",
     "crd crds", FULL, "status", "api-extensions"),
    ("apiregistration.k8s.io/v1", "APIService", "apiservices", "", FULL, "status",
     "api-extensions"),
    ("apps/v1", "ControllerRevision", "controllerrevisions", "", FULL, "", ""),
    ("apps/v1", "DaemonSet", "daemonsets", "ds", FULL, "status", "all"),
    ("apps/v1", "Deployment", "deployments", "deploy", FULL, "status scale", "all"),
    ("apps/v1", "ReplicaSet", "replicasets", "rs", FULL, "status scale", "all"),
    ("apps/v1", "StatefulSet", "statefulsets", "sts", FULL, "status scale", "all"),
    ("authentication.k8s.io/v1", "SelfSubjectReview", "selfsubjectreviews", "", CREATE, "", ""),
    ("authentication.k8s.io/v1", "TokenReview", "tokenreviews", "", CREATE, "", ""),
    ("authorization.k8s.io/v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", "",
     CREATE, "", ""),
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", "",
     CREATE, "", ""),
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", "",
     CREATE, "", ""),
    ("authorization.k8s.io/v1", "SubjectAccessReview", "subjectaccessreviews", "", CREATE, "",
     ""),
    ("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "hpa", FULL,
     "status", "all"),
    ("autoscaling/v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "hpa", FULL,
     "status", "all"),
    ("batch/v1", "CronJob", "cronjobs", "cj", FULL, "status", "all"),
    ("batch/v1", "Job", "jobs", "", FULL, "status", "all"),
    ("certificates.k8s.io/v1", "CertificateSigningRequest", "certificatesigningrequests", "csr",
     FULL, "status approval", ""),
    ("coordination.k8s.io/v1", "Lease", "leases", "", FULL, "", ""),
    ("discovery.k8s.io/v1", "EndpointSlice", "endpointslices", "", FULL, "", ""),
    ("events.k8s.io/v1", "Event", "events", "ev", FULL, "", ""),
    ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "flowschemas", "", FULL, "status", ""),
    ("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration",
     "prioritylevelconfigurations", "", FULL, "status", ""),
    ("networking.k8s.io/v1", "IngressClass", "ingressclasses", "", FULL, "", ""),
    ("networking.k8s.io/v1", "Ingress", "ingresses", "ing", FULL, "status", ""),
    ("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", "netpol", FULL, "", ""),
    ("node.k8s.io/v1", "RuntimeClass", "runtimeclasses", "", FULL, "", ""),
    ("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", "pdb", FULL, "status", ""),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", "", FULL, "",
     ""),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", "", FULL, "", ""),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", "", FULL, "", ""),
    ("rbac.authorization.k8s.io/v1", "Role", "roles", "", FULL, "", ""),
    ("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", "pc", FULL, "", ""),
    ("storage.k8s.io/v1", "CSIDriver", "csidrivers", "", FULL, "", ""),
    ("storage.k8s.io/v1", "CSINode", "csinodes", "", FULL, "", ""),
    ("storage.k8s.io/v1", "CSIStorageCapacity", "csistoragecapacities", "", FULL, "", ""),
    ("storage.k8s.io/v1", "StorageClass", "storageclasses", "sc", FULL, "", ""),
    ("storage.k8s.io/v1", "VolumeAttachment", "volumeattachments", "", FULL, "status", ""),
]

# Kinds the schema file lists as "unknown" scope (not a REST resource of their own there),
# and the groups it does not cover.
SCOPE_OVERRIDES = {
    "v1/Binding": "Namespaced",
    "apiextensions.k8s.io/v1/CustomResourceDefinition": "Cluster",
    "apiregistration.k8s.io/v1/APIService": "Cluster",
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("PLUMB_SHARED_DIR", os.path.join(here, "..", "..", "shared"))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        shared, "k8s-schema", "builtin-types.json")
    kinds = json.load(open(path))["kinds"]
    out = []
    out.append("// GENERATED by scripts/gen-resource-table.py from ../shared/k8s-schema/"
               "builtin-types.json;")
    out.append("// do not edit. The resources a v1.32 API server serves, in discovery order.")
    out.append('#include "localcluster/resource_table.hpp"')
    out.append("")
    out.append("namespace plumb::localcluster {")
    out.append("namespace {")
    out.append("constexpr BuiltinResource k_table[] = {")
    for gv, kind, plural, short, verbs, subs, cats in RESOURCES:
        key = gv + "/" + kind
        scope = SCOPE_OVERRIDES.get(key)
        if scope is None:
            if key not in kinds:
                sys.exit("gen-resource-table: %s is not in %s" % (key, path))
            scope = kinds[key]["scope"]
        if scope not in ("Namespaced", "Cluster"):
            sys.exit("gen-resource-table: %s has scope %s" % (key, scope))
        group, _, version = gv.rpartition("/")
        out.append('    {"%s", "%s", "%s", "%s", "%s", "%s", "%s", "%s", %s},' % (
            group, version, kind, plural, short, verbs, subs, cats,
            "true" if scope == "Namespaced" else "false"))
    out.append("};")
    out.append("}  // namespace")
    out.append("")
    out.append("std::span<const BuiltinResource> builtin_resources() { return k_table; }")
    out.append("")
    out.append("}  // namespace plumb::localcluster")
    print("\n".join(out))


main()
