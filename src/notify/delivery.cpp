// Provider lanes, retries and backoff (notify/delivery.hpp).
#include "notify/delivery.hpp"

#include <algorithm>
#include <deque>
#include <thread>

namespace plumb::notify {

struct Dispatcher::Lane {
  std::deque<Delivery> queue;  // guarded by Dispatcher::m_mutex
  bool busy = false;           // a delivery is in flight (or backing off)
  std::thread thread;
};

namespace {

Result<net::ClientResponse> send_with_curl(const net::ClientRequest& request,
                                           const SendOptions& options) {
  net::ClientOptions client;
  client.tls.ca_pem = options.ca_pem;
  client.timeout = options.timeout;
  client.connect_timeout = std::min(options.timeout, std::chrono::seconds(10));
  client.redirects = net::Redirects::refuse;
  client.max_response_bytes = size_t(1) << 20;
  client.user_agent = "plumb-notification-controller";
  client.proxy = options.proxy;
  return net::HttpClient(client).send(request);
}

std::chrono::milliseconds backoff(const DeliveryOptions& options, int attempt) {
  auto delay = options.first_backoff;
  for (int i = 1; i < attempt && delay < options.max_backoff; ++i)
    delay *= 2;
  return std::min(delay, options.max_backoff);
}

}  // namespace

bool retryable_status(long status) {
  return status == 429 || status >= 500;
}

std::string mask_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 5))
      text.replace(at, secret.size(), "*****");
  }
  return text;
}

Dispatcher::Dispatcher(DeliveryOptions options) : m_options(std::move(options)) {
  if (!m_options.send) m_options.send = send_with_curl;
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::submit(Delivery delivery) {
  LockGuard lock(m_mutex);
  if (m_stopping) return;
  auto& lane = m_lanes[delivery.lane];
  if (!lane) {
    lane = std::make_unique<Lane>();
    Lane* raw = lane.get();
    lane->thread = std::thread([this, raw] { run(*raw); });
  }
  if (lane->queue.size() >= m_options.lane_capacity) {
    ++m_dropped;
    return;
  }
  lane->queue.push_back(std::move(delivery));
  m_changed.notify_all();
}

void Dispatcher::run(Lane& lane) {
  while (true) {
    Delivery delivery;
    {
      UniqueLock lock(m_mutex);
      lane.busy = false;
      m_changed.notify_all();
      while (!m_stopping && lane.queue.empty())
        m_changed.wait(lock);
      if (m_stopping) return;
      delivery = std::move(lane.queue.front());
      lane.queue.pop_front();
      lane.busy = true;
    }
    deliver(lane, delivery);
  }
}

void Dispatcher::deliver(Lane&, const Delivery& delivery) {
  SendOptions send{.timeout = delivery.timeout, .ca_pem = delivery.ca_pem, .proxy = delivery.proxy};
  std::string error;
  for (int attempt = 1; attempt <= m_options.max_attempts; ++attempt) {
    if (attempt > 1 && !wait_backoff(backoff(m_options, attempt - 1))) return;  // stopping
    net::ClientRequest request = delivery.request;
    request.cancel = &m_cancel;
    auto response = m_options.send(request, send);
    if (m_cancel) return;  // stopping: neither a retry nor a report
    if (response && response->status >= 200 && response->status < 300) {
      if (m_options.on_delivery) m_options.on_delivery(delivery.type, true);
      return;
    }
    if (response) {
      error = delivery.request.method + " " + net::redact_url(delivery.request.url) + ": " +
              std::to_string(response->status);
      if (!retryable_status(response->status)) break;
    } else {
      error = response.error().message();
    }
  }
  if (m_options.on_delivery) m_options.on_delivery(delivery.type, false);
  if (m_options.on_failure)
    m_options.on_failure(delivery.provider, mask_secrets(std::move(error), delivery.secrets));
}

bool Dispatcher::wait_backoff(std::chrono::milliseconds delay) {
  auto deadline = std::chrono::steady_clock::now() + delay;
  UniqueLock lock(m_mutex);
  while (!m_stopping && std::chrono::steady_clock::now() < deadline)
    m_changed.wait_until(lock, deadline);
  return !m_stopping;
}

void Dispatcher::drain() {
  UniqueLock lock(m_mutex);
  while (!idle())
    m_changed.wait(lock);
}

bool Dispatcher::idle() const {
  return std::all_of(m_lanes.begin(), m_lanes.end(),
                     [](const auto& l) { return !l.second->busy && l.second->queue.empty(); });
}

void Dispatcher::stop() {
  std::map<std::string, std::unique_ptr<Lane>> lanes;
  {
    LockGuard lock(m_mutex);
    m_stopping = true;
    m_cancel = true;
    m_changed.notify_all();
    lanes.swap(m_lanes);
  }
  for (auto& [name, lane] : lanes)
    if (lane->thread.joinable()) lane->thread.join();
}

uint64_t Dispatcher::dropped() const {
  LockGuard lock(m_mutex);
  return m_dropped;
}

}  // namespace plumb::notify
