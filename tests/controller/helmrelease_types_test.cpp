#include "controller/helmrelease_types.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"
#include "source/digest.hpp"

namespace plumb::controller {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

// The HelmRelease of Flux's guides, with the fields Plumb reads.
TEST(HelmReleaseTypes, FieldsAndFluxDefaults) {
  auto spec = parse_helm_release(yaml(R"(
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 5m
  targetNamespace: apps
  chart:
    spec:
      chart: ./charts/podinfo
      sourceRef:
        kind: GitRepository
        name: podinfo
  values:
    replicaCount: 2
  valuesFrom:
  - kind: Secret
    name: podinfo-values
    valuesKey: extra.yaml
    targetPath: ingress.host
    optional: true
  upgrade:
    crds: CreateReplace
    remediation:
      retries: 3
  uninstall:
    keepHistory: true
  maxHistory: 2
  dependsOn:
  - name: redis
)"));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->interval.count(), 300000);
  EXPECT_EQ(spec->chart, "./charts/podinfo");
  EXPECT_EQ(spec->version, "*");
  EXPECT_EQ(spec->source_ref.kind, "GitRepository");
  EXPECT_EQ(spec->source_ref.namespace_, "flux-system");
  EXPECT_EQ(spec->release_name, "apps-podinfo");  // [targetNamespace-]name
  EXPECT_EQ(spec->storage_namespace, "flux-system");
  EXPECT_EQ(spec->values.find("replicaCount")->as_int(), 2);
  ASSERT_EQ(spec->values_from.size(), 1u);
  EXPECT_EQ(spec->values_from[0].kind, "Secret");
  EXPECT_EQ(spec->values_from[0].values_key, "extra.yaml");
  EXPECT_EQ(spec->values_from[0].target_path, "ingress.host");
  EXPECT_TRUE(spec->values_from[0].optional);
  EXPECT_EQ(spec->install_crds, CrdPolicy::create);
  EXPECT_EQ(spec->upgrade_crds, CrdPolicy::create_replace);
  EXPECT_EQ(spec->upgrade_remediation.retries, 3);
  EXPECT_TRUE(spec->upgrade_remediation.remediate_last_failure);  // retries > 0
  EXPECT_FALSE(spec->install_remediation.remediate_last_failure);
  EXPECT_TRUE(spec->keep_history);
  EXPECT_EQ(spec->max_history, 2);
  ASSERT_EQ(spec->depends_on.size(), 1u);
  EXPECT_EQ(spec->depends_on[0].namespace_, "flux-system");
}

TEST(HelmReleaseTypes, DefaultsWithoutOptionalFields) {
  auto spec = parse_helm_release(yaml(R"(
kind: HelmRelease
metadata: {name: web, namespace: shop}
spec:
  interval: 1m
  chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: charts}}}
)"));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->release_name, "web");
  EXPECT_EQ(spec->max_history, 5);
  EXPECT_EQ(spec->upgrade_crds, CrdPolicy::skip);
  EXPECT_FALSE(spec->keep_history);
  EXPECT_TRUE(spec->values.is_map());
  EXPECT_TRUE(spec->values.empty());
}

// Each error names the object and the field.
TEST(HelmReleaseTypes, InvalidFieldsAreNamed) {
  struct Case {
    std::string spec;
    std::string error;
  };
  const Case cases[] = {
      {"interval: 1m", "HelmRelease/shop/web: spec.chart.spec: is required"},
      {"interval: 1m\nchart: {spec: {sourceRef: {kind: GitRepository, name: g}}}",
       "spec.chart.spec.chart: is required"},
      {"interval: 1m\nchart: {spec: {chart: c, sourceRef: {kind: Nope, name: g}}}",
       "spec.chart.spec.sourceRef.kind: must be GitRepository, HelmRepository or Bucket, not "
       "'Nope'"},
      {"interval: 1m\nchart: {spec: {chart: c, sourceRef: {kind: GitRepository, name: g}}}\n"
       "install: {crds: Always}",
       "spec.install.crds: must be Skip, Create or CreateReplace, not 'Always'"},
      {"interval: 1m\nchart: {spec: {chart: c, sourceRef: {kind: GitRepository, name: g}}}\n"
       "valuesFrom: [{kind: Pod, name: p}]",
       "spec.valuesFrom.kind: must be ConfigMap or Secret, not 'Pod'"},
      {"interval: 1m\nchart: {spec: {chart: c, sourceRef: {kind: GitRepository, name: g}}}\n"
       "maxHistory: -1",
       "spec.maxHistory: must be a non-negative integer"},
      {"interval: 1m\nchart: {spec: {chart: c, sourceRef: {kind: GitRepository, name: g}}}\n"
       "releaseName: " +
           std::string(54, 'a'),
       "is longer than Helm's 53 characters"},
  };
  for (const Case& c : cases) {
    std::string text = "kind: HelmRelease\nmetadata: {name: web, namespace: shop}\nspec:\n";
    for (size_t start = 0; start < c.spec.size();) {
      size_t end = c.spec.find('\n', start);
      if (end == std::string::npos) end = c.spec.size();
      text += "  " + c.spec.substr(start, end - start) + "\n";
      start = end + 1;
    }
    auto spec = parse_helm_release(yaml(text));
    ASSERT_FALSE(spec) << c.spec;
    EXPECT_NE(spec.error().message().find(c.error), std::string::npos) << spec.error().message();
  }
}

TEST(HelmReleaseTypes, UnsupportedFieldsAreRefusedOrNamed) {
  UnsupportedFields fields = unsupported_fields(yaml(R"(
kind: HelmRelease
spec:
  interval: 1m
  chart: {}
  postRenderers: []
  serviceAccountName: deployer
  persistentClient: true
  test: {enable: true}
  rollback: {disableHooks: true}
)"));
  EXPECT_EQ(fields.refused, (std::vector<std::string>{"spec.serviceAccountName"}));
  // test and rollback are acted on (hooks), persistentClient is not.
  EXPECT_EQ(fields.ignored, std::vector<std::string>{"spec.persistentClient"});
}

Result<HelmReleaseSpec> parse_spec(std::string_view spec_lines, std::string_view name = "web") {
  std::string text = "kind: HelmRelease\nmetadata: {name: " + std::string(name) +
                     ", namespace: shop}\nspec:\n  interval: 1m\n"
                     "  chart: {spec: {chart: c, sourceRef: {kind: GitRepository, name: g}}}\n" +
                     std::string(spec_lines);
  return parse_helm_release(yaml(text));
}

// helm-controller's release.ShortenName, with the names of its own test.
TEST(HelmReleaseTypes, LongReleaseNamesAreShortenedAsFlux) {
  EXPECT_EQ(shorten_release_name("release-name"), "release-name");
  EXPECT_EQ(shorten_release_name(""), "");
  EXPECT_EQ(
      shorten_release_name("release-name-with-very-long-name-which-is-longer-than-53-characters"),
      "release-name-with-very-long-name-which-i-788ca0d0d7b0");
  EXPECT_EQ(shorten_release_name(
                "another-release-name-with-very-long-name-which-is-longer-than-53-characters"),
            "another-release-name-with-very-long-name-7e72150d5a36");
  std::string exactly(53, 'a');
  EXPECT_EQ(shorten_release_name(exactly), exactly);
  EXPECT_EQ(shorten_release_name(exactly + "a").size(), 53u);

  // The default [targetNamespace-]name is shortened; an explicit releaseName is not.
  auto spec = parse_spec("  targetNamespace: another-release-name-with-very-long-name\n",
                         "which-is-longer-than-53-characters");
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->release_name, "another-release-name-with-very-long-name-7e72150d5a36");
  auto explicit_name = parse_spec("  releaseName: " + std::string(54, 'a') + "\n");
  ASSERT_FALSE(explicit_name);
  EXPECT_NE(explicit_name.error().message().find("longer than Helm's 53 characters"),
            std::string::npos);
}

// releaseName must be a name Helm accepts (chartutil.ValidateReleaseName).
TEST(HelmReleaseTypes, ReleaseNameIsValidatedAsHelmDoes) {
  for (std::string_view bad : {"Web", "web_app", "-web", "web-"}) {
    auto spec = parse_spec("  releaseName: \"" + std::string(bad) + "\"\n");
    ASSERT_FALSE(spec) << bad;
    EXPECT_NE(spec.error().message().find("spec.releaseName: release name \"" + std::string(bad) +
                                          "\": invalid release name, must match regex"),
              std::string::npos)
        << spec.error().message();
  }
  EXPECT_TRUE(parse_spec("  releaseName: web.v2-app\n"));
}

// Install remediation: retries between uninstalls, remediateLastFailure false unless set;
// upgrade remediation: remediateLastFailure defaults to retries > 0, strategy rollback or
// uninstall (Flux's API docs).
TEST(HelmReleaseTypes, RemediationDefaultsAsFlux) {
  auto spec = parse_spec(
      "  install: {remediation: {retries: 3}}\n"
      "  upgrade: {remediation: {retries: 2, strategy: uninstall}}\n");
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->install_remediation.retries, 3);
  EXPECT_FALSE(spec->install_remediation.remediate_last_failure);
  EXPECT_TRUE(spec->install_remediation.uninstall);
  EXPECT_TRUE(spec->upgrade_remediation.remediate_last_failure);
  EXPECT_TRUE(spec->upgrade_remediation.uninstall);
  // RetriesExhausted: more failures than retries; negative retries never run out.
  EXPECT_FALSE(spec->install_remediation.exhausted(3));
  EXPECT_TRUE(spec->install_remediation.exhausted(4));
  HelmRemediation forever{.retries = -1};
  EXPECT_FALSE(forever.exhausted(1000));
  HelmRemediation none;
  EXPECT_FALSE(none.exhausted(0));
  EXPECT_TRUE(none.exhausted(1));

  auto last = parse_spec("  install: {remediation: {retries: 1, remediateLastFailure: true}}\n");
  ASSERT_TRUE(last);
  EXPECT_TRUE(last->install_remediation.remediate_last_failure);
  auto bad = parse_spec("  install: {remediation: {strategy: rollback}}\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("spec.install.remediation.strategy"), std::string::npos);
}

TEST(HelmReleaseTypes, PostRenderersAndStrategy) {
  auto spec = parse_spec(R"(  postRenderers:
  - kustomize:
      patches:
      - patch: '{"kind": "Deployment"}'
        target: {kind: Deployment, labelSelector: "app=web"}
      images:
      - {name: nginx, newTag: "1.28"}
  - kustomize:
      images:
      - {name: redis, newName: valkey, digest: "sha256:abc"}
  - {}
  postRenderStrategy: nohooks
)");
  ASSERT_TRUE(spec) << spec.error().message();
  ASSERT_EQ(spec->post_renderers.size(), 2u);  // an entry without kustomize does nothing
  EXPECT_EQ(
      to_json(spec->post_renderers[0].patches),
      R"([{"patch":"{\"kind\": \"Deployment\"}","target":{"kind":"Deployment","labelSelector":"app=web"}}])");
  EXPECT_EQ(to_json(spec->post_renderers[0].images), R"([{"name":"nginx","newTag":"1.28"}])");
  EXPECT_TRUE(spec->post_renderers[1].patches.is_null());
  EXPECT_EQ(spec->post_render_strategy, PostRenderStrategy::nohooks);
  EXPECT_EQ(parse_spec("")->post_render_strategy, PostRenderStrategy::combined);

  struct Case {
    std::string spec, error;
  };
  const Case cases[] = {
      {"  postRenderers:\n  - kustomize: {patchesStrategicMerge: []}\n",
       "spec.postRenderers[0].kustomize.patchesStrategicMerge: is not a field of HelmRelease v2's"},
      {"  postRenderers:\n  - kustomize: {patches: [{target: {kind: X}}]}\n",
       "spec.postRenderers[0].kustomize.patches[0].patch: is required"},
      {"  postRenderers:\n  - kustomize: {patches: [{patch: x, target: {kinds: X}}]}\n",
       "spec.postRenderers[0].kustomize.patches[0].target.kinds: is not a field of a target"},
      {"  postRenderers:\n  - kustomize: {images: [{newTag: x}]}\n",
       "spec.postRenderers[0].kustomize.images[0].name: is required"},
      {"  postRenderStrategy: hooks\n",
       "spec.postRenderStrategy: must be nohooks, combined or separate, not 'hooks'"},
  };
  for (const Case& c : cases) {
    auto bad = parse_spec(c.spec);
    ASSERT_FALSE(bad) << c.spec;
    EXPECT_NE(bad.error().message().find(c.error), std::string::npos) << bad.error().message();
  }
}

TEST(HelmReleaseTypes, DriftDetectionModesAndIgnoreRules) {
  auto spec = parse_spec(R"(  driftDetection:
    mode: warn
    ignore:
    - paths: ["/spec/replicas"]
      target: {kind: Deployment}
    - paths: ["/metadata/annotations/x"]
)");
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->drift_mode, DriftMode::warn);
  ASSERT_EQ(spec->drift_ignore.size(), 2u);
  EXPECT_EQ(spec->drift_ignore[0].paths, std::vector<std::string>{"/spec/replicas"});
  EXPECT_EQ(spec->drift_ignore[0].target.string_at({"kind"}), "Deployment");
  EXPECT_TRUE(spec->drift_ignore[1].target.is_null());
  EXPECT_EQ(parse_spec("  driftDetection: {mode: enabled}\n")->drift_mode, DriftMode::enabled);
  EXPECT_EQ(parse_spec("")->drift_mode, DriftMode::disabled);
  auto bad = parse_spec("  driftDetection: {ignore: [{paths: [spec.replicas]}]}\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(
      bad.error().message().find("spec.driftDetection.ignore[0].paths: must be JSON pointers"),
      std::string::npos);
}

// chart.spec.valuesFiles as source-controller merges them: in order, maps merged, later
// files winning; a missing file is named (the path in the source, then the reference) unless
// ignoreMissingValuesFiles.
TEST(HelmReleaseTypes, ValuesFilesMergedInOrder) {
  std::map<std::string, std::string> files = {
      {"charts/web/values.yaml", "color: red\nimage: {repository: nginx, tag: '1.27'}\n"},
      {"env/prod.yaml", "image: {tag: '1.28'}\nreplicas: 3\nenabled: yes\n"},
  };
  ValuesFileReader read = [&](std::string_view path) -> Result<std::optional<std::string>> {
    auto it = files.find(std::string(path));
    if (it == files.end()) return std::nullopt;
    return it->second;
  };
  auto spec = parse_helm_release(yaml(R"(
kind: HelmRelease
metadata: {name: web, namespace: shop}
spec:
  interval: 1m
  chart:
    spec:
      chart: c
      sourceRef: {kind: GitRepository, name: g}
      valuesFiles: [charts/web/values.yaml, env/prod.yaml]
)"));
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_FALSE(spec->ignore_missing_values_files);
  auto merged = merge_values_files(*spec, read);
  ASSERT_TRUE(merged) << merged.error().message();
  // sigs.k8s.io/yaml reads YAML 1.1: `yes` is true.
  EXPECT_EQ(
      to_json(*merged),
      R"({"color":"red","image":{"repository":"nginx","tag":"1.28"},"replicas":3,"enabled":true})");

  spec->values_files = {"env/prod.yaml", "./charts/missing.yaml"};
  auto missing = merge_values_files(*spec, read);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(),
            "no values file found at path '/charts/missing.yaml' (reference "
            "'./charts/missing.yaml')");
  spec->source_ref.kind = "HelmRepository";  // paths in the chart
  EXPECT_EQ(merge_values_files(*spec, read).error().message(),
            "no values file found at path './charts/missing.yaml'");
  spec->ignore_missing_values_files = true;
  ASSERT_TRUE(merge_values_files(*spec, read));
  EXPECT_EQ(merge_values_files(*spec, read)->string_at({"image", "tag"}), "1.28");

  files["bad.yaml"] = "a: [1";
  spec->values_files = {"bad.yaml"};
  auto bad = merge_values_files(*spec, read);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("unmarshaling values from 'bad.yaml' failed: "),
            std::string::npos);
}

// A lookup over ConfigMaps and Secrets held in memory, counting reads.
struct Objects {
  std::map<std::string, Node> by_key;  // "Kind/ns/name"
  void add(std::string_view kind, std::string_view name, std::string_view key,
           std::string_view value) {
    Node& o = by_key[std::string(kind) + "/shop/" + std::string(name)];
    o["data"].set(key, Node::string(kind == "Secret" ? base64_encode(value) : value));
  }
  ObjectLookup lookup() {
    return [this](std::string_view kind, std::string_view ns,
                  std::string_view name) -> Result<std::optional<Node>> {
      auto it = by_key.find(std::string(kind) + "/" + std::string(ns) + "/" + std::string(name));
      if (it == by_key.end()) return std::nullopt;
      return it->second;
    };
  }
};

HelmReleaseSpec with_values(std::string_view values_from, std::string_view values = "{}") {
  std::string text =
      "kind: HelmRelease\nmetadata: {name: web, namespace: shop}\nspec:\n  interval: 1m\n"
      "  chart: {spec: {chart: c, sourceRef: {kind: GitRepository, name: g}}}\n"
      "  valuesFrom: " +
      std::string(values_from) + "\n  values: " + std::string(values) + "\n";
  return parse_helm_release(yaml(text)).value();
}

// valuesFrom in order (later over earlier, maps merged), then spec.values over them.
TEST(HelmReleaseValues, ReferencesInOrderThenSpecValues) {
  Objects objects;
  objects.add("ConfigMap", "base", "values.yaml", "image: {repo: web, tag: '1'}\nreplicas: 1\n");
  objects.add("Secret", "creds", "values.yaml", "image: {tag: '2'}\npassword: hunter2\n");
  objects.add("ConfigMap", "host", "host", "a.example.com,b.example.com");
  HelmReleaseSpec spec = with_values(
      "[{kind: ConfigMap, name: base}, {kind: Secret, name: creds}, "
      "{kind: ConfigMap, name: host, valuesKey: host, targetPath: ingress.host}]",
      "{replicas: 3, image: {pullPolicy: Always}}");
  auto values = compose_values(spec, "shop", objects.lookup());
  ASSERT_TRUE(values) << values.error().message();
  EXPECT_EQ(to_json(*values),
            R"({"image":{"repo":"web","tag":"2","pullPolicy":"Always"},"replicas":3,)"
            R"("password":"hunter2","ingress":{"host":"a.example.com,b.example.com"}})");
}

TEST(HelmReleaseValues, MissingObjectsAndKeys) {
  Objects objects;
  objects.add("ConfigMap", "other-key", "settings.yaml", "a: 1");
  auto error_of = [&](std::string_view refs) {
    auto values = compose_values(with_values(refs), "shop", objects.lookup());
    return values ? std::string("no error") : values.error().message();
  };
  EXPECT_EQ(error_of("[{kind: ConfigMap, name: nope}]"), "could not find ConfigMap 'shop/nope'");
  EXPECT_EQ(error_of("[{kind: Secret, name: nope}]"), "could not find Secret 'shop/nope'");
  EXPECT_EQ(error_of("[{kind: ConfigMap, name: other-key}]"),
            "missing key 'values.yaml' in ConfigMap 'shop/other-key'");
  // Optional references that are missing are skipped.
  auto values = compose_values(with_values("[{kind: ConfigMap, name: nope, optional: true}, "
                                           "{kind: ConfigMap, name: other-key, optional: true}]",
                                           "{a: 2}"),
                               "shop", objects.lookup());
  ASSERT_TRUE(values) << values.error().message();
  EXPECT_EQ(to_json(*values), R"({"a":2})");
}

// A values error never quotes what the Secret holds.
TEST(HelmReleaseValues, ErrorsDoNotQuoteSecretValues) {
  Objects objects;
  objects.add("Secret", "bad", "values.yaml", "password: [hunter2");
  auto values =
      compose_values(with_values("[{kind: Secret, name: bad}]"), "shop", objects.lookup());
  ASSERT_FALSE(values);
  EXPECT_NE(values.error().message().find("Secret 'shop/bad'"), std::string::npos);
  EXPECT_EQ(values.error().message().find("hunter2"), std::string::npos)
      << values.error().message();
}

// Hooks run unless an action disables them; tests only when enabled, their failures ignored
// per remediation, else as spec.test says.
TEST(HelmReleaseTypes, HookAndTestFields) {
  std::string base = R"(
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: apps}
spec:
  interval: 5m
  chart: {spec: {chart: ./web, sourceRef: {kind: GitRepository, name: repo}}}
)";
  auto plain = parse_helm_release(yaml(base));
  ASSERT_TRUE(plain) << plain.error().message();
  EXPECT_FALSE(plain->hooks.install_disabled || plain->hooks.upgrade_disabled ||
               plain->hooks.rollback_disabled || plain->hooks.uninstall_disabled);
  EXPECT_FALSE(plain->hooks.test);
  auto set = parse_helm_release(yaml(base + R"(
  install: {disableHooks: true}
  rollback: {disableHooks: true}
  test: {enable: true, ignoreFailures: true, timeout: 2m}
  upgrade: {remediation: {ignoreTestFailures: false}}
)"));
  ASSERT_TRUE(set) << set.error().message();
  EXPECT_TRUE(set->hooks.install_disabled);
  EXPECT_FALSE(set->hooks.upgrade_disabled);
  EXPECT_TRUE(set->hooks.rollback_disabled);
  EXPECT_FALSE(set->hooks.uninstall_disabled);
  EXPECT_TRUE(set->hooks.test);
  EXPECT_EQ(set->hooks.test_timeout, std::chrono::minutes(2));
  EXPECT_TRUE(set->hooks.install_ignore_test_failures);   // from spec.test
  EXPECT_FALSE(set->hooks.upgrade_ignore_test_failures);  // its own remediation's
  auto bad = parse_helm_release(yaml(base + "  uninstall: {disableHooks: \"yes\"}\n"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(),
            "HelmRelease/apps/web: spec.uninstall.disableHooks: must be true or false");
}

// Flux's configDigest: Go's json.Marshal of the map (keys sorted) hashed.
TEST(HelmReleaseValues, DigestIgnoresKeyOrder) {
  Node a = yaml("b: 1\na: {d: x, c: [2, {z: 1, y: 2}]}");
  Node b = yaml("a: {c: [2, {y: 2, z: 1}], d: x}\nb: 1");
  EXPECT_EQ(values_digest(a), values_digest(b));
  EXPECT_EQ(values_digest(a),
            source::sha256_digest(R"({"a":{"c":[2,{"y":2,"z":1}],"d":"x"},"b":1})"));
  EXPECT_NE(values_digest(a), values_digest(yaml("b: 2\na: {d: x, c: [2, {z: 1, y: 2}]}")));
}

}  // namespace
}  // namespace plumb::controller
