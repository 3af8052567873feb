#include "sync/plan.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"
#include "kube/fake_transport.hpp"

namespace plumb::sync {
namespace {

std::unique_ptr<kube::Client> client_with_discovery() {
  auto fake = std::make_unique<kube::FakeTransport>();
  fake->routes["GET /api"] = {{200, R"({"kind":"APIVersions","versions":["v1"]})"}};
  fake->routes["GET /api/v1"] = {{200, R"({"groupVersion":"v1","resources":[
    {"name":"namespaces","namespaced":false,"kind":"Namespace"},
    {"name":"configmaps","namespaced":true,"kind":"ConfigMap"},
    {"name":"services","namespaced":true,"kind":"Service"}]})"}};
  fake->routes["GET /apis"] = {{200, R"({"groups":[{"name":"apps","versions":[
    {"groupVersion":"apps/v1"}]},{"name":"apiextensions.k8s.io","versions":[
    {"groupVersion":"apiextensions.k8s.io/v1"}]}]})"}};
  fake->routes["GET /apis/apps/v1"] = {{200, R"({"groupVersion":"apps/v1","resources":[
    {"name":"deployments","namespaced":true,"kind":"Deployment"}]})"}};
  fake->routes["GET /apis/apiextensions.k8s.io/v1"] = {{200, R"({"groupVersion":
    "apiextensions.k8s.io/v1","resources":[{"name":"customresourcedefinitions",
    "namespaced":false,"kind":"CustomResourceDefinition"}]})"}};
  kube::ClientOptions options;
  options.qps = 0;
  return std::make_unique<kube::Client>(kube::RestConfig{.server = "https://x"}, std::move(fake),
                                        options);
}

std::vector<Node> objects(std::initializer_list<const char*> texts) {
  std::vector<Node> out;
  for (const char* t : texts)
    out.push_back(parse_json(t).value());
  return out;
}

TEST(Plan, OrdersByStageAndKindAndFillsDefaultNamespace) {
  auto client = client_with_discovery();
  auto plan = make_plan(
      objects({
          R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}})",
          R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"web"}})",
          R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}})",
          R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"other"}})",
      }),
      *client, {.default_namespace = "apps"});
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->definitions.size(), 1u);
  EXPECT_EQ(plan->definitions[0].ref.display(), "Namespace/apps");
  std::vector<std::string> order;
  for (const auto& o : plan->workloads)
    order.push_back(o.ref.display());
  EXPECT_EQ(order, (std::vector<std::string>{"ConfigMap/other/cfg", "Service/apps/web",
                                             "Deployment/apps/web"}));
  EXPECT_EQ(plan->workloads[2].object.string_at({"metadata", "namespace"}), "apps");
}

TEST(Plan, ReportsEveryProblemAndAppliesNothing) {
  auto client = client_with_discovery();
  auto plan =
      make_plan(objects({
                    R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{}})",
                    R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}})",
                    R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}})",
                    R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}})",
                    R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}})",
                }),
                *client, {});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message(),
            "invalid objects, nothing applied:\n"
            "  object #1: metadata.name is required\n"
            "  Widget/w: kind Widget is not served in example.com/v1 (no "
            "CustomResourceDefinition for it)\n"
            "  Service/s: metadata.namespace is required for a namespaced Service\n"
            "  Namespace/a: defined more than once");
}

TEST(Plan, CustomResourcesOfACrdInTheSameSetAreAccepted) {
  auto client = client_with_discovery();
  auto plan = make_plan(
      objects({
          R"({"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"a"}})",
          R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
           "metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
           "names":{"kind":"Widget","plural":"widgets"},"versions":[{"name":"v1"}]}})",
      }),
      *client, {});
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->definitions.size(), 1u);
  ASSERT_EQ(plan->workloads.size(), 1u);
  EXPECT_EQ(plan->workloads[0].resource.name, "widgets");
  EXPECT_TRUE(plan->workloads[0].resource.namespaced);
}

}  // namespace
}  // namespace plumb::sync
