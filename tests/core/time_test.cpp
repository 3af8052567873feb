#include "core/time.hpp"

#include <gtest/gtest.h>

namespace plumb {
namespace {

using namespace std::chrono;

SystemTime at(std::string_view timestamp) {
  return parse_rfc3339(timestamp).value();
}

TEST(Time, ParsesRfc3339WithFractionAndOffset) {
  EXPECT_EQ(at("2026-01-02T03:04:05Z"), sys_days(2026y / 1 / 2) + 3h + 4min + 5s);
  EXPECT_EQ(at("2026-01-02T03:04:05.25Z") - at("2026-01-02T03:04:05Z"), 250ms);
  EXPECT_EQ(at("2026-01-02T05:04:05+02:00"), at("2026-01-02T03:04:05Z"));
  EXPECT_EQ(at("2026-01-02T01:34:05-01:30"), at("2026-01-02T03:04:05Z"));
  EXPECT_EQ(at("2026-01-02t03:04:05.5z"), at("2026-01-02T03:04:05.5Z"));
}

TEST(Time, RefusesWhatIsNotRfc3339) {
  for (std::string_view bad :
       {"", "2026-01-02", "2026-01-02T03:04:05", "2026-13-02T03:04:05Z", "2026-02-30T03:04:05Z",
        "2026-01-02T24:04:05Z", "2026-01-02T03:04:05+0200", "2026-01-02T03:04:05.Z",
        "2026-01-02T03:04:05Zjunk", "2026-01-02 03:04:05Z", "yesterday"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(Time, Rfc3339DropsTheFraction) {
  SystemTime t = at("2026-11-23T18:45:00Z");
  EXPECT_EQ(format_rfc3339(t), "2026-11-23T18:45:00Z");
  EXPECT_EQ(format_rfc3339(t + 999ms), "2026-11-23T18:45:00Z");
  EXPECT_EQ(format_rfc3339(at("1969-12-31T23:59:59.5Z")), "1969-12-31T23:59:59Z");
}

TEST(Time, NowReadsBackWithinASecondOfTheClock) {
  SystemTime before = floor<seconds>(system_clock::now());
  std::optional<SystemTime> now = parse_rfc3339(now_rfc3339());
  ASSERT_TRUE(now);
  EXPECT_GE(*now, before);
  EXPECT_LE(*now, system_clock::now());
}

TEST(Time, Rfc3339NanoAsGoWritesIt) {
  SystemTime t = at("2026-11-23T20:15:04Z");
  EXPECT_EQ(format_rfc3339_nano(t), "2026-11-23T20:15:04Z");
  EXPECT_EQ(format_rfc3339_nano(t + 120ms), "2026-11-23T20:15:04.12Z");
  EXPECT_EQ(format_rfc3339_nano(t + duration_cast<SystemTime::duration>(123456789ns)),
            "2026-11-23T20:15:04.123456789Z");
  EXPECT_EQ(parse_rfc3339(format_rfc3339_nano(t + 5ms)), t + 5ms);
}

TEST(Time, HumanDurationsMatchKubernetes) {
  EXPECT_EQ(human_duration(5), "5s");
  EXPECT_EQ(human_duration(119), "119s");
  EXPECT_EQ(human_duration(125), "2m5s");
  EXPECT_EQ(human_duration(600), "10m");
  EXPECT_EQ(human_duration(3 * 3600 + 60), "3h1m");
  EXPECT_EQ(human_duration(30 * 3600), "30h");
  EXPECT_EQ(human_duration(3 * 86400 + 3600), "3d1h");
  EXPECT_EQ(human_duration(400 * 86400), "400d");
  EXPECT_EQ(human_duration(3 * 365 * 86400 + 5 * 86400), "3y5d");
  EXPECT_EQ(human_duration(-1), "0s");
  EXPECT_EQ(human_duration(-5), "<invalid>");
}

}  // namespace
}  // namespace plumb
