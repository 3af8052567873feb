// networking (Ingress, NetworkPolicy), autoscaling (HorizontalPodAutoscaler), policy
// (PodDisruptionBudget), rbac (Roles, bindings) and apiextensions (the CRD itself).
#include <algorithm>

#include "localcluster/objects.hpp"
#include "localcluster/validate_kinds.hpp"

namespace plumb::localcluster::validation {
namespace {

const std::vector<Rule> k_network_policy_rules = {
    {"podSelector", [](const Rule&, const Scope&, const Node* v, const std::string& f,
                       Errors& e) { check_label_selector(v, f, e); }},
    {"policyTypes[*]", one_of, {"Ingress", "Egress"}},
    {"ingress[*].ports[*].protocol", one_of, {"SCTP", "TCP", "UDP"}},
    {"egress[*].ports[*].protocol", one_of, {"SCTP", "TCP", "UDP"}},
};
const std::vector<Rule> k_autoscaler_rules = {
    {"minReplicas", at_least, {}, 1},
};
const std::vector<Rule> k_autoscaler_target_rules = {
    {"scaleTargetRef.kind", required},
    {"scaleTargetRef.name", required},
};
const std::vector<Rule> k_custom_resource_definition_rules = {
    {"spec.group", required},
    {"spec.names.plural", required},
    {"spec.names.kind", required},
    {"spec.scope", immutable},
};
constexpr std::string_view k_rbac_group = "rbac.authorization.k8s.io";

std::string at(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool looks_like_ip(std::string_view host) {
  return all_digits(host.substr(0, host.find('.'))) &&
         std::count(host.begin(), host.end(), '.') == 3;
}

void check_ingress_backend(const Node* backend, const std::string& path, Errors& errors) {
  const Node* service = backend ? backend->find("service") : nullptr;
  if (service == nullptr) return;
  std::string_view name = service->string_at({"name"});
  if (name.empty()) {
    errors.required(path + ".service.name");
  } else {
    invalid_each(errors, path + ".service.name", quoted(name), dns1035_label(name));
  }
  const Node* port = service->find("port");
  std::string_view port_label = port ? port->string_at({"name"}) : "";
  const Node* number_node = port ? port->find("number") : nullptr;
  if (!port_label.empty() && number_node && number_node->as_int() != 0) {
    errors.invalid(path + ".service.port", quoted(port_label),
                   "cannot set both port name & port number");
  } else if (!port_label.empty()) {
    invalid_each(errors, path + ".service.port.name", quoted(port_label), port_name(port_label));
  } else if (number_node) {
    int64_t n = number_node->as_int();
    if (n < 1 || n > 65535)
      errors.invalid(path + ".service.port.number", number(*number_node),
                     inclusive_range(1, 65535));
  }
}

void check_ingress_path(const Node& item, const std::string& path, Errors& errors) {
  const Node* type = item.find("pathType");
  if (type == nullptr || type->is_null()) {
    errors.required(path + ".pathType", "pathType must be specified");
    return;
  }
  std::string_view kind = type->as_string();
  std::string_view value = item.string_at({"path"});
  static constexpr std::string_view k_types[] = {"Exact", "ImplementationSpecific", "Prefix"};
  if (kind == "Exact" || kind == "Prefix") {
    if (!value.starts_with('/'))
      errors.invalid(path + ".path", quoted(value), "must be an absolute path");
  } else if (kind == "ImplementationSpecific") {
    if (!value.empty() && !value.starts_with('/'))
      errors.invalid(path + ".path", quoted(value), "must be an absolute path");
  } else {
    errors.not_supported(path + ".pathType", quoted(kind), k_types);
  }
  check_ingress_backend(item.find("backend"), path + ".backend", errors);
}

// An int or a percentage ("50%") of at most 100%, not negative.
void check_int_or_percent(const Node* value, const std::string& path, Errors& errors) {
  if (value == nullptr || value->is_null()) return;
  if (value->is_int()) {
    if (value->as_int() < 0)
      errors.invalid(path, number(*value), "must be greater than or equal to 0");
    return;
  }
  std::string_view text = value->as_string();
  if (!text.ends_with('%') || !all_digits(text.substr(0, text.size() - 1))) {
    errors.invalid(path, quoted(text),
                   "a valid percent string must be a numeric string followed by an ending '%' "
                   "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    return;
  }
  if (std::stoll(std::string(text.substr(0, text.size() - 1))) > 100)
    errors.invalid(path, quoted(text), "must not be greater than 100%");
}

void check_rules(const Scope& scope, bool namespaced, Errors& errors) {
  const Node* rules = scope.object.find("rules");
  if (rules == nullptr || !rules->is_list()) return;
  size_t index = 0;
  for (const Node& rule : rules->items()) {
    std::string path = at("rules", index++);
    auto empty = [&](std::string_view field) {
      const Node* v = rule.find(field);
      return v == nullptr || !v->is_list() || v->empty();
    };
    if (empty("verbs")) errors.required(path + ".verbs", "verbs must contain at least one value");
    if (!empty("nonResourceURLs")) {
      std::string urls = string_list(rule.find("nonResourceURLs"));
      if (namespaced)
        errors.invalid(path + ".nonResourceURLs", urls,
                       "namespaced rules cannot apply to non-resource URLs");
      if (!empty("apiGroups") || !empty("resources") || !empty("resourceNames"))
        errors.invalid(path + ".nonResourceURLs", urls,
                       "rules cannot apply to both regular resources and non-resource URLs");
      continue;
    }
    if (empty("apiGroups"))
      errors.required(path + ".apiGroups", "resource rules must supply at least one api group");
    if (empty("resources"))
      errors.required(path + ".resources", "resource rules must supply at least one resource");
  }
}

std::string role_ref(const Node* ref) {
  auto get = [&](std::string_view k) { return quoted(ref ? ref->string_at({k}) : ""); };
  return "rbac.RoleRef{APIGroup:" + get("apiGroup") + ", Kind:" + get("kind") +
         ", Name:" + get("name") + "}";
}

void check_binding(const Scope& scope, bool namespaced, Errors& errors) {
  const Node* ref = scope.object.find("roleRef");
  std::string_view group = ref ? ref->string_at({"apiGroup"}) : "";
  static constexpr std::string_view k_groups[] = {k_rbac_group};
  if (group != k_rbac_group) errors.not_supported("roleRef.apiGroup", quoted(group), k_groups);
  std::string_view kind = ref ? ref->string_at({"kind"}) : "";
  static constexpr std::string_view k_namespaced_kinds[] = {"Role", "ClusterRole"};
  static constexpr std::string_view k_cluster_kinds[] = {"ClusterRole"};
  if (namespaced ? kind != "Role" && kind != "ClusterRole" : kind != "ClusterRole") {
    if (namespaced) {
      errors.not_supported("roleRef.kind", quoted(kind), k_namespaced_kinds);
    } else {
      errors.not_supported("roleRef.kind", quoted(kind), k_cluster_kinds);
    }
  }
  std::string_view name = ref ? ref->string_at({"name"}) : "";
  if (name.empty()) {
    errors.required("roleRef.name");
  } else {
    invalid_each(errors, "roleRef.name", quoted(name), path_segment_name(name));
  }
  if (const Node* subjects = scope.object.find("subjects"); subjects && subjects->is_list()) {
    size_t index = 0;
    static constexpr std::string_view k_kinds[] = {"ServiceAccount", "User", "Group"};
    static constexpr std::string_view k_core[] = {""};
    for (const Node& subject : subjects->items()) {
      std::string path = at("subjects", index++);
      std::string_view subject_name = subject.string_at({"name"});
      std::string_view subject_group = subject.string_at({"apiGroup"});
      if (subject_name.empty()) errors.required(path + ".name");
      std::string_view subject_kind = subject.string_at({"kind"});
      if (subject_kind == "ServiceAccount") {
        if (!subject_name.empty())
          invalid_each(errors, path + ".name", quoted(subject_name),
                       dns1123_subdomain(subject_name));
        if (!subject_group.empty())
          errors.not_supported(path + ".apiGroup", quoted(subject_group), k_core);
        if (!namespaced && subject.string_at({"namespace"}).empty())
          errors.required(path + ".namespace");
      } else if (subject_kind == "User" || subject_kind == "Group") {
        if (!subject_group.empty() && subject_group != k_rbac_group)
          errors.not_supported(path + ".apiGroup", quoted(subject_group), k_groups);
      } else {
        errors.not_supported(path + ".kind", quoted(subject_kind), k_kinds);
      }
    }
  }
  if (!scope.before.is_null()) {
    const Node* then = scope.before.find("roleRef");
    if ((ref == nullptr) != (then == nullptr) || (ref && !(*ref == *then)))
      errors.invalid("roleRef", role_ref(ref), "cannot change roleRef");
  }
}

}  // namespace

void check_ingress(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  if (spec == nullptr) return;
  check_ingress_backend(spec->find("defaultBackend"), "spec.defaultBackend", errors);
  const Node* rules = spec->find("rules");
  if (rules == nullptr || !rules->is_list()) return;
  size_t index = 0;
  for (const Node& rule : rules->items()) {
    std::string path = at("spec.rules", index++);
    std::string_view host = rule.string_at({"host"});
    if (!host.empty()) {
      if (looks_like_ip(host)) {
        errors.invalid(path + ".host", quoted(host), "must be a DNS name, not an IP address");
      } else if (host.starts_with("*.")) {
        if (!dns1123_subdomain(host.substr(2)).empty())
          errors.invalid(
              path + ".host", quoted(host),
              "a wildcard DNS-1123 subdomain must start with '*.', followed by a "
              "valid DNS subdomain, which must consist of lower case alphanumeric "
              "characters, '-' or '.' and end with an alphanumeric character (e.g. "
              "'*.example.com', regex used for validation is "
              "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
      } else {
        invalid_each(errors, path + ".host", quoted(host), dns1123_subdomain(host));
      }
    }
    const Node* http = rule.find("http");
    if (http == nullptr || http->is_null()) continue;
    const Node* paths = http->find("paths");
    if (paths == nullptr || !paths->is_list() || paths->empty()) {
      errors.required(path + ".http.paths");
      continue;
    }
    size_t p = 0;
    for (const Node& item : paths->items())
      check_ingress_path(item, at(path + ".http.paths", p++), errors);
  }
}

void check_network_policy(const Scope& scope, Errors& errors) {
  apply_rules(k_network_policy_rules, scope, scope.object.find("spec"), "spec", errors);
}

void check_horizontal_pod_autoscaler(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  apply_rules(k_autoscaler_rules, scope, spec, "spec", errors);
  const Node* max = spec ? spec->find("maxReplicas") : nullptr;
  const Node* min = spec ? spec->find("minReplicas") : nullptr;
  int64_t max_value = max ? max->as_int() : 0;
  if (max_value < 1)
    errors.invalid("spec.maxReplicas", max ? number(*max) : "0", "must be greater than 0");
  if (min && max_value < min->as_int())
    errors.invalid("spec.maxReplicas", max ? number(*max) : "0",
                   "must be greater than or equal to `minReplicas`");
  apply_rules(k_autoscaler_target_rules, scope, spec, "spec", errors);
}

void check_pod_disruption_budget(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  if (spec == nullptr) return;
  check_int_or_percent(spec->find("minAvailable"), "spec.minAvailable", errors);
  check_int_or_percent(spec->find("maxUnavailable"), "spec.maxUnavailable", errors);
  check_label_selector(spec->find("selector"), "spec.selector", errors);
}

void check_role(const Scope& scope, Errors& errors) {
  check_rules(scope, scope.object.string_at({"kind"}) == "Role", errors);
}

void check_role_binding(const Scope& scope, Errors& errors) {
  check_binding(scope, true, errors);
}

void check_cluster_role_binding(const Scope& scope, Errors& errors) {
  check_binding(scope, false, errors);
}

void check_custom_resource_definition(const Scope& scope, Errors& errors) {
  apply_rules(k_custom_resource_definition_rules, scope, &scope.object, "", errors);
  std::string_view group = scope.object.string_at({"spec", "group"});
  std::string_view plural = scope.object.string_at({"spec", "names", "plural"});
  std::string_view name = scope.object.string_at({"metadata", "name"});
  if (!group.empty() && !plural.empty() && name != std::string(plural) + "." + std::string(group))
    errors.invalid("metadata.name", quoted(name), "must be spec.names.plural+\".\"+spec.group");
}

}  // namespace plumb::localcluster::validation
