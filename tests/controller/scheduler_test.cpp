#include "controller/scheduler.hpp"

#include <gtest/gtest.h>

namespace plumb::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Scheduler, IntervalWithoutJitterIsExact) {
  Scheduler<std::string> s(0);
  Clock::time_point t0{};
  s.succeeded("a", t0, seconds(60));
  EXPECT_TRUE(s.step(t0 + seconds(59)).empty());
  EXPECT_EQ(s.step(t0 + seconds(60)), std::vector<std::string>{"a"});
  EXPECT_TRUE(s.step(t0 + seconds(120)).empty());  // not rescheduled until it runs again
}

TEST(Scheduler, JitterSpreadsDueTimesWithinBounds) {
  Scheduler<std::string> s(0.1, 42);
  Clock::time_point t0{};
  for (int i = 0; i < 100; ++i)
    s.succeeded("k" + std::to_string(i), t0, seconds(100));
  EXPECT_TRUE(s.step(t0 + seconds(89)).empty());
  size_t early = s.step(t0 + seconds(100)).size();
  EXPECT_GT(early, 10u);  // some fire before the nominal interval ...
  EXPECT_LT(early, 90u);  // ... and some after
  EXPECT_EQ(s.step(t0 + seconds(111)).size(), 100 - early);
}

TEST(Scheduler, FailuresBackOffUpToTheRetryIntervalAndResetOnSuccess) {
  Scheduler<std::string> s(0);
  Clock::time_point t0{};
  std::vector<int64_t> delays;
  Clock::time_point now = t0;
  for (int i = 0; i < 6; ++i) {
    s.failed("a", now, seconds(10));
    Clock::time_point due = *s.next_due();
    delays.push_back(std::chrono::duration_cast<milliseconds>(due - now).count());
    now = due;
    ASSERT_EQ(s.step(now).size(), 1u);
  }
  EXPECT_EQ(delays, (std::vector<int64_t>{1000, 2000, 4000, 8000, 10000, 10000}));
  EXPECT_EQ(s.failures("a"), 6);
  s.succeeded("a", now, seconds(30));
  EXPECT_EQ(s.failures("a"), 0);
}

TEST(Scheduler, RunAtOnlyMovesEarlier) {
  Scheduler<std::string> s(0);
  Clock::time_point t0{};
  s.succeeded("a", t0, seconds(60));
  s.run_at("a", t0 + seconds(5));   // a webhook or a dependency became ready
  s.run_at("a", t0 + seconds(30));  // later requests do not delay it
  EXPECT_EQ(s.step(t0 + seconds(5)), std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace plumb::controller
