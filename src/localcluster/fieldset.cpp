#include "localcluster/fieldset.hpp"

#include <algorithm>

#include "core/json.hpp"
#include "merge/fields_v1.hpp"

namespace plumb::localcluster {
namespace {

const Node& null_node() {
  static const Node k_null;
  return k_null;
}

Node member() {
  Node leaf = Node::map(1);
  leaf.set(".", Node::map());
  return leaf;
}

bool only_self(const Node& set) {
  return set.size() == 1 && set.find(".") != nullptr;
}

// The value of a key field; a port's protocol defaults to TCP as the API server defaults it
// before it extracts the applied fields.
Node key_value(const Node& item, std::string_view key) {
  if (const Node* v = item.find(key)) return *v;
  if (key == "protocol") return Node::string("TCP");
  return Node();
}

bool item_matches(const Node& item, const Node& key_object) {
  for (const MapEntry& e : key_object.entries()) {
    if (!(key_value(item, e.key.as_string()) == e.value)) return false;
  }
  return true;
}

// Index of the list item with the key, or -1.
long find_item(const Node& list, const Node& key_object) {
  if (!list.is_list()) return -1;
  auto items = list.items();
  for (size_t i = 0; i < items.size(); ++i) {
    if (item_matches(items[i], key_object)) return static_cast<long>(i);
  }
  return -1;
}

long find_value(const Node& list, const Node& value) {
  if (!list.is_list()) return -1;
  auto items = list.items();
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i] == value) return static_cast<long>(i);
  }
  return -1;
}

// The key fields of a keyed-list item, sorted by name, as a "k:" key names them.
Node key_object(const Node& item, const std::vector<std::string_view>& keys) {
  std::vector<std::string_view> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  Node key = Node::map(sorted.size());
  for (std::string_view k : sorted) {
    Node v = key_value(item, k);
    if (!v.is_null()) key.set(k, std::move(v));
  }
  return key;
}

const Node& child(const Node& value, std::string_view key) {
  const Node* c = value.find(key);
  return c ? *c : null_node();
}

void collect_paths(const Node& set, const std::string& prefix, std::vector<std::string>& out) {
  for (const MapEntry& e : set.entries()) {
    FieldsV1Key key = decode_fields_v1_key(e.key.as_string());
    std::string path = prefix;
    switch (key.kind) {
      case FieldsV1Key::Kind::self:
        out.push_back(prefix.empty() ? "." : prefix);
        continue;
      case FieldsV1Key::Kind::field:
        path += ".";
        path += key.text;
        break;
      case FieldsV1Key::Kind::key: {
        path += "[";
        bool first = true;
        for (const MapEntry& kv : key.value.entries()) {
          if (!first) path += ",";
          first = false;
          path += std::string(kv.key.as_string()) + "=" + to_json(kv.value);
        }
        path += "]";
        break;
      }
      case FieldsV1Key::Kind::value:
        path += "[=" + std::string(key.text) + "]";
        break;
      default:
        path += "[" + std::string(e.key.as_string()) + "]";
    }
    collect_paths(e.value, path, out);
  }
}

struct Removal {
  bool remove = false;
  Node value;
};

Removal remove_rec(const Node& object, const Node& set, const Shape& shape) {
  if (set.find(".")) return {true, Node()};
  Node out = object;
  for (const MapEntry& e : set.entries()) {
    FieldsV1Key key = decode_fields_v1_key(e.key.as_string());
    if (key.kind == FieldsV1Key::Kind::field) {
      std::string_view name = key.text;
      const Node* c = out.find(name);
      if (c == nullptr) continue;
      Removal r = remove_rec(*c, e.value, child_shape(shape, name));
      if (r.remove) {
        out.erase(name);
      } else {
        out.set(name, std::move(r.value));
      }
    } else if (key.kind == FieldsV1Key::Kind::key) {
      long index = find_item(out, key.value);
      if (index < 0) continue;
      Removal r = remove_rec(out.items()[static_cast<size_t>(index)], e.value, item_shape(shape));
      if (r.remove) {
        out.erase_at(static_cast<size_t>(index));
      } else {
        out.items_mut()[static_cast<size_t>(index)] = std::move(r.value);
      }
    } else if (key.kind == FieldsV1Key::Kind::value) {
      long index = find_value(out, key.value);
      if (index >= 0) out.erase_at(static_cast<size_t>(index));
    }
  }
  // A map or list emptied by the removal goes too, as Kubernetes' typed objects omit empty
  // maps and lists.
  if (out.is_container() && out.empty() && !object.empty()) return {true, Node()};
  return {false, std::move(out)};
}

}  // namespace

Shape root_shape(SchemaType type) {
  Shape shape;
  shape.kind = type.known() ? Shape::Kind::object : Shape::Kind::unknown;
  shape.type = type;
  return shape;
}

Shape child_shape(const Shape& parent, std::string_view key) {
  Shape shape;
  if (parent.kind == Shape::Kind::map) {
    if (parent.type.known()) {
      shape.kind = Shape::Kind::object;
      shape.type = parent.type;
    } else if (parent.element == ValueKind::scalar) {
      shape.kind = Shape::Kind::scalar;
    }
    return shape;
  }
  if (parent.kind != Shape::Kind::object || !parent.type.known()) return shape;
  auto field = parent.type.field(key);
  if (!field) return shape;
  shape.type = field->type();
  switch (field->kind()) {
    case ValueKind::object:
      shape.kind = Shape::Kind::object;
      shape.atomic =
          field->struct_type() == MapType::atomic || field->map_type() == MapType::atomic;
      break;
    case ValueKind::map:
      shape.kind = Shape::Kind::map;
      shape.atomic = field->map_type() == MapType::atomic;
      shape.element = shape.type.known() ? ValueKind::object : ValueKind::scalar;
      break;
    case ValueKind::list:
      shape.kind = Shape::Kind::list;
      shape.list_type = field->list_type();
      for (size_t i = 0; i < field->list_map_key_count(); ++i)
        shape.keys.push_back(field->list_map_key(i));
      shape.element = shape.type.known() ? ValueKind::object : ValueKind::scalar;
      break;
    case ValueKind::scalar:
      shape.kind = Shape::Kind::scalar;
      break;
    case ValueKind::any:
      shape.kind = Shape::Kind::unknown;
      break;
  }
  return shape;
}

Shape item_shape(const Shape& list) {
  Shape shape;
  if (list.type.known()) {
    shape.kind = Shape::Kind::object;
    shape.type = list.type;
  } else if (list.element == ValueKind::scalar) {
    shape.kind = Shape::Kind::scalar;
  }
  return shape;
}

std::string item_key(const Node& item, const std::vector<std::string_view>& keys) {
  return "k:" + to_json(key_object(item, keys));
}

Node fieldset_of(const Node& value, const Shape& shape) {
  const bool granular_map = value.is_map() && !shape.atomic &&
                            (shape.kind == Shape::Kind::object || shape.kind == Shape::Kind::map ||
                             shape.kind == Shape::Kind::unknown);
  if (granular_map) {
    if (value.empty()) return member();
    Node set = Node::map();
    for (const MapEntry& e : value.entries()) {
      if (e.value.is_null()) continue;
      set.set(std::string("f:") + std::string(e.key.as_string()),
              fieldset_of(e.value, child_shape(shape, e.key.as_string())));
    }
    return set.empty() ? member() : set;
  }
  if (value.is_list() && shape.kind == Shape::Kind::list && !value.empty()) {
    if (shape.list_type == ListType::map && !shape.keys.empty()) {
      Node set = Node::map();
      for (const Node& item : value.items()) {
        Node sub = fieldset_of(item, item_shape(shape));
        if (only_self(sub)) sub = Node::map();
        sub.set(".", Node::map());
        std::string key = item_key(item, shape.keys);
        const Node* existing = set.find(key);
        set.set(key, existing ? fieldset_union(*existing, sub) : sub);
      }
      return set;
    }
    if (shape.list_type == ListType::set) {
      Node set = Node::map();
      for (const Node& item : value.items())
        set.set("v:" + to_json(item), member());
      return set;
    }
  }
  return member();
}

Node fieldset_union(const Node& a, const Node& b) {
  if (!a.is_map() || a.empty()) return b;
  Node out = a;
  for (const MapEntry& e : b.entries()) {
    const Node* existing = out.find(e.key.as_string());
    out.set(e.key.as_string(), existing ? fieldset_union(*existing, e.value) : e.value);
  }
  return out;
}

Node fieldset_difference(const Node& a, const Node& b) {
  Node out = Node::map();
  for (const MapEntry& e : a.entries()) {
    std::string_view key = e.key.as_string();
    const Node* other = b.find(key);
    if (other == nullptr) {
      out.set(key, e.value);
      continue;
    }
    if (key == ".") continue;
    Node rest = fieldset_difference(e.value, *other);
    if (!rest.empty()) out.set(key, std::move(rest));
  }
  return out;
}

Node fieldset_intersection(const Node& a, const Node& b) {
  Node out = Node::map();
  for (const MapEntry& e : a.entries()) {
    std::string_view key = e.key.as_string();
    const Node* other = b.find(key);
    if (other == nullptr) continue;
    if (key == ".") {
      out.set(key, Node::map());
      continue;
    }
    Node both = fieldset_intersection(e.value, *other);
    if (!both.empty()) out.set(key, std::move(both));
  }
  return out;
}

bool fieldset_empty(const Node& set) {
  return set.empty();
}

Node to_fields_v1(const Node& set) {
  Node out = Node::map(set.size());
  for (const MapEntry& e : set.entries()) {
    std::string_view key = e.key.as_string();
    if (key == ".") {
      out.set(".", Node::map());
    } else if (only_self(e.value)) {
      out.set(key, Node::map());
    } else {
      out.set(key, to_fields_v1(e.value));
    }
  }
  return out;
}

Node from_fields_v1(const Node& fields) {
  Node out = Node::map(fields.size());
  for (const MapEntry& e : fields.entries()) {
    std::string_view key = e.key.as_string();
    if (key == ".") {
      out.set(".", Node::map());
    } else if (e.value.empty()) {
      out.set(key, member());
    } else {
      out.set(key, from_fields_v1(e.value));
    }
  }
  return out;
}

std::vector<std::string> fieldset_paths(const Node& set) {
  std::vector<std::string> out;
  collect_paths(set, "", out);
  return out;
}

Node fieldset_differing(const Node& set, const Node& a, const Node& b, const Shape& shape) {
  Node out = Node::map();
  const bool leaf = only_self(set);
  for (const MapEntry& e : set.entries()) {
    FieldsV1Key key = decode_fields_v1_key(e.key.as_string());
    if (key.kind == FieldsV1Key::Kind::self) {
      bool differs = leaf ? !(a == b) : (a.is_null() != b.is_null());
      if (differs) out.set(".", Node::map());
    } else if (key.kind == FieldsV1Key::Kind::field) {
      Node sub = fieldset_differing(e.value, child(a, key.text), child(b, key.text),
                                    child_shape(shape, key.text));
      if (!sub.empty()) out.set(e.key.as_string(), std::move(sub));
    } else if (key.kind == FieldsV1Key::Kind::key) {
      long ia = find_item(a, key.value);
      long ib = find_item(b, key.value);
      const Node& va = ia < 0 ? null_node() : a.items()[static_cast<size_t>(ia)];
      const Node& vb = ib < 0 ? null_node() : b.items()[static_cast<size_t>(ib)];
      Node sub = fieldset_differing(e.value, va, vb, item_shape(shape));
      if (!sub.empty()) out.set(e.key.as_string(), std::move(sub));
    } else if (key.kind == FieldsV1Key::Kind::value) {
      if ((find_value(a, key.value) < 0) != (find_value(b, key.value) < 0))
        out.set(e.key.as_string(), member());
    }
  }
  return out;
}

Node fieldset_changed(const Node& before, const Node& after, const Shape& shape) {
  Node all = fieldset_union(fieldset_of(before, shape), fieldset_of(after, shape));
  if (before.is_null()) all = fieldset_of(after, shape);
  return fieldset_differing(all, before, after, shape);
}

Node remove_fields(const Node& object, const Node& set, const Shape& shape) {
  Removal r = remove_rec(object, set, shape);
  return r.remove ? Node() : r.value;
}

Node merge_applied(const Node& base, const Node& config, const Shape& shape) {
  if (config.is_map() && base.is_map() && !shape.atomic &&
      (shape.kind == Shape::Kind::object || shape.kind == Shape::Kind::map ||
       shape.kind == Shape::Kind::unknown)) {
    Node out = base;
    for (const MapEntry& e : config.entries()) {
      std::string_view key = e.key.as_string();
      if (e.value.is_null()) continue;
      const Node* existing = out.find(key);
      out.set(key, existing ? merge_applied(*existing, e.value, child_shape(shape, key)) : e.value);
    }
    return out;
  }
  if (config.is_list() && base.is_list() && shape.kind == Shape::Kind::list) {
    if (shape.list_type == ListType::map && !shape.keys.empty()) {
      Node out = base;
      for (const Node& item : config.items()) {
        long index = find_item(out, key_object(item, shape.keys));
        if (index < 0) {
          out.push_back(item);
        } else {
          Node& slot = out.items_mut()[static_cast<size_t>(index)];
          slot = merge_applied(slot, item, item_shape(shape));
        }
      }
      return out;
    }
    if (shape.list_type == ListType::set) {
      Node out = base;
      for (const Node& item : config.items()) {
        if (find_value(out, item) < 0) out.push_back(item);
      }
      return out;
    }
  }
  return config;
}

}  // namespace plumb::localcluster
