#include "render/resource_set.hpp"

#include <algorithm>

namespace plumb::render {

void ResourceSet::reindex() const {
  if (!m_dirty) return;
  m_by_key.clear();
  m_by_name.clear();
  for (size_t i = 0; i < m_items.size(); ++i) {
    const Resource& r = m_items[i];
    ResId id = r.cur_id();
    m_by_key[id.key()].push_back(i);
    std::vector<size_t>& names = m_by_name[id.name];
    names.push_back(i);
    for (const ResId& prev : r.previous) {
      std::vector<size_t>& more = m_by_name[prev.name];
      if (more.empty() || more.back() != i) more.push_back(i);
    }
  }
  m_dirty = false;
}

Result<void> ResourceSet::append(Resource resource) {
  ResId id = resource.cur_id();
  if (!by_current_id(id).empty()) {
    return fail("may not add resource with an already registered id: ", id.str());
  }
  append_unchecked(std::move(resource));
  return {};
}

void ResourceSet::append_unchecked(Resource resource) {
  reindex();
  size_t index = m_items.size();
  ResId id = resource.cur_id();
  m_by_key[id.key()].push_back(index);
  m_by_name[id.name].push_back(index);
  for (const ResId& prev : resource.previous) {
    std::vector<size_t>& more = m_by_name[prev.name];
    if (more.empty() || more.back() != index) more.push_back(index);
  }
  m_items.push_back(std::move(resource));
}

Result<void> ResourceSet::append_all(const ResourceSet& other) {
  for (const Resource& r : other.items())
    TRY_VOID(append(r));
  return {};
}

void ResourceSet::erase_at(size_t index) {
  m_items.erase(m_items.begin() + static_cast<std::ptrdiff_t>(index));
  m_dirty = true;
}

std::vector<size_t> ResourceSet::by_current_id(const ResId& id) const {
  reindex();
  auto it = m_by_key.find(id.key());
  if (it == m_by_key.end()) return {};
  return it->second;
}

std::vector<size_t> ResourceSet::by_any_id(const ResId& id) const {
  std::vector<size_t> out;
  for (size_t i : by_any_name(id.name)) {
    if (m_items[i].has_any_id(id)) out.push_back(i);
  }
  return out;
}

const std::vector<size_t>& ResourceSet::by_any_name(const std::string& name) const {
  static const std::vector<size_t> k_none;
  reindex();
  auto it = m_by_name.find(name);
  return it == m_by_name.end() ? k_none : it->second;
}

}  // namespace plumb::render
