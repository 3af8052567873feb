#include "localcluster/store.hpp"

#include <charconv>

#include "localcluster/journal.hpp"

namespace plumb::localcluster {
namespace {

void set_rv(Node& object, uint64_t rv) {
  object["metadata"].set("resourceVersion", Node::string(std::to_string(rv)));
}

std::pair<std::string, std::string> group_plural(const std::string& resource) {
  size_t slash = resource.find('/');
  return {resource.substr(0, slash), resource.substr(slash + 1)};
}

Node record(std::string_view op, uint64_t rv, const std::string& resource, const std::string& ns,
            const std::string& name, const Node& object) {
  Node r = Node::map(6);
  r.set("op", Node::string(op));
  r.set("rv", Node::integer(static_cast<int64_t>(rv)));
  r.set("r", Node::string(resource));
  r.set("ns", Node::string(ns));
  r.set("n", Node::string(name));
  if (!object.is_null()) r.set("o", object);
  return r;
}

}  // namespace

std::string_view event_type_name(EventType type) {
  switch (type) {
    case EventType::added:
      return "ADDED";
    case EventType::modified:
      return "MODIFIED";
    case EventType::deleted:
      return "DELETED";
  }
  return "ERROR";
}

std::string object_key(std::string_view ns, std::string_view name) {
  std::string key;
  key.reserve(ns.size() + name.size() + 1);
  key += ns;
  key += '/';
  key += name;
  return key;
}

Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options) {
  std::unique_ptr<Store> store(new Store());
  store->m_window = options.event_window == 0 ? 1 : options.event_window;
  store->m_compact_bytes = options.compact_bytes;
  {
    LockGuard lock(store->m_mutex);  // nobody else sees the store yet
    store->m_ring.resize(store->m_window);
    if (!options.data_dir.empty()) TRY_VOID(store->load(options.data_dir));
    store->m_first_event_rv = store->m_rv + 1;
  }
  return store;
}

Result<void> Store::load(const std::string& data_dir) {
  auto replay = [this](const Node& r) REQUIRES(m_mutex) {
    uint64_t rv = static_cast<uint64_t>(r.find("rv") ? r.find("rv")->as_int() : 0);
    if (rv > m_rv) m_rv = rv;
    std::string_view op = r.string_at({"op"});
    if (op == "rv") return;
    std::string resource(r.string_at({"r"}));
    std::string key = object_key(r.string_at({"ns"}), r.string_at({"n"}));
    if (op == "put") {
      const Node* object = r.find("o");
      if (object) m_objects[resource][key] = Entry{*object, rv};
    } else if (op == "del") {
      auto it = m_objects.find(resource);
      if (it != m_objects.end()) it->second.erase(key);
    }
  };
  m_journal = TRY(Journal::open(data_dir + "/store", replay));
  for (const auto& [resource, objects] : m_objects) {
    for (const auto& [key, entry] : objects)
      index_add(resource, key, entry.object);
  }
  // Start every run from a fresh snapshot, so the journal only holds this run's writes.
  return compact_locked();
}

Result<void> Store::compact_locked() {
  std::vector<Node> records;
  Node head = Node::map();
  head.set("op", Node::string("rv"));
  head.set("rv", Node::integer(static_cast<int64_t>(m_rv)));
  records.push_back(std::move(head));
  for (const auto& [resource, objects] : m_objects) {
    for (const auto& [key, entry] : objects) {
      size_t slash = key.find('/');
      records.push_back(record("put", entry.rv, resource, key.substr(0, slash),
                               key.substr(slash + 1), entry.object));
    }
  }
  return m_journal->compact(records);
}

Store::~Store() {
  close();
}

uint64_t Store::current_rv() const {
  LockGuard lock(m_mutex);
  return m_rv;
}

std::optional<Node> Store::get(const std::string& resource, std::string_view ns,
                               std::string_view name) const {
  LockGuard lock(m_mutex);
  auto objects = m_objects.find(resource);
  if (objects == m_objects.end()) return std::nullopt;
  auto it = objects->second.find(object_key(ns, name));
  if (it == objects->second.end()) return std::nullopt;
  return it->second.object;
}

ListPage Store::list(const std::string& resource, std::string_view ns, std::string_view after_key,
                     size_t limit, const std::function<bool(const Node&)>& filter) const {
  ListPage page;
  LockGuard lock(m_mutex);
  page.rv = m_rv;
  auto objects = m_objects.find(resource);
  if (objects == m_objects.end()) return page;
  const Objects& map = objects->second;
  std::string prefix = ns.empty() ? std::string() : object_key(ns, "");
  auto it = after_key.empty() ? map.lower_bound(prefix) : map.upper_bound(after_key);
  std::string_view last_key;
  for (; it != map.end(); ++it) {
    if (!prefix.empty() && !it->first.starts_with(prefix)) break;
    if (filter && !filter(it->second.object)) continue;
    if (limit != 0 && page.items.size() == limit) {
      // One more item exists: the client continues after the last one returned.
      page.next_key = std::string(last_key);
      break;
    }
    page.items.push_back(it->second.object);
    last_key = it->first;
  }
  return page;
}

std::vector<std::pair<std::string, Node>> Store::namespace_contents(std::string_view ns) const {
  std::vector<std::pair<std::string, Node>> out;
  std::string prefix = object_key(ns, "");
  LockGuard lock(m_mutex);
  for (const auto& [resource, objects] : m_objects) {
    for (auto it = objects.lower_bound(prefix);
         it != objects.end() && it->first.starts_with(prefix); ++it) {
      out.emplace_back(resource, it->second.object);
    }
  }
  return out;
}

void Store::index_add(const std::string& resource, const std::string& key, const Node& object) {
  std::string_view uid = object.string_at({"metadata", "uid"});
  if (!uid.empty()) m_by_uid[std::string(uid)] = {resource, key};
  if (const Node* refs = object.at_path({"metadata", "ownerReferences"})) {
    for (const Node& ref : refs->items())
      m_dependents[std::string(ref.string_at({"uid"}))].insert({resource, key});
  }
}

void Store::index_remove(const std::string& resource, const std::string& key, const Node& object) {
  std::string uid(object.string_at({"metadata", "uid"}));
  if (auto it = m_by_uid.find(uid); it != m_by_uid.end() && it->second.second == key)
    m_by_uid.erase(it);
  if (const Node* refs = object.at_path({"metadata", "ownerReferences"})) {
    for (const Node& ref : refs->items()) {
      auto it = m_dependents.find(std::string(ref.string_at({"uid"})));
      if (it == m_dependents.end()) continue;
      it->second.erase({resource, key});
      if (it->second.empty()) m_dependents.erase(it);
    }
  }
}

std::vector<std::pair<std::string, Node>> Store::dependents_of(std::string_view uid) const {
  std::vector<std::pair<std::string, Node>> out;
  LockGuard lock(m_mutex);
  auto it = m_dependents.find(std::string(uid));
  if (it == m_dependents.end()) return out;
  for (const auto& [resource, key] : it->second) {
    auto objects = m_objects.find(resource);
    if (objects == m_objects.end()) continue;
    auto entry = objects->second.find(key);
    if (entry != objects->second.end()) out.emplace_back(resource, entry->second.object);
  }
  return out;
}

bool Store::uid_exists(std::string_view uid) const {
  LockGuard lock(m_mutex);
  return m_by_uid.contains(std::string(uid));
}

Store::Committed Store::commit(EventType type, const std::string& resource, const std::string& ns,
                               const std::string& name, Node object) {
  uint64_t rv = ++m_rv;
  set_rv(object, rv);
  const std::string key = object_key(ns, name);
  Objects& objects = m_objects[resource];
  Node previous;
  if (auto it = objects.find(key); it != objects.end()) {
    index_remove(resource, key, it->second.object);
    if (type == EventType::modified) previous = it->second.object;
  }
  if (type != EventType::deleted) index_add(resource, key, object);
  if (type == EventType::deleted) {
    objects.erase(key);
  } else {
    objects[key] = Entry{object, rv};
  }
  // The ring holds the newest m_window events, indexed by resourceVersion.
  if (m_ring_size == m_window) {
    m_ring_start = (m_ring_start + 1) % m_window;
    --m_ring_size;
    ++m_first_event_rv;
  }
  m_ring[(m_ring_start + m_ring_size) % m_window] =
      WatchEvent{type, rv, resource, ns, object, std::move(previous)};
  ++m_ring_size;
  uint64_t sequence = 0;
  if (m_journal) {
    sequence = m_journal->append(record(type == EventType::deleted ? "del" : "put", rv, resource,
                                        ns, name, type == EventType::deleted ? Node() : object));
  }
  m_changed.notify_all();
  if (m_journal && m_journal->journal_bytes() >= m_compact_bytes) {
    if (auto compacted = compact_locked(); !compacted)
      return {api_fail(500, "InternalError", compacted.error().message())};
  }
  return {std::move(object), sequence};
}

ApiResult<Node> Store::durable(Committed committed) {
  if (committed.object && committed.sequence != 0) {
    if (auto durable = m_journal->wait_durable(committed.sequence); !durable)
      return api_fail(500, "InternalError", durable.error().message());
  }
  return std::move(committed.object);
}

ApiResult<Node> Store::create(const std::string& resource, const std::string& ns,
                              const std::string& name, Node object) {
  UniqueLock lock(m_mutex);
  auto& objects = m_objects[resource];
  if (objects.contains(object_key(ns, name))) {
    auto [group, plural] = group_plural(resource);
    return std::unexpected(already_exists(plural, group, name));
  }
  Committed committed = commit(EventType::added, resource, ns, name, std::move(object));
  lock.unlock();
  return durable(std::move(committed));
}

ApiResult<Node> Store::update(const std::string& resource, const std::string& ns,
                              const std::string& name, Node object, uint64_t expected_rv) {
  UniqueLock lock(m_mutex);
  auto& objects = m_objects[resource];
  auto it = objects.find(object_key(ns, name));
  auto [group, plural] = group_plural(resource);
  if (it == objects.end()) return std::unexpected(not_found(plural, group, name));
  if (expected_rv != 0 && it->second.rv != expected_rv) {
    return std::unexpected(conflict(plural, group, name,
                                    "the object has been modified; please apply your changes "
                                    "to the latest version and try again"));
  }
  Committed committed = commit(EventType::modified, resource, ns, name, std::move(object));
  lock.unlock();
  return durable(std::move(committed));
}

ApiResult<Node> Store::remove(const std::string& resource, const std::string& ns,
                              const std::string& name, uint64_t expected_rv) {
  UniqueLock lock(m_mutex);
  auto& objects = m_objects[resource];
  auto it = objects.find(object_key(ns, name));
  auto [group, plural] = group_plural(resource);
  if (it == objects.end()) return std::unexpected(not_found(plural, group, name));
  if (expected_rv != 0 && it->second.rv != expected_rv) {
    return std::unexpected(conflict(plural, group, name,
                                    "the object has been modified; please apply your changes "
                                    "to the latest version and try again"));
  }
  Node last = it->second.object;
  Committed committed = commit(EventType::deleted, resource, ns, name, std::move(last));
  lock.unlock();
  return durable(std::move(committed));
}

void Store::remove_all(const std::string& resource) {
  for (;;) {
    UniqueLock lock(m_mutex);
    auto objects = m_objects.find(resource);
    if (objects == m_objects.end() || objects->second.empty()) return;
    auto first = objects->second.begin();
    std::string key = first->first;
    Node last = first->second.object;
    size_t slash = key.find('/');
    Committed committed = commit(EventType::deleted, resource, key.substr(0, slash),
                                 key.substr(slash + 1), std::move(last));
    lock.unlock();
    (void)durable(std::move(committed));
  }
}

WaitStatus Store::wait_events(const std::string& resource, std::string_view ns, uint64_t& cursor,
                              std::chrono::milliseconds timeout, std::vector<WatchEvent>& out) {
  UniqueLock lock(m_mutex);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (m_closed) return WaitStatus::closed;
    if (cursor + 1 < m_first_event_rv) return WaitStatus::gone;
    size_t before = out.size();
    while (cursor < m_rv) {
      ++cursor;
      const WatchEvent& event =
          m_ring[(m_ring_start + static_cast<size_t>(cursor - m_first_event_rv)) % m_window];
      if ((resource.empty() || event.resource == resource) && (ns.empty() || event.ns == ns))
        out.push_back(event);
    }
    if (out.size() > before) return WaitStatus::events;
    if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) {
      if (cursor >= m_rv) return WaitStatus::timeout;
    }
  }
}

void Store::close() {
  LockGuard lock(m_mutex);
  m_closed = true;
  m_changed.notify_all();
}

}  // namespace plumb::localcluster
