#include "sync/health.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace plumb::sync {
namespace {

struct Case {
  const char* name;
  const char* object;
  Health want;
  const char* message_part;
};

const Case k_cases[] = {
    {"deployment available",
     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":2},
         "spec":{"replicas":2},"status":{"observedGeneration":2,"replicas":2,
         "updatedReplicas":2,"availableReplicas":2}})",
     Health::current, ""},
    {"deployment generation not observed",
     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":3},
         "spec":{"replicas":1},"status":{"observedGeneration":2,"replicas":1,
         "updatedReplicas":1,"availableReplicas":1}})",
     Health::in_progress, "observe generation 3"},
    {"deployment replicas missing",
     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":1},
         "spec":{"replicas":3},"status":{"observedGeneration":1,"replicas":3,
         "updatedReplicas":3,"availableReplicas":1}})",
     Health::in_progress, "1/3 replicas available"},
    {"deployment deadline exceeded",
     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":1},
         "spec":{"replicas":1},"status":{"observedGeneration":1,"conditions":[
         {"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded",
          "message":"ReplicaSet \"web-1\" has timed out progressing."}]}})",
     Health::failed, "progress deadline exceeded"},
    {"deployment default one replica",
     R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"generation":1},
         "spec":{},"status":{"observedGeneration":1}})",
     Health::in_progress, "0/1"},
    {"statefulset ready",
     R"({"apiVersion":"apps/v1","kind":"StatefulSet","spec":{"replicas":1},
         "status":{"readyReplicas":1,"currentRevision":"a","updateRevision":"a"}})",
     Health::current, ""},
    {"daemonset rolling",
     R"({"apiVersion":"apps/v1","kind":"DaemonSet","status":{"desiredNumberScheduled":1,
         "updatedNumberScheduled":0,"numberAvailable":0}})",
     Health::in_progress, "0/1 pods updated"},
    {"pod crash loop",
     R"({"apiVersion":"v1","kind":"Pod","status":{"phase":"Running","containerStatuses":[
         {"name":"app","state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}})",
     Health::failed, "container app: CrashLoopBackOff"},
    {"pod ready",
     R"({"apiVersion":"v1","kind":"Pod","status":{"phase":"Running","conditions":[
         {"type":"Ready","status":"True"}]}})",
     Health::current, ""},
    {"job complete",
     R"({"apiVersion":"batch/v1","kind":"Job","status":{"conditions":[
         {"type":"Complete","status":"True"}]}})",
     Health::current, ""},
    {"job failed",
     R"({"apiVersion":"batch/v1","kind":"Job","status":{"conditions":[
         {"type":"Failed","status":"True","message":"BackoffLimitExceeded"}]}})",
     Health::failed, "BackoffLimitExceeded"},
    {"pvc pending",
     R"({"apiVersion":"v1","kind":"PersistentVolumeClaim","status":{"phase":"Pending"}})",
     Health::in_progress, "Pending"},
    {"clusterip service", R"({"apiVersion":"v1","kind":"Service","spec":{"type":"ClusterIP"}})",
     Health::current, ""},
    {"load balancer without address",
     R"({"apiVersion":"v1","kind":"Service","spec":{"type":"LoadBalancer"},"status":{}})",
     Health::in_progress, "load balancer"},
    {"crd established",
     R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "status":{"conditions":[{"type":"Established","status":"True"}]}})",
     Health::current, ""},
    {"namespace terminating",
     R"({"apiVersion":"v1","kind":"Namespace","status":{"phase":"Terminating"}})",
     Health::in_progress, "terminating"},
    {"custom ready false",
     R"({"apiVersion":"example.com/v1","kind":"Widget","status":{"conditions":[
         {"type":"Ready","status":"False","message":"still baking"}]}})",
     Health::in_progress, "still baking"},
    {"custom stalled",
     R"({"apiVersion":"example.com/v1","kind":"Widget","status":{"conditions":[
         {"type":"Stalled","status":"True","message":"bad spec"}]}})",
     Health::failed, "bad spec"},
    {"configmap", R"({"apiVersion":"v1","kind":"ConfigMap"})", Health::current, ""},
    {"being deleted",
     R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"deletionTimestamp":"2026-01-01T00:00:00Z"}})",
     Health::in_progress, "deleted"},
};

TEST(Health, TableOfKinds) {
  for (const Case& c : k_cases) {
    SCOPED_TRACE(c.name);
    HealthStatus h = health_of(parse_json(c.object).value());
    EXPECT_EQ(to_string(h.health), to_string(c.want));
    EXPECT_NE(h.message.find(c.message_part), std::string::npos) << h.message;
  }
}

}  // namespace
}  // namespace plumb::sync
