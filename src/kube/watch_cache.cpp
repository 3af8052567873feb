#include "kube/watch_cache.hpp"

namespace plumb::kube {
namespace {

constexpr std::chrono::milliseconds k_first_backoff{200};
constexpr std::chrono::milliseconds k_max_backoff{5000};

}  // namespace

WatchCache::~WatchCache() {
  stop();
}

std::string WatchCache::key(std::string_view ns, std::string_view name) {
  std::string k(ns);
  k += '/';
  k += name;
  return k;
}

void WatchCache::stop() {
  std::vector<std::thread> threads;
  {
    LockGuard lock(m_mutex);
    m_stopping = true;
    threads.swap(m_threads);
  }
  m_changed.notify_all();
  for (auto& t : threads)
    t.join();
}

Result<void> WatchCache::watch(const Resource& resource, std::string_view ns) {
  std::string id = resource_path(resource, ns, "") + "#" + std::string(ns);
  std::shared_ptr<Stream> stream;
  bool first = false;
  {
    LockGuard lock(m_mutex);
    if (m_stopping) return fail("watch ", resource.name, ": the watch cache is stopped");
    std::shared_ptr<Stream>& slot = m_streams[id];
    if (!slot) {
      slot = std::make_shared<Stream>(resource, std::string(ns));
      first = true;
    }
    stream = slot;
  }
  if (first) return list_first(stream, id);
  // Another caller lists; the stream stays alive for this one even if that list fails.
  UniqueLock lock(stream->mutex);
  ++stream->waiting;
  while (stream->state == State::listing)
    stream->settled.wait(lock);
  --stream->waiting;
  if (stream->state == State::failed) return std::unexpected(*stream->error);
  return {};
}

Result<void> WatchCache::list_first(const std::shared_ptr<Stream>& stream, const std::string& id) {
  auto list = m_client.list(stream->resource, stream->ns);
  if (!list) {
    {
      LockGuard lock(m_mutex);
      m_streams.erase(id);  // the next watch() lists again
    }
    {
      LockGuard lock(stream->mutex);
      stream->state = State::failed;
      stream->error = list.error();
    }
    stream->settled.notify_all();
    return std::unexpected(std::move(list).error());
  }
  // The initial list raises no events.
  Objects objects = objects_of(*list, stream->resource);
  {
    LockGuard lock(stream->mutex);
    stream->objects = std::move(objects);
    stream->state = State::synced;
  }
  stream->settled.notify_all();
  std::string version(list->string_at({"metadata", "resourceVersion"}));
  {
    LockGuard lock(m_mutex);
    ++m_generation;
    if (!m_stopping) m_threads.emplace_back([this, stream, version] { follow(stream, version); });
  }
  m_changed.notify_all();
  return {};
}

std::optional<Node> WatchCache::get(const Resource& resource, std::string_view ns,
                                    std::string_view name) const {
  std::string wanted = resource.namespaced ? std::string(ns) : "";
  std::string k = key(wanted, name);
  LockGuard lock(m_mutex);
  for (const auto& [id, stream] : m_streams) {
    const Resource& r = stream->resource;
    if (r.name != resource.name || r.group != resource.group) continue;
    if (!stream->ns.empty() && stream->ns != wanted) continue;
    LockGuard stream_lock(stream->mutex);
    auto it = stream->objects.find(k);
    if (it != stream->objects.end()) return it->second;
  }
  return std::nullopt;
}

bool WatchCache::follows(const Resource& resource, std::string_view ns) const {
  std::string_view wanted = resource.namespaced ? ns : "";
  LockGuard lock(m_mutex);
  for (const auto& [id, stream] : m_streams) {
    const Resource& r = stream->resource;
    if (r.name != resource.name || r.group != resource.group) continue;
    if (!stream->ns.empty() && stream->ns != wanted) continue;
    LockGuard stream_lock(stream->mutex);
    if (stream->state == State::synced) return true;
  }
  return false;
}

std::vector<Node> WatchCache::list(const Resource& resource, std::string_view ns) const {
  Objects found;  // streams may overlap: one entry per object
  {
    LockGuard lock(m_mutex);
    for (const auto& [id, stream] : m_streams) {
      const Resource& r = stream->resource;
      if (r.name != resource.name || r.group != resource.group) continue;
      if (!ns.empty() && !stream->ns.empty() && stream->ns != ns) continue;
      LockGuard stream_lock(stream->mutex);
      for (const auto& [k, object] : stream->objects) {
        if (ns.empty() || object.string_at({"metadata", "namespace"}) == ns)
          found.emplace(k, object);
      }
    }
  }
  std::vector<Node> out;
  out.reserve(found.size());
  for (auto& [k, object] : found)
    out.push_back(std::move(object));
  return out;
}

size_t WatchCache::waiting() const {
  size_t count = 0;
  LockGuard lock(m_mutex);
  for (const auto& [id, stream] : m_streams) {
    LockGuard stream_lock(stream->mutex);
    count += stream->waiting;
  }
  return count;
}

bool WatchCache::wait_until(const std::function<bool()>& done,
                            std::chrono::steady_clock::time_point deadline) const {
  UniqueLock lock(m_mutex);
  for (;;) {
    uint64_t seen = m_generation;
    lock.unlock();
    if (done()) return true;
    lock.lock();
    while (m_generation == seen && !m_stopping) {
      if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) break;
    }
    if (m_stopping) return false;
    if (m_generation == seen) {  // the deadline passed
      lock.unlock();
      return done();
    }
  }
}

void WatchCache::subscribe(Listener listener) {
  LockGuard lock(m_mutex);
  auto next = m_listeners ? std::make_shared<std::vector<Listener>>(*m_listeners)
                          : std::make_shared<std::vector<Listener>>();
  next->push_back(std::move(listener));
  m_listeners = std::move(next);
}

void WatchCache::publish(Stream& stream, const WatchEvent& event) {
  std::string k = key(event.object.string_at({"metadata", "namespace"}),
                      event.object.string_at({"metadata", "name"}));
  {
    LockGuard lock(stream.mutex);
    if (event.type == "DELETED") {
      stream.objects.erase(k);
    } else {
      stream.objects[k] = event.object;
    }
  }
  changed(stream.resource, std::span(&event, 1));
}

void WatchCache::changed(const Resource& resource, std::span<const WatchEvent> events) {
  Listeners listeners;
  {
    LockGuard lock(m_mutex);
    ++m_generation;
    listeners = m_listeners;
  }
  m_changed.notify_all();
  if (!listeners) return;
  for (const WatchEvent& event : events) {
    for (const Listener& listener : *listeners)
      listener(event, resource);
  }
}

std::vector<WatchEvent> WatchCache::replace(Stream& stream, Objects fresh) {
  std::vector<WatchEvent> changes;
  LockGuard lock(stream.mutex);
  for (const auto& [k, object] : stream.objects) {
    if (!fresh.contains(k)) changes.push_back({"DELETED", object});
  }
  for (const auto& [k, object] : fresh) {
    auto old = stream.objects.find(k);
    if (old == stream.objects.end()) {
      changes.push_back({"ADDED", object});
    } else if (old->second.string_at({"metadata", "resourceVersion"}) !=
               object.string_at({"metadata", "resourceVersion"})) {
      changes.push_back({"MODIFIED", object});
    }
  }
  stream.objects = std::move(fresh);
  return changes;
}

WatchCache::Objects WatchCache::objects_of(const Node& list, const Resource& resource) {
  Objects objects;
  const Node* items = list.find("items");
  for (const Node& item : items ? items->items() : std::span<const Node>()) {
    // List items carry no apiVersion/kind; add them so readers see whole objects.
    Node object = item;
    object.set("apiVersion", Node::string(resource.api_version()));
    object.set("kind", Node::string(resource.kind));
    objects[key(object.string_at({"metadata", "namespace"}),
                object.string_at({"metadata", "name"}))] = std::move(object);
  }
  return objects;
}

bool WatchCache::pause(std::chrono::milliseconds delay) {
  auto deadline = std::chrono::steady_clock::now() + delay;
  UniqueLock lock(m_mutex);
  while (!m_stopping) {
    if (m_changed.wait_until(lock, deadline) == std::cv_status::timeout) return !m_stopping;
  }
  return false;
}

// Follows the watch from `version` until it ends, then resumes from the last version seen;
// after 410 Gone or a failure, lists again (changes since become events) and watches from
// there. Failures back off, up to k_max_backoff.
void WatchCache::follow(const std::shared_ptr<Stream>& stream, std::string version) {
  auto backoff = k_first_backoff;
  std::optional<std::string> from = std::move(version);
  while (!m_stopping) {
    if (!from) {
      if (auto list = m_client.list(stream->resource, stream->ns)) {
        changed(stream->resource, replace(*stream, objects_of(*list, stream->resource)));
        from = std::string(list->string_at({"metadata", "resourceVersion"}));
      }
    }
    if (from) {
      auto last = m_client.watch(
          stream->resource, stream->ns, *from,
          [&](const WatchEvent& event) {
            if (event.type != "BOOKMARK") publish(*stream, event);
            return !m_stopping.load();
          },
          60, &m_stopping);
      if (last) {
        from = *last;
        backoff = k_first_backoff;
        continue;
      }
      from.reset();
    }
    if (!pause(backoff)) return;
    backoff = std::min(backoff * 2, k_max_backoff);
  }
}

}  // namespace plumb::kube
