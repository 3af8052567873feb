#include "sync/fields.hpp"

#include "core/json.hpp"

namespace plumb::sync {
namespace {

bool list_contains(const Node& live, const Node& desired) {
  auto want = desired.items();
  auto have = live.items();
  if (want.empty()) return have.empty();
  bool objects = want.front().is_map();
  if (!objects) {
    if (want.size() != have.size()) return false;
    for (size_t i = 0; i < want.size(); ++i) {
      if (!contains(have[i], want[i])) return false;
    }
    return true;
  }
  size_t j = 0;
  for (const Node& w : want) {
    while (j < have.size() && !contains(have[j], w))
      ++j;
    if (j == have.size()) return false;
    ++j;
  }
  return true;
}

// Whether a desired list item matches the key object of a `k:{...}` path element. Key fields
// the item leaves out count as matching: the server defaulted them (a container port's
// `protocol: TCP` is part of its key), so the item names the same entry.
bool matches_key(const Node& item, const Node& key) {
  bool any = false;
  for (const MapEntry& e : key.entries()) {
    const Node* v = item.find(e.key.as_string());
    if (!v) continue;
    if (!(*v == e.value)) return false;
    any = true;
  }
  return any;
}

}  // namespace

bool contains(const Node& live, const Node& desired) {
  switch (desired.type()) {
    case Node::Type::map:
      if (!live.is_map()) return false;
      for (const MapEntry& e : desired.entries()) {
        if (e.value.is_null()) continue;
        const Node* have = live.find(e.key.as_string());
        if (!have || !contains(*have, e.value)) return false;
      }
      return true;
    case Node::Type::list:
      return live.is_list() && list_contains(live, desired);
    default:
      return live == desired;
  }
}

bool fields_present(const Node& fields, const Node& object) {
  for (const MapEntry& e : fields.entries()) {
    std::string_view path = e.key.as_string();
    if (path == ".") continue;
    std::string_view rest = path.size() > 2 ? path.substr(2) : std::string_view();
    const Node* child = nullptr;
    if (path.starts_with("f:")) {
      child = object.find(rest);
    } else if (path.starts_with("k:")) {
      auto key = parse_json(rest, "managedFields key");
      if (!key) return false;
      for (const Node& item : object.items()) {
        if (matches_key(item, *key)) {
          child = &item;
          break;
        }
      }
    } else if (path.starts_with("v:")) {
      auto value = parse_json(rest, "managedFields value");
      if (!value) return false;
      for (const Node& item : object.items()) {
        if (item == *value) child = &item;
      }
    } else if (path.starts_with("i:")) {
      size_t index = size_t(std::strtoull(std::string(rest).c_str(), nullptr, 10));
      if (index < object.size()) child = &object.items()[index];
    }
    if (!child) return false;
    if (!e.value.empty() && !fields_present(e.value, *child)) return false;
  }
  return true;
}

bool already_applied(const Node& desired, const Node& live, std::string_view manager) {
  if (!contains(live, desired)) return false;
  const Node* managed = live.at_path({"metadata", "managedFields"});
  if (!managed) return true;
  for (const Node& entry : managed->items()) {
    if (entry.string_at({"manager"}) != manager || entry.string_at({"operation"}) != "Apply" ||
        !entry.string_at({"subresource"}).empty()) {
      continue;
    }
    const Node* fields = entry.find("fieldsV1");
    if (fields && !fields_present(*fields, desired)) return false;
  }
  return true;
}

}  // namespace plumb::sync
