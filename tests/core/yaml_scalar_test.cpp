// Scalar edge cases on read and write, checked against kubectl kustomize itself: the test
// writes one kustomization holding every row (a ConfigMap for the string values, a custom
// object for the others), runs kubectl once, and compares each row's printed lines with
// what Plumb prints after reading the same input.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/yaml.hpp"
#include "support/require.hpp"

namespace plumb {
namespace {

namespace fs = std::filesystem;
using T = Node::Type;

struct Row {
  std::string yaml;  // the value as written after "  rNNN: " (continuation lines indented 4)
  T type;            // what the reader must make of it
};

std::string repeat(std::string_view word, int times, std::string_view separator) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    if (i) out += separator;
    out += word;
  }
  return out;
}

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      // Words that YAML 1.1 reads as booleans are strings for kustomize, quoted on output.
      {"on", T::string},
      {"On", T::string},
      {"ON", T::string},
      {"off", T::string},
      {"yes", T::string},
      {"Yes", T::string},
      {"no", T::string},
      {"NO", T::string},
      {"y", T::string},
      {"Y", T::string},
      {"n", T::string},
      {"N", T::string},
      {"true", T::boolean},
      {"True", T::boolean},
      {"TRUE", T::boolean},
      {"false", T::boolean},
      {"FALSE", T::boolean},
      // Nulls.
      {"~", T::null},
      {"null", T::null},
      {"Null", T::null},
      {"NULL", T::null},
      {"", T::null},
      // Integers: octal, hex, binary, signs, underscores, overflow.
      {"010", T::integer},
      {"0x1F", T::integer},
      {"0o17", T::integer},
      {"0b101", T::integer},
      {"08", T::floating},
      {"0", T::integer},
      {"00", T::integer},
      {"-0", T::integer},
      {"+12", T::integer},
      {"-12", T::integer},
      {"1_000", T::integer},
      {"9223372036854775807", T::integer},
      {"-9223372036854775808", T::integer},
      {"0x", T::string},
      {"0b", T::string},
      {"1__0", T::integer},
      {"0xG", T::string},
      // Floats as Go prints them after the JSON round trip.
      {"1e3", T::floating},
      {"1E3", T::floating},
      {"12e03", T::floating},
      {"1.5", T::floating},
      {"1.0", T::floating},
      {"5.", T::floating},
      {".5", T::floating},
      {"-.5", T::floating},
      {"+.5", T::floating},
      {"3.14159265358979323846", T::floating},
      {"1e21", T::floating},
      {"1e20", T::floating},
      {"1e-7", T::floating},
      {"0.000001", T::floating},
      {"123456789.5", T::floating},
      {"1234567.0", T::floating},
      {"-0.0", T::floating},
      {"123456789012345678901234567890", T::floating},
      {"1e400", T::string},
      {"6.02e+23", T::floating},
      {"1.5e-300", T::floating},
      {"100000.5", T::floating},
      {"1000000.5", T::floating},
      // Timestamps become Go's RFC 3339 form; near misses stay strings.
      {"2001-12-14", T::string},
      {"2001-12-14t21:59:43.10-05:00", T::string},
      {"2001-12-14 21:59:43.10", T::string},
      {"2001-12-14T21:59:43Z", T::string},
      {"2001-12-14T21:59:43+00:00", T::string},
      {"2001-1-2", T::string},
      {"2001-12-14 21:59:43.10 -5", T::string},
      {"2001-02-30", T::string},
      {"2024-02-29T01:02:03.123456789Z", T::string},
      {"12001-12-14", T::string},
      // Strings go-yaml would misread, or that carry indicators.
      {"190:20:30", T::string},
      {"1:20", T::string},
      {"<<", T::string},
      {"=", T::string},
      {"--", T::string},
      {"---a", T::string},
      {"...a", T::string},
      {"a:b", T::string},
      {"a#b", T::string},
      {"http://example.com/a?b=c#d", T::string},
      {"a b", T::string},
      {"-a", T::string},
      {"?a", T::string},
      {":a", T::string},
      {"a,b", T::string},
      {"a[b]", T::string},
      {"a{b}", T::string},
      {R"("x:")", T::string},
      // Quoted inputs.
      {R"("on")", T::string},
      {R"("yes")", T::string},
      {R"("010")", T::string},
      {R"("true")", T::string},
      {R"("")", T::string},
      {R"('')", T::string},
      {R"("1e3")", T::string},
      {R"("0x1F")", T::string},
      {R"("1.5")", T::string},
      {R"("null")", T::string},
      {R"("~")", T::string},
      {R"("2001-12-14")", T::string},
      {R"("12")", T::string},
      {R"("-")", T::string},
      {R"("- a")", T::string},
      {R"(" lead")", T::string},
      {R"("trail ")", T::string},
      {R"(" both ")", T::string},
      {R"("a: b")", T::string},
      {R"("a #b")", T::string},
      {R"("a\tb")", T::string},
      {R"("\ta")", T::string},
      {R"("é ü 日本語")", T::string},
      {R"("smile 😀")", T::string},
      {R"("a\u00a0b")", T::string},
      {R"("a\u2028b")", T::string},
      {R"("a\0b")", T::string},
      {R"("\e[1m")", T::string},
      // (kustomize itself rejects DEL, NEL and BOM characters in values: not in the table.)
      {R"("'")", T::string},
      {R"('"')", T::string},
      {R"("a'b")", T::string},
      {R"('it''s')", T::string},
      {R"("a\"b")", T::string},
      {R"("back\\slash")", T::string},
      {R"("#x")", T::string},
      {R"("&x")", T::string},
      {R"("*x")", T::string},
      {R"("!x")", T::string},
      {R"("|x")", T::string},
      {R"(">x")", T::string},
      {R"("%x")", T::string},
      {R"("@x")", T::string},
      {R"("`x")", T::string},
      {R"("? x")", T::string},
      {R"(": x")", T::string},
      {R"("[x")", T::string},
      {R"("]x")", T::string},
      {R"("{x")", T::string},
      {R"("}x")", T::string},
      {R"(",x")", T::string},
      {R"("x #")", T::string},
      {R"("key: value # c")", T::string},
      {R"("---")", T::string},
      {R"("...")", T::string},
      {R"("a\rb")", T::string},
      {R"("a  b")", T::string},
      // Multi-line strings: literal blocks, chomping, indentation indicators.
      {R"("a\nb")", T::string},
      {R"("a\nb\n")", T::string},
      {R"("a\nb\n\n")", T::string},
      {R"("\n")", T::string},
      {R"("\n\n")", T::string},
      {R"(" a\nb")", T::string},
      {R"("a \nb")", T::string},
      {R"("a\n b")", T::string},
      {R"("a\n\n b\n")", T::string},
      {R"("\ta\nb")", T::string},
      {R"("a\r\nb")", T::string},
      {R"("\na")", T::string},
      {R"("a\n ")", T::string},
      {R"("on\noff")", T::string},
      {R"("#a\nb")", T::string},
      {"|\n    line one\n    line two", T::string},
      {"|-\n    stripped\n", T::string},
      {"|+\n    kept\n\n", T::string},
      {">\n    folded\n    text\n\n    next paragraph\n      more indented\n    back\n", T::string},
      {">-\n    folded\n    stripped\n", T::string},
      {"|2\n      indented by indicator\n    base\n", T::string},
      {"plain\n    continued\n\n    with a blank line", T::string},
      {"'single\n    folded'", T::string},
      {"\"double\n    folded \\\n    joined\"", T::string},
      // Long strings: folded near 80 columns when they have spaces, never split otherwise.
      {repeat("word", 30, " "), T::string},
      {repeat("averyveryverylongword", 12, " "), T::string},
      {repeat("x", 200, ""), T::string},
      {repeat("ab", 50, "  "), T::string},
      {"\"" + repeat("on", 40, " ") + "\"", T::string},
      {"\"" + repeat("key: value", 15, " ") + "\"", T::string},
      {"\"" + repeat("tab\\tsep", 15, " ") + "\"", T::string},
      {"\"" + repeat("line", 30, " ") + "\\n" + repeat("next", 30, " ") + "\"", T::string},
      {"\"" + repeat("é", 100, " ") + "\"", T::string},
      {repeat("word", 500, " "), T::string},
      {"\" " + repeat("lead", 30, " ") + "\"", T::string},
      {"\"" + repeat("a", 79, "") + " b c\"", T::string},
      {"\"" + repeat("a", 78, "") + " b c\"", T::string},
      {"\"" + repeat("a", 77, "") + "  b c\"", T::string},
      // Collections and aliases.
      {"[1, two, \"3\", on, 1.5, null]", T::list},
      {"{b: 1, a: [x, y], c: {}}", T::map},
      {"[]", T::list},
      {"{}", T::map},
      {"\n    - - a\n      - b\n    - []\n    - {}\n    - k: v\n      j: w", T::list},
      {"&anchor anchored", T::string},
      {"!!str 10", T::string},
      {"!!float 10", T::floating},
      {"!!int \"10\"", T::integer},
  };
  return table;
}

// Keys written in an arbitrary order: the writer must sort them like go-yaml. (go-yaml's
// comparison is not transitive for some sets, e.g. "1a" < "2" < "10" < "1a"; kustomize's
// order for those depends on Go's random map order, so they are not in the table.)
const std::vector<std::string>& keys() {
  static const std::vector<std::string> table = {
      "b10", "b9", "b010", "b01", "b1", "a", "B", "_a", "1", "10", "2", "a1b", "a01b", "a001b", "é",
      "z", "Z", "a_b", "a-b", "a.b", "a/b", "ab", "aB", "a0", "a00", "x10y2", "x10y10", "x9y",
      // Digit runs past int64 wrap around as Go's int does.
      "k2", "k10000000000000000000", "k99999999999999999999", "k1"};
  return table;
}

std::string row_key(size_t i) {
  char name[32];
  std::snprintf(name, sizeof name, "r%03zu", i);
  return name;
}

std::string kustomize_input() {
  std::string configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strings\ndata:\n";
  std::string values =
      "apiVersion: example.com/v1\nkind: Values\nmetadata:\n  name: values\nspec:\n";
  for (size_t i = 0; i < rows().size(); ++i) {
    const Row& row = rows()[i];
    std::string line = "  " + row_key(i) + ":" + (row.yaml.empty() ? "" : " ") + row.yaml + "\n";
    if (row.type == T::string) {
      configmap += line;
    } else {
      values += line;
    }
  }
  values += "keys:\n";
  for (const std::string& key : keys())
    values += "  \"" + key + "\": 1\n";
  // Keys go-yaml writes as `? key` (longer than 128 characters, or with line breaks), and
  // keys that need quotes; kubectl's output of them must also read back.
  std::string long_key(130, 'k');
  std::string words = repeat("word", 30, " ");
  values += "odd:\n  \"" + long_key + "\": 1\n  \"" + words + "\": x\n  \"a\\nb\": 2\n" +
            "  \"a: b\": 3\n  \"on\": 4\n  \"\": 5\n  \" lead\": 6\n  \"\\u00e9\": 7\n" +
            "  \"\\U0001F600\": 8\n  \"\\u2192\": 9\n  x: {\"" + long_key + "\": [1, 2]}\n" +
            "  y: {\"" + long_key + "\": {a: 1}}\n  z: {\"a\\nb\\n\": [1]}\n" +
            "  v: {\"a\\nb\": {}}\n  w: [\"" + long_key + "\"]\n";
  return configmap + "---\n" + values;
}

// The lines of `text` that belong to the two-space-indented key `key` (its line and every
// following line indented deeper or empty).
std::string key_block(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (inside) {
      if (line.empty() || line.starts_with("   ") || line.starts_with("  - ")) {
        block += line + "\n";
        continue;
      }
      break;
    }
    if (line.starts_with("  " + key + ":")) {
      inside = true;
      block = line + "\n";
    }
  }
  return block;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `kubectl kustomize dir`; empty (and a test failure) when it fails.
std::string run_kubectl(const fs::path& dir) {
  fs::path out = dir / "out.yaml";
  std::string command = "kubectl kustomize " + (dir / "k").string() + " > " + out.string() +
                        " 2> " + (dir / "err.txt").string();
  if (std::system(command.c_str()) != 0) {
    ADD_FAILURE() << "kubectl kustomize failed: " << read_file(dir / "err.txt");
    return {};
  }
  return read_file(out);
}

// Found by merge_fuzz: summing the digits of a long run overflowed int64 (undefined
// behaviour). Go wraps around, so 10^19 sorts before 2 (checked with kubectl above).
TEST(YamlWriteKeyOrder, DigitRunsPastInt64WrapAroundAsInGo) {
  auto doc = parse_yaml("k2: a\nk99999999999999999999: b\nk10000000000000000000: c\nk1: d\n", "t");
  ASSERT_TRUE(doc.has_value()) << doc.error().message();
  EXPECT_EQ(to_yaml(*doc), "k1: d\nk10000000000000000000: c\nk2: a\nk99999999999999999999: b\n");
}

class YamlScalarTable : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/plumb-yaml-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    m_dir = pattern;
    fs::create_directories(m_dir / "k");
    std::ofstream(m_dir / "k" / "kustomization.yaml") << "resources:\n- objects.yaml\n";
    std::ofstream(m_dir / "k" / "objects.yaml") << kustomize_input();
  }
  void TearDown() override { fs::remove_all(m_dir); }
  fs::path m_dir;
};

TEST_F(YamlScalarTable, ReaderResolvesEachRowToTheExpectedType) {
  auto docs = parse_yaml_stream(kustomize_input(), "objects.yaml");
  ASSERT_TRUE(docs.has_value()) << docs.error().message();
  ASSERT_EQ(docs->size(), 2u);
  for (size_t i = 0; i < rows().size(); ++i) {
    const Row& row = rows()[i];
    const Node* value = row.type == T::string ? (*docs)[0].at_path({"data", row_key(i)})
                                              : (*docs)[1].at_path({"spec", row_key(i)});
    ASSERT_NE(value, nullptr) << row_key(i) << ": " << row.yaml;
    EXPECT_EQ(value->type(), row.type) << row_key(i) << ": " << row.yaml;
  }
}

TEST_F(YamlScalarTable, WriterMatchesKubectlKustomizeRowByRow) {
  PLUMB_REQUIRE(test_support::have_tool("kubectl"),
                "kubectl is not installed; cannot compare with kustomize");
  std::string want = run_kubectl(m_dir);
  ASSERT_FALSE(want.empty());
  auto docs = parse_yaml_stream(kustomize_input(), "objects.yaml");
  ASSERT_TRUE(docs.has_value()) << docs.error().message();
  // kustomize prints the ConfigMap before the custom kind, as the input has them.
  std::string got = to_yaml_stream(*docs);
  for (size_t i = 0; i < rows().size(); ++i) {
    std::string key = row_key(i);
    std::string expected = key_block(want, key);
    ASSERT_FALSE(expected.empty()) << key << " missing from kubectl output";
    EXPECT_EQ(key_block(got, key), expected) << key << ": input " << rows()[i].yaml;
  }
  EXPECT_EQ(got, want);
  // And kubectl's own output reads back and prints unchanged.
  auto again = parse_yaml_stream(want, "kubectl-output.yaml");
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(to_yaml_stream(*again), want);
}

// sigs.k8s.io/yaml (go-yaml v2), as Flux re-reads a substituted object and Helm reads values:
// YAML 1.1 booleans, timestamps kept as written; everything else as kustomize reads it.
TEST(YamlPlainScalarsV2, Yaml11BooleansAndTimestampsAsWritten) {
  struct V2Row {
    const char* text;
    const char* json_v3;
    const char* json_v2;
  };
  const V2Row rows[] = {
      {"yes", R"("yes")", "true"},
      {"Yes", R"("Yes")", "true"},
      {"ON", R"("ON")", "true"},
      {"y", R"("y")", "true"},
      {"no", R"("no")", "false"},
      {"Off", R"("Off")", "false"},
      {"N", R"("N")", "false"},
      {"yES", R"("yES")", R"("yES")"},
      {"true", "true", "true"},
      {"1.10", "1.1", "1.1"},
      {"010", "8", "8"},
      {"~", "null", "null"},
      {"'yes'", R"("yes")", R"("yes")"},
      {"2001-12-14", R"("2001-12-14T00:00:00Z")", R"("2001-12-14")"},
  };
  for (const V2Row& row : rows) {
    std::string text = std::string("v: ") + row.text;
    auto v3 = parse_yaml(text, "t");
    auto v2 = parse_yaml(text, "t", DuplicateKeys::error, PlainScalars::go_yaml_v2);
    ASSERT_TRUE(v3 && v2) << row.text;
    EXPECT_EQ(to_json(*v3->find("v")), row.json_v3) << row.text;
    EXPECT_EQ(to_json(*v2->find("v")), row.json_v2) << row.text;
  }
}

}  // namespace
}  // namespace plumb
