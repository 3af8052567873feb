// Argo's Render (utils_test.go: TestRenderTemplateParams, ...GoTemplate, TestRenderTemplateKeys,
// TestRenderTemplateParamsFinalizers, TestSlugify, the helm valuesObject tests), templatePatch
// (patch_test.go) and generate_applications as the controller and `argocd appset generate` see
// it (template merges, namespaces, names refused).
#include <gtest/gtest.h>

#include "argo/appset_test_util.hpp"

namespace plumb::argo {
namespace {

// The fields Argo's tables put each test value in.
constexpr const char* k_fields[] = {"spec.source.path",           "spec.source.repoURL",
                                    "spec.source.targetRevision", "spec.source.chart",
                                    "spec.destination.server",    "spec.destination.namespace",
                                    "spec.destination.name",      "spec.project"};

// The template of Argo's tables with `value` at `field`, rendered with `params` (a YAML map).
Result<Node> render_field(std::string_view field, std::string_view value, std::string_view params,
                          bool go, std::string_view options = "") {
  Node tmpl = yaml(R"(
metadata:
  name: application-one
  labels: {label-key: label-value, label-key2: label-value2}
  annotations: {annotation-key: annotation-value, annotation-key2: annotation-value2}
spec:
  source: {path: "", repoURL: "", targetRevision: "", chart: ""}
  destination: {server: "", namespace: "", name: ""}
  project: "")");
  Node* at = &tmpl;
  std::string rest(field);
  size_t dot;
  while ((dot = rest.find('.')) != std::string::npos) {
    at = at->find_mut(rest.substr(0, dot));
    rest = rest.substr(dot + 1);
  }
  at->set(rest, Node::string(value));
  Node element = yaml(params);
  ApplicationSet set;
  set.name = "set";
  set.namespace_ = "argocd";
  set.go_template = go;
  if (!options.empty()) set.go_template_options = {std::string(options)};
  set.template_ = tmpl;
  GeneratorEntry entry;
  entry.path = "spec.generators[0]";
  Generator list;
  list.kind = GeneratorKind::list;
  list.list.elements = {element};
  entry.generators.push_back(list);
  set.generators.push_back(entry);
  auto generated = generate_applications(set, {});
  if (!generated) return std::unexpected(generated.error().error);
  const Node& app = generated->applications.at(0);
  EXPECT_EQ(app.string_at({"metadata", "labels", "label-key2"}), "label-value2");
  EXPECT_EQ(app.string_at({"metadata", "annotations", "annotation-key"}), "annotation-value");
  EXPECT_EQ(app.string_at({"metadata", "name"}), "application-one");
  EXPECT_EQ(app.string_at({"metadata", "namespace"}), "argocd");
  const Node* v = &app;
  rest = field;
  while ((dot = rest.find('.')) != std::string::npos) {
    v = v->find(rest.substr(0, dot));
    rest = rest.substr(dot + 1);
  }
  return *v->find(rest);
}

struct RenderCase {
  const char* name;
  const char* value;
  const char* params;
  const char* expected;  // the rendered string, or the error when error is true
  bool error = false;
  const char* option = "";
};

class AppSetFasttemplate : public ::testing::TestWithParam<RenderCase> {};

TEST_P(AppSetFasttemplate, RendersEveryStringField) {
  const RenderCase& c = GetParam();
  for (const char* field : k_fields) {
    auto out = render_field(field, c.value, c.params, false);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->as_string(), c.expected) << field;
  }
}

INSTANTIATE_TEST_SUITE_P(
    ArgoTables, AppSetFasttemplate,
    ::testing::Values(
        RenderCase{"simple", "{{one}}", "{one: two}", "two"},
        RenderCase{"whitespace", "{{ one }}", "{one: two}", "two"},
        RenderCase{"not_a_template", "}} {{", "{one: two}", "}} {{"},
        RenderCase{"nested", "{{ }}", "{one: \"{{ }}\"}", "{{ }}"},
        RenderCase{"field_with_whitespace", "{{ }}", "{\" \": two, \"\": three}", "{{ }}"},
        RenderCase{"contains_itself", "{{one}}", "{\"{{one}}\": \"{{one}}\"}", "{{one}}"},
        RenderCase{"contains_something_else", "{{one}}", "{\"{{one}}\": \"{{two}}\"}", "{{one}}"},
        RenderCase{"case_sensitive", "{{ONE}}", "{\"{{one}}\": two}", "{{ONE}}"},
        RenderCase{"multiple", "{{one}}{{one}}", "{one: two}", "twotwo"},
        RenderCase{"multiple_different", "{{one}}{{three}}", "{one: two, three: four}", "twofour"},
        RenderCase{"quote", "{{one}} {{three}}", "{one: '\"hello\" world', three: four}",
                   "\"hello\" world four"},
        RenderCase{"unknown_left_as_written", "a-{{ nope }}-{{one}}", "{one: two}",
                   "a-{{ nope }}-two"},
        RenderCase{"tags_on_other_lines_are_not_templates", "{{\n}}", "{one: two}", "{{\n}}"}),
    [](const auto& p) { return std::string(p.param.name); });

class AppSetGoTemplate : public ::testing::TestWithParam<RenderCase> {};

TEST_P(AppSetGoTemplate, RendersEveryStringField) {
  const RenderCase& c = GetParam();
  for (const char* field : k_fields) {
    auto out = render_field(field, c.value, c.params, true, c.option);
    if (c.error) {
      ASSERT_FALSE(out) << field;
      EXPECT_EQ(out.error().message(), "ApplicationSet argocd/set: spec.generators[0].list: " +
                                           std::string(field) + ": " + c.expected);
      continue;
    }
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->as_string(), c.expected) << field;
  }
}

INSTANTIATE_TEST_SUITE_P(
    ArgoTables, AppSetGoTemplate,
    ::testing::Values(
        RenderCase{"simple", "{{ .one }}", "{one: two}", "two"},
        RenderCase{"contains_itself", "{{ .one }}", "{one: \"{{one}}\"}", "{{one}}"},
        RenderCase{"multiple_different", "{{.one}}{{.three}}", "{one: two, three: four}",
                   "twofour"},
        RenderCase{"depth", "{{ .image.name }}:{{ .image.version }}",
                   "{replicas: 3, image: {name: busybox, version: latest}}", "busybox:latest"},
        RenderCase{"if_ok",
                   "{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}",
                   "{replicas: 3, hpa: {enabled: true, minReplicas: 1, maxReplicas: 5}}", "5"},
        RenderCase{"if_not_ok",
                   "{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}",
                   "{replicas: 3, hpa: {enabled: false, minReplicas: 1, maxReplicas: 5}}", "3"},
        RenderCase{"loop", "{{ range .volumes }}[{{ .name }}]{{ end }}",
                   "{volumes: [{name: volume-one, emptyDir: {}}, {name: volume-two}]}",
                   "[volume-one][volume-two]"},
        RenderCase{
            "index",
            R"({{ index .admin "admin-ca" }}, \\ "Hello world", {{ index .admin "admin-jks" }})",
            R"({admin: {admin-ca: 'value "admin" ca with \', admin-jks: value admin jks}})",
            R"(value "admin" ca with \, \\ "Hello world", value admin jks)"},
        RenderCase{"parse_error", "{{functiondoesnotexist}}", "{data: a data string}",
                   "failed to parse template {{functiondoesnotexist}}: template: base:1: "
                   "function \"functiondoesnotexist\" not defined",
                   true},
        RenderCase{"getHostByName_is_removed", "{{ getHostByName \"x\" }}", "{data: x}",
                   "failed to parse template {{ getHostByName \"x\" }}: template: base:1: "
                   "function \"getHostByName\" not defined",
                   true},
        RenderCase{"execute_error", "{{.data.test}}", "{data: a data string}",
                   "failed to execute go template {{.data.test}}: template: base:1:7: executing "
                   "\"base\" at <.data.test>: can't evaluate field test in type interface {}",
                   true},
        RenderCase{"missingkey_default", "--> {{.doesnotexist}} <--", "{unused: x}",
                   "--> <no value> <--"},
        RenderCase{"missingkey_error", "--> {{.doesnotexist}} <--", "{unused: x}",
                   "failed to execute go template --> {{.doesnotexist}} <--: template: base:1:6: "
                   "executing \"base\" at <.doesnotexist>: map has no entry for key "
                   "\"doesnotexist\"",
                   true, "missingkey=error"},
        RenderCase{"toYaml", "{{ toYaml . | indent 2 }}",
                   "{foo: {bar: {bool: true, number: 2, str: Hello world}}}",
                   "  foo:\n    bar:\n      bool: true\n      number: 2\n      str: Hello world"},
        RenderCase{"fromYaml", "{{ get (fromYaml .value) \"hello\" }}", "{value: 'hello: world'}",
                   "world"},
        RenderCase{"fromYaml_error", "{{ get (fromYaml .value) \"hello\" }}",
                   "{value: \"non\\n compliant\\n yaml\"}",
                   "failed to execute go template {{ get (fromYaml .value) \"hello\" }}: template: "
                   "base:1:8: executing \"base\" at <fromYaml .value>: error calling fromYaml: "
                   "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string "
                   "into Go value of type map[string]interface {}",
                   true},
        RenderCase{"fromYamlArray", "{{ fromYamlArray .value | last }}",
                   "{value: \"- hello world\\n- bonjour tout le monde\"}", "bonjour tout le monde"},
        RenderCase{"fromYamlArray_error", "{{ fromYamlArray .value | last }}",
                   "{value: \"non\\n compliant\\n yaml\"}",
                   "failed to execute go template {{ fromYamlArray .value | last }}: template: "
                   "base:1:3: executing \"base\" at <fromYamlArray .value>: error calling "
                   "fromYamlArray: error unmarshaling JSON: while decoding JSON: json: cannot "
                   "unmarshal string into Go value of type []interface {}",
                   true},
        RenderCase{"normalize", "{{ normalize .name }}", "{name: production_01/West}",
                   "production-01-west"},
        RenderCase{"slugify", "{{ slugify 20 false .name }}",
                   "{name: feat/a_really+long_pull_request_name}", "feat-a-really-long-p"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(AppSetTemplate, KeysAreTemplatedToo) {
  // TestRenderTemplateKeys
  for (bool go : {false, true}) {
    ApplicationSet set = read_appset(std::string(go ? "goTemplate: true\n" : "") + R"(generators:
- list: {elements: [{key: some-key, value: some-value}]}
template:
  metadata:
    name: app
    annotations: {)" +
                                     (go ? "\"annotation-{{ .key }}\": \"annotation-{{ .value }}\""
                                         : "\"annotation-{{key}}\": \"annotation-{{value}}\"") +
                                     "}\n  spec: {}");
    auto generated = generate_applications(set, {});
    ASSERT_TRUE(generated) << generated.error().error.message();
    EXPECT_EQ(
        generated->applications[0].string_at({"metadata", "annotations", "annotation-some-key"}),
        "annotation-some-value");
  }
}

TEST(AppSetTemplate, AnUnclosedTagIsAnError) {
  // Test_Render_Replace_no_panic_on_missing_closing_brace
  appset::Templater templater(false, {});
  Node params = Node::map();
  auto out = templater.replace("{{properly.closed}} {{improperly.closed}", templater.bind(params));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message(),
            "invalid template: Cannot find end tag=\"}}\" in the template=\"{{properly.closed}} "
            "{{improperly.closed}\" starting from \"improperly.closed}\"");
}

TEST(AppSetTemplate, HelmValuesObjectIsRendered) {
  // TestRenderHelmValuesObjectJson / Yaml
  ApplicationSet set = read_appset(R"(goTemplate: true
generators:
- list: {elements: [{test: Hello world}]}
template:
  metadata: {name: app}
  spec:
    source:
      helm:
        valuesObject:
          some: {string: "{{.test}}", number: 3, nothing: null})");
  auto generated = generate_applications(set, {});
  ASSERT_TRUE(generated) << generated.error().error.message();
  const Node* values =
      generated->applications[0].at_path({"spec", "source", "helm", "valuesObject"});
  ASSERT_NE(values, nullptr);
  EXPECT_EQ(*values, yaml("some: {string: Hello world, number: 3}"));
}

struct FinalizerCase {
  const char* name;
  const char* sync_policy;  // spec.syncPolicy, or ""
  const char* finalizers;   // the template's, or ""
  const char* expected;
};

class AppSetFinalizers : public ::testing::TestWithParam<FinalizerCase> {};

TEST_P(AppSetFinalizers, ResourcesFinalizerUnlessPreservedOrWritten) {
  // TestRenderTemplateParamsFinalizers
  const FinalizerCase& c = GetParam();
  std::string spec = "goTemplate: true\ngenerators:\n- list: {elements: [{one: two}]}\n";
  if (c.sync_policy[0]) spec += std::string("syncPolicy: ") + c.sync_policy + "\n";
  spec += "template:\n  metadata:\n    name: app\n";
  if (c.finalizers[0]) spec += std::string("    finalizers: ") + c.finalizers + "\n";
  spec += "  spec: {}";
  auto generated = generate_applications(read_appset(spec), {});
  ASSERT_TRUE(generated) << generated.error().error.message();
  const Node* finalizers = generated->applications[0].at_path({"metadata", "finalizers"});
  EXPECT_EQ(finalizers ? *finalizers : Node::list(), yaml(c.expected));
}

INSTANTIATE_TEST_SUITE_P(
    ArgoTables, AppSetFinalizers,
    ::testing::Values(
        FinalizerCase{"existing_preserved", "", "[existing-finalizer]", "[existing-finalizer]"},
        FinalizerCase{"background_preserved", "",
                      "[resources-finalizer.argocd.argoproj.io/background]",
                      "[resources-finalizer.argocd.argoproj.io/background]"},
        FinalizerCase{"empty_gets_standard", "", "", "[resources-finalizer.argocd.argoproj.io]"},
        FinalizerCase{"empty_list_gets_standard", "", "[]",
                      "[resources-finalizer.argocd.argoproj.io]"},
        FinalizerCase{"empty_sync_policy", "{}", "", "[resources-finalizer.argocd.argoproj.io]"},
        FinalizerCase{"preserve_has_none", "{preserveResourcesOnDeletion: true}", "", "[]"},
        FinalizerCase{"user_finalizer_wins", "{preserveResourcesOnDeletion: true}",
                      "[resources-finalizer.argocd.argoproj.io/background]",
                      "[resources-finalizer.argocd.argoproj.io/background]"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(AppSetTemplate, SlugifyAsArgo) {
  // TestSlugify, through the template function.
  struct {
    const char* args;
    const char* expected;
  } cases[] = {
      {"50 false", "feat-a-really-long-pull-request-name-to-test-argo"},
      {"53 true", "feat-a-really-long-pull-request-name-to-test-argo"},
  };
  for (const auto& c : cases) {
    auto out = render_field(
        "spec.project", std::string("{{ slugify ") + c.args + " .branch }}",
        "{branch: "
        "feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_"
        "shortening_feature}",
        true);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->as_string(), c.expected) << c.args;
  }
  for (const auto& [args, expected] :
       {std::pair{"50 true", "feat"},
        std::pair{"50 false", "feat-areallylongpullrequestnametotestargoslugifica"}}) {
    auto out = render_field(
        "spec.project", std::string("{{ slugify ") + args + " .branch }}",
        "{branch: "
        "feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature}",
        true);
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->as_string(), expected) << args;
  }
}

TEST(AppSetTemplate, SanitizeName) {
  EXPECT_EQ(sanitize_name("production_01/West"), "production-01-west");
  EXPECT_EQ(sanitize_name("..My.App--"), "my.app");
  EXPECT_EQ(sanitize_name("caf\xc3\xa9"), "caf");  // é is one rune: one "-", trimmed
  EXPECT_EQ(sanitize_name("\xe2\x84\xaa"
                          "elvin"),
            "kelvin");  // the Kelvin sign lowers to k
  EXPECT_EQ(sanitize_name(std::string(300, 'a')).size(), 253u);
}

// --- templatePatch (Test_ApplyTemplatePatch) ---

constexpr const char* k_patch_template = R"(
  metadata: {name: my-cluster-guestbook}
  spec:
    project: default
    source: {repoURL: "https://github.com/argoproj/argocd-example-apps.git", targetRevision: HEAD, path: guestbook}
    destination: {server: "https://kubernetes.default.svc", namespace: guestbook})";

Node patched(std::string_view patch) {
  std::string spec = "goTemplate: true\ngenerators:\n- list: {elements: [{project: evil}]}\n" +
                     std::string("templatePatch: ") + std::string(patch) +
                     "\ntemplate:" + k_patch_template;
  auto generated = generate_applications(read_appset(spec), {});
  EXPECT_TRUE(generated) << generated.error().error.message();
  return generated ? generated->applications[0] : Node();
}

TEST(AppSetTemplatePatch, JsonAndYamlPatchesMergeIntoTheApplication) {
  Node want = yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: my-cluster-guestbook
  namespace: argocd
  finalizers: [resources-finalizer.argocd.argoproj.io]
  annotations: {annotation-some-key: annotation-some-value}
spec:
  project: default
  source:
    repoURL: https://github.com/argoproj/argocd-example-apps.git
    targetRevision: HEAD
    path: guestbook
    helm: {valueFiles: [values.test.yaml, values.big.yaml]}
  destination: {server: "https://kubernetes.default.svc", namespace: guestbook}
  syncPolicy: {automated: {prune: true}})");
  EXPECT_EQ(
      patched(R"('{"metadata": {"annotations": {"annotation-some-key": "annotation-some-value"}},
  "spec": {"source": {"helm": {"valueFiles": ["values.test.yaml", "values.big.yaml"]}},
  "syncPolicy": {"automated": {"prune": true}}}}')"),
      want);
  EXPECT_EQ(patched(R"(|
  metadata:
    annotations:
      annotation-some-key: annotation-some-value
  spec:
    source:
      helm:
        valueFiles:
          - values.test.yaml
          - values.big.yaml
    syncPolicy:
      automated:
        prune: {{ not false }})"),
            want);
}

TEST(AppSetTemplatePatch, TheProjectIsKept) {
  Node app = patched("'{\"spec\": {\"project\": \"{{ .project }}\"}}'");
  EXPECT_EQ(app.string_at({"spec", "project"}), "default");
}

TEST(AppSetTemplatePatch, ABadPatchIsAnError) {
  std::string spec = std::string(R"(goTemplate: true
generators:
- list: {elements: [{a: b}]}
templatePatch: "- a list"
template:)") + k_patch_template;
  auto generated = generate_applications(read_appset(spec), {});
  ASSERT_FALSE(generated);
  EXPECT_EQ(generated.error().reason, GenerateReason::render);
  EXPECT_NE(generated.error().error.message().find("spec.templatePatch: invalid templatePatch"),
            std::string::npos)
      << generated.error().error.message();
}

// --- generate_applications ---

TEST(AppSetGenerate, GeneratorTemplateOverridesFillFromTheBase) {
  // The template-override example: the generator's template wins where it sets a field.
  ApplicationSet set = read_appset(R"(generators:
- list:
    elements:
    - {cluster: engineering-dev, url: "https://1.2.3.4"}
    template:
      metadata: {labels: {team: dev}}
      spec:
        source: {path: "applicationset/examples/template-override/{{cluster}}-override"}
        syncPolicy: {automated: {prune: false}}
- list:
    elements:
    - {cluster: engineering-prod, url: "https://2.4.6.8"}
template:
  metadata:
    name: '{{cluster}}-guestbook'
    namespace: ignored
    labels: {team: base, app: guestbook}
  spec:
    project: default
    source: {repoURL: "https://github.com/argoproj/argo-cd.git", targetRevision: HEAD,
             path: applicationset/examples/template-override/default}
    destination: {server: '{{url}}', namespace: guestbook}
    syncPolicy: {automated: {prune: true}})");
  auto generated = generate_applications(set, {});
  ASSERT_TRUE(generated) << generated.error().error.message();
  ASSERT_EQ(generated->applications.size(), 2u);
  EXPECT_EQ(generated->applications[0], yaml(R"(
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: engineering-dev-guestbook
  namespace: argocd
  labels: {team: dev, app: guestbook}
  finalizers: [resources-finalizer.argocd.argoproj.io]
spec:
  project: default
  source: {repoURL: "https://github.com/argoproj/argo-cd.git", targetRevision: HEAD,
           path: applicationset/examples/template-override/engineering-dev-override}
  destination: {server: "https://1.2.3.4", namespace: guestbook}
  syncPolicy: {automated: {prune: true}})"))
      << to_json(generated->applications[0]);
  EXPECT_EQ(generated->applications[1].string_at({"spec", "source", "path"}),
            "applicationset/examples/template-override/default");
}

TEST(AppSetGenerate, DuplicateAndMissingNamesAreRefusedAndTheRestSorted) {
  ApplicationSet set = read_appset(R"(generators:
- list:
    elements: [{n: zeta}, {n: dup}, {n: alpha}, {n: dup}, {n: ""}]
template:
  metadata: {name: '{{n}}'}
  spec: {project: default})");
  auto generated = generate_applications(set, {});
  ASSERT_TRUE(generated) << generated.error().error.message();
  EXPECT_EQ(generated->applications.size(), 5u);
  std::string valid;
  for (const Node& app : generated->valid)
    valid += std::string(app.string_at({"metadata", "name"})) + " ";
  EXPECT_EQ(valid, "alpha zeta ");  // every "dup" is left out, as Argo keys errors by name
  ASSERT_EQ(generated->refused.size(), 2u);
  EXPECT_EQ(generated->refused[0].qualified_name, "argocd/");
  EXPECT_EQ(generated->refused[1].message,
            "ApplicationSet set contains applications with duplicate name: dup");
  EXPECT_EQ(*generated->refused_message(),
            "ApplicationSet set contains applications with duplicate name: dup (and 1 more)");
}

TEST(AppSetGenerate, FailuresCarryArgosReason) {
  ApplicationSet params = read_appset(R"(generators:
- list: {elements: [{n: 3}]}
template: {metadata: {name: x}, spec: {}})");
  auto a = generate_applications(params, {});
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().reason, GenerateReason::params);
  EXPECT_EQ(generate_reason_name(a.error().reason), "ApplicationGenerationFromParamsError");
  ApplicationSet render = read_appset(R"(goTemplate: true
generators:
- list: {elements: [{n: x}]}
template: {metadata: {name: '{{ .n.x }}'}, spec: {}})");
  auto b = generate_applications(render, {});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().reason, GenerateReason::render);
  EXPECT_NE(b.error().error.message().find(
                "ApplicationSet argocd/set: spec.generators[0].list: metadata.name: failed to "
                "execute go template {{ .n.x }}"),
            std::string::npos)
      << b.error().error.message();
}

TEST(AppSetGenerate, AnEmptyParameterSetLeavesTheTemplateAsWritten) {
  // Argo's RenderTemplateParams returns the template itself for no parameters (no finalizer).
  ApplicationSet set = read_appset(R"(generators:
- list: {elements: [{}]}
template: {metadata: {name: '{{n}}'}, spec: {}})");
  auto generated = generate_applications(set, {});
  ASSERT_TRUE(generated) << generated.error().error.message();
  EXPECT_EQ(generated->applications[0].string_at({"metadata", "name"}), "{{n}}");
  EXPECT_EQ(generated->applications[0].at_path({"metadata", "finalizers"}), nullptr);
}

}  // namespace
}  // namespace plumb::argo
