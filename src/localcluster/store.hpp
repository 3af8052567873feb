// The object store of the embedded API server: objects by resource ("group/plural"),
// namespace and name, one global resourceVersion counter, an event window for watches, and,
// with a data directory, a journal that makes every acknowledged write durable.
//
// The store knows nothing of Kubernetes semantics beyond metadata.resourceVersion, which it
// sets on every write; the API layer computes objects and calls create/update/remove with
// the resourceVersion it read (optimistic concurrency).
//
// Every write gets the next resourceVersion and exactly one event, so the event window is
// indexed by resourceVersion. A watch from a resourceVersion older than the window gets
// Gone (410), as Kubernetes does when etcd has compacted.
//
// Thread safety: every member may be called concurrently. Writes return only after their
// journal record is on disk (group commit: concurrent writers share one fdatasync), waiting
// for it without the store's lock. A list's filter runs with the lock held: it must be a pure
// function of the object (a selector), never a call out.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "core/node.hpp"
#include "core/thread_annotations.hpp"
#include "localcluster/api_error.hpp"

namespace plumb::localcluster {

class Journal;

enum class EventType { added, modified, deleted };
std::string_view event_type_name(EventType type);

struct WatchEvent {
  EventType type;
  uint64_t rv;
  std::string resource;  // storage key "group/plural"
  std::string ns;
  Node object;    // for deleted: the last state, carrying the deletion's resourceVersion
  Node previous;  // for modified: the state before (a selector may stop or start matching)
};

struct StoreOptions {
  std::string data_dir;  // "" keeps everything in memory
  size_t event_window = 100000;
  // The journal is folded into a new snapshot once it holds this many bytes.
  size_t compact_bytes = 64u << 20;
};

struct ListPage {
  std::vector<Node> items;
  uint64_t rv = 0;       // the store's resourceVersion when the page was read
  std::string next_key;  // "" when this was the last page; else the last key returned
};

enum class WaitStatus { events, timeout, gone, closed };

class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const StoreOptions& options);
  ~Store();

  uint64_t current_rv() const EXCLUDES(m_mutex);

  std::optional<Node> get(const std::string& resource, std::string_view ns,
                          std::string_view name) const EXCLUDES(m_mutex);

  // Objects of a resource (of one namespace when ns is not ""), in namespace/name order,
  // starting after `after_key`, at most `limit` (0: all) that pass `filter` (pure: it runs
  // under the store's lock).
  ListPage list(const std::string& resource, std::string_view ns, std::string_view after_key,
                size_t limit, const std::function<bool(const Node&)>& filter) const
      EXCLUDES(m_mutex);

  // Every (resource, object) of a namespace, for namespace deletion.
  std::vector<std::pair<std::string, Node>> namespace_contents(std::string_view ns) const
      EXCLUDES(m_mutex);

  // Objects whose ownerReferences name `uid`, and whether any object has `uid` (indexed, for
  // garbage collection).
  std::vector<std::pair<std::string, Node>> dependents_of(std::string_view uid) const
      EXCLUDES(m_mutex);
  bool uid_exists(std::string_view uid) const EXCLUDES(m_mutex);

  // Writes; each returns the stored object with its new metadata.resourceVersion.
  ApiResult<Node> create(const std::string& resource, const std::string& ns,
                         const std::string& name, Node object) EXCLUDES(m_mutex);
  // expected_rv 0: unconditional.
  ApiResult<Node> update(const std::string& resource, const std::string& ns,
                         const std::string& name, Node object, uint64_t expected_rv)
      EXCLUDES(m_mutex);
  ApiResult<Node> remove(const std::string& resource, const std::string& ns,
                         const std::string& name, uint64_t expected_rv) EXCLUDES(m_mutex);
  // Drops every object of a resource (a CRD was deleted); one event per object.
  void remove_all(const std::string& resource) EXCLUDES(m_mutex);

  // Appends the events after `cursor` of `resource` (every resource when ""; of namespace
  // `ns` unless "") to `out`,
  // waiting up to `timeout` for one; moves `cursor` past every event looked at.
  WaitStatus wait_events(const std::string& resource, std::string_view ns, uint64_t& cursor,
                         std::chrono::milliseconds timeout, std::vector<WatchEvent>& out)
      EXCLUDES(m_mutex);

  // Wakes every waiting watcher with `closed` (the server is stopping).
  void close() EXCLUDES(m_mutex);

 private:
  struct Entry {
    Node object;
    uint64_t rv;
  };
  using Objects = std::map<std::string, Entry, std::less<>>;
  // A write done in memory (and queued in the journal), not yet durable.
  struct Committed {
    ApiResult<Node> object;
    uint64_t sequence = 0;  // its journal record; 0: none
  };

  Store() = default;
  Committed commit(EventType type, const std::string& resource, const std::string& ns,
                   const std::string& name, Node object) REQUIRES(m_mutex);
  // Returns the written object once its journal record is on disk.
  ApiResult<Node> durable(Committed committed) EXCLUDES(m_mutex);
  Result<void> load(const std::string& data_dir) REQUIRES(m_mutex);
  // A snapshot of everything, written with m_mutex held (writes wait for it).
  Result<void> compact_locked() REQUIRES(m_mutex);
  void index_add(const std::string& resource, const std::string& key, const Node& object)
      REQUIRES(m_mutex);
  void index_remove(const std::string& resource, const std::string& key, const Node& object)
      REQUIRES(m_mutex);

  mutable Mutex m_mutex;
  CondVar m_changed;  // an event was added, or the store closed
  std::unordered_map<std::string, Objects> m_objects GUARDED_BY(m_mutex);
  using Location = std::pair<std::string, std::string>;  // (resource, key)
  std::unordered_map<std::string, Location> m_by_uid GUARDED_BY(m_mutex);
  std::unordered_map<std::string, std::set<Location>> m_dependents
      GUARDED_BY(m_mutex);  // by owner uid
  uint64_t m_rv GUARDED_BY(m_mutex) = 0;
  // Events, m_first_event_rv at m_ring_start.
  std::vector<WatchEvent> m_ring GUARDED_BY(m_mutex);
  size_t m_ring_start GUARDED_BY(m_mutex) = 0;
  size_t m_ring_size GUARDED_BY(m_mutex) = 0;
  uint64_t m_first_event_rv GUARDED_BY(m_mutex) = 1;
  bool m_closed GUARDED_BY(m_mutex) = false;
  // Set by open(), then read only.
  size_t m_window = 0;
  size_t m_compact_bytes = 0;
  // Set by open(); records are appended with m_mutex held (in resourceVersion order) and
  // waited for without it.
  std::unique_ptr<Journal> m_journal;
};

// "ns/name", the key objects are ordered by.
std::string object_key(std::string_view ns, std::string_view name);

}  // namespace plumb::localcluster
