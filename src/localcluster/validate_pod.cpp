// Pod specs and templates, wherever they sit (a Pod's spec, a workload's spec.template, a
// CronJob's spec.jobTemplate.spec.template), in the order Kubernetes validates them: volumes,
// containers (name, image, termination message policy, ports, env, volume mounts, pull
// policy, resources; then duplicate names), init containers, restart and DNS policies, node
// selector, service account name.
#include <set>

#include "localcluster/quantity.hpp"
#include "localcluster/validate_kinds.hpp"

namespace plumb::localcluster::validation {
namespace {

std::string at(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string key(const std::string& path, std::string_view k) {
  return path + "[" + std::string(k) + "]";
}

// --- rules as data ---

const std::vector<Rule> k_image_rules = {
    {"image", required},
    {"terminationMessagePolicy", one_of, {"File", "FallbackToLogsOnError"}},
};
const std::vector<Rule> k_port_rules = {
    {"containerPort", port_number, {}, 1},
    {"hostPort", port_number, {}, 0},
    {"protocol", one_of, {"SCTP", "TCP", "UDP"}},
};
const std::vector<Rule> k_env_rules = {{"env[*].name", required}};
const std::vector<Rule> k_pull_rules = {
    {"imagePullPolicy", one_of, {"Always", "IfNotPresent", "Never"}},
};
const std::vector<Rule> k_pod_policy_rules = {
    {"restartPolicy", one_of, {"Always", "OnFailure", "Never"}},
    {"dnsPolicy", one_of, {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"}},
};

// Resource names a container may ask for without a domain.
bool standard_container_resource(std::string_view name) {
  return name == "cpu" || name == "memory" || name == "ephemeral-storage" ||
         name.starts_with("hugepages-");
}

std::string quantity_text(const Node& value) {
  return value.is_string() ? std::string(value.as_string()) : number(value);
}

// --- containers ---

void check_ports(const Scope& scope, const Node* ports, const std::string& path, Errors& errors) {
  if (ports == nullptr || !ports->is_list()) return;
  std::set<std::string, std::less<>> names;
  size_t index = 0;
  for (const Node& port : ports->items()) {
    std::string item = at(path, index++);
    std::string_view name = port.string_at({"name"});
    if (!name.empty()) {
      Messages messages = port_name(name);
      if (!messages.empty()) {
        invalid_each(errors, child(item, "name"), quoted(name), messages);
      } else if (!names.insert(std::string(name)).second) {
        errors.duplicate(child(item, "name"), quoted(name));
      }
    }
    apply_rules(k_port_rules, scope, &port, item, errors);
  }
}

void check_volume_mounts(const Node* mounts, const std::set<std::string, std::less<>>& volumes,
                         const std::string& path, Errors& errors) {
  if (mounts == nullptr || !mounts->is_list()) return;
  std::set<std::string, std::less<>> mount_paths;
  size_t index = 0;
  for (const Node& mount : mounts->items()) {
    std::string item = at(path, index++);
    std::string_view name = mount.string_at({"name"});
    if (name.empty()) errors.required(child(item, "name"));
    if (!volumes.contains(name)) errors.not_found(child(item, "name"), quoted(name));
    std::string_view mount_path = mount.string_at({"mountPath"});
    if (mount_path.empty()) errors.required(child(item, "mountPath"));
    if (!mount_paths.insert(std::string(mount_path)).second)
      errors.invalid(child(item, "mountPath"), quoted(mount_path), "must be unique");
  }
}

// A quantity of a resource list: a standard name, not negative.
void check_resource_entry(const MapEntry& e, const std::string& path, Errors& errors) {
  std::string_view name = e.key.as_string();
  std::string field = key(path, name);
  if (name.find('/') == std::string_view::npos && !standard_container_resource(name))
    errors.invalid(field, name, "must be a standard resource for containers");
  std::string text = quantity_text(e.value);
  auto value = quantity_value(text);
  if (value && *value < 0)
    errors.invalid(field, quoted(canonical_quantity(text)), "must be greater than or equal to 0");
}

void check_resources(const Node* resources, const std::string& path, Errors& errors) {
  if (resources == nullptr || !resources->is_map()) return;
  const Node* limits = resources->find("limits");
  const Node* requests = resources->find("requests");
  if (limits && limits->is_map())
    for (const MapEntry& e : limits->entries())
      check_resource_entry(e, child(path, "limits"), errors);
  if (requests == nullptr || !requests->is_map()) return;
  for (const MapEntry& e : requests->entries()) {
    check_resource_entry(e, child(path, "requests"), errors);
    const Node* limit = limits ? limits->find(e.key.as_string()) : nullptr;
    if (limit == nullptr) continue;
    std::string request_text = quantity_text(e.value);
    std::string limit_text = quantity_text(*limit);
    auto request_value = quantity_value(request_text);
    auto limit_value = quantity_value(limit_text);
    if (request_value && limit_value && *request_value > *limit_value)
      errors.invalid(child(path, "requests"), quoted(canonical_quantity(request_text)),
                     "must be less than or equal to " + std::string(e.key.as_string()) +
                         " limit of " + canonical_quantity(limit_text));
  }
}

void check_container(const Scope& scope, const Node& container,
                     const std::set<std::string, std::less<>>& volumes, const std::string& path,
                     Errors& errors) {
  std::string_view name = container.string_at({"name"});
  if (name.empty()) {
    errors.required(child(path, "name"));
  } else {
    invalid_each(errors, child(path, "name"), quoted(name), dns1123_label(name));
  }
  apply_rules(k_image_rules, scope, &container, path, errors);
  check_ports(scope, container.find("ports"), child(path, "ports"), errors);
  apply_rules(k_env_rules, scope, &container, path, errors);
  check_volume_mounts(container.find("volumeMounts"), volumes, child(path, "volumeMounts"), errors);
  apply_rules(k_pull_rules, scope, &container, path, errors);
  check_resources(container.find("resources"), child(path, "resources"), errors);
}

// Volumes: each names one source, with a DNS label name used once. Returns the names.
std::set<std::string, std::less<>> check_volumes(const Node* volumes, const std::string& path,
                                                 Errors& errors) {
  std::set<std::string, std::less<>> names;
  if (volumes == nullptr || !volumes->is_list()) return names;
  size_t index = 0;
  for (const Node& volume : volumes->items()) {
    std::string item = at(path, index++);
    Errors own;
    size_t sources = volume.is_map() ? volume.size() - (volume.find("name") ? 1 : 0) : 0;
    if (sources == 0) own.required(item, "must specify a volume type");
    std::string_view name = volume.string_at({"name"});
    if (name.empty()) {
      own.required(child(item, "name"));
    } else {
      invalid_each(own, child(item, "name"), quoted(name), dns1123_label(name));
    }
    if (names.contains(name)) own.duplicate(child(item, "name"), quoted(name));
    if (own.empty()) names.insert(std::string(name));
    for (StatusCause& cause : own.causes())
      errors.causes().push_back(std::move(cause));
  }
  return names;
}

// Containers, then their names unique across the list (and, for init containers, across
// the regular ones too).
void check_containers(const Scope& scope, const Node* containers,
                      const std::set<std::string, std::less<>>& volumes, const std::string& path,
                      std::set<std::string, std::less<>>& names, Errors& errors) {
  if (containers == nullptr || !containers->is_list()) return;
  size_t index = 0;
  for (const Node& container : containers->items()) {
    std::string item = at(path, index++);
    check_container(scope, container, volumes, item, errors);
    std::string name(container.string_at({"name"}));
    if (!names.insert(name).second) errors.duplicate(child(item, "name"), quoted(name));
  }
}

}  // namespace

void check_pod_spec(const Scope& scope, const Node* spec, const std::string& path, Errors& errors) {
  auto volumes =
      check_volumes(spec ? spec->find("volumes") : nullptr, child(path, "volumes"), errors);
  const Node* containers = spec ? spec->find("containers") : nullptr;
  std::set<std::string, std::less<>> names;
  if (containers == nullptr || !containers->is_list() || containers->empty()) {
    errors.required(child(path, "containers"));
  } else {
    check_containers(scope, containers, volumes, child(path, "containers"), names, errors);
  }
  check_containers(scope, spec ? spec->find("initContainers") : nullptr, volumes,
                   child(path, "initContainers"), names, errors);
  apply_rules(k_pod_policy_rules, scope, spec, path, errors);
  if (spec) check_labels(spec->find("nodeSelector"), child(path, "nodeSelector"), errors);
  std::string_view account = spec ? spec->string_at({"serviceAccountName"}) : "";
  if (!account.empty())
    invalid_each(errors, child(path, "serviceAccountName"), quoted(account),
                 dns1123_subdomain(account));
}

void check_pod_template(const Scope& scope, const Node* pod_template, const std::string& path,
                        Errors& errors) {
  const Node* metadata = pod_template ? pod_template->find("metadata") : nullptr;
  if (metadata) {
    check_labels(metadata->find("labels"), child(path, "labels"), errors);
    check_annotations(metadata->find("annotations"), child(path, "annotations"), errors);
  }
  check_pod_spec(scope, pod_template ? pod_template->find("spec") : nullptr, child(path, "spec"),
                 errors);
}

void check_pod(const Scope& scope, Errors& errors) {
  check_pod_spec(scope, scope.object.find("spec"), "spec", errors);
}

}  // namespace plumb::localcluster::validation
