// The spec flags of `plumb app create|set|unset` as argocd applies them, and what Argo CD's API
// server does to a spec before storing it (normalize, validate, compare for create).
#include "cli/app_spec.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "core/yaml.hpp"

namespace plumb::cli::app {
namespace {

Node yaml(std::string_view text) {
  return parse_yaml(text, "test.yaml").value();
}

std::string error_of(const auto& result) {
  return result ? std::string("no error") : result.error().message();
}

// Applies `args` as `app set` would to app; returns the count or the error.
Result<int> apply(Node& app, std::vector<std::string_view> args) {
  FlagSpec spec;
  add_spec_flags(spec);
  Flags flags = parse_flags(args, spec).value();
  return apply_spec_flags(flags, args, app);
}

std::string spec_json(const Node& app) {
  return to_json(*app.find("spec"));
}

TEST(AppSpecFlags, CreateOfAGitDirectory) {
  Node app = yaml("metadata: {name: guestbook}");
  EXPECT_EQ(apply(app, {"--repo", "https://example.com/r.git", "--path", "guestbook",
                        "--dest-server", "https://kubernetes.default.svc", "--dest-namespace",
                        "web", "--directory-recurse", "--revision", "main"})
                .value(),
            6);
  EXPECT_EQ(spec_json(app),
            R"({"source":{"directory":{"recurse":true},"path":"guestbook",)"
            R"("repoURL":"https://example.com/r.git","targetRevision":"main"},)"
            R"("destination":{"namespace":"web","server":"https://kubernetes.default.svc"}})");
  normalize_spec(app);
  EXPECT_EQ(app.string_at({"spec", "project"}), "default");
  EXPECT_EQ(error_of(validate_app(app)), "no error");
}

TEST(AppSpecFlags, HelmParametersAreSetByNameAndCommasEscaped) {
  Node app =
      yaml("spec: {source: {repoURL: r, chart: c, helm: {parameters: [{name: a, value: '1'}]}}}");
  ASSERT_TRUE(
      apply(app, {"--helm-set", "a=2", "--helm-set", "list={x,y}", "--helm-set-string", "s=007",
                  "--values", "v1.yaml", "--values", "v2.yaml", "--release-name", "rel"}));
  EXPECT_EQ(to_json(*app.at_path({"spec", "source", "helm"})),
            R"({"parameters":[{"name":"a","value":"2"},{"name":"list","value":"{x\\,y}"},)"
            R"({"name":"s","value":"007","forceString":true}],)"
            R"("releaseName":"rel","valueFiles":["v1.yaml","v2.yaml"]})");
  EXPECT_EQ(error_of(apply(app, {"--helm-set", "novalue"})),
            "expected helm parameter of the form param=value but received: novalue");
}

TEST(AppSpecFlags, ParametersOnlyForHelm) {
  Node plain = yaml("spec: {source: {repoURL: r, path: p}}");
  EXPECT_EQ(error_of(apply(plain, {"-p", "image"})),
            "Parameters can only be set against Helm applications");
  ASSERT_TRUE(apply(plain, {"-p", "image=v2"}));
  EXPECT_EQ(plain.at_path({"spec", "source", "helm", "parameters"})->size(), 1u);
}

TEST(AppSpecFlags, KustomizeImagesReplaceByName) {
  Node app =
      yaml("spec: {source: {repoURL: r, path: p, kustomize: {images: ['nginx:1.0', 'redis:6']}}}");
  ASSERT_TRUE(apply(app, {"--kustomize-image", "nginx:1.25", "--kustomize-image", "busybox:1",
                          "--nameprefix", "dev-"}));
  EXPECT_EQ(to_json(*app.at_path({"spec", "source", "kustomize"})),
            R"({"images":["nginx:1.25","redis:6","busybox:1"],"namePrefix":"dev-"})");
}

TEST(AppSpecFlags, SyncPolicyAndItsOptions) {
  Node app = yaml("spec: {source: {repoURL: r, path: p}}");
  ASSERT_TRUE(
      apply(app, {"--sync-policy", "automated", "--auto-prune", "--self-heal", "--sync-option",
                  "CreateNamespace=true", "--sync-option", "PruneLast=true"}));
  EXPECT_EQ(to_json(*app.at_path({"spec", "syncPolicy"})),
            R"({"syncOptions":["CreateNamespace=true","PruneLast=true"],)"
            R"("automated":{"prune":true,"selfHeal":true}})");
  // '!' removes an option; --self-heal=false is given, and false.
  ASSERT_TRUE(apply(app, {"--sync-option", "!PruneLast=true", "--self-heal=false"}));
  EXPECT_EQ(to_json(*app.at_path({"spec", "syncPolicy"})),
            R"({"syncOptions":["CreateNamespace=true"],)"
            R"("automated":{"prune":true,"selfHeal":false}})");
  // none drops automated; an empty policy goes.
  ASSERT_TRUE(apply(app, {"--sync-policy", "none", "--sync-option", "!CreateNamespace=true"}));
  EXPECT_EQ(app.at_path({"spec", "syncPolicy"}), nullptr);
  EXPECT_EQ(error_of(apply(app, {"--sync-policy", "sometimes"})), "Invalid sync-policy: sometimes");
}

TEST(AppSpecFlags, ABooleanGivenFalseCounts) {
  Node app =
      yaml("spec: {source: {repoURL: r, path: p}, syncPolicy: {automated: {selfHeal: true}}}");
  EXPECT_EQ(apply(app, {"--self-heal=false"}).value(), 1);
  EXPECT_EQ(to_json(*app.at_path({"spec", "syncPolicy", "automated"})), R"({"selfHeal":false})");
}

TEST(AppSpecFlags, AutomatedOptionsWithoutThePolicyStayDisabled) {
  Node app = yaml("spec: {source: {repoURL: r, path: p}}");
  ASSERT_TRUE(apply(app, {"--auto-prune"}));
  EXPECT_EQ(to_json(*app.at_path({"spec", "syncPolicy", "automated"})),
            R"({"enabled":false,"prune":true})");
}

TEST(AppSpecFlags, NothingGivenCountsZeroAndLeavesTheSpec) {
  Node app = yaml("spec: {source: {repoURL: r, path: p}, destination: {name: in-cluster}}");
  Node before = app;
  EXPECT_EQ(apply(app, {}).value(), 0);
  EXPECT_EQ(app, before);
}

TEST(AppSpecFlags, SourceFlagsRefusedOnMultiSourceApps) {
  Node app = yaml("spec: {sources: [{repoURL: a, path: x}]}");
  EXPECT_EQ(error_of(apply(app, {"--path", "y"})),
            "Source position should be specified and must be greater than 0 for applications "
            "with multiple sources");
  EXPECT_EQ(apply(app, {"--dest-namespace", "web"}).value(), 1);
  EXPECT_EQ(app.at_path({"spec", "source"}), nullptr);
}

TEST(AppSpecFlags, GivenBoolReadsPflagForms) {
  std::vector<std::string_view> args{"--cascade=false", "x", "--yes"};
  EXPECT_EQ(given_bool(args, "--cascade"), false);
  EXPECT_EQ(given_bool(args, "--yes"), true);
  EXPECT_EQ(given_bool(args, "--wait"), std::nullopt);
}

// --- unset ------------------------------------------------------------------------------

Unset unset(Node& app, std::vector<std::string_view> args) {
  FlagSpec spec;
  add_unset_flags(spec);
  return apply_unset_flags(parse_flags(args, spec).value(), app);
}

TEST(AppUnset, KustomizeFieldsOnceThenNothingToDo) {
  Node app = yaml(R"(
spec:
  source:
    kustomize: {namePrefix: some-prefix, nameSuffix: some-suffix, version: "123", images: ["old1=new:tag", "old2=new:tag"]}
)");
  EXPECT_TRUE(unset(app, {"--nameprefix"}).updated);
  EXPECT_EQ(app.string_at({"spec", "source", "kustomize", "namePrefix"}), "");
  Unset again = unset(app, {"--nameprefix"});
  EXPECT_FALSE(again.updated);
  EXPECT_FALSE(again.nothing_to_unset);
  EXPECT_TRUE(unset(app, {"--kustomize-image", "old1=new:tag"}).updated);
  EXPECT_EQ(app.at_path({"spec", "source", "kustomize", "images"})->size(), 1u);
  EXPECT_TRUE(unset(app, {"-p", "x"}).nothing_to_unset);  // a Helm flag for a Kustomize source
}

TEST(AppUnset, HelmParametersAndValueFiles) {
  Node app = yaml(R"(
spec:
  source:
    helm:
      parameters: [{name: name-1, value: value-1}, {name: name-2, value: value-2}]
      valueFiles: [values-1.yaml, values-2.yaml]
      passCredentials: true
)");
  EXPECT_TRUE(
      unset(app, {"-p", "name-1", "--values", "values-2.yaml", "--pass-credentials"}).updated);
  EXPECT_EQ(
      to_json(*app.at_path({"spec", "source", "helm"})),
      R"({"parameters":[{"name":"name-2","value":"value-2"}],"valueFiles":["values-1.yaml"]})");
  EXPECT_FALSE(unset(app, {"-p", "name-1"}).updated);
  EXPECT_TRUE(unset(app, {"--nameprefix"}).nothing_to_unset);
}

// --- what the API server does ------------------------------------------------------------

TEST(AppValidate, DestinationAndSourceAsArgoWordsIt) {
  Node app = yaml("metadata: {name: guestbook}\nspec: {source: {repoURL: r, path: p}}");
  EXPECT_EQ(error_of(validate_app(app)),
            "application destination spec for guestbook is invalid: Destination server missing "
            "from app spec");
  app["spec"]["destination"].set("server", Node::string("https://kubernetes.default.svc"));
  app["spec"]["destination"].set("name", Node::string("in-cluster"));
  EXPECT_EQ(error_of(validate_app(app)),
            "application destination spec for guestbook is invalid: application destination can't "
            "have both name and server defined: in-cluster https://kubernetes.default.svc");
  app["spec"]["destination"].erase("name");
  EXPECT_EQ(error_of(validate_app(app)), "no error");
  app["spec"]["source"].erase("path");
  EXPECT_EQ(error_of(validate_app(app)),
            "application spec for guestbook is invalid: InvalidSpecError: spec.source.repoURL and "
            "either spec.source.path or spec.source.chart are required");
  app["spec"]["source"].set("chart", Node::string("nginx"));
  EXPECT_EQ(error_of(validate_app(app)),
            "application spec for guestbook is invalid: InvalidSpecError: "
            "spec.source.targetRevision is required if the manifest source is a helm chart");
}

TEST(AppNormalize, DefaultProjectAndEmptySectionsDropped) {
  Node app = yaml(
      "spec: {source: {repoURL: r, path: p, helm: {}, directory: {recurse: false}}, "
      "syncPolicy: {syncOptions: []}}");
  normalize_spec(app);
  EXPECT_EQ(spec_json(app), R"({"source":{"repoURL":"r","path":"p"},"project":"default"})");
}

TEST(AppSame, EmptyAndAbsentAlikeSpecDecides) {
  Node stored = yaml(R"(
metadata: {name: foo, namespace: argocd, resourceVersion: "7", uid: x}
spec: {project: default, source: {repoURL: r, path: p}}
status: {sync: {status: Synced}}
)");
  Node want = yaml(
      "metadata: {name: foo, labels: {}, finalizers: []}\n"
      "spec: {project: default, source: {repoURL: r, path: p}}");
  EXPECT_TRUE(same_app(stored, want));
  want["spec"]["source"].set("path", Node::string("q"));
  EXPECT_FALSE(same_app(stored, want));
  Node labelled = stored;
  labelled["metadata"]["labels"].set("team", Node::string("a"));
  EXPECT_FALSE(same_app(stored, labelled));
}

TEST(AppLabels, LabelsNeedOneEqualsAnnotationsMayHaveNone) {
  FlagSpec spec{.repeated = {"--label", "--annotations"}};
  Node app = yaml("metadata: {name: x}");
  std::vector<std::string_view> args{"--label", "team=a", "--annotations", "note"};
  ASSERT_TRUE(set_labels_and_annotations(parse_flags(args, spec).value(), app));
  EXPECT_EQ(to_json(*app.find("metadata")),
            R"({"name":"x","labels":{"team":"a"},"annotations":{"note":""}})");
  std::vector<std::string_view> bad{"--label", "a=b=c"};
  EXPECT_EQ(error_of(set_labels_and_annotations(parse_flags(bad, spec).value(), app)),
            "labels should have key=value, but instead got: a=b=c");
}

}  // namespace
}  // namespace plumb::cli::app
