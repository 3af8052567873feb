#include "core/duration.hpp"

#include <gtest/gtest.h>

namespace plumb {
namespace {

TEST(Duration, ParsesGoForms) {
  const std::pair<const char*, int64_t> cases[] = {
      {"30s", 30000},    {"1m30s", 90000}, {"500ms", 500},  {"1h", 3600000}, {"2h45m", 9900000},
      {"1.5h", 5400000}, {"0", 0},         {"10m", 600000}, {"-5s", -5000},  {"1m0.5s", 60500},
  };
  for (auto [text, ms] : cases) {
    auto d = parse_duration(text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(d->count(), ms) << text;
  }
}

TEST(Duration, RejectsMalformed) {
  for (const char* text : {"", "10", "s", "1x", "1m30", "ten seconds"}) {
    auto d = parse_duration(text);
    ASSERT_FALSE(d) << text;
    EXPECT_NE(d.error().message().find("invalid duration"), std::string::npos);
  }
}

TEST(Duration, FormatsLikeGo) {
  using std::chrono::milliseconds;
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
  EXPECT_EQ(format_duration(milliseconds(90000)), "1m30s");
  EXPECT_EQ(format_duration(milliseconds(3600000)), "1h0m0s");
  EXPECT_EQ(format_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_duration(milliseconds(250)), "250ms");
}

}  // namespace
}  // namespace plumb
