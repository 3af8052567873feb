#include "argo/health.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/strings.hpp"
#include "gotemplate/strconv.hpp"

namespace plumb::argo {
namespace {

constexpr std::array<std::pair<HealthStatus, std::string_view>, 6> k_status_names{{
    {HealthStatus::healthy, "Healthy"},
    {HealthStatus::progressing, "Progressing"},
    {HealthStatus::degraded, "Degraded"},
    {HealthStatus::suspended, "Suspended"},
    {HealthStatus::missing, "Missing"},
    {HealthStatus::unknown, "Unknown"},
}};

// Most healthy first: gitops-engine's healthOrder.
constexpr std::array<HealthStatus, 6> k_health_order{
    HealthStatus::healthy, HealthStatus::suspended, HealthStatus::progressing,
    HealthStatus::missing, HealthStatus::degraded,  HealthStatus::unknown};

constexpr std::string_view k_hook_annotation = "argocd.argoproj.io/hook";
constexpr std::string_view k_helm_hook_annotation = "helm.sh/hook";
constexpr std::string_view k_hook_finalizer = "argocd.argoproj.io/hook-finalizer";
constexpr std::string_view k_ignore_restart_policy = "argocd.argoproj.io/ignore-restart-policy";
constexpr std::string_view k_hpa_conditions = "autoscaling.alpha.kubernetes.io/conditions";

Health make(HealthStatus status, std::string message = {}) {
  return {status, std::move(message)};
}

// Fields as a typed Go struct reads them: absent, null or of another type is the zero value.
int64_t int_at(const Node& o, std::initializer_list<std::string_view> path) {
  const Node* n = o.at_path(path);
  return n && n->is_int() ? n->as_int() : 0;
}
// A pointer field (*int32): nullopt when absent or null.
std::optional<int64_t> optional_int_at(const Node& o,
                                       std::initializer_list<std::string_view> path) {
  const Node* n = o.at_path(path);
  if (n && n->is_int()) return n->as_int();
  return std::nullopt;
}
// A pointer to a struct: set when present and not null.
bool present(const Node* n) {
  return n != nullptr && !n->is_null();
}
std::string_view annotation(const Node& o, std::string_view key) {
  const Node* annotations = o.at_path({"metadata", "annotations"});
  const Node* value = annotations ? annotations->find(key) : nullptr;
  return value ? value->as_string() : std::string_view();
}
bool has_annotation(const Node& o, std::string_view key) {
  const Node* annotations = o.at_path({"metadata", "annotations"});
  return annotations && annotations->find(key) != nullptr;
}
std::span<const Node> list_at(const Node& o, std::initializer_list<std::string_view> path) {
  const Node* n = o.at_path(path);
  return n && n->is_list() ? n->items() : std::span<const Node>();
}
// The first condition of that type (Go's loops over status.conditions), or null.
const Node* first_condition(const Node& o, std::string_view type) {
  for (const Node& c : list_at(o, {"status", "conditions"})) {
    if (c.string_at({"type"}) == type) return &c;
  }
  return nullptr;
}
std::string str(std::string_view s) {
  return std::string(s);
}
std::string num(int64_t n) {
  return std::to_string(n);
}

// gitops-engine's resource.GetAnnotationCSVs: comma-separated, trimmed, empty and repeated
// values dropped.
std::vector<std::string_view> annotation_csv(const Node& o, std::string_view key) {
  std::vector<std::string_view> out;
  std::string_view text = annotation(o, key);
  while (true) {
    size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    if (!item.empty() && std::ranges::find(out, item) == out.end()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// gitops-engine's hook.Skip: Skip is the only hook type the object's Argo annotation names
// (without a valid Argo type, Argo reads Helm's, which never say Skip).
bool skip_hook(const Node& o) {
  constexpr std::array<std::string_view, 5> k_types{"PreSync", "Sync", "PostSync", "SyncFail",
                                                    "Skip"};
  std::vector<std::string_view> types;
  for (std::string_view t : annotation_csv(o, k_hook_annotation)) {
    if (std::ranges::find(k_types, t) != k_types.end()) types.push_back(t);
  }
  return types.size() == 1 && types[0] == "Skip";
}

bool has_hook_finalizer(const Node& o) {
  for (const Node& f : list_at(o, {"metadata", "finalizers"})) {
    if (f.as_string() == k_hook_finalizer) return true;
  }
  return false;
}

// --- the built-in checks (gitops-engine pkg/health/health_*.go) ---

Health deployment(const Node& o) {
  if (const Node* paused = o.at_path({"spec", "paused"}); paused && paused->as_bool())
    return make(HealthStatus::suspended, "Deployment is paused");
  if (generation_of(o) > int_at(o, {"status", "observedGeneration"})) {
    return make(HealthStatus::progressing,
                "Waiting for rollout to finish: observed deployment generation less than desired "
                "generation");
  }
  const Node* progressing = first_condition(o, "Progressing");
  std::optional<int64_t> replicas = optional_int_at(o, {"spec", "replicas"});
  int64_t updated = int_at(o, {"status", "updatedReplicas"});
  int64_t total = int_at(o, {"status", "replicas"});
  int64_t available = int_at(o, {"status", "availableReplicas"});
  if (progressing && progressing->string_at({"reason"}) == "ProgressDeadlineExceeded") {
    return make(HealthStatus::degraded, "Deployment " +
                                            gotemplate::quote(o.string_at({"metadata", "name"})) +
                                            " exceeded its progress deadline");
  }
  if (replicas && updated < *replicas) {
    return make(HealthStatus::progressing, "Waiting for rollout to finish: " + num(updated) +
                                               " out of " + num(*replicas) +
                                               " new replicas have been updated...");
  }
  if (total > updated) {
    return make(HealthStatus::progressing,
                "Waiting for rollout to finish: " + num(total - updated) +
                    " old replicas are pending termination...");
  }
  if (available < updated) {
    return make(HealthStatus::progressing, "Waiting for rollout to finish: " + num(available) +
                                               " of " + num(updated) +
                                               " updated replicas are available...");
  }
  return make(HealthStatus::healthy);
}

Health statefulset(const Node& o) {
  int64_t observed = int_at(o, {"status", "observedGeneration"});
  if (observed == 0 || generation_of(o) > observed)
    return make(HealthStatus::progressing, "Waiting for statefulset spec update to be observed...");
  std::optional<int64_t> replicas = optional_int_at(o, {"spec", "replicas"});
  int64_t ready = int_at(o, {"status", "readyReplicas"});
  int64_t updated = int_at(o, {"status", "updatedReplicas"});
  if (replicas && ready < *replicas)
    return make(HealthStatus::progressing,
                "Waiting for " + num(*replicas - ready) + " pods to be ready...");
  std::string_view strategy = o.string_at({"spec", "updateStrategy", "type"});
  if (strategy == "RollingUpdate" &&
      present(o.at_path({"spec", "updateStrategy", "rollingUpdate"}))) {
    std::optional<int64_t> partition =
        optional_int_at(o, {"spec", "updateStrategy", "rollingUpdate", "partition"});
    if (replicas && partition && updated < *replicas - *partition) {
      return make(HealthStatus::progressing,
                  "Waiting for partitioned roll out to finish: " + num(updated) + " out of " +
                      num(*replicas - *partition) + " new pods have been updated...");
    }
    return make(HealthStatus::healthy, "partitioned roll out complete: " + num(updated) +
                                           " new pods have been updated...");
  }
  if (strategy == "OnDelete")
    return make(HealthStatus::healthy, "statefulset has " + num(ready) + " ready pods");
  std::string_view update_revision = o.string_at({"status", "updateRevision"});
  std::string_view current_revision = o.string_at({"status", "currentRevision"});
  if (update_revision != current_revision) {
    return make(HealthStatus::progressing, "waiting for statefulset rolling update to complete " +
                                               num(updated) + " pods at revision " +
                                               str(update_revision) + "...");
  }
  return make(HealthStatus::healthy, "statefulset rolling update complete " +
                                         num(int_at(o, {"status", "currentReplicas"})) +
                                         " pods at revision " + str(current_revision) + "...");
}

Health daemonset(const Node& o) {
  if (generation_of(o) > int_at(o, {"status", "observedGeneration"})) {
    return make(HealthStatus::progressing,
                "Waiting for rollout to finish: observed daemon set generation less than desired "
                "generation");
  }
  int64_t updated = int_at(o, {"status", "updatedNumberScheduled"});
  int64_t desired = int_at(o, {"status", "desiredNumberScheduled"});
  int64_t available = int_at(o, {"status", "numberAvailable"});
  if (o.string_at({"spec", "updateStrategy", "type"}) == "OnDelete") {
    return make(HealthStatus::healthy, "daemon set " + num(updated) + " out of " + num(desired) +
                                           " new pods have been updated");
  }
  std::string name = gotemplate::quote(o.string_at({"metadata", "name"}));
  if (updated < desired) {
    return make(HealthStatus::progressing, "Waiting for daemon set " + name +
                                               " rollout to finish: " + num(updated) + " out of " +
                                               num(desired) + " new pods have been updated...");
  }
  if (available < desired) {
    return make(HealthStatus::progressing, "Waiting for daemon set " + name +
                                               " rollout to finish: " + num(available) + " of " +
                                               num(desired) + " updated pods are available...");
  }
  return make(HealthStatus::healthy);
}

Health replicaset(const Node& o) {
  if (generation_of(o) > int_at(o, {"status", "observedGeneration"})) {
    return make(HealthStatus::progressing,
                "Waiting for rollout to finish: observed replica set generation less than desired "
                "generation");
  }
  const Node* failure = first_condition(o, "ReplicaFailure");
  if (failure && failure->string_at({"status"}) == "True")
    return make(HealthStatus::degraded, str(failure->string_at({"message"})));
  std::optional<int64_t> replicas = optional_int_at(o, {"spec", "replicas"});
  int64_t available = int_at(o, {"status", "availableReplicas"});
  if (replicas && available < *replicas) {
    return make(HealthStatus::progressing, "Waiting for rollout to finish: " + num(available) +
                                               " out of " + num(*replicas) +
                                               " new replicas are available...");
  }
  return make(HealthStatus::healthy);
}

Health service(const Node& o) {
  if (o.string_at({"spec", "type"}) != "LoadBalancer") return make(HealthStatus::healthy);
  return make(list_at(o, {"status", "loadBalancer", "ingress"}).empty() ? HealthStatus::progressing
                                                                        : HealthStatus::healthy);
}

Health ingress(const Node& o) {
  return make(list_at(o, {"status", "loadBalancer", "ingress"}).empty() ? HealthStatus::progressing
                                                                        : HealthStatus::healthy);
}

Health pvc(const Node& o) {
  std::string_view phase = o.string_at({"status", "phase"});
  if (phase == "Lost") return make(HealthStatus::degraded);
  if (phase == "Pending") return make(HealthStatus::progressing);
  if (phase == "Bound") return make(HealthStatus::healthy);
  return make(HealthStatus::unknown);
}

// Why a container failed, for a Failed pod: its termination message, OOMKilled, or its exit code.
std::string container_failure(const Node& status) {
  const Node* terminated = status.at_path({"state", "terminated"});
  if (!present(terminated)) return {};
  if (std::string_view message = terminated->string_at({"message"}); !message.empty())
    return str(message);
  if (terminated->string_at({"reason"}) == "OOMKilled") return "OOMKilled";
  if (int64_t code = int_at(*terminated, {"exitCode"}); code != 0) {
    return "container " + gotemplate::quote(status.string_at({"name"})) +
           " failed with exit code " + num(code);
  }
  return {};
}

// A waiting reason that means the container cannot start: Err*, *Error, *BackOff.
bool failing_reason(std::string_view reason) {
  return reason.starts_with("Err") || reason.ends_with("Error") || reason.ends_with("BackOff");
}

Health pod(const Node& o) {
  std::string_view policy = o.string_at({"spec", "restartPolicy"});
  // A pod that should keep running; the annotation makes a run-to-completion pod one, but never
  // a hook, whose completion is read from its health.
  const bool long_running =
      policy == "Always" || (annotation(o, k_ignore_restart_policy) == "true" && !is_hook(o));
  std::span<const Node> containers = list_at(o, {"status", "containerStatuses"});
  std::string message = str(o.string_at({"status", "message"}));
  if (long_running) {
    bool failing = false;
    std::string messages;
    for (const Node& c : containers) {
      const Node* waiting = c.at_path({"state", "waiting"});
      if (!present(waiting) || !failing_reason(waiting->string_at({"reason"}))) continue;
      if (failing) messages += ", ";
      messages += waiting->string_at({"message"});
      failing = true;
    }
    if (failing) return make(HealthStatus::degraded, std::move(messages));
  }
  std::string_view phase = o.string_at({"status", "phase"});
  if (phase == "Pending") return make(HealthStatus::progressing, std::move(message));
  if (phase == "Succeeded") return make(HealthStatus::healthy, std::move(message));
  if (phase == "Failed") {
    if (!message.empty()) return make(HealthStatus::degraded, std::move(message));
    for (const auto* statuses : {"initContainerStatuses", "containerStatuses"}) {
      for (const Node& c : list_at(o, {"status", statuses})) {
        if (std::string why = container_failure(c); !why.empty())
          return make(HealthStatus::degraded, std::move(why));
      }
    }
    return make(HealthStatus::degraded);
  }
  if (phase == "Running") {
    if (long_running) {
      const Node* ready = first_condition(o, "Ready");
      if (ready && ready->string_at({"status"}) == "True")
        return make(HealthStatus::healthy, std::move(message));
      for (const Node& c : containers) {
        if (present(c.at_path({"lastState", "terminated"})))
          return make(HealthStatus::degraded, std::move(message));
      }
      return make(HealthStatus::progressing, std::move(message));
    }
    // Run to completion (hooks, mostly): Progressing until Succeeded.
    if (policy == "OnFailure" || policy == "Never")
      return make(HealthStatus::progressing, std::move(message));
  }
  return make(HealthStatus::unknown, std::move(message));
}

Health job(const Node& o) {
  bool failed = false, complete = false, suspended = false;
  std::string fail_message, message;
  for (const Node& c : list_at(o, {"status", "conditions"})) {
    std::string_view type = c.string_at({"type"});
    if (type == "Failed") {
      failed = complete = true;
      fail_message = str(c.string_at({"message"}));
    } else if (type == "Complete") {
      complete = true;
      message = str(c.string_at({"message"}));
    } else if (type == "Suspended") {
      complete = true;
      message = str(c.string_at({"message"}));
      if (c.string_at({"status"}) == "True") suspended = true;
    }
  }
  if (!complete) return make(HealthStatus::progressing, std::move(message));
  if (failed) return make(HealthStatus::degraded, std::move(fail_message));
  if (suspended) return make(HealthStatus::suspended, std::move(message));
  return make(HealthStatus::healthy, std::move(message));
}

Health apiservice(const Node& o) {
  if (const Node* available = first_condition(o, "Available")) {
    std::string text =
        str(available->string_at({"reason"})) + ": " + str(available->string_at({"message"}));
    return make(available->string_at({"status"}) == "True" ? HealthStatus::healthy
                                                           : HealthStatus::progressing,
                std::move(text));
  }
  return make(HealthStatus::progressing, "Waiting to be processed");
}

Health workflow(const Node& o) {
  std::string_view phase = o.string_at({"status", "phase"});
  std::string message = str(o.string_at({"status", "message"}));
  if (phase.empty() || phase == "Pending" || phase == "Running")
    return make(HealthStatus::progressing, std::move(message));
  if (phase == "Succeeded") return make(HealthStatus::healthy, std::move(message));
  if (phase == "Failed" || phase == "Error")
    return make(HealthStatus::degraded, std::move(message));
  return make(HealthStatus::unknown, std::move(message));
}

// An HPA condition as gitops-engine compares them.
struct HpaCondition {
  std::string type, reason, message, status;
};

Health hpa_from(const std::vector<HpaCondition>& conditions) {
  // Conditions Argo reads as a failing autoscaler, whatever their status.
  constexpr std::array<std::pair<std::string_view, std::string_view>, 8> k_degraded{{
      {"AbleToScale", "FailedGetScale"},
      {"AbleToScale", "FailedUpdateScale"},
      {"ScalingActive", "FailedGetResourceMetric"},
      {"ScalingActive", "FailedGetObjectMetric"},
      {"ScalingActive", "FailedGetPodsMetric"},
      {"ScalingActive", "FailedGetExternalMetric"},
      {"ScalingActive", "FailedComputeMetricsReplicas"},
      {"ScalingActive", "InvalidSelector"},
  }};
  for (const HpaCondition& c : conditions) {
    if (std::ranges::find(k_degraded, std::pair<std::string_view, std::string_view>(
                                          c.type, c.reason)) != k_degraded.end())
      return make(HealthStatus::degraded, c.message);
  }
  for (const HpaCondition& c : conditions) {
    if ((c.type == "AbleToScale" || c.type == "ScalingLimited") && c.status == "True")
      return make(HealthStatus::healthy, c.message);
  }
  return make(HealthStatus::progressing, "Waiting to Autoscale");
}

std::string_view json_type(const Node& n) {
  if (n.is_map()) return "object";
  if (n.is_list()) return "array";
  if (n.is_string()) return "string";
  if (n.is_bool()) return "bool";
  return "number";
}

// autoscaling/v1 keeps the conditions as JSON in an annotation. Decoded as Go's encoding/json
// decodes them into gitops-engine's struct: keys match field names ignoring case, unknown keys
// and nulls are skipped, a value of another type is an error.
Result<std::vector<HpaCondition>> hpa_v1_conditions(std::string_view text) {
  Node list = TRY(parse_json(text, "conditions annotation"));
  std::vector<HpaCondition> out;
  if (list.is_null()) return out;
  if (!list.is_list()) {
    return fail("json: cannot unmarshal ", json_type(list),
                " into Go value of type []health.hpaCondition");
  }
  for (const Node& item : list.items()) {
    HpaCondition& c = out.emplace_back();
    if (item.is_null()) continue;
    if (!item.is_map()) {
      return fail("json: cannot unmarshal ", json_type(item),
                  " into Go value of type health.hpaCondition");
    }
    const std::array<std::pair<std::string_view, std::string*>, 4> fields{
        {{"Type", &c.type}, {"Reason", &c.reason}, {"Message", &c.message}, {"Status", &c.status}}};
    for (const MapEntry& e : item.entries()) {
      for (const auto& [field, target] : fields) {
        if (!equal_fold(e.key.as_string(), field) || e.value.is_null()) continue;
        if (!e.value.is_string()) {
          return fail("json: cannot unmarshal ", json_type(e.value),
                      " into Go struct field hpaCondition.", field, " of type string");
        }
        *target = str(e.value.as_string());
      }
    }
  }
  return out;
}

Result<Health> hpa(const Node& o, std::string_view version) {
  std::vector<HpaCondition> conditions;
  if (version == "v1") {
    if (!has_annotation(o, k_hpa_conditions)) return hpa_from({});
    auto parsed = hpa_v1_conditions(annotation(o, k_hpa_conditions));
    if (!parsed)
      return fail("failed to convert conditions annotation to typed: ", parsed.error().message());
    conditions = std::move(*parsed);
  } else {
    for (const Node& c : list_at(o, {"status", "conditions"})) {
      conditions.push_back({str(c.string_at({"type"})), str(c.string_at({"reason"})),
                            str(c.string_at({"message"})), str(c.string_at({"status"}))});
    }
  }
  return hpa_from(conditions);
}

// Policy as data: which kinds Argo has a check for, and the API versions its typed checks
// convert (any other version of the kind is an error Argo reports as Unknown).
struct BuiltIn {
  std::string_view group;
  std::string_view kind;
  std::array<std::string_view, 2> versions;  // {} = any version (checks on the raw object)
  std::string_view error_name;               // how "unsupported <name> GVK" names the kind
  Result<Health> (*check)(const Node& live, std::string_view version);
};

template <Health (*check)(const Node&)>
Result<Health> ignoring_version(const Node& live, std::string_view) {
  return check(live);
}

constexpr std::array<BuiltIn, 13> k_built_ins{{
    {"apps", "Deployment", {"v1"}, "Deployment", ignoring_version<deployment>},
    {"apps", "StatefulSet", {"v1"}, "StatefulSet", ignoring_version<statefulset>},
    {"apps", "ReplicaSet", {"v1"}, "ReplicaSet", ignoring_version<replicaset>},
    {"apps", "DaemonSet", {"v1"}, "DaemonSet", ignoring_version<daemonset>},
    {"extensions", "Ingress", {}, "", ignoring_version<ingress>},
    {"networking.k8s.io", "Ingress", {}, "", ignoring_version<ingress>},
    {"argoproj.io", "Workflow", {}, "", ignoring_version<workflow>},
    {"apiregistration.k8s.io",
     "APIService",
     {"v1", "v1beta1"},
     "APIService",
     ignoring_version<apiservice>},
    {"", "Service", {"v1"}, "Service", ignoring_version<service>},
    {"", "PersistentVolumeClaim", {"v1"}, "PersistentVolumeClaim", ignoring_version<pvc>},
    {"", "Pod", {"v1"}, "Pod", ignoring_version<pod>},
    {"batch", "Job", {"v1"}, "Job", ignoring_version<job>},
    {"autoscaling", "HorizontalPodAutoscaler", {"v1", "v2"}, "HPA", hpa},
}};

std::optional<Health> built_in_health(const Node& live) {
  ObjectRef ref = ObjectRef::of(live);
  for (const BuiltIn& b : k_built_ins) {
    if (b.group != ref.group || b.kind != ref.kind) continue;
    bool any = b.versions[0].empty();
    if (!any &&
        (ref.version.empty() || std::ranges::find(b.versions, ref.version) == b.versions.end())) {
      return make(HealthStatus::unknown, "unsupported " + str(b.error_name) + " GVK: " + ref.group +
                                             "/" + ref.version + ", Kind=" + ref.kind);
    }
    Result<Health> health = b.check(live, ref.version);
    if (!health) return make(HealthStatus::unknown, health.error().message());
    return std::move(*health);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(HealthStatus status) {
  for (const auto& [s, name] : k_status_names) {
    if (s == status) return name;
  }
  return "Unknown";
}

std::optional<HealthStatus> parse_health_status(std::string_view text) {
  for (const auto& [s, name] : k_status_names) {
    if (name == text) return s;
  }
  return std::nullopt;
}

bool is_worse(HealthStatus current, HealthStatus candidate) {
  auto rank = [](HealthStatus s) {
    return std::ranges::find(k_health_order, s) - k_health_order.begin();
  };
  return rank(candidate) > rank(current);
}

bool is_hook(const Node& object) {
  if (has_annotation(object, k_hook_annotation)) return !skip_hook(object);
  return has_annotation(object, k_helm_hook_annotation) &&
         annotation(object, k_helm_hook_annotation) != "crd-install";
}

std::optional<Health> assess_health(const Node& live) {
  return assess_health(live, HealthOverride());
}

std::optional<Health> assess_health(const Node& live, const HealthOverride& override) {
  if (!live.string_at({"metadata", "deletionTimestamp"}).empty() && !has_hook_finalizer(live))
    return make(HealthStatus::progressing, "Pending deletion");
  if (override) {
    Result<std::optional<Health>> custom = override(live);
    if (!custom) return make(HealthStatus::unknown, custom.error().message());
    if (*custom) return std::move(**custom);
  }
  return built_in_health(live);
}

Health aggregate_app_health(std::span<const ResourceHealth> resources) {
  constexpr size_t k_causes_shown = 3;
  HealthStatus worst = HealthStatus::healthy;
  std::vector<const ObjectRef*> causes;
  bool counted = false, live = false;
  for (const ResourceHealth& r : resources) {
    if (r.hook) continue;
    counted = true;
    if (r.missing) continue;  // OutOfSync already says so
    live = true;
    if (!r.health) continue;
    HealthStatus status = r.health->status;
    bool child_app = r.ref.group == "argoproj.io" && r.ref.kind == "Application";
    if (child_app && (status == HealthStatus::missing || status == HealthStatus::unknown)) continue;
    if (is_worse(worst, status)) {
      worst = status;
      causes = {&r.ref};
    } else if (status == worst && worst != HealthStatus::healthy) {
      causes.push_back(&r.ref);
    }
  }
  if (counted && !live && is_worse(worst, HealthStatus::missing))
    return make(HealthStatus::missing);
  if (causes.empty()) return make(worst);
  std::string message = "Caused by ";
  for (size_t i = 0; i < causes.size() && i < k_causes_shown; ++i) {
    const ObjectRef& c = *causes[i];
    if (i > 0) message += ", ";
    message += c.group.empty() ? c.kind : c.group + "/" + c.kind;
    message += ":";
    message += c.namespace_.empty() ? c.name : c.namespace_ + "/" + c.name;
  }
  if (causes.size() > k_causes_shown)
    message += " and " + num(static_cast<int64_t>(causes.size() - k_causes_shown)) + " more";
  return make(worst, std::move(message));
}

HealthStatus aggregate_health(std::span<const ResourceHealth> resources) {
  return aggregate_app_health(resources).status;
}

Result<std::optional<Health>> restored_application_health(const Node& live) {
  ObjectRef ref = ObjectRef::of(live);
  if (ref.group != "argoproj.io" || ref.kind != "Application") return std::nullopt;
  const Node* health = live.at_path({"status", "health"});
  if (!health || !health->is_map()) return make(HealthStatus::progressing);
  std::optional<HealthStatus> status = parse_health_status(health->string_at({"status"}));
  if (!status) return make(HealthStatus::unknown, "Lua returned an invalid health status");
  return make(*status, str(health->string_at({"message"})));
}

}  // namespace plumb::argo
