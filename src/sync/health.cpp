#include "sync/health.hpp"

#include <array>
#include <optional>
#include <string>

#include "core/conditions.hpp"

namespace plumb::sync {
namespace {

int64_t int_at(const Node& object, std::initializer_list<std::string_view> path,
               int64_t fallback = 0) {
  const Node* n = object.at_path(path);
  return n && n->is_int() ? n->as_int() : fallback;
}

bool condition_is(const Node& object, std::string_view type, std::string_view status) {
  const Node* c = condition_of(object, type);
  return c && c->string_at({"status"}) == status;
}

HealthStatus current() {
  return {Health::current, ""};
}
HealthStatus progressing(std::string message) {
  return {Health::in_progress, std::move(message)};
}
HealthStatus failed(std::string message) {
  return {Health::failed, std::move(message)};
}

// nullopt when the controller has observed the latest generation.
std::optional<HealthStatus> generation_pending(const Node& o) {
  int64_t generation = int_at(o, {"metadata", "generation"});
  const Node* observed = o.at_path({"status", "observedGeneration"});
  if (observed && observed->is_int() && observed->as_int() < generation) {
    return progressing("waiting for the controller to observe generation " +
                       std::to_string(generation));
  }
  return std::nullopt;
}

std::string counts(int64_t have, int64_t want, std::string_view what) {
  return std::to_string(have) + "/" + std::to_string(want) + " " + std::string(what);
}

HealthStatus deployment(const Node& o) {
  if (auto pending = generation_pending(o)) return *pending;
  if (const Node* p = condition_of(o, "Progressing");
      p && p->string_at({"reason"}) == "ProgressDeadlineExceeded") {
    return failed("progress deadline exceeded: " + std::string(p->string_at({"message"})));
  }
  int64_t want = int_at(o, {"spec", "replicas"}, 1);
  int64_t updated = int_at(o, {"status", "updatedReplicas"});
  int64_t available = int_at(o, {"status", "availableReplicas"});
  int64_t total = int_at(o, {"status", "replicas"});
  if (updated < want) return progressing(counts(updated, want, "replicas updated"));
  if (total > updated)
    return progressing(counts(total - updated, total, "old replicas pending termination"));
  if (available < want) return progressing(counts(available, want, "replicas available"));
  return current();
}

HealthStatus statefulset(const Node& o) {
  if (auto pending = generation_pending(o)) return *pending;
  int64_t want = int_at(o, {"spec", "replicas"}, 1);
  int64_t ready = int_at(o, {"status", "readyReplicas"});
  if (ready < want) return progressing(counts(ready, want, "replicas ready"));
  std::string_view current_rev = o.string_at({"status", "currentRevision"});
  std::string_view update_rev = o.string_at({"status", "updateRevision"});
  if (!update_rev.empty() && current_rev != update_rev)
    return progressing("rolling update in progress");
  return current();
}

HealthStatus daemonset(const Node& o) {
  if (auto pending = generation_pending(o)) return *pending;
  int64_t want = int_at(o, {"status", "desiredNumberScheduled"});
  int64_t updated = int_at(o, {"status", "updatedNumberScheduled"});
  int64_t available = int_at(o, {"status", "numberAvailable"});
  if (updated < want) return progressing(counts(updated, want, "pods updated"));
  if (available < want) return progressing(counts(available, want, "pods available"));
  return current();
}

HealthStatus replicaset(const Node& o) {
  if (auto pending = generation_pending(o)) return *pending;
  int64_t want = int_at(o, {"spec", "replicas"}, 1);
  int64_t available = int_at(o, {"status", "availableReplicas"});
  if (available < want) return progressing(counts(available, want, "replicas available"));
  return current();
}

HealthStatus pod(const Node& o) {
  std::string_view phase = o.string_at({"status", "phase"});
  if (phase == "Succeeded") return current();
  if (phase == "Failed")
    return failed("pod failed: " + std::string(o.string_at({"status", "reason"})));
  if (const Node* statuses = o.at_path({"status", "containerStatuses"})) {
    for (const Node& s : statuses->items()) {
      std::string_view reason = s.string_at({"state", "waiting", "reason"});
      if (reason == "CrashLoopBackOff" || reason == "ImagePullBackOff" ||
          reason == "ErrImagePull") {
        return failed("container " + std::string(s.string_at({"name"})) + ": " +
                      std::string(reason));
      }
    }
  }
  if (condition_is(o, "Ready", "True")) return current();
  return progressing("pod is " + std::string(phase.empty() ? "Pending" : phase) + ", not ready");
}

HealthStatus job(const Node& o) {
  if (condition_is(o, "Failed", "True")) {
    return failed("job failed: " + std::string(condition_of(o, "Failed")->string_at({"message"})));
  }
  if (condition_is(o, "Complete", "True")) return current();
  return progressing("job has not completed");
}

HealthStatus pvc(const Node& o) {
  std::string_view phase = o.string_at({"status", "phase"});
  if (phase == "Bound") return current();
  if (phase == "Lost") return failed("volume claim lost its volume");
  return progressing("volume claim is " + std::string(phase.empty() ? "Pending" : phase));
}

HealthStatus service(const Node& o) {
  if (o.string_at({"spec", "type"}) != "LoadBalancer") return current();
  const Node* ingress = o.at_path({"status", "loadBalancer", "ingress"});
  if (ingress && !ingress->empty()) return current();
  return progressing("waiting for a load balancer address");
}

HealthStatus crd(const Node& o) {
  if (condition_is(o, "NamesAccepted", "False")) {
    return failed("names not accepted: " +
                  std::string(condition_of(o, "NamesAccepted")->string_at({"message"})));
  }
  if (condition_is(o, "Established", "True")) return current();
  return progressing("not established yet");
}

HealthStatus namespace_(const Node& o) {
  std::string_view phase = o.string_at({"status", "phase"});
  if (phase == "Terminating") return progressing("namespace is terminating");
  return current();
}

// Any other kind: Stalled means failed; Ready decides when present; otherwise current.
HealthStatus generic(const Node& o) {
  if (condition_is(o, "Stalled", "True")) {
    return failed(std::string(condition_of(o, "Stalled")->string_at({"message"})));
  }
  if (const Node* ready = condition_of(o, "Ready")) {
    if (auto pending = generation_pending(o)) return *pending;
    if (ready->string_at({"status"}) == "True") return current();
    return progressing(std::string(ready->string_at({"message"})));
  }
  if (auto pending = generation_pending(o)) return *pending;
  return current();
}

struct Rule {
  std::string_view group;
  std::string_view kind;
  HealthStatus (*judge)(const Node&);
};

constexpr std::array<Rule, 10> k_rules = {{
    {"apps", "Deployment", deployment},
    {"apps", "StatefulSet", statefulset},
    {"apps", "DaemonSet", daemonset},
    {"apps", "ReplicaSet", replicaset},
    {"", "Pod", pod},
    {"batch", "Job", job},
    {"", "PersistentVolumeClaim", pvc},
    {"", "Service", service},
    {"apiextensions.k8s.io", "CustomResourceDefinition", crd},
    {"", "Namespace", namespace_},
}};

}  // namespace

HealthStatus health_of(const Node& live) {
  std::string_view api_version = live.string_at({"apiVersion"});
  size_t slash = api_version.find('/');
  std::string_view group = slash == std::string_view::npos ? "" : api_version.substr(0, slash);
  std::string_view kind = live.string_at({"kind"});
  if (live.at_path({"metadata", "deletionTimestamp"})) return progressing("being deleted");
  for (const Rule& rule : k_rules) {
    if (rule.kind == kind && rule.group == group) return rule.judge(live);
  }
  return generic(live);
}

}  // namespace plumb::sync
