#include "controller/flux_types.hpp"

#include <gtest/gtest.h>

#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

// The objects as the Flux getting-started guides write them.
TEST(FluxTypes, GitRepositoryAsFluxUsersWriteIt) {
  auto spec = parse_git_repository(yaml(R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1m
  url: https://github.com/stefanprodan/podinfo
  ref:
    branch: master
)"));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->url, "https://github.com/stefanprodan/podinfo");
  EXPECT_EQ(spec->interval.count(), 60000);
  EXPECT_EQ(spec->timeout.count(), 60000);
  EXPECT_EQ(spec->ref.branch, "master");
}

TEST(FluxTypes, KustomizationDefaultsAndFields) {
  auto spec = parse_kustomization(yaml(R"(
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 30m0s
  path: ./kustomize
  prune: true
  sourceRef:
    kind: GitRepository
    name: podinfo
  targetNamespace: default
  dependsOn:
  - name: infra
)"));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->interval.count(), 1800000);
  EXPECT_EQ(spec->retry_interval, spec->interval);
  EXPECT_EQ(spec->timeout, spec->interval);
  EXPECT_EQ(spec->path, "./kustomize");
  EXPECT_TRUE(spec->prune);
  EXPECT_EQ(spec->source_ref.namespace_, "flux-system");
  ASSERT_EQ(spec->depends_on.size(), 1u);
  EXPECT_EQ(spec->depends_on[0].namespace_, "flux-system");
  Node overlay = overlay_kustomization(*spec, "../repo/kustomize");
  EXPECT_EQ(to_yaml(overlay),
            "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            "kind: Kustomization\n"
            "namespace: default\n"
            "resources:\n"
            "- ../repo/kustomize\n");
}

TEST(FluxTypes, ErrorsNameTheObjectAndField) {
  struct Case {
    const char* spec;
    const char* error;
  };
  const Case cases[] = {
      {"sourceRef: {name: x}", "Kustomization/ns/k: spec.interval: is required"},
      {"interval: soon\nsourceRef: {name: x}",
       "Kustomization/ns/k: spec.interval: invalid duration \"soon\""},
      {"interval: 1m", "Kustomization/ns/k: spec.sourceRef: is required"},
      {"interval: 1m\nprune: yes-please\nsourceRef: {name: x}",
       "Kustomization/ns/k: spec.prune: must be true or false"},
      {"interval: 1m\nsourceRef: {kind: Bucket, name: x}",
       "Kustomization/ns/k: spec.sourceRef.kind: only GitRepository and OCIRepository sources are "
       "supported yet"},
  };
  for (const Case& c : cases) {
    std::string text =
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
        "metadata: {name: k, namespace: ns}\nspec:\n";
    std::string spec = c.spec;
    for (size_t at = 0; at < spec.size(); at = spec.find('\n', at) + 1) {
      spec.insert(at, "  ");
      if (spec.find('\n', at) == std::string::npos) break;
    }
    auto parsed = parse_kustomization(yaml(text + spec + "\n"));
    ASSERT_FALSE(parsed) << c.spec;
    EXPECT_NE(parsed.error().message().find(c.error), std::string::npos)
        << parsed.error().message();
  }
}

}  // namespace
}  // namespace plumb::controller

namespace plumb::controller {
namespace {

TEST(UnsupportedFields, RefusedWhereSkippingChangesWhatIsAppliedIgnoredElsewhere) {
  Node ks =
      parse_yaml(
          "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
          "metadata: {name: apps, namespace: flux-system}\n"
          "spec:\n  interval: 1m\n  path: ./apps\n  sourceRef: {kind: GitRepository, name: r}\n"
          "  postBuild: {substitute: {env: prod}}\n  serviceAccountName: deployer\n  kubeConfig: "
          "{secretRef: {name: remote}}\n  decryption: {provider: sops}\n"
          "  healthCheckExprs: []\n  deletionPolicy: MirrorPrune\n",
          "test")
          .value();
  UnsupportedFields fields = unsupported_fields(ks);
  EXPECT_EQ(fields.refused,
            (std::vector<std::string>{"spec.serviceAccountName", "spec.kubeConfig"}));
  EXPECT_EQ(fields.ignored, std::vector<std::string>{"spec.healthCheckExprs"});

  Node repo = parse_yaml(
                  "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"
                  "metadata: {name: r, namespace: flux-system}\n"
                  "spec: {url: 'https://example.com/r', interval: 1m, provider: azure,\n"
                  "  verify: {mode: HEAD}, sparseCheckout: [apps]}\n",
                  "test")
                  .value();
  fields = unsupported_fields(repo);
  EXPECT_EQ(fields.refused, (std::vector<std::string>{"spec.provider", "spec.verify"}));
  EXPECT_EQ(fields.ignored, std::vector<std::string>{"spec.sparseCheckout"});
}

}  // namespace
}  // namespace plumb::controller
