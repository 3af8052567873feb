// HelmRepository specs as Plumb reads them, and the status written from an outcome.
#include <gtest/gtest.h>

#include "controller/helmrepository.hpp"
#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test").value();
}

std::string error_of(std::string_view spec) {
  auto parsed = parse_helm_repository(
      yaml("kind: HelmRepository\nmetadata: {name: r, namespace: n}\nspec:\n" + std::string(spec)));
  return parsed ? std::string() : parsed.error().message();
}

TEST(HelmRepository, SpecFieldsAndErrors) {
  auto spec = parse_helm_repository(yaml(R"(
kind: HelmRepository
metadata: {name: podinfo, namespace: flux-system}
spec:
  interval: 5m
  url: https://stefanprodan.github.io/podinfo
  secretRef: {name: creds}
  passCredentials: true
)"));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->interval, std::chrono::minutes(5));
  EXPECT_FALSE(spec->oci);
  EXPECT_EQ(spec->secret_name, "creds");
  EXPECT_TRUE(spec->pass_credentials);
  auto oci = parse_helm_repository(
      yaml("kind: HelmRepository\nmetadata: {name: r, namespace: n}\n"
           "spec: {type: oci, url: 'oci://ghcr.io/charts', insecure: true}\n"));
  ASSERT_TRUE(oci) << oci.error().message();  // no interval needed: nothing is fetched
  EXPECT_TRUE(oci->oci);
  EXPECT_TRUE(oci->insecure);

  EXPECT_EQ(error_of("  url: oci://ghcr.io/charts\n"),
            "HelmRepository/n/r: spec.url: must start with http:// or https:// (oci:// needs "
            "type oci)");
  EXPECT_EQ(error_of("  type: oci\n  url: https://example.com\n"),
            "HelmRepository/n/r: spec.url: must start with oci:// for type oci");
  EXPECT_EQ(error_of("  type: git\n  url: https://example.com\n"),
            "HelmRepository/n/r: spec.type: must be default or oci, not 'git'");
}

TEST(HelmRepository, StatusAsSourceControllerWritesIt) {
  Node object =
      yaml("kind: HelmRepository\nmetadata: {name: podinfo, namespace: fs, generation: 2}\n");
  std::string digest = "sha256:" + std::string(64, 'c');
  Outcome ok{.reason = Reason::succeeded,
             .revision = digest,
             .artifact_digest = digest,
             .artifact_size = 1234};
  Node status = helm_repository_status(object, ok, "2026-01-01T00:00:00Z");
  EXPECT_EQ(status.string_at({"artifact", "revision"}), digest);
  EXPECT_EQ(status.at_path({"artifact", "size"})->as_int(), 1234);
  EXPECT_EQ(status.string_at({"artifact", "path"}),
            "helmrepository/fs/podinfo/index-" + std::string(64, 'c') + ".yaml");
  std::string text = to_yaml(status);
  EXPECT_NE(text.find("message: 'stored artifact: revision ''" + digest + "'''"), std::string::npos)
      << text;
  EXPECT_NE(text.find("type: ArtifactInStorage"), std::string::npos) << text;

  object.set("status", status);
  Outcome failed =
      Outcome::failure(Reason::index_fetch_failed,
                       Error("failed to fetch Helm repository index: connection refused"));
  Node after = helm_repository_status(object, failed, "2026-01-01T00:01:00Z");
  EXPECT_EQ(after.string_at({"artifact", "revision"}), digest);  // the last artifact stays
  EXPECT_NE(to_yaml(after).find("reason: Failed"), std::string::npos) << to_yaml(after);
}

}  // namespace
}  // namespace plumb::controller
