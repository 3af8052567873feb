// Small facts about objects: uids and the pod-template hash.
#include <gtest/gtest.h>

#include "localcluster/objects.hpp"
#include "localcluster/workloads.hpp"

namespace plumb::localcluster {
namespace {

TEST(Objects, UidsAreVersion4AndDistinct) {
  std::string a = new_uid();
  std::string b = new_uid();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_EQ(a[8], '-');
}

TEST(Workloads, TemplateHashChangesWithTheTemplate) {
  Node a = Node::map();
  a["spec"].set("image", Node::string("nginx:1"));
  Node b = Node::map();
  b["spec"].set("image", Node::string("nginx:2"));
  EXPECT_EQ(template_hash(a), template_hash(a));
  EXPECT_NE(template_hash(a), template_hash(b));
  // Regression: a replace or rollout undo that reorders keys must not start a rollout.
  Node c = Node::map();
  c.set("x", Node::integer(1));
  c.set("y", Node::integer(2));
  Node d = Node::map();
  d.set("y", Node::integer(2));
  d.set("x", Node::integer(1));
  d.set("creationTimestamp", Node());
  d.set("resources", Node::map());
  EXPECT_EQ(template_hash(c), template_hash(d));
}

}  // namespace
}  // namespace plumb::localcluster
