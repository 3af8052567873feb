// A Transport for concurrency tests: passes requests to another one (one at a time, so a
// FakeTransport may answer them), but holds the requests of chosen routes ("GET /api") at a
// gate until the test opens it. A test sees what a client does while a request is in flight:
//
//   gate.hold("GET /api");
//   std::thread first([&] { client.resource_for("v1", "Pod"); });
//   gate.wait_for_held("GET /api");     // the discovery is in flight now
//   ...                                 // other calls must not wait for it
//   gate.open("GET /api");
//
// Streams are answered whole (one chunk) once the route's gate is open. make_gated_client()
// puts a FakeTransport behind a gate and a Client in front.
//
// Thread safety: every member may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "core/thread_annotations.hpp"
#include "kube/client.hpp"
#include "kube/fake_transport.hpp"
#include "kube/transport.hpp"

namespace plumb::kube {

class GatedTransport final : public Transport {
 public:
  explicit GatedTransport(std::unique_ptr<Transport> inner) : m_inner(std::move(inner)) {}

  // From now on, requests of route ("METHOD /target") wait until open(route).
  void hold(const std::string& route) EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    m_held.insert(route);
  }
  // Lets the waiting requests of route through, and those that come later.
  void open(const std::string& route) EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    m_held.erase(route);
    m_changed.notify_all();
  }
  // Returns once `count` requests of route wait at its gate.
  void wait_for_held(const std::string& route, size_t count = 1) EXCLUDES(m_mutex) {
    UniqueLock lock(m_mutex);
    while (m_waiting[route] < count)
      m_changed.wait(lock);
  }
  // Requests of route made so far (waiting ones included).
  size_t requests(const std::string& route) const EXCLUDES(m_mutex) {
    LockGuard lock(m_mutex);
    auto it = m_requests.find(route);
    return it == m_requests.end() ? 0 : it->second;
  }

  Result<HttpResponse> send(const HttpRequest& request) override EXCLUDES(m_mutex) {
    pass_gate(request.method + " " + request.target);
    LockGuard lock(m_inner_mutex);
    return m_inner->send(request);
  }
  Result<HttpResponse> stream(const HttpRequest& request, const ChunkHandler& on_chunk) override
      EXCLUDES(m_mutex) {
    HttpResponse response = TRY(send(request));
    if (response.status < 200 || response.status >= 300) return response;
    on_chunk(response.body);
    return HttpResponse{response.status, "", response.flow_control};
  }

 private:
  void pass_gate(const std::string& route) EXCLUDES(m_mutex) {
    UniqueLock lock(m_mutex);
    ++m_requests[route];
    if (!m_held.contains(route)) return;
    ++m_waiting[route];
    m_changed.notify_all();
    while (m_held.contains(route))
      m_changed.wait(lock);
    --m_waiting[route];
  }

  Mutex m_inner_mutex;
  std::unique_ptr<Transport> m_inner PT_GUARDED_BY(m_inner_mutex);
  mutable Mutex m_mutex;
  CondVar m_changed;  // a request arrived at a gate, or a gate opened
  std::set<std::string, std::less<>> m_held GUARDED_BY(m_mutex);
  std::map<std::string, size_t, std::less<>> m_waiting GUARDED_BY(m_mutex);
  std::map<std::string, size_t, std::less<>> m_requests GUARDED_BY(m_mutex);
};

// A Client whose requests pass a gate to a FakeTransport (no rate limit, 1 ms retry backoff).
struct GatedClient {
  FakeTransport* fake;
  GatedTransport* gate;
  std::unique_ptr<Client> client;
};

inline GatedClient make_gated_client() {
  auto fake = std::make_unique<FakeTransport>();
  FakeTransport* fake_ptr = fake.get();
  auto gate = std::make_unique<GatedTransport>(std::move(fake));
  GatedTransport* gate_ptr = gate.get();
  ClientOptions options;
  options.qps = 0;
  options.first_backoff = std::chrono::milliseconds(1);
  auto client =
      std::make_unique<Client>(RestConfig{.server = "https://x"}, std::move(gate), options);
  return {fake_ptr, gate_ptr, std::move(client)};
}

}  // namespace plumb::kube
