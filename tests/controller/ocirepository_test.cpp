// OCIRepository specs and a HelmRelease's chartRef as Plumb reads them, and the
// OCIRepository status written from an outcome.
#include <gtest/gtest.h>

#include "controller/helmrelease_types.hpp"
#include "controller/ocirepository.hpp"
#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test").value();
}

TEST(OciRepository, SpecFieldsAndErrors) {
  auto spec = parse_oci_repository(yaml(R"(
kind: OCIRepository
metadata: {name: site, namespace: flux-system}
spec:
  interval: 5m
  url: oci://registry.example.com/manifests/site
  insecure: true
  ref: {semver: ">=1.0.0", tag: latest}
  layerSelector: {mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip, operation: copy}
  secretRef: {name: creds}
)"));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->interval, std::chrono::minutes(5));
  EXPECT_EQ(spec->semver, ">=1.0.0");
  EXPECT_EQ(spec->tag, "latest");
  EXPECT_TRUE(spec->copy);
  EXPECT_TRUE(spec->insecure);
  EXPECT_EQ(spec->secret_name, "creds");
  EXPECT_EQ(spec->layer_media_type, "application/vnd.cncf.helm.chart.content.v1.tar+gzip");

  auto bad = [](std::string_view fields) {
    auto parsed = parse_oci_repository(
        yaml("kind: OCIRepository\nmetadata: {name: s, namespace: n}\nspec:\n  interval: 1m\n" +
             std::string(fields)));
    return parsed ? std::string() : parsed.error().message();
  };
  EXPECT_EQ(bad("  url: https://example.com/x\n"),
            "OCIRepository/n/s: spec.url: must start with oci://");
  EXPECT_EQ(bad("  url: oci://r.example.com/x:1.0\n"),
            "OCIRepository/n/s: spec.url: a tag or digest goes in spec.ref, not in the URL");
  EXPECT_EQ(bad("  url: oci://r.example.com/x\n  layerSelector: {operation: unpack}\n"),
            "OCIRepository/n/s: spec.layerSelector.operation: must be extract or copy");
}

TEST(OciRepository, StatusCarriesTheArtifactAndArtifactInStorage) {
  Node object = yaml("kind: OCIRepository\nmetadata: {name: site, namespace: fs, generation: 3}\n");
  Outcome ok{.reason = Reason::succeeded,
             .revision = "1.0.0@sha256:" + std::string(64, 'a'),
             .artifact_digest = "sha256:" + std::string(64, 'b')};
  Node status = oci_repository_status(object, ok, "2026-01-01T00:00:00Z");
  EXPECT_EQ(status.string_at({"artifact", "revision"}), ok.revision);
  EXPECT_EQ(status.string_at({"artifact", "digest"}), ok.artifact_digest);
  EXPECT_EQ(status.string_at({"artifact", "path"}),
            "ocirepository/fs/site/" + std::string(64, 'b') + ".tar.gz");
  EXPECT_EQ(status.at_path({"observedGeneration"})->as_int(), 3);
  EXPECT_NE(to_yaml(status).find("type: ArtifactInStorage"), std::string::npos) << to_yaml(status);

  object.set("status", status);
  Outcome failed = Outcome::failure(Reason::oci_pull_failed, Error("oci://r/x: unreachable"));
  Node after = oci_repository_status(object, failed, "2026-01-01T00:01:00Z");
  EXPECT_EQ(after.string_at({"artifact", "revision"}), ok.revision);  // the last artifact stays
  EXPECT_NE(to_yaml(after).find("reason: OCIArtifactPullFailed"), std::string::npos)
      << to_yaml(after);
}

TEST(OciRepository, HelmReleaseChartRef) {
  auto spec = parse_helm_release(yaml(R"(
kind: HelmRelease
metadata: {name: web, namespace: shop}
spec:
  interval: 1m
  chartRef: {kind: OCIRepository, name: podinfo}
  values: {replicaCount: 2}
)"));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_TRUE(spec->chart_ref);
  EXPECT_EQ(spec->source_ref.kind, "OCIRepository");
  EXPECT_EQ(spec->source_ref.name, "podinfo");
  EXPECT_EQ(spec->source_ref.namespace_, "shop");
  EXPECT_EQ(spec->release_name, "web");
  EXPECT_EQ(spec->values.at_path({"replicaCount"})->as_int(), 2);

  auto both = parse_helm_release(yaml(R"(
kind: HelmRelease
metadata: {name: web, namespace: shop}
spec:
  interval: 1m
  chartRef: {kind: OCIRepository, name: podinfo}
  chart: {spec: {chart: c, sourceRef: {kind: GitRepository, name: g}}}
)"));
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().message(),
            "HelmRelease/shop/web: spec.chartRef: and spec.chart exclude each other");
  auto kind = parse_helm_release(yaml(R"(
kind: HelmRelease
metadata: {name: web, namespace: shop}
spec:
  interval: 1m
  chartRef: {kind: GitRepository, name: g}
)"));
  ASSERT_FALSE(kind);
  EXPECT_EQ(kind.error().message(),
            "HelmRelease/shop/web: spec.chartRef.kind: must be "
            "OCIRepository or HelmChart, not 'GitRepository'");
}

}  // namespace
}  // namespace plumb::controller
