#include "controller/work_queue.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace plumb::controller {
namespace {

TEST(WorkQueue, DeduplicatesWaitingKeys) {
  WorkQueue<std::string> q;
  q.add("a");
  q.add("b");
  q.add("a");
  EXPECT_EQ(q.waiting(), 2u);
  EXPECT_EQ(q.try_get(), "a");
  EXPECT_EQ(q.try_get(), "b");
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(WorkQueue, KeyAddedWhileProcessingIsRequeuedOnDone) {
  WorkQueue<std::string> q;
  q.add("a");
  auto key = q.try_get();
  ASSERT_EQ(key, "a");
  q.add("a");                            // an event arrives while a worker holds "a"
  EXPECT_EQ(q.try_get(), std::nullopt);  // not handed to a second worker
  q.done("a");
  EXPECT_EQ(q.try_get(), "a");
  q.done("a");
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(WorkQueue, ShutDownWakesBlockedWorkers) {
  WorkQueue<std::string> q;
  std::optional<std::string> got = "unset";
  std::thread worker([&] { got = q.get(); });
  q.shut_down();
  worker.join();
  EXPECT_EQ(got, std::nullopt);
}

}  // namespace
}  // namespace plumb::controller
