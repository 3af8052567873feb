#include "argo/health.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <ostream>
#include <regex>
#include <sstream>
#include <vector>

#include "core/yaml.hpp"
#include "localcluster/api_fixture.hpp"
#include "localcluster/controllers.hpp"
#include "localcluster/workloads.hpp"

namespace plumb::argo {

void PrintTo(const Health& health, std::ostream* out) {
  *out << to_string(health.status) << " \"" << health.message << "\"";
}

namespace {

using enum HealthStatus;

Health h(HealthStatus status, std::string message = "") {
  return {status, std::move(message)};
}

Node object(std::string_view yaml) {
  return parse_yaml(yaml, "test").value();
}

Node fixture(std::string_view name) {
  std::string path =
      std::string(PLUMB_SOURCE_DIR) + "/tests/argo/testdata/health/" + std::string(name);
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  return parse_yaml(text.str(), path).value();
}

// --- gitops-engine's pkg/health/testdata, re-typed under tests/argo/testdata/health ---

struct FixtureCase {
  std::string_view file;
  std::optional<Health> want;
};

const FixtureCase k_fixtures[] = {
    {"deployment-healthy.yaml", h(healthy)},
    {"deployment-progressing.yaml",
     h(progressing, "Waiting for rollout to finish: 1 old replicas are pending termination...")},
    {"deployment-suspended.yaml", h(suspended, "Deployment is paused")},
    {"deployment-degraded.yaml",
     h(degraded, "Deployment \"guestbook-ui\" exceeded its progress deadline")},
    {"statefulset-ondelete.yaml", h(healthy, "statefulset has 1 ready pods")},
    {"daemonset-ondelete.yaml", h(healthy, "daemon set 0 out of 1 new pods have been updated")},
    {"pvc-bound.yaml", h(healthy)},
    {"pvc-pending.yaml", h(progressing)},
    {"svc-clusterip.yaml", h(healthy)},
    {"svc-loadbalancer.yaml", h(healthy)},
    {"svc-loadbalancer-unassigned.yaml", h(progressing)},
    {"svc-loadbalancer-nonemptylist.yaml", h(healthy)},
    {"ingress.yaml", h(healthy)},
    {"ingress-unassigned.yaml", h(progressing)},
    {"ingress-nonemptylist.yaml", h(healthy)},
    {"knative-service.yaml", std::nullopt},
    {"job-running.yaml", h(progressing)},
    {"job-failed.yaml", h(degraded, "Job has reached the specified backoff limit")},
    {"job-succeeded.yaml", h(healthy)},
    {"job-suspended.yaml", h(suspended, "Job suspended")},
    {"hpa-v2-healthy.yaml", h(healthy, "recommended size matches current size")},
    {"hpa-v2-degraded.yaml", h(degraded,
                               "the HPA controller was unable to get the target's current scale: "
                               "deployments/scale.apps \"sandbox-test-app-8\" not found")},
    {"hpa-v2-progressing.yaml", h(progressing, "Waiting to Autoscale")},
    {"hpa-v2beta2-healthy.yaml",
     h(unknown, "unsupported HPA GVK: autoscaling/v2beta2, Kind=HorizontalPodAutoscaler")},
    {"hpa-v1-degraded.yaml",
     h(degraded, "the HPA controller was unable to get the target's current scale")},
    {"hpa-v1-degraded-failedgetobjectmetric.yaml",
     h(degraded,
       "the HPA was unable to compute the replica count: unable to get metric "
       "tomcat_sessions_active_current_sessions: Service on namespace sample-service/unable to "
       "fetch metrics from custom metrics API: the server could not find the metric "
       "tomcat_sessions_active_current_sessions for services")},
    {"hpa-v1-healthy.yaml",
     h(healthy,
       "recent recommendations were higher than current one, applying the highest recent "
       "recommendation")},
    {"hpa-v1-healthy-toofew.yaml", h(healthy, "recommended size matches current size")},
    {"hpa-v1-progressing.yaml", h(progressing, "Waiting to Autoscale")},
    {"hpa-v1-progressing-with-no-annotations.yaml", h(progressing, "Waiting to Autoscale")},
    {"pod-pending.yaml", h(progressing)},
    {"pod-running-not-ready.yaml", h(progressing)},
    {"pod-crashloop.yaml", h(degraded,
                             "Back-off 40s restarting failed container=main "
                             "pod=my-pod_argocd(63674389-f613-11e8-a057-fe5f49266390)")},
    {"pod-imagepullbackoff.yaml",
     h(degraded, "Back-off pulling image \"gcr.io/heptio-images/ks-guestbook-demo:0.3\"")},
    {"pod-error.yaml", h(degraded)},
    {"pod-running-restart-always.yaml", h(healthy)},
    {"pod-running-restart-never.yaml", h(progressing)},
    {"pod-running-restart-onfailure.yaml", h(progressing)},
    {"pod-failed.yaml", h(degraded, "container \"main\" failed with exit code 1")},
    {"pod-succeeded.yaml", h(healthy)},
    {"pod-deletion.yaml", h(progressing, "Pending deletion")},
    {"pod-running-restart-never-with-ignore-annotation.yaml", h(healthy)},
    {"pod-running-restart-never-hook-with-ignore-annotation.yaml", h(progressing)},
    {"pod-running-restart-never-with-ignore-annotation-backoff.yaml",
     h(degraded, "Back-off pulling image \"alpine:3.21\"")},
    {"application-healthy.yaml", std::nullopt},
    {"application-degraded.yaml", std::nullopt},
    {"apiservice-v1-true.yaml", h(healthy, "Passed: all checks passed")},
    {"apiservice-v1-false.yaml",
     h(progressing,
       "MissingEndpoints: endpoints for service/cert-manager-webhook in \"external-dns\" have no "
       "addresses")},
    {"apiservice-v1beta1-true.yaml", h(healthy, "Passed: all checks passed")},
    {"apiservice-v1beta1-false.yaml",
     h(progressing,
       "MissingEndpoints: endpoints for service/cert-manager-webhook in \"external-dns\" have no "
       "addresses")},
};

TEST(ArgoHealth, GitopsEngineTestdata) {
  for (const FixtureCase& c : k_fixtures) {
    SCOPED_TRACE(c.file);
    EXPECT_EQ(assess_health(fixture(c.file)), c.want);
  }
}

// --- the rules one by one ---

TEST(ArgoHealth, StatusNamesAndOrder) {
  const std::pair<HealthStatus, std::string_view> names[] = {
      {healthy, "Healthy"},     {progressing, "Progressing"}, {degraded, "Degraded"},
      {suspended, "Suspended"}, {missing, "Missing"},         {unknown, "Unknown"}};
  for (auto [status, name] : names) {
    EXPECT_EQ(to_string(status), name);
    EXPECT_EQ(parse_health_status(name), status);
  }
  EXPECT_EQ(parse_health_status("healthy"), std::nullopt);
  EXPECT_EQ(parse_health_status(""), std::nullopt);

  const HealthStatus order[] = {healthy, suspended, progressing, missing, degraded, unknown};
  for (size_t i = 0; i < std::size(order); ++i) {
    for (size_t j = 0; j < std::size(order); ++j) {
      SCOPED_TRACE(std::string(to_string(order[i])) + " -> " + std::string(to_string(order[j])));
      EXPECT_EQ(is_worse(order[i], order[j]), j > i);
    }
  }
}

TEST(ArgoHealth, DeletionComesFirstForEveryKindUnlessHeldByTheHookFinalizer) {
  Node config_map = object(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, deletionTimestamp: "2024-01-01T00:00:00Z"}
)");
  EXPECT_EQ(assess_health(config_map), h(progressing, "Pending deletion"));
  Node hook_job = object(R"(
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  deletionTimestamp: "2024-01-01T00:00:00Z"
  finalizers: [argocd.argoproj.io/hook-finalizer]
status:
  conditions: [{type: Complete, status: "True", message: done}]
)");
  EXPECT_EQ(assess_health(hook_job), h(healthy, "done"));
  Node other_finalizer = hook_job;
  other_finalizer["metadata"].set("finalizers", object("[example.com/keep]"));
  EXPECT_EQ(assess_health(other_finalizer), h(progressing, "Pending deletion"));
}

TEST(ArgoHealth, KindsWithoutACheckHaveNoHealth) {
  for (std::string_view yaml : {"{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}",
                                "{apiVersion: example.com/v1, kind: Widget, metadata: {name: a}, "
                                "status: {conditions: [{type: Ready, status: 'False'}]}}",
                                "{apiVersion: batch/v1, kind: CronJob, metadata: {name: a}}",
                                "{apiVersion: argoproj.io/v1alpha1, kind: Rollout}"}) {
    SCOPED_TRACE(yaml);
    EXPECT_EQ(assess_health(object(yaml)), std::nullopt);
  }
}

TEST(ArgoHealth, TypedChecksRefuseOtherApiVersions) {
  EXPECT_EQ(assess_health(object("{apiVersion: apps/v1beta2, kind: Deployment}")),
            h(unknown, "unsupported Deployment GVK: apps/v1beta2, Kind=Deployment"));
  EXPECT_EQ(assess_health(object("{apiVersion: apps/v1beta1, kind: StatefulSet}")),
            h(unknown, "unsupported StatefulSet GVK: apps/v1beta1, Kind=StatefulSet"));
  EXPECT_EQ(assess_health(object("{apiVersion: v2, kind: Pod}")),
            h(unknown, "unsupported Pod GVK: /v2, Kind=Pod"));
  EXPECT_EQ(assess_health(object("{apiVersion: batch/v1beta1, kind: Job}")),
            h(unknown, "unsupported Job GVK: batch/v1beta1, Kind=Job"));
  EXPECT_EQ(assess_health(object("{apiVersion: apiregistration.k8s.io/v2, kind: APIService}")),
            h(unknown, "unsupported APIService GVK: apiregistration.k8s.io/v2, Kind=APIService"));
  // Ingress and Workflow are read raw, whatever the version.
  EXPECT_EQ(assess_health(object("{apiVersion: extensions/v1beta1, kind: Ingress}")),
            h(progressing));
  EXPECT_EQ(assess_health(object("{apiVersion: argoproj.io/v1beta9, kind: Workflow}")),
            h(progressing));
}

// An apps/v1 object: kind, name and generation, spec and status in flow YAML.
Node apps_object(std::string_view kind, std::string_view name, int generation,
                 std::string_view spec, std::string_view status) {
  return object("apiVersion: apps/v1\nkind: " + std::string(kind) + "\nmetadata: {name: " +
                std::string(name) + ", generation: " + std::to_string(generation) +
                "}\nspec: " + std::string(spec) + "\nstatus: " + std::string(status) + "\n");
}

Node deployment(std::string_view spec, std::string_view status) {
  return apps_object("Deployment", "web", 2, spec, status);
}

TEST(ArgoHealth, Deployment) {
  EXPECT_EQ(assess_health(deployment("{replicas: 3}",
                                     "{observedGeneration: 1, replicas: 3, "
                                     "updatedReplicas: 3, availableReplicas: 3}")),
            h(progressing,
              "Waiting for rollout to finish: observed deployment generation less than desired "
              "generation"));
  EXPECT_EQ(assess_health(deployment("{replicas: 3}",
                                     "{observedGeneration: 2, replicas: 3, "
                                     "updatedReplicas: 1, availableReplicas: 3}")),
            h(progressing,
              "Waiting for rollout to finish: 1 out of 3 new replicas have been updated..."));
  EXPECT_EQ(
      assess_health(deployment("{replicas: 3}",
                               "{observedGeneration: 2, replicas: 3, "
                               "updatedReplicas: 3, availableReplicas: 1}")),
      h(progressing, "Waiting for rollout to finish: 1 of 3 updated replicas are available..."));
  EXPECT_EQ(assess_health(deployment("{replicas: 0}", "{observedGeneration: 2}")), h(healthy));
  // Without spec.replicas the updated-count step is skipped.
  EXPECT_EQ(assess_health(deployment("{}",
                                     "{observedGeneration: 2, replicas: 2, updatedReplicas: 2, "
                                     "availableReplicas: 2}")),
            h(healthy));
  // Paused comes before the generation; the deadline before the counts.
  EXPECT_EQ(assess_health(deployment("{paused: true}", "{}")),
            h(suspended, "Deployment is paused"));
  EXPECT_EQ(assess_health(deployment("{replicas: 3}",
                                     "{observedGeneration: 2, conditions: [{type: "
                                     "Progressing, status: 'False', reason: "
                                     "ProgressDeadlineExceeded}]}")),
            h(degraded, "Deployment \"web\" exceeded its progress deadline"));
  // A deadline on a generation not yet observed does not count.
  EXPECT_EQ(assess_health(deployment("{replicas: 3}",
                                     "{observedGeneration: 1, conditions: [{type: "
                                     "Progressing, status: 'False', reason: "
                                     "ProgressDeadlineExceeded}]}"))
                ->status,
            progressing);
}

Node statefulset(std::string_view spec, std::string_view status) {
  return apps_object("StatefulSet", "db", 2, spec, status);
}

TEST(ArgoHealth, StatefulSet) {
  const std::string seen = "observedGeneration: 2, ";
  EXPECT_EQ(assess_health(statefulset("{replicas: 1}", "{readyReplicas: 1}")),
            h(progressing, "Waiting for statefulset spec update to be observed..."));
  EXPECT_EQ(
      assess_health(statefulset("{replicas: 1}", "{observedGeneration: 1, readyReplicas: 1}")),
      h(progressing, "Waiting for statefulset spec update to be observed..."));
  EXPECT_EQ(assess_health(statefulset("{replicas: 3}", "{" + seen + "readyReplicas: 1}")),
            h(progressing, "Waiting for 2 pods to be ready..."));
  std::string partitioned =
      "{replicas: 3, updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}}";
  EXPECT_EQ(
      assess_health(statefulset(partitioned, "{" + seen + "readyReplicas: 3, updatedReplicas: 1}")),
      h(progressing,
        "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated..."));
  EXPECT_EQ(
      assess_health(statefulset(partitioned, "{" + seen + "readyReplicas: 3, updatedReplicas: 2}")),
      h(healthy, "partitioned roll out complete: 2 new pods have been updated..."));
  // RollingUpdate without rollingUpdate: the revisions decide.
  EXPECT_EQ(assess_health(statefulset(
                "{replicas: 2, updateStrategy: {type: RollingUpdate}}",
                "{" + seen +
                    "readyReplicas: 2, updatedReplicas: 1, "
                    "currentReplicas: 1, currentRevision: db-1, updateRevision: db-2}")),
            h(progressing,
              "waiting for statefulset rolling update to complete 1 pods at revision db-2..."));
  EXPECT_EQ(
      assess_health(statefulset(
          "{replicas: 2}", "{" + seen +
                               "readyReplicas: 2, updatedReplicas: 2, "
                               "currentReplicas: 2, currentRevision: db-2, updateRevision: db-2}")),
      h(healthy, "statefulset rolling update complete 2 pods at revision db-2..."));
}

Node daemonset(std::string_view spec, std::string_view status) {
  return apps_object("DaemonSet", "agent", 3, spec, status);
}

TEST(ArgoHealth, DaemonSet) {
  EXPECT_EQ(assess_health(daemonset("{}", "{observedGeneration: 2}")),
            h(progressing,
              "Waiting for rollout to finish: observed daemon set generation less than desired "
              "generation"));
  EXPECT_EQ(assess_health(daemonset("{}",
                                    "{observedGeneration: 3, desiredNumberScheduled: 4, "
                                    "updatedNumberScheduled: 2, numberAvailable: 4}")),
            h(progressing,
              "Waiting for daemon set \"agent\" rollout to finish: 2 out of 4 new pods have been "
              "updated..."));
  EXPECT_EQ(assess_health(daemonset("{}",
                                    "{observedGeneration: 3, desiredNumberScheduled: 4, "
                                    "updatedNumberScheduled: 4, numberAvailable: 3}")),
            h(progressing,
              "Waiting for daemon set \"agent\" rollout to finish: 3 of 4 updated pods are "
              "available..."));
  EXPECT_EQ(assess_health(daemonset("{}",
                                    "{observedGeneration: 3, desiredNumberScheduled: 4, "
                                    "updatedNumberScheduled: 4, numberAvailable: 4}")),
            h(healthy));
  EXPECT_EQ(assess_health(daemonset("{updateStrategy: {type: OnDelete}}",
                                    "{observedGeneration: 3, desiredNumberScheduled: 4, "
                                    "updatedNumberScheduled: 1, numberAvailable: 0}")),
            h(healthy, "daemon set 1 out of 4 new pods have been updated"));
}

Node replicaset(std::string_view spec, std::string_view status) {
  return apps_object("ReplicaSet", "web-1", 2, spec, status);
}

TEST(ArgoHealth, ReplicaSet) {
  EXPECT_EQ(
      assess_health(replicaset("{replicas: 2}", "{observedGeneration: 1, availableReplicas: 2}")),
      h(progressing,
        "Waiting for rollout to finish: observed replica set generation less than desired "
        "generation"));
  EXPECT_EQ(assess_health(replicaset("{replicas: 2}",
                                     "{observedGeneration: 2, availableReplicas: 1, "
                                     "conditions: [{type: ReplicaFailure, status: "
                                     "'True', message: 'pods \"web-1-x\" is forbidden: "
                                     "exceeded quota'}]}")),
            h(degraded, "pods \"web-1-x\" is forbidden: exceeded quota"));
  EXPECT_EQ(
      assess_health(replicaset("{replicas: 2}",
                               "{observedGeneration: 2, availableReplicas: 1, "
                               "conditions: [{type: ReplicaFailure, status: "
                               "'False', message: old}]}")),
      h(progressing, "Waiting for rollout to finish: 1 out of 2 new replicas are available..."));
  EXPECT_EQ(
      assess_health(replicaset("{replicas: 2}", "{observedGeneration: 2, availableReplicas: 2}")),
      h(healthy));
}

TEST(ArgoHealth, ServiceAndClaimPhases) {
  EXPECT_EQ(assess_health(object("{apiVersion: v1, kind: Service, spec: {type: NodePort}}")),
            h(healthy));
  EXPECT_EQ(assess_health(object("{apiVersion: v1, kind: Service, spec: {type: LoadBalancer}, "
                                 "status: {loadBalancer: {ingress: []}}}")),
            h(progressing));
  EXPECT_EQ(
      assess_health(object("{apiVersion: v1, kind: PersistentVolumeClaim, status: {phase: Lost}}")),
      h(degraded));
  EXPECT_EQ(assess_health(object("{apiVersion: v1, kind: PersistentVolumeClaim}")), h(unknown));
}

Node pod(std::string_view policy, std::string_view status, std::string_view annotations = "{}") {
  return object("apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: " +
                std::string(annotations) + "}\nspec: {restartPolicy: " + std::string(policy) +
                "}\nstatus: " + std::string(status) + "\n");
}

TEST(ArgoHealth, PodWaitingReasonsOfALongRunningPod) {
  // Err*, *Error and *BackOff; every failing container's message, joined.
  EXPECT_EQ(assess_health(pod("Always", R"({phase: Pending, containerStatuses: [
      {name: a, state: {waiting: {reason: ErrImagePull, message: 'pull a'}}},
      {name: b, state: {waiting: {reason: ContainerCreating, message: 'creating b'}}},
      {name: c, state: {waiting: {reason: CreateContainerConfigError, message: 'secret c'}}}]})")),
            h(degraded, "pull a, secret c"));
  EXPECT_EQ(assess_health(pod("Always", R"({phase: Running, containerStatuses: [
      {name: a, state: {waiting: {reason: CrashLoopBackOff}}},
      {name: b, state: {waiting: {reason: ImagePullBackOff, message: 'pull b'}}}]})")),
            h(degraded, ", pull b"));
  // Run-to-completion pods skip the waiting reasons.
  EXPECT_EQ(assess_health(pod("Never", R"({phase: Pending, message: queued, containerStatuses: [
      {name: a, state: {waiting: {reason: ErrImagePull, message: 'pull a'}}}]})")),
            h(progressing, "queued"));
}

TEST(ArgoHealth, PodPhases) {
  EXPECT_EQ(assess_health(pod("Always", "{phase: Succeeded, message: done}")), h(healthy, "done"));
  EXPECT_EQ(assess_health(
                pod("Never", "{phase: Failed, message: 'The node was low on resource: memory.'}")),
            h(degraded, "The node was low on resource: memory."));
  // Without a pod message, the first container that says why: init containers first.
  EXPECT_EQ(assess_health(pod("Never", R"({phase: Failed,
      initContainerStatuses: [{name: init, state: {terminated: {exitCode: 2}}}],
      containerStatuses: [{name: main, state: {terminated: {exitCode: 1, message: 'main broke'}}}]})")),
            h(degraded, "container \"init\" failed with exit code 2"));
  EXPECT_EQ(assess_health(pod("Never", R"({phase: Failed, containerStatuses: [
      {name: a, state: {terminated: {exitCode: 0}}},
      {name: b, state: {terminated: {exitCode: 137, reason: OOMKilled}}}]})")),
            h(degraded, "OOMKilled"));
  EXPECT_EQ(assess_health(pod("Never", R"({phase: Failed, containerStatuses: [
      {name: a, state: {terminated: {exitCode: 3, reason: Error, message: 'bad config'}}}]})")),
            h(degraded, "bad config"));
  EXPECT_EQ(assess_health(pod("Never", "{phase: Failed}")), h(degraded));
  EXPECT_EQ(assess_health(pod("Always", "{phase: Unknown, message: 'node lost'}")),
            h(unknown, "node lost"));
  // Running with no restart policy at all: none of Argo's cases.
  EXPECT_EQ(assess_health(object("{apiVersion: v1, kind: Pod, status: {phase: Running, conditions: "
                                 "[{type: Ready, status: 'True'}]}}")),
            h(unknown));
}

TEST(ArgoHealth, RunningLongRunningPod) {
  EXPECT_EQ(assess_health(pod("Always",
                              "{phase: Running, message: m, conditions: [{type: Ready, "
                              "status: 'True'}]}")),
            h(healthy, "m"));
  EXPECT_EQ(assess_health(pod("Always",
                              "{phase: Running, message: m, containerStatuses: [{name: a, "
                              "lastState: {terminated: {exitCode: 1}}}]}")),
            h(degraded, "m"));
  EXPECT_EQ(assess_health(pod("Always",
                              "{phase: Running, message: m, containerStatuses: [{name: a, "
                              "lastState: {terminated: null}}]}")),
            h(progressing, "m"));
  // The annotation makes an OnFailure pod long-running, unless it is a hook (a Helm one too).
  std::string not_ready = "{phase: Running, conditions: [{type: Ready, status: 'False'}]}";
  EXPECT_EQ(assess_health(
                pod("OnFailure", not_ready, "{argocd.argoproj.io/ignore-restart-policy: 'true'}")),
            h(progressing));
  EXPECT_EQ(assess_health(pod("OnFailure",
                              "{phase: Running, conditions: [{type: Ready, status: 'True'}]}",
                              "{argocd.argoproj.io/ignore-restart-policy: 'true'}")),
            h(healthy));
  EXPECT_EQ(assess_health(pod("OnFailure",
                              "{phase: Running, conditions: [{type: Ready, status: 'True'}]}",
                              "{argocd.argoproj.io/ignore-restart-policy: 'true', helm.sh/hook: "
                              "post-install}")),
            h(progressing));
  // A Skip "hook" is no hook.
  EXPECT_EQ(assess_health(pod("OnFailure",
                              "{phase: Running, conditions: [{type: Ready, status: 'True'}]}",
                              "{argocd.argoproj.io/ignore-restart-policy: 'true', "
                              "argocd.argoproj.io/hook: Skip}")),
            h(healthy));
  EXPECT_EQ(assess_health(pod("OnFailure",
                              "{phase: Running, conditions: [{type: Ready, status: 'True'}]}",
                              "{argocd.argoproj.io/ignore-restart-policy: 'yes'}")),
            h(progressing));
}

TEST(ArgoHealth, HooksAsArgoSeesThem) {
  auto with = [](std::string_view annotations) {
    return object("{kind: Pod, metadata: {annotations: " + std::string(annotations) + "}}");
  };
  EXPECT_FALSE(is_hook(object("{kind: Pod, metadata: {name: p}}")));
  EXPECT_TRUE(is_hook(with("{argocd.argoproj.io/hook: PreSync}")));
  EXPECT_TRUE(is_hook(with("{argocd.argoproj.io/hook: 'Skip, PostSync'}")));
  EXPECT_FALSE(is_hook(with("{argocd.argoproj.io/hook: Skip}")));
  EXPECT_FALSE(is_hook(with("{argocd.argoproj.io/hook: ' Skip,Skip ,'}")));
  // An Argo annotation naming no known type is still a hook.
  EXPECT_TRUE(is_hook(with("{argocd.argoproj.io/hook: Whenever}")));
  EXPECT_TRUE(is_hook(with("{argocd.argoproj.io/hook: ''}")));
  EXPECT_TRUE(is_hook(with("{helm.sh/hook: pre-install}")));
  EXPECT_TRUE(is_hook(with("{helm.sh/hook: test}")));
  EXPECT_FALSE(is_hook(with("{helm.sh/hook: crd-install}")));
  // The Argo annotation wins over Helm's.
  EXPECT_FALSE(is_hook(with("{argocd.argoproj.io/hook: Skip, helm.sh/hook: pre-install}")));
}

Node job(std::string_view conditions) {
  return object(
      "{apiVersion: batch/v1, kind: Job, status: {conditions: " + std::string(conditions) + "}}");
}

TEST(ArgoHealth, Job) {
  EXPECT_EQ(assess_health(job("[{type: Complete, status: 'True', message: 'Reached expected number "
                              "of succeeded pods'}]")),
            h(healthy, "Reached expected number of succeeded pods"));
  // Failed wins over Complete; its message, not Complete's.
  EXPECT_EQ(assess_health(job("[{type: Complete, status: 'True', message: done}, {type: Failed, "
                              "status: 'True', message: broke}]")),
            h(degraded, "broke"));
  // A Suspended condition that is False (a resumed job) still ends the wait: Healthy.
  EXPECT_EQ(assess_health(job("[{type: Suspended, status: 'False', message: Job resumed}]")),
            h(healthy, "Job resumed"));
  // The conditions of the new success and failure policies do not count.
  EXPECT_EQ(assess_health(job("[{type: SuccessCriteriaMet, status: 'True', message: m}, "
                              "{type: FailureTarget, status: 'True', message: f}]")),
            h(progressing));
}

TEST(ArgoHealth, APIServiceWithoutAvailable) {
  EXPECT_EQ(assess_health(object("{apiVersion: apiregistration.k8s.io/v1, kind: APIService}")),
            h(progressing, "Waiting to be processed"));
}

Node hpa_v1(std::string_view conditions_json) {
  Node hpa =
      object("{apiVersion: autoscaling/v1, kind: HorizontalPodAutoscaler, metadata: {name: s}}");
  hpa["metadata"]["annotations"].set("autoscaling.alpha.kubernetes.io/conditions",
                                     Node::string(conditions_json));
  return hpa;
}

TEST(ArgoHealth, HorizontalPodAutoscaler) {
  EXPECT_EQ(assess_health(hpa_v1("[]")), h(progressing, "Waiting to Autoscale"));
  EXPECT_EQ(assess_health(hpa_v1("null")), h(progressing, "Waiting to Autoscale"));
  // ScalingLimited True is healthy too; keys match Go fields ignoring case.
  EXPECT_EQ(
      assess_health(hpa_v1(R"([{"TYPE":"ScalingLimited","Status":"True","message":"capped"}])")),
      h(healthy, "capped"));
  for (std::string_view reason :
       {"FailedUpdateScale", "FailedGetResourceMetric", "FailedGetPodsMetric",
        "FailedGetExternalMetric", "FailedComputeMetricsReplicas", "InvalidSelector"}) {
    std::string type = reason == "FailedUpdateScale" ? "AbleToScale" : "ScalingActive";
    EXPECT_EQ(assess_health(hpa_v1(R"([{"type":")" + type + R"(","reason":")" +
                                   std::string(reason) + R"(","message":"why"}])")),
              h(degraded, "why"))
        << reason;
  }
  Node bad = hpa_v1("{not json");
  std::optional<Health> unreadable = assess_health(bad);
  ASSERT_TRUE(unreadable);
  EXPECT_EQ(unreadable->status, unknown);
  EXPECT_TRUE(unreadable->message.starts_with("failed to convert conditions annotation to typed: "))
      << unreadable->message;
  EXPECT_EQ(
      assess_health(hpa_v1(R"({"type":"AbleToScale"})")),
      h(unknown,
        "failed to convert conditions annotation to typed: json: cannot unmarshal object into "
        "Go value of type []health.hpaCondition"));
  EXPECT_EQ(assess_health(hpa_v1(R"([{"type":true}])")),
            h(unknown,
              "failed to convert conditions annotation to typed: json: cannot unmarshal bool into "
              "Go struct field hpaCondition.Type of type string"));
  // autoscaling/v2 reads status.conditions, never the annotation.
  Node v2 = hpa_v1(R"([{"type":"AbleToScale","status":"True","message":"annotation"}])");
  v2.set("apiVersion", Node::string("autoscaling/v2"));
  EXPECT_EQ(assess_health(v2), h(progressing, "Waiting to Autoscale"));
}

TEST(ArgoHealth, ArgoWorkflow) {
  auto wf = [](std::string_view phase) {
    return object("{apiVersion: argoproj.io/v1alpha1, kind: Workflow, status: {phase: " +
                  std::string(phase) + ", message: m}}");
  };
  EXPECT_EQ(assess_health(wf("Pending")), h(progressing, "m"));
  EXPECT_EQ(assess_health(wf("Running")), h(progressing, "m"));
  EXPECT_EQ(assess_health(wf("Succeeded")), h(healthy, "m"));
  EXPECT_EQ(assess_health(wf("Failed")), h(degraded, "m"));
  EXPECT_EQ(assess_health(wf("Error")), h(degraded, "m"));
  EXPECT_EQ(assess_health(wf("Skipped")), h(unknown, "m"));
  EXPECT_EQ(assess_health(object("{apiVersion: argoproj.io/v1alpha1, kind: Workflow}")),
            h(progressing));
}

TEST(ArgoHealth, OverrideSitsBetweenDeletionAndTheBuiltIns) {
  int calls = 0;
  HealthOverride custom = [&](const Node& live) -> Result<std::optional<Health>> {
    ++calls;
    std::string_view kind = live.string_at({"kind"});
    if (kind == "Widget") return h(degraded, "widget broke");
    if (kind == "Pod") return fail("lua: attempt to index a nil value");
    return std::nullopt;
  };
  EXPECT_EQ(assess_health(object("{apiVersion: example.com/v1, kind: Widget}"), custom),
            h(degraded, "widget broke"));
  EXPECT_EQ(
      assess_health(object("{apiVersion: v1, kind: Pod, spec: {restartPolicy: Always}, status: "
                           "{phase: Succeeded}}"),
                    custom),
      h(unknown, "lua: attempt to index a nil value"));
  // No custom check: the built-in decides.
  EXPECT_EQ(
      assess_health(object("{apiVersion: v1, kind: PersistentVolumeClaim, status: {phase: Bound}}"),
                    custom),
      h(healthy));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(assess_health(object("{apiVersion: example.com/v1, kind: Widget, metadata: "
                                 "{deletionTimestamp: '2024-01-01T00:00:00Z'}}"),
                          custom),
            h(progressing, "Pending deletion"));
  EXPECT_EQ(calls, 3);
}

// A custom check's answer, its error failing the test.
std::optional<Health> answer(const Result<std::optional<Health>>& result) {
  EXPECT_TRUE(result) << result.error().message();
  return result ? *result : std::nullopt;
}

TEST(ArgoHealth, RestoredApplicationCheck) {
  auto app = [](std::string_view status) {
    return object(
        "{apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: child}, "
        "status: " +
        std::string(status) + "}");
  };
  EXPECT_EQ(answer(restored_application_health(
                app("{health: {status: Degraded, message: 'Caused by Pod:x'}}"))),
            h(degraded, "Caused by Pod:x"));
  EXPECT_EQ(answer(restored_application_health(app("{health: {status: Healthy}}"))), h(healthy));
  EXPECT_EQ(answer(restored_application_health(app("{sync: {status: Synced}}"))), h(progressing));
  EXPECT_EQ(answer(restored_application_health(app("{health: {message: m}}"))),
            h(unknown, "Lua returned an invalid health status"));
  EXPECT_EQ(answer(restored_application_health(app("{health: {status: Fine}}"))),
            h(unknown, "Lua returned an invalid health status"));
  EXPECT_EQ(answer(restored_application_health(object("{apiVersion: v1, kind: Pod}"))),
            std::nullopt);
  // As an override, it gives child Applications a health.
  EXPECT_EQ(assess_health(fixture("application-degraded.yaml"), restored_application_health),
            h(degraded));
}

// --- aggregation: argo-cd controller/health_test.go ---

ResourceHealth resource(std::optional<Health> health, std::string_view group, std::string_view kind,
                        std::string_view ns, std::string_view name) {
  ResourceHealth r;
  r.health = std::move(health);
  r.ref.group = group;
  r.ref.kind = kind;
  r.ref.namespace_ = ns;
  r.ref.name = name;
  return r;
}

ResourceHealth missing_resource(std::string_view kind, std::string_view name) {
  ResourceHealth r = resource(h(HealthStatus::missing), "", kind, "default", name);
  r.missing = true;
  return r;
}

TEST(ArgoAppHealth, WorstWinsAndNamesItsCauses) {
  std::vector<ResourceHealth> resources = {
      resource(h(healthy), "", "Pod", "default", "running-pod"),
      resource(h(degraded, "Job has reached the specified backoff limit"), "batch", "Job",
               "default", "failed-job")};
  EXPECT_EQ(aggregate_app_health(resources), h(degraded, "Caused by batch/Job:default/failed-job"));
  EXPECT_EQ(aggregate_health(resources), degraded);
  // The same job as a hook is not counted.
  resources[1].hook = true;
  EXPECT_EQ(aggregate_app_health(resources), h(healthy));
  // Nor is one whose health is ignored (ignore-healthcheck: health left out).
  resources[1].hook = false;
  resources[1].health.reset();
  EXPECT_EQ(aggregate_app_health(resources), h(healthy));

  resources = {resource(h(healthy), "", "Pod", "default", "running-pod"),
               resource(h(degraded), "batch", "Job", "default", "failed-job"),
               resource(h(degraded), "batch", "Job", "default", "failed-job-2")};
  EXPECT_EQ(aggregate_app_health(resources),
            h(degraded, "Caused by batch/Job:default/failed-job, batch/Job:default/failed-job-2"));
}

TEST(ArgoAppHealth, CausesAreTruncatedAfterThree) {
  std::vector<ResourceHealth> resources;
  for (int i = 0; i < 8; ++i)
    resources.push_back(resource(h(progressing), "", "Pod", "default", "pod-" + std::to_string(i)));
  resources.push_back(resource(h(progressing), "", "PersistentVolume", "", "pv-1"));
  EXPECT_EQ(aggregate_app_health(resources),
            h(progressing,
              "Caused by Pod:default/pod-0, Pod:default/pod-1, Pod:default/pod-2 and 6 more"));
  std::vector<ResourceHealth> cluster_scoped = {
      resource(h(suspended), "", "PersistentVolume", "", "pv-1"),
      resource(h(healthy), "apps", "Deployment", "default", "frontend")};
  EXPECT_EQ(aggregate_app_health(cluster_scoped), h(suspended, "Caused by PersistentVolume:pv-1"));
}

TEST(ArgoAppHealth, EachStatusReachesTheApplication) {
  for (HealthStatus status : {unknown, degraded, missing, progressing, suspended, healthy}) {
    std::vector<ResourceHealth> resources = {
        resource(h(status), "", "Pod", "default", "running-pod")};
    Health want = status == healthy ? h(healthy) : h(status, "Caused by Pod:default/running-pod");
    EXPECT_EQ(aggregate_app_health(resources), want) << to_string(status);
  }
}

TEST(ArgoAppHealth, MissingResources) {
  EXPECT_EQ(aggregate_app_health({}), h(healthy));
  // Only hooks: nothing counted, Healthy.
  ResourceHealth hook = resource(h(healthy), "", "Pod", "default", "hook");
  hook.hook = true;
  EXPECT_EQ(aggregate_app_health(std::vector{hook}), h(healthy));
  // One missing among live ones leaves the health alone.
  std::vector<ResourceHealth> resources = {missing_resource("Pod", "pod"),
                                           resource(h(healthy), "", "Pod", "default", "pod2")};
  EXPECT_EQ(aggregate_app_health(resources), h(healthy));
  // A live one whose health is ignored still counts as live.
  resources[1].health.reset();
  EXPECT_EQ(aggregate_app_health(resources), h(healthy));
  // Every one missing (hooks aside): Missing, no causes.
  resources = {missing_resource("Pod", "pod"), missing_resource("Pod", "pod2")};
  EXPECT_EQ(aggregate_app_health(resources), h(HealthStatus::missing));
  resources = {missing_resource("Pod", "pod"), hook};
  EXPECT_EQ(aggregate_app_health(resources), h(HealthStatus::missing));
  // Worse than Missing stays.
  ResourceHealth broken = resource(h(degraded), "", "Pod", "default", "broken");
  broken.missing = true;  // a missing resource's health is never read
  EXPECT_EQ(aggregate_app_health(std::vector{broken}), h(HealthStatus::missing));
}

TEST(ArgoAppHealth, ChildApplications) {
  auto child = [](HealthStatus status) {
    return resource(h(status), "argoproj.io", "Application", "default", "foo");
  };
  EXPECT_EQ(aggregate_app_health(std::vector{child(degraded), ResourceHealth{}}),
            h(degraded, "Caused by argoproj.io/Application:default/foo"));
  EXPECT_EQ(aggregate_app_health(std::vector{child(HealthStatus::missing), ResourceHealth{}}),
            h(healthy));
  EXPECT_EQ(aggregate_app_health(std::vector{child(unknown), ResourceHealth{}}), h(healthy));
  // Unknown child with a missing pod: the child is live, so not "all missing".
  EXPECT_EQ(aggregate_app_health(std::vector{child(unknown), missing_resource("Pod", "pod")}),
            h(healthy));
  // Only an Application of argoproj.io is a child app.
  ResourceHealth other = resource(h(unknown), "example.com", "Application", "default", "foo");
  EXPECT_EQ(aggregate_app_health(std::vector{other}),
            h(unknown, "Caused by example.com/Application:default/foo"));
}

// --- the embedded API server's simulated controllers produce what Argo reads ---

class EmbeddedCluster : public ::testing::Test, public localcluster::ApiFixture {
 protected:
  const localcluster::ResourceInfo& resource(std::string_view group, std::string_view version,
                                             std::string_view plural) {
    return *m_registry.find(group, version, plural);
  }
  void create(std::string_view group, std::string_view plural, std::string_view yaml) {
    auto created = m_api->create(resource(group, "v1", plural), "default", object(yaml), {});
    ASSERT_TRUE(created) << yaml;
  }
  // Runs every simulated controller over every object until nothing is left to do (time does
  // not pass: pods start at once).
  void settle() {
    std::regex fail_images(m_options.fail_images);
    localcluster::WorkloadContext context{*m_api, m_options, fail_images, [](auto&&...) {}};
    using Step = void (*)(localcluster::WorkloadContext&, const Node&);
    const std::pair<std::string, Step> steps[] = {
        {"apps/deployments", localcluster::reconcile_deployment},
        {"apps/replicasets", localcluster::reconcile_replicaset},
        {"apps/statefulsets", localcluster::reconcile_statefulset},
        {"apps/daemonsets", localcluster::reconcile_daemonset},
        {"batch/jobs", localcluster::reconcile_job},
        {"/pods", localcluster::reconcile_pod},
        {"/services", localcluster::reconcile_service},
        {"/persistentvolumeclaims", localcluster::reconcile_pvc}};
    for (int round = 0; round < 12; ++round) {
      for (const auto& [storage, step] : steps) {
        for (const Node& o : m_store->list(storage, "default", "", 0, nullptr).items)
          step(context, o);
      }
    }
  }
  Node live(std::string_view group, std::string_view plural, std::string_view name) {
    return m_api->get(resource(group, "v1", plural), "default", std::string(name)).value();
  }
  std::vector<Node> all(const std::string& storage) {
    return m_store->list(storage, "default", "", 0, nullptr).items;
  }

  localcluster::ControllerOptions m_options{"fail", std::chrono::milliseconds(0)};
};

constexpr std::string_view k_template = R"(
    metadata: {labels: {app: APP}}
    spec: {containers: [{name: main, image: IMAGE}]})";

std::string workload(std::string_view head, std::string_view app, std::string_view image,
                     std::string_view extra = "") {
  std::string templ(k_template);
  templ.replace(templ.find("APP"), 3, app);
  templ.replace(templ.find("IMAGE"), 5, image);
  return std::string(head) + "\nmetadata: {name: " + std::string(app) +
         "}\nspec:\n  selector: "
         "{matchLabels: {app: " +
         std::string(app) + "}}\n" + std::string(extra) + "  template:" + templ + "\n";
}

TEST_F(EmbeddedCluster, RolledOutWorkloadsAreHealthy) {
  create("apps", "deployments",
         workload("apiVersion: apps/v1\nkind: Deployment", "web", "nginx", "  replicas: 2\n"));
  create("apps", "statefulsets",
         workload("apiVersion: apps/v1\nkind: StatefulSet", "db", "postgres",
                  "  replicas: 2\n  serviceName: db\n"));
  create("apps", "daemonsets",
         workload("apiVersion: apps/v1\nkind: DaemonSet", "agent", "fluentd"));
  create("", "services",
         "{apiVersion: v1, kind: Service, metadata: {name: lb}, spec: {type: LoadBalancer, ports: "
         "[{port: 80}]}}");
  create(
      "", "persistentvolumeclaims",
      "{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data}, spec: {accessModes: "
      "[ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}");
  settle();

  EXPECT_EQ(assess_health(live("apps", "deployments", "web")), h(healthy));
  for (const Node& rs : all("apps/replicasets"))
    EXPECT_EQ(assess_health(rs), h(healthy));
  std::vector<Node> pods = all("/pods");
  EXPECT_EQ(pods.size(), 5u);
  for (const Node& p : pods) {
    EXPECT_EQ(assess_health(p), h(healthy)) << p.string_at({"metadata", "name"});
  }
  // The server's defaults give a StatefulSet the RollingUpdate strategy with partition 0.
  EXPECT_EQ(assess_health(live("apps", "statefulsets", "db")),
            h(healthy, "partitioned roll out complete: 2 new pods have been updated..."));
  EXPECT_EQ(assess_health(live("apps", "daemonsets", "agent")), h(healthy));
  EXPECT_EQ(assess_health(live("", "services", "lb")), h(healthy));
  EXPECT_EQ(assess_health(live("", "persistentvolumeclaims", "data")), h(healthy));
}

TEST_F(EmbeddedCluster, FreshWorkloadsAreProgressing) {
  create("apps", "deployments", workload("apiVersion: apps/v1\nkind: Deployment", "web", "nginx"));
  create(
      "apps", "statefulsets",
      workload("apiVersion: apps/v1\nkind: StatefulSet", "db", "postgres", "  serviceName: db\n"));
  create("", "services",
         "{apiVersion: v1, kind: Service, metadata: {name: lb}, spec: {type: LoadBalancer, ports: "
         "[{port: 80}]}}");
  EXPECT_EQ(assess_health(live("apps", "deployments", "web")),
            h(progressing,
              "Waiting for rollout to finish: observed deployment generation less than desired "
              "generation"));
  EXPECT_EQ(assess_health(live("apps", "statefulsets", "db")),
            h(progressing, "Waiting for statefulset spec update to be observed..."));
  EXPECT_EQ(assess_health(live("", "services", "lb")), h(progressing));
}

TEST_F(EmbeddedCluster, CrashLoopingRolloutIsDegradedPodsAndAWaitingDeployment) {
  create("apps", "deployments",
         workload("apiVersion: apps/v1\nkind: Deployment", "web", "registry/fail:1"));
  settle();
  EXPECT_EQ(
      assess_health(live("apps", "deployments", "web")),
      h(progressing, "Waiting for rollout to finish: 0 of 1 updated replicas are available..."));
  std::vector<Node> pods = all("/pods");
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(assess_health(pods[0]), h(degraded, "back-off restarting failed container main"));
  for (const Node& rs : all("apps/replicasets")) {
    EXPECT_EQ(
        assess_health(rs),
        h(progressing, "Waiting for rollout to finish: 0 out of 1 new replicas are available..."));
  }
}

TEST_F(EmbeddedCluster, JobsEndHealthyOrDegraded) {
  std::string job_yaml = R"(apiVersion: batch/v1
kind: Job
metadata: {name: NAME}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: IMAGE}]
)";
  auto named = [&](std::string_view name, std::string_view image) {
    std::string text = job_yaml;
    text.replace(text.find("NAME"), 4, name);
    text.replace(text.find("IMAGE"), 5, image);
    return text;
  };
  create("batch", "jobs", named("migrate", "busybox"));
  create("batch", "jobs", named("broken", "fail"));
  EXPECT_EQ(assess_health(live("batch", "jobs", "migrate")), h(progressing));
  settle();
  EXPECT_EQ(assess_health(live("batch", "jobs", "migrate")),
            h(healthy, "Reached expected number of succeeded pods"));
  EXPECT_EQ(assess_health(live("batch", "jobs", "broken")),
            h(degraded, "Job has reached the specified backoff limit"));
  int judged = 0;
  for (const Node& p : all("/pods")) {
    if (p.string_at({"metadata", "labels", "job-name"}) != "migrate") continue;
    EXPECT_EQ(assess_health(p), h(healthy));
    ++judged;
  }
  EXPECT_EQ(judged, 1);
}

}  // namespace
}  // namespace plumb::argo
