#include "sync/fields.hpp"

#include "core/base64.hpp"
#include "merge/fields_v1.hpp"

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
    FieldsV1Key key = decode_fields_v1_key(e.key.as_string());
    const Node* child = nullptr;
    switch (key.kind) {
      case FieldsV1Key::Kind::self:
        continue;
      case FieldsV1Key::Kind::field:
        child = object.find(key.text);
        break;
      case FieldsV1Key::Kind::key:
        for (const Node& item : object.items()) {
          if (matches_key(item, key.value)) {
            child = &item;
            break;
          }
        }
        break;
      case FieldsV1Key::Kind::value:
        for (const Node& item : object.items()) {
          if (item == key.value) child = &item;
        }
        break;
      case FieldsV1Key::Kind::index:
        if (key.index < object.size()) child = &object.items()[key.index];
        break;
      case FieldsV1Key::Kind::invalid:
        return false;
    }
    if (!child) return false;
    if (!e.value.empty() && !fields_present(e.value, *child)) return false;
  }
  return true;
}

namespace {

// A core/v1 Secret as the API server stores it: stringData merged into data (base64), its
// keys winning; stringData itself is never stored, so it is never in a live object.
Node as_stored(const Node& desired) {
  const Node* strings = desired.find("stringData");
  if (!strings || !strings->is_map() || desired.string_at({"kind"}) != "Secret" ||
      desired.string_at({"apiVersion"}) != "v1")
    return desired;
  Node stored = desired;
  Node data =
      stored.find("data") && stored.find("data")->is_map() ? *stored.find("data") : Node::map();
  for (const MapEntry& e : strings->entries()) {
    if (e.value.is_string())
      data.set(e.key.as_string(), Node::string(base64_encode(e.value.as_string())));
  }
  stored.erase("stringData");
  stored.set("data", std::move(data));
  return stored;
}

}  // namespace

bool already_applied(const Node& desired, const Node& live, std::string_view manager) {
  Node stored = as_stored(desired);
  if (!contains(live, stored)) return false;
  const Node* managed = live.at_path({"metadata", "managedFields"});
  if (!managed) return true;
  for (const Node& entry : managed->items()) {
    if (entry.string_at({"manager"}) != manager || entry.string_at({"operation"}) != "Apply" ||
        !entry.string_at({"subresource"}).empty()) {
      continue;
    }
    const Node* fields = entry.find("fieldsV1");
    // A Secret's stringData is owned as such or as the data it became.
    if (fields && !fields_present(*fields, desired) && !fields_present(*fields, stored))
      return false;
  }
  return true;
}

}  // namespace plumb::sync
