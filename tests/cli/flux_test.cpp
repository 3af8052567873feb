// The pure parts of the flux-like commands: table layout, timestamps and LAST SEEN, the
// objects `plumb create` makes and its --export text, and the kind words.
#include <gtest/gtest.h>

#include "cli/flux_common.hpp"
#include "cli/flux_manifests.hpp"
#include "cli/flux_table.hpp"
#include "controller/flux_types.hpp"
#include "controller/helmrelease_types.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::flux {
namespace {

using namespace std::chrono;

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

SystemTime at(std::string_view timestamp) {
  return parse_rfc3339(timestamp).value();
}

// --- table -----------------------------------------------------------------------------

// The layout of flux's own `get kustomization` test (cmd/flux/testdata): cells padded to the
// column, a tab after each; the header's last cell ends in a space.
TEST(FluxTable, LayoutOfFluxGet) {
  std::string out = format_table(
      {"NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"},
      {{"tkfg", "6.0.0/627d5c4b", "False", "True", "Applied revision: 6.0.0/627d5c4b"}});
  EXPECT_EQ(out,
            "NAME\tREVISION      \tSUSPENDED\tREADY\tMESSAGE                          \n"
            "tkfg\t6.0.0/627d5c4b\tFalse    \tTrue \tApplied revision: 6.0.0/627d5c4b\t\n");
}

TEST(FluxTable, WidthsCountCodePointsAndWidestCellWins) {
  std::string out = format_table({"A", "B"}, {{"✔✔", "x"}, {"abc", "yy"}});
  EXPECT_EQ(out, "A  \tB  \n✔✔ \tx \t\nabc\tyy\t\n");
}

TEST(FluxTable, RowsWithoutHeaderAsWatchPrintsThem) {
  EXPECT_EQ(format_table({}, {{"apps", "main@sha1:1", "False"}}), "apps\tmain@sha1:1\tFalse\t\n");
}

TEST(FluxTable, CellWithLineBreaksSpansLines) {
  EXPECT_EQ(format_table({"N", "MESSAGE"}, {{"a", "one\nthree"}}),
            "N\tMESSAGE \na\tone    \t\n  \tthree  \t\n");
}

// --- time ------------------------------------------------------------------------------

TEST(FluxTime, LastSeenAsFluxEventsPrintsIt) {
  SystemTime now = at("2026-11-23T20:15:04Z");
  EXPECT_EQ(last_seen(yaml("firstTimestamp: 2026-11-23T20:14:52Z\n"
                           "lastTimestamp: 2026-11-23T20:14:52Z\ncount: 1\n"),
                      now),
            "12s");
  EXPECT_EQ(last_seen(yaml("firstTimestamp: 2026-11-23T20:05:04Z\n"
                           "lastTimestamp: 2026-11-23T20:10:04Z\ncount: 3\n"),
                      now),
            "5m (x3 over 10m)");
  EXPECT_EQ(last_seen(yaml("eventTime: 2026-11-23T20:12:00.500000Z\n"), now), "3m3s");
  EXPECT_EQ(last_seen(yaml("series: {count: 4, lastObservedTime: 2026-11-23T20:15:00.000000Z}\n"
                           "eventTime: 2026-11-23T16:15:04.000000Z\n"),
                      now),
            "4s (x4 over 4h)");
  EXPECT_EQ(last_seen(yaml("reason: x\n"), now), "<unknown>");
}

TEST(FluxTime, EventTimePrefersLastTimestamp) {
  Node event = yaml(
      "firstTimestamp: 2026-11-23T20:00:00Z\nlastTimestamp: 2026-11-23T20:10:00Z\n"
      "eventTime: 2026-11-23T19:00:00.000000Z\n");
  EXPECT_EQ(event_time(event), at("2026-11-23T20:10:00Z"));
  EXPECT_EQ(event_time(yaml("eventTime: 2026-11-23T19:00:00.000000Z\n")),
            at("2026-11-23T19:00:00Z"));
}

// --- create --export -------------------------------------------------------------------

TEST(FluxCreate, GitSourceExportAsFluxPrintsIt) {
  GitSourceOptions o{
      .name = "podinfo", .url = "https://github.com/stefanprodan/podinfo", .branch = "master"};
  auto object = git_repository_manifest(o);
  ASSERT_TRUE(object) << object.error().message();
  EXPECT_EQ(export_yaml(*object),
            "---\n"
            "apiVersion: source.toolkit.fluxcd.io/v1\n"
            "kind: GitRepository\n"
            "metadata:\n"
            "  name: podinfo\n"
            "  namespace: flux-system\n"
            "spec:\n"
            "  interval: 1m0s\n"
            "  ref:\n"
            "    branch: master\n"
            "  url: https://github.com/stefanprodan/podinfo\n");
}

TEST(FluxCreate, GitSourceRefPrecedenceAndSecret) {
  GitSourceOptions o{.name = "app",
                     .ns = "apps",
                     .url = "ssh://git@example.com/app",
                     .branch = "main",
                     .tag = "v1",
                     .semver = ">=1.0.0 <2.0.0",
                     .commit = "abc123",
                     .secret_ref = "deploy-key",
                     .interval = milliseconds(90000)};
  std::string text = export_yaml(git_repository_manifest(o).value());
  EXPECT_NE(text.find("  interval: 1m30s\n  ref:\n    branch: main\n    commit: abc123\n"
                      "  secretRef:\n    name: deploy-key\n"),
            std::string::npos)
      << text;
  o.commit.clear();
  text = export_yaml(git_repository_manifest(o).value());
  EXPECT_NE(text.find("  ref:\n    semver: '>=1.0.0 <2.0.0'\n"), std::string::npos) << text;
  o.semver.clear();
  text = export_yaml(git_repository_manifest(o).value());
  EXPECT_NE(text.find("  ref:\n    tag: v1\n  secretRef"), std::string::npos) << text;
}

TEST(FluxCreate, GitSourceErrors) {
  GitSourceOptions o{.name = "app", .url = "", .branch = "main"};
  EXPECT_EQ(git_repository_manifest(o).error().message(), "url is required");
  o.url = "ftp://example.com/app";
  EXPECT_EQ(git_repository_manifest(o).error().message(),
            "git URL scheme 'ftp' not supported, can be: ssh, http, https, file");
  o.url = "file:///srv/git/app";
  o.branch.clear();
  EXPECT_NE(git_repository_manifest(o).error().message().find("a Git ref is required"),
            std::string::npos);
}

// The getting-started guide's `flux create kustomization podinfo --target-namespace=default
// --source=podinfo --path="./kustomize" --prune=true --wait=true --interval=30m
// --retry-interval=2m --health-check-timeout=3m --export`.
TEST(FluxCreate, KustomizationExportAsFluxPrintsIt) {
  KustomizationOptions o{.name = "podinfo",
                         .source = "podinfo",
                         .path = "./kustomize",
                         .prune = true,
                         .wait = true,
                         .interval = minutes(30),
                         .retry_interval = minutes(2),
                         .health_check_timeout = minutes(3),
                         .target_namespace = "default"};
  auto object = kustomization_manifest(o);
  ASSERT_TRUE(object) << object.error().message();
  EXPECT_EQ(export_yaml(*object),
            "---\n"
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
            "kind: Kustomization\n"
            "metadata:\n"
            "  name: podinfo\n"
            "  namespace: flux-system\n"
            "spec:\n"
            "  interval: 30m0s\n"
            "  path: ./kustomize\n"
            "  prune: true\n"
            "  retryInterval: 2m0s\n"
            "  sourceRef:\n"
            "    kind: GitRepository\n"
            "    name: podinfo\n"
            "  targetNamespace: default\n"
            "  timeout: 3m0s\n"
            "  wait: true\n");
}

TEST(FluxCreate, KustomizationMinimalAndDependsOn) {
  KustomizationOptions o{.name = "apps",
                         .source = "GitRepository/repo.infra",
                         .path = "apps/../deploy",
                         .depends_on = {"infra", "tenants/base"}};
  EXPECT_EQ(export_yaml(kustomization_manifest(o).value()),
            "---\n"
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
            "kind: Kustomization\n"
            "metadata:\n"
            "  name: apps\n"
            "  namespace: flux-system\n"
            "spec:\n"
            "  dependsOn:\n"
            "  - name: infra\n"
            "  - name: base\n"
            "    namespace: tenants\n"
            "  interval: 1m0s\n"
            "  path: ./deploy\n"
            "  prune: false\n"
            "  sourceRef:\n"
            "    kind: GitRepository\n"
            "    name: repo\n"
            "    namespace: infra\n");
}

// What --export prints is what Plumb's controller reads.
TEST(FluxCreate, ExportIsReadByPlumbsParser) {
  GitSourceOptions g{.name = "podinfo",
                     .url = "https://example.com/podinfo.git",
                     .tag = "6.5.0",
                     .secret_ref = "auth",
                     .interval = milliseconds(30000)};
  auto docs = parse_yaml_stream(export_yaml(git_repository_manifest(g).value()), "export");
  ASSERT_TRUE(docs) << docs.error().message();
  ASSERT_EQ(docs->size(), 1u);
  auto git = controller::parse_git_repository(docs->at(0));
  ASSERT_TRUE(git) << git.error().message();
  EXPECT_EQ(git->url, "https://example.com/podinfo.git");
  EXPECT_EQ(git->interval, milliseconds(30000));
  EXPECT_EQ(git->ref.tag, "6.5.0");
  EXPECT_EQ(git->ref.branch, "");
  EXPECT_EQ(git->secret_name, "auth");

  KustomizationOptions k{.name = "apps",
                         .ns = "team",
                         .source = "podinfo.flux-system",
                         .path = "./apps/prod",
                         .prune = true,
                         .wait = true,
                         .interval = minutes(10),
                         .retry_interval = minutes(1),
                         .target_namespace = "prod",
                         .depends_on = {"infra"}};
  docs = parse_yaml_stream(export_yaml(kustomization_manifest(k).value()), "export");
  ASSERT_TRUE(docs) << docs.error().message();
  auto ks = controller::parse_kustomization(docs->at(0));
  ASSERT_TRUE(ks) << ks.error().message();
  EXPECT_EQ(ks->interval, minutes(10));
  EXPECT_EQ(ks->retry_interval, minutes(1));
  EXPECT_EQ(ks->timeout, minutes(2));
  EXPECT_EQ(ks->path, "./apps/prod");
  EXPECT_TRUE(ks->prune);
  EXPECT_TRUE(ks->wait);
  EXPECT_EQ(ks->target_namespace, "prod");
  EXPECT_EQ(ks->source_ref.name, "podinfo");
  EXPECT_EQ(ks->source_ref.namespace_, "flux-system");
  ASSERT_EQ(ks->depends_on.size(), 1u);
  EXPECT_EQ(ks->depends_on[0].name, "infra");
  EXPECT_EQ(ks->depends_on[0].namespace_, "team");
}

TEST(FluxCreate, SourceRefForms) {
  auto ref = parse_source_ref("podinfo");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->kind, "GitRepository");
  EXPECT_EQ(ref->name, "podinfo");
  EXPECT_EQ(ref->namespace_, "");
  ref = parse_source_ref(" gitrepository/podinfo.flux-system ");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->kind, "GitRepository");
  EXPECT_EQ(ref->name, "podinfo");
  EXPECT_EQ(ref->namespace_, "flux-system");
  EXPECT_EQ(parse_source_ref("").error().message(), "source is required");
  EXPECT_EQ(parse_source_ref("OCIRepository/podinfo").error().message(),
            "source kind 'OCIRepository' is not supported, must be GitRepository");
  EXPECT_FALSE(parse_source_ref("GitRepository/"));
  EXPECT_FALSE(parse_source_ref("GitRepository/a/b"));
}

// flux's own goldens (cmd/flux/testdata/create_source_helm/{https,oci,oci-with-secret}.golden,
// testdata/oci/export_with_secret.golden, testdata/create_hr/{basic,or_basic}.yaml), namespace
// flux-system.
TEST(FluxCreate, HelmRepositoryExportAsFluxPrintsIt) {
  HelmRepositoryOptions o{.name = "podinfo",
                          .url = "https://stefanprodan.github.io/charts/podinfo",
                          .interval = minutes(5)};
  const std::string head =
      "---\n"
      "apiVersion: source.toolkit.fluxcd.io/v1\n"
      "kind: HelmRepository\n"
      "metadata:\n"
      "  name: podinfo\n"
      "  namespace: flux-system\n"
      "spec:\n"
      "  interval: 5m0s\n";
  EXPECT_EQ(export_yaml(helm_repository_manifest(o).value()),
            head + "  url: https://stefanprodan.github.io/charts/podinfo\n");
  o.url = "oci://ghcr.io/stefanprodan/charts/podinfo";
  EXPECT_EQ(export_yaml(helm_repository_manifest(o).value()),
            head + "  type: oci\n  url: oci://ghcr.io/stefanprodan/charts/podinfo\n");
  o.secret_ref = "creds";
  EXPECT_EQ(export_yaml(helm_repository_manifest(o).value()),
            head +
                "  secretRef:\n    name: creds\n  type: oci\n"
                "  url: oci://ghcr.io/stefanprodan/charts/podinfo\n");
  // passCredentials goes with a secret only, as flux writes it.
  o.pass_credentials = true;
  EXPECT_NE(export_yaml(helm_repository_manifest(o).value()).find("  passCredentials: true\n"),
            std::string::npos);
  o.secret_ref.clear();
  EXPECT_EQ(export_yaml(helm_repository_manifest(o).value()).find("passCredentials"),
            std::string::npos);
  o.url = "git://example.com/charts";
  EXPECT_EQ(helm_repository_manifest(o).error().message(),
            "url scheme 'git' not supported, can be: http, https and oci");
  o.url.clear();
  EXPECT_EQ(helm_repository_manifest(o).error().message(), "url is required");
}

TEST(FluxCreate, OciRepositoryExportAsFluxPrintsIt) {
  OciRepositoryOptions o{.name = "podinfo",
                         .url = "oci://ghcr.io/stefanprodan/manifests/podinfo",
                         .tag = "6.3.5",
                         .secret_ref = "creds",
                         .interval = minutes(10)};
  EXPECT_EQ(export_yaml(oci_repository_manifest(o).value()),
            "---\n"
            "apiVersion: source.toolkit.fluxcd.io/v1\n"
            "kind: OCIRepository\n"
            "metadata:\n"
            "  name: podinfo\n"
            "  namespace: flux-system\n"
            "spec:\n"
            "  interval: 10m0s\n"
            "  ref:\n"
            "    tag: 6.3.5\n"
            "  secretRef:\n"
            "    name: creds\n"
            "  url: oci://ghcr.io/stefanprodan/manifests/podinfo\n");
  o.digest = "sha256:abc";
  o.semver = "6.x";
  o.insecure = true;
  EXPECT_NE(export_yaml(oci_repository_manifest(o).value())
                .find("spec:\n  insecure: true\n  interval: 10m0s\n  ref:\n    digest: sha256:abc\n"
                      "    semver: 6.x\n    tag: 6.3.5\n"),
            std::string::npos);
  o.tag = o.semver = o.digest = "";
  EXPECT_EQ(oci_repository_manifest(o).error().message(),
            "--tag, --tag-semver or --digest is required");
  o.tag = "1";
  o.url = "ghcr.io/stefanprodan/manifests/podinfo";
  EXPECT_FALSE(oci_repository_manifest(o));
}

TEST(FluxCreate, HelmReleaseExportAsFluxPrintsIt) {
  const std::string head =
      "---\n"
      "apiVersion: helm.toolkit.fluxcd.io/v2\n"
      "kind: HelmRelease\n"
      "metadata:\n"
      "  name: podinfo\n"
      "  namespace: flux-system\n"
      "spec:\n";
  HelmReleaseOptions o{.name = "podinfo", .source = "Helmrepository/podinfo", .chart = "podinfo"};
  EXPECT_EQ(export_yaml(helm_release_manifest(o).value()),
            head +
                "  chart:\n"
                "    spec:\n"
                "      chart: podinfo\n"
                "      reconcileStrategy: ChartVersion\n"
                "      sourceRef:\n"
                "        kind: HelmRepository\n"
                "        name: podinfo\n"
                "  interval: 1m0s\n");
  HelmReleaseOptions ref{.name = "podinfo", .chart_ref = "OCIRepository/podinfo"};
  EXPECT_EQ(export_yaml(helm_release_manifest(ref).value()),
            head + "  chartRef:\n    kind: OCIRepository\n    name: podinfo\n  interval: 1m0s\n");
}

TEST(FluxCreate, HelmReleaseEveryFlag) {
  HelmReleaseOptions o{.name = "web",
                       .ns = "apps",
                       .source = "gitrepository/charts.flux-system",
                       .chart = "./charts/web",
                       .chart_version = ">4.0.0",
                       .target_namespace = "prod",
                       .release_name = "web-prod",
                       .values = yaml("replicas: 2\nimage: {tag: v1}\n"),
                       .values_from = {"secret/web-values", "ConfigMap/web-config"},
                       .depends_on = {"db", "infra/ingress"},
                       .interval = minutes(10)};
  EXPECT_EQ(export_yaml(helm_release_manifest(o).value()),
            "---\n"
            "apiVersion: helm.toolkit.fluxcd.io/v2\n"
            "kind: HelmRelease\n"
            "metadata:\n"
            "  name: web\n"
            "  namespace: apps\n"
            "spec:\n"
            "  chart:\n"
            "    spec:\n"
            "      chart: ./charts/web\n"
            "      reconcileStrategy: ChartVersion\n"
            "      sourceRef:\n"
            "        kind: GitRepository\n"
            "        name: charts\n"
            "        namespace: flux-system\n"
            "      version: '>4.0.0'\n"
            "  dependsOn:\n"
            "  - name: db\n"
            "  - name: ingress\n"
            "    namespace: infra\n"
            "  interval: 10m0s\n"
            "  releaseName: web-prod\n"
            "  targetNamespace: prod\n"
            "  values:\n"
            "    image:\n"
            "      tag: v1\n"
            "    replicas: 2\n"
            "  valuesFrom:\n"
            "  - kind: Secret\n"
            "    name: web-values\n"
            "  - kind: ConfigMap\n"
            "    name: web-config\n");
  // What the controller reads back from it.
  auto docs = parse_yaml_stream(export_yaml(helm_release_manifest(o).value()), "export");
  ASSERT_TRUE(docs) << docs.error().message();
  auto spec = controller::parse_helm_release(docs->at(0));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->chart, "./charts/web");
  EXPECT_EQ(spec->version, ">4.0.0");
  EXPECT_EQ(spec->source_ref.kind, "GitRepository");
  EXPECT_EQ(spec->source_ref.namespace_, "flux-system");
  EXPECT_EQ(spec->release_name, "web-prod");
  EXPECT_EQ(spec->interval, minutes(10));
  ASSERT_EQ(spec->values_from.size(), 2u);
  EXPECT_EQ(spec->values_from[0].kind, "Secret");
  EXPECT_EQ(spec->values_from[0].values_key, "values.yaml");
  EXPECT_EQ(spec->values.string_at({"image", "tag"}), "v1");
  ASSERT_EQ(spec->depends_on.size(), 2u);
  EXPECT_EQ(spec->depends_on[0].namespace_, "apps");
}

TEST(FluxCreate, HelmReleaseErrorsAsFluxWordsThem) {
  auto error = [](HelmReleaseOptions o) {
    o.name = "podinfo";
    auto made = helm_release_manifest(o);
    return made ? std::string("(made)") : made.error().message();
  };
  EXPECT_EQ(error({}), "chart or chart-ref is required");
  EXPECT_EQ(error({.chart = "podinfo", .chart_ref = "foobar/podinfo"}),
            "cannot use --chart in combination with --chart-ref");
  EXPECT_EQ(error({.source = "foobar/podinfo", .chart = "podinfo"}),
            "source kind 'foobar' is not supported, must be one of: HelmRepository, "
            "GitRepository, Bucket");
  EXPECT_EQ(error({.chart_ref = "foobar/podinfo"}),
            "chart reference kind 'foobar' is not supported, must be one of: OCIRepository, "
            "HelmChart");
  EXPECT_EQ(error({.source = "podinfo", .chart = "podinfo"}),
            "invalid source 'podinfo', must be in format <kind>/<name>[.<namespace>]");
  EXPECT_EQ(error({.source = "HelmRepository/p", .chart = "c", .values_from = {"values"}}),
            "invalid Kubernetes object reference 'values', must be in format <kind>/<name>");
  EXPECT_EQ(error({.source = "HelmRepository/p", .chart = "c", .values_from = {"Pod/x"}}),
            "reference kind 'Pod' is not supported, must be one of: Secret, ConfigMap");
}

TEST(FluxCreate, RelativePathsAsFluxCleansThem) {
  EXPECT_EQ(clean_relative_path(""), "./");
  EXPECT_EQ(clean_relative_path("./"), "./");
  EXPECT_EQ(clean_relative_path("./kustomize"), "./kustomize");
  EXPECT_EQ(clean_relative_path("apps//prod/"), "./apps/prod");
  EXPECT_EQ(clean_relative_path("apps/../base"), "./base");
  EXPECT_EQ(clean_relative_path("../../etc"), "./etc");
  EXPECT_EQ(clean_relative_path("/abs/path"), "./abs/path");
}

// --- kinds and Ready -------------------------------------------------------------------

TEST(FluxKinds, KindWords) {
  using Words = std::vector<std::string>;
  for (std::string word : {"ks", "kustomization", "kustomizations"}) {
    auto s = select_kind(Words{word, "apps"}, AllSources::refused);
    ASSERT_TRUE(s) << word;
    EXPECT_EQ(s->kind, &kustomization_kind());
    EXPECT_EQ(s->names, Words{"apps"});
  }
  auto git = select_kind(Words{"source", "git", "podinfo"}, AllSources::refused);
  ASSERT_TRUE(git);
  EXPECT_EQ(git->kind, &git_repository_kind());
  EXPECT_FALSE(git->all_sources);
  EXPECT_EQ(git->names, Words{"podinfo"});
  auto all = select_kind(Words{"sources"}, AllSources::allowed);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->all_sources);
  EXPECT_FALSE(select_kind(Words{"sources"}, AllSources::refused));
  auto hr = select_kind(Words{"hr", "web"}, AllSources::refused);
  ASSERT_TRUE(hr) << hr.error().message();
  EXPECT_EQ(hr->kind->kind, "HelmRelease");
  EXPECT_EQ(hr->names, Words{"web"});
  auto unknown = select_kind(Words{"alerts"}, AllSources::allowed);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find(
                "unknown kind 'alerts'; kinds: kustomizations (kustomization, ks), "
                "helmreleases (helmrelease, hr)"),
            std::string::npos)
      << unknown.error().message();
  auto helm = select_kind(Words{"sources", "helm", "podinfo"}, AllSources::refused);
  ASSERT_TRUE(helm) << helm.error().message();
  EXPECT_EQ(helm->kind, &helm_repository_kind());
  EXPECT_EQ(helm->names, Words{"podinfo"});
  auto oci = select_kind(Words{"source", "oci", "x"}, AllSources::refused);
  ASSERT_TRUE(oci) << oci.error().message();
  EXPECT_EQ(oci->kind, &oci_repository_kind());
  auto bucket = select_kind(Words{"source", "bucket", "x"}, AllSources::refused);
  ASSERT_FALSE(bucket);
  EXPECT_EQ(bucket.error().message(), "unknown source kind 'bucket'; source kinds: git, helm, oci");
  EXPECT_FALSE(select_kind(Words{}, AllSources::refused));
}

TEST(FluxKinds, ReadinessFromTheReadyCondition) {
  Readiness none = readiness_of(yaml("metadata: {name: a}\n"));
  EXPECT_FALSE(none.found);
  EXPECT_EQ(none.status, "False");
  EXPECT_EQ(none.message, "waiting to be reconciled");
  Readiness stale = readiness_of(yaml(R"(
metadata: {name: a, generation: 3}
status:
  conditions:
  - {type: Reconciling, status: "True"}
  - {type: Ready, status: "True", reason: ReconciliationSucceeded, message: done,
     observedGeneration: 2}
)"));
  EXPECT_TRUE(stale.found);
  EXPECT_FALSE(stale.current);
  EXPECT_EQ(stale.status, "True");
  EXPECT_EQ(stale.message, "done");
  EXPECT_EQ(revision_of(kustomization_kind(), yaml("status: {lastAppliedRevision: main@sha1:1}")),
            "main@sha1:1");
  EXPECT_EQ(revision_of(git_repository_kind(), yaml("status: {artifact: {revision: main@sha1:2}}")),
            "main@sha1:2");
  EXPECT_EQ(revision_of(git_repository_kind(), yaml("status: {}")), "");
  EXPECT_TRUE(is_suspended(yaml("spec: {suspend: true}")));
  EXPECT_FALSE(is_suspended(yaml("spec: {}")));
}

}  // namespace
}  // namespace plumb::cli::flux
