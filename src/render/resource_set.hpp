// ResourceSet: the resources of a build in order, indexed by id so that lookups by current
// id or by any past id cost O(1) amortised instead of a pass over the set. Transformers
// mutate resources through mut(); the index is rebuilt lazily after a mutation, once.
//
// Not thread-safe; one build owns its sets.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "render/resource.hpp"

namespace plumb::render {

class ResourceSet {
 public:
  size_t size() const { return m_items.size(); }
  bool empty() const { return m_items.empty(); }
  const std::vector<Resource>& items() const { return m_items; }
  // Writable access; invalidates the index (names or kinds may change).
  std::vector<Resource>& mut() {
    m_dirty = true;
    return m_items;
  }
  const Resource& operator[](size_t i) const { return m_items[i]; }
  // Writable access to one resource for a change that keeps its ids (the index stays valid).
  Resource& same_id(size_t i) { return m_items[i]; }

  // Appends; fails when a resource with the same current id is present.
  Result<void> append(Resource resource);
  Result<void> append_all(const ResourceSet& other);
  void append_unchecked(Resource resource);
  void erase_at(size_t index);
  // Keeps the resources for which keep(resource) is true, in order.
  template <typename Keep>
  void filter(Keep keep) {
    std::vector<Resource> kept;
    kept.reserve(m_items.size());
    for (Resource& r : m_items) {
      if (keep(r)) kept.push_back(std::move(r));
    }
    m_items = std::move(kept);
    m_dirty = true;
  }

  // Indexes of resources whose current id is the same as id.
  std::vector<size_t> by_current_id(const ResId& id) const;
  // Indexes of resources with any id (current or previous) the same as id.
  std::vector<size_t> by_any_id(const ResId& id) const;
  // Indexes of resources whose current name, or any previous name, is name.
  const std::vector<size_t>& by_any_name(const std::string& name) const;

 private:
  void reindex() const;

  std::vector<Resource> m_items;
  mutable bool m_dirty = false;
  mutable std::unordered_map<std::string, std::vector<size_t>> m_by_key;
  mutable std::unordered_map<std::string, std::vector<size_t>> m_by_name;
};

}  // namespace plumb::render
