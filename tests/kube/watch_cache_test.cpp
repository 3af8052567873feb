#include "kube/watch_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "kube/gated_transport.hpp"

namespace plumb::kube {
namespace {

using namespace std::chrono_literals;

const Resource k_pods{"", "v1", "Pod", "pods", true};
const Resource k_config_maps{"", "v1", "ConfigMap", "configmaps", true};
const std::string k_list_pods = "GET /api/v1/pods?limit=500";
const std::string k_list_config_maps = "GET /api/v1/configmaps?limit=500";
const std::string k_watch_pods =
    "GET /api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=60&resourceVersion=5";

const HttpResponse k_empty_pod_list{
    200, R"({"kind":"PodList","metadata":{"resourceVersion":"5"},"items":[]})"};
const HttpResponse k_forbidden{403, R"({"kind":"Status","message":"forbidden"})"};

// Readers of the cache never wait for a LIST in flight.
TEST(WatchCache, AnswersReadersWhileAnInitialListIsInFlight) {
  auto [fake, gate, client] = make_gated_client();
  fake->routes[k_list_config_maps] = {{200, R"({"kind":"ConfigMapList",
    "metadata":{"resourceVersion":"5"},
    "items":[{"metadata":{"name":"a","namespace":"default","resourceVersion":"3"}}]})"}};
  fake->routes[k_list_pods] = {k_empty_pod_list};
  WatchCache cache(*client);
  ASSERT_TRUE(cache.watch(k_config_maps));
  gate->hold(k_list_pods);
  std::thread lister([&] { EXPECT_TRUE(cache.watch(k_pods)); });
  gate->wait_for_held(k_list_pods);
  auto reads = std::async(std::launch::async, [&] {
    return cache.get(k_config_maps, "default", "a").has_value() &&
           cache.list(k_config_maps).size() == 1 && cache.follows(k_config_maps, "default") &&
           !cache.follows(k_pods, "");
  });
  bool answered = reads.wait_for(20s) == std::future_status::ready;
  gate->open(k_list_pods);
  lister.join();
  ASSERT_TRUE(answered) << "a reader waited for the LIST in flight";
  EXPECT_TRUE(reads.get());
  EXPECT_TRUE(cache.follows(k_pods, ""));
}

// Regression: when two callers waited for the same stream and its first LIST failed, the
// first to wake freed the stream the second was still waiting on (heap use after free).
TEST(WatchCache, TwoCallersOfAFailedInitialListBothGetItsError) {
  auto [fake, gate, client] = make_gated_client();
  fake->routes[k_list_pods] = {k_forbidden, k_empty_pod_list};
  WatchCache cache(*client);
  gate->hold(k_list_pods);
  Result<void> first;
  Result<void> second;
  std::thread a([&] { first = cache.watch(k_pods); });
  gate->wait_for_held(k_list_pods);
  std::thread b([&] { second = cache.watch(k_pods); });
  while (cache.waiting() == 0)
    std::this_thread::yield();
  gate->open(k_list_pods);
  a.join();
  b.join();
  ASSERT_FALSE(first);
  ASSERT_FALSE(second);
  EXPECT_EQ(first.error().code(), 403);
  EXPECT_EQ(second.error().code(), 403);
  EXPECT_EQ(gate->requests(k_list_pods), 1u) << "the second caller listed on its own";
  EXPECT_FALSE(cache.follows(k_pods, ""));
  // The failed stream is forgotten: the next caller lists again.
  EXPECT_TRUE(cache.watch(k_pods));
  EXPECT_TRUE(cache.follows(k_pods, ""));
  EXPECT_EQ(gate->requests(k_list_pods), 2u);
}

// Subscribers run without the cache's locks: one may read the cache, and sees the event's
// object in it.
TEST(WatchCache, SubscribersMayReadTheCache) {
  auto [fake, gate, client] = make_gated_client();
  const char* pod_b = R"({"metadata":{"name":"b","namespace":"default","resourceVersion":"6"}})";
  fake->routes[k_list_pods] = {
      k_empty_pod_list,
      {200, std::string(R"({"kind":"PodList","metadata":{"resourceVersion":"6"},"items":[)") +
                pod_b + "]}"}};
  fake->routes[k_watch_pods] = {{200, std::string(R"({"type":"ADDED","object":)") + pod_b + "}\n"}};
  WatchCache cache(*client);
  std::atomic<bool> seen{false};
  std::atomic<bool> saw_object{false};
  cache.subscribe([&](const WatchEvent& event, const Resource& resource) {
    if (event.type != "ADDED" || resource.name != "pods" || seen) return;
    saw_object = cache.get(k_pods, "default", "b").has_value() && cache.list(k_pods).size() == 1;
    seen = true;
  });
  ASSERT_TRUE(cache.watch(k_pods));
  EXPECT_TRUE(
      cache.wait_until([&] { return seen.load(); }, std::chrono::steady_clock::now() + 20s));
  EXPECT_TRUE(saw_object);
  cache.stop();
  EXPECT_FALSE(cache.watch(k_config_maps));
}

}  // namespace
}  // namespace plumb::kube
