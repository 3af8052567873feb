#include "core/node.hpp"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(Node, ScalarsKeepTypeAndValue) {
  EXPECT_TRUE(Node().is_null());
  EXPECT_TRUE(Node::boolean(true).as_bool());
  EXPECT_EQ(Node::integer(-42).as_int(), -42);
  EXPECT_DOUBLE_EQ(Node::floating(0.5).as_float(), 0.5);
  EXPECT_EQ(Node::string("short").as_string(), "short");
  std::string long_text(100, 'x');
  EXPECT_EQ(Node::string(long_text).as_string(), long_text);
  EXPECT_EQ(Node::string("").as_string(), "");
  EXPECT_TRUE(Node::string("").is_string());
  EXPECT_EQ(Node::integer(3).as_string(), "");
}

TEST(Node, MapKeepsInsertionOrderAndReplacesInPlace) {
  Node m;
  m["zeta"] = Node::integer(1);
  m["alpha"] = Node::integer(2);
  m.set("zeta", Node::string("again"));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.entries()[0].key.as_string(), "zeta");
  EXPECT_EQ(m.entries()[0].value.as_string(), "again");
  EXPECT_EQ(m.entries()[1].key.as_string(), "alpha");
  EXPECT_TRUE(m.erase("zeta"));
  EXPECT_FALSE(m.erase("zeta"));
  EXPECT_EQ(m.find("zeta"), nullptr);
  EXPECT_EQ(m.find("alpha")->as_int(), 2);
}

TEST(Node, CopyIsSharedUntilWritten) {
  Node original;
  original["spec"]["replicas"] = Node::integer(1);
  original["metadata"]["name"] = Node::string("a-name-longer-than-fourteen");
  Node copy = original;
  EXPECT_TRUE(copy.shares_with(original));
  copy["spec"]["replicas"] = Node::integer(5);
  EXPECT_FALSE(copy.shares_with(original));
  EXPECT_EQ(original.at_path({"spec", "replicas"})->as_int(), 1);
  EXPECT_EQ(copy.at_path({"spec", "replicas"})->as_int(), 5);
  // The untouched subtree is still shared.
  EXPECT_TRUE(copy.find("metadata")->shares_with(*original.find("metadata")));
}

TEST(Node, ListOperations) {
  Node l;
  l.push_back(Node::integer(1));
  l.push_back(Node::integer(3));
  l.insert_at(1, Node::integer(2));
  ASSERT_EQ(l.size(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(l.items()[i].as_int(), i + 1);
  l.erase_at(0);
  EXPECT_EQ(l.items()[0].as_int(), 2);
  Node copy = l;
  copy.items_mut()[0] = Node::string("x");
  EXPECT_EQ(l.items()[0].as_int(), 2);
}

TEST(Node, EqualityIgnoresMapOrderButNotListOrder) {
  Node a, b;
  a["x"] = Node::integer(1);
  a["y"] = Node::string("v");
  b["y"] = Node::string("v");
  b["x"] = Node::floating(1.0);
  EXPECT_EQ(a, b);
  b["x"] = Node::integer(2);
  EXPECT_NE(a, b);
  Node l1, l2;
  l1.push_back(Node::integer(1));
  l1.push_back(Node::integer(2));
  l2.push_back(Node::integer(2));
  l2.push_back(Node::integer(1));
  EXPECT_NE(l1, l2);
  EXPECT_NE(Node::string("1"), Node::integer(1));
}

TEST(Node, PathLookup) {
  Node obj;
  obj["metadata"]["name"] = Node::string("web");
  EXPECT_EQ(obj.string_at({"metadata", "name"}), "web");
  EXPECT_EQ(obj.string_at({"metadata", "namespace"}), "");
  EXPECT_EQ(obj.at_path({"metadata", "name", "deeper"}), nullptr);
}

}  // namespace
}  // namespace plumb
