// A watch-backed cache of objects: for each watched resource (in a namespace or all), one
// thread lists it once and then follows its watch, re-listing after 410 Gone or a dropped
// stream. Readers see the latest state without a request; waiters are woken on every event;
// subscribers are called for every change (drift detection).
//
// Thread safety: all methods may be called from any thread. Subscribers run on the watch
// threads and must not block for long.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kube/client.hpp"

namespace plumb::kube {

class WatchCache {
 public:
  explicit WatchCache(Client& client) : m_client(client) {}
  ~WatchCache();
  WatchCache(const WatchCache&) = delete;
  WatchCache& operator=(const WatchCache&) = delete;

  // Starts following resource in ns ("" for all namespaces) unless already followed; returns
  // once the initial list is in the cache (or failed: then the error).
  Result<void> watch(const Resource& resource, std::string_view ns = {});

  // The cached object, or nullopt when it does not exist (or its resource is not watched).
  std::optional<Node> get(const Resource& resource, std::string_view ns,
                          std::string_view name) const;

  // Whether the cache follows resource in ns (a stream of that namespace or of all of them,
  // its initial list done): then get() answers for it, nullopt meaning "does not exist".
  bool follows(const Resource& resource, std::string_view ns) const;

  // Every cached object of resource (in ns, or in all namespaces for "").
  std::vector<Node> list(const Resource& resource, std::string_view ns = {}) const;

  // Calls done() after every change until it returns true or the deadline passes; returns
  // whether it returned true.
  bool wait_until(const std::function<bool()>& done,
                  std::chrono::steady_clock::time_point deadline);

  using Listener = std::function<void(const WatchEvent& event, const Resource& resource)>;
  // Called for every ADDED, MODIFIED and DELETED event from now on.
  void subscribe(Listener listener);

  void stop();

 private:
  struct Stream {
    Resource resource;
    std::string ns;
    std::thread thread;
    std::map<std::string, Node> objects;  // by "namespace/name"
    bool synced = false;
    std::optional<Error> error;
  };
  void run(Stream* stream);
  void publish(Stream* stream, const WatchEvent& event);
  static std::string key(std::string_view ns, std::string_view name);

  Client& m_client;
  mutable std::mutex m_mutex;
  std::condition_variable m_changed;
  std::map<std::string, std::unique_ptr<Stream>> m_streams;  // by path + namespace
  std::vector<Listener> m_listeners;
  std::atomic<bool> m_stopping{false};
  uint64_t m_generation = 0;  // bumped on every event
};

}  // namespace plumb::kube
