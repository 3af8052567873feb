// helm template end to end through helm::template_chart over an in-memory chart that uses no
// sprig function: Helm's functions, .Files, .Capabilities, .Template, output order, hooks,
// crds, --show-only and Helm's error texts. Expected outputs are helm v4.1.4's.
#include "helm/template.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "helm/manifests.hpp"
#include "helm/objects.hpp"

namespace plumb::helm {
namespace {

MemoryFileSystem chart_fs() {
  MemoryFileSystem fs;
  fs.add_file("/c/Chart.yaml", R"__(apiVersion: v2
name: c
version: 0.1.0
)__");
  fs.add_file("/c/crds/crd.yaml", R"__(kind: CustomResourceDefinition
metadata:
  name: x
)__");
  fs.add_file("/c/files/a.conf", R"__(a=1
b=2
)__");
  fs.add_file("/c/files/b.txt", R"__(hello
)__");
  fs.add_file("/c/files/sub.json", R"__(x)__");
  fs.add_file("/c/templates/NOTES.txt", R"__(notes {{ .Release.Name }}
)__");
  fs.add_file("/c/templates/_h.tpl", R"__({{- define "h" }}h-{{ . }}{{ end -}}
)__");
  fs.add_file("/c/templates/a.yaml", R"__(kind: ConfigMap
metadata:
  name: a
data:
  yaml: {{ toYaml .Values | toJson }}
  json: {{ toJson .Values | toJson }}
  toml: {{ toToml .Values.m | toJson }}
  inc: {{ include "h" 3 }}
  tpl: {{ tpl "{{ .Values.s }}-{{ .Values.nope }}" . }}
  fy: {{ fromYaml "a: 1\nb: [x]" | toJson }}
  fyerr: {{ fromYaml "a: [" | toJson }}
  fya: {{ fromYamlArray "[1, a]" | toJson }}
  fj: {{ fromJson "{\"a\": 1}" | toJson }}
  fja: {{ fromJsonArray "[1, 2]" | toJson }}
  lookup: {{ lookup "v1" "Pod" "ns" "x" | toJson }}
  req: {{ required "need" .Values.s }}
  files: {{ .Files.Get "files/b.txt" | toJson }}
  glob: {{ range $p, $_ := .Files.Glob "files/*.{conf,txt}" }}{{ $p }},{{ end }}
  globcfg: {{ (.Files.Glob "files/*.conf").AsConfig | toJson }}
  secrets: {{ (.Files.Glob "files/b.txt").AsSecrets | toJson }}
  lines: {{ .Files.Lines "files/a.conf" | toJson }}
  caps: {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.GitVersion }} {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "x/v1" }} {{ len .Capabilities.APIVersions }}
  tmpl: {{ .Template.Name }} {{ .Template.BasePath }}
  num: {{ .Values.n }} {{ .Values.f }} {{ .Values.big }}
  novalue: "<no value>"
  types: {{ printf "%T %T %T" .Values .Files .Template }}
---
# comment only
---
kind: Secret
metadata:
  name: s
---
kind: Pod
metadata:
  name: hook
  annotations:
    helm.sh/hook: test
---
kind: Job
metadata:
  name: hook2
  annotations:
    helm.sh/hook: pre-install,post-install
---
kind: Job
metadata:
  name: unknownhook
  annotations:
    helm.sh/hook: nope
)__");
  fs.add_file("/c/templates/b.yaml", R"__(kind: Namespace
metadata:
  name: ns
---
kind: Zebra
---
kind: Apple
)__");
  fs.add_file("/c/values.yaml", R"__(n: 1234567
f: 1.5
big: 1e20
s: "yes"
m: {b: 1, a: [x, "y: z"], c: null}
)__");
  return fs;
}

// `helm template r c --kube-version 1.31.2-rc.1`.
constexpr std::string_view k_expected = R"__(---
# Source: c/templates/b.yaml
kind: Namespace
metadata:
  name: ns
---
# Source: c/templates/a.yaml
kind: Secret
metadata:
  name: s
---
# Source: c/templates/a.yaml
kind: ConfigMap
metadata:
  name: a
data:
  yaml: "big: 1e+20\nf: 1.5\n\"false\": 1234567\nm:\n  a:\n  - x\n  - 'y: z'\n  b: 1\n  c: null\ns: \"yes\""
  json: "{\"big\":100000000000000000000,\"f\":1.5,\"false\":1234567,\"m\":{\"a\":[\"x\",\"y: z\"],\"b\":1,\"c\":null},\"s\":\"yes\"}"
  toml: "a = [\"x\", \"y: z\"]\nb = 1.0\n"
  inc: h-3
  tpl: yes-
  fy: {"a":1,"b":["x"]}
  fyerr: {"Error":"error converting YAML to JSON: yaml: line 1: did not find expected node content"}
  fya: [1,"a"]
  fj: {"a":1}
  fja: [1,2]
  lookup: {}
  req: yes
  files: "hello\n"
  glob: files/a.conf,files/b.txt,
  globcfg: "a.conf: |\n  a=1\n  b=2"
  secrets: "b.txt: aGVsbG8K"
  lines: ["a=1","b=2"]
  caps: v1.31.2 v1.31.2-rc.1 true false 57
  tmpl: c/templates/a.yaml c/templates
  num:  1.5 1e+20
  novalue: ""
  types: common.Values engine.files common.Values
---
# Source: c/templates/a.yaml
# comment only
---
# Source: c/templates/b.yaml
kind: Apple
---
# Source: c/templates/b.yaml
kind: Zebra
---
# Source: c/templates/a.yaml
kind: Pod
metadata:
  name: hook
  annotations:
    helm.sh/hook: test
---
# Source: c/templates/a.yaml
kind: Job
metadata:
  name: hook2
  annotations:
    helm.sh/hook: pre-install,post-install
)__";

TemplateOptions options_for(std::string name = "r") {
  TemplateOptions options;
  options.release_name = std::move(name);
  options.chart_path = "/c";
  options.kube_version = "1.31.2-rc.1";
  return options;
}

std::string run(const FileSystem& fs, const TemplateOptions& options) {
  auto out = template_chart(fs, options);
  return out ? *out : "ERROR: " + out.error().message();
}

TEST(Template, RendersAsHelmDoes) {
  MemoryFileSystem fs = chart_fs();
  EXPECT_EQ(run(fs, options_for()), k_expected);
}

TEST(Template, CrdsFirstAndTestHooksSkipped) {
  MemoryFileSystem fs = chart_fs();
  TemplateOptions options = options_for();
  options.output.include_crds = true;
  options.output.skip_tests = true;
  std::string out = run(fs, options);
  EXPECT_TRUE(out.starts_with(
      "---\n# Source: c/crds/crd.yaml\nkind: CustomResourceDefinition\nmetadata:\n  name: x\n\n"
      "---\n# Source: c/templates/b.yaml\nkind: Namespace\n"))
      << out;
  EXPECT_EQ(out.find("name: hook\n"), std::string::npos);
  EXPECT_NE(out.find("name: hook2\n"), std::string::npos);
  options.output.no_hooks = true;
  EXPECT_EQ(run(fs, options).find("name: hook2\n"), std::string::npos);
}

TEST(Template, ShowOnly) {
  MemoryFileSystem fs = chart_fs();
  TemplateOptions options = options_for();
  options.output.show_only = {"templates/b.yaml"};
  EXPECT_EQ(run(fs, options),
            "---\n# Source: c/templates/b.yaml\nkind: Namespace\nmetadata:\n  name: ns\n"
            "---\n# Source: c/templates/b.yaml\nkind: Apple\n"
            "---\n# Source: c/templates/b.yaml\nkind: Zebra\n");
  options.output.show_only = {"templates/nope.yaml"};
  EXPECT_EQ(run(fs, options), "ERROR: could not find template templates/nope.yaml in chart");
}

// helm v4.1.4's messages for a template x.yaml holding TEMPLATE (with _h.tpl's defines);
// errors of the render carry helm template's hint.
TEST(Template, ErrorsAsHelmWordsThem) {
  const std::string hint = "\n\nUse --debug flag to render out invalid YAML";
  struct Row {
    const char* text;
    std::string error;
  } rows[] = {
      {R"({{ include "mid" . }})",
       "e/templates/x.yaml:1:3\n  executing \"e/templates/x.yaml\" at <include \"mid\" .>:\n"
       "    error calling include:\ne/templates/_h.tpl:2:49\n  executing \"mid\" at <include "
       "\"inner\" .>:\n    error calling include:\ne/templates/_h.tpl:2:10\n  executing \"inner\" "
       "at <.Values.x.y.z>:\n    nil pointer evaluating interface {}.y" +
           hint},
      {R"({{ include "missing" . }})",
       "e/templates/x.yaml:1:3\n  executing \"e/templates/x.yaml\" at <include \"missing\" .>:\n"
       "    error calling include:\ntemplate: no template \"missing\" associated with template "
       "\"gotpl\"" +
           hint},
      {R"({{ required "need x" .Values.x }})",
       "execution error at (e/templates/x.yaml:1:3): need x" + hint},
      {R"({{ fail "boom" }})", "execution error at (e/templates/x.yaml:1:3): boom" + hint},
      {R"({{ tpl "{{ fail \"deep\" }}" . }})",
       "execution error at (e/templates/x.yaml:1:3): deep" + hint},
      {R"({{ nope }})",
       R"(parse error at (e/templates/x.yaml:1): function "nope" not defined)" + hint},
      {R"({{ if }})", "parse error at (e/templates/x.yaml:1): missing value for if" + hint},
      {"a: [",
       "YAML parse error on e/templates/x.yaml: error converting YAML to JSON: yaml: line 1: did "
       "not find expected node content" +
           hint},
      {"kind: [1]",
       "YAML parse error on e/templates/x.yaml: error unmarshaling JSON: while decoding JSON: "
       "json: cannot unmarshal array into Go struct field SimpleHead.kind of type string" +
           hint},
      {R"({{ tpl "{{ .x.y }}" . }})",
       R"(template: e/templates/x.yaml:1:3: executing "e/templates/x.yaml" at <tpl "{{ .x.y }}" .>: error calling tpl: error during tpl function execution for "{{ .x.y }}": template: gotpl:1:5: executing "gotpl" at <.x.y>: nil pointer evaluating interface {}.y)" +
           hint},
  };
  for (const Row& row : rows) {
    MemoryFileSystem fs;
    fs.add_file("/e/Chart.yaml", "apiVersion: v2\nname: e\nversion: 0.1.0\n");
    fs.add_file("/e/templates/x.yaml", std::string(row.text) + "\n");
    fs.add_file(
        "/e/templates/_h.tpl",
        "{{ define \"inner\" }}\n{{ .Values.x.y.z }}{{ end }}{{ define \"mid\" }}{{ include "
        "\"inner\" . }}{{ end }}");
    TemplateOptions options;
    options.release_name = "r";
    options.chart_path = "/e";
    EXPECT_EQ(run(fs, options), std::string("ERROR: ") + row.error) << row.text;
  }
}

TEST(Template, IncludeRecursionStops) {
  MemoryFileSystem fs;
  fs.add_file("/e/Chart.yaml", "apiVersion: v2\nname: e\nversion: 0.1.0\n");
  fs.add_file("/e/templates/_r.tpl", R"({{ define "loop" }}{{ include "loop" . }}{{ end }})");
  fs.add_file("/e/templates/x.yaml", R"({{ include "loop" . }})");
  TemplateOptions options;
  options.release_name = "r";
  options.chart_path = "/e";
  std::string out = run(fs, options);
  EXPECT_TRUE(out.starts_with("ERROR: template: e/templates/x.yaml:1:3: ")) << out.substr(0, 200);
  EXPECT_NE(
      out.find("rendering template has a nested reference name: loop: unable to execute template"),
      std::string::npos);
}

// sigs.k8s.io/yaml coerces scalars into SimpleHead's string fields: `name: y` (a YAML 1.1
// boolean) and `kind: 1` are not errors; a hook's events are trimmed and lower-cased.
TEST(Template, HeadScalarsCoercedToStrings) {
  MemoryFileSystem fs;
  fs.add_file("/e/Chart.yaml", "apiVersion: v2\nname: e\nversion: 0.1.0\n");
  fs.add_file("/e/templates/x.yaml",
              "kind: Service\nmetadata:\n  name: y\n---\nkind: 1\n---\nkind: Job\nmetadata:\n"
              "  name: j\n  annotations:\n    helm.sh/hook: ' PRE-INSTALL , test-success'\n");
  TemplateOptions options;
  options.release_name = "r";
  options.chart_path = "/e";
  EXPECT_EQ(run(fs, options),
            "---\n# Source: e/templates/x.yaml\nkind: Service\nmetadata:\n  name: y\n"
            "---\n# Source: e/templates/x.yaml\nkind: 1\n"
            "---\n# Source: e/templates/x.yaml\nkind: Job\nmetadata:\n  name: j\n  annotations:\n"
            "    helm.sh/hook: ' PRE-INSTALL , test-success'\n");
  options.output.skip_tests = true;
  EXPECT_EQ(run(fs, options).find("kind: Job"), std::string::npos);
}

// releaseutil.SplitManifests on Helm's regexp (?:^|\s*\n)---\s*.
TEST(Manifests, SplitAsHelmSplits) {
  using V = std::vector<std::string>;
  EXPECT_EQ(split_manifests("a: 1\n---\nb: 2\n"), (V{"a: 1", "b: 2"}));
  // The \s* after a separator eats the newline a following `---` would need (helm prints
  // that `---` as a document of its own).
  EXPECT_EQ(split_manifests("---\na: 1\n---\n\n---\n"), (V{"a: 1", "---"}));
  EXPECT_EQ(split_manifests("a: 1\n--- # c\nb: 2"), (V{"a: 1", "# c\nb: 2"}));
  EXPECT_EQ(split_manifests("a: |\n  x\n---y\n"), (V{"a: |\n  x", "y"}));
  EXPECT_EQ(split_manifests("  \n"), V{});
}

// Go's filepath.Match, as --show-only uses it.
TEST(Manifests, FilepathMatch) {
  EXPECT_TRUE(filepath_match("templates/*.yaml", "templates/a.yaml"));
  EXPECT_FALSE(filepath_match("templates/*", "templates/sub/a.yaml"));
  EXPECT_FALSE(filepath_match("*", "charts/x"));
  EXPECT_TRUE(filepath_match("templates/[ab].yaml", "templates/b.yaml"));
  EXPECT_FALSE(filepath_match("templates/[^ab].yaml", "templates/b.yaml"));
  EXPECT_TRUE(filepath_match("templates/?.yaml", "templates/c.yaml"));
}

// gobwas/glob with '/' as separator, as .Files.Glob uses it.
TEST(Objects, GlobMatch) {
  EXPECT_EQ(glob_match("files/*", "files/a"), true);
  EXPECT_EQ(glob_match("files/*", "files/a/b"), false);
  EXPECT_EQ(glob_match("files/**", "files/a/b"), true);
  EXPECT_EQ(glob_match("**.json", "a/b/c.json"), true);
  EXPECT_EQ(glob_match("files/*.{conf,txt}", "files/b.txt"), true);
  EXPECT_EQ(glob_match("files/[!a]*", "files/a.conf"), false);
  EXPECT_EQ(glob_match("files/{a", "files/a"), std::nullopt);
}

}  // namespace
}  // namespace plumb::helm

namespace plumb::helm {
namespace {

// The real charts of ../shared/helm-cases rendered with their default values, in process (so
// the sanitizer builds cover the engine over real charts): every case whose ARGS are just
// `REL CHART --namespace NS --kube-version V [--skip-tests]` must print helm's expected.yaml.
TEST(Template, CorpusChartsWithDefaultValues) {
  const std::string root = PLUMB_SHARED_DIR "/helm-cases/";
  std::ifstream manifest(root + "MANIFEST.tsv");
  if (!manifest) GTEST_SKIP() << "../shared/helm-cases not found";
  auto disk = make_disk_fs();
  int checked = 0;
  for (std::string line; std::getline(manifest, line);) {
    std::istringstream row(line);
    std::string name, group, kind, chart, expect;
    std::getline(row, name, '\t');
    std::getline(row, group, '\t');
    std::getline(row, kind, '\t');
    std::getline(row, chart, '\t');
    std::getline(row, expect, '\t');
    if (kind != "chart" || expect != "output") continue;
    std::ifstream args_file(root + "cases/" + name + "/ARGS");
    std::vector<std::string> args;
    for (std::string word; args_file >> word;)
      args.push_back(word);
    bool skip_tests = args.size() == 7 && args[6] == "--skip-tests";
    if ((args.size() != 6 && !skip_tests) || args[2] != "--namespace" ||
        args[4] != "--kube-version")
      continue;
    TemplateOptions options;
    options.release_name = args[0];
    options.chart_path = root + args[1];
    options.namespace_name = args[3];
    options.kube_version = args[5];
    options.output.skip_tests = skip_tests;
    std::ifstream expected_file(root + "cases/" + name + "/expected.yaml");
    std::stringstream expected;
    expected << expected_file.rdbuf();
    auto out = template_chart(*disk, options);
    if (!out) {
      // Charts that need a sprig function not written yet fail here; the conformance test
      // counts those. What renders must be helm's output.
      continue;
    }
    EXPECT_EQ(*out, expected.str()) << name;
    ++checked;
  }
  EXPECT_GE(checked, 30);
}

}  // namespace
}  // namespace plumb::helm
