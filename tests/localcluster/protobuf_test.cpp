// Protobuf bodies as kubectl 1.32's create generators send them (bytes captured from
// `kubectl create namespace nsx` and `kubectl create configmap cmx --from-literal ...`).
#include "localcluster/protobuf.hpp"

#include <gtest/gtest.h>

#include <string>

namespace plumb::localcluster {
namespace {

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

TEST(Protobuf, DecodesANamespace) {
  auto object = decode_protobuf(unhex(
      "6b3873000a0f0a02763112094e616d657370616365121b0a130a036e737812001a0022002a0032003800420012"
      "001a020a001a002200"));
  ASSERT_TRUE(object) << object.error().message;
  EXPECT_EQ(object->string_at({"apiVersion"}), "v1");
  EXPECT_EQ(object->string_at({"kind"}), "Namespace");
  EXPECT_EQ(object->string_at({"metadata", "name"}), "nsx");
  EXPECT_EQ(object->at_path({"metadata", "namespace"}), nullptr);  // empty: left out
}

TEST(Protobuf, DecodesAConfigMapWithData) {
  auto object = decode_protobuf(unhex(
      "6b3873000a0f0a0276311209436f6e6669674d617012290a130a03636d7812001a0022002a003200380042001208"
      "0a026b311202763112080a026b32120276321a002200"));
  ASSERT_TRUE(object) << object.error().message;
  EXPECT_EQ(object->string_at({"metadata", "name"}), "cmx");
  EXPECT_EQ(object->string_at({"data", "k1"}), "v1");
  EXPECT_EQ(object->string_at({"data", "k2"}), "v2");
}

TEST(Protobuf, RefusesUnknownKindsAndGarbage) {
  auto deployment =
      decode_protobuf(unhex("6b3873000a150a07617070732f7631120a4465706c6f796d656e74"));
  ASSERT_FALSE(deployment);
  EXPECT_EQ(deployment.error().code, 415);
  EXPECT_FALSE(decode_protobuf("{}"));
  EXPECT_FALSE(decode_protobuf(unhex("6b387300ff")));
}

}  // namespace
}  // namespace plumb::localcluster
