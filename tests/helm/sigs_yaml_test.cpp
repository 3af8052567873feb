#include "helm/sigs_yaml.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/json.hpp"

namespace plumb::helm {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every line of testdata/yaml_scalars.tsv: a one-line values.yaml and what helm v4.1.4 prints
// for {{ toJson .Values }} (gen_yaml_scalars.sh).
TEST(SigsYaml, ScalarsResolveAsHelmReadsThem) {
  std::istringstream lines(read(PLUMB_SOURCE_DIR "/tests/helm/testdata/yaml_scalars.tsv"));
  std::string line;
  int cases = 0;
  while (std::getline(lines, line)) {
    size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    std::string yaml = line.substr(0, tab) + "\n", expected = line.substr(tab + 1);
    auto values = load_values(yaml);
    ASSERT_TRUE(values) << yaml << values.error().message();
    EXPECT_EQ(to_json(*values), expected) << yaml;
    ++cases;
  }
  EXPECT_GE(cases, 50);
}

struct ErrorCase {
  const char* yaml;
  const char* error;
};

// Facts from helm v4.1.4 (`helm template` of a chart with this values.yaml; the message after
// "cannot load values.yaml: ").
TEST(SigsYaml, ErrorsReadAsHelmWordsThem) {
  const ErrorCase cases[] = {
      {"a: [1, 2\n", "yaml: line 1: did not find expected ',' or ']'"},
      {"a: [1, 2", "yaml: line 1: did not find expected ',' or ']'"},
      {"a: 1\nb: {x: 1\nc: 2\n", "yaml: line 2: did not find expected ',' or '}'"},
      {"a:\n  b: 1\n c: 2\n", "yaml: line 2: did not find expected key"},
      {"a: \"abc\n", "yaml: line 2: found unexpected end of stream"},
      {"a: 1\n\tb: 2\n", "yaml: line 2: found a tab character that violates indentation"},
      {"a: b: c\n", "yaml: mapping values are not allowed in this context"},
      {"a: *x\n", "yaml: unknown anchor 'x' referenced"},
      {"a: &x [*x]\n", "yaml: anchor 'x' value contains itself"},
      {"a: !!int x\n", "yaml: cannot decode !!str `x` as a !!int"},
      {"a: .nan\n", "json: unsupported value: NaN"},
      {"a: -.inf\n", "json: unsupported value: -Inf"},
      {"big: .inf\n", "json: unsupported value: +Inf"},
      {"null: x\n", "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"x\""},
  };
  for (const auto& c : cases) {
    auto values = load_values(c.yaml);
    ASSERT_FALSE(values) << c.yaml;
    EXPECT_EQ(
        values.error().message(),
        std::string("cannot unmarshal yaml document: error converting YAML to JSON: ") + c.error)
        << c.yaml;
  }
  const ErrorCase not_maps[] = {
      {"- a\n- b\n", "array"}, {"a\n", "string"}, {"3\n", "number"}, {"true\n", "bool"}};
  for (const auto& c : not_maps) {
    auto values = load_values(c.yaml);
    ASSERT_FALSE(values) << c.yaml;
    EXPECT_EQ(values.error().message(),
              std::string("cannot unmarshal yaml document: error unmarshaling JSON: while "
                          "decoding JSON: json: cannot unmarshal ") +
                  c.error + " into Go value of type map[string]interface {}");
  }
  auto separator = load_values("x: 1\n---\ny: 2\n--- foo\nz: 1\n");
  ASSERT_FALSE(separator);
  EXPECT_EQ(separator.error().message(),
            "error reading yaml document: invalid Yaml document separator: foo");
}

TEST(SigsYaml, DocumentsMergeLaterWinning) {
  auto values = load_values("x: {a: 1, b: 2}\n---\nx: {b: 3}\n---\n# only a comment\n");
  ASSERT_TRUE(values);
  EXPECT_EQ(to_json(*values), R"({"x":{"a":1,"b":3}})");
  auto dup = load_values("a: 1\na: 2\n");
  ASSERT_TRUE(dup);
  EXPECT_EQ(to_json(*dup), R"({"a":2})");
  auto empty = load_values("# only comments\n# here\n");
  ASSERT_TRUE(empty);
  EXPECT_EQ(to_json(*empty), "{}");
}

// go-yaml v2: `<<` sets its keys where it stands, so a key written after it wins and one
// written before it loses; in a list of maps the earlier map wins.
TEST(SigsYaml, MergeKeysApplyInDocumentOrder) {
  auto after = load_values("<<: {a: 1, b: 1}\na: 2\n");
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)["a"].as_float(), 2);
  auto before = load_values("a: 2\n<<: {a: 1}\n");
  ASSERT_TRUE(before);
  EXPECT_EQ((*before)["a"].as_float(), 1);
  auto list = load_values("b: &b {x: b}\nc: &c {x: c, z: c}\nm:\n  <<: [*b, *c]\n");
  ASSERT_TRUE(list);
  EXPECT_EQ(to_json((*list)["m"]), R"({"x":"b","z":"c"})");
}

TEST(SigsYaml, AliasBombIsRefused) {
  std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c, ++prev) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i)
      bomb += std::string(i ? "," : "") + "*" + prev;
    bomb += "]\n";
  }
  auto values = load_values(bomb);
  ASSERT_FALSE(values);
  EXPECT_NE(values.error().message().find("excessive aliasing"), std::string::npos);
}

TEST(SigsYaml, TypedModeKeepsIntegers) {
  auto doc = yaml_to_json("a: 3\nb: 1.5\n", YamlNumbers::typed);
  ASSERT_TRUE(doc);
  EXPECT_TRUE((*doc)["a"].is_int());
  EXPECT_TRUE((*doc)["b"].is_float());
}

TEST(SigsYaml, FormatFloatGAsGo) {
  EXPECT_EQ(format_float_g(1234567), "1.234567e+06");
  EXPECT_EQ(format_float_g(100000), "100000");
  EXPECT_EQ(format_float_g(0.0001), "0.0001");
  EXPECT_EQ(format_float_g(0.00001), "1e-05");
  EXPECT_EQ(format_float_g(1.1, 32), "1.1");
  EXPECT_EQ(format_float_g(1e7, 32), "1e+07");
  EXPECT_EQ(format_float_g(-2.5), "-2.5");
  EXPECT_EQ(format_float_g(0), "0");
}

}  // namespace
}  // namespace plumb::helm
