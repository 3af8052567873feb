// Template sets (Go's multi_test.go), missingkey modes, execution error messages (Go's and
// helm v4.1.4's, probed with the real binary), and the CallContext hook for include/tpl.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "gotemplate/template.hpp"
#include "test_values.hpp"

using namespace plumb;
using namespace plumb::gotemplate;
using namespace plumb::gotemplate::testing;

namespace {

std::string render(TemplateSet& set, std::string_view name, const Value& dot,
                   ExecOptions options = {}) {
  auto out = set.execute(name, dot, options);
  return out ? *out : "ERROR: " + out.error().message();
}

std::string render_text(std::string text, const Value& dot = Value(), ExecOptions options = {},
                        std::shared_ptr<const FuncMap> funcs = nullptr) {
  TemplateSet set("t", std::move(funcs));
  auto parsed = set.parse("t", std::move(text));
  if (!parsed) return "PARSE: " + parsed.error().message();
  return render(set, "t", dot, options);
}

// Go's TestMultiParse.
TEST(TemplateSet, MultiParse) {
  TemplateSet one("root");
  ASSERT_TRUE(one.parse("root", R"({{define "foo"}} FOO {{end}}{{define "bar"}} BAR {{end}})"));
  EXPECT_EQ(one.names(), (std::vector<std::string>{"bar", "foo", "root"}));
  EXPECT_EQ(render(one, "foo", Value()), " FOO ");
  EXPECT_EQ(render(one, "bar", Value()), " BAR ");
  TemplateSet bad("root");
  EXPECT_FALSE(bad.parse("root", R"({{define "foo"}} FOO )"));
  EXPECT_FALSE(bad.parse("root", R"({{define "foo}} FOO )"));
}

// Go's TestMultiExecute: templates defined by one parse are called from another.
TEST(TemplateSet, MultiExecute) {
  TemplateSet set("root");
  ASSERT_TRUE(
      set.parse("root", "\n\t{{define \"x\"}}TEXT{{end}}\n\t{{define \"dotV\"}}{{.V}}{{end}}\n"));
  ASSERT_TRUE(set.parse("root2",
                        "\n\t{{define \"dot\"}}{{.}}{{end}}\n\t{{define \"nested\"}}{{template "
                        "\"dot\" .}}{{end}}\n"));
  Value data =
      map_of({{"SI", list_int({i(3), i(4), i(5)})}, {"I", i(17)}, {"U", map_of({{"V", s("v")}})}});
  struct {
    const char* input;
    const char* want;
  } rows[] = {
      {R"({{template "x" .SI}})", "TEXT"},
      {R"({{template "x"}})", "TEXT"},
      {R"({{template "dot" .I}})", "17"},
      {R"({{template "dot" .SI}})", "[3 4 5]"},
      {R"({{template "dotV" .U}})", "v"},
      {R"({{template "nested" .I}})", "17"},
      {R"({{template "nested" $x:=.SI}},{{index $x 1}})", "[3 4 5],4"},
  };
  for (const auto& row : rows) {
    TemplateSet clone = set.clone();
    ASSERT_TRUE(clone.parse("test", row.input)) << row.input;
    EXPECT_EQ(render(clone, "test", data), row.want) << row.input;
  }
}

// Go's TestRedefinition, and Helm's "last definition wins" across files.
TEST(TemplateSet, RedefinitionAcrossParsesReplaces) {
  TemplateSet set("tmpl1");
  ASSERT_TRUE(set.parse("tmpl1", R"({{define "test"}}foo{{end}})"));
  ASSERT_TRUE(set.parse("tmpl1", R"({{define "test"}}bar{{end}})"));
  ASSERT_TRUE(set.parse("tmpl2", R"({{define "test"}}baz{{end}})"));
  EXPECT_EQ(render(set, "test", Value()), "baz");
}

TEST(TemplateSet, RedefinitionWithinOneParseIsAnError) {
  TemplateSet set("t");
  auto parsed = set.parse("t", R"({{define "a"}}1{{end}}{{define "a"}}2{{end}})");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message(),
            R"(template: t:1: template: multiple definition of template "a")");
}

// Go's TestEmptyTemplate, executed by name (ExecuteTemplate, as Helm does): an empty
// definition never replaces a non-empty one.
TEST(TemplateSet, EmptyDefinitionsDoNotReplace) {
  struct {
    std::vector<const char*> defs;
    const char* in;
    const char* want;
  } rows[] = {
      {{"x", "y"}, "", "y"},
      {{""}, "once", ""},
      {{"", ""}, "twice", ""},
      {{"{{.}}", "{{.}}"}, "twice", "twice"},
      {{"{{/* a comment */}}", "{{/* a comment */}}"}, "comment", ""},
      {{"{{.}}", ""}, "twice", "twice"},
  };
  for (const auto& row : rows) {
    TemplateSet set("root");
    for (const char* def : row.defs)
      ASSERT_TRUE(set.parse(row.in, def));
    EXPECT_EQ(render(set, row.in, s(row.in)), row.want) << row.in;
  }
}

// Go's TestBlock: a block is a default a later definition overrides, in a clone only.
TEST(TemplateSet, BlockOverriddenInClone) {
  TemplateSet set("outer");
  ASSERT_TRUE(set.parse("outer", R"(a({{block "inner" .}}bar({{.}})baz{{end}})b)"));
  TemplateSet overlay = set.clone();
  ASSERT_TRUE(overlay.parse("overlay", R"({{define "inner"}}foo({{.}})bar{{end}})"));
  EXPECT_EQ(render(set, "outer", s("hello")), "a(bar(hello)baz)b");
  EXPECT_EQ(render(overlay, "outer", s("goodbye")), "a(foo(goodbye)bar)b");
}

TEST(TemplateSet, ClonesAreIndependentBothWays) {
  TemplateSet set("root");
  ASSERT_TRUE(set.parse("a", R"({{define "x"}}base{{end}}{{template "x"}})"));
  TemplateSet clone = set.clone();
  ASSERT_TRUE(clone.parse("b", R"({{define "x"}}clone{{end}})"));
  ASSERT_TRUE(set.parse("c", R"({{define "y"}}later{{end}})"));
  EXPECT_EQ(render(set, "a", Value()), "base");
  EXPECT_EQ(render(clone, "a", Value()), "clone");
  EXPECT_TRUE(set.contains("y"));
  EXPECT_FALSE(clone.contains("y"));
  EXPECT_FALSE(set.contains("b"));
  EXPECT_EQ(clone.names(), (std::vector<std::string>{"a", "b", "x"}));
  EXPECT_EQ(set.names(), (std::vector<std::string>{"a", "c", "x", "y"}));
  TemplateSet clone_of_clone = clone.clone();
  ASSERT_TRUE(clone_of_clone.parse("d", R"({{define "x"}}third{{end}})"));
  EXPECT_EQ(render(clone_of_clone, "a", Value()), "third");
  EXPECT_EQ(render(clone, "a", Value()), "clone");
}

TEST(TemplateSet, UnknownTemplate) {
  TemplateSet set("gotpl");
  EXPECT_EQ(render(set, "nope", Value()),
            R"(ERROR: template: no template "nope" associated with template "gotpl")");
  ASSERT_TRUE(set.parse("t", R"(x{{template "nope"}})"));
  EXPECT_EQ(
      render(set, "t", Value()),
      R"(ERROR: template: t:1:12: executing "t" at <{{template "nope"}}>: template "nope" not defined)");
}

// Go's TestMaxExecDepth.
TEST(TemplateSet, MaxExecDepth) {
  EXPECT_EQ(
      render_text(R"({{template "t" .}})"),
      R"(ERROR: template: t:1:11: executing "t" at <{{template "t" .}}>: exceeded maximum template depth (3000))");
}

// Go's maxStackDepth error (helm v4.1.4: 10000 nested parentheses parse, 10001 do not; Plumb
// stops at 1000, see parse.cpp); control structures get the same bound so a pathological
// template cannot exhaust the stack.
TEST(TemplateSet, NestingLimits) {
  auto parens = [](int n) { return "{{" + std::string(n, '(') + "1" + std::string(n, ')') + "}}"; };
  EXPECT_EQ(render_text(parens(1000)), "1");
  EXPECT_EQ(render_text(parens(1001)), "PARSE: template: t:1: max expression depth exceeded");
  auto ifs = [](int n) {
    std::string t;
    for (int k = 0; k < n; ++k)
      t += "{{if true}}";
    t += "x";
    for (int k = 0; k < n; ++k)
      t += "{{end}}";
    return t;
  };
  EXPECT_EQ(render_text(ifs(1000)), "x");
  EXPECT_EQ(render_text(ifs(1001)),
            "PARSE: template: t:1: control structures nested more than 1000 deep");
}

// Go's TestMissingMapKey, plus what Helm (missingkey=zero over map[string]interface{}) shows.
TEST(MissingKey, ThreeModes) {
  Value data = map_of({{"x", i(99)}}, GoType::map_any);
  ExecOptions zero;
  zero.missing_key = MissingKey::zero;
  ExecOptions error;
  error.missing_key = MissingKey::error;
  EXPECT_EQ(render_text("{{.x}} {{.y}}", data), "99 <no value>");
  EXPECT_EQ(render_text("{{.x}} {{.y}}", data, zero),
            "99 <no value>");  // zero of interface{} prints as no value
  EXPECT_EQ(render_text("{{.x}} {{.y}}", data, error),
            R"(ERROR: template: t:1:9: executing "t" at <.y>: map has no entry for key "y")");
  EXPECT_EQ(render_text("{{.x}}", Value(), error),
            R"(ERROR: template: t:1:2: executing "t" at <.x>: nil data; no entry for key "x")");
  // A field of a missing key: no value by default, an error under zero (Helm's nil pointer).
  EXPECT_EQ(render_text("{{.y.z}}", data), "<no value>");
  EXPECT_EQ(
      render_text("{{.y.z}}", data, zero),
      R"(ERROR: template: t:1:4: executing "t" at <.y.z>: nil pointer evaluating interface {}.z)");
  // A variable holding a missing key is no value, so its fields are no value in every mode.
  EXPECT_EQ(render_text("{{$x := .y}}{{$x.foo}}", data, zero), "<no value>");
}

// Error messages as helm v4.1.4 prints them (Values are map[string]interface{} of float64).
TEST(ExecErrors, AsHelmPrintsThem) {
  ExecOptions zero;
  zero.missing_key = MissingKey::zero;
  // Helm's values: map[string]interface{}, every element boxed, numbers float64.
  auto json = parse_json(R"({"num": 3, "s": "str", "list": ["a"], "m": {"a": 1}})");
  ASSERT_TRUE(json);
  Value values = map_of({{"Values", Value::from_node(*json, Value::Numbers::as_float64)}});
  struct {
    const char* text;
    const char* want;
  } rows[] = {
      {"{{ eq .Values.num 3 }}",
       R"(template: t:1:3: executing "t" at <eq .Values.num 3>: error calling eq: incompatible types for comparison: float64 and int)"},
      {"{{ lt .Values.num 4 }}",
       R"(template: t:1:3: executing "t" at <lt .Values.num 4>: error calling lt: incompatible types for comparison: float64 and int)"},
      {"{{ index .Values.list 5 }}",
       R"(template: t:1:3: executing "t" at <index .Values.list 5>: error calling index: index out of range: 5)"},
      {"{{ index .Values.list 1 }}",
       R"(template: t:1:3: executing "t" at <index .Values.list 1>: error calling index: reflect: slice index out of range)"},
      {"{{ index .Values.m 1 }}",
       R"(template: t:1:3: executing "t" at <index .Values.m 1>: error calling index: value has type int; should be string)"},
      {"{{ .Values.missing.deeper.value }}",
       R"(template: t:1:10: executing "t" at <.Values.missing.deeper.value>: nil pointer evaluating interface {}.deeper)"},
      {"{{ len .Values.missing }}",
       R"(template: t:1:3: executing "t" at <len .Values.missing>: error calling len: len of nil pointer)"},
      {"{{ $x := .Values.missing }}{{ len $x }}",
       R"(template: t:1:30: executing "t" at <len $x>: error calling len: reflect: call of reflect.Value.Type on zero Value)"},
      {"{{ $x := .Values.missing }}{{ index $x 1 }}",
       R"(template: t:1:30: executing "t" at <index $x 1>: error calling index: index of untyped nil)"},
      {"{{ .Values.s.x }}",
       R"(template: t:1:10: executing "t" at <.Values.s.x>: can't evaluate field x in type interface {})"},
      {"{{ $x := 3 }}{{ $x.foo }}",
       R"(template: t:1:18: executing "t" at <$x.foo>: can't evaluate field foo in type int)"},
      {"{{ range \"abc\" }}{{.}}{{end}}",
       R"(template: t:1:9: executing "t" at <"abc">: range can't iterate over abc)"},
      {"{{ range $i, $v := 3 }}{{.}}{{end}}",
       R"(template: t:1:19: executing "t" at <3>: can't use 3 to iterate over more than one variable)"},
      {"{{ range $i, $v = .Values.list }}{{ end }}",
       R"(template: t:1:25: executing "t" at <.Values.list>: undefined variable: $i)"},
      {"{{ eq .Values.list .Values.list }}",
       R"(template: t:1:3: executing "t" at <eq .Values.list .Values.list>: error calling eq: non-comparable type [a]: []interface {})"},
      {"{{ lt nil 1 }}",
       R"(template: t:1:3: executing "t" at <lt nil 1>: error calling lt: invalid type for comparison)"},
      {"{{ lt true false }}",
       R"(template: t:1:3: executing "t" at <lt true false>: error calling lt: invalid type for comparison)"},
      {"{{ eq 1 }}",
       R"(template: t:1:3: executing "t" at <eq 1>: error calling eq: missing argument for comparison)"},
      {"{{ call 1 }}",
       R"(template: t:1:3: executing "t" at <call 1>: error calling call: non-function 1 of type int)"},
      {"{{ nil }}", R"(template: t:1:3: executing "t" at <nil>: nil is not a command)"},
      {"{{ printf 3 }}", R"(template: t:1:10: executing "t" at <3>: expected string; found 3)"},
      {"{{ len 1 2 }}",
       R"(template: t:1:3: executing "t" at <len>: wrong number of args for len: want 1 got 2)"},
      {"{{ index .Values.list .Values.num }}",
       R"(template: t:1:3: executing "t" at <index .Values.list .Values.num>: error calling index: cannot index slice/array with type float64)"},
      {"{{ index .Values.list nil }}",
       R"(template: t:1:3: executing "t" at <index .Values.list nil>: error calling index: cannot index slice/array with nil)"},
      {"{{ len 3 }}",
       R"(template: t:1:3: executing "t" at <len 3>: error calling len: len of type int)"},
      {"{{ not 1 2 }}",
       R"(template: t:1:3: executing "t" at <not>: wrong number of args for not: want 1 got 2)"},
      {"{{ .Values.num | printf }}",
       R"(template: t:1:17: executing "t" at <printf>: wrong type for value; expected string; got float64)"},
      {"{{ upper 3 }}", R"(template: t:1:9: executing "t" at <3>: expected string; found 3)"},
      {"{{ .Values.missing | upper }}",
       R"(template: t:1:21: executing "t" at <upper>: invalid value; expected string)"},
      {"{{ .Values.m.a 1 }}",
       R"(template: t:1:10: executing "t" at <.Values.m.a>: a is not a method but has arguments)"},
      {"{{ $x := 1 }}{{ $x 2 }}",
       R"(template: t:1:16: executing "t" at <$x>: can't give argument to non-function $x)"},
      {"{{ 3 | .Values.num }}",
       R"(template: t:1:14: executing "t" at <.Values.num>: num is not a method but has arguments)"},
      {"{{ (nil).x }}", R"(template: t:1:4: executing "t" at <nil>: nil is not a command)"},
      {"{{ index .Values.m.a 0 }}",
       R"(template: t:1:3: executing "t" at <index .Values.m.a 0>: error calling index: can't index item of type float64)"},
      {"{{ and }}",
       R"(template: t:1:3: executing "t" at <and>: wrong number of args for and: want at least 1 got 0)"},
  };
  // sprig's upper(s string) string, for the typed-parameter rows.
  auto funcs = std::make_shared<FuncMap>();
  funcs->add("upper",
             FuncInfo{[](CallContext&, std::span<const Value> a) -> Result<Value> { return a[0]; },
                      {Param::string},
                      false});
  for (const auto& row : rows) {
    EXPECT_EQ(render_text(row.text, values, zero, funcs), std::string("ERROR: ") + row.want)
        << row.text;
  }
}

TEST(ExecResults, AsHelmPrintsThem) {
  ExecOptions zero;
  zero.missing_key = MissingKey::zero;
  Value values = map_of({{"Values", map_of({{"s", s("abc")}, {"nothing", Value::nil()}})}});
  struct {
    const char* text;
    const char* want;
  } rows[] = {
      {R"({{ index "abc" 1 | printf "%T" }})", "uint8"},
      {R"({{ index .Values.s 0 }})", "97"},
      {R"({{ $x := .Values.missing }}{{ $x.foo }}|{{ .Values.missing }}|{{ printf "%v" .Values.missing }})",
       "<no value>|<no value>|<nil>"},
      {R"({{ eq .Values.missing .Values.missing2 }}{{ eq .Values.missing "x" }}{{ eq .Values.nothing nil }})",
       "truefalsetrue"},
      {R"({{ html 1 "<" nil }})", "1&lt;&lt;no value&gt;"},
      {R"({{ html "<a href='x'>&</a>" }})", "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"},
      {R"({{ js "it's \"quoted\" <tag>" }})", R"(it\'s \"quoted\" \u003Ctag\u003E)"},
      {R"({{ urlquery "a b&c=d/é" }})", "a+b%26c%3Dd%2F%C3%A9"},
      {R"({{ print "a" 1 2 "b" "c" 3.5 }})", "a1 2bc3.5"},
      {R"({{ range 4 }}{{ . }} {{ end }}|{{ range $i := 3 }}<{{ $i }}>{{ end }})",
       "0 1 2 3 |<0><1><2>"},
      {R"({{ with .Values.missing }}x{{ else with .Values.s }}fallback={{ . }}{{ else }}none{{ end }})",
       "fallback=abc"},
      {R"({{ or true (fail) }} {{ and false (fail) }})", "true false"},
  };
  auto funcs = std::make_shared<FuncMap>();
  funcs->add("fail", [](CallContext&, std::span<const Value>) -> Result<Value> {
    return fail("evaluated");
  });
  for (const auto& row : rows)
    EXPECT_EQ(render_text(row.text, values, zero, funcs), row.want) << row.text;
}

// The hook Helm's include and tpl need: a function runs a template of the set (include), or
// parses text into a clone of the set and runs it there (tpl), inside the same execution.
TEST(CallContext, IncludeAndTplThroughTheHook) {
  auto funcs = std::make_shared<FuncMap>();
  funcs->add("include",
             FuncInfo{[](CallContext& context, std::span<const Value> args) -> Result<Value> {
                        std::string out;
                        auto r = context.execute(out, context.set(), args[0].as_string(), args[1]);
                        if (!r) return std::unexpected(r.error());
                        return Value::string(out);
                      },
                      {Param::string, Param::any},
                      false});
  funcs->add("tpl",
             FuncInfo{[](CallContext& context, std::span<const Value> args) -> Result<Value> {
                        TemplateSet clone = context.set().clone();
                        auto parsed =
                            clone.parse(context.template_name(), std::string(args[0].as_string()));
                        if (!parsed) return std::unexpected(parsed.error());
                        std::string out;
                        auto r = context.execute(out, clone, context.template_name(), args[1]);
                        if (!r) return std::unexpected(r.error());
                        return Value::string(out);
                      },
                      {Param::string, Param::any},
                      false});
  TemplateSet set("gotpl", funcs);
  ASSERT_TRUE(set.parse("_helpers.tpl", R"({{- define "greet" -}}hello {{ . }}{{- end -}})"));
  ASSERT_TRUE(set.parse("out.yaml", R"(a: {{ include "greet" "world" | printf "%q" }}
b: {{ tpl "{{ define \"inline\" }}INLINE {{ .x }}{{ end }}{{ include \"inline\" . }}" . }}
c: {{ tpl "{{ include \"greet\" .x }}" . }})"));
  EXPECT_EQ(render(set, "out.yaml", map_of({{"x", s("X")}})),
            "a: \"hello world\"\nb: INLINE X\nc: hello X");
  // The clone's definitions stay in the clone.
  EXPECT_FALSE(set.contains("inline"));
}

}  // namespace

namespace {

// A host object like Helm's .Files: a field, a method with an argument, Go's printing.
class ToyFiles : public Object {
 public:
  ToyFiles() {
    m_get.fn = [](CallContext&, std::span<const Value> args) -> Result<Value> {
      if (args[0].as_string() == "a.txt") return Value::string("content of a");
      return Value::string("");
    };
    m_get.params = {Param::string};
  }
  std::string type_name() const override { return "files.Files"; }
  std::optional<Value> field(std::string_view name) const override {
    if (name == "Count") return i(1);
    return std::nullopt;
  }
  const FuncInfo* method(std::string_view name) const override {
    return name == "Get" ? &m_get : nullptr;
  }
  void format(std::string& out) const override { out += "map[a.txt:[99 111]]"; }

 private:
  FuncInfo m_get;
};

TEST(Objects, FieldsMethodsAndErrors) {
  Value dot = map_of({{"Files", Value::object(std::make_shared<ToyFiles>())}});
  EXPECT_EQ(
      render_text(
          R"({{ .Files.Get "a.txt" }}|{{ .Files.Count }}|{{ "a.txt" | .Files.Get }}|{{ printf "%T" .Files }})",
          dot),
      "content of a|1|content of a|files.Files");
  EXPECT_EQ(render_text("{{ .Files }}|{{ if .Files }}true{{ end }}", dot),
            "map[a.txt:[99 111]]|true");
  EXPECT_EQ(
      render_text("{{ .Files.Get }}", dot),
      R"(ERROR: template: t:1:9: executing "t" at <.Files.Get>: wrong number of args for Get: want 1 got 0)");
  EXPECT_EQ(
      render_text("{{ .Files.Nope }}", dot),
      R"(ERROR: template: t:1:9: executing "t" at <.Files.Nope>: can't evaluate field Nope in type files.Files)");
  EXPECT_EQ(
      render_text("{{ .Files.Count 1 }}", dot),
      R"(ERROR: template: t:1:9: executing "t" at <.Files.Count>: Count has arguments but cannot be invoked as function)");
}

}  // namespace

namespace {

// helm v4.1.4: {{ typeOf .Values }} is common.Values, a named map[string]interface {}.
TEST(Values, NamedMapTypes) {
  Value values = map_of({{"a", i(1)}}).named("common.Values");
  Value dot = map_of({{"Values", values.boxed_copy()}}).named("common.Values");
  EXPECT_EQ(render_text(R"({{ printf "%T %T %v" . .Values .Values }}|{{ .Values.a }})", dot),
            "common.Values common.Values map[a:1]|1");
  EXPECT_EQ(values.kind_name(), "map");
  EXPECT_EQ(i(1).named("x").type_name(), "int");
}

// helm v4.1.4: variables may be named with any Unicode letters and digits.
TEST(Lexer, UnicodeIdentifiers) {
  EXPECT_EQ(render_text("{{ $\u00e9 := 1 }}{{ $\u00e9 }}|{{ $x\u0661 := 2 }}{{ $x\u0661 }}"),
            "1|2");
}

}  // namespace
