// render_source on trees held in memory: which tool Argo CD picks, the Directory reader's
// rules (ported from argo-cd's reposerver/repository tests and findManifests' code), the
// kustomize edits and the Helm flags that fail or pass before the tools run, and the parameter
// override files. Outputs compared whole with render_source_oracle_test.cpp's real tools.
#include "argo/render_source.hpp"

#include <gtest/gtest.h>

#include "core/yaml.hpp"

namespace plumb::argo {
namespace {

std::string configmap(std::string_view name, std::string_view extra = "") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + std::string(name) + "\n" +
         std::string(extra);
}

class ArgoRender : public ::testing::Test {
 protected:
  void write(std::string_view path, std::string text) { m_tree.add_file(path, std::move(text)); }

  Result<Rendered> render(const ApplicationSource& source) {
    m_source = source;
    RenderRequest request;
    request.tree = &m_tree;
    request.source = &m_source;
    request.app_name = "guestbook";
    request.namespace_ = "prod";
    request.project = "team";
    request.revision = "0123456789abcdef0123456789abcdef01234567";
    request.max_directory_manifests_bytes = m_max_bytes;
    request.refs = m_refs;
    request.multiple_sources = m_multiple_sources;
    request.kustomize_load_restrictor = m_restrictor;
    return render_source(request);
  }

  // The objects' kind/name in order; the test fails when rendering does.
  std::vector<std::string> names(const ApplicationSource& source) {
    auto out = render(source);
    EXPECT_TRUE(out) << (out ? "" : out.error().message());
    std::vector<std::string> result;
    if (!out) return result;
    for (const Node& o : out->objects)
      result.push_back(std::string(o.string_at({"kind"})) + "/" +
                       std::string(o.string_at({"metadata", "name"})));
    return result;
  }

  std::string error(const ApplicationSource& source) {
    auto out = render(source);
    EXPECT_FALSE(out) << "expected an error, got " << (out ? out->objects.size() : 0) << " objects";
    return out ? "" : out.error().message();
  }

  MemoryFileSystem m_tree;
  ApplicationSource m_source;
  int64_t m_max_bytes = k_max_directory_manifests_bytes;
  std::map<std::string, const FileSystem*> m_refs;
  bool m_multiple_sources = false;
  render::LoadRestrictor m_restrictor = render::LoadRestrictor::root_only;
};

ApplicationSource at(std::string path) {
  ApplicationSource s;
  s.path = std::move(path);
  return s;
}

using Names = std::vector<std::string>;

// --- which tool ---

TEST_F(ArgoRender, DiscoveryLooksAtThePathsOwnFilesAndTheLastMatchInNameOrderWins) {
  write("/plain/cm.yaml", configmap("a"));
  write("/chart/Chart.yaml", "name: x\n");
  write("/kust/kustomization.yml", "");
  write("/big/Kustomization", "");
  write("/both/Chart.yaml", "");
  write("/both/kustomization.yaml", "");  // 'k' sorts after 'C'
  write("/mine/MyChart.yaml", "");        // a name that ends in Chart.yaml
  write("/later/kustomization.yaml", "");
  write("/later/xChart.yaml", "");  // 'x' sorts after 'k'
  write("/deep/sub/Chart.yaml", "");
  write("/dirname/Chart.yaml/x.yaml", "");
  EXPECT_EQ(source_type(m_tree, at("plain")), SourceType::directory);
  EXPECT_EQ(source_type(m_tree, at("chart")), SourceType::helm);
  EXPECT_EQ(source_type(m_tree, at("kust")), SourceType::kustomize);
  EXPECT_EQ(source_type(m_tree, at("big")), SourceType::kustomize);
  EXPECT_EQ(source_type(m_tree, at("both")), SourceType::kustomize);
  EXPECT_EQ(source_type(m_tree, at("mine")), SourceType::helm);
  EXPECT_EQ(source_type(m_tree, at("later")), SourceType::helm);
  EXPECT_EQ(source_type(m_tree, at("deep")), SourceType::directory);
  EXPECT_EQ(source_type(m_tree, at("dirname")), SourceType::directory);
  EXPECT_EQ(to_string(SourceType::directory), "Directory");
  EXPECT_EQ(to_string(SourceType::kustomize), "Kustomize");
  EXPECT_EQ(to_string(SourceType::helm), "Helm");
}

TEST_F(ArgoRender, AnExplicitBlockWinsUnlessEmptyAndAChartSourceIsHelm) {
  write("/app/kustomization.yaml", "");
  ApplicationSource s = at("app");
  s.helm = HelmOptions{};  // empty: Argo's controller drops it
  EXPECT_EQ(source_type(m_tree, s), SourceType::kustomize);
  s.helm->release_name = "r";
  EXPECT_EQ(source_type(m_tree, s), SourceType::helm);
  s = at("app");
  s.directory = DirectoryOptions{};
  EXPECT_EQ(source_type(m_tree, s), SourceType::kustomize);
  s.directory->include = "*.yaml";  // include alone keeps the block
  EXPECT_EQ(source_type(m_tree, s), SourceType::directory);
  s = at("");
  s.chart = "redis";
  EXPECT_EQ(source_type(m_tree, s), SourceType::helm);
}

TEST_F(ArgoRender, TwoBlocksAreRefused) {
  write("/app/cm.yaml", configmap("a"));
  ApplicationSource s = at("app");
  s.kustomize = KustomizeOptions{};
  s.kustomize->name_prefix = "p-";
  s.helm = HelmOptions{};
  s.helm->skip_crds = true;
  s.directory = DirectoryOptions{};
  s.directory->recurse = true;
  EXPECT_EQ(error(s), "multiple application sources defined: Kustomize,Helm,Directory");
}

TEST_F(ArgoRender, ThePathMustBeADirectoryInsideTheTree) {
  write("/app/cm.yaml", configmap("a"));
  EXPECT_EQ(error(at("nope")), "nope: app path does not exist");
  EXPECT_EQ(error(at("/app")), "/app: app path is absolute");
  EXPECT_EQ(error(at("app/../../x")), "app/../../x: app path outside root");
  EXPECT_EQ(error(at("app/cm.yaml")), "app/cm.yaml: app path is not a directory");
  EXPECT_EQ(names(at("app/../app")), Names{"ConfigMap/a"});
}

// --- Directory ---

TEST_F(ArgoRender, DirectoryReadsManifestFilesInWalkOrderRecursingOnlyWhenAsked) {
  write("/app/a.yaml", configmap("a"));
  write("/app/b/c.yml", configmap("c"));
  write("/app/b.json", R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}})");
  write("/app/d.txt", configmap("txt"));
  write("/app/E.YAML", configmap("upper"));
  write("/app/lib.libsonnet", "{}");
  write("/app/b/deeper/e.yaml", configmap("e"));
  EXPECT_EQ(names(at("app")), (Names{"ConfigMap/a", "ConfigMap/b"}));
  ApplicationSource s = at("app");
  s.directory = DirectoryOptions{.recurse = true};
  // filepath.Walk: "b" (a directory) sorts before "b.json".
  EXPECT_EQ(names(s), (Names{"ConfigMap/a", "ConfigMap/c", "ConfigMap/e", "ConfigMap/b"}));
}

// TestFindResources: gobwas globs without separators on the path below the source path.
TEST_F(ArgoRender, IncludeAndExcludeAreGlobsOnTheRelativePath) {
  write("/app/deployment.yaml", configmap("top"));
  write("/app/subdir/deploymentSub.yaml", configmap("sub"));
  write("/app/other.yml", configmap("yml"));
  auto with = [](std::string include, std::string exclude) {
    ApplicationSource s = at("app");
    s.directory = DirectoryOptions{true, std::move(include), std::move(exclude)};
    return s;
  };
  EXPECT_EQ(names(with("subdir/deploymentSub.yaml", "")), Names{"ConfigMap/sub"});
  EXPECT_EQ(names(with("*.yaml", "")), (Names{"ConfigMap/top", "ConfigMap/sub"}));
  EXPECT_EQ(names(with("**/*.yaml", "")), Names{"ConfigMap/sub"});
  EXPECT_EQ(names(with("nothing.yaml", "")), Names{});
  EXPECT_EQ(names(with("{*.yml,subdir/*}", "")), (Names{"ConfigMap/yml", "ConfigMap/sub"}));
  EXPECT_EQ(names(with("", "subdir/deploymentSub.yaml")),
            (Names{"ConfigMap/top", "ConfigMap/yml"}));
  EXPECT_EQ(names(with("", "*.yaml")), Names{"ConfigMap/yml"});
  EXPECT_EQ(names(with("*.yaml", "sub*")), Names{"ConfigMap/top"});
}

TEST_F(ArgoRender, DirectoryDocumentsDecodeAsArgoDecodesThem) {
  write("/app/multi.yaml",
        "---\n" + configmap("one") + "---\n# only a comment\n---\n---\n" +
            configmap("two", "data:\n  flag: yes\n  octal: 010\n  float: 1.0\n  on: x\n") +
            "---\n");
  auto out = render(at("app"));
  ASSERT_TRUE(out) << out.error().message();
  ASSERT_EQ(out->objects.size(), 2u);
  // sigs.k8s.io/yaml reads YAML 1.1; JSON numbers that are integers come back as integers.
  const Node* data = out->objects[1].find("data");
  ASSERT_NE(data, nullptr);
  EXPECT_TRUE(data->find("flag")->is_bool());
  EXPECT_EQ(data->find("octal")->as_int(), 8);
  EXPECT_TRUE(data->find("float")->is_int());
  EXPECT_NE(data->find("true"), nullptr);
  EXPECT_EQ(out->type, SourceType::directory);
}

// Test_findManifests: what is an error, what is skipped.
TEST_F(ArgoRender, YamlThatIsNotAManifestIsIgnoredUnlessItLooksLikeOne) {
  write("/app/irrelevant.yaml", "some: [irrelevant, yaml]\n");
  write("/app/relevant.yaml", configmap("relevant"));
  // A kindless document first and no "metadata:" anywhere: the whole file is left out.
  write("/app/values.yml", "replicas: 2\n---\napiVersion: v1\nkind: ConfigMap\n");
  EXPECT_EQ(names(at("app")), Names{"ConfigMap/relevant"});

  write("/app/partial.yaml", "apiVersion: v1\nkind: ConfigMap\n---\ninvalid:\n");
  EXPECT_EQ(error(at("app")),
            "failed to unmarshal manifest: /app/partial.yaml: document 2: Object 'Kind' is "
            "missing");
}

TEST_F(ArgoRender, YamlThatLooksLikeAManifestButDoesNotParseIsAnError) {
  write("/app/bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ template \"x\" . }}\n");
  std::string e = error(at("app"));
  EXPECT_NE(e.find("/app/bad.yaml: document 1"), std::string::npos) << e;
  write("/app/bad.yaml",
        "# +argocd:skip-file-rendering\n" + m_tree.read_file("/app/bad.yaml").value());
  EXPECT_EQ(names(at("app")), Names{});
}

TEST_F(ArgoRender, AJsonFileHoldsOneObject) {
  write("/app/valid.json",
        R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}})");
  EXPECT_EQ(names(at("app")), Names{"ConfigMap/j"});
  write("/app/two.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"}\n{\"apiVersion\": "
        "\"v1\", \"kind\": \"ConfigMap\"}\n");
  EXPECT_EQ(error(at("app")),
            "Found multiple objects in /app/two.json. Only single objects are allowed in JSON "
            "files.");
  write("/app/two.json", "[\n");
  EXPECT_NE(error(at("app")).find("/app/two.json"), std::string::npos);
  write("/app/two.json", R"({"baseUrl": "http://localhost:3000"})");
  EXPECT_EQ(error(at("app")), "/app/two.json: Object 'Kind' is missing");
  write("/app/two.json", R"([{"kind": "ConfigMap"}])");
  EXPECT_NE(error(at("app")).find("cannot unmarshal array"), std::string::npos);
}

TEST_F(ArgoRender, AYamlFileStartingWithABraceIsAStreamOfJsonObjects) {
  write("/app/stream.yaml", R"({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "y"}})");
  EXPECT_EQ(names(at("app")), (Names{"ConfigMap/x", "Secret/y"}));
}

// TestGenerateNullList and GenerateManifests' list handling.
TEST_F(ArgoRender, ListsAreReplacedByTheirItems) {
  write("/app/a-list.yaml", R"(apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: first
- kind: Secret
  metadata:
    name: second
)");
  write("/app/b-null.yaml",
        "apiVersion: v1\nkind: ConfigMapList\nitems:\n---\n" + configmap("after-null"));
  write("/app/c-empty.yaml", "apiVersion: v1\nkind: ConfigMapList\nitems: []\n");
  write("/app/d-weird.yaml", "apiVersion: v1\nkind: NotAList\nitems:\nspec:\n  foo: bar\n");
  EXPECT_EQ(names(at("app")),
            (Names{"ConfigMap/first", "Secret/second", "ConfigMap/after-null", "NotAList/"}));
  write("/app/e-bad.yaml", "apiVersion: v1\nkind: List\nitems:\n- just a string\n");
  EXPECT_EQ(error(at("app")), "app: List/: items member is not an object");
}

TEST_F(ArgoRender, JsonnetFilesAreRefusedUnlessExcluded) {
  write("/app/cm.yaml", configmap("a"));
  write("/app/main.jsonnet", "{}");
  EXPECT_NE(error(at("app")).find("/app/main.jsonnet: Jsonnet is not supported"),
            std::string::npos);
  ApplicationSource s = at("app");
  s.directory = DirectoryOptions{.exclude = "*.jsonnet"};
  EXPECT_EQ(names(s), Names{"ConfigMap/a"});
}

TEST_F(ArgoRender, TheManifestFilesTogetherHaveASizeLimit) {
  write("/app/a.yaml", configmap("a"));
  write("/app/b.yaml", configmap("b"));
  write("/app/c.jsonnet", "{}  // not counted");
  write("/app/d.yaml", "# +argocd:skip-file-rendering\n" + std::string(1000, '#'));
  int64_t both = int64_t(configmap("a").size() + configmap("b").size());
  m_max_bytes = both;
  ApplicationSource s = at("app");
  s.directory = DirectoryOptions{.exclude = "*.jsonnet"};
  // Excluded and skipped files count nothing; jsonnet never counts.
  EXPECT_EQ(names(s).size(), 2u);
  m_max_bytes = both - 1;
  EXPECT_EQ(error(s), "/app/b.yaml: exceeded max combined manifest file size (" +
                          std::to_string(both - 1) + " bytes)");
}

TEST_F(ArgoRender, LinksToFilesAreReadLinksToDirectoriesAreNotWalked) {
  write("/shared/cm.yaml", configmap("shared"));
  write("/shared/sub/x.yaml", configmap("x"));
  m_tree.add_file("/app/own.yaml", configmap("own"));
  m_tree.add_symlink("/app/linked.yaml", "../shared/cm.yaml");
  m_tree.add_symlink("/app/dir.yaml", "../shared/sub");
  m_tree.add_symlink("/app/linkdir", "../shared/sub");
  m_tree.add_symlink("/app/nowhere.yaml", "../missing.yaml");
  ApplicationSource s = at("app");
  s.directory = DirectoryOptions{.recurse = true};
  EXPECT_EQ(names(s), (Names{"ConfigMap/shared", "ConfigMap/own"}));
}

TEST_F(ArgoRender, Utf16FilesAreDecoded) {
  std::string text = configmap("wide");
  std::string utf16 = "\xFF\xFE";
  for (char c : text) {
    utf16.push_back(c);
    utf16.push_back('\0');
  }
  write("/app/wide.yaml", utf16);
  write("/app/bom.yaml", "\xEF\xBB\xBF" + configmap("bom"));
  EXPECT_EQ(names(at("app")), (Names{"ConfigMap/bom", "ConfigMap/wide"}));
}

// --- Kustomize: edits that fail before the build (outputs: the oracle test) ---

KustomizeOptions kustomize() {
  return KustomizeOptions{};
}

TEST_F(ArgoRender, KustomizeOverridesNeedOneKustomizationFile) {
  write("/app/cm.yaml", configmap("a"));
  ApplicationSource s = at("app");
  s.kustomize = kustomize();
  s.kustomize->name_prefix = "p-";
  EXPECT_EQ(error(s),
            "kustomize build app: /app: Missing kustomization file 'kustomization.yaml'.");
  write("/app/kustomization.yaml", "resources: [cm.yaml]\n");
  write("/app/kustomization.yml", "resources: [cm.yaml]\n");
  EXPECT_EQ(error(s),
            "kustomize build app: /app: Found multiple kustomization file: [kustomization.yaml "
            "kustomization.yml]");
}

TEST_F(ArgoRender, KustomizeLabelsAlreadySetAreAnError) {
  write("/app/cm.yaml", configmap("a"));
  write("/app/kustomization.yaml",
        "resources: [cm.yaml]\ncommonLabels:\n  team: a\ncommonAnnotations:\n  note: x\n");
  ApplicationSource s = at("app");
  s.kustomize = kustomize();
  s.kustomize->common_labels = {{"team", "b"}};
  EXPECT_EQ(error(s),
            "kustomize build app: label team already in kustomization file. Use --force to "
            "override.");
  s.kustomize->common_labels = {{"app", "x"}};
  s.kustomize->common_annotations = {{"note", "y"}};
  EXPECT_EQ(error(s),
            "kustomize build app: annotation note already in kustomization file. Use --force to "
            "override.");
  s.kustomize->common_annotations = {{"", "y"}};
  EXPECT_EQ(error(s),
            "kustomize build app: invalid annotation: ':y' (need k:v pair where v may be "
            "quoted)");
}

TEST_F(ArgoRender, KustomizeImagesAndReplicasMustParse) {
  write("/app/kustomization.yaml", "resources: []\n");
  ApplicationSource s = at("app");
  s.kustomize = kustomize();
  s.kustomize->images = {"nginx"};
  EXPECT_NE(error(s).find("invalid format of image \"nginx\""), std::string::npos);
  s.kustomize->images.clear();
  s.kustomize->replicas = {{"a=b", 2}};
  EXPECT_NE(error(s).find("invalid format of replica \"a=b=2\""), std::string::npos);
}

TEST_F(ArgoRender, KustomizeComponentsMustExistUnlessRemote) {
  write("/app/kustomization.yaml", "resources: []\n");
  ApplicationSource s = at("app");
  s.kustomize = kustomize();
  s.kustomize->components = {"../components/missing"};
  EXPECT_EQ(error(s),
            "kustomize build app: ../components/missing has no match: must build at directory: "
            "not a valid directory: /components/missing: no such file or directory");
}

TEST_F(ArgoRender, KustomizeAppliesOverridesToAnEditedCopyNeverTheTree) {
  std::string original = "resources: [cm.yaml]\n";
  write("/app/cm.yaml", configmap("a"));
  write("/app/kustomization.yaml", original);
  ApplicationSource s = at("app");
  s.kustomize = kustomize();
  s.kustomize->name_prefix = "p-";
  EXPECT_EQ(names(s), Names{"ConfigMap/p-a"});
  EXPECT_EQ(m_tree.read_file("/app/kustomization.yaml").value(), original);
  EXPECT_EQ(render(s)->type, SourceType::kustomize);
}

TEST_F(ArgoRender, KustomizeLoadsOnlyBelowTheKustomizationUnlessConfiguredOtherwise) {
  write("/shared/cm.yaml", configmap("shared"));
  write("/app/kustomization.yaml", "resources: [../shared/cm.yaml]\n");
  EXPECT_NE(error(at("app")).find("kustomize build app: "), std::string::npos);
  m_restrictor = render::LoadRestrictor::none;
  EXPECT_EQ(names(at("app")), Names{"ConfigMap/shared"});
}

// --- Helm: flags refused before helm runs (outputs: the oracle test) ---

TEST_F(ArgoRender, HelmValueFilesMustStayInTheRepositoryAndBeLocal) {
  write("/chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  ApplicationSource s = at("chart");
  s.helm = HelmOptions{};
  s.helm->value_files = {"https://example.com/values.yaml"};
  EXPECT_EQ(error(s),
            "helm template chart: value file https://example.com/values.yaml: remote value "
            "files are not supported");
  s.helm->value_files = {"s3://bucket/values.yaml"};
  EXPECT_EQ(error(s), "helm template chart: the URL scheme 's3' is not allowed");
  s.helm->value_files = {"../../etc/passwd"};
  EXPECT_EQ(error(s),
            "helm template chart: file '../../etc/passwd' resolved to outside repository root");
  s.helm->value_files = {"values-*.yaml"};
  EXPECT_EQ(error(s), "helm template chart: values file glob \"values-*.yaml\" matched no files");
  s.helm->ignore_missing_value_files = true;
  s.helm->value_files = {"values-*.yaml", "missing.yaml"};
  EXPECT_EQ(names(s), Names{});
}

TEST_F(ArgoRender, HelmRefValueFilesMustNameARefSource) {
  write("/chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  ApplicationSource s = at("chart");
  s.helm = HelmOptions{};
  s.helm->value_files = {"$values/prod.yaml"};
  m_multiple_sources = true;
  EXPECT_EQ(error(s),
            "helm template chart: source referenced \"$values\", but no source has a 'ref' field "
            "defined");
  MemoryFileSystem other;
  m_refs = {{"config", &other}};
  EXPECT_EQ(error(s),
            "helm template chart: source referenced \"$values\", which is not one of the "
            "available sources ($config)");
}

TEST_F(ArgoRender, HelmKubeVersionMustParse) {
  write("/chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  ApplicationSource s = at("chart");
  s.helm = HelmOptions{};
  s.helm->kube_version = "one";
  EXPECT_NE(error(s).find("helm template chart: could not parse kubernetes version one"),
            std::string::npos);
}

TEST_F(ArgoRender, HelmDocumentsWithoutAKindAreAnError) {
  write("/chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  write("/chart/templates/ok.yaml", configmap("ok"));
  write("/chart/templates/bad.yaml", "just: data\n");
  EXPECT_EQ(error(at("chart")),
            "helm template chart: failed to unmarshal manifest: c/templates/bad.yaml: Object "
            "'Kind' is missing");
}

// --- the build environment ---

TEST_F(ArgoRender, ParameterValuesGoThroughArgosEnvironment) {
  write("/chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  write("/chart/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n"
        "{{- range $k, $v := .Values.p }}\n  {{ $k }}: {{ $v | quote }}\n{{- end }}\n");
  ApplicationSource s = at("chart");
  s.repo_url = "https://git.example.com/repo.git";
  s.target_revision = "main";
  s.helm = HelmOptions{};
  auto param = [](std::string name, std::string value) {
    return HelmParameter{"p." + std::move(name), std::move(value), true};
  };
  s.helm->parameters = {
      param("a", "$ARGOCD_APP_NAME"),
      param("b", "${ARGOCD_APP_NAMESPACE}-$ARGOCD_APP_PROJECT_NAME"),
      param("c", "$ARGOCD_APP_REVISION_SHORT/$ARGOCD_APP_REVISION_SHORT_8"),
      param("d", "$ARGOCD_APP_SOURCE_PATH@$ARGOCD_APP_SOURCE_TARGET_REVISION"),
      param("e", "$ARGOCD_APP_SOURCE_REPO_URL"),
      param("f", "pa$$word $UNKNOWN ${} $ $1x ${unterminated"),
      param("g", "a,b"),
  };
  auto out = render(s);
  ASSERT_TRUE(out) << out.error().message();
  const Node& data = *out->objects.at(0).find("data");
  EXPECT_EQ(data.find("a")->as_string(), "guestbook");
  EXPECT_EQ(data.find("b")->as_string(), "prod-team");
  EXPECT_EQ(data.find("c")->as_string(), "0123456/01234567");
  EXPECT_EQ(data.find("d")->as_string(), "chart@main");
  EXPECT_EQ(data.find("e")->as_string(), "https://git.example.com/repo.git");
  EXPECT_EQ(data.find("f")->as_string(), "pa$word   $ x unterminated");
  EXPECT_EQ(data.find("g")->as_string(), "a,b");  // the comma escaped for --set's parser
}

// --- .argocd-source.yaml ---

TEST_F(ArgoRender, OverrideFilesAreMergePatchesOnTheSource) {
  write("/app/.argocd-source.yaml",
        "kustomize:\n  images: [nginx:1.25]\npath: elsewhere\nrepoURL: https://evil\n");
  write("/app/.argocd-source-guestbook.yaml", "kustomize:\n  namePrefix: gb-\n");
  write("/app/.argocd-source-other.yaml", "kustomize:\n  namePrefix: other-\n");
  Node source = parse_yaml(R"(repoURL: https://git.example.com/repo.git
path: app
kustomize:
  namePrefix: mine-
  nameSuffix: -s
)",
                           "source")
                    .value();
  auto merged = apply_source_overrides(m_tree, source, "guestbook");
  ASSERT_TRUE(merged) << merged.error().message();
  EXPECT_EQ(merged->string_at({"path"}), "app");
  EXPECT_EQ(merged->string_at({"repoURL"}), "https://git.example.com/repo.git");
  EXPECT_EQ(merged->string_at({"kustomize", "namePrefix"}), "gb-");
  EXPECT_EQ(merged->string_at({"kustomize", "nameSuffix"}), "-s");
  EXPECT_EQ(merged->at_path({"kustomize", "images"})->items()[0].as_string(), "nginx:1.25");
  write("/app/.argocd-source.yaml", "");
  EXPECT_EQ(apply_source_overrides(m_tree, source, "").error().message(),
            "/app/.argocd-source.yaml: Invalid JSON Patch");
  EXPECT_EQ(apply_source_overrides(m_tree, parse_yaml("path: nowhere\n", "s").value(), "x")
                ->string_at({"path"}),
            "nowhere");
}

}  // namespace
}  // namespace plumb::argo
