#include "merge/schema.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "core/json.hpp"

namespace plumb {
namespace {

Node json(std::string_view text) {
  auto parsed = parse_json(text, "test");
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message();
  return parsed ? *parsed : Node();
}

// Walks "a.b.c" from a kind's root type; list and map fields step into their element type.
std::optional<SchemaField> walk(const Schema& schema, std::string_view api_version,
                                std::string_view kind, std::string_view path) {
  auto info = schema.kind(api_version, kind);
  if (!info) return std::nullopt;
  SchemaType type = info->type;
  std::optional<SchemaField> field;
  while (!path.empty()) {
    size_t dot = path.find('.');
    field = type.field(path.substr(0, dot));
    if (!field) return std::nullopt;
    type = field->type();
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return field;
}

TEST(Schema, KindsHaveRootTypeAndScope) {
  const Schema& s = Schema::builtin();
  struct Case {
    std::string_view api_version, kind, type;
    Scope scope;
  };
  const Case cases[] = {
      {"apps/v1", "Deployment", "apps/v1.Deployment", Scope::namespaced},
      {"v1", "Pod", "core/v1.Pod", Scope::namespaced},
      {"v1", "Namespace", "core/v1.Namespace", Scope::cluster},
      {"rbac.authorization.k8s.io/v1", "ClusterRole", "rbac/v1.ClusterRole", Scope::cluster},
      {"networking.k8s.io/v1", "Ingress", "networking/v1.Ingress", Scope::namespaced},
  };
  for (const Case& c : cases) {
    auto info = s.kind(c.api_version, c.kind);
    ASSERT_TRUE(info) << c.kind;
    EXPECT_EQ(info->type.name(), c.type);
    EXPECT_EQ(info->scope, c.scope) << c.kind;
  }
  EXPECT_FALSE(s.kind("apps/v1", "Nope"));
  EXPECT_FALSE(s.kind("v2", "Pod"));
}

struct ListCase {
  std::string_view api_version, kind, path;
  StrategicList::Strategy strategy;
  std::string_view merge_key;
  bool retain_keys;
  ListType list_type;
  std::vector<std::string_view> map_keys;
};

void PrintTo(const ListCase& c, std::ostream* os) {
  *os << c.kind << " " << c.path;
}

class SchemaLists : public testing::TestWithParam<ListCase> {};

TEST_P(SchemaLists, StrategicAndApplyFacts) {
  const ListCase& c = GetParam();
  auto field = walk(Schema::builtin(), c.api_version, c.kind, c.path);
  ASSERT_TRUE(field) << c.path;
  EXPECT_EQ(field->kind(), ValueKind::list) << c.path;
  StrategicList smp = field->strategic_list();
  EXPECT_EQ(smp.strategy, c.strategy) << c.path;
  EXPECT_EQ(smp.merge_key, c.merge_key) << c.path;
  EXPECT_EQ(smp.retain_keys, c.retain_keys) << c.path;
  EXPECT_EQ(field->list_type(), c.list_type) << c.path;
  ASSERT_EQ(field->list_map_key_count(), c.map_keys.size()) << c.path;
  for (size_t i = 0; i < c.map_keys.size(); ++i)
    EXPECT_EQ(field->list_map_key(i), c.map_keys[i]);
}

using S = StrategicList::Strategy;
INSTANTIATE_TEST_SUITE_P(
    Builtin, SchemaLists,
    testing::Values(
        ListCase{"apps/v1",
                 "Deployment",
                 "spec.template.spec.containers",
                 S::merge_by_key,
                 "name",
                 false,
                 ListType::map,
                 {"name"}},
        ListCase{"apps/v1",
                 "Deployment",
                 "spec.template.spec.containers.ports",
                 S::merge_by_key,
                 "containerPort",
                 false,
                 ListType::map,
                 {"containerPort", "protocol"}},
        ListCase{"apps/v1",
                 "Deployment",
                 "spec.template.spec.containers.env",
                 S::merge_by_key,
                 "name",
                 false,
                 ListType::map,
                 {"name"}},
        ListCase{"apps/v1",
                 "Deployment",
                 "spec.template.spec.volumes",
                 S::merge_by_key,
                 "name",
                 true,
                 ListType::map,
                 {"name"}},
        ListCase{"apps/v1",
                 "Deployment",
                 "spec.template.spec.tolerations",
                 S::replace,
                 "",
                 false,
                 ListType::atomic,
                 {}},
        ListCase{"apps/v1",
                 "Deployment",
                 "spec.template.spec.containers.args",
                 S::replace,
                 "",
                 false,
                 ListType::atomic,
                 {}},
        ListCase{
            "v1", "Pod", "metadata.finalizers", S::merge_primitives, "", false, ListType::set, {}},
        ListCase{"v1",
                 "Service",
                 "spec.ports",
                 S::merge_by_key,
                 "port",
                 false,
                 ListType::map,
                 {"port", "protocol"}},
        ListCase{"v1",
                 "Pod",
                 "metadata.ownerReferences",
                 S::merge_by_key,
                 "uid",
                 false,
                 ListType::map,
                 {"uid"}}));

TEST(Schema, FieldsKnowTheirKindAndType) {
  const Schema& s = Schema::builtin();
  auto volumes = walk(s, "v1", "Pod", "spec.volumes");
  ASSERT_TRUE(volumes);
  EXPECT_EQ(volumes->type().name(), "core/v1.Volume");
  // Volume inlines VolumeSource: its fields are the volume's own.
  EXPECT_TRUE(volumes->type().field("configMap"));
  EXPECT_TRUE(volumes->type().field("name"));
  auto strategy = walk(s, "apps/v1", "Deployment", "spec.strategy");
  ASSERT_TRUE(strategy);
  EXPECT_EQ(strategy->kind(), ValueKind::object);
  EXPECT_TRUE(strategy->retain_keys());
  auto labels = walk(s, "apps/v1", "Deployment", "metadata.labels");
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->kind(), ValueKind::map);
  EXPECT_FALSE(labels->type().known());
  auto replicas = walk(s, "apps/v1", "Deployment", "spec.replicas");
  ASSERT_TRUE(replicas);
  EXPECT_EQ(replicas->kind(), ValueKind::scalar);
  auto selector = walk(s, "policy/v1", "PodDisruptionBudget", "spec.selector");
  ASSERT_TRUE(selector);
  EXPECT_TRUE(selector->patch_replace());
  auto node_selector = walk(s, "v1", "Pod", "spec.nodeSelector");
  ASSERT_TRUE(node_selector);
  EXPECT_EQ(node_selector->map_type(), MapType::atomic);
  // TypeMeta is inlined into every kind.
  EXPECT_TRUE(walk(s, "v1", "ConfigMap", "apiVersion"));
  EXPECT_FALSE(walk(s, "v1", "ConfigMap", "spec"));
  EXPECT_FALSE(SchemaType().field("x"));
}

TEST(Schema, BuiltinFieldsKnowTheScalarAndGoTypeTheyDecodeInto) {
  const Schema& s = Schema::builtin();
  struct Case {
    std::string_view api_version, kind, path;
    ValueKind value_kind;
    ScalarType scalar;
    std::string_view go_type;
  };
  const Case cases[] = {
      {"apps/v1", "Deployment", "spec.replicas", ValueKind::scalar, ScalarType::int32, "int32"},
      {"apps/v1", "Deployment", "spec.paused", ValueKind::scalar, ScalarType::boolean, "bool"},
      {"apps/v1", "Deployment", "spec.template.spec.containers", ValueKind::list,
       ScalarType::unknown, "[]v1.Container"},
      // A string enum is a scalar string, named as Go names it.
      {"apps/v1", "Deployment", "spec.template.spec.containers.imagePullPolicy", ValueKind::scalar,
       ScalarType::string, "v1.PullPolicy"},
      {"apps/v1", "Deployment", "spec.template.spec.containers.ports.containerPort",
       ValueKind::scalar, ScalarType::int32, "int32"},
      {"apps/v1", "Deployment", "spec.template.spec.containers.args", ValueKind::list,
       ScalarType::string, "[]string"},
      // ResourceList is a map of quantities.
      {"apps/v1", "Deployment", "spec.template.spec.containers.resources.limits", ValueKind::map,
       ScalarType::quantity, "v1.ResourceList"},
      {"v1", "Service", "spec.ports.targetPort", ValueKind::scalar, ScalarType::int_or_string,
       "intstr.IntOrString"},
      {"v1", "ConfigMap", "data", ValueKind::map, ScalarType::string, "map[string]string"},
      {"v1", "Secret", "data", ValueKind::map, ScalarType::bytes, "map[string][]uint8"},
      {"v1", "Pod", "metadata.creationTimestamp", ValueKind::scalar, ScalarType::time, "v1.Time"},
      {"v1", "Pod", "spec.securityContext.supplementalGroups", ValueKind::list, ScalarType::int64,
       "[]int64"},
      {"apps/v1", "Deployment", "spec.template", ValueKind::object, ScalarType::unknown,
       "v1.PodTemplateSpec"},
  };
  for (const Case& c : cases) {
    auto field = walk(s, c.api_version, c.kind, c.path);
    ASSERT_TRUE(field) << c.path;
    EXPECT_EQ(field->kind(), c.value_kind) << c.path;
    EXPECT_EQ(field->scalar(), c.scalar) << c.path;
    EXPECT_EQ(field->go_type(), c.go_type) << c.path;
  }
}

TEST(Schema, FieldsAreSortedForIteration) {
  SchemaType container = Schema::builtin().type("core/v1.Container");
  ASSERT_TRUE(container.known());
  ASSERT_GT(container.field_count(), 20u);
  for (size_t i = 1; i < container.field_count(); ++i)
    EXPECT_LT(container.field_at(i - 1).name(), container.field_at(i).name());
  EXPECT_FALSE(Schema::builtin().type("core/v1.Nope").known());
}

TEST(Schema, WithoutBuiltinsKnowsNothing) {
  Schema s(BuiltinTypes::exclude);
  EXPECT_FALSE(s.kind("apps/v1", "Deployment"));
  EXPECT_FALSE(s.type("core/v1.Container").known());
}

TEST(Schema, OpenApiV2DefinitionsAddKindsAndMergeKeys) {
  Schema s;
  Node doc = json(R"({
    "definitions": {
      "com.example.v1.MyApp": {
        "type": "object",
        "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "MyApp"}],
        "properties": {
          "apiVersion": {"type": "string"},
          "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
          "spec": {"$ref": "#/definitions/com.example.v1.MyAppSpec"}
        }
      },
      "com.example.v1.MyAppSpec": {
        "type": "object",
        "properties": {
          "workers": {
            "type": "array",
            "items": {"$ref": "#/definitions/com.example.v1.Worker"},
            "x-kubernetes-patch-merge-key": "id",
            "x-kubernetes-patch-strategy": "merge,retainKeys",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["id", "zone"]
          },
          "template": {"$ref": "#/definitions/io.k8s.api.core.v1.PodTemplateSpec"},
          "port": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString"},
          "settings": {"type": "object", "additionalProperties": {"type": "string"}},
          "inner": {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"},
                    "x-kubernetes-patch-strategy": "merge"}}}
        }
      },
      "com.example.v1.Worker": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "next": {"$ref": "#/definitions/com.example.v1.Worker"}}
      },
      "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"type": "string", "format": "int-or-string"}
    }
  })");
  auto added = s.add_openapi_v2(doc, "schema.json");
  ASSERT_TRUE(added) << added.error().message();
  auto workers = walk(s, "example.com/v1", "MyApp", "spec.workers");
  ASSERT_TRUE(workers);
  EXPECT_EQ(workers->kind(), ValueKind::list);
  EXPECT_EQ(workers->strategic_list().strategy, S::merge_by_key);
  EXPECT_EQ(workers->strategic_list().merge_key, "id");
  EXPECT_TRUE(workers->strategic_list().retain_keys);
  EXPECT_EQ(workers->list_type(), ListType::map);
  ASSERT_EQ(workers->list_map_key_count(), 2u);
  EXPECT_EQ(workers->list_map_key(1), "zone");
  EXPECT_EQ(workers->type().name(), "com.example.v1.Worker");
  // A recursive reference resolves to the same type.
  auto next = walk(s, "example.com/v1", "MyApp", "spec.workers.next");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->type(), workers->type());
  // References to definitions the document lacks fall back to built-in types.
  auto containers = walk(s, "example.com/v1", "MyApp", "spec.template.spec.containers");
  ASSERT_TRUE(containers);
  EXPECT_EQ(containers->strategic_list().merge_key, "name");
  auto labels = walk(s, "example.com/v1", "MyApp", "metadata.labels");
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->kind(), ValueKind::map);
  auto port = walk(s, "example.com/v1", "MyApp", "spec.port");
  ASSERT_TRUE(port);
  EXPECT_EQ(port->kind(), ValueKind::scalar);
  auto settings = walk(s, "example.com/v1", "MyApp", "spec.settings");
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->kind(), ValueKind::map);
  auto tags = walk(s, "example.com/v1", "MyApp", "spec.inner.tags");
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->strategic_list().strategy, S::merge_primitives);
  // The built-in types are still there, and the original builtin schema is untouched.
  EXPECT_TRUE(s.kind("apps/v1", "Deployment"));
  EXPECT_FALSE(Schema::builtin().kind("example.com/v1", "MyApp"));
}

TEST(Schema, OpenApiV2WithoutDefinitionsIsAnError) {
  Schema s;
  auto added = s.add_openapi_v2(json(R"({"swagger": "2.0"})"), "openapi.yaml");
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().message(),
            "openapi.yaml: no `definitions` map (expected an OpenAPI v2 document)");
}

TEST(Schema, CrdVersionsBecomeKinds) {
  Schema s;
  Node crd = json(R"({
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
      "group": "example.com",
      "scope": "Cluster",
      "names": {"kind": "Widget", "plural": "widgets"},
      "versions": [
        {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
          "type": "object",
          "properties": {
            "spec": {"type": "object", "properties": {
              "ports": {"type": "array", "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["port", "protocol"],
                        "items": {"type": "object", "properties": {"port": {"type": "integer"},
                                  "protocol": {"type": "string"}}}},
              "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
              "selector": {"type": "object", "x-kubernetes-map-type": "atomic",
                           "properties": {"app": {"type": "string"}}}
            }}
          }}}},
        {"name": "v2", "served": true, "storage": false, "schema": {"openAPIV3Schema": {"type": "object"}}}
      ]
    }
  })");
  auto added = s.add_crd(crd);
  ASSERT_TRUE(added) << added.error().message();
  auto v1 = s.kind("example.com/v1", "Widget");
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->scope, Scope::cluster);
  auto ports = walk(s, "example.com/v1", "Widget", "spec.ports");
  ASSERT_TRUE(ports);
  EXPECT_EQ(ports->list_type(), ListType::map);
  ASSERT_EQ(ports->list_map_key_count(), 2u);
  EXPECT_EQ(ports->list_map_key(0), "port");
  EXPECT_TRUE(ports->type().field("protocol"));
  auto config = walk(s, "example.com/v1", "Widget", "spec.config");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->kind(), ValueKind::any);
  auto selector = walk(s, "example.com/v1", "Widget", "spec.selector");
  ASSERT_TRUE(selector);
  EXPECT_EQ(selector->struct_type(), MapType::atomic);
  // Every custom resource has ObjectMeta, whatever its schema says.
  auto owners = walk(s, "example.com/v2", "Widget", "metadata.ownerReferences");
  ASSERT_TRUE(owners);
  EXPECT_EQ(owners->strategic_list().merge_key, "uid");
  EXPECT_FALSE(s.kind("example.com/v3", "Widget"));
}

TEST(Schema, CrdWithoutKindIsAnError) {
  Schema s;
  auto added = s.add_crd(json(R"({"metadata": {"name": "x.example.com"}, "spec": {}})"));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().message(),
            "CustomResourceDefinition/x.example.com: spec.names.kind is missing");
}

TEST(Schema, HandlesKeepACustomSchemaAlive) {
  std::optional<SchemaType> widget;
  {
    auto schema = std::make_unique<Schema>();
    ASSERT_TRUE(schema->add_crd(json(R"({"metadata": {"name": "w.x.io"}, "spec": {"group": "x.io",
        "names": {"kind": "W"}, "versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
        "type": "object", "properties": {"spec": {"type": "object", "properties": {
        "size": {"type": "integer"}}}}}}}]}})")));
    widget = schema->kind("x.io/v1", "W")->type;
  }  // the Schema is gone; the handle still reads its types (ASan checks this)
  auto spec = widget->field("spec");
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->type().field("size")->kind(), ValueKind::scalar);
  EXPECT_EQ(widget->name(), "x.io/v1.W");
}

TEST(Schema, CopiesAreIndependent) {
  Schema a;
  Schema b = a;
  ASSERT_TRUE(b.add_crd(json(R"({"metadata": {"name": "w.x.io"}, "spec": {"group": "x.io",
      "names": {"kind": "W"}, "versions": [{"name": "v1"}]}})")));
  EXPECT_TRUE(b.kind("x.io/v1", "W"));
  EXPECT_FALSE(a.kind("x.io/v1", "W"));
}

}  // namespace
}  // namespace plumb
