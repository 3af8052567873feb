// plumb export's tidying, as flux export tidies a live object.
#include <gtest/gtest.h>

#include "cli/export.hpp"
#include "cli/flux_manifests.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::flux {
namespace {

TEST(Export, KeepsWhatAUserCommitsKeysSorted) {
  Node live = parse_yaml(R"(apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
  uid: 5c1e
  resourceVersion: "42"
  generation: 3
  creationTimestamp: "2026-12-04T10:00:00Z"
  finalizers: [finalizers.fluxcd.io]
  labels: {team: web}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"secret": "x"}'
    reconcile.fluxcd.io/requestedAt: "now"
  managedFields:
  - {manager: kubectl, operation: Apply}
spec:
  sourceRef: {kind: GitRepository, name: flux-system}
  path: ./apps
  interval: 10m
  prune: true
status:
  conditions: [{type: Ready, status: "True"}]
)",
                         "live.yaml")
                  .value();
  EXPECT_EQ(export_yaml(exportable(live)), R"(---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  annotations:
    reconcile.fluxcd.io/requestedAt: now
  labels:
    team: web
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
)");
}

TEST(Export, AnnotationsOnlyTheLastAppliedOneAreDropped) {
  Node live = parse_yaml(R"(apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: repo
  namespace: flux-system
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{}'
spec: {url: "https://example.com/repo"}
)",
                         "live.yaml")
                  .value();
  Node out = exportable(live);
  EXPECT_EQ(out.at_path({"metadata", "annotations"}), nullptr);
  EXPECT_EQ(out.string_at({"spec", "url"}), "https://example.com/repo");
}

}  // namespace
}  // namespace plumb::cli::flux
