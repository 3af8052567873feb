#include "core/conditions.hpp"

#include <gtest/gtest.h>

#include "core/yaml.hpp"

namespace plumb {
namespace {

TEST(Conditions, SetAddsThenUpdatesInPlace) {
  Node status = Node::map();
  set_condition(status, {"Ready", ConditionStatus::unknown, "Progressing", "wait", 2}, "T1");
  set_condition(status, {"Reconciling", ConditionStatus::true_, "Progressing", "", 2}, "T1");
  set_condition(status, {"Ready", ConditionStatus::false_, "BuildFailed", "bad", 3}, "T2");
  ASSERT_EQ(status.find("conditions")->items().size(), 2u);
  EXPECT_EQ(condition_status(status, "Ready"), ConditionStatus::false_);
  const Node* ready = find_condition(status, "Ready");
  EXPECT_EQ(ready->string_at({"reason"}), "BuildFailed");
  EXPECT_EQ(ready->string_at({"lastTransitionTime"}), "T2");
  EXPECT_EQ(ready->find("observedGeneration")->as_int(), 3);
  // Same status again: the transition time stays.
  set_condition(status, {"Ready", ConditionStatus::false_, "BuildFailed", "worse", 3}, "T3");
  EXPECT_EQ(find_condition(status, "Ready")->string_at({"lastTransitionTime"}), "T2");
  remove_condition(status, "Reconciling");
  EXPECT_EQ(find_condition(status, "Reconciling"), nullptr);
  EXPECT_EQ(condition_status(status, "Reconciling"), std::nullopt);
}

TEST(Conditions, ReadyOnlyForTheCurrentGeneration) {
  auto object = [](std::string_view yaml) { return parse_yaml(yaml, "test").value(); };
  EXPECT_TRUE(
      is_ready(object("metadata: {generation: 2}\nstatus: {conditions: "
                      "[{type: Ready, status: 'True', observedGeneration: 2}]}")));
  EXPECT_FALSE(
      is_ready(object("metadata: {generation: 3}\nstatus: {conditions: "
                      "[{type: Ready, status: 'True', observedGeneration: 2}]}")));
  EXPECT_FALSE(
      is_ready(object("metadata: {generation: 3}\nstatus: {observedGeneration: 2,"
                      " conditions: [{type: Ready, status: 'True'}]}")));
  EXPECT_TRUE(is_ready(object("status: {conditions: [{type: Ready, status: 'True'}]}")));
  EXPECT_FALSE(is_ready(object("status: {conditions: [{type: Ready, status: Unknown}]}")));
  EXPECT_FALSE(is_ready(object("metadata: {name: x}")));
}

}  // namespace
}  // namespace plumb
