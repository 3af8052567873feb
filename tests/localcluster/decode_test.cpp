// The pieces decoding errors are made of: Go's renderings of values, quantity syntax, base64.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "localcluster/go_format.hpp"
#include "localcluster/quantity.hpp"

namespace plumb::localcluster {
namespace {

TEST(GoFormat, FloatsAsPercentV) {
  EXPECT_EQ(go_float(1.5), "1.5");
  EXPECT_EQ(go_float(100000), "100000");
  EXPECT_EQ(go_float(1000000), "1e+06");
  EXPECT_EQ(go_float(12345678), "1.2345678e+07");
  EXPECT_EQ(go_float(0.0001), "0.0001");
  EXPECT_EQ(go_float(0.00001), "1e-05");
  EXPECT_EQ(go_float(-2.25), "-2.25");
}

TEST(GoFormat, ValuesAsPercentVAndSharpV) {
  Node value = parse_json(R"({"b":[1,"x",true],"a":null})").value();
  EXPECT_EQ(go_value(value), "map[a:<nil> b:[1 x true]]");
  EXPECT_EQ(go_sharp_value(value),
            R"(map[string]interface {}{"a":interface {}(nil), "b":[]interface {}{1, "x", true}})");
  EXPECT_EQ(go_type_name(value), "map[string]interface {}");
  EXPECT_EQ(go_quote("a\"b\\c\n\x01é"), R"("a\"b\\c\n\x01é")");
}

TEST(Quantity, SyntaxAsTheApiServerParsesIt) {
  for (std::string_view ok : {"0", "1", "100m", "1.5", "1Gi", "1e3", "1E", "-1", "+2k", ".5", "1."})
    EXPECT_FALSE(quantity_error(ok)) << ok;
  const std::string_view format =
      "quantities must match the regular expression "
      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  for (std::string_view bad : {"", "two", "1Gb", "1 Gi", "1.2.3", "true"})
    EXPECT_EQ(quantity_error(bad), format) << bad;
  for (std::string_view bad : {"1GG", "1ki", "1e", "1mi"})
    EXPECT_EQ(quantity_error(bad), "unable to parse quantity's suffix") << bad;
  EXPECT_DOUBLE_EQ(*quantity_value("100m"), 0.1);
  EXPECT_DOUBLE_EQ(*quantity_value("2Ki"), 2048);
  EXPECT_DOUBLE_EQ(*quantity_value("-1.5k"), -1500);
}

TEST(Base64, ErrorsNameTheByteAsGoDoes) {
  EXPECT_FALSE(base64_error("aGVsbG8="));
  EXPECT_FALSE(base64_error("aGVs\nbG8="));
  EXPECT_FALSE(base64_error(""));
  EXPECT_EQ(base64_error("not base64!"), "illegal base64 data at input byte 3");
  EXPECT_EQ(base64_error("abc"), "illegal base64 data at input byte 0");
  EXPECT_EQ(base64_error("ab=c"), "illegal base64 data at input byte 2");
  EXPECT_EQ(base64_error("aGVsbG8=x"), "illegal base64 data at input byte 8");
}

}  // namespace
}  // namespace plumb::localcluster
