#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(Base64, RoundTripsRfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded).value(), plain);
  }
  std::string binary("\x00\xff\x10\x80", 4);
  EXPECT_EQ(base64_decode(base64_encode(binary)).value(), binary);
}

TEST(Base64, RejectsInvalidInput) {
  EXPECT_FALSE(base64_decode("Zm9v!"));
  EXPECT_FALSE(base64_decode("Zm9"));
  EXPECT_FALSE(base64_decode("Zg==Zg"));
  EXPECT_EQ(base64_decode("Zm9v\nYmFy").value(), "foobar");
}

}  // namespace
}  // namespace plumb
