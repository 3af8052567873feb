#include "source/semver.hpp"

#include <gtest/gtest.h>

namespace plumb::source {
namespace {

TEST(Semver, ParsesAndOrdersVersions) {
  auto v = [](const char* t) { return Version::parse(t).value(); };
  EXPECT_EQ(v("v1.2.3"), (Version{1, 2, 3, ""}));
  EXPECT_EQ(v("1.2"), (Version{1, 2, 0, ""}));
  EXPECT_FALSE(Version::parse("latest"));
  EXPECT_FALSE(Version::parse("1"));
  EXPECT_LT(v("1.2.3-rc.1"), v("1.2.3"));
  EXPECT_LT(v("1.2.3-alpha"), v("1.2.3-alpha.1"));
  EXPECT_LT(v("1.2.3-alpha.2"), v("1.2.3-alpha.10"));
  EXPECT_LT(v("1.2.3-2"), v("1.2.3-alpha"));
  EXPECT_LT(v("1.9.0"), v("1.10.0"));
}

struct Case {
  const char* range;
  const char* version;
  bool match;
};

const Case k_cases[] = {
    {"*", "3.4.5", true},
    {"*", "1.0.0-rc.1", false},
    {"1.2.x", "1.2.9", true},
    {"1.2.x", "1.3.0", false},
    {"1.x", "1.9.9", true},
    {">=1.0.0 <2.0.0", "1.5.0", true},
    {">=1.0.0 <2.0.0", "2.0.0", false},
    {">=1.0.0, <2.0.0", "0.9.9", false},
    {"^1.2", "1.9.0", true},
    {"^1.2", "2.0.0", false},
    {"^0.2.3", "0.2.9", true},
    {"^0.2.3", "0.3.0", false},
    {"~1.2.3", "1.2.9", true},
    {"~1.2.3", "1.3.0", false},
    {"~1", "1.9.0", true},
    {"1.2 - 1.4", "1.4.7", true},
    {"1.2 - 1.4", "1.5.0", false},
    {"1.2.3 - 1.4.5", "1.4.5", true},
    {"<1.0.0 || >=3.0.0", "3.1.0", true},
    {"<1.0.0 || >=3.0.0", "2.0.0", false},
    {">= 1.2", "1.2.0", true},
    {"!=1.2.3", "1.2.3", false},
    {">1.2", "1.2.9", false},
    {">1.2", "1.3.0", true},
    {"<=1.2", "1.2.9", true},
    {">=1.2.3-rc.1", "1.2.3-rc.2", true},
    {">=1.2.3-rc.1", "1.2.4-rc.1", false},
    {"1.2.3", "1.2.3", true},
    {"1.2.3", "1.2.4", false},
};

TEST(Semver, RangesMatchLikeFlux) {
  for (const Case& c : k_cases) {
    auto range = VersionRange::parse(c.range);
    ASSERT_TRUE(range) << c.range << ": " << range.error().message();
    EXPECT_EQ(range->contains(Version::parse(c.version).value()), c.match)
        << c.range << " vs " << c.version;
  }
}

TEST(Semver, BadRangesAreErrors) {
  for (const char* text : {"", ">=", "abc", "1.2.3.4", "=>1.0"}) {
    auto range = VersionRange::parse(text);
    ASSERT_FALSE(range) << text;
    EXPECT_NE(range.error().message().find("invalid semver range"), std::string::npos);
  }
}

}  // namespace
}  // namespace plumb::source
