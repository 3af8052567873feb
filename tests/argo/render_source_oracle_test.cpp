// render_source against the real tools, on the trees of testdata/render: a Kustomize source
// with Argo's overrides equals `kubectl kustomize` (kustomize v5.5) run on a copy whose
// kustomization was edited as Argo's `kustomize edit` commands edit it (written out here by
// hand: what kustomize v5's edit commands leave in the file), and a Helm source equals `helm
// template` (helm v4.1.4) run with the flags Argo's util/helm builds. A missing tool skips the
// tests locally and fails them in CI.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "argo/render_source.hpp"
#include "core/yaml.hpp"
#include "support/require.hpp"

namespace plumb::argo {
namespace {

namespace fs = std::filesystem;

const fs::path k_testdata = fs::path(PLUMB_SOURCE_DIR) / "tests/argo/testdata/render";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// The files below `dir` on disk, at `mount` in a tree.
void load(MemoryFileSystem& tree, const fs::path& dir, const std::string& mount) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    tree.add_file(mount + "/" + fs::relative(entry.path(), dir).string(), read_text(entry.path()));
  }
}

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "argo-render-XXXXXX").string();
    m_path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(m_path); }
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

// Runs a shell command; its stdout, or a test failure with its stderr.
std::string run(const std::string& command, const TempDir& scratch) {
  fs::path out = scratch.path() / "stdout", err = scratch.path() / "stderr";
  int status =
      std::system((command + " > '" + out.string() + "' 2> '" + err.string() + "'").c_str());
  EXPECT_EQ(status, 0) << command << ": " << read_text(err);
  return read_text(out);
}

class ArgoRenderOracle : public ::testing::Test {
 protected:
  Rendered render_ok(const ApplicationSource& source, const MemoryFileSystem& tree) {
    RenderRequest request;
    request.tree = &tree;
    request.source = &source;
    request.app_name = "guestbook";
    request.namespace_ = "prod";
    request.revision = "0123456789abcdef0123456789abcdef01234567";
    request.refs = m_refs;
    request.multiple_sources = !m_refs.empty();
    auto out = render_source(request);
    EXPECT_TRUE(out) << (out ? "" : out.error().message());
    return out ? std::move(*out) : Rendered{};
  }

  std::map<std::string, const FileSystem*> m_refs;
};

// --- Kustomize ---

class KustomizeOracle : public ArgoRenderOracle {
 protected:
  void SetUp() override {
    PLUMB_REQUIRE(test_support::have_tool("kubectl"),
                  "kubectl is not installed; cannot compare with kustomize");
    load(m_tree, k_testdata / "kustomize", "/deploy");
    fs::copy(k_testdata / "kustomize", m_copy.path() / "deploy", fs::copy_options::recursive);
  }

  // kubectl kustomize on the copy of `dir` whose kustomization is `edited` (or as it is).
  std::string kubectl(const std::string& dir, std::string_view edited = "") {
    fs::path root = m_copy.path() / "deploy" / dir;
    if (!edited.empty()) write_text(root / "kustomization.yaml", edited);
    return run("kubectl kustomize '" + root.string() + "'", m_copy);
  }

  std::string ours(const ApplicationSource& source) {
    Rendered out = render_ok(source, m_tree);
    EXPECT_EQ(out.type, SourceType::kustomize);
    return to_yaml_stream(out.objects);
  }

  MemoryFileSystem m_tree;
  TempDir m_copy;
};

TEST_F(KustomizeOracle, WithoutOverridesTheKustomizationIsBuiltAsItIs) {
  ApplicationSource source;
  source.path = "deploy/base";
  EXPECT_EQ(ours(source), kubectl("base"));
}

TEST_F(KustomizeOracle, EveryOverrideEditsTheKustomizationAsArgoDoes) {
  ApplicationSource source;
  source.path = "deploy/base";
  KustomizeOptions& k = source.kustomize.emplace();
  k.name_prefix = "argo-";
  k.name_suffix = "-v1";
  k.images = {
      "nginx=*:1.25", "busybox:$ARGOCD_APP_REVISION_SHORT",
      "alpine=alpine@sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3"};
  k.replicas = {{"worker", 3}, {"web", 5}};
  k.common_labels = {{"env", "$ARGOCD_APP_NAMESPACE"}, {"quoted", "\"q\""}};
  k.common_annotations = {{"owner", "$ARGOCD_APP_NAME"}};
  k.namespace_ = "argo-ns";
  k.patches = {parse_yaml(R"(target:
  kind: Deployment
  name: web
patch: |-
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    labels:
      patched: argo
)",
                          "patch")
                   .value()};
  k.components = {"../components/monitoring", "../components/*g"};
  // kustomize edit set/add leave the file as this (images and replicas sorted by name, the
  // '*' new name kept from the file, labels' values substituted and unquoted, annotations
  // not substituted, the patch appended, the component globs expanded in name order).
  std::string edited = R"(apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
- service.yaml
namePrefix: argo-
nameSuffix: -v1
namespace: argo-ns
commonLabels:
  env: prod
  quoted: q
  team: web
commonAnnotations:
  owner: $ARGOCD_APP_NAME
patches:
- patch: |-
    - op: add
      path: /metadata/annotations
      value:
        patched: base
  target:
    kind: Service
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels:
        patched: argo
  target:
    kind: Deployment
    name: web
images:
- digest: sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3
  name: alpine
  newName: alpine
- name: busybox
  newTag: "0123456"
- name: nginx
  newName: registry.example.com/nginx
  newTag: "1.25"
- name: redis
  newTag: "6"
replicas:
- count: 5
  name: web
- count: 3
  name: worker
components:
- ../components/monitoring
- ../components/debug
)";
  EXPECT_EQ(ours(source), kubectl("base", edited));
}

// kustomize applies image rules in list order, so the sorting `kustomize edit set image` does
// changes what a chain of rules gives.
TEST_F(KustomizeOracle, SettingAnImageSortsTheImagesByName) {
  ApplicationSource source;
  source.path = "deploy/chain";
  EXPECT_EQ(ours(source), kubectl("chain"));
  std::string before = ours(source);
  source.kustomize.emplace().images = {"redis:7"};
  std::string edited = R"(resources:
- pod.yaml
images:
- name: gcr.io/nginx
  newTag: "9"
- name: nginx
  newName: gcr.io/nginx
- name: redis
  newTag: "7"
)";
  std::string after = ours(source);
  EXPECT_EQ(after, kubectl("chain", edited));
  EXPECT_NE(after, before);
}

// --- Helm ---

class HelmOracle : public ArgoRenderOracle {
 protected:
  void SetUp() override {
    PLUMB_REQUIRE(test_support::have_tool("helm"),
                  "helm is not installed; cannot compare with helm template");
    load(m_tree, k_testdata / "chart", "/charts/demo");
    load(m_values_repo, k_testdata / "values-repo", "");
  }

  // helm template on the chart on disk with `flags`, read back as Argo reads it.
  std::string helm(const std::string& flags, const fs::path& chart = k_testdata / "chart") {
    std::string out = run("helm template '" + chart.string() + "' " + flags, m_scratch);
    auto docs =
        parse_yaml_stream(out, "helm template", DuplicateKeys::error, PlainScalars::go_yaml_v2);
    EXPECT_TRUE(docs) << (docs ? "" : docs.error().message());
    return docs ? to_yaml_stream(*docs) : "";
  }

  std::string ours(const ApplicationSource& source, const MemoryFileSystem& tree) {
    Rendered out = render_ok(source, tree);
    EXPECT_EQ(out.type, SourceType::helm);
    return to_yaml_stream(out.objects);
  }

  std::string file(std::string_view name, std::string_view text) {
    fs::path path = m_scratch.path() / name;
    write_text(path, text);
    return "'" + path.string() + "'";
  }

  MemoryFileSystem m_tree;
  MemoryFileSystem m_values_repo;
  TempDir m_scratch;
};

TEST_F(HelmOracle, TheAppNameIsTheReleaseAndCrdsAndHooksAreKept) {
  ApplicationSource source;
  source.path = "charts/demo";
  std::string out = ours(source, m_tree);
  EXPECT_EQ(out, helm("--name-template guestbook --namespace prod --include-crds"));
  EXPECT_NE(out.find("kind: CustomResourceDefinition"), std::string::npos);
  EXPECT_NE(out.find("helm.sh/hook: pre-install,pre-upgrade"), std::string::npos);
  EXPECT_NE(out.find("helm.sh/hook: test"), std::string::npos);
}

TEST_F(HelmOracle, EveryHelmOptionBecomesArgosFlag) {
  ApplicationSource source;
  source.path = "charts/demo";
  HelmOptions& h = source.helm.emplace();
  h.release_name = "rel";
  h.value_files = {"values-prod.yaml", "envs/*.yaml", "missing.yaml"};
  h.ignore_missing_value_files = true;
  h.values = "message: from-values\n";  // valuesObject wins
  h.values_object = parse_yaml("message: from-object\nlabels:\n  tier: web\n", "v").value();
  h.parameters = {{"replicas", "4", false},
                  {"image.tag", "1.26", true},
                  {"items", "{a,b}", false},
                  {"enabled", "true", false},
                  {"replicas", "5", false}};
  h.kube_version = "v1.29.3+k3s1";
  h.api_versions = {"example.com/v1/Widget"};
  h.skip_crds = true;
  std::string chart = (k_testdata / "chart").string();
  std::string flags =
      "--name-template rel --namespace prod --kube-version 1.29.3 --set replicas=5 "
      "--set items={a,b} --set enabled=true --set-string image.tag=1.26 --values '" +
      chart + "/values-prod.yaml' --values '" + chart + "/envs/a.yaml' --values '" + chart +
      "/envs/b.yaml' --values " +
      file("object.yaml", "message: from-object\nlabels:\n  tier: web\n") +
      " --api-versions example.com/v1/Widget";
  std::string out = ours(source, m_tree);
  EXPECT_EQ(out, helm(flags));
  EXPECT_NE(out.find("kind: Widget"), std::string::npos);
  EXPECT_EQ(out.find("kind: CustomResourceDefinition"), std::string::npos);
}

TEST_F(HelmOracle, TheClustersVersionsApplyUnlessTheSourceSetsItsOwn) {
  ApplicationSource source;
  source.path = "charts/demo";
  RenderRequest request;
  request.tree = &m_tree;
  request.source = &source;
  request.app_name = "argocd_guestbook";  // an instance name in another namespace
  request.kube_version = "1.31";
  request.api_versions = {"example.com/v1/Widget"};
  auto out = render_source(request);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(to_yaml_stream(out->objects),
            helm("--name-template guestbook --namespace default --kube-version 1.31 --api-versions "
                 "example.com/v1/Widget --include-crds"));
}

// A glob's matches stand where the glob stands, except files also listed explicitly, which
// stand where they are listed; helm.values is the last values file.
TEST_F(HelmOracle, GlobbedValueFilesGiveWayToExplicitOnesAndValuesComeLast) {
  ApplicationSource source;
  source.path = "charts/demo";
  HelmOptions& h = source.helm.emplace();
  h.value_files = {"envs/*.yaml", "envs/a.yaml"};
  h.values = "replicas: 7\n";
  std::string chart = (k_testdata / "chart").string();
  EXPECT_EQ(ours(source, m_tree),
            helm("--name-template guestbook --namespace prod --include-crds --values '" + chart +
                 "/envs/b.yaml' --values '" + chart + "/envs/a.yaml' --values " +
                 file("values.yaml", "replicas: 7\n")));
}

TEST_F(HelmOracle, RefSourcesGiveValueFiles) {
  m_refs = {{"values", &m_values_repo}};
  ApplicationSource source;
  source.path = "charts/demo";
  source.helm.emplace().value_files = {"$values/envs/prod.yaml", "/charts/demo/values-prod.yaml"};
  std::string flags = "--name-template guestbook --namespace prod --include-crds --values '" +
                      (k_testdata / "values-repo/envs/prod.yaml").string() + "' --values '" +
                      (k_testdata / "chart/values-prod.yaml").string() + "'";
  EXPECT_EQ(ours(source, m_tree), helm(flags));
}

TEST_F(HelmOracle, AChartSourceIsTheChartAtTheTreesRoot) {
  MemoryFileSystem unpacked;
  load(unpacked, k_testdata / "chart", "");
  ApplicationSource source;
  source.repo_url = "https://charts.example.com";
  source.chart = "demo";
  source.target_revision = "0.1.0";
  source.helm.emplace().parameters = {{"message", "$ARGOCD_APP_NAME,$ARGOCD_APP_NAMESPACE", false}};
  EXPECT_EQ(ours(source, unpacked),
            helm("--name-template guestbook --namespace prod --include-crds --set "
                 "'message=guestbook\\,prod'"));
}

}  // namespace
}  // namespace plumb::argo
