// What decoding does to a valid custom resource: schema defaults set, fields the schema does
// not declare pruned (without fieldValidation=Strict), fields under
// x-kubernetes-preserve-unknown-fields kept; and a CRD's new schema replaces its old one.
#include <gtest/gtest.h>

#include "core/yaml.hpp"
#include "localcluster/api_fixture.hpp"
#include "localcluster/reject_crd_cases.hpp"

namespace plumb::localcluster {
namespace {

class CrdSchemas : public ::testing::Test, protected ApiFixture {
 protected:
  void SetUp() override {
    m_crds = m_registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions");
    ASSERT_TRUE(m_api->create(*m_crds, "", parse_yaml(k_widget_crd, "crd").value(), {}));
    m_widgets = m_registry.find("example.com", "v1", "widgets");
    ASSERT_TRUE(m_widgets);
  }

  ApiResult<Node> create(std::string_view yaml) {
    return m_api->create(*m_widgets, "default", parse_yaml(yaml, "widget").value(), {});
  }

  ResourcePtr m_crds;
  ResourcePtr m_widgets;
};

TEST_F(CrdSchemas, DefaultsPrunesAndKeepsWhatTheSchemaPreserves) {
  auto created = create(R"(
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec:
  size: 2
  colour: red
  extra: {anything: [1, 2]}
status: {phase: Ready}
)");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->string_at({"spec", "mode"}), "fast");   // default
  EXPECT_EQ(created->at_path({"spec", "colour"}), nullptr);  // pruned
  EXPECT_NE(created->at_path({"spec", "extra", "anything"}), nullptr);
  EXPECT_EQ(created->at_path({"spec", "size"})->as_int(), 2);
  EXPECT_FALSE(created->string_at({"metadata", "uid"}).empty());
}

TEST_F(CrdSchemas, AnUpdatedCrdJudgesWithItsNewSchema) {
  ASSERT_FALSE(create("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {}}"));
  // The same CRD without `required`: the old schema's rule is gone.
  std::string open(k_widget_crd);
  open.replace(open.find("        type: object\n        properties:"),
               std::string("        type: object\n        properties:").size(),
               "        type: object\n        x-kubernetes-preserve-unknown-fields: true\n"
               "        properties:");
  size_t required = open.find("            required: [size]\n");
  open.erase(required, std::string("            required: [size]\n").size());
  ASSERT_TRUE(
      m_api->update(*m_crds, "", "widgets.example.com", parse_yaml(open, "crd").value(), {}));
  auto created =
      create("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}, spec: {}}");
  EXPECT_TRUE(created) << created.error().message;
}

}  // namespace
}  // namespace plumb::localcluster
