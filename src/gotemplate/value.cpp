#include "gotemplate/value.hpp"

#include <algorithm>

namespace plumb::gotemplate {

std::string_view go_type_name(GoType type) noexcept {
  switch (type) {
    case GoType::none:
      return "";
    case GoType::bool_:
      return "bool";
    case GoType::int_:
      return "int";
    case GoType::int64:
      return "int64";
    case GoType::int32:
      return "int32";
    case GoType::uint8:
      return "uint8";
    case GoType::uint64:
      return "uint64";
    case GoType::float64:
      return "float64";
    case GoType::string:
      return "string";
    case GoType::list_any:
      return "[]interface {}";
    case GoType::list_string:
      return "[]string";
    case GoType::list_int:
      return "[]int";
    case GoType::map_any:
      return "map[string]interface {}";
    case GoType::map_string:
      return "map[string]string";
    case GoType::object:
      return "";
  }
  return "";
}

namespace {

bool key_less(const std::pair<std::string, Value>& entry, std::string_view key) {
  return std::string_view(entry.first) < key;
}

const std::shared_ptr<const ValueList>& empty_list() {
  static const std::shared_ptr<const ValueList> empty = std::make_shared<const ValueList>();
  return empty;
}

}  // namespace

const Value* ValueMap::find(std::string_view key) const noexcept {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key, key_less);
  if (it == m_entries.end() || it->first != key) return nullptr;
  return &it->second;
}

Value* ValueMap::find(std::string_view key) noexcept {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key, key_less);
  if (it == m_entries.end() || it->first != key) return nullptr;
  return &it->second;
}

void ValueMap::set(std::string_view key, Value value) {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key, key_less);
  if (it != m_entries.end() && it->first == key) {
    it->second = std::move(value);
    return;
  }
  m_entries.emplace(it, std::string(key), std::move(value));
}

bool ValueMap::erase(std::string_view key) {
  auto it = std::lower_bound(m_entries.begin(), m_entries.end(), key, key_less);
  if (it == m_entries.end() || it->first != key) return false;
  m_entries.erase(it);
  return true;
}

void ValueMap::append_unsorted(std::string key, Value value) {
  m_entries.emplace_back(std::move(key), std::move(value));
}

void ValueMap::sort() {
  std::stable_sort(m_entries.begin(), m_entries.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Duplicate keys: the last one wins, as a Go map assignment would.
  auto out = m_entries.begin();
  for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
    if (out != m_entries.begin() && std::prev(out)->first == it->first) {
      std::prev(out)->second = std::move(it->second);
      continue;
    }
    if (out != it) *out = std::move(*it);
    ++out;
  }
  m_entries.erase(out, m_entries.end());
}

Value Value::nil() noexcept {
  Value v;
  v.m_kind = Kind::nil;
  v.m_boxed = true;
  return v;
}

Value Value::boolean(bool b) noexcept {
  Value v;
  v.m_kind = Kind::boolean;
  v.m_type = GoType::bool_;
  v.m_bool = b;
  return v;
}

Value Value::integer(int64_t i, GoType type) noexcept {
  Value v;
  v.m_kind = Kind::integer;
  v.m_type = type;
  v.m_int = i;
  return v;
}

Value Value::floating(double d) noexcept {
  Value v;
  v.m_kind = Kind::floating;
  v.m_type = GoType::float64;
  v.m_float = d;
  return v;
}

Value Value::string(std::string_view s) {
  return string(Node::string(s));
}

Value Value::string(Node s) {
  Value v;
  v.m_kind = Kind::string;
  v.m_type = GoType::string;
  v.m_string = std::move(s);
  return v;
}

Value Value::list(ValueList items, GoType type) {
  return list(std::make_shared<const ValueList>(std::move(items)), type);
}

Value Value::list(std::shared_ptr<const ValueList> items, GoType type) {
  Value v;
  v.m_kind = Kind::list;
  v.m_type = type;
  v.m_ref = std::move(items);
  return v;
}

Value Value::map(std::shared_ptr<ValueMap> entries, GoType type) {
  Value v;
  v.m_kind = Kind::map;
  v.m_type = type;
  v.m_ref = std::move(entries);
  return v;
}

Value Value::map() {
  return map(std::make_shared<ValueMap>());
}

Value Value::object(std::shared_ptr<const Object> object) {
  Value v;
  v.m_kind = Kind::object;
  v.m_type = GoType::object;
  v.m_ref = std::move(object);
  return v;
}

Value Value::from_node(const Node& node, Numbers numbers) {
  switch (node.type()) {
    case Node::Type::null:
      return nil();
    case Node::Type::boolean:
      return boolean(node.as_bool());
    case Node::Type::integer:
      if (numbers == Numbers::as_float64) return floating(static_cast<double>(node.as_int()));
      return integer(node.as_int(), GoType::int64);
    case Node::Type::floating:
      return floating(node.as_float());
    case Node::Type::string:
      return string(node);
    case Node::Type::list: {
      ValueList items;
      items.reserve(node.size());
      for (const Node& item : node.items())
        items.push_back(from_node(item, numbers).boxed_copy());
      return list(std::move(items));
    }
    case Node::Type::map: {
      auto entries = std::make_shared<ValueMap>();
      for (const MapEntry& entry : node.entries()) {
        entries->append_unsorted(std::string(entry.key.as_string()),
                                 from_node(entry.value, numbers).boxed_copy());
      }
      entries->sort();
      return map(std::move(entries));
    }
  }
  return Value();
}

Value Object::elements() const {
  return Value();
}

Node Value::to_node() const {
  switch (m_kind) {
    case Kind::invalid:
    case Kind::nil:
      return Node();
    case Kind::boolean:
      return Node::boolean(m_bool);
    case Kind::integer:
      return Node::integer(m_int);
    case Kind::floating:
      return Node::floating(m_float);
    case Kind::string:
      return m_string;
    case Kind::list: {
      Node out = Node::list(items().size());
      for (const Value& item : items())
        out.push_back(item.to_node());
      return out;
    }
    case Kind::map: {
      const ValueMap* m = map_ptr();
      Node out = Node::map(m->size());
      for (const auto& [key, value] : m->entries())
        out.append_entry(Node::string(key), value.to_node());
      return out;
    }
    case Kind::object:
      return object_ptr()->to_node();
  }
  return Node();
}

std::span<const Value> Value::items() const noexcept {
  if (m_kind != Kind::list) return {};
  return *static_cast<const ValueList*>(m_ref.get());
}

std::shared_ptr<const ValueList> Value::list_ptr() const {
  if (m_kind != Kind::list) return empty_list();
  return std::shared_ptr<const ValueList>(m_ref, static_cast<const ValueList*>(m_ref.get()));
}

ValueMap* Value::map_ptr() const noexcept {
  if (m_kind != Kind::map) return nullptr;
  return const_cast<ValueMap*>(static_cast<const ValueMap*>(m_ref.get()));
}

std::shared_ptr<ValueMap> Value::map_shared() const {
  if (m_kind != Kind::map) return nullptr;
  return std::shared_ptr<ValueMap>(m_ref, map_ptr());
}

const Object* Value::object_ptr() const noexcept {
  if (m_kind != Kind::object) return nullptr;
  return static_cast<const Object*>(m_ref.get());
}

Value Value::boxed_copy() const {
  Value v = *this;
  v.m_boxed = true;
  return v;
}

Value Value::unboxed() const {
  if (m_kind == Kind::nil) return Value();
  if (!m_boxed) return *this;
  Value v = *this;
  v.m_boxed = false;
  return v;
}

Value Value::named(std::string_view type_name) const {
  if (m_kind != Kind::map && m_kind != Kind::list) return *this;
  Value v = *this;
  v.m_string = Node::string(type_name);
  return v;
}

std::string Value::type_name() const {
  if (m_kind == Kind::object) return object_ptr()->type_name();
  if ((m_kind == Kind::map || m_kind == Kind::list) && m_string.is_string()) {
    return std::string(m_string.as_string());
  }
  if (m_kind <= Kind::nil) return "<nil>";
  return std::string(go_type_name(m_type));
}

std::string Value::static_type_name() const {
  if (m_boxed) return "interface {}";
  return type_name();
}

std::string_view Value::kind_name() const {
  switch (m_kind) {
    case Kind::invalid:
    case Kind::nil:
      return "invalid";
    case Kind::list:
      return "slice";
    case Kind::map:
      return "map";
    case Kind::object:
      return object_ptr()->kind_name();
    default:
      return go_type_name(m_type);
  }
}

bool Value::truth() const noexcept {
  switch (m_kind) {
    case Kind::invalid:
    case Kind::nil:
      return false;
    case Kind::boolean:
      return m_bool;
    case Kind::integer:
      return m_int != 0;
    case Kind::floating:
      return m_float != 0;
    case Kind::string:
      return !m_string.as_string().empty();
    case Kind::list:
      return !items().empty();
    case Kind::map:
      return !map_ptr()->empty();
    case Kind::object:
      return true;
  }
  return false;
}

size_t Value::length() const noexcept {
  switch (m_kind) {
    case Kind::string:
      return m_string.as_string().size();
    case Kind::list:
      return items().size();
    case Kind::map:
      return map_ptr()->size();
    default:
      return 0;
  }
}

}  // namespace plumb::gotemplate
