#include "localcluster/tables.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>

#include "core/json.hpp"
#include "core/time.hpp"

namespace plumb::localcluster {
namespace {

using Cell = std::function<Node(const Node&)>;

struct Column {
  std::string_view name;
  std::string_view type;
  int priority;
  Cell cell;
};

Node str(std::string_view text) {
  return Node::string(text);
}

Node age(const Node& object) {
  return str(human_duration(seconds_since(object.string_at({"metadata", "creationTimestamp"}))));
}

int64_t int_at(const Node& object, std::initializer_list<std::string_view> path) {
  const Node* n = object.at_path(path);
  return n ? n->as_int() : 0;
}

std::string join(const Node& list, std::string_view field) {
  std::string out;
  for (const Node& item : list.items()) {
    if (!out.empty()) out += ',';
    out += item.string_at({field});
  }
  return out;
}

std::string selector_text(const Node* selector) {
  std::string out;
  if (selector == nullptr) return "<none>";
  const Node* labels = selector->find("matchLabels") ? selector->find("matchLabels") : selector;
  for (const MapEntry& e : labels->entries()) {
    if (!e.value.is_string()) continue;
    if (!out.empty()) out += ',';
    out += std::string(e.key.as_string()) + "=" + std::string(e.value.as_string());
  }
  return out.empty() ? "<none>" : out;
}

std::string ports_text(const Node& service) {
  std::string out;
  const Node* ports = service.at_path({"spec", "ports"});
  if (ports == nullptr) return "<none>";
  for (const Node& p : ports->items()) {
    if (!out.empty()) out += ',';
    out += std::to_string(int_at(p, {"port"}));
    if (int64_t node_port = int_at(p, {"nodePort"})) out += ":" + std::to_string(node_port);
    std::string_view protocol = p.string_at({"protocol"});
    out += "/";
    out += protocol.empty() ? "TCP" : protocol;
  }
  return out.empty() ? "<none>" : out;
}

const Node& containers(const Node& object) {
  static const Node k_none = Node::list();
  const Node* c = object.at_path({"spec", "template", "spec", "containers"});
  return c ? *c : k_none;
}

std::string pod_ready(const Node& pod) {
  const Node* statuses = pod.at_path({"status", "containerStatuses"});
  const Node* specs = pod.at_path({"spec", "containers"});
  int64_t ready = 0;
  if (statuses) {
    for (const Node& s : statuses->items())
      ready += s.find("ready") && s.find("ready")->as_bool();
  }
  return std::to_string(ready) + "/" + std::to_string(specs ? specs->size() : 0);
}

std::string pod_status(const Node& pod) {
  if (!pod.string_at({"metadata", "deletionTimestamp"}).empty()) return "Terminating";
  if (const Node* statuses = pod.at_path({"status", "containerStatuses"})) {
    for (const Node& s : statuses->items()) {
      std::string_view waiting = s.string_at({"state", "waiting", "reason"});
      if (!waiting.empty()) return std::string(waiting);
    }
  }
  std::string_view phase = pod.string_at({"status", "phase"});
  return phase.empty() ? "Pending" : std::string(phase);
}

int64_t pod_restarts(const Node& pod) {
  int64_t total = 0;
  if (const Node* statuses = pod.at_path({"status", "containerStatuses"})) {
    for (const Node& s : statuses->items())
      total += int_at(s, {"restartCount"});
  }
  return total;
}

// A simple JSONPath (".a.b", ".a[0].b", ".a[?(@.type==\"Ready\")].status") of a custom
// resource's printer column; absent values print as empty cells.
Node printer_cell(const Node& object, std::string_view path, std::string_view type) {
  const Node* node = &object;
  while (node != nullptr && !path.empty()) {
    if (path.front() == '.') path.remove_prefix(1);
    if (path.empty()) break;
    if (path.front() == '[') {
      size_t close = path.find(']');
      if (close == std::string_view::npos) return Node();
      std::string_view inside = path.substr(1, close - 1);
      path.remove_prefix(close + 1);
      if (inside.starts_with("?(@.")) {
        // ?(@.key=="value")
        size_t eq = inside.find("==");
        if (eq == std::string_view::npos) return Node();
        std::string_view key = inside.substr(4, eq - 4);
        std::string_view want = inside.substr(eq + 2);
        while (!want.empty() && (want.back() == ')' || want.back() == '"' || want.back() == '\''))
          want.remove_suffix(1);
        while (!want.empty() && (want.front() == '"' || want.front() == '\''))
          want.remove_prefix(1);
        const Node* found = nullptr;
        for (const Node& item : node->items()) {
          if (item.string_at({key}) == want) {
            found = &item;
            break;
          }
        }
        node = found;
      } else {
        size_t index = static_cast<size_t>(std::atoi(std::string(inside).c_str()));
        node = index < node->items().size() ? &node->items()[index] : nullptr;
      }
      continue;
    }
    size_t end = path.find_first_of(".[");
    node = node->find(path.substr(0, end));
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
  }
  if (node == nullptr || node->is_null()) return Node();
  if (type == "date") return str(human_duration(seconds_since(node->as_string())));
  if (node->is_container()) return str(to_json(*node));
  return *node;
}

std::string or_none(std::string_view text) {
  return text.empty() ? "<none>" : std::string(text);
}

std::vector<Column> columns_for(const ResourceInfo& r) {
  Column name{"Name", "string", 0, [](const Node& o) {
                return str(o.string_at({"metadata", "name"}));
              }};
  Column age_column{"Age", "string", 0, age};
  const std::string& k = r.kind;
  if (!r.crd.empty()) {
    // A CRD with printer columns lists exactly those; without, it gets an Age column.
    if (r.printer_columns.empty()) return {name, age_column};
    std::vector<Column> out{name};
    for (const PrinterColumn& pc : r.printer_columns) {
      std::string path = pc.json_path;
      std::string type = pc.type;
      // As the API server does, a date column keeps its type; its cells hold the age.
      out.push_back({pc.name, pc.type, pc.priority,
                     [path, type](const Node& o) { return printer_cell(o, path, type); }});
    }
    return out;
  }
  if (k == "ConfigMap")
    return {name,
            {"Data", "integer", 0,
             [](const Node& o) {
               size_t n = 0;
               if (auto d = o.find("data")) n += d->size();
               if (auto d = o.find("binaryData")) n += d->size();
               return Node::integer(static_cast<int64_t>(n));
             }},
            age_column};
  if (k == "Secret")
    return {name,
            {"Type", "string", 0, [](const Node& o) { return str(o.string_at({"type"})); }},
            {"Data", "integer", 0,
             [](const Node& o) {
               auto d = o.find("data");
               return Node::integer(d ? static_cast<int64_t>(d->size()) : 0);
             }},
            age_column};
  if (k == "Namespace")
    return {name,
            {"Status", "string", 0,
             [](const Node& o) {
               return str(o.string_at({"status", "phase"}));
             }},
            age_column};
  if (k == "Pod")
    return {name,
            {"Ready", "string", 0, [](const Node& o) { return str(pod_ready(o)); }},
            {"Status", "string", 0, [](const Node& o) { return str(pod_status(o)); }},
            {"Restarts", "string", 0,
             [](const Node& o) { return str(std::to_string(pod_restarts(o))); }},
            age_column,
            {"IP", "string", 1,
             [](const Node& o) {
               return str(or_none(o.string_at({"status", "podIP"})));
             }},
            {"Node", "string", 1,
             [](const Node& o) {
               return str(or_none(o.string_at({"spec", "nodeName"})));
             }},
            {"Nominated Node", "string", 1, [](const Node&) { return str("<none>"); }},
            {"Readiness Gates", "string", 1, [](const Node&) { return str("<none>"); }}};
  if (k == "Deployment")
    return {
        name,
        {"Ready", "string", 0,
         [](const Node& o) {
           return str(std::to_string(int_at(o, {"status", "readyReplicas"})) + "/" +
                      std::to_string(int_at(o, {"spec", "replicas"})));
         }},
        {"Up-to-date", "integer", 0,
         [](const Node& o) {
           return Node::integer(int_at(o, {"status", "updatedReplicas"}));
         }},
        {"Available", "integer", 0,
         [](const Node& o) {
           return Node::integer(int_at(o, {"status", "availableReplicas"}));
         }},
        age_column,
        {"Containers", "string", 1, [](const Node& o) { return str(join(containers(o), "name")); }},
        {"Images", "string", 1, [](const Node& o) { return str(join(containers(o), "image")); }},
        {"Selector", "string", 1, [](const Node& o) {
           return str(selector_text(o.at_path({"spec", "selector"})));
         }}};
  if (k == "ReplicaSet")
    return {
        name,
        {"Desired", "integer", 0,
         [](const Node& o) {
           return Node::integer(int_at(o, {"spec", "replicas"}));
         }},
        {"Current", "integer", 0,
         [](const Node& o) {
           return Node::integer(int_at(o, {"status", "replicas"}));
         }},
        {"Ready", "integer", 0,
         [](const Node& o) {
           return Node::integer(int_at(o, {"status", "readyReplicas"}));
         }},
        age_column,
        {"Containers", "string", 1, [](const Node& o) { return str(join(containers(o), "name")); }},
        {"Images", "string", 1, [](const Node& o) { return str(join(containers(o), "image")); }},
        {"Selector", "string", 1, [](const Node& o) {
           return str(selector_text(o.at_path({"spec", "selector"})));
         }}};
  if (k == "Service")
    return {name,
            {"Type", "string", 0,
             [](const Node& o) {
               return str(o.string_at({"spec", "type"}));
             }},
            {"Cluster-IP", "string", 0,
             [](const Node& o) {
               return str(or_none(o.string_at({"spec", "clusterIP"})));
             }},
            {"External-IP", "string", 0,
             [](const Node& o) {
               const Node* ingress = o.at_path({"status", "loadBalancer", "ingress"});
               if (ingress && ingress->size() > 0) return str(join(*ingress, "ip"));
               return str(o.string_at({"spec", "type"}) == "LoadBalancer" ? "<pending>" : "<none>");
             }},
            {"Port(s)", "string", 0, [](const Node& o) { return str(ports_text(o)); }},
            age_column,
            {"Selector", "string", 1, [](const Node& o) {
               return str(selector_text(o.at_path({"spec", "selector"})));
             }}};
  if (k == "StatefulSet")
    return {
        name,
        {"Ready", "string", 0,
         [](const Node& o) {
           return str(std::to_string(int_at(o, {"status", "readyReplicas"})) + "/" +
                      std::to_string(int_at(o, {"spec", "replicas"})));
         }},
        age_column,
        {"Containers", "string", 1, [](const Node& o) { return str(join(containers(o), "name")); }},
        {"Images", "string", 1, [](const Node& o) { return str(join(containers(o), "image")); }}};
  if (k == "DaemonSet") {
    auto count = [](std::string_view field) {
      return [field](const Node& o) { return Node::integer(int_at(o, {"status", field})); };
    };
    return {
        name,
        {"Desired", "integer", 0, count("desiredNumberScheduled")},
        {"Current", "integer", 0, count("currentNumberScheduled")},
        {"Ready", "integer", 0, count("numberReady")},
        {"Up-to-date", "integer", 0, count("updatedNumberScheduled")},
        {"Available", "integer", 0, count("numberAvailable")},
        {"Node Selector", "string", 0,
         [](const Node& o) {
           return str(selector_text(o.at_path({"spec", "template", "spec", "nodeSelector"})));
         }},
        age_column,
        {"Containers", "string", 1, [](const Node& o) { return str(join(containers(o), "name")); }},
        {"Images", "string", 1, [](const Node& o) { return str(join(containers(o), "image")); }}};
  }
  if (k == "Job")
    return {name,
            {"Status", "string", 0,
             [](const Node& o) {
               const Node* conditions = o.at_path({"status", "conditions"});
               if (conditions) {
                 for (const Node& c : conditions->items()) {
                   if (c.string_at({"status"}) != "True") continue;
                   if (c.string_at({"type"}) == "Complete") return str("Complete");
                   if (c.string_at({"type"}) == "Failed") return str("Failed");
                 }
               }
               return str("Running");
             }},
            {"Completions", "string", 0,
             [](const Node& o) {
               const Node* completions = o.at_path({"spec", "completions"});
               return str(std::to_string(int_at(o, {"status", "succeeded"})) + "/" +
                          std::to_string(completions ? completions->as_int() : 1));
             }},
            age_column};
  if (k == "Node")
    return {name,
            {"Status", "string", 0, [](const Node&) { return str("Ready"); }},
            {"Roles", "string", 0, [](const Node&) { return str("control-plane"); }},
            age_column,
            {"Version", "string", 0, [](const Node&) { return str("v1.32.0"); }}};
  if (k == "ServiceAccount")
    return {name,
            {"Secrets", "integer", 0,
             [](const Node& o) {
               auto s = o.find("secrets");
               return Node::integer(s ? static_cast<int64_t>(s->size()) : 0);
             }},
            age_column};
  if (k == "PersistentVolumeClaim")
    return {name,
            {"Status", "string", 0,
             [](const Node& o) {
               return str(o.string_at({"status", "phase"}));
             }},
            {"Volume", "string", 0,
             [](const Node& o) {
               return str(o.string_at({"spec", "volumeName"}));
             }},
            {"Capacity", "string", 0,
             [](const Node& o) {
               return str(o.string_at({"status", "capacity", "storage"}));
             }},
            {"Access Modes", "string", 0,
             [](const Node& o) {
               std::string out;
               if (const Node* modes = o.at_path({"status", "accessModes"})) {
                 for (const Node& m : modes->items()) {
                   std::string_view mode = m.as_string();
                   if (!out.empty()) out += ',';
                   out += mode == "ReadWriteOnce"   ? "RWO"
                          : mode == "ReadOnlyMany"  ? "ROX"
                          : mode == "ReadWriteMany" ? "RWX"
                                                    : "RWOP";
                 }
               }
               return str(out);
             }},
            {"StorageClass", "string", 0,
             [](const Node& o) {
               return str(or_none(o.string_at({"spec", "storageClassName"})));
             }},
            age_column};
  if (k == "CustomResourceDefinition")
    return {name, {"Created At", "date", 0, [](const Node& o) {
                     return str(o.string_at({"metadata", "creationTimestamp"}));
                   }}};
  return {name, age_column};
}

}  // namespace

bool wants_table(std::string_view accept) {
  return accept.find("as=Table") != std::string_view::npos &&
         accept.find("g=meta.k8s.io") != std::string_view::npos;
}

int64_t seconds_since(std::string_view timestamp) {
  std::optional<SystemTime> then = parse_rfc3339(timestamp);
  if (!then) return -1;
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() - *then).count();
}

Node to_table(const ResourceInfo& resource, const std::vector<Node>& objects, uint64_t rv,
              const std::string& continue_token, const net::HttpRequest& request) {
  std::vector<Column> columns = columns_for(resource);
  Node table = Node::map();
  table.set("kind", Node::string("Table"));
  table.set("apiVersion", Node::string("meta.k8s.io/v1"));
  Node metadata = Node::map();
  metadata.set("resourceVersion", Node::string(std::to_string(rv)));
  if (!continue_token.empty()) metadata.set("continue", Node::string(continue_token));
  table.set("metadata", std::move(metadata));
  Node definitions = Node::list();
  for (const Column& c : columns) {
    Node d = Node::map();
    d.set("name", Node::string(c.name));
    d.set("type", Node::string(c.type));
    d.set("format", Node::string(c.name == "Name" ? "name" : ""));
    d.set("description", Node::string(""));
    d.set("priority", Node::integer(c.priority));
    definitions.push_back(std::move(d));
  }
  table.set("columnDefinitions", std::move(definitions));
  std::string_view include = request.param_or("includeObject", "Metadata");
  Node rows = Node::list(objects.size());
  for (const Node& object : objects) {
    Node row = Node::map();
    Node cells = Node::list(columns.size());
    for (const Column& c : columns)
      cells.push_back(c.cell(object));
    row.set("cells", std::move(cells));
    if (include == "Object") {
      row.set("object", object);
    } else if (include != "None") {
      Node partial = Node::map();
      partial.set("kind", Node::string("PartialObjectMetadata"));
      partial.set("apiVersion", Node::string("meta.k8s.io/v1"));
      partial.set("metadata", object.find("metadata") ? *object.find("metadata") : Node::map());
      row.set("object", std::move(partial));
    }
    rows.push_back(std::move(row));
  }
  table.set("rows", std::move(rows));
  return table;
}

}  // namespace plumb::localcluster
