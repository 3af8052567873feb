#include "core/sort_keys.hpp"

#include <algorithm>
#include <vector>

namespace plumb {

Node sort_keys(const Node& value) {
  if (value.is_list()) {
    Node out = Node::list(value.size());
    for (const Node& item : value.items())
      out.push_back(sort_keys(item));
    return out;
  }
  if (!value.is_map()) return value;
  std::vector<const MapEntry*> entries;
  entries.reserve(value.size());
  for (const MapEntry& e : value.entries())
    entries.push_back(&e);
  std::sort(entries.begin(), entries.end(), [](const MapEntry* a, const MapEntry* b) {
    return a->key.as_string() < b->key.as_string();
  });
  Node out = Node::map(entries.size());
  for (const MapEntry* e : entries)
    out.append_entry(e->key, sort_keys(e->value));
  return out;
}

}  // namespace plumb
