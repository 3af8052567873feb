#include "merge/fields_v1.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace plumb {
namespace {

using Kind = FieldsV1Key::Kind;

TEST(FieldsV1, DecodesEveryKindOfKey) {
  EXPECT_EQ(decode_fields_v1_key(".").kind, Kind::self);

  FieldsV1Key field = decode_fields_v1_key("f:metadata");
  EXPECT_EQ(field.kind, Kind::field);
  EXPECT_EQ(field.text, "metadata");

  FieldsV1Key key = decode_fields_v1_key(R"(k:{"port":80,"protocol":"TCP"})");
  ASSERT_EQ(key.kind, Kind::key);
  EXPECT_EQ(key.value, parse_json(R"({"port":80,"protocol":"TCP"})").value());

  FieldsV1Key value = decode_fields_v1_key(R"(v:"example.com/finalizer")");
  ASSERT_EQ(value.kind, Kind::value);
  EXPECT_EQ(value.value, Node::string("example.com/finalizer"));
  EXPECT_EQ(value.text, R"("example.com/finalizer")");

  FieldsV1Key index = decode_fields_v1_key("i:12");
  ASSERT_EQ(index.kind, Kind::index);
  EXPECT_EQ(index.index, 12u);
}

TEST(FieldsV1, RefusesMalformedKeys) {
  for (std::string_view bad :
       {"", "f", "x:name", "k:[1]", "k:{", "v:", "v:nope", "i:", "i:1x", "i:-1", "metadata"}) {
    EXPECT_EQ(decode_fields_v1_key(bad).kind, Kind::invalid) << bad;
  }
}

}  // namespace
}  // namespace plumb
