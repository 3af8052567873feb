#include <gtest/gtest.h>

#include "core/json.hpp"
#include "merge/merge.hpp"
#include "merge/smp_cases.hpp"

namespace plumb {
namespace {

using testing_cases::k_smp_cases;
using testing_cases::SmpCase;

Node json(std::string_view text) {
  auto parsed = parse_json(text, "test");
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  return parsed ? *parsed : Node();
}

SchemaType root_type(const SmpCase& c) {
  auto kind = Schema::builtin().kind(c.api_version, c.kind);
  return kind ? kind->type : SchemaType();
}

void check(const SmpCase& c, const MergeOptions& options, std::string_view expected) {
  auto merged = strategic_merge(json(c.original), json(c.patch), root_type(c), options);
  if (expected == "ERROR") {
    EXPECT_FALSE(merged.has_value()) << c.name << ": " << to_json(*merged);
    return;
  }
  ASSERT_TRUE(merged.has_value()) << c.name << ": " << merged.error().message();
  // Node equality compares lists in order, so this checks the order of merged lists too.
  EXPECT_EQ(*merged, json(expected))
      << c.name << "\n  got:  " << to_json(*merged) << "\n  want: " << expected;
}

class StrategicMerge : public testing::TestWithParam<SmpCase> {};

TEST_P(StrategicMerge, Kubernetes) {
  check(GetParam(), MergeOptions::kubernetes(), GetParam().kubernetes);
}

TEST_P(StrategicMerge, Kustomize) {
  check(GetParam(), MergeOptions::kustomize(), GetParam().kustomize);
}

INSTANTIATE_TEST_SUITE_P(Cases, StrategicMerge, testing::ValuesIn(k_smp_cases),
                         [](const testing::TestParamInfo<SmpCase>& p) {
                           return std::string(p.param.name);
                         });

TEST(StrategicMergeErrors, NameThePath) {
  SchemaType deployment = Schema::builtin().kind("apps/v1", "Deployment")->type;
  struct Case {
    std::string_view patch;
    std::string_view message;
  };
  const Case cases[] = {
      {R"({"spec":{"template":{"spec":{"containers":[{"name":"a"},{"image":"x"}]}}}})",
       "strategic merge patch: spec.template.spec.containers[1]: item lacks the merge key "
       "\"name\""},
      {R"({"spec":{"template":{"spec":{"containers":["a"]}}}})",
       "strategic merge patch: spec.template.spec.containers: list items are not all of one type "
       "(maps and scalars mixed)"},
      {R"({"spec":{"template":{"spec":{"containers":[{"name":"z","$patch":"delete"},{"image":"x"}]}}}})",
       "strategic merge patch: spec.template.spec.containers[1]: item lacks the merge key "
       "\"name\""},
      {R"({"spec":{"template":{"$patch":"bogus"}}})",
       "strategic merge patch: spec.template: invalid $patch directive \"bogus\" (expected "
       "replace or delete)"},
      {R"({"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}})",
       "strategic merge patch: spec.template.spec.containers[0]: $patch: delete item lacks the "
       "merge key \"name\""},
      {R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":{}}}})",
       "strategic merge patch: spec.strategy: field \"rollingUpdate\" is not listed in "
       "$retainKeys"},
  };
  Node original = json(R"({"spec":{"template":{"spec":{"containers":[{"name":"a"}]}}}})");
  for (const Case& c : cases) {
    auto merged = strategic_merge(original, json(c.patch), deployment);
    ASSERT_FALSE(merged.has_value()) << c.patch;
    EXPECT_EQ(merged.error().message(), c.message);
  }
}

TEST(StrategicMerge, KustomizeNamesAScalarWhereAMergeKeyIsExpected) {
  SchemaType deployment = Schema::builtin().kind("apps/v1", "Deployment")->type;
  auto merged = strategic_merge(json(R"({"spec":{"template":{"spec":{"containers":[]}}}})"),
                                json(R"({"spec":{"template":{"spec":{"containers":["a"]}}}})"),
                                deployment, MergeOptions::kustomize());
  ASSERT_FALSE(merged.has_value());
  EXPECT_EQ(merged.error().message(),
            "strategic merge patch: spec.template.spec.containers[0]: expected a map with the "
            "merge key \"name\", got a scalar");
}

TEST(StrategicMerge, KustomizeRefusesAMapOverAScalar) {
  SchemaType deployment = Schema::builtin().kind("apps/v1", "Deployment")->type;
  Node original = json(R"({"spec":{"replicas":1}})");
  Node patch = json(R"({"spec":{"replicas":{"a":1}}})");
  auto kustomize = strategic_merge(original, patch, deployment, MergeOptions::kustomize());
  ASSERT_FALSE(kustomize.has_value());
  EXPECT_EQ(kustomize.error().message(),
            "strategic merge patch: spec.replicas: cannot merge a map into a scalar");
  auto kubernetes = strategic_merge(original, patch, deployment);
  ASSERT_TRUE(kubernetes.has_value());
  EXPECT_EQ(*kubernetes, patch);
}

TEST(StrategicMerge, TopLevelDeleteRemovesTheObject) {
  Node original = json(R"({"kind":"ConfigMap","data":{"a":"b"}})");
  Node patch = json(R"({"$patch":"delete"})");
  auto kubernetes = strategic_merge(original, patch, SchemaType());
  ASSERT_TRUE(kubernetes.has_value());
  EXPECT_EQ(*kubernetes, Node::map());
  auto kustomize = strategic_merge(original, patch, SchemaType(), MergeOptions::kustomize());
  ASSERT_TRUE(kustomize.has_value());
  EXPECT_TRUE(kustomize->is_null());
}

TEST(StrategicMerge, OriginalIsNotChangedAndUntouchedSubtreesAreShared) {
  SchemaType deployment = Schema::builtin().kind("apps/v1", "Deployment")->type;
  Node original =
      json(R"({"metadata":{"labels":{"a":"b"}},"spec":{"template":{"spec":{"containers":[
        {"name":"a","image":"a"}]}}}})");
  Node before = original;
  std::string before_text = to_json(original);
  auto merged = strategic_merge(
      original, json(R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"b"}]}}}})"),
      deployment);
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(to_json(original), before_text);
  EXPECT_TRUE(merged->find("metadata")->shares_with(*original.find("metadata")));
  EXPECT_EQ(merged->at_path({"spec", "template", "spec"})
                ->find("containers")
                ->items()[0]
                .string_at({"image"}),
            "b");
}

TEST(StrategicMerge, FindsTheTypeFromApiVersionAndKind) {
  Node original = json(R"({"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a"}]}})");
  Node patch = json(R"({"spec":{"containers":[{"name":"b"}]}})");
  auto merged = strategic_merge(original, patch, Schema::builtin());
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->at_path({"spec", "containers"})->size(), 2u);
  // An unknown kind replaces the list.
  original.set("kind", Node::string("Pod2"));
  merged = strategic_merge(original, patch, Schema::builtin());
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(merged->at_path({"spec", "containers"})->size(), 1u);
}

// Kubernetes runs these in Go map order (nondeterministic); we always delete after merging.
TEST(StrategicMerge, DeleteFromPrimitiveListAfterMerge) {
  SchemaType pod = Schema::builtin().kind("v1", "Pod")->type;
  struct Case {
    std::string_view original, patch, expected;
  };
  const Case cases[] = {
      {R"({"metadata":{"finalizers":["a","b"]}})",
       R"({"metadata":{"finalizers":["a"],"$deleteFromPrimitiveList/finalizers":["a"]}})",
       R"({"metadata":{"finalizers":["b"]}})"},
      {R"({"metadata":{}})",
       R"({"metadata":{"finalizers":["a","b"],"$deleteFromPrimitiveList/finalizers":["a"]}})",
       R"({"metadata":{"finalizers":["b"]}})"},
      {R"({"metadata":{"finalizers":["a","b","c"]}})",
       R"({"metadata":{"$setElementOrder/finalizers":["c","b"],"$deleteFromPrimitiveList/finalizers":["a"]}})",
       R"({"metadata":{"finalizers":["c","b"]}})"},
  };
  for (const Case& c : cases) {
    auto merged = strategic_merge(json(c.original), json(c.patch), pod);
    ASSERT_TRUE(merged.has_value()) << merged.error().message();
    EXPECT_EQ(*merged, json(c.expected)) << c.patch << " gave " << to_json(*merged);
  }
}

TEST(StrategicMerge, MapOfStructsMergesEachValueWithItsType) {
  // ConfigMap data is map[string]string: values replace; a nested map merges by key.
  SchemaType cm = Schema::builtin().kind("v1", "ConfigMap")->type;
  auto merged = strategic_merge(json(R"({"data":{"a":"1","b":"2"}})"),
                                json(R"({"data":{"b":"3","c":"4","a":null}})"), cm);
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(*merged, json(R"({"data":{"b":"3","c":"4"}})"));
}

TEST(StrategicMerge, CustomSchemaFromCrdMergesByItsKey) {
  Schema schema;
  ASSERT_TRUE(schema.add_crd(json(R"({"metadata":{"name":"ws.x.io"},"spec":{"group":"x.io",
    "names":{"kind":"W"},"versions":[{"name":"v1","schema":{"openAPIV3Schema":{"type":"object",
    "properties":{"spec":{"type":"object","properties":{"items":{"type":"array",
    "x-kubernetes-patch-strategy":"merge","x-kubernetes-patch-merge-key":"id",
    "items":{"type":"object","properties":{"id":{"type":"string"}}}}}}}}}}]}})")));
  auto merged = strategic_merge(json(R"({"spec":{"items":[{"id":"a","v":1},{"id":"b"}]}})"),
                                json(R"({"spec":{"items":[{"id":"a","w":2}]}})"),
                                schema.kind("x.io/v1", "W")->type);
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(*merged, json(R"({"spec":{"items":[{"id":"a","v":1,"w":2},{"id":"b"}]}})"));
}

// kustomize with `openapi: {path: schema.json}` uses that document alone: its kinds merge by
// their x-kubernetes-patch-* facts and built-in kinds lose theirs (checked with kubectl
// kustomize: containers are then replaced).
TEST(StrategicMerge, KustomizeOpenApiFieldReplacesTheBuiltinSchema) {
  Schema schema(BuiltinTypes::exclude);
  ASSERT_TRUE(schema.add_openapi_v2(json(R"({"definitions": {
    "com.example.v1.Foo": {"type": "object", "x-kubernetes-group-version-kind":
      [{"group": "example.com", "version": "v1", "kind": "Foo"}],
      "properties": {"spec": {"$ref": "#/definitions/com.example.v1.FooSpec"}}},
    "com.example.v1.FooSpec": {"type": "object", "properties": {"items": {"type": "array",
      "items": {"$ref": "#/definitions/com.example.v1.Item"},
      "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}}},
    "com.example.v1.Item": {"type": "object", "properties": {"name": {"type": "string"}}}}})"),
                                    "schema.json"));
  auto foo = strategic_merge(json(R"({"spec":{"items":[{"name":"a","v":1},{"name":"b","v":2}]}})"),
                             json(R"({"spec":{"items":[{"name":"b","v":3}]}})"),
                             schema.kind("example.com/v1", "Foo")->type, MergeOptions::kustomize());
  ASSERT_TRUE(foo.has_value()) << foo.error().message();
  EXPECT_EQ(*foo, json(R"({"spec":{"items":[{"name":"b","v":3},{"name":"a","v":1}]}})"));
  EXPECT_FALSE(schema.kind("apps/v1", "Deployment"));
  auto deployment = strategic_merge(
      json(R"({"spec":{"template":{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}}})"),
      json(R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b2"}]}}}})"),
      SchemaType(), MergeOptions::kustomize());
  ASSERT_TRUE(deployment.has_value());
  EXPECT_EQ(*deployment,
            json(R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b2"}]}}}})"));
}

}  // namespace
}  // namespace plumb
