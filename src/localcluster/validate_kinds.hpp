// The validation of each built-in kind, as small functions the kind table of validate.cpp
// points at; each appends Kubernetes' field errors, in Kubernetes' order, for the parts of
// an object after its metadata. Internal to the localcluster module.
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "localcluster/validate_support.hpp"

namespace plumb::localcluster::validation {

using KindCheck = void (*)(const Scope& scope, Errors& errors);

// Pod templates and specs (validate_pod.cpp), also inside workloads.
void check_pod_template(const Scope& scope, const Node* pod_template, const std::string& path,
                        Errors& errors);
void check_pod_spec(const Scope& scope, const Node* spec, const std::string& path, Errors& errors);
void check_pod(const Scope& scope, Errors& errors);

// apps, batch (validate_workloads.cpp).
void check_deployment(const Scope& scope, Errors& errors);
void check_replica_set(const Scope& scope, Errors& errors);
void check_stateful_set(const Scope& scope, Errors& errors);
void check_daemon_set(const Scope& scope, Errors& errors);
void check_job(const Scope& scope, Errors& errors);
void check_cron_job(const Scope& scope, Errors& errors);

// core (validate_core.cpp).
void check_service(const Scope& scope, Errors& errors);
void check_config_map(const Scope& scope, Errors& errors);
void check_secret(const Scope& scope, Errors& errors);
void check_persistent_volume_claim(const Scope& scope, Errors& errors);

// networking, autoscaling, policy, rbac, apiextensions (validate_other.cpp).
void check_ingress(const Scope& scope, Errors& errors);
void check_network_policy(const Scope& scope, Errors& errors);
void check_horizontal_pod_autoscaler(const Scope& scope, Errors& errors);
void check_pod_disruption_budget(const Scope& scope, Errors& errors);
void check_role(const Scope& scope, Errors& errors);
void check_role_binding(const Scope& scope, Errors& errors);
void check_cluster_role_binding(const Scope& scope, Errors& errors);
void check_custom_resource_definition(const Scope& scope, Errors& errors);

}  // namespace plumb::localcluster::validation
