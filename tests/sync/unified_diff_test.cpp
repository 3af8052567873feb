#include "sync/unified_diff.hpp"

#include <gtest/gtest.h>

namespace plumb::sync {
namespace {

TEST(UnifiedDiff, EqualTextsGiveNothing) {
  EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n", "x", "y"), "");
}

TEST(UnifiedDiff, OneChangedLineWithContext) {
  std::string from = "a\nb\nc\nd\ne\nf\ng\nh\n";
  std::string to = "a\nb\nc\nd\nE\nf\ng\nh\n";
  EXPECT_EQ(unified_diff(from, to, "live", "merged"),
            "--- live\n+++ merged\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n");
}

TEST(UnifiedDiff, AdditionsRemovalsAndSeparateHunks) {
  std::string from;
  std::string to;
  for (int i = 1; i <= 20; ++i) {
    std::string line = std::to_string(i) + "\n";
    if (i != 2) from += line;
    if (i != 19) to += line;
  }
  std::string diff = unified_diff(from, to, "a", "b");
  EXPECT_EQ(diff,
            "--- a\n+++ b\n@@ -1,4 +1,5 @@\n 1\n+2\n 3\n 4\n 5\n"
            "@@ -15,5 +16,4 @@\n 16\n 17\n 18\n-19\n 20\n");
}

TEST(UnifiedDiff, FromNothing) {
  EXPECT_EQ(unified_diff("", "x\ny\n", "a", "b"), "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n");
}

}  // namespace
}  // namespace plumb::sync
