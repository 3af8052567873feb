// Bad YAML gives an error naming source, line and column, never a crash, hang or stack
// overflow.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "core/yaml.hpp"

namespace plumb {
namespace {

struct BadCase {
  std::string name;
  std::string text;
  std::string where;  // "line:column" the error must point at
  std::string what;   // a word the message must contain
};

std::string nested(std::string_view open, std::string_view close, int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i)
    text += open;
  text += "x";
  for (int i = 0; i < depth; ++i)
    text += close;
  return text + "\n";
}

std::string block_mapping_nesting(int depth) {
  std::string text;
  for (int i = 0; i < depth; ++i)
    text += std::string(static_cast<size_t>(i), ' ') + "a:\n";
  return text;
}

std::string alias_bomb() {
  std::string text =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  std::string previous = "a";
  for (char name = 'b'; name <= 'i'; ++name) {
    text += std::string(1, name) + ": &" + name + " [";
    for (int i = 0; i < 9; ++i)
      text += (i ? ",*" : "*") + previous;
    text += "]\n";
    previous = std::string(1, name);
  }
  return text;
}

std::vector<BadCase> bad_cases() {
  return {
      {"unclosed double quote", "a: 1\nb: \"abc\nc: d\n", "2:4", "unclosed"},
      {"unclosed single quote", "a: 'abc\n", "1:4", "unclosed"},
      {"unclosed flow sequence", "a: [1, 2\nb: 3\n", "1:4", "unclosed"},
      {"unclosed flow mapping", "a: {b: 1\n", "1:4", "unclosed"},
      {"dedent to no parent", "a:\n  b: 1\n c: 2\n", "3:2", "indentation"},
      {"over-indented key", "a: \"x\"\n  b: 2\n", "2:3", "indentation"},
      {"key inside plain continuation", "a: 1\n  b: 2\n", "2:4", "mapping values"},
      {"tab indentation", "a:\n\tb: 1\n", "2:1", "tab"},
      {"tab indentation in a sequence", "a:\n  - 1\n\t- 2\n", "3:1", "tab"},
      {"duplicate key", "a: 1\nb: 2\na: 3\n", "3:1", "duplicate"},
      {"duplicate key in flow", "x: {a: 1, a: 2}\n", "1:11", "duplicate"},
      {"duplicate nested key", "a:\n  b: 1\n  c: 2\n  b: 3\n", "4:3", "duplicate"},
      {"alias bomb", alias_bomb(), "", "alias"},
      {"unknown alias", "a: *nope\n", "1:4", "unknown anchor"},
      {"10000 nested flow sequences", nested("[", "]", 10000), "1:1001", "nesting"},
      {"10000 nested flow mappings", nested("{a: ", "}", 10000), "1:4001", "nesting"},
      {"10000 nested block sequences", nested("- ", "", 10000), "1:2001", "nesting"},
      {"2000 nested block mappings", block_mapping_nesting(2000), "1001:1001", "nesting"},
      {"mapping value on a value", "a: b: c\n", "1:5", "mapping values"},
      {"sequence after a key on the same line", "a: - b\n", "1:4", "sequence"},
      {"key after a sequence", "- a\nb: c\n", "2:1", "sequence entry"},
      {"key without colon", "a: 1\nb\nc: 2\n", "2:1", "':'"},
      {"bad block indicator", "a: |0\n  x\n", "1:5", "indicator"},
      {"text after block header", "a: | x\n  y\n", "1:6", "block scalar"},
      {"bad escape", "a: \"\\q\"\n", "1:5", "escape"},
      {"bad unicode escape", "a: \"\\uZZZZ\"\n", "1:5", "escape"},
      {"reserved indicator", "a: @x\n", "1:4", "cannot start"},
      {"wrong tagged value", "a: !!int abc\n", "1:10", "!!int"},
      {"merge of a scalar", "a: &x 1\nb:\n  <<: *x\n", "", "<<"},
      {"content after a flow collection", "a: [1] x\n", "1:8", "unexpected"},
      {"missing comma in flow", "x: {a: 1 b: 2}\n", "1:11", "expected ','"},
      {"quoted key on two lines", "\"a\n b\": 1\n", "1:1", "one line"},
      {"document marker inside a quote", "a: \"x\n---\n\"\n", "1:4", "unclosed"},
      // Inputs kubectl kustomize refuses too (checked with kubectl v1.32).
      {"empty flow entry", "a: [1,, 2]\n", "1:7", "expected value"},
      {"empty flow key", "a: {: b}\n", "1:5", "expected key"},
      {"colon starting a flow value", "a: {b: :c}\n", "1:8", "cannot start"},
      {"tab after a sequence dash", "a:\n- \tx\n", "2:4", "tab"},
      {"text glued to a tag", "a: !foo\"x\" 1\n", "1:8", "tag"},
      {"empty key", "a: 1\n: 2\n", "2:1", "expected key"},
      {"empty key in a list item", "- : v\n", "1:3", "expected key"},
      {"text glued to an anchor", "a: &x|3\n", "1:6", "anchor"},
      {"tab after a dash at the end of a line", "- \t\n", "1:4", "tab"},
      {"invalid UTF-8 (Latin-1)", "a: 1\nb: caf\xe9\n", "2:7", "UTF-8"},
      {"truncated UTF-8", "a: \"\xe2\x82\"\n", "1:5", "UTF-8"},
      {"overlong UTF-8", "a: \xc0\xaf\n", "1:4", "UTF-8"},
      {"control character", "a: \"x\x01y\"\n", "1:6", "U+0001"},
      {"C1 control character", "a: x\xc2\x9by\n", "1:5", "U+009B"},
  };
}

TEST(YamlErrors, EachBadInputGivesAnErrorWithLineAndColumn) {
  for (const BadCase& c : bad_cases()) {
    auto start = std::chrono::steady_clock::now();
    auto result = parse_yaml_stream(c.text, "bad.yaml");
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 2.0) << c.name;
    ASSERT_FALSE(result.has_value()) << c.name << ": parsed without an error";
    const std::string& message = result.error().message();
    // "bad.yaml:LINE:COLUMN: what"
    ASSERT_TRUE(message.starts_with("bad.yaml:")) << c.name << ": " << message;
    size_t line_end = message.find(':', 9);
    size_t column_end = message.find(':', line_end + 1);
    ASSERT_NE(column_end, std::string::npos) << c.name << ": " << message;
    std::string line = message.substr(9, line_end - 9);
    std::string column = message.substr(line_end + 1, column_end - line_end - 1);
    EXPECT_FALSE(line.empty() || column.empty()) << c.name << ": " << message;
    EXPECT_EQ(line.find_first_not_of("0123456789"), std::string::npos) << c.name << ": " << message;
    EXPECT_EQ(column.find_first_not_of("0123456789"), std::string::npos)
        << c.name << ": " << message;
    if (!c.where.empty()) {
      EXPECT_EQ(line + ":" + column, c.where) << c.name << ": " << message;
    }
    EXPECT_NE(message.find(c.what), std::string::npos) << c.name << ": " << message;
  }
}

TEST(YamlErrors, OneDocumentParserRejectsAStream) {
  auto result = parse_yaml("a: 1\n---\nb: 2\n", "two.yaml");
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find("two.yaml"), std::string::npos);
}

// Found by merge_fuzz: a tag or anchor where a key belongs, at the very end of the input,
// made the reader look at the byte after the input. Each input is cut from a longer buffer
// whose next byte is a quote, so reading it changes the error.
TEST(YamlErrors, KeyPropertiesAtTheEndReadNothingBeyondTheInput) {
  for (std::string buffer : {"a: 1\n!\"", "a: 1\n&x\"", "a: 1\n!t &x\""}) {
    std::string_view input = std::string_view(buffer).substr(0, buffer.size() - 1);
    auto result = parse_yaml_stream(input, "f.yaml");
    ASSERT_FALSE(result.has_value()) << input;
    EXPECT_NE(result.error().message().find("could not find the ':'"), std::string::npos)
        << input << ": " << result.error().message();
  }
}

// Every prefix and many random corruptions of a realistic document either parse or fail
// with a positioned error; none crash (run under ASan in CI).
TEST(YamlErrors, TruncatedAndCorruptedInputsNeverCrash) {
  const std::string doc = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the name
  labels: {app: web, tier: "front"}
  annotations:
    note: |
      line one
        more
    folded: >-
      a
      b
spec:
  replicas: &x 3
  template:
    spec:
      containers:
      - name: web
        image: 'nginx:1.25'
        args: ["--port", 8080, *x]
        env: &env
        - name: A
          value: "a\tb"
      - name: side
        env: *env
        <<: {extra: true}
---
list:
- - a
  - b
- k: v
)";
  auto check = [](const std::string& text) {
    auto result = parse_yaml_stream(text, "f.yaml");
    if (!result) {
      const std::string& message = result.error().message();
      EXPECT_TRUE(message.starts_with("f.yaml:")) << message;
    } else {
      for (const Node& d : *result)
        (void)to_yaml(d);
    }
  };
  for (size_t i = 0; i <= doc.size(); ++i)
    check(doc.substr(0, i));
  std::mt19937 random(42);
  const std::string alphabet = " \t\n:-[]{},#&*!|>'\"%@`?\\x0";
  for (int round = 0; round < 3000; ++round) {
    std::string text = doc;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = random() % text.size();
      char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0:
          text[at] = c;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        default:
          text.erase(at, 1);
          break;
      }
    }
    check(text);
  }
}

}  // namespace
}  // namespace plumb
