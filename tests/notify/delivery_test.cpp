#include "notify/delivery.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

namespace plumb::notify {
namespace {

using namespace std::chrono_literals;

Delivery to(std::string lane, std::string url) {
  Delivery d;
  d.lane = std::move(lane);
  d.type = ProviderType::generic;
  d.request.method = "POST";
  d.request.url = std::move(url);
  d.provider = Node::map();
  d.provider["metadata"].set("name", Node::string("p"));
  return d;
}

struct Recorder {
  std::mutex mutex;
  std::vector<std::string> urls;
  std::vector<std::pair<std::string, bool>> deliveries;
  std::vector<std::string> failures;
  std::condition_variable changed;

  // Waits (on the condition variable, not a sleep) until n deliveries are told.
  bool wait_deliveries(size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s, [&] { return deliveries.size() >= n; });
  }
};

DeliveryOptions options(Recorder& r, std::function<long(const std::string&, int)> status) {
  DeliveryOptions o;
  o.first_backoff = 1ms;
  o.max_backoff = 4ms;
  o.send = [&r, status, calls = std::make_shared<std::map<std::string, int>>()](
               const net::ClientRequest& request,
               const SendOptions&) -> Result<net::ClientResponse> {
    int n;
    {
      std::lock_guard lock(r.mutex);
      r.urls.push_back(request.url);
      n = ++(*calls)[request.url];
    }
    long s = status(request.url, n);
    if (s == 0) return fail("POST ", request.url, ": connection refused (token sekret)");
    net::ClientResponse response;
    response.status = s;
    return response;
  };
  o.on_delivery = [&r](ProviderType type, bool ok) {
    std::lock_guard lock(r.mutex);
    r.deliveries.emplace_back(std::string(to_string(type)), ok);
    r.changed.notify_all();
  };
  o.on_failure = [&r](const Node&, const std::string& error) {
    std::lock_guard lock(r.mutex);
    r.failures.push_back(error);
  };
  return o;
}

TEST(NotifyDelivery, RetriesServerErrorsWithBackoffThenSucceeds) {
  Recorder r;
  Dispatcher d(options(r, [](const std::string&, int n) { return n < 3 ? 500L : 200L; }));
  d.submit(to("ns/a", "http://a/1"));
  d.drain();
  EXPECT_EQ(r.urls.size(), 3u);
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_TRUE(r.deliveries[0].second);
  EXPECT_TRUE(r.failures.empty());
}

TEST(NotifyDelivery, GivesUpAfterMaxAttemptsAndReportsMasked) {
  Recorder r;
  Dispatcher d(options(r, [](const std::string&, int) { return 0L; }));
  Delivery x = to("ns/a", "http://a/1");
  x.secrets = {"sekret"};
  d.submit(x);
  d.drain();
  EXPECT_EQ(r.urls.size(), 5u);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0], "POST http://a/1: connection refused (token *****)");
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_FALSE(r.deliveries[0].second);
}

TEST(NotifyDelivery, ClientErrorsAreNotRetried) {
  Recorder r;
  Dispatcher d(options(r, [](const std::string&, int) { return 404L; }));
  d.submit(to("ns/a", "http://a/1"));
  d.drain();
  EXPECT_EQ(r.urls.size(), 1u);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0], "POST http://a/1: 404");
}

TEST(NotifyDelivery, AHangingProviderDoesNotHoldUpAnother) {
  Recorder r;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  DeliveryOptions o = options(r, [](const std::string&, int) { return 200L; });
  SendFn fast = o.send;
  o.send = [fast, released](const net::ClientRequest& request, const SendOptions& s) {
    if (request.url == "http://hang/") released.wait();  // the hanging service
    return fast(request, s);
  };
  Dispatcher d(o);
  d.submit(to("ns/hang", "http://hang/"));
  d.submit(to("ns/ok", "http://ok/"));
  // The other lane finishes while the first still hangs.
  bool other = r.wait_deliveries(1);
  release.set_value();
  ASSERT_TRUE(other);
  d.drain();
  EXPECT_EQ(r.deliveries.size(), 2u);
}

TEST(NotifyDelivery, StopCancelsARequestInFlight) {
  Recorder r;
  std::promise<void> entered;
  DeliveryOptions o = options(r, [](const std::string&, int) { return 200L; });
  o.send = [&entered](const net::ClientRequest& request,
                      const SendOptions&) -> Result<net::ClientResponse> {
    entered.set_value();
    while (request.cancel == nullptr || !request.cancel->load())  // a server that hangs
      std::this_thread::yield();
    return fail("cancelled");
  };
  Dispatcher d(o);
  d.submit(to("ns/hang", "http://hang/"));
  entered.get_future().wait();
  d.stop();                           // returns: the request saw the cancel flag
  EXPECT_TRUE(r.deliveries.empty());  // no retry, no report while stopping
  EXPECT_TRUE(r.failures.empty());
}

TEST(NotifyDelivery, AFullLaneDrops) {
  Recorder r;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  DeliveryOptions o = options(r, [](const std::string&, int) { return 200L; });
  o.lane_capacity = 2;
  SendFn fast = o.send;
  o.send = [fast, released](const net::ClientRequest& request, const SendOptions& s) {
    released.wait();
    return fast(request, s);
  };
  Dispatcher d(o);
  for (int i = 0; i < 10; ++i)
    d.submit(to("ns/a", "http://a/" + std::to_string(i)));
  release.set_value();
  d.drain();
  // One in flight (taken before the lane filled, or not), two queued; the rest dropped.
  EXPECT_GE(d.dropped(), 7u);
  EXPECT_LE(d.dropped(), 8u);
}

TEST(NotifyDelivery, MaskSecrets) {
  EXPECT_EQ(mask_secrets("a tok b tok", {"tok", ""}), "a ***** b *****");
  EXPECT_TRUE(retryable_status(503));
  EXPECT_TRUE(retryable_status(429));
  EXPECT_FALSE(retryable_status(400));
}

}  // namespace
}  // namespace plumb::notify
