#include <gtest/gtest.h>

#include "core/json.hpp"
#include "merge/merge.hpp"

namespace plumb {
namespace {

Node json(std::string_view text) {
  auto parsed = parse_json(text, "test");
  EXPECT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message();
  return parsed ? *parsed : Node();
}

struct PatchCase {
  std::string_view name;
  std::string_view original;
  std::string_view patch;
  std::string_view expected;  // a document, or the error message
  bool error = false;
};

void PrintTo(const PatchCase& c, std::ostream* os) {
  *os << c.name;
}

class JsonPatch : public testing::TestWithParam<PatchCase> {};

TEST_P(JsonPatch, Applies) {
  const PatchCase& c = GetParam();
  auto result = json_patch(json(c.original), json(c.patch));
  if (c.error) {
    ASSERT_FALSE(result.has_value()) << c.name << ": " << to_json(*result);
    EXPECT_EQ(result.error().message(), c.expected) << c.name;
    return;
  }
  ASSERT_TRUE(result.has_value()) << c.name << ": " << result.error().message();
  EXPECT_EQ(to_json(*result), to_json(json(c.expected))) << c.name;
}

// Mostly the examples of RFC 6902 appendix A, plus Kubernetes-style paths.
INSTANTIATE_TEST_SUITE_P(
    Rfc6902, JsonPatch,
    testing::Values(
        PatchCase{"add_member", R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])",
                  R"({"foo":"bar","baz":"qux"})"},
        PatchCase{"add_array_element", R"({"foo":["bar","baz"]})",
                  R"([{"op":"add","path":"/foo/1","value":"qux"}])",
                  R"({"foo":["bar","qux","baz"]})"},
        PatchCase{"add_to_end", R"({"foo":[1]})", R"([{"op":"add","path":"/foo/-","value":2}])",
                  R"({"foo":[1,2]})"},
        PatchCase{"add_replaces_existing", R"({"foo":1})",
                  R"([{"op":"add","path":"/foo","value":{"a":null}}])", R"({"foo":{"a":null}})"},
        PatchCase{"add_whole_document", R"({"foo":1})", R"([{"op":"add","path":"","value":[1]}])",
                  "[1]"},
        PatchCase{"remove_member", R"({"baz":"qux","foo":"bar"})",
                  R"([{"op":"remove","path":"/baz"}])", R"({"foo":"bar"})"},
        PatchCase{"remove_element", R"({"foo":["bar","qux","baz"]})",
                  R"([{"op":"remove","path":"/foo/1"}])", R"({"foo":["bar","baz"]})"},
        PatchCase{"replace", R"({"baz":"qux","foo":"bar"})",
                  R"([{"op":"replace","path":"/baz","value":"boo"}])",
                  R"({"baz":"boo","foo":"bar"})"},
        PatchCase{"move", R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
                  R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])",
                  R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})"},
        PatchCase{"move_element", R"({"foo":["all","grass","cows","eat"]})",
                  R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])",
                  R"({"foo":["all","cows","eat","grass"]})"},
        PatchCase{"copy", R"({"a":{"b":1}})", R"([{"op":"copy","from":"/a","path":"/c"}])",
                  R"({"a":{"b":1},"c":{"b":1}})"},
        PatchCase{
            "test_passes", R"({"baz":"qux","foo":["a",2,"c"]})",
            R"([{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}])",
            R"({"baz":"qux","foo":["a",2,"c"]})"},
        PatchCase{"escapes", R"({"a/b":{"m~n":1}})",
                  R"([{"op":"replace","path":"/a~1b/m~0n","value":2}])", R"({"a/b":{"m~n":2}})"},
        PatchCase{
            "kubernetes_label_with_slash", R"({"metadata":{"labels":{}}})",
            R"([{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}])",
            R"({"metadata":{"labels":{"app.kubernetes.io/name":"web"}}})"},
        PatchCase{"operations_apply_in_order", R"({"spec":{"replicas":1}})",
                  R"([{"op":"replace","path":"/spec/replicas","value":2},
                      {"op":"test","path":"/spec/replicas","value":2}])",
                  R"({"spec":{"replicas":2}})"},
        PatchCase{"test_fails", R"({"baz":"qux"})",
                  R"([{"op":"test","path":"/baz","value":"bar"}])",
                  "json patch: operation 0 (test /baz): test failed: the value differs", true},
        PatchCase{"add_to_missing_parent", R"({"foo":"bar"})",
                  R"([{"op":"add","path":"/a/b","value":1}])",
                  "json patch: operation 0 (add /a/b): path not found", true},
        PatchCase{"remove_missing", R"({"foo":"bar"})",
                  R"([{"op":"add","path":"/x","value":1},{"op":"remove","path":"/nope"}])",
                  "json patch: operation 1 (remove /nope): path not found", true},
        PatchCase{"replace_missing", R"({})", R"([{"op":"replace","path":"/a","value":1}])",
                  "json patch: operation 0 (replace /a): path not found", true},
        PatchCase{"index_out_of_range", R"({"a":[1]})", R"([{"op":"add","path":"/a/2","value":1}])",
                  "json patch: operation 0 (add /a/2): index 2 is out of range (the list has 1 "
                  "items)",
                  true},
        PatchCase{"leading_zero_index", R"({"a":[1,2]})", R"([{"op":"remove","path":"/a/01"}])",
                  "json patch: operation 0 (remove /a/01): \"01\" is not a list index", true},
        PatchCase{"dash_only_for_add", R"({"a":[1]})", R"([{"op":"remove","path":"/a/-"}])",
                  "json patch: operation 0 (remove /a/-): \"-\" is not a list index", true},
        PatchCase{"move_into_child", R"({"a":{"b":{}}})",
                  R"([{"op":"move","from":"/a","path":"/a/b/c"}])",
                  "json patch: operation 0 (move /a/b/c): cannot move a value into itself", true},
        PatchCase{"bad_escape", R"({})", R"([{"op":"add","path":"/a~2","value":1}])",
                  "json patch: operation 0 (add /a~2): path \"/a~2\": '~' must be followed by 0 "
                  "or 1",
                  true},
        PatchCase{"unknown_op", R"({})", R"([{"op":"merge","path":"/a"}])",
                  "json patch: operation 0 (merge /a): unknown op \"merge\"", true},
        PatchCase{"missing_value", R"({})", R"([{"op":"add","path":"/a"}])",
                  "json patch: operation 0 (add /a): missing \"value\"", true},
        PatchCase{"path_without_slash", R"({})", R"([{"op":"add","path":"a","value":1}])",
                  "json patch: operation 0 (add a): path \"a\" must start with '/'", true},
        PatchCase{"not_a_list", R"({})", R"({"op":"add"})",
                  "json patch: expected a list of operations", true}),
    [](const testing::TestParamInfo<PatchCase>& p) { return std::string(p.param.name); });

TEST(JsonPatchTest, FailureLeavesOriginalUnchanged) {
  Node original = json(R"({"a":[1,2]})");
  auto result = json_patch(original, json(R"([{"op":"remove","path":"/a/0"},
                                              {"op":"test","path":"/a/0","value":1}])"));
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(to_json(original), R"({"a":[1,2]})");
}

class MergePatch : public testing::TestWithParam<PatchCase> {};

TEST_P(MergePatch, Applies) {
  const PatchCase& c = GetParam();
  EXPECT_EQ(to_json(merge_patch(json(c.original), json(c.patch))), to_json(json(c.expected)))
      << c.name;
}

// The examples of RFC 7386 appendix A.
INSTANTIATE_TEST_SUITE_P(
    Rfc7386, MergePatch,
    testing::Values(PatchCase{"a", R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
                    PatchCase{"b", R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
                    PatchCase{"c", R"({"a":"b"})", R"({"a":null})", R"({})"},
                    PatchCase{"d", R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
                    PatchCase{"e", R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
                    PatchCase{"f", R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
                    PatchCase{"g", R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})",
                              R"({"a":{"b":"d"}})"},
                    PatchCase{"h", R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
                    PatchCase{"i", R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
                    PatchCase{"j", R"({"a":"b"})", R"(["c"])", R"(["c"])"},
                    PatchCase{"k", R"({"a":"foo"})", "null", "null"},
                    PatchCase{"l", R"({"a":"foo"})", R"("bar")", R"("bar")"},
                    PatchCase{"m", R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
                    PatchCase{"n", R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
                    PatchCase{"o", R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"}),
    [](const testing::TestParamInfo<PatchCase>& p) { return std::string(p.param.name); });

// create_merge_patch gives the patch that merge_patch turns original into modified with.
TEST(CreateMergePatch, GivesWhatChangedAndRoundTrips) {
  auto patch = [](std::string_view a, std::string_view b) {
    return to_json(create_merge_patch(json(a), json(b)));
  };
  EXPECT_EQ(patch(R"({"a":1,"b":{"c":2,"d":3}})", R"({"a":1,"b":{"c":2,"d":3}})"), "{}");
  EXPECT_EQ(patch(R"({"a":1,"b":{"c":2,"d":3}})", R"({"a":2,"b":{"c":2}})"),
            R"({"a":2,"b":{"d":null}})");
  EXPECT_EQ(patch(R"({"l":[1,2],"x":{"y":1}})", R"({"l":[1],"x":"s","n":{"m":[]}})"),
            R"({"l":[1],"x":"s","n":{"m":[]}})");
  EXPECT_EQ(patch(R"({"r":6})", R"({"r":6.0})"), "{}");  // the same number
  for (auto [a, b] : std::initializer_list<std::pair<std::string_view, std::string_view>>{
           {R"({"a":{"b":{"c":[1,{"d":2}]}},"e":true})", R"({"a":{"b":{"c":[1,{"d":3}]}}})"},
           {R"({})", R"({"a":{"b":{}}})"},
           {R"({"spec":{"paused":true},"status":{"x":1}})", R"({"spec":{},"status":{"x":2}})"}}) {
    EXPECT_EQ(to_json(merge_patch(json(a), create_merge_patch(json(a), json(b)))), to_json(json(b)))
        << a << " -> " << b;
  }
}

}  // namespace
}  // namespace plumb
