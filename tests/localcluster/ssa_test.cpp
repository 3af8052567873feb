// Server-side apply through the ApiServer verbs: ownership, conflicts, removal of fields a
// manager stopped applying, list-map keys, and the no-op re-apply.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "localcluster/api_fixture.hpp"
#include "localcluster/api_server.hpp"
#include "localcluster/fieldset.hpp"
#include "localcluster/objects.hpp"

namespace plumb::localcluster {
namespace {

class SsaTest : public ::testing::Test, protected ApiFixture {
 protected:
  void SetUp() override { m_deployments = m_registry.find("apps", "v1", "deployments"); }

  ApiResult<Node> apply(std::string_view json, std::string manager, bool force = false) {
    WriteOptions options;
    options.field_manager = std::move(manager);
    options.force = force;
    return m_api->patch(*m_deployments, "default", "web", "application/apply-patch+yaml", json,
                        options);
  }

  ResourcePtr m_deployments;
};

std::string deployment(int replicas, std::string_view labels, std::string_view containers) {
  return R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web")" +
         std::string(labels) + R"(},"spec":{"replicas":)" + std::to_string(replicas) +
         R"(,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":)" +
         std::string(containers) + "}}}}";
}

constexpr std::string_view k_one = R"([{"name":"a","image":"a:1"}])";
constexpr std::string_view k_labels = R"(,"labels":{"team":"x"})";

TEST_F(SsaTest, CreatesAndRecordsTheApplyManager) {
  auto created = apply(deployment(2, k_labels, k_one), "alice");
  ASSERT_TRUE(created) << created.error().message;
  const Node* managed = created->at_path({"metadata", "managedFields"});
  ASSERT_NE(managed, nullptr);
  ASSERT_EQ(managed->size(), 1u);
  EXPECT_EQ(managed->items()[0].string_at({"manager"}), "alice");
  EXPECT_EQ(managed->items()[0].string_at({"operation"}), "Apply");
  const Node* fields = managed->items()[0].find("fieldsV1");
  ASSERT_NE(fields, nullptr);
  EXPECT_NE(fields->at_path({"f:spec", "f:replicas"}), nullptr);
  EXPECT_NE(fields->at_path({"f:metadata", "f:labels", "f:team"}), nullptr);
  // Containers are a list map keyed by name.
  EXPECT_NE(fields->at_path({"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"a\"}",
                             "f:image"}),
            nullptr);
}

TEST_F(SsaTest, ReapplyingTheSameConfigChangesNothing) {
  auto first = apply(deployment(2, k_labels, k_one), "alice");
  ASSERT_TRUE(first);
  auto second = apply(deployment(2, k_labels, k_one), "alice");
  ASSERT_TRUE(second);
  EXPECT_EQ(object_rv(*first), object_rv(*second));
}

TEST_F(SsaTest, ConflictNamesManagerAndFieldUnlessForced) {
  ASSERT_TRUE(apply(deployment(2, k_labels, k_one), "alice"));
  auto conflict = apply(deployment(3, k_labels, k_one), "bob");
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code, 409);
  EXPECT_EQ(conflict.error().message,
            "Apply failed with 1 conflict: conflict with \"alice\" using apps/v1: .spec.replicas");
  ASSERT_EQ(conflict.error().causes.size(), 1u);
  EXPECT_EQ(conflict.error().causes[0].field, ".spec.replicas");
  auto forced = apply(deployment(3, k_labels, k_one), "bob", true);
  ASSERT_TRUE(forced) << forced.error().message;
  EXPECT_EQ(forced->at_path({"spec", "replicas"})->as_int(), 3);
  // alice lost replicas; she keeps the rest.
  for (const Node& entry : forced->at_path({"metadata", "managedFields"})->items()) {
    if (entry.string_at({"manager"}) != "alice") continue;
    EXPECT_EQ(entry.at_path({"fieldsV1", "f:spec", "f:replicas"}), nullptr);
    EXPECT_NE(entry.at_path({"fieldsV1", "f:spec", "f:selector"}), nullptr);
  }
}

TEST_F(SsaTest, SameValueIsSharedNotAConflict) {
  ASSERT_TRUE(apply(deployment(2, k_labels, k_one), "alice"));
  auto shared = apply(deployment(2, "", k_one), "bob");
  ASSERT_TRUE(shared) << shared.error().message;
}

TEST_F(SsaTest, FieldsAManagerStopsApplyingAreRemoved) {
  ASSERT_TRUE(
      apply(deployment(2, k_labels, R"([{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}])"),
            "alice"));
  auto after = apply(deployment(2, "", k_one), "alice");
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->at_path({"metadata", "labels", "team"}), nullptr);
  const Node* containers = after->at_path({"spec", "template", "spec", "containers"});
  ASSERT_NE(containers, nullptr);
  ASSERT_EQ(containers->size(), 1u);
  EXPECT_EQ(containers->items()[0].string_at({"name"}), "a");
}

// A manager that applies an empty configuration gives up what it owned, and owns nothing: its
// next apply must not prune the rest of the object (it did: the empty apply owned the root).
TEST_F(SsaTest, AnEmptyApplyOwnsNothingAndTheNextApplyKeepsTheObject) {
  ASSERT_TRUE(apply(deployment(2, k_labels, k_one), "alice"));
  constexpr std::string_view pin =
      R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","annotations":{"p/to":"1"}}})";
  ASSERT_TRUE(apply(pin, "bob"));
  auto emptied =
      apply(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}})", "bob");
  ASSERT_TRUE(emptied) << emptied.error().message;
  EXPECT_EQ(emptied->at_path({"metadata", "annotations", "p/to"}), nullptr);
  for (const Node& entry : emptied->at_path({"metadata", "managedFields"})->items())
    EXPECT_NE(entry.string_at({"manager"}), "bob") << "an empty field set is not kept";
  auto again = apply(pin, "bob");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->string_at({"metadata", "annotations", "p/to"}), "1");
  ASSERT_NE(again->at_path({"spec", "replicas"}), nullptr) << "alice's fields were pruned";
  EXPECT_EQ(again->at_path({"spec", "replicas"})->as_int(), 2);
  EXPECT_EQ(again->string_at({"metadata", "labels", "team"}), "x");
}

TEST_F(SsaTest, FieldsStayWhileAnotherManagerOwnsThem) {
  ASSERT_TRUE(apply(deployment(2, k_labels, k_one), "alice"));
  ASSERT_TRUE(apply(deployment(2, k_labels, k_one), "bob"));
  auto after = apply(deployment(2, "", k_one), "alice");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->string_at({"metadata", "labels", "team"}), "x");
  auto gone = apply(deployment(2, "", k_one), "bob");
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->at_path({"metadata", "labels", "team"}), nullptr);
}

TEST_F(SsaTest, ListMapItemsMergeByKeyAcrossManagers) {
  ASSERT_TRUE(apply(deployment(2, "", k_one), "alice"));
  auto merged = apply(deployment(2, "", R"([{"name":"b","image":"b:1"}])"), "bob");
  ASSERT_TRUE(merged) << merged.error().message;
  const Node* containers = merged->at_path({"spec", "template", "spec", "containers"});
  ASSERT_EQ(containers->size(), 2u);
  EXPECT_EQ(containers->items()[0].string_at({"name"}), "a");
  EXPECT_EQ(containers->items()[1].string_at({"name"}), "b");
}

TEST_F(SsaTest, UpdateManagersOwnWhatTheyChanged) {
  ASSERT_TRUE(apply(deployment(2, "", k_one), "alice"));
  ResourcePtr deployments = m_deployments;
  WriteOptions options;
  options.field_manager = "kubectl-scale";
  ASSERT_TRUE(m_api->patch(*deployments, "default", "web", "application/merge-patch+json",
                           R"({"spec":{"replicas":5}})", options));
  auto conflict = apply(deployment(2, "", k_one), "alice");
  ASSERT_FALSE(conflict);
  EXPECT_NE(conflict.error().message.find("conflict with \"kubectl-scale\""), std::string::npos);
}

TEST_F(SsaTest, AcceptsYamlApplyBodies) {
  auto created = apply(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n"
      "  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: "
      "web}\n"
      "    spec:\n      containers:\n      - name: a\n        image: a:1\n",
      "yaml-client");
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->at_path({"spec", "replicas"})->as_int(), 4);
}

TEST(FieldSet, RoundTripsFieldsV1AndComputesDifferences) {
  Node fields =
      parse_json(R"({"f:a":{},"f:b":{"f:c":{}},"f:l":{"k:{\"name\":\"x\"}":{".":{},"f:v":{}}}})")
          .value();
  Node set = from_fields_v1(fields);
  EXPECT_EQ(to_fields_v1(set), fields);
  Node other = from_fields_v1(parse_json(R"({"f:b":{"f:c":{}}})").value());
  Node diff = fieldset_difference(set, other);
  EXPECT_EQ(diff.find("f:b"), nullptr);
  EXPECT_NE(diff.find("f:a"), nullptr);
  std::vector<std::string> paths = fieldset_paths(diff);
  EXPECT_EQ(paths, (std::vector<std::string>{".a", ".l[name=\"x\"]", ".l[name=\"x\"].v"}));
}

}  // namespace
}  // namespace plumb::localcluster

namespace plumb::localcluster {
namespace {

// stringData is write-only, as in Kubernetes: merged into data (its values win) on apply and
// on update, never returned; the same apply again changes nothing.
TEST_F(SsaTest, SecretStringDataIsMergedIntoDataAndNeverStored) {
  ResourcePtr secrets = m_registry.find("", "v1", "secrets");
  WriteOptions options;
  options.field_manager = "alice";
  constexpr std::string_view k_secret =
      R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},)"
      R"("data":{"a":"b2xk","b":"Yg=="},"stringData":{"a":"new","c":"see"}})";
  auto first =
      m_api->patch(*secrets, "default", "s", "application/apply-patch+yaml", k_secret, options);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->find("stringData"), nullptr);
  EXPECT_EQ(first->string_at({"data", "a"}), "bmV3");  // "new": stringData wins
  EXPECT_EQ(first->string_at({"data", "b"}), "Yg==");
  EXPECT_EQ(first->string_at({"data", "c"}), "c2Vl");
  auto again =
      m_api->patch(*secrets, "default", "s", "application/apply-patch+yaml", k_secret, options);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->string_at({"metadata", "resourceVersion"}),
            first->string_at({"metadata", "resourceVersion"}));
}

}  // namespace
}  // namespace plumb::localcluster
