// The reader's structure: documents, block and flow collections, comments, anchors, merge
// keys, tags and line endings.
#include <gtest/gtest.h>

#include <string>

#include "core/yaml.hpp"

namespace plumb {
namespace {

Node parse_one(std::string_view text) {
  auto result = parse_yaml(text, "test.yaml");
  EXPECT_TRUE(result.has_value()) << result.error().message();
  return result ? *result : Node();
}

TEST(YamlRead, StreamSkipsEmptyDocumentsAndKeepsOrder) {
  auto docs = parse_yaml_stream(
      "# leading comment\n---\na: 1\n---\n# only a comment\n---\n---\nb: 2\n...\n---\nc: 3\n",
      "s.yaml");
  ASSERT_TRUE(docs.has_value()) << docs.error().message();
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ((*docs)[0].find("a")->as_int(), 1);
  EXPECT_EQ((*docs)[1].find("b")->as_int(), 2);
  EXPECT_EQ((*docs)[2].find("c")->as_int(), 3);
  auto empty = parse_yaml_stream("", "e.yaml");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  EXPECT_TRUE(parse_one("# nothing\n").is_null());
}

TEST(YamlRead, BlockCollectionsIndentlessAndCompact) {
  Node n = parse_one(
      "a:\n- x\n- y: 1\n  z: 2\n- - p\n  - q\nb:\n    deep:\n        deeper: v\nc: last\n");
  ASSERT_TRUE(n.is_map());
  const Node* a = n.find("a");
  ASSERT_TRUE(a && a->is_list());
  ASSERT_EQ(a->size(), 3u);
  EXPECT_EQ(a->items()[0].as_string(), "x");
  EXPECT_EQ(a->items()[1].find("z")->as_int(), 2);
  EXPECT_EQ(a->items()[2].items()[1].as_string(), "q");
  EXPECT_EQ(n.string_at({"b", "deep", "deeper"}), "v");
  EXPECT_EQ(n.string_at({"c"}), "last");
  // Insertion order is kept.
  EXPECT_EQ(n.entries()[0].key.as_string(), "a");
  EXPECT_EQ(n.entries()[2].key.as_string(), "c");
}

TEST(YamlRead, CommentsAndEmptyValues) {
  Node n = parse_one("a: 1 # one\n# between\nb:   # empty\nc: x#y\nd: 'q' # c\ne:\n");
  EXPECT_EQ(n.find("a")->as_int(), 1);
  EXPECT_TRUE(n.find("b")->is_null());
  EXPECT_EQ(n.find("c")->as_string(), "x#y");
  EXPECT_EQ(n.find("d")->as_string(), "q");
  EXPECT_TRUE(n.find("e")->is_null());
}

TEST(YamlRead, FlowCollections) {
  Node n = parse_one(
      "a: [1, \"two\", {b: c, d: [e, f]}, [], {}]\nj: {\"k\":1,'l': 2}\nm: [x: 1]\n"
      "multi: [a,\n  b, # comment\n  c]\nurl: [http://x.y/z]\n");
  const Node* a = n.find("a");
  ASSERT_TRUE(a && a->is_list());
  ASSERT_EQ(a->size(), 5u);
  EXPECT_EQ(a->items()[0].as_int(), 1);
  EXPECT_EQ(a->items()[1].as_string(), "two");
  EXPECT_EQ(a->items()[2].string_at({"b"}), "c");
  EXPECT_EQ(a->items()[2].find("d")->items()[1].as_string(), "f");
  EXPECT_TRUE(a->items()[3].is_list());
  EXPECT_TRUE(a->items()[4].is_map());
  EXPECT_EQ(n.find("j")->find("k")->as_int(), 1);
  EXPECT_EQ(n.find("j")->find("l")->as_int(), 2);
  EXPECT_EQ(n.find("m")->items()[0].find("x")->as_int(), 1);
  EXPECT_EQ(n.find("multi")->items()[2].as_string(), "c");
  EXPECT_EQ(n.find("url")->items()[0].as_string(), "http://x.y/z");
}

TEST(YamlRead, AnchorsAliasesAndMergeKeys) {
  Node n = parse_one(
      "base: &base {a: 1, b: 2}\nlist: &l [x, y]\nuse:\n  <<: *base\n  b: 3\ncopy: *l\n"
      "many:\n  <<: [*base, {c: 4}]\n");
  EXPECT_EQ(n.find("use")->find("a")->as_int(), 1);
  EXPECT_EQ(n.find("use")->find("b")->as_int(), 3);  // explicit keys win
  EXPECT_EQ(n.find("use")->find("<<"), nullptr);
  EXPECT_EQ(*n.find("copy"), *n.find("list"));
  EXPECT_EQ(n.find("many")->find("c")->as_int(), 4);
  // A quoted "<<" is an ordinary key.
  EXPECT_EQ(parse_one("\"<<\": 1\n").find("<<")->as_int(), 1);
}

TEST(YamlRead, DuplicateKeysAreRefusedOrLastWinsOnRequest) {
  // kustomize refuses duplicates in resources but reads kustomization files (for example
  // configmaps__TestGeneratorRepeatsInKustomization) with the last value winning.
  const char* text = "a: 1\nlist:\n- x\nb: 2\nlist:\n- y\n- z\n";
  auto strict = parse_yaml(text, "k.yaml");
  ASSERT_FALSE(strict.has_value());
  EXPECT_NE(strict.error().message().find("k.yaml:5:1: duplicate mapping key \"list\""),
            std::string::npos)
      << strict.error().message();
  auto lenient = parse_yaml(text, "k.yaml", DuplicateKeys::last_wins);
  ASSERT_TRUE(lenient.has_value()) << lenient.error().message();
  ASSERT_EQ(lenient->size(), 3u);
  EXPECT_EQ(lenient->entries()[1].key.as_string(), "list");  // at the first key's place
  EXPECT_EQ(lenient->find("list")->size(), 2u);
  EXPECT_EQ(lenient->find("list")->items()[0].as_string(), "y");
}

TEST(YamlRead, AcceptsWhatKustomizeAccepts) {
  // Each checked with kubectl kustomize v1.32.
  Node n = parse_one("a:\tvalue\nb: |#c\n  x\nc: [1, 2, ]\nd: {e:f}\ng: [?x]\nh: [&y ,z]\n");
  EXPECT_EQ(n.find("a")->as_string(), "value");
  EXPECT_EQ(n.find("b")->as_string(), "x\n");
  EXPECT_EQ(n.find("c")->size(), 2u);
  EXPECT_TRUE(n.find("d")->find("e:f")->is_null());
  EXPECT_TRUE(n.find("g")->items()[0].find("x")->is_null());
  EXPECT_TRUE(n.find("h")->items()[0].is_null());
  EXPECT_EQ(n.find("h")->items()[1].as_string(), "z");
}

TEST(YamlRead, TagsOverrideResolution) {
  Node n = parse_one("a: !!str 10\nb: !!float 1\nc: !!int \"7\"\nd: !custom 5\ne: !!str\n");
  EXPECT_EQ(n.find("a")->as_string(), "10");
  EXPECT_TRUE(n.find("b")->is_float());
  EXPECT_EQ(n.find("c")->as_int(), 7);
  EXPECT_EQ(n.find("d")->as_string(), "5");
  EXPECT_TRUE(n.find("e")->is_string());
}

TEST(YamlRead, BlockScalars) {
  Node n = parse_one(
      "lit: |\n  a\n   b\n\n  c\n\n\nstrip: |-\n  x\n\nkeep: |+\n  y\n\n"
      "fold: >\n  one\n  two\n\n  three\nind: |1\n   two spaces\nlast: end\n");
  EXPECT_EQ(n.find("lit")->as_string(), "a\n b\n\nc\n");
  EXPECT_EQ(n.find("strip")->as_string(), "x");
  EXPECT_EQ(n.find("keep")->as_string(), "y\n\n");
  EXPECT_EQ(n.find("fold")->as_string(), "one two\nthree\n");
  EXPECT_EQ(n.find("ind")->as_string(), "  two spaces\n");
  EXPECT_EQ(n.find("last")->as_string(), "end");
}

TEST(YamlRead, QuotedScalarsFoldAndEscape) {
  Node n = parse_one(
      "d: \"a\\tb\\u00e9\\x41\\U0001F600\"\ns: 'it''s'\nfold: \"one\n  two\n\n  three\"\n"
      "sfold: 'x\n  y'\njoin: \"ab\\\n   cd\"\n");
  EXPECT_EQ(n.find("d")->as_string(),
            "a\tb\xC3\xA9"
            "A\xF0\x9F\x98\x80");
  EXPECT_EQ(n.find("s")->as_string(), "it's");
  EXPECT_EQ(n.find("fold")->as_string(), "one two\nthree");
  EXPECT_EQ(n.find("sfold")->as_string(), "x y");
  EXPECT_EQ(n.find("join")->as_string(), "abcd");
}

TEST(YamlRead, CrLfLineEndingsAndBom) {
  Node n = parse_one(
      "\xEF\xBB\xBF"
      "a: 1\r\nb:\r\n  - x\r\n  - y\r\nc: |\r\n  t\r\n");
  EXPECT_EQ(n.find("a")->as_int(), 1);
  EXPECT_EQ(n.find("b")->items()[1].as_string(), "y");
  EXPECT_EQ(n.find("c")->as_string(), "t\n");
}

TEST(YamlRead, TopLevelScalarsAndLists) {
  EXPECT_EQ(parse_one("--- plain text\n").as_string(), "plain text");
  EXPECT_EQ(parse_one("- 1\n- 2\n").size(), 2u);
  EXPECT_EQ(parse_one("--- |\n  lit\n").as_string(), "lit\n");
}

TEST(YamlWrite, SortsKeysAndLaysOutLikeKustomize) {
  Node n = parse_one("b: 1\na:\n  list: [1, {y: 2, x: 1}, [p, q]]\n  empty: {}\n  none: []\n");
  EXPECT_EQ(
      to_yaml(n),
      "a:\n  empty: {}\n  list:\n  - 1\n  - x: 1\n    \"y\": 2\n  - - p\n    - q\n  none: []\n"
      "b: 1\n");
  std::vector<Node> docs = {parse_one("a: 1\n"), parse_one("b: 2\n")};
  EXPECT_EQ(to_yaml_stream(docs), "a: 1\n---\nb: 2\n");
}

// Found by build_fuzz: a generator literal `<<=x` made a `<<` key that was printed plain and
// read back as a merge key. A value `<<` stays plain, as kustomize prints it.
TEST(YamlWrite, AMergeKeyLookalikeKeyIsQuoted) {
  Node n = parse_one("\"<<\": '[1]'\nb: <<\n");
  ASSERT_NE(n.find("<<"), nullptr);
  std::string text = to_yaml(n);
  EXPECT_EQ(text, "\"<<\": '[1]'\nb: <<\n");
  EXPECT_EQ(parse_one(text), n);
}

}  // namespace
}  // namespace plumb
