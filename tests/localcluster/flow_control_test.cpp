// Flow control of the embedded API server: seats, the queue, rejection; and its answers,
// which carry the API Priority and Fairness headers that lift a client's own rate limit.
#include "localcluster/flow_control.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "kube/client.hpp"
#include "localcluster/cluster.hpp"

namespace plumb::localcluster {
namespace {

using namespace std::chrono_literals;

TEST(FlowControl, AdmitsUpToItsSeatsThenQueuesThenRejects) {
  FlowControl flow({.seats = 2, .queue_length = 1, .queue_wait = 5s});
  auto a = flow.admit();
  auto b = flow.admit();
  ASSERT_TRUE(a && b);
  // The third waits in the queue for a seat, and gets the one given back.
  std::atomic<bool> seated{false};
  std::thread waiter([&] {
    auto c = flow.admit();
    seated = c.has_value();
  });
  while (flow.waiting() == 0)
    std::this_thread::sleep_for(1ms);
  // A fourth finds the queue full.
  EXPECT_FALSE(flow.admit());
  EXPECT_EQ(flow.rejected(), 1u);
  EXPECT_FALSE(seated);
  a.reset();
  waiter.join();
  EXPECT_TRUE(seated);
}

TEST(FlowControl, RejectsWhenTheWaitRunsOut) {
  FlowControl flow({.seats = 1, .queue_length = 4, .queue_wait = 50ms});
  auto a = flow.admit();
  ASSERT_TRUE(a);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(flow.admit());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_EQ(flow.rejected(), 1u);
  a.reset();
  EXPECT_TRUE(flow.admit());  // a seat given back serves the next request
}

TEST(FlowControl, TheEmbeddedServerLiftsTheClientRateLimit) {
  auto dir = std::filesystem::temp_directory_path() / ("plumb-flow-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto cluster = Cluster::start({.port = 0, .kubeconfig = (dir / "kubeconfig").string()});
  ASSERT_TRUE(cluster) << cluster.error().message();
  auto client = kube::Client::connect({.kubeconfig = (dir / "kubeconfig").string()});
  ASSERT_TRUE(client) << client.error().message();
  EXPECT_FALSE((*client)->rate_limit_lifted());
  kube::Resource namespaces{"", "v1", "Namespace", "namespaces", false};
  ASSERT_TRUE((*client)->get(namespaces, "", "default"));
  EXPECT_TRUE((*client)->rate_limit_lifted());
  (*cluster)->stop();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace plumb::localcluster
