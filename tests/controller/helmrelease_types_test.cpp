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
  test: {enable: true}
)"));
  EXPECT_EQ(fields.refused,
            (std::vector<std::string>{"spec.postRenderers", "spec.serviceAccountName"}));
  EXPECT_EQ(fields.ignored, std::vector<std::string>{"spec.test"});
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
