#include "sync/applyset.hpp"

#include <gtest/gtest.h>

namespace plumb::sync {
namespace {

TEST(ApplySet, IdIsTheKepHashOfTheParent) {
  // base64url(sha256("plumb-demo.default.Secret.")) without padding, computed independently
  // with Python's hashlib.
  ApplySet set = ApplySet::for_parent("plumb-demo", "default");
  EXPECT_EQ(set.id, "applyset-IBaQ1EDziB-GE8iffguViNUdVXY6zHF9a1CJUTz5jd4-v1");
}

TEST(ApplySet, GroupKindsAndMemberLabels) {
  EXPECT_EQ(group_kind(ObjectRef{"apps", "v1", "Deployment", "ns", "web"}), "Deployment.apps");
  EXPECT_EQ(group_kind(ObjectRef{"", "v1", "Service", "ns", "web"}), "Service");
  Plan plan;
  Node object = Node::map();
  object["metadata"].set("name", Node::string("web"));
  plan.workloads.push_back(PlannedObject{ObjectRef{}, object, {}});
  ApplySet set = ApplySet::for_parent("p", "ns");
  label_members(plan, set);
  EXPECT_EQ(
      plan.workloads[0].object.string_at({"metadata", "labels", "applyset.kubernetes.io/part-of"}),
      set.id);
}

}  // namespace
}  // namespace plumb::sync
