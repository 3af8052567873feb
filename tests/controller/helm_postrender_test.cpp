#include "controller/helm_postrender.hpp"

#include <gtest/gtest.h>

#include "controller/helm_capabilities.hpp"
#include "controller/helm_drift.hpp"
#include "core/json.hpp"
#include "core/yaml.hpp"

namespace plumb::controller {
namespace {

using Part = helm::ReleaseDocument::Part;

std::vector<helm::ReleaseDocument> chart_output() {
  return {
      {"web/crds/crd.yaml",
       "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
       "metadata:\n  name: things.example.com\n",
       Part::crd},
      {"web/templates/deployment.yaml",
       "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
       "    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n",
       Part::manifest},
      {"web/templates/settings.yaml",
       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v", Part::manifest},
      {"web/templates/settings.yaml",
       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: v", Part::manifest},
      {"web/templates/job.yaml",
       "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n"
       "    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      containers:\n"
       "      - name: m\n        image: nginx:1.27\n",
       Part::hook},
  };
}

KustomizePostRenderer renderer(std::string_view patches, std::string_view images = "null") {
  return {parse_yaml(patches, "patches").value(), parse_yaml(images, "images").value()};
}

std::vector<Node> docs_of(const std::map<std::string, std::string>& files, std::string_view name) {
  auto it = files.find(std::string(name));
  if (it == files.end()) return {};
  return parse_yaml_stream(it->second, name).value();
}

// Strategic merge and JSON 6902 patches with targets and an image override, each post-renderer
// over the previous one's output; files rebuilt by the annotation, which is removed; CRDs left
// out.
TEST(HelmPostRender, PatchesAndImagesInOrderFilesKept) {
  std::vector<KustomizePostRenderer> renderers = {
      renderer(
          R"([{patch: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}"},
                  {patch: '[{"op": "add", "path": "/data/patched", "value": "yes"}]',
                   target: {kind: ConfigMap, name: "a"}}])",
          R"([{name: nginx, newTag: "1.28"}])"),
      renderer(R"([{patch: '[{"op": "replace", "path": "/data/patched", "value": "again"}]',
                   target: {kind: ConfigMap, name: a}}])"),
  };
  auto files = post_render(chart_output(), renderers, PostRenderStrategy::combined);
  ASSERT_TRUE(files) << files.error().message();
  EXPECT_EQ(files->count("web/crds/crd.yaml"), 0u);
  auto deployment = docs_of(*files, "web/templates/deployment.yaml");
  ASSERT_EQ(deployment.size(), 1u);
  EXPECT_EQ(deployment[0].at_path({"spec", "replicas"})->as_int(), 3);
  EXPECT_EQ(deployment[0]
                .at_path({"spec", "template", "spec", "containers"})
                ->items()[0]
                .string_at({"image"}),
            "nginx:1.28");
  auto settings = docs_of(*files, "web/templates/settings.yaml");
  ASSERT_EQ(settings.size(), 2u);
  EXPECT_EQ(settings[0].string_at({"data", "patched"}), "again");
  EXPECT_EQ(settings[1].find("data")->find("patched"), nullptr);
  // combined: the hook went through too.
  auto hook = docs_of(*files, "web/templates/job.yaml");
  ASSERT_EQ(hook.size(), 1u);
  EXPECT_EQ(
      hook[0].at_path({"spec", "template", "spec", "containers"})->items()[0].string_at({"image"}),
      "nginx:1.28");
  EXPECT_EQ(hook[0].string_at({"metadata", "annotations", "helm.sh/hook"}), "pre-install");
  for (const auto& [name, text] : *files)
    EXPECT_EQ(text.find("postrender-filename"), std::string::npos) << name;
}

// nohooks (Helm 3): hooks untouched; separate: each group in its own stream, so a hook and a
// manifest with the same id do not collide.
TEST(HelmPostRender, StrategiesDecideWhatHooksGetThrough) {
  std::vector<KustomizePostRenderer> images = {renderer("null", R"([{name: nginx, newTag: "2"}])")};
  auto nohooks = post_render(chart_output(), images, PostRenderStrategy::nohooks);
  ASSERT_TRUE(nohooks) << nohooks.error().message();
  EXPECT_NE(nohooks->at("web/templates/job.yaml").find("image: nginx:1.27"), std::string::npos);
  EXPECT_NE(nohooks->at("web/templates/deployment.yaml").find("image: nginx:2"), std::string::npos);

  auto docs = chart_output();
  docs.push_back({"web/templates/hook-cm.yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n"
                  "    helm.sh/hook: pre-install\n",
                  Part::hook});
  auto combined = post_render(docs, images, PostRenderStrategy::combined);
  ASSERT_FALSE(combined);  // kustomize refuses two ConfigMap/a
  EXPECT_NE(combined.error().message().find("error while running post render on files: "
                                            "postRenderers[0]: "),
            std::string::npos)
      << combined.error().message();
  auto separate = post_render(docs, images, PostRenderStrategy::separate);
  ASSERT_TRUE(separate) << separate.error().message();
  EXPECT_NE(separate->at("web/templates/job.yaml").find("image: nginx:2"), std::string::npos);
  EXPECT_EQ(docs_of(*separate, "web/templates/hook-cm.yaml").size(), 1u);
}

// A document the post-renderer adds (no file annotation) gets Helm's generated name.
TEST(HelmPostRender, NewDocumentsGetGeneratedNames) {
  // A JSON patch cannot add objects; a strategic merge patch of an absent object is an error
  // in kustomize, so the only way in is a renamed file annotation removed by a patch.
  std::vector<KustomizePostRenderer> renderers = {renderer(
      R"([{patch: '[{"op": "remove", "path": "/metadata/annotations"}]', target: {kind: ConfigMap, name: b}}])")};
  auto files = post_render(chart_output(), renderers, PostRenderStrategy::combined);
  ASSERT_TRUE(files) << files.error().message();
  ASSERT_EQ(files->count("generated-by-postrender-1.yaml") +
                files->count("generated-by-postrender-2.yaml") +
                files->count("generated-by-postrender-3.yaml") +
                files->count("generated-by-postrender-4.yaml"),
            1u);
  EXPECT_EQ(docs_of(*files, "web/templates/settings.yaml").size(), 1u);
  auto separate = post_render(chart_output(), renderers, PostRenderStrategy::separate);
  ASSERT_TRUE(separate);
  bool found = false;
  for (const auto& [name, text] : *separate)
    found |= name.starts_with("generated-by-postrender-manifests-");
  EXPECT_TRUE(found);
}

// GetVersionSet's entries: group versions and group/version/Kind, from aggregated discovery
// (subresource kinds too) and from a legacy resource list.
TEST(HelmCapabilities, ApiVersionsFromDiscovery) {
  Node aggregated = parse_json(R"({"kind": "APIGroupDiscoveryList", "items": [
    {"metadata": {"name": ""}, "versions": [{"version": "v1", "resources": [
      {"resource": "pods", "responseKind": {"kind": "Pod"}},
      {"resource": "configmaps", "responseKind": {"kind": "ConfigMap"}}]}]},
    {"metadata": {"name": "apps"}, "versions": [{"version": "v1", "resources": [
      {"resource": "deployments", "responseKind": {"kind": "Deployment"},
       "subresources": [{"subresource": "scale", "responseKind": {"kind": "Scale"}}]}]}]}]})")
                        .value();
  std::vector<std::string> out;
  add_api_versions(aggregated, out);
  EXPECT_EQ(out, (std::vector<std::string>{"v1", "v1/Pod", "v1/ConfigMap", "apps/v1",
                                           "apps/v1/Deployment", "apps/v1/Scale"}));
  Node legacy = parse_json(R"({"kind": "APIResourceList", "groupVersion": "policy/v1",
    "resources": [{"name": "poddisruptionbudgets", "kind": "PodDisruptionBudget"}]})")
                    .value();
  out.clear();
  add_api_versions(legacy, out);
  EXPECT_EQ(out, (std::vector<std::string>{"policy/v1", "policy/v1/PodDisruptionBudget"}));
}

// driftDetection.ignore: the named fields take the live values (removed where the live object
// lacks them), only on the objects the target picks; objects not live stay whole.
TEST(HelmDriftIgnore, IgnoredFieldsKeepTheLiveValues) {
  std::vector<Node> objects = {
      parse_yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                 "spec: {replicas: 1, paused: false}\n",
                 "d")
          .value(),
      parse_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, annotations: "
                 "{a/b: x}}\ndata: {k: v, t~x: y}\n",
                 "c")
          .value(),
      parse_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: new}\ndata: {k: v}\n", "n")
          .value(),
  };
  std::vector<DriftIgnoreRule> rules = {
      {{"/spec/replicas", "/spec/paused"}, parse_yaml("{kind: Deployment}", "t").value()},
      {{"/data/k", "/metadata/annotations/a~1b", "/data/t~0x"}, Node()},
  };
  int lookups = 0;
  LiveLookup live = [&](const Node& o) -> Result<std::optional<Node>> {
    ++lookups;
    if (o.string_at({"metadata", "name"}) == "new") return std::nullopt;
    if (o.string_at({"kind"}) == "Deployment")
      return parse_yaml("spec: {replicas: 5}", "l");  // paused absent live
    return parse_yaml("metadata: {annotations: {a/b: live}}\ndata: {k: changed, t~x: z}", "l");
  };
  auto out = DriftIgnore::parse(rules).value().keep_live(objects, live);
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(to_json((*out)[0].find("spec") ? *(*out)[0].find("spec") : Node()),
            R"({"replicas":5})");
  EXPECT_EQ((*out)[1].string_at({"data", "k"}), "changed");
  EXPECT_EQ((*out)[1].string_at({"data", "t~x"}), "z");
  EXPECT_EQ((*out)[1].string_at({"metadata", "annotations", "a/b"}), "live");
  EXPECT_EQ((*out)[2].string_at({"data", "k"}), "v");
  EXPECT_EQ(lookups, 3);
  // No rules: nothing looked up, nothing changed.
  lookups = 0;
  auto same = DriftIgnore::parse({}).value().keep_live(objects, live);
  ASSERT_TRUE(same);
  EXPECT_EQ(lookups, 0);
  EXPECT_EQ((*same)[0].at_path({"spec", "replicas"})->as_int(), 1);
}

// The drift watch's view: with the live copy at hand, the ignored fields the rules name for
// the object take the live values (or go where live lacks them); other fields stay desired.
TEST(HelmDriftIgnore, TakeLiveLeavesOnlyTheIgnoredFieldsToTheCluster) {
  std::vector<DriftIgnoreRule> rules = {
      {{"/spec/replicas"}, parse_yaml("{kind: Deployment}", "t").value()},
      {{"/data/gone"}, Node()},
  };
  DriftIgnore ignore = DriftIgnore::parse(rules).value();
  Node desired = parse_yaml(
                     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                     "spec: {replicas: 1, paused: false}\ndata: {gone: x}\n",
                     "d")
                     .value();
  Node live = parse_yaml("spec: {replicas: 4, paused: true}", "l").value();
  ignore.take_live(desired, live);
  EXPECT_EQ(desired.at_path({"spec", "replicas"})->as_int(), 4);
  EXPECT_FALSE(desired.at_path({"spec", "paused"})->as_bool());  // not ignored: still desired
  EXPECT_EQ(desired.at_path({"data", "gone"}), nullptr);         // live lacks it
  // A rule whose target does not pick the object leaves it alone.
  Node cm = parse_yaml(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n"
                "spec: {replicas: 1}\n",
                "c")
                .value();
  ignore.take_live(cm, live);
  EXPECT_EQ(cm.at_path({"spec", "replicas"})->as_int(), 1);
}

TEST(HelmDriftIgnore, AnInvalidTargetNamesTheRule) {
  std::vector<DriftIgnoreRule> rules = {
      {{"/a"}, Node()},
      {{"/b"}, parse_yaml("{name: '(['}", "t").value()},
  };
  auto parsed = DriftIgnore::parse(rules);
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message().find("spec.driftDetection.ignore[1].target"),
            std::string::npos)
      << parsed.error().message();
}

}  // namespace
}  // namespace plumb::controller
