#include "sync/fields.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace plumb::sync {
namespace {

Node json(std::string_view text) {
  return parse_json(text).value();
}

TEST(Fields, DesiredContainedInLiveWithDefaultsAndExtraItems) {
  Node desired = json(R"({"spec":{"replicas":2,"template":{"spec":{"containers":[
    {"name":"app","image":"nginx:1"}]}}}})");
  Node live = json(R"({"spec":{"replicas":2,"revisionHistoryLimit":10,"template":{"spec":{
    "containers":[{"name":"sidecar","image":"envoy"},
                  {"name":"app","image":"nginx:1","imagePullPolicy":"IfNotPresent"}]}}}})");
  EXPECT_TRUE(contains(live, desired));
  Node changed = json(R"({"spec":{"replicas":3}})");
  EXPECT_FALSE(contains(live, changed));
  Node other_image = json(R"({"spec":{"template":{"spec":{"containers":[
    {"name":"app","image":"nginx:2"}]}}}})");
  EXPECT_FALSE(contains(live, other_image));
  // Scalar lists compare whole.
  EXPECT_FALSE(contains(json(R"({"args":["a","b","c"]})"), json(R"({"args":["a","b"]})")));
  EXPECT_TRUE(contains(json(R"({"n":1.0})"), json(R"({"n":1})")));
}

TEST(Fields, FieldsTheManagerOwnsButNoLongerAppliesNeedAnApply) {
  Node live = json(R"({"metadata":{"labels":{"app":"web","old":"x"},"managedFields":[
    {"manager":"plumb","operation":"Apply","fieldsV1":{"f:metadata":{"f:labels":{
      "f:app":{},"f:old":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{
      ".":{},"f:image":{}}}}}},
    {"manager":"kubectl","operation":"Update","fieldsV1":{"f:metadata":{"f:labels":{
      "f:other":{}}}}}]},
    "spec":{"containers":[{"name":"app","image":"nginx"}]}})");
  Node still_has_old = json(R"({"metadata":{"labels":{"app":"web","old":"x"}},
    "spec":{"containers":[{"name":"app","image":"nginx"}]}})");
  EXPECT_TRUE(already_applied(still_has_old, live, "plumb"));
  Node dropped_old = json(R"({"metadata":{"labels":{"app":"web"}},
    "spec":{"containers":[{"name":"app","image":"nginx"}]}})");
  EXPECT_FALSE(already_applied(dropped_old, live, "plumb"));
  // Another manager's fields do not matter.
  EXPECT_TRUE(already_applied(still_has_old, live, "someone-else"));
  Node renamed_container = json(R"({"metadata":{"labels":{"app":"web","old":"x"}},
    "spec":{"containers":[{"name":"web","image":"nginx"}]}})");
  EXPECT_FALSE(already_applied(renamed_container, live, "plumb"));
}

TEST(Fields, ListMapKeysTheServerDefaultedStillMatch) {
  // A Service port's key is {port, protocol}; the manifest leaves protocol to its default.
  Node live = json(R"({"metadata":{"managedFields":[
    {"manager":"plumb","operation":"Apply","fieldsV1":{"f:spec":{"f:ports":{
      "k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{},"f:name":{}}}}}}]},
    "spec":{"ports":[{"name":"http","port":80,"protocol":"TCP"}]}})");
  Node desired = json(R"({"spec":{"ports":[{"name":"http","port":80}]}})");
  EXPECT_TRUE(already_applied(desired, live, "plumb"));
  // Another port is another entry: the owned one is no longer applied.
  Node other_port = json(R"({"spec":{"ports":[{"name":"http","port":8080}]}})");
  EXPECT_FALSE(already_applied(other_port, live, "plumb"));
  // A key field given with another value is another entry too.
  Node udp = json(R"({"spec":{"ports":[{"name":"http","port":80,"protocol":"UDP"}]}})");
  EXPECT_FALSE(already_applied(udp, live, "plumb"));
}

TEST(Fields, OwnedSetItemsAndListPositionsMustStillBeApplied) {
  Node fields = json(R"({"f:metadata":{"f:finalizers":{"v:\"a\"":{}}},
    "f:spec":{"f:args":{"i:1":{}}}})");
  EXPECT_TRUE(fields_present(fields, json(R"({"metadata":{"finalizers":["b","a"]},
    "spec":{"args":["x","y"]}})")));
  EXPECT_FALSE(fields_present(fields, json(R"({"metadata":{"finalizers":["b"]},
    "spec":{"args":["x","y"]}})")));
  EXPECT_FALSE(fields_present(fields, json(R"({"metadata":{"finalizers":["a"]},
    "spec":{"args":["x"]}})")));
  // A key that does not decode is never present.
  EXPECT_FALSE(fields_present(json(R"({"k:{":{}})"), json(R"([{"name":"a"}])")));
}

// A Secret applied with stringData is stored as base64 data: it is applied when data holds
// those values (it was "repaired" as drift after every apply), and not when a value differs.
TEST(Fields, ASecretsStringDataIsAppliedWhenItsDataHoldsIt) {
  Node desired = parse_json(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
    "data":{"a":"b2xk"},"stringData":{"b":"new"}})")
                     .value();
  Node live = parse_json(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s",
    "managedFields":[{"manager":"plumb","operation":"Apply",
      "fieldsV1":{"f:data":{"f:a":{}},"f:stringData":{"f:b":{}}}}]},
    "data":{"a":"b2xk","b":"bmV3"},"type":"Opaque"})")
                  .value();
  EXPECT_TRUE(already_applied(desired, live, "plumb"));
  Node changed = parse_json(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},
    "data":{"a":"b2xk"},"stringData":{"b":"newer"}})")
                     .value();
  EXPECT_FALSE(already_applied(changed, live, "plumb"));
}

}  // namespace
}  // namespace plumb::sync
