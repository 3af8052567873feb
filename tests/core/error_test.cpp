#include "core/error.hpp"

#include <gtest/gtest.h>

namespace plumb {
namespace {

Result<int> parse_positive(int x) {
  if (x <= 0) return fail("value ", std::to_string(x), " is not positive");
  return x;
}

Result<int> doubled(int x) {
  int v = TRY(parse_positive(x));
  return v * 2;
}

TEST(Error, TryPropagatesAndContextPrefixes) {
  EXPECT_EQ(doubled(4).value(), 8);
  auto bad = doubled(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "value -1 is not positive");
  EXPECT_EQ(bad.error().context("kustomization.yaml").message(),
            "kustomization.yaml: value -1 is not positive");
}

}  // namespace
}  // namespace plumb
