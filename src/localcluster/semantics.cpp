#include "localcluster/semantics.hpp"

#include <atomic>
#include <functional>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "localcluster/api_server.hpp"
#include "localcluster/crd_validation.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/ssa.hpp"

namespace plumb::localcluster {
namespace {

bool is(const ResourceInfo& r, std::string_view group, std::string_view kind) {
  return r.crd.empty() && r.group == group && r.kind == kind;
}

void set_default(Node& map, std::string_view key, Node value) {
  const Node* existing = map.find(key);
  if (existing == nullptr || existing->is_null()) map.set(key, std::move(value));
}

std::string allocate_cluster_ip(const Node& service) {
  // Spread over 10.96.0.0/16 by the uid, so restarts do not hand out taken addresses.
  size_t h = std::hash<std::string_view>{}(service.string_at({"metadata", "uid"}));
  unsigned third = static_cast<unsigned>((h >> 8) % 256);
  unsigned fourth = static_cast<unsigned>(h % 254) + 1;
  if (third == 0 && fourth < 11) fourth += 10;  // keep the well-known low addresses free
  return "10.96." + std::to_string(third) + "." + std::to_string(fourth);
}

void default_service(Node& object, const Node& before) {
  Node& spec = object["spec"];
  set_default(spec, "type", Node::string("ClusterIP"));
  const bool external_name = spec.string_at({"type"}) == "ExternalName";
  if (!external_name) {
    if (spec.string_at({"clusterIP"}).empty()) {
      std::string_view previous = before.string_at({"spec", "clusterIP"});
      spec.set("clusterIP",
               Node::string(previous.empty() ? allocate_cluster_ip(object) : previous));
    }
    if (!spec.find("clusterIPs")) {
      Node ips = Node::list();
      ips.push_back(Node::string(spec.string_at({"clusterIP"})));
      spec.set("clusterIPs", std::move(ips));
    }
    set_default(spec, "sessionAffinity", Node::string("None"));
    Node families = Node::list();
    families.push_back(Node::string("IPv4"));
    set_default(spec, "ipFamilies", std::move(families));
    set_default(spec, "ipFamilyPolicy", Node::string("SingleStack"));
    set_default(spec, "internalTrafficPolicy", Node::string("Cluster"));
  }
  if (Node* ports = spec.find_mut("ports")) {
    for (Node& port : ports->items_mut()) {
      set_default(port, "protocol", Node::string("TCP"));
      if (const Node* p = port.find("port")) set_default(port, "targetPort", *p);
    }
  }
  if (object.find("status") == nullptr) {
    Node status = Node::map();
    status.set("loadBalancer", Node::map());
    object.set("status", std::move(status));
  }
}

void default_deployment(Node& object) {
  Node& spec = object["spec"];
  set_default(spec, "replicas", Node::integer(1));
  set_default(spec, "revisionHistoryLimit", Node::integer(10));
  set_default(spec, "progressDeadlineSeconds", Node::integer(600));
  if (!spec.find("strategy")) {
    Node strategy = Node::map();
    strategy.set("type", Node::string("RollingUpdate"));
    Node rolling = Node::map();
    rolling.set("maxSurge", Node::string("25%"));
    rolling.set("maxUnavailable", Node::string("25%"));
    strategy.set("rollingUpdate", std::move(rolling));
    spec.set("strategy", std::move(strategy));
  }
}

Node condition(std::string_view type, std::string_view reason, std::string_view message) {
  Node c = Node::map();
  c.set("type", Node::string(type));
  c.set("status", Node::string("True"));
  c.set("lastTransitionTime", Node::string(now_rfc3339()));
  c.set("reason", Node::string(reason));
  c.set("message", Node::string(message));
  return c;
}

// Depth-first, in the object's order, so the error names the first undeclared field.
bool find_undeclared(const Node& value, SchemaType type, const std::string& path,
                     std::string& out) {
  if (!type.known() || !value.is_map()) return false;
  for (const MapEntry& e : value.entries()) {
    std::string_view key = e.key.as_string();
    if (path.empty() && (key == "apiVersion" || key == "kind")) continue;
    std::string full = path.empty() ? std::string(key) : path + "." + std::string(key);
    auto field = type.field(key);
    if (!field) {
      out = full;
      return true;
    }
    SchemaType child = field->type();
    if (!child.known() || e.value.is_null()) continue;
    switch (field->kind()) {
      case ValueKind::object:
        if (find_undeclared(e.value, child, full, out)) return true;
        break;
      case ValueKind::list: {
        size_t index = 0;
        for (const Node& item : e.value.items()) {
          if (find_undeclared(item, child, full + "[" + std::to_string(index++) + "]", out))
            return true;
        }
        break;
      }
      case ValueKind::map:
        for (const MapEntry& m : e.value.entries()) {
          if (find_undeclared(m.value, child, full + "." + std::string(m.key.as_string()), out))
            return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace

std::string undeclared_field(const ResourceInfo& resource, const Node& object) {
  if (!resource.crd.empty()) return "";
  std::string out;
  find_undeclared(object, schema_type(resource), "", out);
  return out;
}

void apply_defaults(const ResourceInfo& resource, Node& object, const Node& before) {
  if (!resource.crd.empty()) {
    crd_prune_and_default(resource, object);
    return;
  }
  if (is(resource, "", "Namespace")) {
    object["metadata"]["labels"].set("kubernetes.io/metadata.name",
                                     Node::string(object.string_at({"metadata", "name"})));
    if (before.is_null()) {
      Node finalizers = Node::list();
      finalizers.push_back(Node::string("kubernetes"));
      object["spec"].set("finalizers", std::move(finalizers));
      object["status"].set("phase", Node::string("Active"));
    }
  } else if (is(resource, "", "Service")) {
    default_service(object, before);
  } else if (is(resource, "apps", "Deployment")) {
    default_deployment(object);
  } else if (is(resource, "", "Secret")) {
    set_default(object, "type", Node::string("Opaque"));
    // stringData is write-only: the API server merges it into data (its values win) and
    // never stores it, so no read returns it.
    if (const Node* strings = object.find("stringData")) {
      if (strings->is_map() && !strings->entries().empty()) {
        Node data = object.find("data") && object.find("data")->is_map() ? *object.find("data")
                                                                         : Node::map();
        for (const MapEntry& e : strings->entries())
          data.set(e.key.as_string(), Node::string(base64_encode(e.value.as_string())));
        object.set("data", std::move(data));
      }
      object.erase("stringData");
    }
  } else if (is(resource, "apps", "ReplicaSet")) {
    set_default(object["spec"], "replicas", Node::integer(1));
  } else if (is(resource, "apps", "StatefulSet") || is(resource, "apps", "DaemonSet")) {
    Node& spec = object["spec"];
    const bool stateful = resource.kind == "StatefulSet";
    if (stateful) {
      set_default(spec, "replicas", Node::integer(1));
      set_default(spec, "podManagementPolicy", Node::string("OrderedReady"));
    }
    set_default(spec, "revisionHistoryLimit", Node::integer(10));
    if (!spec.find("updateStrategy")) {
      Node strategy = Node::map();
      strategy.set("type", Node::string("RollingUpdate"));
      Node rolling = Node::map();
      if (stateful) {
        rolling.set("partition", Node::integer(0));
      } else {
        rolling.set("maxUnavailable", Node::integer(1));
        rolling.set("maxSurge", Node::integer(0));
      }
      strategy.set("rollingUpdate", std::move(rolling));
      spec.set("updateStrategy", std::move(strategy));
    }
  }
}

std::vector<ResourceInfo> crd_resources(const Node& crd) {
  std::vector<ResourceInfo> out;
  const Node* versions = crd.at_path({"spec", "versions"});
  if (versions == nullptr) return out;
  bool first = true;
  for (const Node& version : versions->items()) {
    const Node* served = version.find("served");
    if (served && !served->as_bool()) continue;
    ResourceInfo info;
    info.group = std::string(crd.string_at({"spec", "group"}));
    info.version = std::string(version.string_at({"name"}));
    info.kind = std::string(crd.string_at({"spec", "names", "kind"}));
    info.plural = std::string(crd.string_at({"spec", "names", "plural"}));
    info.singular = std::string(crd.string_at({"spec", "names", "singular"}));
    if (info.singular.empty()) {
      info.singular = info.kind;
      for (char& c : info.singular)
        c = static_cast<char>(std::tolower(c));
    }
    if (const Node* shorts = crd.at_path({"spec", "names", "shortNames"})) {
      for (const Node& s : shorts->items())
        info.short_names.emplace_back(s.as_string());
    }
    if (const Node* categories = crd.at_path({"spec", "names", "categories"})) {
      for (const Node& s : categories->items())
        info.categories.emplace_back(s.as_string());
    }
    info.verbs = {"delete", "deletecollection", "get",    "list",
                  "patch",  "create",           "update", "watch"};
    if (version.at_path({"subresources", "status"})) info.subresources.push_back("status");
    if (version.at_path({"subresources", "scale"})) info.subresources.push_back("scale");
    info.namespaced = crd.string_at({"spec", "scope"}) != "Cluster";
    if (const Node* columns = version.find("additionalPrinterColumns")) {
      for (const Node& c : columns->items()) {
        const Node* priority = c.find("priority");
        info.printer_columns.push_back({std::string(c.string_at({"name"})),
                                        std::string(c.string_at({"type"})),
                                        std::string(c.string_at({"jsonPath"})),
                                        priority ? static_cast<int>(priority->as_int()) : 0});
      }
    }
    info.preferred = first;
    first = false;
    out.push_back(std::move(info));
  }
  return out;
}

void after_write(ApiServer& server, const ResourceInfo& resource, const Node& before,
                 const Node& after) {
  if (!is(resource, "apiextensions.k8s.io", "CustomResourceDefinition")) return;
  std::string name(after.string_at({"metadata", "name"}));
  if (!after.string_at({"metadata", "deletionTimestamp"}).empty()) return;
  register_crd_schema(after);
  register_crd_validation(after);
  server.registry().set_custom(name, crd_resources(after));
  (void)before;
  // Names are accepted and the kinds served at once: Established.
  if (after.at_path({"status", "acceptedNames", "kind"})) return;
  Node next = after;
  Node status = Node::map();
  Node conditions = Node::list();
  conditions.push_back(condition("NamesAccepted", "NoConflicts", "no conflicts found"));
  conditions.push_back(
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"));
  status.set("conditions", std::move(conditions));
  status.set("acceptedNames", *after.at_path({"spec", "names"}));
  Node stored_versions = Node::list();
  if (const Node* versions = after.at_path({"spec", "versions"})) {
    for (const Node& v : versions->items()) {
      const Node* storage = v.find("storage");
      if (storage && storage->as_bool())
        stored_versions.push_back(Node::string(v.string_at({"name"})));
    }
  }
  status.set("storedVersions", std::move(stored_versions));
  next.set("status", std::move(status));
  (void)server.store().update(resource.storage_key(), "", name, std::move(next), object_rv(after));
}

void after_write_restore(Registry& registry, const Node& crd) {
  if (!crd.string_at({"metadata", "deletionTimestamp"}).empty()) return;
  register_crd_schema(crd);
  register_crd_validation(crd);
  registry.set_custom(std::string(crd.string_at({"metadata", "name"})), crd_resources(crd));
}

void after_delete(ApiServer& server, const ResourceInfo& resource, const Node& removed) {
  if (!is(resource, "apiextensions.k8s.io", "CustomResourceDefinition")) return;
  std::string name(removed.string_at({"metadata", "name"}));
  std::string group(removed.string_at({"spec", "group"}));
  std::string plural(removed.string_at({"spec", "names", "plural"}));
  server.registry().set_custom(name, {});
  forget_crd_validation(name);
  server.store().remove_all(group + "/" + plural);
}

}  // namespace plumb::localcluster
