#include "kube/watch_cache.hpp"

namespace plumb::kube {

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
  m_stopping = true;
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(m_mutex);
    for (auto& [id, stream] : m_streams) {
      if (stream->thread.joinable()) threads.push_back(std::move(stream->thread));
    }
    m_changed.notify_all();
  }
  for (auto& t : threads)
    t.join();
}

Result<void> WatchCache::watch(const Resource& resource, std::string_view ns) {
  std::string id = resource_path(resource, ns, "") + "#" + std::string(ns);
  Stream* stream = nullptr;
  {
    std::unique_lock lock(m_mutex);
    auto [it, inserted] = m_streams.try_emplace(id);
    if (inserted) {
      it->second = std::make_unique<Stream>();
      it->second->resource = resource;
      it->second->ns = std::string(ns);
      it->second->thread = std::thread([this, s = it->second.get()] { run(s); });
    }
    stream = it->second.get();
    m_changed.wait(lock, [&] { return stream->synced || stream->error || m_stopping; });
    if (!stream->synced && stream->error) {
      Error error = *stream->error;
      std::thread ended = std::move(stream->thread);
      m_streams.erase(it);
      lock.unlock();
      ended.join();  // it returns right after reporting the error
      return std::unexpected(error);
    }
  }
  return {};
}

std::optional<Node> WatchCache::get(const Resource& resource, std::string_view ns,
                                    std::string_view name) const {
  std::lock_guard lock(m_mutex);
  std::string wanted = resource.namespaced ? std::string(ns) : "";
  for (const auto& [id, stream] : m_streams) {
    const Resource& r = stream->resource;
    if (r.name != resource.name || r.group != resource.group) continue;
    if (!stream->ns.empty() && stream->ns != wanted) continue;
    auto it = stream->objects.find(key(wanted, name));
    if (it != stream->objects.end()) return it->second;
  }
  return std::nullopt;
}

bool WatchCache::follows(const Resource& resource, std::string_view ns) const {
  std::lock_guard lock(m_mutex);
  std::string_view wanted = resource.namespaced ? ns : "";
  for (const auto& [id, stream] : m_streams) {
    const Resource& r = stream->resource;
    if (r.name != resource.name || r.group != resource.group || !stream->synced) continue;
    if (stream->ns.empty() || stream->ns == wanted) return true;
  }
  return false;
}

std::vector<Node> WatchCache::list(const Resource& resource, std::string_view ns) const {
  std::lock_guard lock(m_mutex);
  std::map<std::string_view, const Node*> found;  // streams may overlap: one entry per object
  for (const auto& [id, stream] : m_streams) {
    const Resource& r = stream->resource;
    if (r.name != resource.name || r.group != resource.group) continue;
    if (!ns.empty() && !stream->ns.empty() && stream->ns != ns) continue;
    for (const auto& [k, object] : stream->objects) {
      if (ns.empty() || object.string_at({"metadata", "namespace"}) == ns) found[k] = &object;
    }
  }
  std::vector<Node> out;
  out.reserve(found.size());
  for (const auto& [k, object] : found)
    out.push_back(*object);
  return out;
}

bool WatchCache::wait_until(const std::function<bool()>& done,
                            std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(m_mutex);
  for (;;) {
    uint64_t seen = m_generation;
    lock.unlock();
    if (done()) return true;
    lock.lock();
    if (!m_changed.wait_until(lock, deadline, [&] { return m_generation != seen || m_stopping; })) {
      lock.unlock();
      return done();
    }
    if (m_stopping) return false;
  }
}

void WatchCache::subscribe(Listener listener) {
  std::lock_guard lock(m_mutex);
  m_listeners.push_back(std::move(listener));
}

void WatchCache::publish(Stream* stream, const WatchEvent& event) {
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(m_mutex);
    std::string k = key(event.object.string_at({"metadata", "namespace"}),
                        event.object.string_at({"metadata", "name"}));
    if (event.type == "DELETED") {
      stream->objects.erase(k);
    } else {
      stream->objects[k] = event.object;
    }
    ++m_generation;
    listeners = m_listeners;
  }
  m_changed.notify_all();
  for (const Listener& l : listeners)
    l(event, stream->resource);
}

void WatchCache::run(Stream* stream) {
  auto backoff = std::chrono::milliseconds(200);
  while (!m_stopping) {
    auto list = m_client.list(stream->resource, stream->ns);
    if (!list) {
      std::lock_guard lock(m_mutex);
      stream->error = list.error();
      m_changed.notify_all();
      // Before the first sync, watch() reports the error and frees the stream as soon as the
      // lock is released: touch nothing after this.
      if (!stream->synced) return;
    } else {
      std::map<std::string, Node> fresh;
      const Node* items = list->find("items");
      for (const Node& item : items ? items->items() : std::span<const Node>()) {
        // List items carry no apiVersion/kind; add them so readers see whole objects.
        Node object = item;
        object.set("apiVersion", Node::string(stream->resource.api_version()));
        object.set("kind", Node::string(stream->resource.kind));
        fresh[key(object.string_at({"metadata", "namespace"}),
                  object.string_at({"metadata", "name"}))] = std::move(object);
      }
      std::vector<WatchEvent> changes;
      {
        std::lock_guard lock(m_mutex);
        // After a re-list, what changed while we were not watching becomes events.
        for (const auto& [k, obj] : stream->objects) {
          if (!fresh.count(k)) changes.push_back({"DELETED", obj});
        }
        for (const auto& [k, obj] : fresh) {
          auto old = stream->objects.find(k);
          if (old == stream->objects.end()) {
            if (stream->synced) changes.push_back({"ADDED", obj});
          } else if (old->second.string_at({"metadata", "resourceVersion"}) !=
                     obj.string_at({"metadata", "resourceVersion"})) {
            changes.push_back({"MODIFIED", obj});
          }
        }
        stream->objects = std::move(fresh);
        stream->synced = true;
        stream->error.reset();
        ++m_generation;
      }
      m_changed.notify_all();
      for (const WatchEvent& e : changes)
        publish(stream, e);
      std::string version(list->string_at({"metadata", "resourceVersion"}));
      // Follow the watch until it ends; then resume from the last version, or re-list on 410.
      for (;;) {
        auto last = m_client.watch(
            stream->resource, stream->ns, version,
            [&](const WatchEvent& event) {
              if (event.type == "BOOKMARK") return !m_stopping;
              publish(stream, event);
              return !m_stopping.load();
            },
            60, &m_stopping);
        if (m_stopping) return;
        if (!last) break;  // 410 Gone or a failure: list again
        version = *last;
        backoff = std::chrono::milliseconds(200);
      }
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace plumb::kube
