// The delivery queue: requests to Providers sent in the background, one lane (a bounded
// queue and its thread) per Provider, so a provider that is down or hangs holds up only its
// own lane — never the others, never the caller. A failed attempt (transport error, 429,
// 5xx) is retried with exponential backoff; a request that still fails, or that the service
// refuses (other 4xx), is reported through on_failure. Each request has its Provider's
// timeout.
//
// Secrets: the strings in Delivery::secrets (token, password, the Secret's address) are
// masked ("*****") in every error text before it leaves this file; requests are never logged.
//
// Thread safety: submit() may be called from any thread and never blocks on the network.
// on_delivery and on_failure are called from a lane's thread, without any lock held.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/thread_annotations.hpp"
#include "net/http_client.hpp"
#include "notify/spec.hpp"

namespace plumb::notify {

struct Delivery {
  std::string lane;  // the Provider, "namespace/name": one lane each
  Node provider;     // the Provider object the failure event is about
  ProviderType type = ProviderType::generic;
  net::ClientRequest request;
  std::chrono::seconds timeout{15};
  std::string ca_pem;                // certSecretRef's ca.crt
  std::string proxy;                 // spec.proxy, or the Secret's proxy key
  std::vector<std::string> secrets;  // masked out of error texts
};

struct SendOptions {
  std::chrono::seconds timeout{15};
  std::string ca_pem;
  std::string proxy;
};

using SendFn =
    std::function<Result<net::ClientResponse>(const net::ClientRequest&, const SendOptions&)>;

struct DeliveryOptions {
  size_t lane_capacity = 256;
  int max_attempts = 5;  // Flux's retrying client: the first try and 4 retries
  std::chrono::milliseconds first_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  // How a request goes out; default: net::HttpClient. Tests pass a fake.
  SendFn send;
  std::function<void(ProviderType type, bool ok)> on_delivery;
  // A delivery that failed for good: the Provider and the (masked) error.
  std::function<void(const Node& provider, const std::string& error)> on_failure;
};

// Whether a response status is worth another attempt (429, 5xx).
bool retryable_status(long status);
// text with every non-empty secret replaced by "*****".
std::string mask_secrets(std::string text, const std::vector<std::string>& secrets);

class Dispatcher {
 public:
  explicit Dispatcher(DeliveryOptions options);
  ~Dispatcher();  // stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Queues the request on its Provider's lane; a full lane drops it (counted).
  void submit(Delivery delivery) EXCLUDES(m_mutex);
  // Returns once every lane is idle (tests).
  void drain() EXCLUDES(m_mutex);
  // Ends the lanes: queued requests are dropped, a request in flight is cancelled (within
  // about a second).
  void stop() EXCLUDES(m_mutex);

  uint64_t dropped() const EXCLUDES(m_mutex);

 private:
  struct Lane;
  void run(Lane& lane);
  void deliver(Lane& lane, const Delivery& delivery);
  bool wait_backoff(std::chrono::milliseconds delay) EXCLUDES(m_mutex);
  bool idle() const REQUIRES(m_mutex);

  DeliveryOptions m_options;
  mutable Mutex m_mutex;
  CondVar m_changed;  // work queued, a lane idle, or stopping
  std::map<std::string, std::unique_ptr<Lane>> m_lanes GUARDED_BY(m_mutex);
  bool m_stopping GUARDED_BY(m_mutex) = false;
  std::atomic<bool> m_cancel{false};  // stop(): requests in flight end
  uint64_t m_dropped GUARDED_BY(m_mutex) = 0;
};

}  // namespace plumb::notify
