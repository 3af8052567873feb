// Render tests: inputs written inline into a MemoryFileSystem, whole outputs compared. The
// expected texts were checked against `kubectl kustomize` (kustomize v5.5.0).
#include <gtest/gtest.h>

#include "core/fs.hpp"
#include "core/yaml.hpp"
#include "render/build.hpp"

namespace plumb::render {
namespace {

class Render : public ::testing::Test {
 protected:
  void write(std::string_view path, std::string_view text) {
    m_fs.add_file(path, std::string(text));
  }
  Result<std::string> build(std::string_view dir, BuildOptions options = {}) {
    auto docs = build_kustomization(m_fs, dir, options);
    if (!docs) return std::unexpected(docs.error());
    return to_yaml_stream(*docs);
  }
  std::string build_ok(std::string_view dir, BuildOptions options = {}) {
    auto out = build(dir, options);
    EXPECT_TRUE(out) << (out ? "" : out.error().message());
    return out ? *out : "";
  }
  std::string build_error(std::string_view dir, BuildOptions options = {}) {
    auto out = build(dir, options);
    EXPECT_FALSE(out) << "expected an error, got:\n" << (out ? *out : "");
    return out ? "" : out.error().message();
  }
  MemoryFileSystem m_fs;
};

constexpr std::string_view k_deployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.0
        envFrom:
        - configMapRef:
            name: settings
)";

TEST_F(Render, OverlayRenamesAndFixesReferencesToHashedConfigMap) {
  write("/t/base/kustomization.yaml", "resources:\n- deployment.yaml\n");
  write("/t/base/deployment.yaml", k_deployment);
  write("/t/overlay/kustomization.yaml", R"(resources:
- ../base
namePrefix: p-
namespace: prod
commonLabels:
  team: a
configMapGenerator:
- name: settings
  literals:
  - TEST='
images:
- name: nginx
  newTag: "2.0"
)");
  EXPECT_EQ(build_ok("/t/overlay"), R"(apiVersion: v1
data:
  TEST: ''''
kind: ConfigMap
metadata:
  labels:
    team: a
  name: p-settings-m8t7bmb6g2
  namespace: prod
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    team: a
  name: p-web
  namespace: prod
spec:
  selector:
    matchLabels:
      team: a
  template:
    metadata:
      labels:
        team: a
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: p-settings-m8t7bmb6g2
        image: nginx:2.0
        name: app
)");
}

TEST_F(Render, StrategicMergeAndJsonPatches) {
  write("/t/kustomization.yaml", R"(resources:
- deployment.yaml
patches:
- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 3
- target:
    kind: Deployment
  patch: |-
    - op: replace
      path: /spec/template/spec/containers/0/image
      value: busybox
)");
  write("/t/deployment.yaml", k_deployment);
  EXPECT_EQ(build_ok("/t"), R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: settings
        image: busybox
        name: app
)");
}

TEST_F(Render, LegacyOrderPutsNamespacesAndConfigMapsFirst) {
  write("/t/kustomization.yaml", "resources:\n- all.yaml\n");
  write("/t/all.yaml", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: b
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
---
apiVersion: v1
kind: Namespace
metadata:
  name: n
)");
  std::string legacy = build_ok("/t");
  EXPECT_LT(legacy.find("kind: Namespace"), legacy.find("kind: ConfigMap"));
  EXPECT_LT(legacy.find("kind: ConfigMap"), legacy.find("kind: Deployment"));
  BuildOptions fifo;
  fifo.reorder = Reorder::none;
  std::string none = build_ok("/t", fifo);
  EXPECT_LT(none.find("kind: Deployment"), none.find("kind: ConfigMap"));
}

TEST_F(Render, VarsAreReplacedAfterRenames) {
  write("/t/kustomization.yaml", R"(namePrefix: x-
resources:
- all.yaml
vars:
- name: SVC
  objref:
    kind: Service
    name: db
    apiVersion: v1
)");
  write("/t/all.yaml", R"y(apiVersion: v1
kind: Service
metadata:
  name: db
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: c
    command: ["connect", "$(SVC)", "$$(SVC)"]
)y");
  std::string out = build_ok("/t");
  EXPECT_NE(out.find("- x-db\n"), std::string::npos) << out;
  EXPECT_NE(out.find("- $(SVC)\n"), std::string::npos) << out;
}

TEST_F(Render, ReplacementsCopyFieldValues) {
  write("/t/kustomization.yaml", R"(resources:
- all.yaml
replacements:
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.port
  targets:
  - select:
      kind: Service
    fieldPaths:
    - spec.ports.[name=http].port
)");
  write("/t/all.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: src
data:
  port: "8080"
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - name: http
    port: 80
)");
  std::string out = build_ok("/t");
  EXPECT_NE(out.find("    port: 8080\n"), std::string::npos) << out;
}

TEST_F(Render, FilesOutsideTheRootAreRefusedUnlessRestrictionsAreOff) {
  write("/t/outside.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: o\n");
  write("/t/app/kustomization.yaml", "resources:\n- ../outside.yaml\n");
  std::string error = build_error("/t/app");
  EXPECT_NE(error.find("is not in or below"), std::string::npos) << error;
  BuildOptions none;
  none.restrictor = LoadRestrictor::none;
  EXPECT_NE(build_ok("/t/app", none).find("name: o"), std::string::npos);
}

TEST_F(Render, SymlinkEscapingTheRootIsRefused) {
  write("/t/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n");
  write("/t/app/kustomization.yaml", "resources:\n- link.yaml\n");
  m_fs.add_symlink("/t/app/link.yaml", "../secret.yaml");
  EXPECT_NE(build_error("/t/app").find("is not in or below"), std::string::npos);
}

TEST_F(Render, UnsupportedFeaturesNameTheField) {
  write("/t/remote/kustomization.yaml",
        "resources:\n- https://github.com/example/repo//base?ref=v1\n");
  std::string error = build_error("/t/remote");
  EXPECT_NE(error.find("resources: https://github.com/example/repo//base?ref=v1: remote bases "
                       "cannot be fetched here"),
            std::string::npos)
      << error;
  write("/t/files/kustomization.yaml", "resources:\n- https://example.com/app.yaml\n");
  error = build_error("/t/files");
  EXPECT_NE(error.find("remote files over http are not supported yet"), std::string::npos) << error;
  write("/t/helm/kustomization.yaml", "helmCharts:\n- name: x\n");
  error = build_error("/t/helm");
  EXPECT_NE(error.find("helmCharts"), std::string::npos) << error;
}

TEST_F(Render, ErrorsNameTheFile) {
  write("/t/kustomization.yaml", "resources:\n- missing.yaml\n");
  EXPECT_NE(build_error("/t").find("missing.yaml"), std::string::npos);
  write("/u/kustomization.yaml", "bogusField: 1\n");
  std::string error = build_error("/u");
  EXPECT_NE(error.find("/u/kustomization.yaml"), std::string::npos) << error;
  EXPECT_NE(error.find("bogusField"), std::string::npos) << error;
}

TEST_F(Render, ResourcesNeedKindAndName) {
  write("/t/kustomization.yaml", "resources:\n- r.yaml\n");
  write("/t/r.yaml", "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n");
  EXPECT_NE(build_error("/t").find("missing metadata.name"), std::string::npos);
  write("/t/r.yaml", "apiVersion: v1\nmetadata:\n  name: x\n");
  EXPECT_NE(build_error("/t").find("missing kind"), std::string::npos);
}

// kubectl kustomize applies each image rule in two passes (container walk, field specs), so a
// tagSuffix lands twice on pod-spec containers; rules chain in order.
TEST_F(Render, ImagesMatchTagsAndDigestsAndChainInOrder) {
  write("/t/kustomization.yaml", R"(resources:
- p.yaml
images:
- name: localhost:5000/app
  newTag: v2
- name: nginx
  newName: gcr.io/nginx
- name: redis
  digest: sha256:1111
- name: alpine
  tagSuffix: -debug
- name: gcr.io/nginx
  newTag: "9"
- name: postgres
  newName: my/postgres
  newTag: "14"
)");
  write("/t/p.yaml", R"(apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  initContainers:
  - name: i
    image: alpine:3.18
  containers:
  - name: a
    image: localhost:5000/app:v1
  - name: c
    image: nginx@sha256:abcd
  - name: d
    image: redis:7
  - name: e
    image: nginxx:1
  - name: f
    image: postgres:13@sha256:abc
)");
  EXPECT_EQ(build_ok("/t"), R"(apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - image: localhost:5000/app:v2
    name: a
  - image: gcr.io/nginx:9
    name: c
  - image: redis@sha256:1111
    name: d
  - image: nginxx:1
    name: e
  - image: my/postgres:14
    name: f
  initContainers:
  - image: alpine:3.18-debug-debug
    name: i
)");
}

TEST_F(Render, GeneratorKeysAreNotValidatedButMustNotRepeat) {
  write("/t/kustomization.yaml", R"(configMapGenerator:
- name: x
  literals:
  - "a b=1"
  envs:
  - e.env
)");
  write("/t/e.env", "  B = two \n# comment\nC=\n");
  std::string out = build_ok("/t");
  EXPECT_NE(out.find("  'B ': ' two '\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  a b: \"1\"\n"), std::string::npos) << out;
  write("/u/kustomization.yaml", "configMapGenerator:\n- name: x\n  literals:\n  - a=1\n  - a=2\n");
  EXPECT_NE(build_error("/u").find("repeats the key"), std::string::npos);
}

// Found by build_fuzz: the key went out as invalid UTF-8, which no YAML reader takes back.
TEST_F(Render, EnvFileLineWithInvalidUtf8IsRefused) {
  write("/t/kustomization.yaml", "configMapGenerator:\n- name: x\n  envs:\n  - e.env\n");
  write("/t/e.env", "A=1\nMOUNTAIN\x9A=everest\n");
  EXPECT_EQ(build_error("/t"),
            "/t/kustomization.yaml: configMapGenerator x: e.env: line 2 has invalid UTF-8");
  write("/t/e.env", "A=1\nB=x\x9Ay\n");
  EXPECT_EQ(build_error("/t"),
            "/t/kustomization.yaml: configMapGenerator x: e.env: line 2 has invalid UTF-8");
}

// kustomize decodes into typed structs: a number where a string belongs fails the build.
TEST_F(Render, FieldTypesAreChecked) {
  write("/t/kustomization.yaml", "namePrefix: 1\n");
  EXPECT_NE(build_error("/t").find("namePrefix"), std::string::npos);
  write("/t/kustomization.yaml", "images:\n- name: x\n  newTag: 1.0\n");
  EXPECT_NE(build_error("/t").find("images.newTag"), std::string::npos);
  write("/t/kustomization.yaml", "replicas:\n- name: m\n  count: \"2\"\n");
  EXPECT_NE(build_error("/t").find("replicas.count"), std::string::npos);
}

TEST_F(Render, DuplicateIdsAcrossBasesConflict) {
  write("/t/a/kustomization.yaml", "resources:\n- cm.yaml\n");
  write("/t/a/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n");
  write("/t/b/kustomization.yaml", "resources:\n- cm.yaml\n");
  write("/t/b/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n");
  write("/t/top/kustomization.yaml", "resources:\n- ../a\n- ../b\n");
  EXPECT_NE(build_error("/t/top").find("already registered id"), std::string::npos);
}

TEST_F(Render, ComponentsTransformTheParentsResources) {
  write("/t/comp/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnameSuffix: -c\n");
  write("/t/top/kustomization.yaml", "resources:\n- cm.yaml\ncomponents:\n- ../comp\n");
  write("/t/top/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n");
  EXPECT_EQ(build_ok("/t/top"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m-c\n");
  write("/t/bad/kustomization.yaml", "resources:\n- ../comp\n");
  EXPECT_FALSE(build("/t/bad"));
}

TEST_F(Render, ManagedByLabelOnRequest) {
  write("/t/kustomization.yaml", "resources:\n- cm.yaml\n");
  write("/t/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n");
  BuildOptions options;
  options.managed_by_label = true;
  EXPECT_NE(build_ok("/t", options).find("app.kubernetes.io/managed-by: kustomize-(devel)"),
            std::string::npos);
}

}  // namespace
}  // namespace plumb::render
