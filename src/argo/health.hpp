// Argo CD's health assessment: the health of one live object as Argo CD's built-in checks judge
// it (gitops-engine's pkg/health, the copy inside argo-cd at the commit of ../shared/argo-health),
// and an Application's health from its resources' as argo-cd's controller aggregates it
// (controller/health.go). Statuses and messages are Argo's, word for word, so what
// `kubectl get application` and the dashboard show reads as it does under Argo CD.
//
// Built-in checks (each only for the API versions Argo converts; another version of the kind is
// Unknown "unsupported <Kind> GVK: <group>/<version>, Kind=<Kind>"):
//   apps/v1 Deployment, StatefulSet, ReplicaSet, DaemonSet; v1 Service, PersistentVolumeClaim,
//   Pod; batch/v1 Job; autoscaling/v1 and v2 HorizontalPodAutoscaler; apiregistration.k8s.io/v1
//   and v1beta1 APIService; Ingress (extensions, networking.k8s.io: any version); argoproj.io
//   Workflow (any version). Every other kind, custom resources and argoproj.io Applications
//   included, has no built-in check: assess_health returns nullopt (Argo removed the
//   Application check in 1.8; restored_application_health is the one its documentation gives).
//
// Order, as gitops-engine's GetResourceHealth: an object being deleted (deletionTimestamp, and
// not held by Argo's hook finalizer) is Progressing "Pending deletion" whatever its kind; then a
// HealthOverride (argocd-cm's resource.customizations.health, the Lua scripts), then the
// built-ins.
//
// Thread safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/object_ref.hpp"

namespace plumb::argo {

enum class HealthStatus { healthy, progressing, degraded, suspended, missing, unknown };
// "Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown".
std::string_view to_string(HealthStatus status);
// The reverse, exact spelling only; nullopt for anything else ("" included).
std::optional<HealthStatus> parse_health_status(std::string_view text);

struct Health {
  HealthStatus status = HealthStatus::healthy;
  std::string message;
  friend bool operator==(const Health&, const Health&) = default;
};

// A health check that sits in front of the built-ins. nullopt: it has none for this object (the
// built-ins decide); an error: the object's health is Unknown with the error's text.
using HealthOverride = std::function<Result<std::optional<Health>>(const Node& live)>;

// Argo's assessment of one live object; nullopt when Argo has no check for it (the resource then
// has no health and does not affect its application's).
std::optional<Health> assess_health(const Node& live);
std::optional<Health> assess_health(const Node& live, const HealthOverride& override);

// gitops-engine's IsWorse: Healthy < Suspended < Progressing < Missing < Degraded < Unknown.
bool is_worse(HealthStatus current, HealthStatus candidate);

// Whether Argo takes an object for a hook (gitops-engine's hook.IsHook): an
// argocd.argoproj.io/hook annotation other than `Skip` alone, or, without one, a helm.sh/hook
// annotation other than `crd-install`. A Pod's ignore-restart-policy annotation is not honoured
// on hooks.
bool is_hook(const Node& object);

// One resource of an application, as the aggregation needs it.
struct ResourceHealth {
  // The live object's health (assess_health); nullopt when Argo has no check for it, when the
  // object carries argocd.argoproj.io/ignore-healthcheck: "true", or when it is the application
  // itself (an app that manages itself). Ignored when `missing`.
  std::optional<Health> health;
  // Not counted at all: the live object is a hook (is_hook), or the desired one is a Skip hook.
  bool hook = false;
  // No live object: Argo shows the resource Missing but leaves the application's health alone,
  // unless every counted resource is missing (the application is then Missing).
  bool missing = false;
  // Which resource: names it in the "Caused by" message; an argoproj.io Application (a child
  // app) being Missing or Unknown does not count.
  ObjectRef ref;
};

// The application's health, worst resource first: status and Argo's message naming the resources
// that have it ("Caused by apps/Deployment:default/web, Pod:default/db-0 and 2 more"; "" when
// Healthy or when every resource is missing).
Health aggregate_app_health(std::span<const ResourceHealth> resources);
HealthStatus aggregate_health(std::span<const ResourceHealth> resources);

// The Application health check Argo CD's documentation gives for app-of-apps (Argo has none
// built in since 1.8; docs/operator-manual/health.md): the child's status.health status and
// message, Progressing "" while it has none, Unknown "Lua returned an invalid health status" for
// a status Argo does not know. nullopt for anything but an argoproj.io Application, so it can
// serve as a HealthOverride.
Result<std::optional<Health>> restored_application_health(const Node& live);

}  // namespace plumb::argo
