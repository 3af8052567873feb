#include "helm/semver.hpp"

#include <gtest/gtest.h>

namespace plumb::helm {
namespace {

// Chart versions helm v4.1.4 accepts and refuses (`validation: chart.metadata.version "x" is
// invalid`), tried with the real binary.
TEST(SemVer, ChartVersionsAsHelmValidatesThem) {
  for (const char* ok : {"0.1.0", "1", "1.2", "v1.2.3", "01.2.3", "1.02.3", "1.2.3+01",
                         "1.2.3-rc.1+meta", "1.2.3-0"})
    EXPECT_TRUE(SemVersion::parse(ok)) << ok;
  for (const char* bad : {"1.2.3-01", "1.2.3-rc.01", "1.2.3-a..b", "1.2.3.4", "true", "", "x"})
    EXPECT_FALSE(SemVersion::parse(bad)) << bad;
}

struct RangeCase {
  const char* constraint;
  const char* version;
  bool match;
};

TEST(SemVer, RangesAsMastermindsChecksThem) {
  const RangeCase cases[] = {
      {">=1.20.0-0", "v1.35.0", true},
      {">=1.30.0-0 <2.0.0", "v1.35.0", true},
      {">=1.30.0-0 <2.0.0", "v1.19.16", false},
      {">=1.21", "v1.19.16", false},
      {">=1.20.0", "v1.35.0-gke.1", false},  // a pre-release needs a pre-release comparator
      {">=1.20.0-0", "v1.35.0-gke.1", true},
      {"~1.2.3", "1.2.9", true},
      {"~1.2.3", "1.3.0", false},
      {"^1.2", "1.9.0", true},
      {"^1.2", "2.0.0", false},
      {"^0.2.3", "0.2.9", true},
      {"^0.2.3", "0.3.0", false},
      {"1.2.x", "1.2.7", true},
      {"1.2.x", "1.3.0", false},
      {"*", "4.5.6", true},
      {">1.2", "1.2.9", false},  // dirty: >1.2 means a minor above 2
      {">1.2", "1.3.0", true},
      {"<=1.2", "1.2.9", true},
      {"1.2 - 1.4.5", "1.4.5", true},
      {"1.2 - 1.4.5", "1.4.6", false},
      {"<1.0 || >=2.1", "2.1.0", true},
      {"<1.0 || >=2.1", "1.5.0", false},
      {">=1.0, <2.0", "1.5.0", true},
      {"!=1.2.3", "1.2.3", false},
      {"=1.2.3", "1.2.3", true},
      {">0.1", "0.2.0", true},
      {"0.1.0", "0.1.0", true},
      {"0.1.0", "0.2.0", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(is_compatible_range(c.constraint, c.version), c.match)
        << c.constraint << " vs " << c.version;
  EXPECT_FALSE(is_compatible_range("not a range", "1.0.0"));
  EXPECT_FALSE(is_compatible_range(">=1.0", "v 1.31"));
}

}  // namespace
}  // namespace plumb::helm
