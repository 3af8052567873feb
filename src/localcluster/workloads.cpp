#include "localcluster/workloads.hpp"

#include <algorithm>
#include <atomic>

#include "core/json.hpp"
#include "core/time.hpp"
#include "localcluster/api_server.hpp"
#include "localcluster/objects.hpp"
#include "localcluster/tables.hpp"

namespace plumb::localcluster {
namespace {

using std::chrono::milliseconds;

const std::string k_controller = "kube-controller-manager";
const std::string k_kubelet = "kubelet";

ResourcePtr resource_of(WorkloadContext& c, std::string_view group, std::string_view plural) {
  return c.api.registry().find_any_version(group, plural);
}

std::string ns_of(const Node& o) {
  return std::string(o.string_at({"metadata", "namespace"}));
}
std::string name_of(const Node& o) {
  return std::string(o.string_at({"metadata", "name"}));
}
std::string uid_of(const Node& o) {
  return std::string(o.string_at({"metadata", "uid"}));
}
bool terminating(const Node& o) {
  return !o.string_at({"metadata", "deletionTimestamp"}).empty();
}

int64_t int_at(const Node& o, std::initializer_list<std::string_view> path, int64_t fallback) {
  const Node* n = o.at_path(path);
  return n && n->is_int() ? n->as_int() : fallback;
}

// Live objects of `storage` in `ns` controlled by the owner with `uid`, in name order. From
// the store's owner index: a Deployment among thousands looks at its own ReplicaSets only.
std::vector<Node> owned(WorkloadContext& c, const std::string& storage, const std::string& ns,
                        const std::string& uid) {
  std::vector<Node> out;
  for (auto& [resource, object] : c.api.store().dependents_of(uid)) {
    if (resource == storage && ns_of(object) == ns && !terminating(object))
      out.push_back(std::move(object));
  }
  return out;
}

Node owner_reference(const Node& owner) {
  Node ref = Node::map();
  ref.set("apiVersion", Node::string(owner.string_at({"apiVersion"})));
  ref.set("kind", Node::string(owner.string_at({"kind"})));
  ref.set("name", Node::string(owner.string_at({"metadata", "name"})));
  ref.set("uid", Node::string(owner.string_at({"metadata", "uid"})));
  ref.set("controller", Node::boolean(true));
  ref.set("blockOwnerDeletion", Node::boolean(true));
  Node refs = Node::list();
  refs.push_back(std::move(ref));
  return refs;
}

// Writes `status` through the status subresource unless it is already there.
void write_status(WorkloadContext& c, const ResourceInfo& resource, const Node& object, Node status,
                  const std::string& manager) {
  const Node* current = object.find("status");
  if (current && *current == status) return;
  Node next = object;
  next.set("status", std::move(status));
  WriteOptions options;
  options.subresource = "status";
  options.field_manager = manager;
  auto result = c.api.update(resource, ns_of(object), name_of(object), std::move(next), options);
  if (!result && result.error().code == 409)
    c.requeue(resource.storage_key(), ns_of(object), name_of(object), milliseconds(50));
}

// Sets a condition, keeping lastTransitionTime while the status stays, and lastUpdateTime
// while reason and message stay.
void set_condition(Node& status, std::string_view type, std::string_view value,
                   std::string_view reason, std::string_view message, bool update_time) {
  Node& conditions = status["conditions"];
  if (!conditions.is_list()) conditions = Node::list();
  std::string now = now_rfc3339();
  for (Node& c : conditions.items_mut()) {
    if (c.string_at({"type"}) != type) continue;
    bool same_status = c.string_at({"status"}) == value;
    bool same_text = c.string_at({"reason"}) == reason && c.string_at({"message"}) == message;
    if (!same_status) c.set("lastTransitionTime", Node::string(now));
    if (update_time && (!same_status || !same_text)) c.set("lastUpdateTime", Node::string(now));
    c.set("status", Node::string(value));
    c.set("reason", Node::string(reason));
    c.set("message", Node::string(message));
    return;
  }
  Node c = Node::map();
  c.set("type", Node::string(type));
  c.set("status", Node::string(value));
  if (update_time) c.set("lastUpdateTime", Node::string(now));
  c.set("lastTransitionTime", Node::string(now));
  c.set("reason", Node::string(reason));
  c.set("message", Node::string(message));
  conditions.push_back(std::move(c));
}

const Node* find_condition(const Node& object, std::string_view type) {
  const Node* conditions = object.at_path({"status", "conditions"});
  if (conditions == nullptr) return nullptr;
  for (const Node& c : conditions->items()) {
    if (c.string_at({"type"}) == type) return &c;
  }
  return nullptr;
}

bool pod_ready(const Node& pod) {
  const Node* ready = find_condition(pod, "Ready");
  return ready && ready->string_at({"status"}) == "True";
}

bool pod_failing(WorkloadContext& c, const Node& pod) {
  const Node* containers = pod.at_path({"spec", "containers"});
  if (containers == nullptr) return false;
  for (const Node& container : containers->items()) {
    std::string image(container.string_at({"image"}));
    if (std::regex_search(image, c.fail_images)) return true;
  }
  return false;
}

Node make_pod(const Node& owner, const Node& pod_template, const std::string& name) {
  Node pod = Node::map();
  pod.set("apiVersion", Node::string("v1"));
  pod.set("kind", Node::string("Pod"));
  Node metadata = pod_template.find("metadata") ? *pod_template.find("metadata") : Node::map();
  metadata.set("name", Node::string(name));
  metadata.set("namespace", Node::string(ns_of(owner)));
  metadata.set("ownerReferences", owner_reference(owner));
  pod.set("metadata", std::move(metadata));
  Node spec = pod_template.find("spec") ? *pod_template.find("spec") : Node::map();
  spec.set("nodeName", Node::string(k_node_name));
  if (!spec.find("restartPolicy")) spec.set("restartPolicy", Node::string("Always"));
  if (!spec.find("schedulerName")) spec.set("schedulerName", Node::string("default-scheduler"));
  pod.set("spec", std::move(spec));
  return pod;
}

void create_pod(WorkloadContext& c, Node pod) {
  ResourcePtr pods = resource_of(c, "", "pods");
  WriteOptions options;
  options.field_manager = k_controller;
  std::string ns = ns_of(pod);
  (void)c.api.create(*pods, ns, std::move(pod), options);
}

void delete_object(WorkloadContext& c, std::string_view group, std::string_view plural,
                   const Node& object) {
  ResourcePtr resource = resource_of(c, group, plural);
  (void)c.api.remove(*resource, ns_of(object), name_of(object), DeleteOptions{});
}

int64_t percent_or_int(const Node* value, int64_t total, bool round_up) {
  if (value == nullptr) return round_up ? (total * 25 + 99) / 100 : total * 25 / 100;
  if (value->is_int()) return value->as_int();
  std::string_view text = value->as_string();
  if (text.ends_with("%")) {
    int64_t pct = static_cast<int64_t>(parse_rv(text.substr(0, text.size() - 1)));
    return round_up ? (total * pct + 99) / 100 : total * pct / 100;
  }
  return static_cast<int64_t>(parse_rv(text));
}

std::atomic<uint32_t> g_pod_ip{2};

}  // namespace

// JSON with map keys sorted and empty values left out, so equal templates hash equally
// whatever order their keys came in (a replace, an undo or an apply from another client
// reorders them).
void append_canonical(const Node& value, std::string& out) {
  if (value.is_map()) {
    std::vector<const MapEntry*> entries;
    for (const MapEntry& e : value.entries()) {
      // Null and empty values are what typed clients add (`creationTimestamp: null`,
      // `resources: {}`): the same template either way.
      if (e.value.is_null() || (e.value.is_container() && e.value.empty())) continue;
      entries.push_back(&e);
    }
    std::sort(entries.begin(), entries.end(), [](const MapEntry* a, const MapEntry* b) {
      return a->key.as_string() < b->key.as_string();
    });
    out += '{';
    for (const MapEntry* e : entries) {
      append_json(e->key, out);
      out += ':';
      append_canonical(e->value, out);
      out += ',';
    }
    out += '}';
  } else if (value.is_list()) {
    out += '[';
    for (const Node& item : value.items()) {
      append_canonical(item, out);
      out += ',';
    }
    out += ']';
  } else {
    append_json(value, out);
  }
}

std::string template_hash(const Node& template_spec) {
  // FNV-1a of the template's canonical JSON, written with the alphabet Kubernetes uses.
  std::string text;
  append_canonical(template_spec, text);
  uint32_t hash = 2166136261u;
  for (unsigned char ch : text) {
    hash ^= ch;
    hash *= 16777619u;
  }
  static constexpr char k_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  uint64_t value = hash;
  do {
    out += k_alphabet[value % 27];
    value /= 27;
  } while (value != 0);
  return out;
}

void reconcile_pod(WorkloadContext& c, const Node& pod) {
  if (terminating(pod)) return;
  std::string_view phase = pod.string_at({"status", "phase"});
  if (phase == "Succeeded" || phase == "Failed") return;
  ResourcePtr pods = resource_of(c, "", "pods");
  const bool failing = pod_failing(c, pod);
  const bool job_pod = [&] {
    const Node* refs = pod.at_path({"metadata", "ownerReferences"});
    if (refs == nullptr) return false;
    for (const Node& ref : refs->items()) {
      if (ref.string_at({"kind"}) == "Job") return true;
    }
    return false;
  }();
  int64_t age_ms = seconds_since(pod.string_at({"metadata", "creationTimestamp"})) * 1000;
  Node status = pod.find("status") ? *pod.find("status") : Node::map();
  if (phase.empty()) {
    status.set("phase", Node::string("Pending"));
    status.set("qosClass", Node::string("BestEffort"));
    set_condition(status, "PodScheduled", "True", "", "", false);
    write_status(c, *pods, pod, std::move(status), k_kubelet);
    c.requeue("/pods", ns_of(pod), name_of(pod), c.options.pod_start_delay);
    return;
  }
  if (phase == "Pending" && age_ms < c.options.pod_start_delay.count()) {
    c.requeue("/pods", ns_of(pod), name_of(pod),
              milliseconds(c.options.pod_start_delay.count() - age_ms + 10));
    return;
  }
  if (phase == "Running" && (pod_ready(pod) || failing) && !job_pod) return;
  std::string now = now_rfc3339();
  if (status.string_at({"podIP"}).empty()) {
    uint32_t n = g_pod_ip++;
    status.set("podIP", Node::string("10.244." + std::to_string((n >> 8) & 255) + "." +
                                     std::to_string(n & 255)));
    status.set("hostIP", Node::string("172.18.0.2"));
    status.set("startTime", Node::string(now));
  }
  Node statuses = Node::list();
  const Node* containers = pod.at_path({"spec", "containers"});
  bool done = job_pod && !failing;
  if (containers) {
    for (const Node& container : containers->items()) {
      Node s = Node::map();
      s.set("name", Node::string(container.string_at({"name"})));
      s.set("image", Node::string(container.string_at({"image"})));
      s.set("imageID", Node::string(""));
      Node state = Node::map();
      Node detail = Node::map();
      if (failing) {
        detail.set("reason", Node::string("CrashLoopBackOff"));
        detail.set("message", Node::string("back-off restarting failed container " +
                                           std::string(container.string_at({"name"}))));
        state.set("waiting", std::move(detail));
      } else if (done) {
        detail.set("exitCode", Node::integer(0));
        detail.set("reason", Node::string("Completed"));
        detail.set("startedAt", Node::string(status.string_at({"startTime"})));
        detail.set("finishedAt", Node::string(now));
        state.set("terminated", std::move(detail));
      } else {
        detail.set("startedAt", Node::string(status.string_at({"startTime"})));
        state.set("running", std::move(detail));
      }
      s.set("state", std::move(state));
      s.set("ready", Node::boolean(!failing && !done));
      s.set("restartCount", Node::integer(failing ? 1 : 0));
      s.set("started", Node::boolean(!failing && !done));
      statuses.push_back(std::move(s));
    }
  }
  status.set("containerStatuses", std::move(statuses));
  status.set("phase", Node::string(failing ? "Running" : (done ? "Succeeded" : "Running")));
  set_condition(status, "Initialized", "True", "", "", false);
  if (failing) {
    set_condition(status, "Ready", "False", "ContainersNotReady", "containers with unready status",
                  false);
    set_condition(status, "ContainersReady", "False", "ContainersNotReady",
                  "containers with unready status", false);
  } else if (done) {
    set_condition(status, "Ready", "False", "PodCompleted", "", false);
    set_condition(status, "ContainersReady", "False", "PodCompleted", "", false);
  } else {
    set_condition(status, "Ready", "True", "", "", false);
    set_condition(status, "ContainersReady", "True", "", "", false);
  }
  write_status(c, *pods, pod, std::move(status), k_kubelet);
}

void reconcile_replicaset(WorkloadContext& c, const Node& rs) {
  if (terminating(rs)) return;
  ResourcePtr resource = resource_of(c, "apps", "replicasets");
  const std::string ns = ns_of(rs);
  std::vector<Node> pods = owned(c, "/pods", ns, uid_of(rs));
  int64_t desired = int_at(rs, {"spec", "replicas"}, 1);
  const Node* pod_template = rs.at_path({"spec", "template"});
  for (int64_t i = static_cast<int64_t>(pods.size()); i < desired && pod_template; ++i)
    create_pod(c, make_pod(rs, *pod_template, name_of(rs) + "-" + random_suffix(5)));
  for (size_t i = static_cast<size_t>(std::max<int64_t>(desired, 0)); i < pods.size(); ++i)
    delete_object(c, "", "pods", pods[i]);
  pods = owned(c, "/pods", ns, uid_of(rs));
  int64_t ready = std::count_if(pods.begin(), pods.end(), pod_ready);
  Node status = Node::map();
  status.set("replicas", Node::integer(static_cast<int64_t>(pods.size())));
  status.set("fullyLabeledReplicas", Node::integer(static_cast<int64_t>(pods.size())));
  status.set("readyReplicas", Node::integer(ready));
  status.set("availableReplicas", Node::integer(ready));
  status.set("observedGeneration", Node::integer(int_at(rs, {"metadata", "generation"}, 1)));
  write_status(c, *resource, rs, std::move(status), k_controller);
}

void reconcile_deployment(WorkloadContext& c, const Node& d) {
  if (terminating(d)) return;
  ResourcePtr deployments = resource_of(c, "apps", "deployments");
  ResourcePtr replicasets = resource_of(c, "apps", "replicasets");
  const std::string ns = ns_of(d);
  const Node* pod_template = d.at_path({"spec", "template"});
  if (pod_template == nullptr) return;
  const std::string hash = template_hash(*pod_template);
  const int64_t desired = int_at(d, {"spec", "replicas"}, 1);
  std::vector<Node> sets = owned(c, "apps/replicasets", ns, uid_of(d));
  const Node* current = nullptr;
  int64_t revision = 0;
  for (const Node& rs : sets) {
    revision = std::max<int64_t>(
        revision, static_cast<int64_t>(parse_rv(rs.string_at(
                      {"metadata", "annotations", "deployment.kubernetes.io/revision"}))));
    if (rs.string_at({"metadata", "labels", "pod-template-hash"}) == hash) current = &rs;
  }
  WriteOptions write;
  write.field_manager = k_controller;
  const std::string new_name = name_of(d) + "-" + hash;
  if (current == nullptr) {
    Node rs = Node::map();
    rs.set("apiVersion", Node::string("apps/v1"));
    rs.set("kind", Node::string("ReplicaSet"));
    Node metadata = Node::map();
    metadata.set("name", Node::string(new_name));
    metadata.set("namespace", Node::string(ns));
    Node labels = pod_template->at_path({"metadata", "labels"})
                      ? *pod_template->at_path({"metadata", "labels"})
                      : Node::map();
    labels.set("pod-template-hash", Node::string(hash));
    metadata.set("labels", labels);
    metadata["annotations"].set("deployment.kubernetes.io/revision",
                                Node::string(std::to_string(revision + 1)));
    metadata["annotations"].set("deployment.kubernetes.io/desired-replicas",
                                Node::string(std::to_string(desired)));
    metadata.set("ownerReferences", owner_reference(d));
    rs.set("metadata", std::move(metadata));
    Node spec = Node::map();
    spec.set("replicas", Node::integer(desired));
    Node selector =
        d.at_path({"spec", "selector"}) ? *d.at_path({"spec", "selector"}) : Node::map();
    selector["matchLabels"].set("pod-template-hash", Node::string(hash));
    spec.set("selector", std::move(selector));
    Node templ = *pod_template;
    templ["metadata"].set("labels", labels);
    spec.set("template", std::move(templ));
    rs.set("spec", std::move(spec));
    (void)c.api.create(*replicasets, ns, std::move(rs), write);
    c.requeue("apps/deployments", ns, name_of(d), milliseconds(50));
    return;
  }
  // The new ReplicaSet gets every replica; old ones go once it is fully available. A
  // ReplicaSet brought back (rollout undo) becomes the newest revision again.
  const int64_t current_revision = static_cast<int64_t>(parse_rv(
      current->string_at({"metadata", "annotations", "deployment.kubernetes.io/revision"})));
  if (int_at(*current, {"spec", "replicas"}, 1) != desired || current_revision < revision) {
    Node next = *current;
    next["spec"].set("replicas", Node::integer(desired));
    if (current_revision < revision)
      next["metadata"]["annotations"].set("deployment.kubernetes.io/revision",
                                          Node::string(std::to_string(revision + 1)));
    (void)c.api.update(*replicasets, ns, name_of(*current), std::move(next), write);
  }
  // The Deployment carries the revision it runs (kubectl rollout undo patches around it).
  const std::string running =
      std::to_string(current_revision < revision ? revision + 1 : current_revision);
  if (d.string_at({"metadata", "annotations", "deployment.kubernetes.io/revision"}) != running) {
    Node next = d;
    next["metadata"]["annotations"].set("deployment.kubernetes.io/revision", Node::string(running));
    (void)c.api.update(*deployments, ns, name_of(d), std::move(next), write);
    c.requeue("apps/deployments", ns, name_of(d), milliseconds(10));
    return;
  }
  const int64_t new_available = int_at(*current, {"status", "availableReplicas"}, 0);
  const bool new_complete =
      new_available >= desired && int_at(*current, {"status", "replicas"}, 0) == desired;
  int64_t total = 0, ready = 0, available = 0;
  for (const Node& rs : sets) {
    if (&rs != current && new_complete && int_at(rs, {"spec", "replicas"}, 1) != 0) {
      Node next = rs;
      next["spec"].set("replicas", Node::integer(0));
      (void)c.api.update(*replicasets, ns, name_of(rs), std::move(next), write);
    }
    total += int_at(rs, {"status", "replicas"}, 0);
    ready += int_at(rs, {"status", "readyReplicas"}, 0);
    available += int_at(rs, {"status", "availableReplicas"}, 0);
  }
  const int64_t updated = int_at(*current, {"status", "replicas"}, 0);
  Node status = d.find("status") ? *d.find("status") : Node::map();
  status.set("observedGeneration", Node::integer(int_at(d, {"metadata", "generation"}, 1)));
  status.set("replicas", Node::integer(total));
  status.set("updatedReplicas", Node::integer(updated));
  status.set("readyReplicas", Node::integer(ready));
  status.set("availableReplicas", Node::integer(available));
  if (total - available > 0) {
    status.set("unavailableReplicas", Node::integer(total - available));
  } else {
    status.erase("unavailableReplicas");
  }
  for (std::string_view key :
       {"replicas", "updatedReplicas", "readyReplicas", "availableReplicas"}) {
    if (status.find(key)->as_int() == 0) status.erase(key);
  }
  const int64_t max_unavailable = percent_or_int(
      d.at_path({"spec", "strategy", "rollingUpdate", "maxUnavailable"}), desired, false);
  if (available >= desired - max_unavailable) {
    set_condition(status, "Available", "True", "MinimumReplicasAvailable",
                  "Deployment has minimum availability.", true);
  } else {
    set_condition(status, "Available", "False", "MinimumReplicasUnavailable",
                  "Deployment does not have minimum availability.", true);
  }
  const std::string rs_text = "ReplicaSet \"" + name_of(*current) + "\"";
  const bool complete = new_complete && total == desired && available == desired;
  if (complete) {
    set_condition(status, "Progressing", "True", "NewReplicaSetAvailable",
                  rs_text + " has successfully progressed.", true);
  } else {
    const Node* progressing = find_condition(d, "Progressing");
    const int64_t deadline = int_at(d, {"spec", "progressDeadlineSeconds"}, 600);
    int64_t since = progressing ? seconds_since(progressing->string_at({"lastUpdateTime"})) : 0;
    bool exceeded = progressing && progressing->string_at({"reason"}) == "ProgressDeadlineExceeded";
    if (exceeded ||
        (progressing && progressing->string_at({"reason"}) != "NewReplicaSetAvailable" &&
         since >= deadline)) {
      set_condition(status, "Progressing", "False", "ProgressDeadlineExceeded",
                    rs_text + " has timed out progressing.", true);
    } else {
      set_condition(status, "Progressing", "True", "ReplicaSetUpdated",
                    rs_text + " is progressing.", true);
      c.requeue("apps/deployments", ns, name_of(d),
                milliseconds(std::max<int64_t>(deadline - since, 1) * 1000));
    }
  }
  write_status(c, *deployments, d, std::move(status), k_controller);
}

void reconcile_statefulset(WorkloadContext& c, const Node& sts) {
  if (terminating(sts)) return;
  ResourcePtr resource = resource_of(c, "apps", "statefulsets");
  const std::string ns = ns_of(sts);
  const int64_t desired = int_at(sts, {"spec", "replicas"}, 1);
  const Node* pod_template = sts.at_path({"spec", "template"});
  if (pod_template == nullptr) return;
  std::vector<Node> pods = owned(c, "/pods", ns, uid_of(sts));
  for (int64_t i = 0; i < desired; ++i) {
    std::string name = name_of(sts) + "-" + std::to_string(i);
    bool exists =
        std::any_of(pods.begin(), pods.end(), [&](auto& p) { return name_of(p) == name; });
    if (!exists) {
      Node pod = make_pod(sts, *pod_template, name);
      pod["spec"].set("hostname", Node::string(name));
      create_pod(c, std::move(pod));
    }
  }
  for (const Node& pod : pods) {
    std::string_view name = pod.string_at({"metadata", "name"});
    int64_t ordinal = static_cast<int64_t>(parse_rv(name.substr(name.rfind('-') + 1)));
    if (ordinal >= desired) delete_object(c, "", "pods", pod);
  }
  pods = owned(c, "/pods", ns, uid_of(sts));
  int64_t ready = std::count_if(pods.begin(), pods.end(), pod_ready);
  std::string revision = name_of(sts) + "-" + template_hash(*pod_template);
  Node status = Node::map();
  status.set("observedGeneration", Node::integer(int_at(sts, {"metadata", "generation"}, 1)));
  status.set("replicas", Node::integer(static_cast<int64_t>(pods.size())));
  status.set("readyReplicas", Node::integer(ready));
  status.set("currentReplicas", Node::integer(static_cast<int64_t>(pods.size())));
  status.set("updatedReplicas", Node::integer(static_cast<int64_t>(pods.size())));
  status.set("availableReplicas", Node::integer(ready));
  status.set("currentRevision", Node::string(revision));
  status.set("updateRevision", Node::string(revision));
  status.set("collisionCount", Node::integer(0));
  write_status(c, *resource, sts, std::move(status), k_controller);
}

void reconcile_daemonset(WorkloadContext& c, const Node& ds) {
  if (terminating(ds)) return;
  ResourcePtr resource = resource_of(c, "apps", "daemonsets");
  const std::string ns = ns_of(ds);
  const Node* pod_template = ds.at_path({"spec", "template"});
  if (pod_template == nullptr) return;
  std::vector<Node> pods = owned(c, "/pods", ns, uid_of(ds));
  if (pods.empty())
    create_pod(c, make_pod(ds, *pod_template, name_of(ds) + "-" + random_suffix(5)));
  pods = owned(c, "/pods", ns, uid_of(ds));
  int64_t ready = std::count_if(pods.begin(), pods.end(), pod_ready);
  Node status = Node::map();
  status.set("currentNumberScheduled", Node::integer(static_cast<int64_t>(pods.size())));
  status.set("desiredNumberScheduled", Node::integer(1));
  status.set("numberMisscheduled", Node::integer(0));
  status.set("numberReady", Node::integer(ready));
  status.set("numberAvailable", Node::integer(ready));
  if (ready < 1) status.set("numberUnavailable", Node::integer(1));
  status.set("updatedNumberScheduled", Node::integer(static_cast<int64_t>(pods.size())));
  status.set("observedGeneration", Node::integer(int_at(ds, {"metadata", "generation"}, 1)));
  write_status(c, *resource, ds, std::move(status), k_controller);
}

void reconcile_job(WorkloadContext& c, const Node& job) {
  if (terminating(job)) return;
  if (find_condition(job, "Complete") || find_condition(job, "Failed")) return;
  ResourcePtr resource = resource_of(c, "batch", "jobs");
  const std::string ns = ns_of(job);
  const Node* pod_template = job.at_path({"spec", "template"});
  if (pod_template == nullptr) return;
  std::vector<Node> pods = owned(c, "/pods", ns, uid_of(job));
  if (pods.empty()) {
    Node pod = make_pod(job, *pod_template, name_of(job) + "-" + random_suffix(5));
    pod["metadata"]["labels"].set("job-name", Node::string(name_of(job)));
    create_pod(c, std::move(pod));
    pods = owned(c, "/pods", ns, uid_of(job));
  }
  Node status = job.find("status") ? *job.find("status") : Node::map();
  if (!status.find("startTime")) status.set("startTime", Node::string(now_rfc3339()));
  int64_t succeeded = 0, failed = 0, active = 0;
  for (const Node& pod : pods) {
    std::string_view phase = pod.string_at({"status", "phase"});
    if (phase == "Succeeded")
      ++succeeded;
    else if (phase == "Failed" || pod_failing(c, pod))
      ++failed;
    else
      ++active;
  }
  status.set("active", Node::integer(active));
  if (succeeded > 0) {
    status.erase("active");
    status.set("succeeded", Node::integer(succeeded));
    status.set("completionTime", Node::string(now_rfc3339()));
    set_condition(status, "SuccessCriteriaMet", "True", "CompletionsReached",
                  "Reached expected number of succeeded pods", false);
    set_condition(status, "Complete", "True", "CompletionsReached",
                  "Reached expected number of succeeded pods", false);
  } else if (failed > 0) {
    status.erase("active");
    status.set("failed", Node::integer(failed));
    set_condition(status, "FailureTarget", "True", "BackoffLimitExceeded",
                  "Job has reached the specified backoff limit", false);
    set_condition(status, "Failed", "True", "BackoffLimitExceeded",
                  "Job has reached the specified backoff limit", false);
  }
  status.set("ready", Node::integer(0));
  write_status(c, *resource, job, std::move(status), k_controller);
}

void reconcile_service(WorkloadContext& c, const Node& service) {
  if (service.string_at({"spec", "type"}) != "LoadBalancer") return;
  const Node* ingress = service.at_path({"status", "loadBalancer", "ingress"});
  if (ingress && !ingress->empty()) return;
  std::string ip = std::string(service.string_at({"spec", "clusterIP"}));
  ip = "172.18.255." + ip.substr(ip.rfind('.') + 1);
  Node entry = Node::map();
  entry.set("ip", Node::string(ip));
  entry.set("ipMode", Node::string("VIP"));
  Node list = Node::list();
  list.push_back(std::move(entry));
  Node status = service.find("status") ? *service.find("status") : Node::map();
  status["loadBalancer"].set("ingress", std::move(list));
  write_status(c, *resource_of(c, "", "services"), service, std::move(status), k_controller);
}

void reconcile_pvc(WorkloadContext& c, const Node& claim) {
  if (claim.string_at({"status", "phase"}) == "Bound" || terminating(claim)) return;
  Node status = Node::map();
  status.set("phase", Node::string("Bound"));
  if (const Node* modes = claim.at_path({"spec", "accessModes"})) status.set("accessModes", *modes);
  if (const Node* size = claim.at_path({"spec", "resources", "requests", "storage"}))
    status["capacity"].set("storage", *size);
  write_status(c, *resource_of(c, "", "persistentvolumeclaims"), claim, std::move(status),
               k_controller);
}

}  // namespace plumb::localcluster
