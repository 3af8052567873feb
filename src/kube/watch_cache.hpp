// A watch-backed cache of objects: for each watched resource (in a namespace or all), the
// first caller of watch() lists it, then one thread follows its watch, re-listing after 410
// Gone or a dropped stream. Readers see the latest state without a request; waiters are woken
// on every event; subscribers are called for every change (drift detection).
//
// Thread safety: all methods may be called from any thread. No lock is held during a request
// (a LIST or a watch) or while a subscriber runs: readers never wait for the API server, and
// a subscriber may call back into the cache. Subscribers run on the watch threads and must
// not block for long. Locks: m_mutex, then a Stream's mutex, never the other way.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/thread_annotations.hpp"
#include "kube/client.hpp"

namespace plumb::kube {

class WatchCache {
 public:
  explicit WatchCache(Client& client) : m_client(client) {}
  ~WatchCache();
  WatchCache(const WatchCache&) = delete;
  WatchCache& operator=(const WatchCache&) = delete;

  // Starts following resource in ns ("" for all namespaces) unless already followed; returns
  // once the initial list is in the cache (or failed: then the error, and a later call lists
  // again). The first caller lists; callers for the same stream meanwhile wait for its answer.
  Result<void> watch(const Resource& resource, std::string_view ns = {}) EXCLUDES(m_mutex);

  // The cached object, or nullopt when it does not exist (or its resource is not watched).
  std::optional<Node> get(const Resource& resource, std::string_view ns,
                          std::string_view name) const EXCLUDES(m_mutex);

  // Whether the cache follows resource in ns (a stream of that namespace or of all of them,
  // its initial list done): then get() answers for it, nullopt meaning "does not exist".
  bool follows(const Resource& resource, std::string_view ns) const EXCLUDES(m_mutex);

  // Every cached object of resource (in ns, or in all namespaces for "").
  std::vector<Node> list(const Resource& resource, std::string_view ns = {}) const
      EXCLUDES(m_mutex);

  // Calls done() after every change until it returns true or the deadline passes; returns
  // whether it returned true.
  bool wait_until(const std::function<bool()>& done,
                  std::chrono::steady_clock::time_point deadline) const EXCLUDES(m_mutex);

  using Listener = std::function<void(const WatchEvent& event, const Resource& resource)>;
  // Called for every ADDED, MODIFIED and DELETED event from now on.
  void subscribe(Listener listener) EXCLUDES(m_mutex);

  // Ends the watch threads; a watch() after it fails.
  void stop() EXCLUDES(m_mutex);

  // Callers of watch() waiting now for another caller's initial list (for tests).
  size_t waiting() const EXCLUDES(m_mutex);

 private:
  enum class State { listing, synced, failed };
  struct Stream {
    Stream(Resource r, std::string n) : resource(std::move(r)), ns(std::move(n)) {}
    const Resource resource;
    const std::string ns;
    mutable Mutex mutex;
    CondVar settled;  // the initial list ended
    State state GUARDED_BY(mutex) = State::listing;
    std::optional<Error> error GUARDED_BY(mutex);           // why the initial list failed
    size_t waiting GUARDED_BY(mutex) = 0;                   // callers of watch() waiting for it
    std::map<std::string, Node> objects GUARDED_BY(mutex);  // by "namespace/name"
  };
  using Objects = std::map<std::string, Node>;
  using Listeners = std::shared_ptr<const std::vector<Listener>>;

  Result<void> list_first(const std::shared_ptr<Stream>& stream, const std::string& id)
      EXCLUDES(m_mutex);
  void follow(const std::shared_ptr<Stream>& stream, std::string version) EXCLUDES(m_mutex);
  // Replaces the objects with a re-list's; returns what changed as events.
  static std::vector<WatchEvent> replace(Stream& stream, Objects fresh);
  void publish(Stream& stream, const WatchEvent& event) EXCLUDES(m_mutex);
  // Wakes the waiters, then calls the subscribers (without a lock) with each event.
  void changed(const Resource& resource, std::span<const WatchEvent> events) EXCLUDES(m_mutex);
  // Waits for `delay` or stop(); false when stopping.
  bool pause(std::chrono::milliseconds delay) EXCLUDES(m_mutex);
  static Objects objects_of(const Node& list, const Resource& resource);
  static std::string key(std::string_view ns, std::string_view name);

  Client& m_client;
  mutable Mutex m_mutex;
  mutable CondVar m_changed;  // m_generation moved, or stopping
  std::map<std::string, std::shared_ptr<Stream>> m_streams
      GUARDED_BY(m_mutex);                                 // by path + namespace
  std::vector<std::thread> m_threads GUARDED_BY(m_mutex);  // one per listed stream
  Listeners m_listeners GUARDED_BY(m_mutex);               // replaced (not changed) by subscribe
  uint64_t m_generation GUARDED_BY(m_mutex) = 0;           // bumped on every change
  std::atomic<bool> m_stopping{false};
};

}  // namespace plumb::kube
