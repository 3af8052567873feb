#include "localcluster/registry.hpp"

#include <algorithm>

#include "localcluster/resource_table.hpp"

namespace plumb::localcluster {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t space = text.find(' ');
    if (space != 0) out.emplace_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return out;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

}  // namespace

bool ResourceInfo::has_verb(std::string_view verb) const {
  return std::find(verbs.begin(), verbs.end(), verb) != verbs.end();
}

bool ResourceInfo::has_subresource(std::string_view name) const {
  return std::find(subresources.begin(), subresources.end(), name) != subresources.end();
}

Registry::Registry() {
  for (const BuiltinResource& b : builtin_resources()) {
    auto info = std::make_shared<ResourceInfo>();
    info->group = std::string(b.group);
    info->version = std::string(b.version);
    info->kind = std::string(b.kind);
    info->plural = std::string(b.plural);
    info->singular = lowercase(b.kind);
    info->short_names = words(b.short_names);
    info->verbs = words(b.verbs);
    info->subresources = words(b.subresources);
    info->categories = words(b.categories);
    info->namespaced = b.namespaced;
    // The table lists a group's preferred version first.
    info->preferred = std::none_of(m_resources.begin(), m_resources.end(), [&](const auto& r) {
      return r->group == info->group && r->version != info->version;
    });
    m_resources.push_back(std::move(info));
  }
}

ResourcePtr Registry::find(std::string_view group, std::string_view version,
                           std::string_view plural) const {
  ReaderLock lock(m_mutex);
  for (const ResourcePtr& r : m_resources) {
    if (r->plural == plural && r->version == version && r->group == group) return r;
  }
  return nullptr;
}

ResourcePtr Registry::find_kind(std::string_view group, std::string_view version,
                                std::string_view kind) const {
  ReaderLock lock(m_mutex);
  for (const ResourcePtr& r : m_resources) {
    if (r->kind == kind && r->version == version && r->group == group) return r;
  }
  return nullptr;
}

ResourcePtr Registry::find_any_version(std::string_view group, std::string_view plural) const {
  ReaderLock lock(m_mutex);
  for (const ResourcePtr& r : m_resources) {
    if (r->plural == plural && r->group == group && r->preferred) return r;
  }
  for (const ResourcePtr& r : m_resources) {
    if (r->plural == plural && r->group == group) return r;
  }
  return nullptr;
}

std::vector<ResourcePtr> Registry::all() const {
  ReaderLock lock(m_mutex);
  return m_resources;
}

void Registry::set_custom(const std::string& crd, std::vector<ResourceInfo> resources) {
  WriterLock lock(m_mutex);
  std::erase_if(m_resources, [&](const ResourcePtr& r) { return r->crd == crd; });
  for (ResourceInfo& info : resources) {
    info.crd = crd;
    m_resources.push_back(std::make_shared<ResourceInfo>(std::move(info)));
  }
  ++m_generation;
}

uint64_t Registry::generation() const {
  ReaderLock lock(m_mutex);
  return m_generation;
}

}  // namespace plumb::localcluster
