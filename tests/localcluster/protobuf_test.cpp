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

// helm uninstall failed to purge its release records ("delete options: line 1, column 1:
// unexpected 'k'"): client-go's typed Secret client sends DeleteOptions in protobuf.
TEST(Protobuf, DecodesDeleteOptionsAsHelmSendsThem) {
  // Captured from `helm uninstall` (helm v4.1.4): empty options.
  auto empty =
      decode_protobuf(unhex("6b3873000a130a027631120d44656c6574654f7074696f6e7312001a002200"));
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->string_at({"kind"}), "DeleteOptions");
  EXPECT_EQ(empty->find("propagationPolicy"), nullptr);
  // The same envelope with propagationPolicy Orphan, dryRun [All], preconditions.uid u1.
  auto full = decode_protobuf(
      unhex("6b3873000a130a027631120d44656c6574654f7074696f6e73121322064f727068616e2a03416c6c1204"
            "0a027531"));
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_EQ(full->string_at({"propagationPolicy"}), "Orphan");
  EXPECT_EQ(full->string_at({"preconditions", "uid"}), "u1");
  ASSERT_NE(full->find("dryRun"), nullptr);
  EXPECT_EQ(full->find("dryRun")->items()[0].as_string(), "All");
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
