// The parameter sets of the list, clusters, git, matrix and merge generators, ported from
// argo-cd's applicationset/generators tests (list_test.go, cluster_test.go, git_test.go,
// matrix_test.go, merge_test.go, generator_spec_processor_test.go).
#include <gtest/gtest.h>

#include "argo/appset_test_util.hpp"
#include "core/base64.hpp"

namespace plumb::argo {
namespace {

// --- list ---

TEST(AppSetList, ElementsAreParametersValuesPrefixed) {
  // TestGenerateListParams
  ApplicationSet set = read_appset(R"(generators:
- list:
    elements:
    - {cluster: cluster, url: url}
    - {cluster: cluster, url: url, values: {foo: bar}}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set), R"(
- {cluster: cluster, url: url}
- {cluster: cluster, url: url, values.foo: bar})");
}

TEST(AppSetList, GoTemplateKeepsElementsAsWritten) {
  // TestGenerateListParamsGoTemplate
  ApplicationSet set = read_appset(R"(goTemplate: true
generators:
- list:
    elements:
    - {cluster: cluster, url: url, values: {foo: bar}}
    - {replicas: 3, nested: {a: [1, 2]}}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set), R"(
- {cluster: cluster, url: url, values: {foo: bar}}
- {replicas: 3, nested: {a: [1, 2]}})");
}

TEST(AppSetList, FasttemplateElementsMustBeStrings) {
  ApplicationSet set = read_appset(R"(generators:
- list:
    elements:
    - {cluster: a}
    - {cluster: b, replicas: 3}
template: {metadata: {name: x}, spec: {}})");
  auto params = first_params(set);
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().message(),
            "ApplicationSet argocd/set: spec.generators[0].list.elements[1].replicas: must be a "
            "string (fasttemplate parameters are strings; goTemplate: true takes any value)");
}

TEST(AppSetList, ElementsYamlAppendsItsMaps) {
  ApplicationSet set = read_appset(R"(goTemplate: true
generators:
- list:
    elements: [{cluster: first}]
    elementsYaml: |
      - cluster: second
        ports: [80, 443]
      - cluster: third
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set), R"(
- {cluster: first}
- {cluster: second, ports: [80, 443]}
- {cluster: third})");

  ApplicationSet bad = read_appset(R"(generators:
- list:
    elementsYaml: "cluster: not-a-list"
template: {metadata: {name: x}, spec: {}})");
  auto params = first_params(bad);
  ASSERT_FALSE(params);
  EXPECT_NE(params.error().message().find("spec.generators[0].list.elementsYaml: must be a YAML "
                                          "list of maps"),
            std::string::npos)
      << params.error().message();
}

// --- selectors (TestMatchValues, TestMatchValuesGoTemplate) ---

struct SelectorCase {
  const char* name;
  bool go_template;
  const char* element;
  const char* selector;
  const char* expected;
};

class AppSetSelector : public ::testing::TestWithParam<SelectorCase> {};

TEST_P(AppSetSelector, FiltersFlattenedParameters) {
  const SelectorCase& c = GetParam();
  std::string spec = std::string(c.go_template ? "goTemplate: true\n" : "") +
                     "generators:\n- list:\n    elements: [" + c.element + "]\n" +
                     (c.selector[0] ? std::string("  selector: ") + c.selector + "\n" : "") +
                     "template: {metadata: {name: x}, spec: {}}";
  ApplicationSet set = read_appset(spec);
  EXPECT_PARAMS(first_params(set), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    ArgoTables, AppSetSelector,
    ::testing::Values(
        SelectorCase{"no_filter", false, "{cluster: cluster, url: url}", "{}",
                     "[{cluster: cluster, url: url}]"},
        SelectorCase{"nil", false, "{cluster: cluster, url: url}", "",
                     "[{cluster: cluster, url: url}]"},
        SelectorCase{"values_foo_should_be_foo", false,
                     "{cluster: cluster, url: url, values: {foo: bar}}",
                     "{matchLabels: {values.foo: foo}}", "[]"},
        SelectorCase{
            "values_foo_should_be_bar", false, "{cluster: cluster, url: url, values: {foo: bar}}",
            "{matchLabels: {values.foo: bar}}", "[{cluster: cluster, url: url, values.foo: bar}]"},
        SelectorCase{"go_values_foo_should_be_foo", true,
                     "{cluster: cluster, url: url, values: {foo: bar}}",
                     "{matchLabels: {values.foo: foo}}", "[]"},
        SelectorCase{"go_values_foo_should_be_bar", true,
                     "{cluster: cluster, url: url, values: {foo: bar}}",
                     "{matchLabels: {values.foo: bar}}",
                     "[{cluster: cluster, url: url, values: {foo: bar}}]"},
        SelectorCase{
            "go_values_0_should_be_bar", true, "{cluster: cluster, url: url, values: [bar]}",
            "{matchLabels: {values.0: bar}}", "[{cluster: cluster, url: url, values: [bar]}]"},
        SelectorCase{"not_in", false, "{env: prod}",
                     "{matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}", "[]"},
        SelectorCase{"does_not_exist", false, "{env: prod}",
                     "{matchExpressions: [{key: team, operator: DoesNotExist}]}", "[{env: prod}]"}),
    [](const auto& p) { return std::string(p.param.name); });

// --- clusters (TestGenerateParams, TestGenerateParamsGoTemplate) ---

Node cluster_secret(std::string_view name, std::string_view cluster, std::string_view server,
                    std::string_view labels, std::string_view annotations,
                    std::string_view project = {}) {
  Node s = yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: " + std::string(name) +
                ", namespace: argocd, labels: " + std::string(labels) +
                ", annotations: " + std::string(annotations) + "}\ntype: Opaque\n");
  Node data = Node::map();
  data.set("config", Node::string(base64_encode("{}")));
  data.set("name", Node::string(base64_encode(cluster)));
  data.set("server", Node::string(base64_encode(server)));
  if (!project.empty()) data.set("project", Node::string(base64_encode(project)));
  s.set("data", std::move(data));
  return s;
}

std::vector<Node> argo_test_clusters(bool with_project) {
  return {
      cluster_secret("staging-01", "staging-01", "https://staging-01.example.com",
                     "{argocd.argoproj.io/secret-type: cluster, environment: staging, org: foo}",
                     "{foo.argoproj.io: staging}"),
      cluster_secret("production-01", "production_01/west", "https://production-01.example.com",
                     "{argocd.argoproj.io/secret-type: cluster, environment: production, org: bar}",
                     "{foo.argoproj.io: production}", with_project ? "prod-project" : ""),
      // Not a cluster Secret: left out.
      yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: repo, labels: "
           "{argocd.argoproj.io/secret-type: repository}}\ndata: {name: eA==}\n"),
  };
}

ApplicationSet clusters_set(bool go, std::string_view generator) {
  return read_appset(std::string(go ? "goTemplate: true\n" : "") + "generators:\n- clusters: " +
                     std::string(generator) + "\ntemplate: {metadata: {name: x}, spec: {}}");
}

TEST(AppSetClusters, NoSelectorAddsTheLocalClusterAndValuesSeeOnlyTheClusterParameters) {
  std::vector<Node> secrets = argo_test_clusters(true);
  GenerateInput input{.cluster_secrets = secrets};
  ApplicationSet set = clusters_set(false, R"({values: {
    lol1: lol, lol2: "{{values.lol1}}{{values.lol1}}", foo: bar,
    bar: "{{ metadata.annotations.foo.argoproj.io }}", bat: "{{ metadata.labels.environment }}",
    aaa: "{{ server }}", no-op: "{{ this-does-not-exist }}"}})");
  EXPECT_PARAM_SET(first_params(set, input), R"(
- {values.lol1: lol, values.lol2: "{{values.lol1}}{{values.lol1}}", values.foo: bar,
   values.bar: "{{ metadata.annotations.foo.argoproj.io }}",
   values.bat: "{{ metadata.labels.environment }}", values.aaa: "https://kubernetes.default.svc",
   values.no-op: "{{ this-does-not-exist }}",
   name: in-cluster, nameNormalized: in-cluster, server: "https://kubernetes.default.svc",
   project: ""}
- {values.lol1: lol, values.lol2: "{{values.lol1}}{{values.lol1}}", values.foo: bar,
   values.bar: production, values.bat: production,
   values.aaa: "https://production-01.example.com", values.no-op: "{{ this-does-not-exist }}",
   name: production_01/west, nameNormalized: production-01-west,
   server: "https://production-01.example.com", metadata.labels.environment: production,
   metadata.labels.org: bar, metadata.labels.argocd.argoproj.io/secret-type: cluster,
   metadata.annotations.foo.argoproj.io: production, project: prod-project}
- {values.lol1: lol, values.lol2: "{{values.lol1}}{{values.lol1}}", values.foo: bar,
   values.bar: staging, values.bat: staging, values.aaa: "https://staging-01.example.com",
   values.no-op: "{{ this-does-not-exist }}", name: staging-01, nameNormalized: staging-01,
   server: "https://staging-01.example.com", metadata.labels.environment: staging,
   metadata.labels.org: foo, metadata.labels.argocd.argoproj.io/secret-type: cluster,
   metadata.annotations.foo.argoproj.io: staging, project: ""})");
}

struct ClusterCase {
  const char* name;
  const char* generator;
  const char* expected_names;  // the `name` parameters, in order
};

class AppSetClusterSelectors : public ::testing::TestWithParam<ClusterCase> {};

TEST_P(AppSetClusterSelectors, SelectSecretsByLabel) {
  std::vector<Node> secrets = argo_test_clusters(true);
  auto params = first_params(clusters_set(false, GetParam().generator),
                             GenerateInput{.cluster_secrets = secrets});
  ASSERT_TRUE(params) << params.error().message();
  std::string names;
  for (const Node& p : *params)
    names += std::string(names.empty() ? "" : ",") + std::string(p.string_at({"name"}));
  EXPECT_EQ(names, GetParam().expected_names);
}

INSTANTIATE_TEST_SUITE_P(
    ArgoTables, AppSetClusterSelectors,
    ::testing::Values(
        ClusterCase{"secret_type_label",
                    "{selector: {matchLabels: {argocd.argoproj.io/secret-type: cluster}}}",
                    "production_01/west,staging-01"},
        ClusterCase{"production_only", "{selector: {matchLabels: {environment: production}}}",
                    "production_01/west"},
        ClusterCase{"production_or_staging",
                    "{selector: {matchExpressions: [{key: environment, operator: In, values: "
                    "[production, staging]}]}}",
                    "production_01/west,staging-01"},
        ClusterCase{"with_match_labels",
                    "{selector: {matchExpressions: [{key: environment, operator: In, values: "
                    "[production, staging]}], matchLabels: {org: foo}}}",
                    "staging-01"},
        ClusterCase{"empty_selector_keeps_local", "{selector: {}}",
                    "production_01/west,staging-01,in-cluster"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(AppSetClusters, SelectorValuesMustBeLabelValues) {
  // metav1.LabelSelectorAsSelector refuses a server URL as a label value (the post-selector
  // takes any value: SelectorCase "values_foo_should_be_bar" and the URL below).
  std::vector<Node> secrets = argo_test_clusters(true);
  auto params = first_params(
      clusters_set(false, "{selector: {matchLabels: {server: 'https://staging-01.example.com'}}}"),
      GenerateInput{.cluster_secrets = secrets});
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().message(),
            "ApplicationSet argocd/set: spec.generators[0].clusters.selector: error converting "
            "label selector: value \"https://staging-01.example.com\" is not a label value (63 "
            "characters at most of [-A-Za-z0-9_.], alphanumeric at both ends)");
  ApplicationSet post = read_appset(R"(generators:
- clusters: {}
  selector: {matchLabels: {server: 'https://staging-01.example.com'}}
template: {metadata: {name: x}, spec: {}})");
  auto kept = first_params(post, GenerateInput{.cluster_secrets = secrets});
  ASSERT_TRUE(kept) << kept.error().message();
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].string_at({"name"}), "staging-01");
}

TEST(AppSetClusters, FlatListPutsEveryClusterInOneSet) {
  std::vector<Node> secrets = argo_test_clusters(true);
  auto params = first_params(
      clusters_set(false,
                   "{flatList: true, selector: {matchLabels: {org: foo}}, values: {foo: bar}}"),
      GenerateInput{.cluster_secrets = secrets});
  EXPECT_PARAMS(params, R"(
- clusters:
  - {values.foo: bar, name: staging-01, nameNormalized: staging-01,
     server: "https://staging-01.example.com", metadata.labels.environment: staging,
     metadata.labels.org: foo, metadata.labels.argocd.argoproj.io/secret-type: cluster,
     metadata.annotations.foo.argoproj.io: staging, project: ""})");
}

TEST(AppSetClusters, GoTemplateNestsMetadataAndValuesMissLikeGo) {
  std::vector<Node> secrets = argo_test_clusters(false);
  ApplicationSet set = clusters_set(true, R"({values: {
    lol1: lol, lol2: "{{ .values.lol1 }}{{ .values.lol1 }}", foo: bar,
    bar: "{{ if not (empty .metadata) }}{{index .metadata.annotations \"foo.argoproj.io\" }}{{ end }}",
    aaa: "{{ .server }}", no-op: "{{ .thisDoesNotExist }}"}})");
  EXPECT_PARAM_SET(first_params(set, GenerateInput{.cluster_secrets = secrets}), R"(
- name: production_01/west
  nameNormalized: production-01-west
  server: https://production-01.example.com
  project: ""
  metadata:
    labels: {argocd.argoproj.io/secret-type: cluster, environment: production, org: bar}
    annotations: {foo.argoproj.io: production}
  values: {lol1: lol, lol2: "<no value><no value>", foo: bar, bar: production,
           aaa: "https://production-01.example.com", no-op: "<no value>"}
- name: staging-01
  nameNormalized: staging-01
  server: https://staging-01.example.com
  project: ""
  metadata:
    labels: {argocd.argoproj.io/secret-type: cluster, environment: staging, org: foo}
    annotations: {foo.argoproj.io: staging}
  values: {lol1: lol, lol2: "<no value><no value>", foo: bar, bar: staging,
           aaa: "https://staging-01.example.com", no-op: "<no value>"}
- name: in-cluster
  nameNormalized: in-cluster
  server: https://kubernetes.default.svc
  project: ""
  values: {lol1: lol, lol2: "<no value><no value>", foo: bar, bar: "",
           aaa: "https://kubernetes.default.svc", no-op: "<no value>"})");
}

TEST(AppSetClusters, ASecretForTheLocalServerReplacesTheBuiltInOne) {
  std::vector<Node> secrets = {cluster_secret("local", "local", "https://kubernetes.default.svc",
                                              "{argocd.argoproj.io/secret-type: cluster}", "{}")};
  auto params = first_params(clusters_set(false, "{}"), GenerateInput{.cluster_secrets = secrets});
  ASSERT_TRUE(params) << params.error().message();
  ASSERT_EQ(params->size(), 1u);
  EXPECT_EQ((*params)[0].string_at({"name"}), "local");
}

// --- git directories (TestGitGenerateParamsFromDirectories) ---

// A RepoAccess over an in-memory tree, counting its calls.
struct MemoryRepo {
  MemoryFileSystem tree;
  int calls = 0;
  std::vector<std::string> revisions;
  GenerateInput input() {
    GenerateInput in;
    in.repos = [this](const std::string&, const std::string& revision, const RepoUse& use) {
      ++calls;
      revisions.push_back(revision);
      return use(RepoSnapshot{"0123456789abcdef0123456789abcdef01234567", &tree});
    };
    return in;
  }
};

ApplicationSet git_set(bool go, std::string_view git) {
  return read_appset(std::string(go ? "goTemplate: true\n" : "") +
                     "generators:\n- git:\n    repoURL: https://example.com/repo.git\n"
                     "    revision: main\n" +
                     std::string(git) + "template: {metadata: {name: x}, spec: {}}");
}

MemoryRepo repo_with_dirs(std::initializer_list<std::string_view> dirs) {
  MemoryRepo repo;
  for (std::string_view d : dirs)
    repo.tree.add_file("/" + std::string(d) + "/kustomization.yaml", "resources: []\n");
  return repo;
}

TEST(AppSetGitDirectories, StarMatchesOneLevel) {
  MemoryRepo repo = repo_with_dirs({"app1", "app2", "app_3", "p1/app4"});
  EXPECT_PARAMS(first_params(git_set(false, "    directories: [{path: '*'}]\n"), repo.input()), R"(
- {path: app1, path.basename: app1, path.basenameNormalized: app1, "path[0]": app1}
- {path: app2, path.basename: app2, path.basenameNormalized: app2, "path[0]": app2}
- {path: app_3, path.basename: app_3, path.basenameNormalized: app-3, "path[0]": app_3}
- {path: p1, path.basename: p1, path.basenameNormalized: p1, "path[0]": p1})");
}

TEST(AppSetGitDirectories, PathParamPrefix) {
  MemoryRepo repo = repo_with_dirs({"app1"});
  EXPECT_PARAMS(first_params(git_set(false,
                                     "    directories: [{path: '*'}]\n"
                                     "    pathParamPrefix: myRepo\n"),
                             repo.input()),
                R"(
- {myRepo.path: app1, myRepo.path.basename: app1, myRepo.path.basenameNormalized: app1,
   "myRepo.path[0]": app1})");
}

TEST(AppSetGitDirectories, FiltersByThePaths) {
  MemoryRepo repo = repo_with_dirs({"app1", "p1/app2", "p1/p2/app3", "p1/p2/p3/app4"});
  EXPECT_PARAMS(
      first_params(git_set(false, "    directories: [{path: 'p1/*'}, {path: 'p1/*/*'}]\n"),
                   repo.input()),
      R"(
- {path: p1/app2, path.basename: app2, "path[0]": p1, "path[1]": app2, path.basenameNormalized: app2}
- {path: p1/p2, path.basename: p2, "path[0]": p1, "path[1]": p2, path.basenameNormalized: p2}
- {path: p1/p2/app3, path.basename: app3, "path[0]": p1, "path[1]": p2, "path[2]": app3,
   path.basenameNormalized: app3}
- {path: p1/p2/p3, path.basename: p3, "path[0]": p1, "path[1]": p2, "path[2]": p3,
   path.basenameNormalized: p3})");
}

TEST(AppSetGitDirectories, ExcludeWinsWhateverItsPlace) {
  for (const char* dirs : {"    directories: [{path: 'p1/*', exclude: true}, {path: '*'}, {path: "
                           "'*/*'}]\n",
                           "    directories: [{path: '*'}, {path: '*/*'}, {path: 'p1/*', "
                           "exclude: true}]\n"}) {
    MemoryRepo repo = repo_with_dirs({"app1", "app2", "p1/app2", "p1/app3", "p2/app3"});
    auto params = first_params(git_set(false, dirs), repo.input());
    ASSERT_TRUE(params) << params.error().message();
    std::string paths;
    for (const Node& p : *params)
      paths += std::string(p.string_at({"path"})) + " ";
    EXPECT_EQ(paths, "app1 app2 p1 p2 p2/app3 ") << dirs;
  }
}

TEST(AppSetGitDirectories, ValuesSeeThePathParameters) {
  MemoryRepo repo = repo_with_dirs({"app1", "p1/app2"});
  EXPECT_PARAMS(first_params(git_set(false, R"(    directories: [{path: 'p1/*'}]
    values: {foo: bar, aaa: "{{ path[0] }}", no-op: "{{ this-does-not-exist }}"}
)"),
                             repo.input()),
                R"(
- {values.foo: bar, values.no-op: "{{ this-does-not-exist }}", values.aaa: p1, path: p1/app2,
   path.basename: app2, "path[0]": p1, "path[1]": app2, path.basenameNormalized: app2})");
}

TEST(AppSetGitDirectories, GoTemplateNestsPathWithSegments) {
  MemoryRepo repo = repo_with_dirs({"p1/app_2"});
  EXPECT_PARAMS(first_params(git_set(true, R"(    directories: [{path: 'p1/*'}]
    values: {base: "{{ .path.basename }}"}
)"),
                             repo.input()),
                R"(
- path: {path: p1/app_2, basename: app_2, basenameNormalized: app-2, segments: [p1, app_2]}
  values: {base: app_2})");
}

TEST(AppSetGitDirectories, HiddenDirectoriesAndTheRootAreNotListed) {
  MemoryRepo repo = repo_with_dirs({".github/workflows", "apps/.hidden/x", "apps/web"});
  auto dirs = appset::git_directories(repo.tree);
  ASSERT_TRUE(dirs) << dirs.error().message();
  EXPECT_EQ(*dirs, (std::vector<std::string>{"apps", "apps/web"}));
}

TEST(AppSetGitDirectories, RepositoryErrorsNameTheGenerator) {
  GenerateInput input;
  input.repos = [](const std::string&, const std::string&, const RepoUse&) -> Result<void> {
    return fail("no such ref");
  };
  auto params = first_params(git_set(false, "    directories: [{path: '*'}]\n"), input);
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().message(),
            "ApplicationSet argocd/set: spec.generators[0].git: https://example.com/repo.git at "
            "main: no such ref");
}

// --- git files (Test_generateParamsFromGitFile, TestGitGenerateParamsFromFiles) ---

TEST(AppSetGitFiles, FileParametersAreFlattenedWithThePath) {
  MemoryRepo repo;
  repo.tree.add_file("/path/dir/file_name.yaml", "foo:\n  bar: baz\ncount: 1000000\nempty: {}\n");
  repo.tree.add_file("/path/empty/file_name.yaml", "");
  EXPECT_PARAMS(
      first_params(git_set(false, "    files: [{path: 'path/**/*.yaml'}]\n"), repo.input()),
      R"(
- {foo.bar: baz, count: "1e+06", path: path/dir, path.basename: dir,
   path.filename: file_name.yaml, path.basenameNormalized: dir,
   path.filenameNormalized: file-name.yaml, "path[0]": path, "path[1]": dir}
- {path: path/empty, path.basename: empty, path.filename: file_name.yaml,
   path.basenameNormalized: empty, path.filenameNormalized: file-name.yaml, "path[0]": path,
   "path[1]": empty})");
}

TEST(AppSetGitFiles, GoTemplateKeepsTheObjectAndPrefixesThePath) {
  MemoryRepo repo;
  repo.tree.add_file("/path/dir/file_name.yaml", "foo:\n  bar: baz\n");
  EXPECT_PARAMS(first_params(git_set(true, R"(    files: [{path: 'path/dir/file_name.yaml'}]
    pathParamPrefix: myRepo
    values: {somekey: "{{.myRepo.path.basename}}"}
)"),
                             repo.input()),
                R"(
- foo: {bar: baz}
  myRepo:
    path: {path: path/dir, basename: dir, filename: file_name.yaml, basenameNormalized: dir,
           filenameNormalized: file-name.yaml, segments: [path, dir]}
  values: {somekey: dir})");
}

TEST(AppSetGitFiles, AListInAFileGivesOneSetPerItem) {
  MemoryRepo repo;
  repo.tree.add_file("/cluster-config/production/config.json",
                     R"([{"cluster": {"name": "a"}}, {"cluster": {"name": "b"}}])");
  auto params = first_params(
      git_set(false, "    files: [{path: 'cluster-config/**/config.json'}]\n"), repo.input());
  ASSERT_TRUE(params) << params.error().message();
  ASSERT_EQ(params->size(), 2u);
  EXPECT_EQ((*params)[0].string_at({"cluster.name"}), "a");
  EXPECT_EQ((*params)[1].string_at({"cluster.name"}), "b");
  EXPECT_EQ((*params)[1].string_at({"path"}), "cluster-config/production");
}

TEST(AppSetGitFiles, ExcludeRemovesFilesAndOldGlobbingCrossesDirectories) {
  // TestGitGeneratorParamsFromFilesWithExcludeOptionWithOldGlobbing: git ls-files' `*` crosses
  // "/", so "cluster-config/*/config.json" also finds the nested one.
  MemoryRepo repo;
  repo.tree.add_file("/cluster-config/production/config.json", R"({"env": "prod"})");
  repo.tree.add_file("/cluster-config/staging/config.json", R"({"env": "staging"})");
  repo.tree.add_file("/cluster-config/staging/nested/config.json", R"({"env": "nested"})");
  auto params = first_params(git_set(false, R"(    files:
    - path: 'cluster-config/*/config.json'
    - path: 'cluster-config/production/*'
      exclude: true
)"),
                             repo.input());
  ASSERT_TRUE(params) << params.error().message();
  std::string envs;
  for (const Node& p : *params)
    envs += std::string(p.string_at({"env"})) + " ";
  EXPECT_EQ(envs, "staging nested ");
  EXPECT_EQ(repo.calls, 1);  // one read of the repository for both patterns
}

TEST(AppSetGitFiles, AnUnreadableFileIsAnErrorNamingIt) {
  MemoryRepo repo;
  repo.tree.add_file("/path/dir/file_name.yaml", "this is not json or yaml");
  auto params = first_params(git_set(false, "    files: [{path: 'path/dir/file_name.yaml'}]\n"),
                             repo.input());
  ASSERT_FALSE(params);
  EXPECT_NE(params.error().message().find(
                "spec.generators[0].git: unable to process file 'path/dir/file_name.yaml' from "
                "repository 'https://example.com/repo.git': unable to parse file: "),
            std::string::npos)
      << params.error().message();
}

// --- git ls-files' pathspecs ---

struct PathspecCase {
  const char* pattern;
  const char* path;
  bool matches;
};

class AppSetPathspec : public ::testing::TestWithParam<PathspecCase> {};

TEST_P(AppSetPathspec, MatchesAsGitLsFiles) {
  EXPECT_EQ(appset::pathspec_matches(GetParam().pattern, GetParam().path), GetParam().matches)
      << GetParam().pattern << " " << GetParam().path;
}

INSTANTIATE_TEST_SUITE_P(
    Git, AppSetPathspec,
    ::testing::Values(PathspecCase{"", "a/b", true}, PathspecCase{"a", "a/b", true},
                      PathspecCase{"a", "ab", false}, PathspecCase{"a/", "a/b", true},
                      PathspecCase{"a/b", "a/b", true}, PathspecCase{"*.yaml", "x/y.yaml", true},
                      PathspecCase{"a/*/c", "a/x/y/c", true}, PathspecCase{"a/**/c", "a/c", false},
                      PathspecCase{"a?c", "a/c", true}, PathspecCase{"[ab]/x", "b/x", true},
                      PathspecCase{"[!ab]/x", "b/x", false},
                      PathspecCase{"[[:digit:]]x", "7x", true},
                      PathspecCase{"[[:nope:]]x", "7x", false}, PathspecCase{"a[", "a[", true},
                      PathspecCase{"a[*", "a[b", false}, PathspecCase{"\\*x", "*x", true},
                      PathspecCase{"\\*x", "ax", false}, PathspecCase{"[]]", "]", true},
                      PathspecCase{"[a-c]z", "bz", true},
                      PathspecCase{"*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false}));

// --- matrix (TestMatrixGenerate, TestMatrixGenerateGoTemplate) ---

TEST(AppSetMatrix, GitTimesListWithInterpolation) {
  MemoryRepo repo = repo_with_dirs({"app1", "app2"});
  ApplicationSet set = read_appset(R"(generators:
- matrix:
    generators:
    - git:
        repoURL: RepoURL
        revision: Revision
        directories: [{path: '*'}]
    - list:
        elements:
        - {cluster: Cluster, url: Url, templated: "test-{{path.basenameNormalized}}"}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set, repo.input()), R"(
- {path: app1, path.basename: app1, path.basenameNormalized: app1, "path[0]": app1,
   cluster: Cluster, url: Url, templated: test-app1}
- {path: app2, path.basename: app2, path.basenameNormalized: app2, "path[0]": app2,
   cluster: Cluster, url: Url, templated: test-app2})");
}

TEST(AppSetMatrix, TwoListsCombineInOrder) {
  ApplicationSet set = read_appset(R"(generators:
- matrix:
    generators:
    - list: {elements: [{a: "1"}, {a: "2"}]}
    - list: {elements: [{b: "1"}, {b: "2"}]}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set), R"(
- {a: "1", b: "1"}
- {a: "1", b: "2"}
- {a: "2", b: "1"}
- {a: "2", b: "2"})");
}

TEST(AppSetMatrix, GoTemplateFirstGeneratorWinsAndMapsMerge) {
  ApplicationSet set = read_appset(R"(goTemplate: true
generators:
- matrix:
    generators:
    - list: {elements: [{booleanFalse: false, booleanTrue: true, stringFalse: "false", m: {a: 1}}]}
    - list: {elements: [{booleanFalse: true, booleanTrue: false, stringFalse: "true", m: {b: 2}}]}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set), R"(
- {booleanFalse: false, booleanTrue: true, stringFalse: "false", m: {a: 1, b: 2}})");
}

TEST(AppSetMatrix, FasttemplateConflictingKeysAreAnError) {
  // TestCombineStringMaps
  ApplicationSet set = read_appset(R"(generators:
- matrix:
    generators:
    - list: {elements: [{foo: bar, a: fail}]}
    - list: {elements: [{a: b, c: d}]}
template: {metadata: {name: x}, spec: {}})");
  auto params = first_params(set);
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().message(),
            "ApplicationSet argocd/set: spec.generators[0].matrix: found duplicate key a with "
            "different value, a: fail ,b: b");
}

TEST(AppSetMatrix, SecondGitGeneratorReadsThePathTheFirstGave) {
  // TestInterpolateGenerator_go: the second child is rendered with each set of the first.
  MemoryRepo repo;
  repo.tree.add_file("/apps/web/config.yaml", "replicas: 2\n");
  repo.tree.add_file("/apps/api/config.yaml", "replicas: 3\n");
  ApplicationSet set = read_appset(R"(goTemplate: true
generators:
- matrix:
    generators:
    - list: {elements: [{app: web}, {app: api}]}
    - git:
        repoURL: https://example.com/repo.git
        revision: main
        files: [{path: 'apps/{{.app}}/config.yaml'}]
        values: {env: "{{.app}}", base: "{{.path.basename}}", both: "{{.app}}-{{.path.basename}}"}
template: {metadata: {name: x}, spec: {}})");
  auto params = first_params(set, repo.input());
  ASSERT_TRUE(params) << params.error().message();
  ASSERT_EQ(params->size(), 2u);
  EXPECT_EQ((*params)[0].at_path({"replicas"})->as_float(), 2);
  EXPECT_EQ((*params)[0].string_at({"app"}), "web");
  // A value the first set resolves is fixed early; one that needs the git generator's own
  // parameters waits for them; one that needs both never sees the first's (Argo keeps the
  // whole text when a key is missing).
  EXPECT_EQ((*params)[0].string_at({"values", "env"}), "web");
  EXPECT_EQ((*params)[0].string_at({"values", "base"}), "web");
  EXPECT_EQ((*params)[0].string_at({"values", "both"}), "<no value>-web");
  EXPECT_EQ((*params)[1].string_at({"values", "env"}), "api");
  // The repository is resolved once; the second read asks for the commit it resolved to.
  EXPECT_EQ(repo.revisions,
            (std::vector<std::string>{"main", "0123456789abcdef0123456789abcdef01234567"}));
}

TEST(AppSetMatrix, InterpolationErrorsAreGoErrors) {
  // TestInterpolateGeneratorError
  ApplicationSet set = read_appset(R"(goTemplate: true
generators:
- matrix:
    generators:
    - list: {elements: [{name: in-cluster, override: foo}]}
    - git:
        repoURL: foo
        revision: main
        files: [{path: "path/{{ index .rmap (default .override .test) }}"}]
        values: {resolved: "{{ index .rmap (default .override .test) }}"}
template: {metadata: {name: x}, spec: {}})");
  MemoryRepo repo;
  auto params = first_params(set, repo.input());
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().message(),
            "ApplicationSet argocd/set: spec.generators[0].matrix.generators[1].git.files[0].path: "
            "failed to execute go template path/{{ index .rmap (default .override .test) }}: "
            "template: base:1:8: executing \"base\" at <index .rmap (default .override .test)>: "
            "error calling index: index of untyped nil");
}

// --- merge (TestMergeGenerate) ---

TEST(AppSetMerge, LaterGeneratorsOverrideByMergeKey) {
  ApplicationSet set = read_appset(R"(generators:
- merge:
    mergeKeys: [b]
    generators:
    - list: {elements: [{a: "1_1", b: same, c: "1_3"}]}
    - list: {elements: [{a: "2_1", b: same}]}
    - list: {elements: [{a: "3_1", b: different, c: "3_3"}]}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set), "[{a: \"2_1\", b: same, c: \"1_3\"}]");
}

TEST(AppSetMerge, AbsentMergeKeysDoNotMerge) {
  ApplicationSet set = read_appset(R"(generators:
- merge:
    mergeKeys: [b]
    generators:
    - list: {elements: [{a: a}]}
    - list: {elements: [{b: b}]}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set), "[{a: a}]");
}

TEST(AppSetMerge, NestedMatrixAndMerge) {
  ApplicationSet matrix = read_appset(R"(generators:
- merge:
    mergeKeys: [a, b]
    generators:
    - matrix:
        generators:
        - list: {elements: [{a: "1"}, {a: "2"}]}
        - list: {elements: [{b: "1"}, {b: "2"}]}
    - list: {elements: [{a: "1", b: "1", c: added}]}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAM_SET(first_params(matrix), R"(
- {a: "1", b: "1", c: added}
- {a: "1", b: "2"}
- {a: "2", b: "1"}
- {a: "2", b: "2"})");
  ApplicationSet merge = read_appset(R"(generators:
- merge:
    mergeKeys: [a, b]
    generators:
    - merge:
        mergeKeys: [a]
        generators:
        - list: {elements: [{a: "1", b: "1"}, {a: "2", b: "2"}]}
        - list: {elements: [{a: "1", b: "3", c: added}, {a: "3", b: "2"}]}
    - list: {elements: [{a: "1", b: "3", d: added}]}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAM_SET(first_params(merge), R"(
- {a: "1", b: "3", c: added, d: added}
- {a: "2", b: "2"})");
}

TEST(AppSetMerge, SetsMustBeUniqueByTheKeys) {
  ApplicationSet set = read_appset(R"(generators:
- merge:
    mergeKeys: [b]
    generators:
    - list: {elements: [{a: "1", b: x}, {a: "2", b: x}]}
    - list: {elements: [{b: x}]}
template: {metadata: {name: x}, spec: {}})");
  auto params = first_params(set);
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().message(),
            "ApplicationSet argocd/set: spec.generators[0].merge: the parameters from a generator "
            "were not unique by the given mergeKeys, Merge requires all param sets to be unique. "
            "Duplicate key was {\"b\":\"x\"}");
}

TEST(AppSetMerge, GoTemplateMergesNestedMaps) {
  ApplicationSet set = read_appset(R"(goTemplate: true
generators:
- merge:
    mergeKeys: [server]
    generators:
    - list: {elements: [{server: s1, values: {a: "1", b: "1"}}, {server: s2}]}
    - list: {elements: [{server: s1, values: {b: "2"}}]}
template: {metadata: {name: x}, spec: {}})");
  EXPECT_PARAMS(first_params(set), R"(
- {server: s1, values: {a: "1", b: "2"}}
- {server: s2})");
}

// --- limits ---

TEST(AppSetLimits, AHugeMatrixIsRefused) {
  std::string elements = "[";
  for (int i = 0; i < 100; ++i)
    elements += std::string(i ? ", " : "") + "{a" + std::to_string(i) + ": x}";
  elements += "]";
  ApplicationSet set = read_appset(
      "generators:\n- matrix:\n    generators:\n    - list: "
      "{elements: " +
      elements + "}\n    - list: {elements: " + elements +
      "}\ntemplate: {metadata: {name: x}, spec: {}}");
  GenerateInput input;
  input.max_applications = 1000;
  auto params = first_params(set, input);
  ASSERT_FALSE(params);
  EXPECT_NE(params.error().message().find("generates more than 1000 parameter sets"),
            std::string::npos);
}

}  // namespace
}  // namespace plumb::argo
