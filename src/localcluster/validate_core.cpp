// core/v1 kinds besides pods: Services (ports, target ports, types, the cluster IP that may
// not change), ConfigMaps and Secrets (keys, sizes, the keys a Secret type needs, immutable
// data), PersistentVolumeClaims (access modes, storage request).
#include <set>

#include "localcluster/validate_kinds.hpp"

namespace plumb::localcluster::validation {
namespace {

constexpr int64_t k_max_data_bytes = 1024 * 1024;

const std::vector<Rule> k_service_rules = {
    {"selector", [](const Rule&, const Scope&, const Node* v, const std::string& f,
                    Errors& e) { check_labels(v, f, e); }},
    {"sessionAffinity", one_of, {"ClientIP", "None"}},
    {"type", one_of, {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}},
    {"externalTrafficPolicy", one_of, {"Cluster", "Local"}},
    {"internalTrafficPolicy", one_of, {"Cluster", "Local"}},
};
const std::vector<Rule> k_service_port_rules = {
    {"protocol", one_of, {"SCTP", "TCP", "UDP"}},
};
const std::vector<Rule> k_claim_rules = {
    {"accessModes", required, {"at least 1 access mode is required"}},
    {"accessModes[*]",
     one_of,
     {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"}},
    {"volumeMode", one_of, {"Block", "Filesystem"}},
};

// Which data keys each Secret type needs (all of them, or, for basic-auth, one of them).
struct SecretKeys {
  std::string_view type;
  std::vector<std::string_view> keys;
  bool any = false;
};
const std::vector<SecretKeys> k_secret_keys = {
    {"kubernetes.io/tls", {"tls.crt", "tls.key"}},
    {"kubernetes.io/dockercfg", {".dockercfg"}},
    {"kubernetes.io/dockerconfigjson", {".dockerconfigjson"}},
    {"kubernetes.io/basic-auth", {"username", "password"}, true},
    {"kubernetes.io/ssh-auth", {"ssh-privatekey"}},
};

std::string at(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string key(std::string_view path, std::string_view k) {
  return std::string(path) + "[" + std::string(k) + "]";
}

void check_service_port(const Scope& scope, const Node& port, bool require_name,
                        std::set<std::string, std::less<>>& names, const std::string& path,
                        Errors& errors) {
  std::string_view name = port.string_at({"name"});
  if (require_name && name.empty()) {
    errors.required(child(path, "name"));
  } else if (!name.empty()) {
    invalid_each(errors, child(path, "name"), quoted(name), dns1123_label(name));
    if (!names.insert(std::string(name)).second)
      errors.duplicate(child(path, "name"), quoted(name));
  }
  const Node* number_node = port.find("port");
  int64_t port_number = number_node ? number_node->as_int() : 0;
  if (port_number < 1 || port_number > 65535)
    errors.invalid(child(path, "port"), number_node ? number(*number_node) : "0",
                   inclusive_range(1, 65535));
  apply_rules(k_service_port_rules, scope, &port, path, errors);
  const Node* target = port.find("targetPort");
  if (target && target->is_string()) {
    invalid_each(errors, child(path, "targetPort"), quoted(target->as_string()),
                 port_name(target->as_string()));
  } else if (target && target->is_int() && (target->as_int() < 1 || target->as_int() > 65535)) {
    errors.invalid(child(path, "targetPort"), number(*target), inclusive_range(1, 65535));
  }
}

// A Service's first cluster IP is set once: an update that changes clusterIP (and leaves
// clusterIPs as they were) changes it.
void check_cluster_ip_unchanged(const Scope& scope, Errors& errors) {
  if (scope.before.is_null()) return;
  std::string_view then = scope.before.string_at({"spec", "clusterIP"});
  std::string_view now = scope.object.string_at({"spec", "clusterIP"});
  const Node* ips = scope.object.at_path({"spec", "clusterIPs"});
  std::string_view first_ip = ips && !ips->empty() ? ips->items()[0].as_string() : now;
  if (then.empty() || (now == then && first_ip == then)) return;
  Node shown = Node::list();
  shown.push_back(Node::string(now != then ? now : first_ip));
  errors.invalid("spec.clusterIPs[0]", string_list(&shown), "may not change once set");
}

// Keys valid as file names, not in both bags; the total size within 1 MiB.
void check_data_keys(const Node* data, std::string_view path, const Node* other,
                     std::string_view other_name, Errors& errors, int64_t& size) {
  if (data == nullptr || !data->is_map()) return;
  for (const MapEntry& e : data->entries()) {
    std::string_view k = e.key.as_string();
    invalid_each(errors, key(path, k), quoted(k), config_map_key(k));
    if (other && other->find(k))
      errors.invalid(key(path, k), quoted(k),
                     "duplicate of key present in " + std::string(other_name));
    size += static_cast<int64_t>(e.value.as_string().size());
  }
}

// `immutable: true` freezes data and binaryData, and itself.
void check_frozen_data(const Scope& scope, Errors& errors) {
  if (scope.before.is_null()) return;
  const Node* was = scope.before.find("immutable");
  if (was == nullptr || !was->as_bool()) return;
  for (std::string_view field : {"data", "binaryData"}) {
    const Node* now = scope.object.find(field);
    const Node* then = scope.before.find(field);
    bool same = (now == nullptr && then == nullptr) || (now && then && *now == *then);
    if (!same) errors.forbidden(std::string(field), "field is immutable when `immutable` is set");
  }
  const Node* still = scope.object.find("immutable");
  if (still == nullptr || !still->as_bool())
    errors.forbidden("immutable", "field is immutable when `immutable` is set");
}

}  // namespace

void check_service(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  std::string_view type = spec ? spec->string_at({"type"}) : "";
  const Node* ports = spec ? spec->find("ports") : nullptr;
  const bool headless = spec && spec->string_at({"clusterIP"}) == "None";
  if ((ports == nullptr || ports->empty()) && !headless && type != "ExternalName")
    errors.required("spec.ports");
  if (type == "ExternalName") {
    std::string_view external = spec->string_at({"externalName"});
    if (external.empty()) {
      errors.required("spec.externalName");
    } else {
      invalid_each(errors, "spec.externalName", quoted(external), dns1123_subdomain(external));
    }
  }
  if (ports && ports->is_list()) {
    std::set<std::string, std::less<>> names;
    size_t index = 0;
    for (const Node& port : ports->items())
      check_service_port(scope, port, ports->size() > 1, names, at("spec.ports", index++), errors);
  }
  apply_rules(k_service_rules, scope, spec, "spec", errors);
  check_cluster_ip_unchanged(scope, errors);
}

void check_config_map(const Scope& scope, Errors& errors) {
  int64_t size = 0;
  const Node* data = scope.object.find("data");
  const Node* binary = scope.object.find("binaryData");
  check_data_keys(data, "data", binary, "binaryData", errors, size);
  check_data_keys(binary, "binaryData", nullptr, "", errors, size);
  if (size > k_max_data_bytes) errors.too_long("", k_max_data_bytes);
  check_frozen_data(scope, errors);
}

void check_secret(const Scope& scope, Errors& errors) {
  // stringData is written into data before validation: its keys are data keys.
  Node data = scope.object.find("data") && scope.object.find("data")->is_map()
                  ? *scope.object.find("data")
                  : Node::map();
  if (const Node* strings = scope.object.find("stringData"); strings && strings->is_map())
    for (const MapEntry& e : strings->entries())
      data.set(e.key.as_string(), e.value);
  int64_t size = 0;
  check_data_keys(&data, "data", nullptr, "", errors, size);
  if (size > k_max_data_bytes) errors.too_long("data", k_max_data_bytes);
  std::string_view type = scope.object.string_at({"type"});
  if (type == "kubernetes.io/service-account-token" &&
      scope.object.string_at({"metadata", "annotations", "kubernetes.io/service-account.name"})
          .empty())
    errors.required("metadata.annotations[kubernetes.io/service-account.name]");
  for (const SecretKeys& rule : k_secret_keys) {
    if (rule.type != type) continue;
    bool any_present = false;
    for (std::string_view k : rule.keys)
      any_present = any_present || data.find(k) != nullptr;
    for (std::string_view k : rule.keys) {
      if (data.find(k) == nullptr && !(rule.any && any_present)) errors.required(key("data", k));
    }
  }
  if (!scope.before.is_null()) {
    std::string_view then = scope.before.string_at({"type"});
    if (!then.empty() && then != type) errors.invalid("type", quoted(type), "field is immutable");
  }
  check_frozen_data(scope, errors);
}

void check_persistent_volume_claim(const Scope& scope, Errors& errors) {
  const Node* spec = scope.object.find("spec");
  apply_rules(k_claim_rules, scope, spec, "spec", errors);
  const Node* storage = spec ? spec->at_path({"resources", "requests", "storage"}) : nullptr;
  if (storage == nullptr) errors.required("spec.resources[storage]");
}

}  // namespace plumb::localcluster::validation
