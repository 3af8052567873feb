#include "argo/crds.hpp"

#include <gtest/gtest.h>

namespace plumb::argo {
namespace {

TEST(ArgoCrds, ApplicationHasArgosNamesAndColumnsAndNoStatusSubresource) {
  std::vector<Node> crds = argo_crds();
  ASSERT_EQ(crds.size(), 3u);
  const Node& app = crds[0];
  EXPECT_EQ(app.string_at({"metadata", "name"}), "applications.argoproj.io");
  const Node* short_names = app.at_path({"spec", "names", "shortNames"});
  ASSERT_NE(short_names, nullptr);
  ASSERT_EQ(short_names->items().size(), 2u);
  EXPECT_EQ(short_names->items()[0].as_string(), "app");
  const Node& version = app.at_path({"spec", "versions"})->items()[0];
  EXPECT_EQ(version.at_path({"subresources"}), nullptr);
  const Node* columns = version.at_path({"additionalPrinterColumns"});
  ASSERT_NE(columns, nullptr);
  ASSERT_EQ(columns->items().size(), 4u);
  EXPECT_EQ(columns->items()[0].string_at({"name"}), "Sync Status");
  EXPECT_EQ(columns->items()[1].string_at({"jsonPath"}), ".status.health.status");
  EXPECT_EQ(crds[1].string_at({"spec", "names", "kind"}), "AppProject");
}

TEST(ArgoCrds, ApplicationSetHasAStatusSubresourceAndNoColumns) {
  // manifests/crds/applicationset-crd.yaml
  std::vector<Node> crds = argo_crds();
  const Node& appset = crds.at(2);
  EXPECT_EQ(appset.string_at({"metadata", "name"}), "applicationsets.argoproj.io");
  EXPECT_EQ(appset.string_at({"spec", "names", "listKind"}), "ApplicationSetList");
  const Node* short_names = appset.at_path({"spec", "names", "shortNames"});
  ASSERT_NE(short_names, nullptr);
  ASSERT_EQ(short_names->items().size(), 2u);
  EXPECT_EQ(short_names->items()[0].as_string(), "appset");
  EXPECT_EQ(short_names->items()[1].as_string(), "appsets");
  const Node& version = appset.at_path({"spec", "versions"})->items()[0];
  ASSERT_NE(version.at_path({"subresources", "status"}), nullptr);
  EXPECT_EQ(version.at_path({"additionalPrinterColumns"}), nullptr);
  EXPECT_EQ(k_application_sets.name, "applicationsets");
}

}  // namespace
}  // namespace plumb::argo
