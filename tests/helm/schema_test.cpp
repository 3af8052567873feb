// values.schema.json validation: messages as helm v4.1.4 prints them for the same schema and
// values (probed with the real helm), and the keywords charts use.
#include "helm/schema.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace plumb::helm {
namespace {

Chart chart_with(std::string name, std::string schema) {
  Chart chart;
  chart.metadata.name = std::move(name);
  chart.schema = std::move(schema);
  chart.has_schema = true;
  return chart;
}

std::string check(const Chart& chart, std::string_view values_json) {
  auto values = parse_json(values_json);
  EXPECT_TRUE(values) << values_json;
  auto r = validate_values_schema(chart, *values);
  if (r) return "ok";
  // Helm's message ends with a newline; compared without it.
  std::string message = r.error().message();
  EXPECT_TRUE(message.ends_with("\n")) << message;
  if (message.ends_with("\n")) message.pop_back();
  return message;
}

constexpr std::string_view k_prefix =
    "values don't meet the specifications of the schema(s) in the following chart(s):\n";

TEST(Schema, HelmMessages) {
  Chart c = chart_with("empty", R"({"properties": {"age": {"type": "integer", "minimum": 0}}})");
  EXPECT_EQ(check(c, R"({"age": -5})"),
            std::string(k_prefix) + "empty:\n- at '/age': minimum: got -5, want 0");
  EXPECT_EQ(check(c, R"({"age": 5.0})"), "ok");
  EXPECT_EQ(check(c, R"({"age": "x"})"),
            std::string(k_prefix) + "empty:\n- at '/age': got string, want integer");
  Chart e = chart_with("external-dns", R"({"properties": {"policy": {"type": "string",
      "enum": ["sync", "upsert-only"]}}, "required": ["policy"]})");
  EXPECT_EQ(check(e, R"({"policy": null})"),
            std::string(k_prefix) + "external-dns:\n- at '/policy': got null, want string");
  EXPECT_EQ(check(e, R"({})"),
            std::string(k_prefix) + "external-dns:\n- at '': missing property 'policy'");
  EXPECT_EQ(check(e, R"({"policy": "sync"})"), "ok");
}

TEST(Schema, SubchartsValidateTheirTable) {
  Chart parent = chart_with("parent", "{}");
  parent.dependencies.push_back(
      chart_with("sub", R"({"properties": {"port": {"type": "integer"}}})"));
  EXPECT_EQ(check(parent, R"({"sub": {"port": "80"}})"),
            std::string(k_prefix) + "sub:\n- at '/port': got string, want integer");
  EXPECT_EQ(check(parent, R"({"sub": {"port": 80}})"), "ok");
}

TEST(Schema, Keywords) {
  struct Row {
    const char* schema;
    const char* values;
    bool ok;
  } rows[] = {
      {R"({"additionalProperties": false, "properties": {"a": {}}})", R"({"a": 1})", true},
      {R"({"additionalProperties": false, "properties": {"a": {}}})", R"({"b": 1})", false},
      {R"({"patternProperties": {"^x-": {"type": "string"}}})", R"({"x-a": 1})", false},
      {R"({"properties": {"l": {"type": "array", "items": {"type": "string"}}}})",
       R"({"l": ["a", 1]})", false},
      {R"({"properties": {"l": {"uniqueItems": true}}})", R"({"l": [1, 1.0]})", false},
      {R"({"properties": {"s": {"pattern": "^[a-z]+$"}}})", R"({"s": "abc"})", true},
      {R"({"properties": {"s": {"pattern": "^[a-z]+$"}}})", R"({"s": "aBc"})", false},
      {R"({"properties": {"s": {"maxLength": 2}}})", R"({"s": "éé"})", true},
      {R"({"properties": {"n": {"oneOf": [{"type": "integer"}, {"type": "number"}]}}})",
       R"({"n": 1})", false},
      {R"({"properties": {"n": {"anyOf": [{"type": "string"}, {"type": "null"}]}}})",
       R"({"n": null})", true},
      {R"({"definitions": {"p": {"type": "integer"}}, "properties": {"n": {"$ref": "#/definitions/p"}}})",
       R"({"n": "x"})", false},
      {R"({"if": {"properties": {"on": {"const": true}}}, "then": {"required": ["x"]}})",
       R"({"on": true})", false},
      {R"({"if": {"properties": {"on": {"const": true}}}, "then": {"required": ["x"]}})",
       R"({"on": false})", true},
      {R"({"properties": {"n": {"exclusiveMaximum": 3}}})", R"({"n": 3})", false},
      {R"({"properties": {"n": {"maximum": 3, "exclusiveMaximum": true}}})", R"({"n": 3})", false},
      {R"({"properties": {"n": {"not": {"type": "string"}}}})", R"({"n": 3})", true},
      {"false", "{}", false},
  };
  for (const Row& row : rows) {
    Chart c = chart_with("c", row.schema);
    EXPECT_EQ(check(c, row.values) == "ok", row.ok) << row.schema << " " << row.values;
  }
}

}  // namespace
}  // namespace plumb::helm
