#include "controller/render_cache.hpp"

namespace plumb::controller {

std::optional<std::vector<Node>> RenderCache::lookup(const std::string& key,
                                                     std::string_view fingerprint,
                                                     const FileSystem& tree) const {
  std::shared_ptr<const Entry> entry;
  {
    LockGuard lock(m_mutex);
    auto it = m_entries.find(key);
    if (it != m_entries.end()) entry = it->second;
  }
  bool hit = entry && entry->fingerprint == fingerprint && entry->inputs.unchanged_in(tree);
  {
    LockGuard lock(m_mutex);
    ++(hit ? m_hits : m_misses);
  }
  if (!hit) return std::nullopt;
  return entry->objects;
}

bool RenderCache::store(const std::string& key, std::string fingerprint, RenderInputs inputs,
                        std::vector<Node> objects) {
  if (!inputs.cacheable()) {
    forget(key);
    return false;
  }
  auto entry = std::make_shared<const Entry>(
      Entry{std::move(fingerprint), std::move(inputs), std::move(objects)});
  LockGuard lock(m_mutex);
  m_entries[key] = std::move(entry);
  return true;
}

void RenderCache::forget(const std::string& key) {
  LockGuard lock(m_mutex);
  m_entries.erase(key);
}

RenderCache::Stats RenderCache::stats() const {
  LockGuard lock(m_mutex);
  return {m_hits, m_misses, m_entries.size()};
}

size_t RenderCache::heap_bytes() const {
  LockGuard lock(m_mutex);
  size_t bytes = 0;
  for (const auto& [key, entry] : m_entries) {
    bytes += key.capacity() + sizeof(Entry) + entry->fingerprint.capacity() +
             entry->inputs.heap_bytes() + entry->objects.capacity() * sizeof(Node);
    for (const Node& object : entry->objects)
      bytes += object.heap_bytes();
  }
  return bytes;
}

}  // namespace plumb::controller
