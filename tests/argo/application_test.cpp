#include "argo/application.hpp"

#include <gtest/gtest.h>

#include <string>

#include "yaml_test_util.hpp"

namespace plumb::argo {
namespace {

using namespace std::chrono_literals;

// An Application argocd/guestbook with `spec` (indented by two spaces) and `metadata` extras.
Node app_yaml(std::string_view spec, std::string_view metadata = "") {
  return yaml(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
      "  name: guestbook\n  namespace: argocd\n" +
      std::string(metadata) + "spec:\n" + std::string(spec));
}

constexpr std::string_view k_minimal =
    "  source:\n    repoURL: https://github.com/argoproj/argocd-example-apps.git\n"
    "    path: guestbook\n"
    "  destination:\n    server: https://kubernetes.default.svc\n    namespace: guestbook\n";

Application parse(std::string_view spec, std::string_view metadata = "") {
  Result<Application> app = parse_application(app_yaml(spec, metadata));
  EXPECT_TRUE(app) << app.error().message();
  return app ? *app : Application{};
}

std::string error_of(std::string_view spec, std::string_view metadata = "") {
  Result<Application> app = parse_application(app_yaml(spec, metadata));
  return app ? "parsed" : app.error().message();
}

TEST(ArgoApplication, ReadsEveryField) {
  Application app = parse(R"(  project: team-a
  source:
    repoURL: https://github.com/example/apps.git
    path: overlays/prod
    targetRevision: v1.2.0
    directory:
      recurse: true
      include: '*.yaml'
      exclude: 'skip/*'
      jsonnet: {}
    kustomize:
      namePrefix: pre-
      nameSuffix: -suf
      namespace: kns
      images: [nginx:1.25, "redis=redis:7"]
      commonLabels: {team: a, tier: web}
      commonAnnotations: {note: x}
      patches:
      - target: {kind: Deployment}
        patch: '[{"op": "replace", "path": "/spec/replicas", "value": 2}]'
      components: [../components/monitoring]
      replicas:
      - name: web
        count: 3
      - name: worker
        count: "5"
      forceCommonLabels: true
      kubeVersion: "1.30"
      apiVersions: [monitoring.coreos.com/v1]
    helm:
      valueFiles: [values-prod.yaml]
      values: |
        replicas: 2
      valuesObject:
        image: {tag: v2}
      parameters:
      - name: image.tag
        value: v3
        forceString: true
      fileParameters:
      - name: config
        path: files/config.json
      releaseName: gb
      namespace: hns
      skipCrds: true
      skipTests: true
      ignoreMissingValueFiles: true
      kubeVersion: "1.29"
      apiVersions: [batch/v1]
      passCredentials: true
  destination:
    name: in-cluster
    namespace: guestbook
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
      allowEmpty: true
    syncOptions: [CreateNamespace=true, PruneLast=true]
    retry:
      limit: 5
      refresh: true
      backoff:
        duration: "10"
        factor: 3
        maxDuration: 5m
    managedNamespaceMetadata:
      labels: {env: prod}
      annotations: {owner: team-a}
  ignoreDifferences:
  - group: apps
    kind: Deployment
    name: web
    namespace: guestbook
    jsonPointers: [/spec/replicas]
    jqPathExpressions: [".spec.template.spec.containers[].image"]
    managedFieldsManagers: [kube-controller-manager]
  revisionHistoryLimit: 3
  someFutureField: kept out of the way
)",
                          "  finalizers: [resources-finalizer.argocd.argoproj.io/background]\n"
                          "  annotations:\n    argocd.argoproj.io/refresh: hard\n"
                          "    argocd.argoproj.io/deletion-approved: '2025-01-01T00:00:00Z'\n"
                          "    argocd.argoproj.io/skip-reconcile: 'true'\n");
  EXPECT_EQ(app.name, "guestbook");
  EXPECT_EQ(app.namespace_, "argocd");
  EXPECT_EQ(app.project, "team-a");
  EXPECT_FALSE(app.multi_source);
  ASSERT_EQ(app.sources.size(), 1u);
  const ApplicationSource& s = app.sources[0];
  EXPECT_EQ(s.repo_url, "https://github.com/example/apps.git");
  EXPECT_EQ(s.path, "overlays/prod");
  EXPECT_EQ(s.target_revision, "v1.2.0");
  ASSERT_TRUE(s.directory);
  EXPECT_TRUE(s.directory->recurse);
  EXPECT_EQ(s.directory->include, "*.yaml");
  EXPECT_EQ(s.directory->exclude, "skip/*");
  ASSERT_TRUE(s.kustomize);
  const KustomizeOptions& k = *s.kustomize;
  EXPECT_EQ(k.name_prefix, "pre-");
  EXPECT_EQ(k.name_suffix, "-suf");
  EXPECT_EQ(k.namespace_, "kns");
  EXPECT_EQ(k.images, (std::vector<std::string>{"nginx:1.25", "redis=redis:7"}));
  EXPECT_EQ(k.common_labels, (StringPairs{{"team", "a"}, {"tier", "web"}}));
  EXPECT_EQ(k.common_annotations, (StringPairs{{"note", "x"}}));
  ASSERT_EQ(k.patches.size(), 1u);
  EXPECT_EQ(k.patches[0].string_at({"target", "kind"}), "Deployment");
  EXPECT_EQ(k.components, (std::vector<std::string>{"../components/monitoring"}));
  ASSERT_EQ(k.replicas.size(), 2u);
  EXPECT_EQ(k.replicas[0].name, "web");
  EXPECT_EQ(k.replicas[0].count, 3);
  EXPECT_EQ(k.replicas[1].count, 5);
  EXPECT_TRUE(k.force_common_labels);
  EXPECT_FALSE(k.force_common_annotations);
  EXPECT_EQ(k.kube_version, "1.30");
  EXPECT_EQ(k.api_versions, (std::vector<std::string>{"monitoring.coreos.com/v1"}));
  ASSERT_TRUE(s.helm);
  const HelmOptions& h = *s.helm;
  EXPECT_EQ(h.value_files, (std::vector<std::string>{"values-prod.yaml"}));
  EXPECT_EQ(h.values, "replicas: 2\n");
  EXPECT_EQ(h.values_object.string_at({"image", "tag"}), "v2");
  ASSERT_EQ(h.parameters.size(), 1u);
  EXPECT_EQ(h.parameters[0].name, "image.tag");
  EXPECT_EQ(h.parameters[0].value, "v3");
  EXPECT_TRUE(h.parameters[0].force_string);
  EXPECT_EQ(h.file_parameters, (StringPairs{{"config", "files/config.json"}}));
  EXPECT_EQ(h.release_name, "gb");
  EXPECT_EQ(h.namespace_, "hns");
  EXPECT_TRUE(h.skip_crds);
  EXPECT_TRUE(h.skip_tests);
  EXPECT_TRUE(h.ignore_missing_value_files);
  EXPECT_EQ(h.kube_version, "1.29");
  EXPECT_EQ(h.api_versions, (std::vector<std::string>{"batch/v1"}));
  EXPECT_TRUE(h.pass_credentials);
  EXPECT_EQ(app.destination.name, "in-cluster");
  EXPECT_EQ(app.destination.server, "");
  EXPECT_EQ(app.destination.namespace_, "guestbook");
  ASSERT_TRUE(app.sync_policy.automated);
  EXPECT_TRUE(app.sync_policy.automated->prune);
  EXPECT_TRUE(app.sync_policy.automated->self_heal);
  EXPECT_TRUE(app.sync_policy.automated->allow_empty);
  EXPECT_TRUE(app.sync_policy.automated->enabled);
  EXPECT_EQ(app.sync_policy.options.create_namespace, true);
  EXPECT_EQ(app.sync_policy.options.prune_last, true);
  ASSERT_TRUE(app.sync_policy.retry);
  EXPECT_EQ(app.sync_policy.retry->limit, 5);
  EXPECT_TRUE(app.sync_policy.retry->refresh);
  EXPECT_EQ(app.sync_policy.retry->backoff.duration, 10s);
  EXPECT_EQ(app.sync_policy.retry->backoff.factor, 3);
  EXPECT_EQ(app.sync_policy.retry->backoff.max_duration, 5min);
  EXPECT_TRUE(app.sync_policy.has_managed_namespace_metadata);
  EXPECT_EQ(app.sync_policy.managed_namespace_labels, (StringPairs{{"env", "prod"}}));
  EXPECT_EQ(app.sync_policy.managed_namespace_annotations, (StringPairs{{"owner", "team-a"}}));
  ASSERT_EQ(app.ignore_differences.size(), 1u);
  const IgnoreDifference& d = app.ignore_differences[0];
  EXPECT_EQ(d.group, "apps");
  EXPECT_EQ(d.kind, "Deployment");
  EXPECT_EQ(d.name, "web");
  EXPECT_EQ(d.namespace_, "guestbook");
  EXPECT_EQ(d.json_pointers, (std::vector<std::string>{"/spec/replicas"}));
  EXPECT_EQ(d.jq_path_expressions,
            (std::vector<std::string>{".spec.template.spec.containers[].image"}));
  EXPECT_EQ(d.managed_fields_managers, (std::vector<std::string>{"kube-controller-manager"}));
  EXPECT_EQ(app.revision_history_limit, 3);
  EXPECT_EQ(app.cascade, Application::Cascade::background);
  EXPECT_EQ(app.refresh, "hard");
  EXPECT_EQ(app.deletion_approved, "2025-01-01T00:00:00Z");
  EXPECT_TRUE(app.skip_reconcile);
}

TEST(ArgoApplication, DefaultsAreArgos) {
  Application app = parse(k_minimal);
  EXPECT_EQ(app.project, "default");
  EXPECT_EQ(app.revision_history_limit, 10);
  EXPECT_EQ(app.sources[0].target_revision, "");
  EXPECT_FALSE(app.sources[0].directory);
  EXPECT_FALSE(app.sync_policy.automated);
  EXPECT_FALSE(app.sync_policy.retry);
  EXPECT_FALSE(app.sync_policy.has_managed_namespace_metadata);
  EXPECT_EQ(app.cascade, Application::Cascade::none);
  EXPECT_EQ(app.refresh, "");
  EXPECT_FALSE(app.skip_reconcile);
  EXPECT_EQ(parse(std::string(k_minimal) + "  project: \"\"\n").project, "default");
  EXPECT_EQ(parse(std::string(k_minimal) + "  revisionHistoryLimit: 0\n").revision_history_limit,
            0);
}

TEST(ArgoApplication, AutomatedSyncDefaults) {
  Application empty = parse(std::string(k_minimal) + "  syncPolicy:\n    automated: {}\n");
  ASSERT_TRUE(empty.sync_policy.automated);
  EXPECT_TRUE(empty.sync_policy.automated->enabled);
  EXPECT_FALSE(empty.sync_policy.automated->prune);
  EXPECT_FALSE(empty.sync_policy.automated->self_heal);
  Application disabled =
      parse(std::string(k_minimal) + "  syncPolicy:\n    automated:\n      enabled: false\n");
  ASSERT_TRUE(disabled.sync_policy.automated);
  EXPECT_FALSE(disabled.sync_policy.automated->enabled);
  EXPECT_FALSE(
      parse(std::string(k_minimal) + "  syncPolicy:\n    automated: null\n").sync_policy.automated);
}

TEST(ArgoApplication, RetryDefaultsAndDurations) {
  Application app = parse(std::string(k_minimal) + "  syncPolicy:\n    retry: {}\n");
  ASSERT_TRUE(app.sync_policy.retry);
  EXPECT_EQ(app.sync_policy.retry->limit, 0);  // no retry
  EXPECT_EQ(app.sync_policy.retry->backoff.duration, 5s);
  EXPECT_EQ(app.sync_policy.retry->backoff.factor, 2);
  EXPECT_EQ(app.sync_policy.retry->backoff.max_duration, 3min);
  Application forever = parse(std::string(k_minimal) +
                              "  syncPolicy:\n    retry:\n      limit: -1\n      backoff:\n"
                              "        duration: 1m30s\n        maxDuration: \"600\"\n");
  EXPECT_EQ(forever.sync_policy.retry->limit, -1);
  EXPECT_EQ(forever.sync_policy.retry->backoff.duration, 90s);
  EXPECT_EQ(forever.sync_policy.retry->backoff.max_duration, 10min);
  EXPECT_EQ(error_of(std::string(k_minimal) +
                     "  syncPolicy:\n    retry:\n      backoff:\n        duration: 5x\n"),
            "Application argocd/guestbook: spec.syncPolicy.retry.backoff.duration: unable to "
            "parse 5x as a duration");
}

TEST(ArgoApplication, SourcesWinOverSource) {
  Application app = parse(R"(  source:
    repoURL: https://ignored.example/repo.git
    path: x
  sources:
  - repoURL: https://charts.example.com
    chart: web
    targetRevision: 1.2.3
    helm:
      valueFiles: [$values/web/values.yaml]
  - repoURL: https://github.com/example/values.git
    ref: values
  destination:
    server: https://kubernetes.default.svc
)");
  EXPECT_TRUE(app.multi_source);
  ASSERT_EQ(app.sources.size(), 2u);
  EXPECT_EQ(app.sources[0].chart, "web");
  EXPECT_EQ(app.sources[1].ref, "values");
}

TEST(ArgoApplication, ForceInTheAppsOptionsIsIgnoredAsArgoDoes) {
  Application app =
      parse(std::string(k_minimal) + "  syncPolicy:\n    syncOptions: [Force=true, Bogus=1]\n");
  EXPECT_FALSE(app.sync_policy.options.force.has_value());
  ASSERT_EQ(app.sync_policy.options.ignored.size(), 2u);
  EXPECT_EQ(app.sync_policy.options.ignored[1],
            "spec.syncPolicy.syncOptions: Force=...: a resource-level option (ignored, as Argo "
            "CD does)");
}

TEST(ArgoApplication, CascadeFromTheFinalizers) {
  auto cascade = [](std::string_view finalizers) {
    return parse(k_minimal, "  finalizers: " + std::string(finalizers) + "\n").cascade;
  };
  EXPECT_EQ(cascade("[resources-finalizer.argocd.argoproj.io]"), Application::Cascade::foreground);
  EXPECT_EQ(cascade("[resources-finalizer.argocd.argoproj.io/foreground]"),
            Application::Cascade::foreground);
  EXPECT_EQ(cascade("[resources-finalizer.argocd.argoproj.io/background]"),
            Application::Cascade::background);
  EXPECT_EQ(cascade("[example.com/other]"), Application::Cascade::none);
  EXPECT_EQ(cascade("[example.com/other, resources-finalizer.argocd.argoproj.io/background, "
                    "resources-finalizer.argocd.argoproj.io]"),
            Application::Cascade::background);
}

TEST(ArgoApplication, RefreshAnnotation) {
  auto refresh = [](std::string_view value) {
    return parse(k_minimal,
                 "  annotations:\n    argocd.argoproj.io/refresh: " + std::string(value) + "\n")
        .refresh;
  };
  EXPECT_EQ(refresh("hard"), "hard");
  EXPECT_EQ(refresh("normal"), "normal");
  EXPECT_EQ(refresh("\"\""), "normal");  // any value asks for a refresh
}

TEST(ArgoApplication, RefusesWhatPlumbCannotRender) {
  const std::string destination = "  destination:\n    server: https://kubernetes.default.svc\n";
  EXPECT_EQ(error_of("  source:\n    repoURL: https://x/y.git\n    path: .\n    directory:\n"
                     "      jsonnet:\n        extVars:\n        - {name: a, value: b}\n" +
                     destination),
            "Application argocd/guestbook: spec.source.directory.jsonnet: Jsonnet is not "
            "supported by Plumb");
  EXPECT_EQ(error_of("  source:\n    repoURL: https://x/y.git\n    path: .\n    directory:\n"
                     "      jsonnet:\n        libs: [vendor]\n" +
                     destination),
            "Application argocd/guestbook: spec.source.directory.jsonnet: Jsonnet is not "
            "supported by Plumb");
  EXPECT_EQ(error_of("  source:\n    repoURL: https://x/y.git\n    path: .\n    plugin:\n"
                     "      name: cdk8s\n" +
                     destination),
            "Application argocd/guestbook: spec.source.plugin: config management plugins are not "
            "supported by Plumb");
  EXPECT_EQ(error_of("  source:\n    path: .\n" + destination),
            "Application argocd/guestbook: spec.source.repoURL: required");
  EXPECT_EQ(error_of("  sources:\n  - repoURL: https://x/y.git\n    path: a\n  - path: b\n" +
                     destination),
            "Application argocd/guestbook: spec.sources[1].repoURL: required");
  EXPECT_EQ(error_of(destination),
            "Application argocd/guestbook: spec.source: required (an Application needs "
            "spec.source or spec.sources)");
  EXPECT_EQ(
      error_of("  sourceHydrator:\n    drySource: {repoURL: https://x/y.git}\n" + destination),
      "Application argocd/guestbook: spec.sourceHydrator: the source hydrator is not "
      "supported by Plumb");
}

TEST(ArgoApplication, WrongTypesNameTheField) {
  EXPECT_EQ(
      error_of(std::string(k_minimal) + "  syncPolicy:\n    automated:\n      prune: \"yes\"\n"),
      "Application argocd/guestbook: spec.syncPolicy.automated.prune: must be a boolean");
  EXPECT_EQ(error_of(std::string(k_minimal) + "  revisionHistoryLimit: ten\n"),
            "Application argocd/guestbook: spec.revisionHistoryLimit: must be an integer");
  EXPECT_EQ(error_of("  source:\n    repoURL: https://x/y.git\n    targetRevision: 1.0\n"),
            "Application argocd/guestbook: spec.source.targetRevision: must be a string");
  EXPECT_EQ(error_of(std::string(k_minimal) + "  syncPolicy:\n    syncOptions: CreateNamespace\n"),
            "Application argocd/guestbook: spec.syncPolicy.syncOptions: must be a list");
  EXPECT_EQ(error_of("  source:\n    repoURL: https://x/y.git\n    kustomize:\n      replicas:\n"
                     "      - name: web\n        count: three\n"),
            "Application argocd/guestbook: spec.source.kustomize.replicas[0].count: expected "
            "integer value for count. Received: three");
  EXPECT_EQ(error_of("  source:\n    repoURL: https://x/y.git\n    helm:\n      parameters:\n"
                     "      - image.tag=v2\n"),
            "Application argocd/guestbook: spec.source.helm.parameters[0]: must be a map");
  EXPECT_EQ(parse_application(yaml("kind: Application\nmetadata: {name: x}\n")).error().message(),
            "Application x: spec: required");
  EXPECT_EQ(parse_application(yaml("kind: AppProject\nmetadata: {name: x}\n")).error().message(),
            "Application x: kind: must be Application");
}

TEST(ArgoApplication, ManagedNamespace) {
  std::string create =
      std::string(k_minimal) + "  syncPolicy:\n    syncOptions: [CreateNamespace=true]\n";
  Application app = parse(create);
  std::optional<Node> ns = managed_namespace(app, false);
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->string_at({"apiVersion"}), "v1");
  EXPECT_EQ(ns->string_at({"kind"}), "Namespace");
  EXPECT_EQ(ns->string_at({"metadata", "name"}), "guestbook");
  EXPECT_EQ(ns->at_path({"metadata", "labels"}), nullptr);
  EXPECT_EQ(ns->at_path({"metadata", "annotations"}), nullptr);
  // An existing namespace is left alone unless its metadata is managed.
  EXPECT_FALSE(managed_namespace(app, true));
  EXPECT_FALSE(managed_namespace(parse(k_minimal), false));  // no CreateNamespace=true

  Application managed = parse(create +
                              "    managedNamespaceMetadata:\n      labels: {env: prod}\n"
                              "      annotations: {owner: a}\n");
  ns = managed_namespace(managed, true);
  ASSERT_TRUE(ns);
  EXPECT_EQ(ns->string_at({"metadata", "labels", "env"}), "prod");
  EXPECT_EQ(ns->string_at({"metadata", "annotations", "owner"}), "a");
  EXPECT_EQ(ns->string_at({"metadata", "annotations", "argocd.argoproj.io/sync-options"}),
            "ServerSideApply=true");
}

}  // namespace
}  // namespace plumb::argo
