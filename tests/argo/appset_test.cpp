// Reading an ApplicationSet (errors naming the field, what Plumb refuses), its sync policy and
// requeue time, and the update the controller makes to a live Application.
#include <gtest/gtest.h>

#include "argo/appset_test_util.hpp"

namespace plumb::argo {
namespace {

TEST(AppSetRead, ReadsEveryField) {
  Node object = yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: guestbook
  namespace: team-a
  annotations: {argocd.argoproj.io/application-set-refresh: "true"}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - git:
      repoURL: https://github.com/argoproj/argo-cd.git
      revision: HEAD
      directories:
      - path: applicationset/examples/git-generator-directory/cluster-addons/*
      - {path: applicationset/examples/git-generator-directory/cluster-addons/exclude, exclude: true}
      requeueAfterSeconds: 30
      pathParamPrefix: repo
      values: {env: prod}
    selector: {matchLabels: {a: b}, matchExpressions: [{key: c, operator: Exists}]}
  template:
    metadata: {name: '{{.path.basename}}', generateName: dropped, finalizers: [x]}
    spec:
      project: default
  templatePatch: |
    spec: {}
  syncPolicy: {preserveResourcesOnDeletion: true, applicationsSync: create-update}
  strategy: {type: AllAtOnce}
  preservedFields: {annotations: [keep-me], labels: [keep-label]}
  ignoreApplicationDifferences:
  - jsonPointers: [/spec/source/targetRevision]
    name: some-app
)");
  auto parsed = parse_application_set(object);
  ASSERT_TRUE(parsed) << parsed.error().message();
  const ApplicationSet& a = *parsed;
  EXPECT_EQ(a.name, "guestbook");
  EXPECT_EQ(a.namespace_, "team-a");
  EXPECT_TRUE(a.refresh);
  EXPECT_TRUE(a.go_template);
  EXPECT_EQ(a.go_template_options, std::vector<std::string>{"missingkey=error"});
  ASSERT_EQ(a.generators.size(), 1u);
  const GeneratorEntry& entry = a.generators[0];
  EXPECT_EQ(entry.path, "spec.generators[0]");
  ASSERT_TRUE(entry.selector);
  EXPECT_EQ(entry.selector->match_labels.size(), 1u);
  EXPECT_EQ(entry.selector->match_expressions[0].op, SelectorRequirement::Op::exists);
  ASSERT_EQ(entry.generators.size(), 1u);
  const GitGenerator& git = entry.generators[0].git;
  EXPECT_EQ(entry.generators[0].kind, GeneratorKind::git);
  EXPECT_EQ(git.repo_url, "https://github.com/argoproj/argo-cd.git");
  EXPECT_EQ(git.revision, "HEAD");
  ASSERT_EQ(git.directories.size(), 2u);
  EXPECT_TRUE(git.directories[1].exclude);
  EXPECT_EQ(git.requeue_after_seconds, 30);
  EXPECT_EQ(git.path_param_prefix, "repo");
  EXPECT_EQ(git.values, (StringPairs{{"env", "prod"}}));
  // Only the fields Argo's ApplicationSetTemplate has.
  EXPECT_EQ(a.template_, yaml(R"(
metadata: {name: '{{.path.basename}}', finalizers: [x]}
spec: {project: default})"));
  EXPECT_EQ(a.template_patch, "spec: {}\n");
  EXPECT_TRUE(a.sync_policy.present);
  EXPECT_TRUE(a.sync_policy.preserve_resources_on_deletion);
  EXPECT_EQ(a.sync_policy.applications_sync, ApplicationsSync::create_update);
  EXPECT_EQ(a.preserved_annotations, std::vector<std::string>{"keep-me"});
  EXPECT_EQ(a.preserved_labels, std::vector<std::string>{"keep-label"});
  ASSERT_EQ(a.ignore_application_differences.size(), 1u);
  EXPECT_EQ(a.ignore_application_differences[0].name, "some-app");
}

struct ErrorCase {
  const char* name;
  const char* spec;
  const char* error;
};

class AppSetReadErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(AppSetReadErrors, NameTheObjectAndField) {
  EXPECT_EQ(read_error(GetParam().spec),
            std::string("ApplicationSet argocd/set: ") + GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, AppSetReadErrors,
    ::testing::Values(
        ErrorCase{"scm_provider", "generators: [{scmProvider: {github: {organization: x}}}]",
                  "spec.generators[0].scmProvider: the scmProvider generator is not supported "
                  "by Plumb"},
        ErrorCase{"pull_request", "generators: [{pullRequest: {github: {owner: x}}}]",
                  "spec.generators[0].pullRequest: the pullRequest generator is not supported "
                  "by Plumb"},
        ErrorCase{"cluster_decision_resource",
                  "generators: [{clusterDecisionResource: {configMapRef: x}}]",
                  "spec.generators[0].clusterDecisionResource: the clusterDecisionResource "
                  "generator is not supported by Plumb"},
        ErrorCase{"plugin", "generators: [{plugin: {configMapRef: {name: x}}}]",
                  "spec.generators[0].plugin: the plugin generator is not supported by Plumb"},
        ErrorCase{"unknown", "generators: [{listt: {elements: []}}]",
                  "spec.generators[0].listt: unrecognized generator"},
        ErrorCase{"empty", "generators: [{selector: {}}]",
                  "spec.generators[0]: names no generator"},
        ErrorCase{"nested_in_matrix",
                  "generators: [{matrix: {generators: [{plugin: {}}, {list: {}}]}}]",
                  "spec.generators[0].matrix.generators[0].plugin: the plugin generator is not "
                  "supported by Plumb"},
        ErrorCase{"matrix_of_one", "generators: [{matrix: {generators: [{list: {}}]}}]",
                  "spec.generators[0].matrix.generators: found less than two generators, Matrix "
                  "support only two"},
        ErrorCase{"matrix_of_three",
                  "generators: [{matrix: {generators: [{list: {}}, {list: {}}, {list: {}}]}}]",
                  "spec.generators[0].matrix.generators: found more than two generators, Matrix "
                  "support only two"},
        ErrorCase{"two_in_a_child",
                  "generators: [{matrix: {generators: [{list: {}, clusters: {}}, {list: {}}]}}]",
                  "spec.generators[0].matrix.generators[0]: found more than one generator in "
                  "matrix.Generators"},
        ErrorCase{
            "three_levels",
            "generators: [{matrix: {generators: [{list: {}}, {merge: {mergeKeys: [a], "
            "generators: [{list: {}}, {matrix: {generators: [{list: {}}, {list: {}}]}}]}}]}}]",
            "spec.generators[0].matrix.generators[1].merge.generators[1].matrix: matrix and "
            "merge generators nest two levels at most (Argo CD drops a third level)"},
        ErrorCase{"merge_without_keys",
                  "generators: [{merge: {generators: [{list: {}}, {list: {}}]}}]",
                  "spec.generators[0].merge.mergeKeys: no merge keys were specified, Merge "
                  "requires at least one"},
        ErrorCase{"merge_of_one",
                  "generators: [{merge: {mergeKeys: [a], generators: [{list: {}}]}}]",
                  "spec.generators[0].merge.generators: found less than two generators, Merge "
                  "requires two or more"},
        ErrorCase{"git_without_paths", "generators: [{git: {repoURL: x, revision: HEAD}}]",
                  "spec.generators[0].git: needs directories or files (Argo: ApplicationSet is "
                  "empty)"},
        ErrorCase{"git_without_repo", "generators: [{git: {directories: [{path: '*'}]}}]",
                  "spec.generators[0].git.repoURL: is required"},
        ErrorCase{"list_element_not_a_map", "generators: [{list: {elements: [a]}}]",
                  "spec.generators[0].list.elements[0]: must be a map"},
        ErrorCase{"bad_operator",
                  "generators: [{clusters: {selector: {matchExpressions: [{key: a, operator: "
                  "Gt, values: ['1']}]}}}]",
                  "spec.generators[0].clusters.selector.matchExpressions[0].operator: \"Gt\" is "
                  "not a valid label selector operator"},
        ErrorCase{"in_without_values",
                  "generators: [{clusters: {selector: {matchExpressions: [{key: a, operator: "
                  "In}]}}}]",
                  "spec.generators[0].clusters.selector.matchExpressions[0].values: for 'in', "
                  "'notin' operators, values set can't be empty"},
        ErrorCase{"post_selector_key",
                  "generators: [{list: {elements: []}, selector: {matchLabels: {\"path[0]\": a}}}]",
                  "spec.generators[0].selector: error parsing label selector: key \"path[0]\" is "
                  "not a qualified name (an optional DNS subdomain and \"/\", then 63 characters "
                  "at most of [-A-Za-z0-9_.], alphanumeric at both ends)"},
        ErrorCase{"template_option", "goTemplateOptions: [missingkey=maybe]\ngenerators: []",
                  "spec.goTemplateOptions[0]: unrecognized option: missingkey=maybe (Go's "
                  "text/template knows missingkey=default|invalid|zero|error)"},
        ErrorCase{"applications_sync", "syncPolicy: {applicationsSync: create-all}\ngenerators: []",
                  "spec.syncPolicy.applicationsSync: Unsupported value: \"create-all\": supported "
                  "values: \"create-only\", \"create-update\", \"create-delete\", \"sync\""},
        ErrorCase{"rolling_sync",
                  "strategy: {type: RollingSync, rollingSync: {steps: []}}\ngenerators: []",
                  "spec.strategy: progressive syncs (RollingSync) are not supported by Plumb"},
        ErrorCase{"labels_are_strings",
                  "generators: []\ntemplate: {metadata: {labels: {a: 1}}, spec: {}}",
                  "spec.template.metadata.labels.a: must be a string"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(AppSetRead, OtherKindsAreRefused) {
  auto parsed = parse_application_set(yaml("kind: Application\nmetadata: {name: x}\nspec: {}"));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message(), "ApplicationSet x: kind: must be ApplicationSet");
}

TEST(AppSetSyncPolicy, ApplicationsSyncDecidesUpdatesAndDeletes) {
  // ApplicationsSyncPolicy.AllowUpdate / AllowDelete and utils.DefaultPolicy.
  EXPECT_TRUE(allows_update(ApplicationsSync::sync));
  EXPECT_TRUE(allows_delete(ApplicationsSync::sync));
  EXPECT_FALSE(allows_update(ApplicationsSync::create_only));
  EXPECT_FALSE(allows_delete(ApplicationsSync::create_only));
  EXPECT_TRUE(allows_update(ApplicationsSync::create_update));
  EXPECT_FALSE(allows_delete(ApplicationsSync::create_update));
  EXPECT_FALSE(allows_update(ApplicationsSync::create_delete));
  EXPECT_TRUE(allows_delete(ApplicationsSync::create_delete));
  AppSetSyncPolicy none;
  EXPECT_EQ(effective_applications_sync(none), ApplicationsSync::sync);
  AppSetSyncPolicy only =
      read_appset("syncPolicy: {applicationsSync: create-only}\ngenerators: []").sync_policy;
  EXPECT_EQ(effective_applications_sync(only), ApplicationsSync::create_only);
  EXPECT_EQ(effective_applications_sync(only, ApplicationsSync::create_update, false),
            ApplicationsSync::create_update);
  EXPECT_EQ(applications_sync_name(ApplicationsSync::create_delete), "create-delete");
}

TEST(AppSetRequeue, GitGeneratorsAskForTheSmallestTime) {
  auto requeue = [](std::string_view generators) {
    return requeue_after(read_appset(std::string("generators:\n") + std::string(generators) +
                                     "\ntemplate: {metadata: {name: x}, spec: {}}"));
  };
  EXPECT_EQ(requeue("- list: {elements: []}"), std::nullopt);
  EXPECT_EQ(requeue("- clusters: {}"), std::nullopt);
  EXPECT_EQ(requeue("- git: {repoURL: x, directories: [{path: '*'}]}"), std::chrono::seconds(180));
  EXPECT_EQ(requeue("- git: {repoURL: x, directories: [{path: '*'}], requeueAfterSeconds: 20}\n"
                    "- list: {elements: []}"),
            std::chrono::seconds(20));
  EXPECT_EQ(requeue("- matrix: {generators: [{list: {elements: []}}, {git: {repoURL: x, "
                    "files: [{path: a}], requeueAfterSeconds: 45}}]}"),
            std::chrono::seconds(45));
}

TEST(AppSetController, OwnerReferenceAndUpdateKeepWhatArgoKeeps) {
  Node appset_object = yaml("metadata: {name: set, namespace: argocd, uid: \"1234\"}");
  EXPECT_EQ(owner_reference(appset_object), yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
name: set
uid: "1234"
controller: true
blockOwnerDeletion: true)"));

  ApplicationSet set = read_appset(
      "preservedFields: {annotations: [keep-me], labels: [keep-label]}\ngenerators: []");
  Node generated = yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
  namespace: argocd
  labels: {team: a}
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec: {project: default})");
  Node live = yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
  namespace: argocd
  resourceVersion: "7"
  labels: {team: old, keep-label: x, dropped: y}
  annotations: {keep-me: "1", argocd.argoproj.io/refresh: hard, other: z}
  finalizers: [post-delete-finalizer.argocd.argoproj.io/cleanup]
spec: {project: old}
status: {sync: {status: Synced}})");
  EXPECT_EQ(application_update(set, generated, &live), yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
  namespace: argocd
  resourceVersion: "7"
  labels: {team: a, keep-label: x}
  annotations: {keep-me: "1", argocd.argoproj.io/refresh: hard}
  finalizers: [resources-finalizer.argocd.argoproj.io,
               post-delete-finalizer.argocd.argoproj.io/cleanup]
spec: {project: default}
status: {sync: {status: Synced}})"));
  EXPECT_EQ(application_update(set, generated, nullptr), yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: app
  namespace: argocd
  labels: {team: a}
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec: {project: default})"));
}

}  // namespace
}  // namespace plumb::argo
